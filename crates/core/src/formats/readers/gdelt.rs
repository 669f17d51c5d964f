//! GDELT event tables: the 2.0 exports (`*.export.CSV`: tab-separated, no
//! header, 61 columns) and 1.0's daily files (57 columns, 58 with the
//! source URL from April 2013 on). Recognised by their shape, never their
//! name: a first line of that many tab-separated fields whose first is a
//! number (GLOBALEVENTID) and whose second a day written YYYYMMDD (SQLDATE).
//! The CSV reader then reads the rows under GDELT's own column names, which
//! the shared vocabulary ([`super::record::Role`]) knows, so a GDELT table
//! exported with a header (BigQuery, a spreadsheet) reads the same way.
//!
//! What GDELT codes mean here: the CAMEO root code (01–20) is the
//! category, named; `ActionGeo_Type` the precision (1 country, 2 and 5 a
//! state or region, 3 and 4 a city); `ActionGeo_FullName` the place;
//! `Actor1Name` and `Actor2Name` the actors; `SOURCEURL` the source;
//! `EventCode`, `NumMentions` and `GoldsteinScale` are kept in the notes.

use crate::model::Precision;

/// The columns of GDELT 2.0's event table, in order.
pub const COLUMNS_2: [&str; 61] = [
    "GLOBALEVENTID",
    "SQLDATE",
    "MonthYear",
    "Year",
    "FractionDate",
    "Actor1Code",
    "Actor1Name",
    "Actor1CountryCode",
    "Actor1KnownGroupCode",
    "Actor1EthnicCode",
    "Actor1Religion1Code",
    "Actor1Religion2Code",
    "Actor1Type1Code",
    "Actor1Type2Code",
    "Actor1Type3Code",
    "Actor2Code",
    "Actor2Name",
    "Actor2CountryCode",
    "Actor2KnownGroupCode",
    "Actor2EthnicCode",
    "Actor2Religion1Code",
    "Actor2Religion2Code",
    "Actor2Type1Code",
    "Actor2Type2Code",
    "Actor2Type3Code",
    "IsRootEvent",
    "EventCode",
    "EventBaseCode",
    "EventRootCode",
    "QuadClass",
    "GoldsteinScale",
    "NumMentions",
    "NumSources",
    "NumArticles",
    "AvgTone",
    "Actor1Geo_Type",
    "Actor1Geo_FullName",
    "Actor1Geo_CountryCode",
    "Actor1Geo_ADM1Code",
    "Actor1Geo_ADM2Code",
    "Actor1Geo_Lat",
    "Actor1Geo_Long",
    "Actor1Geo_FeatureID",
    "Actor2Geo_Type",
    "Actor2Geo_FullName",
    "Actor2Geo_CountryCode",
    "Actor2Geo_ADM1Code",
    "Actor2Geo_ADM2Code",
    "Actor2Geo_Lat",
    "Actor2Geo_Long",
    "Actor2Geo_FeatureID",
    "ActionGeo_Type",
    "ActionGeo_FullName",
    "ActionGeo_CountryCode",
    "ActionGeo_ADM1Code",
    "ActionGeo_ADM2Code",
    "ActionGeo_Lat",
    "ActionGeo_Long",
    "ActionGeo_FeatureID",
    "DATEADDED",
    "SOURCEURL",
];

/// The columns of a GDELT table with `count` columns: 2.0's 61, or 1.0's
/// 57 or 58 (no ADM2 codes; 58 with the source URL, 57 without).
pub fn columns(count: usize) -> Option<Vec<&'static str>> {
    match count {
        61 => Some(COLUMNS_2.to_vec()),
        57 | 58 => {
            let mut c: Vec<&str> = COLUMNS_2
                .iter()
                .copied()
                .filter(|n| !n.ends_with("_ADM2Code"))
                .collect();
            if count == 57 {
                c.pop();
            }
            Some(c)
        }
        _ => None,
    }
}

/// The columns of a headerless GDELT table whose first line is `line`.
pub fn recognise(line: &[u8]) -> Option<Vec<&'static str>> {
    let line = line.strip_suffix(b"\r").unwrap_or(line);
    let fields: Vec<&[u8]> = line.split(|&b| b == b'\t').collect();
    let digits = |f: &[u8]| !f.is_empty() && f.iter().all(u8::is_ascii_digit);
    let day = |f: &[u8]| {
        f.len() == 8
            && digits(f)
            && std::str::from_utf8(f)
                .ok()
                .and_then(super::dates::parse)
                .is_some()
    };
    if fields.len() < 2 || !digits(fields[0]) || !day(fields[1]) {
        return None;
    }
    columns(fields.len())
}

/// CAMEO's root codes, named.
pub const CAMEO_ROOTS: [&str; 20] = [
    "Make public statement",
    "Appeal",
    "Express intent to cooperate",
    "Consult",
    "Engage in diplomatic cooperation",
    "Engage in material cooperation",
    "Provide aid",
    "Yield",
    "Investigate",
    "Demand",
    "Disapprove",
    "Reject",
    "Threaten",
    "Protest",
    "Exhibit force posture",
    "Reduce relations",
    "Coerce",
    "Assault",
    "Fight",
    "Use unconventional mass violence",
];

/// The name of a CAMEO root code ("14" → "Protest"); the code itself when
/// it is not one.
pub fn cameo_root(code: &str) -> Option<&'static str> {
    let n: usize = code.trim().parse().ok()?;
    CAMEO_ROOTS.get(n.checked_sub(1)?).copied()
}

/// `ActionGeo_Type` as a precision: 1 a country; 2 a US state, 5 a region
/// elsewhere; 3 a US city, 4 a city elsewhere.
pub fn precision(geo_type: &str) -> Option<Precision> {
    match geo_type.trim() {
        "1" => Some(Precision::Country),
        "2" | "5" => Some(Precision::Region),
        "3" | "4" => Some(Precision::Town),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_are_recognised_by_shape() {
        let mut row = vec!["1158093520", "20240322"];
        row.extend(std::iter::repeat_n("", 59));
        let line = row.join("\t");
        assert_eq!(recognise(line.as_bytes()).unwrap().len(), 61);
        // 1.0's daily files: 58 and 57 columns, no ADM2 codes.
        let c58 = columns(58).unwrap();
        assert_eq!(c58.len(), 58);
        assert!(!c58.contains(&"ActionGeo_ADM2Code"));
        assert_eq!(c58[57], "SOURCEURL");
        assert_eq!(columns(57).unwrap()[56], "DATEADDED");
        // Not a day, not a number, another count, another delimiter.
        assert!(recognise(line.replace("20240322", "20241322").as_bytes()).is_none());
        assert!(recognise(line.replace("1158093520", "id").as_bytes()).is_none());
        assert!(recognise(row[..40].join("\t").as_bytes()).is_none());
        assert!(recognise(line.replace('\t', ",").as_bytes()).is_none());
    }

    #[test]
    fn codes_are_named() {
        assert_eq!(cameo_root("14"), Some("Protest"));
        assert_eq!(cameo_root("01"), Some("Make public statement"));
        assert_eq!(cameo_root("20"), Some("Use unconventional mass violence"));
        assert_eq!(cameo_root("21"), None);
        assert_eq!(cameo_root("00"), None);
        assert_eq!(precision("4"), Some(Precision::Town));
        assert_eq!(precision("5"), Some(Precision::Region));
        assert_eq!(precision("1"), Some(Precision::Country));
        assert_eq!(precision("0"), None);
    }
}
