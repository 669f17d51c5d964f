// The published page's own script: the map, the timeline and the selected
// event's context, as one selection (the app's, in a browser). It reads the
// data and the basemap from the page itself and asks the network for nothing.
//
// Pieces, in order: the data and the state; the basemap (a PMTiles archive
// inside the page, drawn by protomaps-leaflet); the markers (supercluster);
// the histogram and the time window; the category filter; the timeline list
// (only the rows in sight are made); the context; selection, the address and
// the keys.
(async function () {
  "use strict";

  // ---- The data and the state -------------------------------------------
  function bytesOf(base64) {
    if (Uint8Array.fromBase64) return Uint8Array.fromBase64(base64.trim());
    const bin = atob(base64.trim());
    const out = new Uint8Array(bin.length);
    for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
    return out;
  }
  // Gzipped in the page; the browser's own DecompressionStream reads it.
  async function readData(element) {
    const gz = bytesOf(element.textContent);
    const text = await new Response(new Blob([gz]).stream().pipeThrough(new DecompressionStream("gzip"))).text();
    return JSON.parse(text);
  }
  const timings = (window.incidentMapTimings = { start: performance.now() });
  const DATA = await readData(document.getElementById("incident-data"));
  timings.data = performance.now();
  const EVENTS = DATA.events;
  const CATS = DATA.categories;
  const SOURCES = new Map();
  // The sources and each event's context, in parts of so many events: a
  // part is read when one of its events is first selected (a small data set's
  // one part, once the page is drawn), and merged into EVENTS.
  const PARTS = [...document.querySelectorAll("script.incident-details")];
  const PER_PART = PARTS.length > 1 ? Number(PARTS[1].dataset.first) : Infinity;
  const parts = new Map(); // part index -> Promise
  const partOf = (i) => (PARTS.length > 1 ? Math.floor(i / PER_PART) : 0);
  const hasDetails = (i) => parts.get(partOf(i))?.done === true;
  function readDetails(i) {
    const k = partOf(i);
    if (!parts.has(k)) {
      const first = Number(PARTS[k].dataset.first);
      const p = readData(PARTS[k]).then((d) => {
        for (const s of d.sources) SOURCES.set(s.id, s);
        d.events.forEach((x, j) => Object.assign(EVENTS[first + j], x));
        p.done = true;
        timings.details = timings.details || performance.now();
      });
      parts.set(k, p);
    }
    return parts.get(k);
  }
  const INDEX = new Map(EVENTS.map((e, i) => [e.id, i]));
  const ROW = 28;
  const state = {
    selected: -1,
    hidden: new Set(), // category indices not shown
    from: null, // "YYYY-MM-DD" or null
    to: null,
    shown: [], // event indices, in list order
    words: [], // the search, folded
    position: new Map(), // event index -> its row in the list
  };

  const esc = (s) =>
    String(s).replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]);
  const colour = (e) => (e.cat === undefined ? "#555" : CATS[e.cat].color);
  const catLabel = (e) => (e.cat === undefined ? "Uncategorised" : CATS[e.cat].label);
  // One formatter: making one per call costs a good part of a millisecond.
  const DAY = new Intl.DateTimeFormat("en-GB", {
    weekday: "short", day: "numeric", month: "short", year: "numeric", timeZone: "UTC",
  });
  const dayLabel = (d) => DAY.format(new Date(d + "T00:00:00Z"));
  const NUMBER = new Intl.NumberFormat("en");
  const plural = (n, w) => NUMBER.format(n) + " " + w + (n === 1 ? "" : "s");

  // Words typed in the search field: every one in the title, place or date
  // (any case, accents folded).
  const fold = (s) => s.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  function matches(e) {
    if (!state.words.length) return true;
    const hay = e.hay || (e.hay = fold(`${e.title} ${e.when} ${e.place || ""}`));
    return state.words.every((w) => hay.includes(w));
  }
  function isShown(e) {
    if (!matches(e)) return false;
    if (e.cat !== undefined && state.hidden.has(e.cat)) return false;
    if (e.cat === undefined && state.hidden.has(-1)) return false;
    if (state.from || state.to) {
      if (!e.day) return false;
      const last = e.last_day || e.day;
      if (state.from && last < state.from) return false;
      if (state.to && e.day > state.to) return false;
    }
    return true;
  }

  // ---- The basemap --------------------------------------------------------
  // The archive is in the page: the pmtiles reader reads its bytes from memory.
  class PageSource {
    constructor(bytes) { this.bytes = bytes; }
    getKey() { return "page"; }
    async getBytes(offset, length) {
      const b = this.bytes;
      return { data: b.buffer.slice(b.byteOffset + offset, b.byteOffset + offset + length) };
    }
  }
  const basemapElement = document.getElementById("basemap");
  const CUT = JSON.parse(basemapElement.dataset.cut);
  const archive = new pmtiles.PMTiles(new PageSource(bytesOf(basemapElement.textContent)));
  const WORLD = CUT.world_zoom;
  const DEEPEST = CUT.max_zoom;

  const P = protomapsL;
  const interp = (stops) => (z) => {
    if (z <= stops[0][0]) return stops[0][1];
    for (let i = 1; i < stops.length; i++) {
      const [z1, v1] = stops[i];
      const [z0, v0] = stops[i - 1];
      if (z <= z1) return v0 + ((v1 - v0) * (z - z0)) / (z1 - z0);
    }
    return stops[stops.length - 1][1];
  };
  const rank = (f) => (f.props.rank === undefined ? null : Number(f.props.rank));
  const FONT = "Noto Sans, sans-serif";
  // The bundled basemap's style (assets/basemap-style.json), as paint and label rules.
  const paintRules = [
    { dataLayer: "land", symbolizer: new P.PolygonSymbolizer({ fill: "#f2efe9" }) },
    { dataLayer: "water", symbolizer: new P.PolygonSymbolizer({ fill: "#aad3df" }) },
    {
      dataLayer: "waterway",
      symbolizer: new P.LineSymbolizer({ color: "#8fc3d8", width: interp([[4, 0.6], [10, 1.6], [14, 3]]) }),
      filter: (z, f) => {
        const r = rank(f);
        return r === null || z >= 4 || (z <= 1 ? r <= 5 : z === 2 ? r <= 7 : r <= 9);
      },
    },
    { dataLayer: "districts", symbolizer: new P.LineSymbolizer({ color: "#c9b8cf", width: 1, dash: [3, 2] }) },
    { dataLayer: "roads_minor", symbolizer: new P.LineSymbolizer({ color: "#ffffff", width: interp([[12, 1], [14, 3]]) }) },
    {
      dataLayer: "roads_major",
      symbolizer: new P.LineSymbolizer({ color: "#f7f3b0", width: interp([[10, 0.8], [14, 4]]) }),
      filter: (z, f) => f.props.class === "secondary",
    },
    {
      dataLayer: "roads_major",
      symbolizer: new P.LineSymbolizer({ color: "#fcd6a4", width: interp([[10, 1], [14, 5]]) }),
      filter: (z, f) => f.props.class === "primary",
    },
    {
      dataLayer: "roads_major",
      symbolizer: new P.LineSymbolizer({ color: "#f4a582", width: interp([[10, 1.4], [14, 6]]) }),
      filter: (z, f) => f.props.class === "motorway" || f.props.class === "trunk",
    },
    {
      dataLayer: "boundaries",
      symbolizer: new P.LineSymbolizer({ color: "#a27fb0", width: interp([[4, 0.6], [9, 1.4], [14, 2.2]]), dash: [4, 2] }),
      filter: (z, f) => f.props.kind === "region",
    },
    {
      dataLayer: "boundaries",
      symbolizer: new P.LineSymbolizer({ color: "#7d5c8a", width: interp([[2, 0.8], [8, 2], [14, 3]]) }),
      filter: (z, f) => f.props.kind === "country",
    },
  ];
  const text = (size, fill, halo) =>
    new P.CenteredTextSymbolizer({ labelProps: ["name"], fontFamily: FONT, fontSize: size, fill, stroke: halo, width: 2 });
  const labelRules = (maxzoom) => [
    { dataLayer: "country_labels", symbolizer: text(14, "#5b4a63", "#f2efe9"), maxzoom,
      filter: (z, f) => { const r = rank(f); return r === null || z >= 5 || r <= z; } },
    { dataLayer: "places", symbolizer: text((z) => interp([[3, 11], [10, 13]])(z), "#333333", "#ffffff"), maxzoom,
      filter: (z, f) => {
        const r = rank(f);
        if (r === null) return true;
        if (z <= 2) return r <= 2;
        if (z <= 4) return r <= 4;
        if (z <= 6) return r <= 6;
        if (z <= 8) return r <= 8;
        if (z <= 10) return r <= 2;
        if (z <= 12) return r <= 3;
        return true;
      } },
    { dataLayer: "region_labels", symbolizer: text(12, "#8a6a99", "#f2efe9"), minzoom: 5, maxzoom },
    { dataLayer: "district_labels", symbolizer: text(11, "#7a6a80", "#f2efe9"), maxzoom },
  ];

  const area = CUT.area; // [w, s, e, n] or null
  const map = L.map("map", { zoomControl: true, minZoom: 1, maxZoom: 18, worldCopyJump: true, keyboard: false, fadeAnimation: false });
  map.attributionControl.setPrefix("Leaflet");
  // The world, everywhere, at the zooms the page has it whole (enlarged beyond).
  const worldSource = { getZxy: (z, x, y, signal) => (z <= WORLD ? archive.getZxy(z, x, y, signal) : Promise.resolve(undefined)) };
  const worldLayer = P.leafletLayer({ url: worldSource, maxDataZoom: WORLD, paintRules, attribution: esc(DATA.attribution), labelRules: labelRules(area ? WORLD + 1 : 30) });
  worldLayer.addTo(map);
  // The data's area, deeper.
  let detailLayer = null;
  if (area && DEEPEST > WORLD) {
    detailLayer = P.leafletLayer({
      url: archive, maxDataZoom: DEEPEST, paintRules, labelRules: labelRules(30), attribution: esc(DATA.attribution),
      minZoom: WORLD + 2, bounds: L.latLngBounds([area[1], area[0]], [area[3], area[2]]),
    });
    detailLayer.addTo(map);
  }

  // ---- The markers --------------------------------------------------------
  // The outlines events stand for (a region, an area), dashed, under the markers.
  const shapeLayer = L.layerGroup().addTo(map);
  function drawShapes() {
    shapeLayer.clearLayers();
    const drawn = new Set();
    for (const i of state.shown) {
      const e = EVENTS[i];
      if (e.shape === undefined || drawn.has(e.shape)) continue;
      drawn.add(e.shape);
      L.geoJSON(DATA.shapes[e.shape], {
        style: { color: colour(e), weight: 2, dashArray: "6 4", fillOpacity: 0.06 },
        interactive: false,
      }).addTo(shapeLayer);
    }
  }
  const markerLayer = L.layerGroup().addTo(map);
  const selectionLayer = L.layerGroup().addTo(map);
  let clusters = null;
  function buildClusters() {
    const points = [];
    for (const i of state.shown) {
      const e = EVENTS[i];
      if (e.at) points.push({ type: "Feature", properties: { i }, geometry: { type: "Point", coordinates: [e.at[1], e.at[0]] } });
    }
    clusters = new Supercluster({ radius: 48, maxZoom: 17 });
    clusters.load(points);
    state.onMap = points.length;
  }
  function drawMarkers() {
    markerLayer.clearLayers();
    if (!clusters) return;
    const b = map.getBounds();
    const z = Math.round(map.getZoom());
    const west = Math.max(-180, b.getWest()), east = Math.min(180, b.getEast());
    const found = clusters.getClusters([west, Math.max(-85, b.getSouth()), east, Math.min(85, b.getNorth())], z);
    for (const f of found) {
      const [lon, lat] = f.geometry.coordinates;
      if (f.properties.cluster) {
        const n = f.properties.point_count;
        const size = n < 10 ? 26 : n < 100 ? 32 : n < 1000 ? 38 : 46;
        const m = L.marker([lat, lon], {
          icon: L.divIcon({ className: "", iconSize: [size, size],
            html: `<div class="cluster" style="width:${size}px;height:${size}px">${n.toLocaleString("en")}</div>` }),
          keyboard: true, title: plural(n, "event") + " here: click to zoom in",
        });
        m.on("click", () => {
          const to = clusters.getClusterExpansionZoom(f.properties.cluster_id);
          // Events at one point never split: list them instead.
          if (to > 17 || Math.round(map.getZoom()) >= 17) showCluster(f.properties.cluster_id, n);
          else map.flyTo([lat, lon], to, { duration: 0.4 });
        });
        m.addTo(markerLayer);
        const el = m.getElement();
        el.setAttribute("role", "button");
        el.setAttribute("aria-label", plural(n, "event") + " clustered here; zoom in");
        el.dataset.cluster = String(n);
      } else {
        const i = f.properties.i;
        const e = EVENTS[i];
        const sel = i === state.selected;
        const size = sel ? 18 : 14;
        const m = L.marker([lat, lon], {
          icon: L.divIcon({ className: "", iconSize: [size, size],
            html: `<div class="marker${sel ? " selected" : ""}" style="width:${size}px;height:${size}px;background:${esc(colour(e))}"></div>` }),
          keyboard: true, title: e.title + " — " + e.when, zIndexOffset: sel ? 1000 : 0,
        });
        m.on("click", () => select(i, { from: "map" }));
        m.addTo(markerLayer);
        const el = m.getElement();
        el.setAttribute("role", "button");
        el.setAttribute("aria-label", `${e.title}, ${e.when}, ${catLabel(e)}`);
        el.dataset.event = e.id;
      }
    }
  }
  map.on("moveend", drawMarkers);

  // A cluster that cannot split (its events at one point): its events, to choose from.
  function showCluster(id, n) {
    const leaves = clusters.getLeaves(id, 500).map((f) => f.properties.i).sort((a, b) => a - b);
    context.innerHTML = `<h2>${esc(plural(n, "event"))} at this point</h2>` +
      (n > leaves.length ? `<p class="hint">The first ${leaves.length} in time:</p>` : "") +
      `<ul class="cluster-list">${leaves.map((i) => `<li><button type="button" data-i="${i}">` +
        `<span class="dot" style="background:${esc(colour(EVENTS[i]))}"></span>${esc(EVENTS[i].title)} — ${esc(EVENTS[i].when)}</button></li>`).join("")}</ul>`;
    for (const b of context.querySelectorAll(".cluster-list button")) {
      b.addEventListener("click", () => select(Number(b.dataset.i), { from: "list" }));
    }
  }

  function drawSelection() {
    selectionLayer.clearLayers();
    const e = EVENTS[state.selected];
    if (!e || !e.at) return;
    // The uncertainty as a circle, unless the event's outline says more.
    if (e.uncertainty_m && e.shape === undefined) {
      L.circle(e.at, { radius: e.uncertainty_m, color: colour(e), weight: 1.5, dashArray: "4 3", fillOpacity: 0.08, interactive: false })
        .addTo(selectionLayer);
    }
  }

  // Where the map shows an event as itself, not inside a cluster.
  function revealOnMap(i) {
    const e = EVENTS[i];
    if (!e.at || !clusters) return;
    let z = Math.max(Math.round(map.getZoom()), 3);
    const d = 1e-4; // supercluster keeps coordinates as 32-bit floats
    for (; z < 18; z++) {
      const here = clusters.getClusters([e.at[1] - d, e.at[0] - d, e.at[1] + d, e.at[0] + d], z);
      if (here.some((f) => !f.properties.cluster && f.properties.i === i)) break;
    }
    const inView = map.getBounds().pad(-0.1).contains(e.at);
    if (z !== Math.round(map.getZoom()) || !inView) map.setView(e.at, z, { animate: false });
    else drawMarkers();
  }

  // ---- The histogram and the time window ---------------------------------
  const hist = document.getElementById("histogram");
  const caption = document.getElementById("histogram-caption");
  const days = EVENTS.filter((e) => e.day).map((e) => e.day);
  let bins = []; // [{key, first, last, n}]
  let binOf = null;
  (function makeBins() {
    if (!days.length) return;
    let lo = days[0], hi = days[0];
    for (const d of days) { if (d < lo) lo = d; if (d > hi) hi = d; }
    const t0 = Date.parse(lo + "T00:00:00Z"), t1 = Date.parse(hi + "T00:00:00Z");
    const span = (t1 - t0) / 864e5;
    const unit = span <= 400 ? "day" : span <= 366 * 30 ? "month" : "year";
    binOf = (d) => (unit === "day" ? d : unit === "month" ? d.slice(0, 7) : d.slice(0, 4));
    const keys = [];
    const cur = new Date(t0);
    while (cur.getTime() <= t1) {
      const iso = cur.toISOString().slice(0, 10);
      const k = binOf(iso);
      if (keys[keys.length - 1] !== k) keys.push(k);
      if (unit === "day") cur.setUTCDate(cur.getUTCDate() + 1);
      else if (unit === "month") { cur.setUTCDate(1); cur.setUTCMonth(cur.getUTCMonth() + 1); }
      else { cur.setUTCMonth(0, 1); cur.setUTCFullYear(cur.getUTCFullYear() + 1); }
    }
    bins = keys.map((key) => ({ key, n: 0, first: unit === "day" ? key : key.length === 7 ? key + "-01" : key + "-01-01",
      last: unit === "day" ? key : lastDayOf(key) }));
    bins.unit = unit;
  })();
  function lastDayOf(key) {
    if (key.length === 4) return key + "-12-31";
    const [y, m] = key.split("-").map(Number);
    return new Date(Date.UTC(y, m, 0)).toISOString().slice(0, 10);
  }
  const binIndex = new Map(bins.map((b, i) => [b.key, i]));
  function drawHistogram() {
    const w = (hist.width = hist.clientWidth * devicePixelRatio);
    const h = (hist.height = 70 * devicePixelRatio);
    const g = hist.getContext("2d");
    g.clearRect(0, 0, w, h);
    if (!bins.length) { caption.textContent = "No dated events."; return; }
    const counts = bins.map(() => 0);
    for (const i of state.shown) { const e = EVENTS[i]; if (e.day) counts[binIndex.get(binOf(e.day))]++; }
    const totals = bins.map(() => 0);
    for (const e of EVENTS) if (e.day && (e.cat === undefined ? !state.hidden.has(-1) : !state.hidden.has(e.cat))) totals[binIndex.get(binOf(e.day))]++;
    const max = Math.max(1, ...totals);
    const bw = w / bins.length;
    for (let k = 0; k < bins.length; k++) {
      const th = (totals[k] / max) * (h - 4);
      g.fillStyle = "#cfd6e0";
      g.fillRect(k * bw + (bw > 3 ? 0.5 : 0), h - th, Math.max(1, bw - (bw > 3 ? 1 : 0)), th);
      const sh = (counts[k] / max) * (h - 4);
      g.fillStyle = "#3b6fb6";
      g.fillRect(k * bw + (bw > 3 ? 0.5 : 0), h - sh, Math.max(1, bw - (bw > 3 ? 1 : 0)), sh);
    }
    const sel = EVENTS[state.selected];
    if (sel && sel.day) {
      const k = binIndex.get(binOf(sel.day));
      g.fillStyle = "#111";
      g.fillRect(k * bw + bw / 2 - devicePixelRatio, 0, 2 * devicePixelRatio, h);
    }
    const first = bins[0].first, last = bins[bins.length - 1].last;
    caption.textContent = `${dayLabel(first)} – ${dayLabel(last)}, by ${bins.unit}` +
      (state.from || state.to ? ` · window ${state.from ? dayLabel(state.from) : "…"} – ${state.to ? dayLabel(state.to) : "…"}` : "");
  }
  let brush = null;
  const binAt = (ev) => {
    const r = hist.getBoundingClientRect();
    return Math.max(0, Math.min(bins.length - 1, Math.floor(((ev.clientX - r.left) / r.width) * bins.length)));
  };
  hist.addEventListener("mousedown", (ev) => { if (bins.length) brush = binAt(ev); ev.preventDefault(); });
  window.addEventListener("mouseup", (ev) => {
    if (brush === null) return;
    const k = binAt(ev);
    const [a, b] = [Math.min(brush, k), Math.max(brush, k)];
    brush = null;
    setWindow(bins[a].first, bins[b].last);
  });
  const fromInput = document.getElementById("from"), toInput = document.getElementById("to");
  if (bins.length) {
    for (const inp of [fromInput, toInput]) { inp.min = bins[0].first; inp.max = bins[bins.length - 1].last; }
  }
  fromInput.addEventListener("change", () => setWindow(fromInput.value || null, toInput.value || null));
  toInput.addEventListener("change", () => setWindow(fromInput.value || null, toInput.value || null));
  document.getElementById("all-time").addEventListener("click", () => setWindow(null, null));
  const search = document.getElementById("search");
  let typing = null;
  search.addEventListener("input", () => {
    clearTimeout(typing);
    typing = setTimeout(() => {
      state.words = fold(search.value).split(/\s+/).filter(Boolean);
      refilter();
    }, 120);
  });
  function setWindow(from, to) {
    if (from && to && from > to) [from, to] = [to, from];
    state.from = from; state.to = to;
    fromInput.value = from || ""; toInput.value = to || "";
    refilter();
  }

  // ---- Categories ---------------------------------------------------------
  const legend = document.getElementById("legend");
  const catCounts = () => {
    const n = new Map();
    const saved = state.hidden;
    state.hidden = new Set();
    for (const e of EVENTS) if (isShown(e)) { const k = e.cat === undefined ? -1 : e.cat; n.set(k, (n.get(k) || 0) + 1); }
    state.hidden = saved;
    return n;
  };
  const legendRows = CATS.map((c, k) => [k, c.label, c.color]);
  if (EVENTS.some((e) => e.cat === undefined)) legendRows.push([-1, "Uncategorised", "#555"]);
  for (const [k, label, color] of legendRows) {
    const row = document.createElement("label");
    row.innerHTML = `<input type="checkbox" checked data-cat="${k}"><span class="swatch" style="background:${esc(color)}"></span>` +
      `<span>${esc(label)}</span><span class="n" data-count="${k}"></span>`;
    row.querySelector("input").addEventListener("change", (ev) => {
      if (ev.target.checked) state.hidden.delete(k); else state.hidden.add(k);
      refilter();
    });
    legend.appendChild(row);
  }
  function drawLegend() {
    // Each category's own count in the window, hidden or not.
    const n = catCounts();
    for (const el of legend.querySelectorAll("[data-count]")) el.textContent = (n.get(Number(el.dataset.count)) || 0).toLocaleString("en");
  }

  // ---- The timeline list --------------------------------------------------
  const list = document.getElementById("list"), inner = document.getElementById("list-inner");
  let rows = []; // {day: label} or {i}
  function buildRows() {
    rows = [];
    state.position = new Map();
    let day = null, groupAt = -1;
    const count = (n) => { if (groupAt >= 0) rows[groupAt].n = n; };
    let n = 0;
    for (const i of state.shown) {
      const e = EVENTS[i];
      const key = e.dating ? e.dating : e.day;
      if (key !== day) {
        count(n); n = 0;
        day = key;
        groupAt = rows.length;
        rows.push({ day: !e.dating ? dayLabel(e.day) : e.dating === "undated" ? "Undated" : "Disputed date" });
      }
      state.position.set(i, rows.length);
      rows.push({ i });
      n++;
    }
    count(n);
    inner.style.height = rows.length * ROW + "px";
    drawRows();
  }
  function drawRows() {
    const top = Math.max(0, Math.floor(list.scrollTop / ROW) - 5);
    const end = Math.min(rows.length, top + Math.ceil(list.clientHeight / ROW) + 10);
    const html = [];
    for (let r = top; r < end; r++) html.push(rowHtml(r, true));
    inner.innerHTML = html.join("");
  }
  function rowHtml(r, placed) {
    const row = rows[r];
    const pos = placed ? ` style="top:${r * ROW}px"` : ` style="position:static"`;
    if (row.day !== undefined) return `<div class="row day"${pos} role="presentation">${esc(row.day)} <span class="n">(${row.n})</span></div>`;
    const e = EVENTS[row.i];
    const sel = row.i === state.selected;
    return `<div class="row event"${pos} role="option" aria-selected="${sel}" data-i="${row.i}" id="row-${row.i}" ` +
      `aria-label="${esc(e.title + ", " + e.when)}"><span class="dot" style="background:${esc(colour(e))}"></span>${esc(e.title)}</div>`;
  }
  list.addEventListener("scroll", drawRows);
  inner.addEventListener("click", (ev) => {
    const row = ev.target.closest(".row.event");
    if (row) select(Number(row.dataset.i), { from: "list" });
  });
  function scrollToRow(i) {
    const r = state.position.get(i);
    if (r === undefined) return;
    const y = r * ROW;
    if (y < list.scrollTop || y + ROW > list.scrollTop + list.clientHeight) list.scrollTop = y - list.clientHeight / 2;
    drawRows();
  }
  // Printing shows every row (up to a point), not only those in sight.
  window.addEventListener("beforeprint", () => {
    const n = Math.min(rows.length, 5000);
    const html = [];
    for (let r = 0; r < n; r++) html.push(rowHtml(r, false));
    inner.style.height = "auto";
    inner.innerHTML = html.join("");
  });
  window.addEventListener("afterprint", () => { inner.style.height = rows.length * ROW + "px"; drawRows(); });

  // ---- The context --------------------------------------------------------
  const context = document.getElementById("context");
  function drawContext() {
    const e = EVENTS[state.selected];
    if (!e) {
      context.innerHTML = '<p class="hint">Select an event on the map or in the timeline to read what reports it.</p>';
      return;
    }
    const h = [];
    h.push(`<span class="cat" style="background:${esc(colour(e))}">${esc(catLabel(e))}</span>`);
    h.push(`<h2 id="context-title">${esc(e.title)}</h2>`);
    if (e.summary) h.push(`<p>${esc(e.summary)}</p>`);
    h.push("<h3>When</h3><dl>");
    h.push(`<dt>Date</dt><dd>${esc(e.when)}${e.approximate ? " (approximate)" : ""}</dd>`);
    for (const r of e.readings || []) h.push(`<dt>Reading</dt><dd>${esc(r.when)}${r.source ? " — " + esc(r.source) : ""}${r.note ? ": " + esc(r.note) : ""}</dd>`);
    if (e.when_note) h.push(`<dt>Note</dt><dd>${esc(e.when_note)}</dd>`);
    h.push("</dl><h3>Where</h3><dl>");
    if (e.place) h.push(`<dt>Place</dt><dd>${esc(e.place)}</dd>`);
    if (e.at) h.push(`<dt>Point</dt><dd>${e.at[0].toFixed(5)}, ${e.at[1].toFixed(5)}</dd>`);
    else h.push(`<dt>Point</dt><dd>not on the map</dd>`);
    if (e.precision) h.push(`<dt>Precision</dt><dd>${esc(e.precision)}${e.uncertainty_m ? ` (within ${Math.round(e.uncertainty_m).toLocaleString("en")} m)` : ""}</dd>`);
    if (e.region) h.push(`<dt>Region</dt><dd>${esc(e.region)}</dd>`);
    h.push("</dl>");
    if (e.actors) h.push(`<h3>Actors</h3><p>${e.actors.map(esc).join(", ")}</p>`);
    if (e.casualties) {
      h.push("<h3>Casualties</h3><dl>");
      for (const c of e.casualties) {
        const figures = [c.killed !== undefined ? `${c.killed} killed` : null, c.injured !== undefined ? `${c.injured} injured` : null].filter(Boolean).join(", ");
        h.push(`<dt>${c.as_of ? "as of " + esc(c.as_of) : "reported"}</dt><dd>${esc(figures || "no figure")}${c.source ? " — " + esc(c.source) : ""}${c.note ? ": " + esc(c.note) : ""}</dd>`);
      }
      h.push("</dl>");
    }
    if (e.claims) {
      h.push("<h3>What the source says, against the record</h3>");
      for (const c of e.claims) {
        h.push(`<div class="claim ${esc(c.verdict)}"><strong>${esc(c.about)}</strong> (${esc(c.verdict)})<br>` +
          `Says: ${esc(c.says)}<br>Record: ${esc(c.record)}</div>`);
      }
    }
    if (e.relations) {
      h.push("<h3>Related</h3><ul>");
      for (const r of e.relations) {
        const j = INDEX.get(r.event);
        const other = j === undefined ? esc(r.event) : `<a href="#event=${encodeURIComponent(r.event)}">${esc(EVENTS[j].title)}</a>`;
        h.push(`<li>${esc(r.phrase)} ${other}${r.note ? ": " + esc(r.note) : ""}</li>`);
      }
      h.push("</ul>");
    }
    if (e.passages) {
      h.push(`<h3>${e.passages.length === 1 ? "The passage" : "The passages"}</h3>`);
      e.passages.forEach((p, k) => h.push(passageHtml(p, k)));
    } else {
      h.push("<h3>The passage</h3><p class=\"hint\">No passage of a source is tied to this event.</p>");
    }
    if (e.notes) h.push(`<h3>Notes</h3><p class="notes">${esc(e.notes)}</p>`);
    context.innerHTML = h.join("");
    // Each passage's words in sight in its source's text.
    for (const box of context.querySelectorAll(".source-text")) {
      const m = box.querySelector("mark");
      if (m) box.scrollTop = m.offsetTop - box.clientHeight / 3;
    }
  }
  function passageHtml(p, k) {
    const s = SOURCES.get(p.source);
    const h = [`<div class="passage">`];
    const meta = [];
    if (s) {
      // Web links only (the page's data says so too): never `javascript:`.
      const title = s.url && /^https?:\/\//i.test(s.url) ? `<a href="${esc(s.url)}" rel="noopener noreferrer" target="_blank">${esc(s.title)}</a>` : esc(s.title);
      meta.push(`<strong>${title}</strong>`);
      const by = [s.author, s.publisher, s.published ? "published " + s.published : null].filter(Boolean);
      if (by.length) meta.push(esc(by.join(" · ")));
      if (s.reliability) meta.push("Source reliability " + esc(s.reliability));
    } else {
      meta.push(`<strong>${esc(p.source)}</strong> (not among the sources)`);
    }
    if (p.credibility) meta.push("Credibility " + esc(p.credibility));
    if (s && s.sha256) meta.push(`SHA-256 <code>${esc(s.sha256)}</code>`);
    h.push(`<div class="meta">${meta.join("<br>")}</div>`);
    if (p.note) h.push(`<p class="meta">${esc(p.note)}</p>`);
    if (s && s.text && p.range) {
      const [a, b] = p.range;
      h.push(`<div class="source-text" style="position:relative" tabindex="0" aria-label="${esc("Source text of " + s.title)}">` +
        `${esc(s.text.slice(0, a))}<mark id="passage-${k}">${esc(s.text.slice(a, b))}</mark>${esc(s.text.slice(b))}</div>`);
    } else {
      h.push(`<blockquote class="quote">${esc(p.quote || "")}</blockquote>`);
      if (s && s.text) h.push(`<p class="meta">These words were not found in the source's text.</p>`);
    }
    h.push("</div>");
    return h.join("");
  }

  // ---- Selection, the address and the keys -------------------------------
  function select(i, how) {
    state.selected = i;
    const e = EVENTS[i];
    if (e && location.hash !== "#event=" + encodeURIComponent(e.id)) {
      history.replaceState(null, "", "#event=" + encodeURIComponent(e.id));
    }
    if (!e || hasDetails(i)) drawContext();
    else {
      context.innerHTML = `<h2 id="context-title">${esc(e.title)}</h2><p class="hint">Reading its sources…</p>`;
      readDetails(i).then(() => { if (state.selected === i) drawContext(); });
    }
    drawSelection();
    drawHistogram();
    if (e) {
      scrollToRow(i);
      if (how.from !== "map") revealOnMap(i); else drawMarkers();
    } else {
      drawRows();
      drawMarkers();
    }
  }
  function step(by) {
    if (!state.shown.length) return;
    const at = state.shown.indexOf(state.selected);
    const next = at < 0 ? (by > 0 ? 0 : state.shown.length - 1) : Math.max(0, Math.min(state.shown.length - 1, at + by));
    select(state.shown[next], { from: "keys" });
  }
  document.addEventListener("keydown", (ev) => {
    const t = ev.target;
    if (t && (t.tagName === "INPUT" || t.tagName === "TEXTAREA" || t.isContentEditable)) return;
    if (ev.ctrlKey || ev.metaKey || ev.altKey) return;
    if (ev.key === "ArrowDown" || ev.key === "j") { step(1); ev.preventDefault(); }
    else if (ev.key === "ArrowUp" || ev.key === "k") { step(-1); ev.preventDefault(); }
    else if (ev.key === "Escape") { select(-1, { from: "keys" }); history.replaceState(null, "", location.pathname + location.search); }
  });
  async function fromAddress() {
    const m = /^#event=(.+)$/.exec(location.hash);
    if (!m) return;
    const i = INDEX.get(decodeURIComponent(m[1]));
    if (i === undefined) {
      context.innerHTML = `<p class="hint">No event "${esc(decodeURIComponent(m[1]))}" in this page.</p>`;
      return;
    }
    if (!isShown(EVENTS[i])) { state.hidden.clear(); for (const c of legend.querySelectorAll("input")) c.checked = true; setWindow(null, null); }
    await readDetails(i);
    select(i, { from: "address" });
  }
  window.addEventListener("hashchange", fromAddress);

  function refilter() {
    state.shown = [];
    for (let i = 0; i < EVENTS.length; i++) if (isShown(EVENTS[i])) state.shown.push(i);
    buildClusters();
    drawShapes();
    buildRows();
    drawLegend();
    drawHistogram();
    drawMarkers();
    const total = EVENTS.length, shown = state.shown.length;
    document.getElementById("counts").textContent =
      (shown === total ? plural(total, "event") : `${shown.toLocaleString("en")} of ${plural(total, "event")}`) +
      ` · ${state.onMap.toLocaleString("en")} on the map`;
  }

  // ---- Start --------------------------------------------------------------
  const located = EVENTS.filter((e) => e.at).map((e) => e.at);
  if (located.length) map.fitBounds(L.latLngBounds(located), { padding: [30, 30], maxZoom: 12 });
  else map.setView([30, 0], 2);
  timings.map = performance.now();
  refilter();
  timings.views = performance.now();
  await fromAddress();
  window.addEventListener("resize", () => { drawHistogram(); drawRows(); });
  // Ready once the basemap's tiles in view are drawn, in both layers (tests
  // and printing wait for it); said anyway after 8 s.
  const started = performance.now();
  let loads = 0;
  worldLayer.on("load", () => loads++);
  const drawn = () =>
    loads > 0 && !worldLayer.isLoading() && !(detailLayer && map.hasLayer(detailLayer) && detailLayer.isLoading());
  const waiting = setInterval(() => {
    const late = performance.now() - started > 8000;
    if (drawn() || late) {
      clearInterval(waiting);
      timings.drawn = performance.now();
      document.documentElement.dataset.ready = late ? "late" : "drawn";
      if (PARTS.length === 1) setTimeout(() => readDetails(0), 0);
    }
  }, 30);
})().catch((e) => {
  // Said on the page, not only in a console nobody opens.
  const box = document.getElementById("context");
  box.textContent = "This page could not show its data: " + e + ". Open it in a current browser (Chrome or Edge 80+, Firefox 113+, Safari 16.4+).";
  document.documentElement.dataset.ready = "failed";
  throw e;
});
