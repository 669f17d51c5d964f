//! The reading engine: a long article read once the gazetteer is loaded
//! (the target: 5,000 words in at most 50 ms), the gazetteer with its
//! regions loaded (at most 0.5 s: `gazetteer`'s `parse`), and 1,000
//! articles read by one `incident-map extract` call on every core.
//! Run with `cargo bench --bench reading`.

use std::sync::OnceLock;

use incident_map_core::gazetteer::Gazetteer;
use incident_map_core::reading::{self, Context};

fn main() {
    divan::main();
}

fn gazetteer() -> &'static Gazetteer {
    static G: OnceLock<Gazetteer> = OnceLock::new();
    G.get_or_init(|| {
        let bytes = std::fs::read(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/assets/gazetteer.tsv.gz"
        ))
        .unwrap();
        Gazetteer::parse(&bytes).unwrap()
    })
}

/// The repository's articles, one after the other until `words` words.
fn article(words: usize) -> String {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/files/reading");
    let parts: Vec<String> = ["two-cities.txt", "kenya-floods.txt"]
        .iter()
        .map(|f| std::fs::read_to_string(format!("{dir}/{f}")).unwrap())
        .chain(std::iter::once(
            std::fs::read_to_string(concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/data/moscow-march-2024-article.txt"
            ))
            .unwrap(),
        ))
        .collect();
    let mut out = String::new();
    for part in parts.iter().cycle() {
        if out.split_whitespace().count() >= words {
            break;
        }
        out.push_str(part);
        out.push_str("\n\n");
    }
    out
}

#[divan::bench(args = [500, 5_000])]
fn read_an_article(bencher: divan::Bencher, words: usize) {
    let text = article(words);
    let g = gazetteer();
    let context = Context {
        date: Some("2016-09-19".parse().unwrap()),
        ..Context::default()
    };
    bencher.bench(|| {
        reading::read(divan::black_box(&text), &context, g)
            .events
            .len()
    });
}

/// One `extract` call over 1,000 articles (the gazetteer read once, the
/// articles on every core), as JSON lines.
#[divan::bench(sample_count = 3)]
fn extract_1000_articles(bencher: divan::Bencher) {
    let dir = tempfile::tempdir().unwrap();
    let files: Vec<std::path::PathBuf> = (0..1000)
        .map(|k| {
            let path = dir.path().join(format!("a{k}.txt"));
            std::fs::write(&path, article(400 + k % 7 * 100)).unwrap();
            path
        })
        .collect();
    bencher.bench(|| {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_incident-map"))
            .arg("extract")
            .arg("--json")
            .args(&files)
            .output()
            .unwrap();
        assert!(out.status.success());
        out.stdout.len()
    });
}
