//! Spreadsheets: XLSX (ACLED's download format, Excel's), XLSM, XLSB, the
//! older XLS and OpenDocument's ODS, read with `calamine`. One sheet (the
//! first, or the one `FILE.xlsx?sheet=NAME` names) is written out as CSV
//! text, each cell as a table file would hold it (a date cell as an ISO
//! date, a whole number without `.0`), and read by the CSV reader: every
//! codebook and column name the CSV reader knows, a spreadsheet knows.

use std::io::Cursor;

use calamine::{Data, Reader};

/// Whether a file is a spreadsheet: a zip holding a workbook (XLSX, XLSM,
/// XLSB, ODS), or an OLE2 compound file (XLS). `zip_names`: the entries of
/// a zip archive.
pub fn is_spreadsheet(bytes: &[u8], zip_names: &[String]) -> bool {
    bytes.starts_with(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1")
        || zip_names.iter().any(|n| {
            n.starts_with("xl/workbook.")
                || (n == "content.xml" && zip_names.iter().any(|m| m == "mimetype"))
        })
}

/// A sheet written out as CSV.
#[derive(Debug)]
pub struct Table {
    pub csv: Vec<u8>,
    /// The sheet read.
    pub sheet: String,
    /// Every sheet of the workbook, in order.
    pub sheets: Vec<String>,
}

/// The sheet `wanted` (the first when `None`) of the workbook in `bytes`,
/// as CSV; what went wrong, in a sentence, when it cannot be read.
pub fn to_csv(bytes: &[u8], wanted: Option<&str>) -> Result<Table, String> {
    // A workbook the reader trips over is an error said, never a crash.
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| read_book(bytes, wanted)))
        .unwrap_or_else(|_| {
            Err("this spreadsheet does not read: its contents are damaged or in a form the reader does not know".to_string())
        })
}

fn read_book(bytes: &[u8], wanted: Option<&str>) -> Result<Table, String> {
    let mut book = calamine::open_workbook_auto_from_rs(Cursor::new(bytes))
        .map_err(|e| format!("this spreadsheet does not open: {e}"))?;
    let sheets = book.sheet_names();
    let sheet = match wanted {
        None => sheets
            .first()
            .cloned()
            .ok_or("this spreadsheet has no sheets")?,
        Some(w) => sheets
            .iter()
            .find(|s| s.as_str() == w)
            .or_else(|| sheets.iter().find(|s| s.eq_ignore_ascii_case(w)))
            .cloned()
            .ok_or_else(|| {
                format!(
                    "this spreadsheet has no sheet \"{w}\"; its sheets are: {}",
                    sheets.join(", ")
                )
            })?,
    };
    let range = book
        .worksheet_range(&sheet)
        .map_err(|e| format!("the sheet \"{sheet}\" does not read: {e}"))?;
    let mut out = ::csv::WriterBuilder::new()
        .flexible(true)
        .from_writer(Vec::with_capacity(range.get_size().0 * 64));
    let mut cells: Vec<String> = Vec::new();
    for row in range.rows() {
        cells.clear();
        cells.extend(row.iter().map(cell));
        // Blank cells at the end of a row are not columns.
        while cells.last().is_some_and(String::is_empty) {
            cells.pop();
        }
        out.write_record(&cells)
            .map_err(|e| format!("the sheet \"{sheet}\" does not read: {e}"))?;
    }
    let csv = out
        .into_inner()
        .map_err(|e| format!("the sheet \"{sheet}\" does not read: {e}"))?;
    Ok(Table { csv, sheet, sheets })
}

/// A cell as a table file holds it.
fn cell(d: &Data) -> String {
    match d {
        Data::Empty | Data::Error(_) => String::new(),
        Data::String(s) => s.clone(),
        Data::Int(i) => i.to_string(),
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
        Data::Float(f) => f.to_string(),
        Data::Bool(b) => b.to_string(),
        Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
        Data::DateTime(t) if t.is_datetime() => {
            let (y, mo, d, h, mi, s, ms) = t.to_ymd_hms_milli();
            match (h, mi, s, ms) {
                (0, 0, 0, 0) => format!("{y:04}-{mo:02}-{d:02}"),
                (_, _, _, 0) => format!("{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}"),
                _ => format!("{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}.{ms:03}"),
            }
        }
        Data::DateTime(t) => t.as_f64().to_string(),
    }
}

/// A file's path and the part of it asked for after `?` (`sheet=NAME`,
/// `layer=NAME`), when the path as written names no file but the part
/// before `?` does.
pub fn split_choice(path: &std::path::Path) -> Option<(std::path::PathBuf, String)> {
    if path.exists() {
        return None;
    }
    let text = path.to_str()?;
    let (file, query) = text.rsplit_once('?')?;
    let (key, value) = query.split_once('=')?;
    let file = std::path::PathBuf::from(file);
    (matches!(key, "sheet" | "layer") && file.exists()).then(|| (file, value.to_string()))
}
