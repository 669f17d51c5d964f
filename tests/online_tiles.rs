//! The opt-in online layer, against tile servers on 127.0.0.1 (never the
//! internet): it sends the app's user agent, caches on disk, and a server that
//! stops answering neither blocks the UI nor hides the offline basemap.

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use incident_map::map::tiles::{USER_AGENT, openstreetmap_from};
use incident_map::render::OffscreenMap;
use incident_map_core::model::LatLon;
use walkers::sources::{Attribution, TileSource};
use walkers::{TileId, Tiles};

mod common;

/// Tiles from a server on this machine.
struct Local(u16);

impl TileSource for Local {
    fn tile_url(&self, t: TileId) -> String {
        format!("http://127.0.0.1:{}/{}/{}/{}.png", self.0, t.zoom, t.x, t.y)
    }
    fn attribution(&self) -> Attribution {
        Attribution {
            text: "local test tiles",
            url: "",
            logo_light: None,
            logo_dark: None,
        }
    }
}

/// A 256×256 PNG tile.
fn png_tile() -> Vec<u8> {
    let img = image::RgbaImage::from_pixel(256, 256, image::Rgba([200, 30, 30, 255]));
    let mut out = Vec::new();
    img.write_to(&mut std::io::Cursor::new(&mut out), image::ImageFormat::Png)
        .unwrap();
    out
}

/// Serves a PNG for every request, recording each request's head. Stops after
/// `max` connections, so the test cannot leave it running.
fn serve_tiles(max: usize) -> (u16, Arc<Mutex<Vec<String>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let seen = Arc::new(Mutex::new(Vec::new()));
    let log = seen.clone();
    std::thread::spawn(move || {
        let body = png_tile();
        for stream in listener.incoming().take(max).flatten() {
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let mut head = String::new();
            while let Ok(n) = reader.read_line(&mut head) {
                if n == 0 || head.ends_with("\r\n\r\n") {
                    break;
                }
            }
            log.lock().unwrap().push(head);
            let mut s = stream;
            let _ = write!(
                s,
                "HTTP/1.1 200 OK\r\nContent-Type: image/png\r\nContent-Length: {}\r\nCache-Control: max-age=86400\r\nConnection: close\r\n\r\n",
                body.len()
            );
            let _ = s.write_all(&body);
        }
    });
    (port, seen)
}

/// Accepts connections and never answers, for up to `hold`.
fn serve_nothing(hold: Duration) -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        let mut open = Vec::new();
        listener.set_nonblocking(true).unwrap();
        let start = Instant::now();
        while start.elapsed() < hold {
            if let Ok((s, _)) = listener.accept() {
                open.push(s);
            }
            std::thread::sleep(Duration::from_millis(10));
        }
    });
    port
}

fn ctx() -> egui::Context {
    let ctx = egui::Context::default();
    std::mem::forget(ctx.run_ui(Default::default(), |_| {}));
    ctx
}

#[test]
fn tiles_arrive_with_the_apps_user_agent_and_are_cached_on_disk() {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let (port, seen) = serve_tiles(16);
    let cache = tempfile::tempdir().unwrap();
    let mut tiles = openstreetmap_from(Local(port), Some(cache.path().to_path_buf()), &ctx());
    let id = TileId {
        x: 1,
        y: 1,
        zoom: 2,
    };
    let start = Instant::now();
    while tiles.at(id).is_none_or(|p| {
        p.uv != egui::Rect::from_min_max(egui::pos2(0.0, 0.0), egui::pos2(1.0, 1.0))
    }) {
        assert!(
            start.elapsed() < Duration::from_secs(20),
            "the tile never arrived"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    let requests = seen.lock().unwrap().clone();
    assert!(requests[0].starts_with("GET /2/1/1.png"), "{requests:?}");
    let ua = requests[0]
        .lines()
        .find(|l| l.to_lowercase().starts_with("user-agent:"))
        .unwrap();
    assert!(ua.contains(USER_AGENT), "{ua}");
    assert!(
        std::fs::read_dir(cache.path()).unwrap().count() > 0,
        "nothing was cached on disk"
    );
}

#[test]
fn a_server_that_stops_answering_blocks_nothing_and_the_basemap_shows() {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let port = serve_nothing(Duration::from_secs(60));

    // Asking for tiles returns at once, tile or not: the UI thread never waits.
    let mut online = openstreetmap_from(Local(port), None, &ctx());
    let start = Instant::now();
    for x in 0..200 {
        assert!(online.at(TileId { x, y: 300, zoom: 9 }).is_none());
    }
    assert!(
        start.elapsed() < Duration::from_secs(2),
        "asking for tiles blocked: {:?}",
        start.elapsed()
    );

    // With the dead layer on, the map still draws the offline basemap beneath.
    let file = common::scenario();
    let view = Some((
        LatLon {
            lat: 55.7558,
            lon: 37.6173,
        },
        10.0,
    ));
    let mut map = OffscreenMap::new(&file, None, (320, 240)).map_only();
    let offline = map.render(view).unwrap();
    let ctx = map.ctx();
    map.app()
        .map_mut()
        .set_online_tiles(Some(openstreetmap_from(Local(port), None, &ctx)));
    let with_dead_layer = map.render(view).unwrap();
    assert!(
        map.app().map().online_loading() > 0,
        "the online tiles are still pending"
    );
    let differing = offline
        .pixels()
        .zip(with_dead_layer.pixels())
        .filter(|(a, b)| a.0.iter().zip(b.0.iter()).any(|(x, y)| x.abs_diff(*y) > 8))
        .count();
    // Only the attribution line changes (it names OpenStreetMap while the layer is on).
    assert!(differing < 2_000, "{differing} pixels changed");
}
