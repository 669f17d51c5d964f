//! The binary carries what it needs: a copy of it in an empty folder, with
//! the checkout hidden (a private mount namespace lays an empty tmpfs over
//! it, where `unshare` is allowed), draws the bundled scenario on the
//! offline map, touching nothing under HOME (the app installs its bundled
//! files in the XDG data folder: see `bundle`'s tests; the commands use a
//! private temporary folder, removed when they finish).

use std::path::Path;
use std::process::Command;

mod common;

/// Whether this machine lets a test hide a folder in a mount namespace of its own.
fn can_hide_folders() -> bool {
    Command::new("unshare")
        .args(["-rm", "sh", "-c", "mount -t tmpfs none /mnt"])
        .status()
        .is_ok_and(|s| s.success())
}

/// Pixels of the attack's marker colour (#d62728, give or take antialiasing).
fn attack_red(image: &image::RgbaImage) -> usize {
    image
        .pixels()
        .filter(|p| {
            let [r, g, b, _] = p.0;
            r.abs_diff(0xd6) < 12 && g.abs_diff(0x27) < 12 && b.abs_diff(0x28) < 12
        })
        .count()
}

#[test]
fn a_copied_binary_draws_the_scenario_with_the_checkout_out_of_reach() {
    let dir = tempfile::tempdir().unwrap();
    let bin = dir.path().join("incident-map");
    std::fs::copy(assert_cmd::cargo::cargo_bin("incident-map"), &bin).unwrap();
    let home = dir.path().join("home");
    let data = home.join(".local/share");
    std::fs::create_dir_all(&data).unwrap();
    let tmp = dir.path().join("tmp");
    std::fs::create_dir_all(&tmp).unwrap();
    let out = dir.path().join("map.png");
    let checkout = Path::new(env!("CARGO_MANIFEST_DIR"));
    // And publishes a page, its libraries, font and map from the binary.
    for f in ["moscow-march-2024.json", "moscow-march-2024-article.txt"] {
        std::fs::copy(checkout.join("data").join(f), dir.path().join(f)).unwrap();
    }
    let page = dir.path().join("page.html");
    let run = format!(
        "'{bin}' render --out '{}' && exec '{bin}' publish '{}' '{}'",
        out.display(),
        dir.path().join("moscow-march-2024.json").display(),
        page.display(),
        bin = bin.display(),
    );
    let mut cmd = if can_hide_folders() {
        let mut c = Command::new("unshare");
        c.args(["-rm", "sh", "-c"]).arg(format!(
            "mount -t tmpfs none '{}' && test ! -e '{}' && {run}",
            checkout.display(),
            checkout.join("Cargo.toml").display()
        ));
        c
    } else {
        eprintln!(
            "unshare is not allowed here: the checkout stays on disk, out of the binary's sight"
        );
        let mut c = Command::new("sh");
        c.args(["-c", &run]);
        c
    };
    let output = cmd
        .current_dir(dir.path())
        .env("HOME", &home)
        .env("XDG_DATA_HOME", &data)
        .env("TMPDIR", &tmp)
        .env_remove("INCIDENT_MAP_ASSETS")
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}\n{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    // The scenario on the offline map: land and roads drawn, the attack's marker red.
    let image = image::open(&out).unwrap().to_rgba8();
    assert!(attack_red(&image) > 40, "no marker of the attack");
    let distinct: std::collections::HashSet<[u8; 4]> =
        image.pixels().step_by(7).map(|p| p.0).collect();
    assert!(
        distinct.len() > 200,
        "a blank map: {} colours",
        distinct.len()
    );
    let html = std::fs::read_to_string(&page).unwrap();
    let index = incident_map_core::publish::read_index(&html).expect("a published page");
    assert_eq!(index["events"].as_array().unwrap().len(), 4);
    assert!(html.contains("data-library=\"leaflet.js\""));
    assert!(html.len() > 1_000_000, "the page carries its map");
    // Nothing was written under HOME, and the private folder is gone.
    assert_eq!(
        std::fs::read_dir(&data).unwrap().count(),
        0,
        "HOME was written to"
    );
    let left: Vec<_> = std::fs::read_dir(&tmp)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert!(left.is_empty(), "left behind: {left:?}");
}
