//! `incident-map publish` in a real browser: Debian's Chromium, headless,
//! driven through the DevTools protocol (over a pipe: `--remote-debugging-pipe`,
//! no port, no WebSocket crate), the page opened from `file://` with every
//! network request failing (a dead proxy, no name resolution) and every
//! request it makes recorded.
//!
//! Chromium is needed: `.ci/run` installs it (`apt-get install chromium`);
//! elsewhere set `CHROME` to a Chrome or Chromium binary, or
//! `INCIDENT_MAP_SKIP_BROWSER=1` to skip these tests, said loudly.

mod common;

use std::io::{BufRead, BufReader, Write};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use assert_cmd::cargo::CommandCargoExt;
use serde_json::{Value, json};

/// A browser's binary, or `None` when the tests are to be skipped.
fn chromium() -> Option<PathBuf> {
    if std::env::var_os("INCIDENT_MAP_SKIP_BROWSER").is_some() {
        eprintln!(
            "warning: INCIDENT_MAP_SKIP_BROWSER is set: the published page is NOT tested in a browser"
        );
        return None;
    }
    if let Some(c) = std::env::var_os("CHROME") {
        return Some(PathBuf::from(c));
    }
    for name in ["chromium", "chromium-browser", "google-chrome"] {
        for dir in std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default()) {
            let p = dir.join(name);
            if p.is_file() {
                return Some(p);
            }
        }
    }
    panic!(
        "no Chromium to test the published page in: install it (apt-get install chromium; .ci/run does), \
         set CHROME to a Chrome binary, or set INCIDENT_MAP_SKIP_BROWSER=1 to skip these tests"
    );
}

/// A headless browser and one page in it, spoken to over the DevTools protocol.
struct Browser {
    child: Child,
    to: std::io::PipeWriter,
    from: BufReader<std::io::PipeReader>,
    next: u64,
    session: String,
    /// Every event the browser sent, in order.
    events: Vec<Value>,
    _profile: tempfile::TempDir,
}

