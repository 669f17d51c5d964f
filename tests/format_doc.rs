//! The annotated example in `docs/format.md` is a valid file: the
//! documentation cannot drift from what the reader accepts.

use std::path::Path;

use incident_map_core::formats::{self, LoadOptions};
use incident_map_core::model::When;

#[test]
fn the_documented_example_loads_without_a_single_diagnostic() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let doc = std::fs::read_to_string(root.join("docs/format.md")).unwrap();
    let start = doc.find("```json\n").expect("an example") + "```json\n".len();
    let example = &doc[start..start + doc[start..].find("```").unwrap()];

    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(
        root.join("data/moscow-march-2024-article.txt"),
        dir.path().join("article.txt"),
    )
    .unwrap();
    let file = dir.path().join("example.json");
    std::fs::write(&file, example).unwrap();

    let loaded = formats::load(&file, &LoadOptions::default()).unwrap();
    assert!(loaded.diagnostics.is_empty(), "{:#?}", loaded.diagnostics);
    let ds = loaded.dataset().unwrap().into_owned();
    assert_eq!(ds.events.len(), 3);
    assert_eq!(
        ds.passages()
            .filter(|(_, p)| p.anchoring.anchor().is_some())
            .count(),
        3
    );
    assert!(matches!(ds.event("reaction").unwrap().when, When::Disputed(ref r) if r.len() == 2));
    let hall = ds.event("attack").unwrap().location.as_ref().unwrap();
    assert!(matches!(hall.geometry, Some(geo::Geometry::Polygon(_))));
}
