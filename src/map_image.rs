//! Exporting the map as a PNG: the window's screenshot cropped to the map,
//! encoded and saved atomically.

use std::path::{Path, PathBuf};

/// Crops a window screenshot to the map and saves it as a PNG (atomically);
/// where it went, or why not.
pub fn save_map_image(
    image: &egui::ColorImage,
    map: egui::Rect,
    ppp: f32,
    path: &Path,
) -> Result<PathBuf, String> {
    // The part of the map that is on the screenshot, in points.
    let [w, h] = image.size;
    let shot = egui::Rect::from_min_size(egui::Pos2::ZERO, egui::vec2(w as f32, h as f32) / ppp);
    let map = map.intersect(shot);
    if !map.is_positive() {
        return Err("the map is not on screen".to_string());
    }
    let region = image.region(&map, Some(ppp));
    let rgba: Vec<u8> = region.pixels.iter().flat_map(|c| c.to_array()).collect();
    let [w, h] = region.size;
    let png = image::RgbaImage::from_raw(w as u32, h as u32, rgba).and_then(|img| {
        let mut out = Vec::new();
        img.write_to(&mut std::io::Cursor::new(&mut out), image::ImageFormat::Png)
            .ok()?;
        Some(out)
    });
    match png.map(|png| incident_map_core::formats::save_atomic(path, &png)) {
        Some(Ok(())) => Ok(path.to_path_buf()),
        Some(Err(e)) => Err(format!("cannot write {}: {e}", path.display())),
        None => Err("the screenshot could not be encoded".to_string()),
    }
}

/// Where the map image goes: the Pictures folder (else home, else here),
/// named by the time.
pub fn default_path() -> PathBuf {
    let dir = directories::UserDirs::new()
        .and_then(|d| {
            d.picture_dir()
                .or(Some(d.home_dir()))
                .map(Path::to_path_buf)
        })
        .unwrap_or_else(|| PathBuf::from("."));
    let stamp = jiff::ZonedDateTime::now().strftime("%Y%m%d-%H%M%S");
    dir.join(format!("incident-map-{stamp}.png"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn saving_a_map_image_crops_to_the_map_and_never_panics() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("map.png");
        let shot = egui::ColorImage::new([200, 100], vec![egui::Color32::RED; 200 * 100]);
        let map = egui::Rect::from_min_max(egui::pos2(10.0, 20.0), egui::pos2(110.0, 70.0));
        assert_eq!(save_map_image(&shot, map, 1.0, &path), Ok(path.clone()));
        let saved = image::open(&path).unwrap();
        assert_eq!((saved.width(), saved.height()), (100, 50));
        // A map partly off the screenshot is cut to what is on it; one wholly off, or
        // no map at all, is a message, not a panic.
        let saved = save_map_image(
            &shot,
            egui::Rect::from_min_max(egui::pos2(150.0, 50.0), egui::pos2(400.0, 400.0)),
            1.0,
            &path,
        );
        assert_eq!(saved, Ok(path.clone()));
        assert_eq!(image::open(&path).unwrap().width(), 50);
        for rect in [
            egui::Rect::NOTHING,
            egui::Rect::from_min_max(egui::pos2(300.0, 0.0), egui::pos2(400.0, 50.0)),
        ] {
            assert_eq!(
                save_map_image(&shot, rect, 1.0, &path),
                Err("the map is not on screen".to_string())
            );
        }
        let failed = save_map_image(&shot, map, 1.0, &dir.path().join("no/such/dir/map.png"));
        assert!(failed.unwrap_err().starts_with("cannot write"));
    }
}