impl Browser {
    fn start(binary: &Path) -> Browser {
        let profile = tempfile::tempdir().unwrap();
        let (their_in, to) = std::io::pipe().unwrap();
        let (from, their_out) = std::io::pipe().unwrap();
        let (fd_in, fd_out) = {
            use std::os::fd::AsRawFd;
            (their_in.as_raw_fd(), their_out.as_raw_fd())
        };
        let mut cmd = Command::new(binary);
        cmd.args([
            "--headless",
            "--remote-debugging-pipe",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--no-default-browser-check",
            "--disable-extensions",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            // Every request to the network fails: a proxy nobody answers on,
            // and no name resolves.
            "--proxy-server=127.0.0.1:9",
            "--host-resolver-rules=MAP * ~NOTFOUND",
            "--window-size=1280,800",
            "--hide-scrollbars",
            "--font-render-hinting=none",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .arg("about:blank")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null());
        if std::env::var_os("INCIDENT_MAP_BROWSER_LOG").is_some() {
            cmd.stderr(Stdio::inherit());
        }
        // The protocol's pipe is the child's fds 3 (it reads) and 4 (it writes).
        unsafe {
            cmd.pre_exec(move || {
                // Either may be 3 or 4 already: both moved out of the way first.
                let (a, b) = (
                    libc::fcntl(fd_in, libc::F_DUPFD, 10),
                    libc::fcntl(fd_out, libc::F_DUPFD, 10),
                );
                if a < 0 || b < 0 || libc::dup2(a, 3) < 0 || libc::dup2(b, 4) < 0 {
                    return Err(std::io::Error::last_os_error());
                }
                Ok(())
            });
        }
        let child = cmd.spawn().expect("start the browser");
        drop(their_in);
        drop(their_out);
        let mut b = Browser {
            child,
            to,
            from: BufReader::new(from),
            next: 0,
            session: String::new(),
            events: Vec::new(),
            _profile: profile,
        };
        let target = b.call("Target.createTarget", json!({"url": "about:blank"}));
        let target = target["targetId"].as_str().unwrap().to_string();
        let attached = b.call(
            "Target.attachToTarget",
            json!({"targetId": target, "flatten": true}),
        );
        b.session = attached["sessionId"].as_str().unwrap().to_string();
        for domain in [
            "Network.enable",
            "Page.enable",
            "Runtime.enable",
            "Log.enable",
        ] {
            b.page(domain, json!({}));
        }
        b.page(
            "Emulation.setDeviceMetricsOverride",
            json!({"width": 1280, "height": 800, "deviceScaleFactor": 1, "mobile": false}),
        );
        b
    }

    fn send(&mut self, method: &str, params: Value, session: Option<&str>) -> Value {
        self.next += 1;
        let id = self.next;
        let mut msg = json!({"id": id, "method": method, "params": params});
        if let Some(s) = session {
            msg["sessionId"] = s.into();
        }
        let mut bytes = serde_json::to_vec(&msg).unwrap();
        bytes.push(0);
        self.to.write_all(&bytes).unwrap();
        loop {
            let mut buf = Vec::new();
            let n = self
                .from
                .read_until(0, &mut buf)
                .expect("read from the browser");
            assert!(
                n > 0,
                "the browser closed its pipe (it crashed?) during {method}"
            );
            buf.pop();
            let v: Value = serde_json::from_slice(&buf).unwrap();
            if v["id"].as_u64() == Some(id) {
                if let Some(e) = v.get("error") {
                    panic!("{method} failed: {e}");
                }
                return v["result"].clone();
            }
            self.events.push(v);
        }
    }

    fn call(&mut self, method: &str, params: Value) -> Value {
        self.send(method, params, None)
    }

    fn page(&mut self, method: &str, params: Value) -> Value {
        let s = self.session.clone();
        self.send(method, params, Some(&s))
    }

    /// `expr` evaluated in the page, its value.
    fn eval(&mut self, expr: &str) -> Value {
        let r = self.page(
            "Runtime.evaluate",
            json!({"expression": expr, "returnByValue": true, "awaitPromise": true}),
        );
        if let Some(e) = r.get("exceptionDetails") {
            panic!("{expr} threw: {e}");
        }
        r["result"]["value"].clone()
    }

    /// Opens `url` and waits until the page says it is drawn; how long it took
    /// by the page's own clock (navigation start to its basemap drawn).
    fn open(&mut self, url: &str) -> f64 {
        self.page("Page.navigate", json!({"url": url}));
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            // A navigation that changes only the fragment keeps the document:
            // wait for a new one (the old is marked below).
            let ready = self.eval(
                "document.documentElement?.dataset.ready && !window.__seen ? [document.documentElement.dataset.ready, performance.now()] : null",
            );
            if let Some([how, ms]) = ready.as_array().map(|a| [&a[0], &a[1]]) {
                assert_eq!(how, "drawn", "{url}: the basemap was not drawn in 8 s");
                self.eval("window.__seen = true");
                return ms.as_f64().unwrap();
            }
            assert!(Instant::now() < deadline, "{url} was not drawn in 30 s");
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    fn click(&mut self, x: f64, y: f64) {
        for kind in ["mouseMoved", "mousePressed", "mouseReleased"] {
            self.page(
                "Input.dispatchMouseEvent",
                json!({"type": kind, "x": x, "y": y, "button": "left", "clickCount": 1}),
            );
        }
    }

    fn key(&mut self, key: &str, code: &str, key_code: u32) {
        for kind in ["rawKeyDown", "keyUp"] {
            self.page(
                "Input.dispatchKeyEvent",
                json!({"type": kind, "key": key, "code": code, "windowsVirtualKeyCode": key_code}),
            );
        }
    }

    /// The centre of the first element `selector` finds, on screen.
    fn centre_of(&mut self, selector: &str) -> Option<(f64, f64)> {
        let v = self.eval(&format!(
            "(() => {{ const e = document.querySelector({}); if (!e) return null; \
             const r = e.getBoundingClientRect(); return [r.left + r.width / 2, r.top + r.height / 2]; }})()",
            serde_json::to_string(selector).unwrap()
        ));
        let a = v.as_array()?;
        Some((a[0].as_f64()?, a[1].as_f64()?))
    }

    fn screenshot(&mut self) -> image::RgbaImage {
        let r = self.page("Page.captureScreenshot", json!({"format": "png"}));
        let png = incident_map_core::publish::base64_decode(r["data"].as_str().unwrap())
            .expect("a screenshot in base64");
        image::load_from_memory(&png).unwrap().to_rgba8()
    }

    /// Every URL the page asked for, and every error it threw or logged.
    fn requests_and_errors(&self) -> (Vec<String>, Vec<String>) {
        let mut urls = Vec::new();
        let mut errors = Vec::new();
        for e in &self.events {
            match e["method"].as_str() {
                Some("Network.requestWillBeSent") => urls.push(
                    e["params"]["request"]["url"]
                        .as_str()
                        .unwrap_or("")
                        .to_string(),
                ),
                Some("Runtime.exceptionThrown") => errors.push(e["params"].to_string()),
                Some("Runtime.consoleAPICalled") if e["params"]["type"] == "error" => {
                    errors.push(e["params"]["args"].to_string())
                }
                // What the browser itself says is wrong: a request the
                // page's Content-Security-Policy stopped, among others.
                Some("Log.entryAdded") if e["params"]["entry"]["level"] == "error" => {
                    errors.push(e["params"]["entry"].to_string())
                }
                Some("Network.loadingFailed") => {
                    errors.push(format!("request failed: {}", e["params"]))
                }
                _ => {}
            }
        }
        (urls, errors)
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Publishes `input` (with `args`) to `out`, the command's output.
fn publish(input: &Path, out: &Path, args: &[&str]) -> String {
    let o = Command::cargo_bin("incident-map")
        .unwrap()
        .arg("publish")
        .arg(input)
        .arg(out)
        .args(args)
        .output()
        .unwrap();
    assert!(
        o.status.success(),
        "publish failed: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8(o.stdout).unwrap()
}

fn file_url(p: &Path) -> String {
    format!("file://{}", p.canonicalize().unwrap().display())
}

fn scenario() -> incident_map_core::model::Dataset {
    let loaded = incident_map_core::formats::open(
        &incident_map_core::origin::Origin::File(common::scenario()),
        &Default::default(),
    )
    .unwrap();
    loaded.usable().unwrap().to_dataset().into_owned()
}

/// The four checks the issue asks for, on the scenario's page: drawn (not
/// blank), `#event=ID` opens with its passage in a `<mark>`, a click on a
/// marker shows its context, and no request left `file://`.
#[test]
fn the_scenario_page_works_offline_in_a_browser() {
    let Some(chrome) = chromium() else { return };
    let dir = tempfile::tempdir().unwrap();
    let page = dir.path().join("scenario.html");
    let said = publish(&common::scenario(), &page, &[]);
    assert!(said.contains("4 of 4 events"), "{said}");
    let size = std::fs::metadata(&page).unwrap().len();
    assert!(
        size <= 6_000_000,
        "the scenario's page is {size} bytes, over 6 MB"
    );
    let ds = scenario();
    let mut b = Browser::start(&chrome);

    // (b) An address naming an event opens with it selected, its passage
    // marked in its source's text.
    let attack = ds.event("crocus-attack").expect("the scenario's attack");
    let ms = b.open(&format!("{}#event=crocus-attack", file_url(&page)));
    eprintln!("the scenario's page was drawn {ms:.0} ms after navigation started");
    assert_eq!(
        b.eval("document.getElementById('context-title')?.textContent"),
        json!(attack.title)
    );
    let marks = b.eval("[...document.querySelectorAll('#context mark')].map(m => m.textContent)");
    let marks: Vec<String> = serde_json::from_value(marks).unwrap();
    let quotes: Vec<&str> = attack.passages.iter().map(|p| p.quote.as_str()).collect();
    assert!(!marks.is_empty(), "no passage is marked");
    for q in &quotes {
        assert!(
            marks.iter().any(|m| m == q),
            "the passage {q:?} is not in a <mark> (marked: {marks:?})"
        );
    }
    // The source's SHA-256 and title are with it.
    let context = b.eval("document.getElementById('context').textContent");
    let source = ds.source(&attack.passages[0].source).unwrap();
    assert!(
        context
            .as_str()
            .unwrap()
            .contains(source.sha256.as_deref().unwrap())
    );
    assert!(context.as_str().unwrap().contains(&source.title));

    // Printed: the controls go, the source's whole text is on paper.
    b.page("Emulation.setEmulatedMedia", json!({"media": "print"}));
    assert_eq!(
        b.eval("getComputedStyle(document.getElementById('window')).display"),
        json!("none")
    );
    assert_eq!(
        b.eval("getComputedStyle(document.querySelector('.source-text')).maxHeight"),
        json!("none")
    );
    b.page("Emulation.setEmulatedMedia", json!({"media": ""}));

    // (a) Drawn: the map's area is land and water with the basemap's colours,
    // and the selected marker is there in its category's colour.
    let shot = b.screenshot();
    let rect = b.eval(
        "(() => { const r = document.getElementById('map').getBoundingClientRect(); return [r.left, r.top, r.right, r.bottom]; })()",
    );
    let r: Vec<f64> = serde_json::from_value(rect).unwrap();
    let (mut land, mut other) = (0usize, std::collections::HashSet::new());
    for y in r[1] as u32..(r[3] as u32).min(shot.height()) {
        for x in r[0] as u32..(r[2] as u32).min(shot.width()) {
            let p = shot.get_pixel(x, y).0;
            if p[..3] == [0xf2, 0xef, 0xe9] {
                land += 1;
            }
            other.insert([p[0] >> 3, p[1] >> 3, p[2] >> 3]);
        }
    }
    let area = ((r[2] - r[0]) * (r[3] - r[1])) as usize;
    if land <= area / 4 {
        let keep = std::env::temp_dir().join("incident-map-publish-blank.png");
        shot.save(&keep).unwrap();
        eprintln!("the screenshot is kept at {}", keep.display());
    }
    assert!(
        land > area / 4,
        "the map is not drawn: {land} of {area} pixels are land"
    );
    assert!(other.len() > 20, "the map has only {} colours", other.len());
    let (mx, my) = b
        .centre_of(".marker.selected")
        .expect("the selected event's marker is on the map");
    let p = shot.get_pixel(mx as u32, my as u32).0;
    let red = (p[0] as i32 - 0xd6).abs() + (p[1] as i32 - 0x27).abs() + (p[2] as i32 - 0x28).abs();
    assert!(red < 60, "the attack's marker is not red on screen: {p:?}");

    // (c) A click on another marker shows its context, and the address follows.
    b.open(&file_url(&page));
    assert_eq!(
        b.eval("document.querySelector('#context h2')"),
        Value::Null,
        "nothing selected at first"
    );
    let id = b
        .eval("document.querySelector('[data-event]')?.dataset.event")
        .as_str()
        .expect("a marker on the map")
        .to_string();
    let (x, y) = b.centre_of(&format!("[data-event=\"{id}\"]")).unwrap();
    b.click(x, y);
    let event = ds.event(&id).unwrap();
    assert_eq!(
        b.eval("document.getElementById('context-title')?.textContent"),
        json!(event.title),
        "a click on {id}'s marker shows its context"
    );
    assert_eq!(b.eval("location.hash"), json!(format!("#event={id}")));
    assert_eq!(
        b.eval("document.querySelector('.row.event[aria-selected=true]')?.dataset.i !== undefined"),
        json!(true),
        "its timeline row is selected"
    );

    // ↓ walks to the next event in the timeline.
    let before = b.eval("location.hash");
    b.key("ArrowDown", "ArrowDown", 40);
    let after = b.eval("location.hash");
    assert_ne!(before, after, "↓ selects the next event");

    // A cluster's exact count, and a click on it zooms in to its events.
    if let Some((x, y)) = b.centre_of("[data-cluster]") {
        let n = b.eval("Number(document.querySelector('[data-cluster]').dataset.cluster)");
        b.click(x, y);
        std::thread::sleep(Duration::from_millis(900));
        let singles = b.eval("document.querySelectorAll('[data-event]').length");
        assert!(
            singles.as_u64().unwrap() >= n.as_u64().unwrap(),
            "a click on a cluster of {n} zooms in to show them ({singles} markers)"
        );
    }

    // (d) Nothing left file://, nothing failed, nothing threw.
    let (urls, errors) = b.requests_and_errors();
    assert!(!urls.is_empty(), "the page's own load is recorded");
    for u in &urls {
        assert!(
            u.starts_with("file://") || u.starts_with("data:") || u.starts_with("blob:"),
            "the page asked for {u}"
        );
    }
    assert!(errors.is_empty(), "the page failed: {errors:#?}");
}

/// A slice published with `convert`'s filter flags holds what the filter
/// shows, and an address naming an event the page lacks says so.
#[test]
fn a_published_slice_holds_what_the_filter_shows() {
    let Some(chrome) = chromium() else { return };
    let dir = tempfile::tempdir().unwrap();
    let page = dir.path().join("attack.html");
    let said = publish(
        &common::scenario(),
        &page,
        &["--category", "attack", "--title", "The attack <only>"],
    );
    assert!(said.contains("1 of 4 events"), "{said}");
    let html = std::fs::read_to_string(&page).unwrap();
    assert!(html.contains("<title>The attack &lt;only&gt;</title>"));
    let mut b = Browser::start(&chrome);
    b.open(&format!("{}#event=us-embassy-alert", file_url(&page)));
    assert_eq!(
        b.eval("document.getElementById('counts').textContent"),
        json!("1 event · 1 on the map")
    );
    assert_eq!(
        b.eval("document.querySelectorAll('.row.event').length"),
        json!(1)
    );
    let context = b.eval("document.getElementById('context').textContent");
    assert!(
        context
            .as_str()
            .unwrap()
            .contains("No event \"us-embassy-alert\""),
        "{context}"
    );
    // Words typed in the search field narrow what is shown, accents and case aside.
    let (x, y) = b.centre_of("#search").unwrap();
    b.click(x, y);
    b.page("Input.insertText", json!({"text": "KRASNOGÓRSK"}));
    let shown = |b: &mut Browser| b.eval("document.getElementById('counts').textContent");
    let deadline = Instant::now() + Duration::from_secs(5);
    while shown(&mut b) != json!("1 event · 1 on the map") {
        assert!(Instant::now() < deadline, "{}", shown(&mut b));
        std::thread::sleep(Duration::from_millis(20));
    }
    b.page("Input.insertText", json!({"text": " nowhere"}));
    while shown(&mut b) != json!("0 of 1 event · 0 on the map") {
        assert!(Instant::now() < deadline, "{}", shown(&mut b));
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Publishing never writes over its input, and a bad input leaves no page.
#[test]
fn publish_refuses_its_input_and_reports_bad_files() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in.json");
    std::fs::copy(common::scenario(), &input).unwrap();
    std::fs::copy(
        common::repo("data/moscow-march-2024-article.txt"),
        dir.path().join("moscow-march-2024-article.txt"),
    )
    .unwrap();
    let o = Command::cargo_bin("incident-map")
        .unwrap()
        .args(["publish"])
        .arg(&input)
        .arg(&input)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("the output is the input file"));
    let bad = dir.path().join("bad.json");
    std::fs::write(&bad, "{\"events\": [").unwrap();
    let out = dir.path().join("bad.html");
    let o = Command::cargo_bin("incident-map")
        .unwrap()
        .args(["publish"])
        .arg(&bad)
        .arg(&out)
        .output()
        .unwrap();
    assert_ne!(o.status.code(), Some(0));
    assert!(!out.exists(), "no page for a file that does not open");
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("bad.json"), "{err}");
}

/// Figures for the README, not a test of speed (nothing here is asserted
/// against a clock): a generated data set of `PUBLISH_ROWS` events (100,000
/// by default) published, then opened in the browser, a cluster opened and
/// an event read. Run by `tools/bench-publish`.
#[test]
#[ignore = "a measurement: tools/bench-publish runs it"]
fn measure_a_large_page() {
    let Some(chrome) = chromium() else { return };
    let rows: usize = std::env::var("PUBLISH_ROWS")
        .ok()
        .and_then(|r| r.parse().ok())
        .unwrap_or(100_000);
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("events.csv");
    let made = Command::new("python3")
        .arg(common::repo("tools/gen_incidents.py"))
        .args(["--rows", &rows.to_string(), "--format", "csv", "--out"])
        .arg(&csv)
        .status()
        .unwrap();
    assert!(made.success());
    let page = dir.path().join("events.html");
    let t = Instant::now();
    let said = publish(&csv, &page, &[]);
    let publish_s = t.elapsed().as_secs_f64();
    let mb = std::fs::metadata(&page).unwrap().len() as f64 / 1e6;
    let mut b = Browser::start(&chrome);
    let drawn_ms = b.open(&file_url(&page));
    // A cluster clicked: the map zooms in to it and draws what is there.
    let before = b.eval(
        "[...document.querySelectorAll('[data-cluster]')].map(e => e.dataset.cluster).join()",
    );
    let t = Instant::now();
    let (x, y) = b.centre_of("[data-cluster]").expect("clusters at first");
    b.click(x, y);
    let deadline = Instant::now() + Duration::from_secs(30);
    while b
        .eval("[...document.querySelectorAll('[data-cluster]')].map(e => e.dataset.cluster).join()")
        == before
    {
        assert!(
            Instant::now() < deadline,
            "a click on a cluster changed nothing"
        );
        std::thread::sleep(Duration::from_millis(5));
    }
    let zoom_ms = t.elapsed().as_secs_f64() * 1e3;
    // An event chosen in the timeline: its context, and its marker on the map.
    let t = Instant::now();
    let (x, y) = b.centre_of(".row.event").unwrap();
    b.click(x, y);
    // Its part of the details read: the context's sections are there.
    while b.eval("document.querySelector('#context h3') !== null") != json!(true) {
        assert!(
            t.elapsed() < Duration::from_secs(60),
            "the context never came"
        );
        std::thread::sleep(Duration::from_millis(5));
    }
    assert!(
        b.centre_of(".marker.selected").is_some(),
        "its marker is shown"
    );
    let context_ms = t.elapsed().as_secs_f64() * 1e3;
    let t = Instant::now();
    b.key("ArrowDown", "ArrowDown", 40);
    let step_ms = t.elapsed().as_secs_f64() * 1e3;
    let heap =
        b.eval("performance.memory ? Math.round(performance.memory.usedJSHeapSize / 1e6) : null");
    let steps = b.eval(
        "(() => { const t = window.incidentMapTimings; return `script started ${Math.round(t.start)} ms, data read ${Math.round(t.data - t.start)} ms, \
         map made ${Math.round(t.map - t.data)} ms, views (clusters, timeline, histogram) ${Math.round(t.views - t.map)} ms, \
         basemap drawn ${Math.round(t.drawn - t.views)} ms`; })()",
    );
    println!(
        "publish {rows} events: {}  {publish_s:.2} s, {mb:.1} MB; drawn {drawn_ms:.0} ms after navigation; \
         a cluster opened in {zoom_ms:.0} ms (with its 0.4 s flight); a row's context and marker in {context_ms:.0} ms; \
         ↓ in {step_ms:.0} ms; JS heap {heap} MB ({})",
        said.trim(),
        steps.as_str().unwrap_or("?")
    );
    let (_, errors) = b.requests_and_errors();
    assert!(errors.is_empty(), "{errors:#?}");
}

/// Events at one point never split into markers: a click on their cluster
/// lists them, and a click in the list selects one.
#[test]
fn events_at_one_point_are_listed_from_their_cluster() {
    let Some(chrome) = chromium() else { return };
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("market.csv");
    std::fs::write(
        &csv,
        "id,title,date,latitude,longitude,category\n\
         a1,Shelling of the market,2024-03-01,48.5,37.9,shelling\n\
         a2,Second strike on the market,2024-03-02,48.5,37.9,shelling\n\
         a3,Protest at the market,2024-03-03,48.5,37.9,protest\n\
         b1,Protest elsewhere,2024-03-04,49.5,36.2,protest\n",
    )
    .unwrap();
    let page = dir.path().join("market.html");
    publish(&csv, &page, &[]);
    let mut b = Browser::start(&chrome);
    b.open(&file_url(&page));
    // Zoom in by clicking the cluster of three until it lists them.
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let three = "[data-cluster='3']";
        let (x, y) = b
            .centre_of(three)
            .expect("the three at the market, clustered");
        b.click(x, y);
        std::thread::sleep(Duration::from_millis(600));
        if b.eval("document.querySelectorAll('.cluster-list button').length") == json!(3) {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "the cluster never listed its events"
        );
    }
    assert_eq!(
        b.eval("document.querySelector('#context h2').textContent"),
        json!("3 events at this point")
    );
    let (x, y) = b.centre_of(".cluster-list li:nth-child(2) button").unwrap();
    b.click(x, y);
    let title = b.eval("document.getElementById('context-title')?.textContent");
    assert!(
        [
            "Shelling of the market",
            "Second strike on the market",
            "Protest at the market"
        ]
        .contains(&title.as_str().unwrap_or("")),
        "{title}"
    );
    let (_, errors) = b.requests_and_errors();
    assert!(errors.is_empty(), "{errors:#?}");
}
