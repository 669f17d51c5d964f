#!/usr/bin/env python3
"""Prepares the layers of the offline basemap from ../shared/basemap-sources.

Usage: python3 tools/basemap_inputs.py SHARED_DIR OUT_DIR

Writes one GeoJSON file per layer to OUT_DIR with clean attributes: strings
only. GDAL writes whole numbers as MVT unsigned ints and float-exact numbers
as 32-bit floats, and walkers reads neither (they become null), so ranks are
zero-padded strings ("03"), which compare correctly as text in a style. region and district outlines
as lines, label points inside their areas, roads split into major and minor,
and coverage.json: the clip boxes of the zoom passes, snapped to whole tiles.
Standard library only; deterministic.
"""
import json
import math
import pathlib
import sys

shared = pathlib.Path(sys.argv[1]) / "basemap-sources"
out = pathlib.Path(sys.argv[2])
out.mkdir(parents=True, exist_ok=True)


def load(rel):
    return json.loads((shared / rel).read_text(encoding="utf-8"))["features"]


def write(name, features):
    fc = {"type": "FeatureCollection", "features": features}
    (out / f"{name}.geojson").write_text(json.dumps(fc, ensure_ascii=False), encoding="utf-8")
    print(f"{name}: {len(features)} features")


def feature(geometry, **props):
    return {"type": "Feature", "properties": props, "geometry": geometry}


def point(lon, lat):
    return {"type": "Point", "coordinates": [round(lon, 5), round(lat, 5)]}


def polygons(geometry):
    if geometry["type"] == "Polygon":
        return [geometry["coordinates"]]
    if geometry["type"] == "MultiPolygon":
        return geometry["coordinates"]
    return []


def as_lines(geometry):
    """The rings of a (multi)polygon as a MultiLineString."""
    rings = [ring for poly in polygons(geometry) for ring in poly]
    return {"type": "MultiLineString", "coordinates": rings}


def ring_area_centroid(ring):
    a = cx = cy = 0.0
    for (x0, y0), (x1, y1) in zip(ring, ring[1:]):
        c = x0 * y1 - x1 * y0
        a += c
        cx += (x0 + x1) * c
        cy += (y0 + y1) * c
    if a == 0:
        return 0.0, ring[0][0], ring[0][1]
    return a / 2, cx / (3 * a), cy / (3 * a)


def inside(x, y, poly):
    result = False
    for k, ring in enumerate(poly):
        c = False
        for (x0, y0), (x1, y1) in zip(ring, ring[1:]):
            if (y0 > y) != (y1 > y) and x < (x1 - x0) * (y - y0) / (y1 - y0) + x0:
                c = not c
        if k == 0:
            result = c
        elif c:
            return False  # in a hole
    return result


def unwrapped(poly):
    """A polygon that crosses the antimeridian (Russia's, Fiji's) with its
    western longitudes moved past 180, so that its centroid is on it."""
    xs = [x for x, _ in poly[0]]
    if max(xs) - min(xs) <= 180:
        return poly
    return [[[x + 360 if x < 0 else x, y] for x, y in ring] for ring in poly]


def largest_polygon(geometry):
    polys = [unwrapped(p) for p in polygons(geometry)]
    if not polys:
        return None
    return max(polys, key=lambda p: abs(ring_area_centroid(p[0])[0]))


def label_rank(geometry):
    """The first tile zoom (0-5) a country's name shows at, as a rank: when
    its largest polygon is about 48 px across on screen (walkers draws a
    512 px tile of zoom z at the view's zoom z + 1)."""
    poly = largest_polygon(geometry)
    area, _, cy = ring_area_centroid(poly[0])
    mercator = abs(area) / max(math.cos(math.radians(cy)), 0.05)
    view = math.ceil(math.log2(48 * 360 / (256 * math.sqrt(mercator)))) if mercator > 0 else 9
    return f"{min(max(view - 1, 0), 5):02d}"


def label_point(geometry):
    """A point inside the largest polygon: its centroid if inside, else the
    inside grid point nearest the centroid."""
    poly = largest_polygon(geometry)
    if poly is None:
        return None
    _, cx, cy = ring_area_centroid(poly[0])
    if inside(cx, cy, poly):
        return (cx - 360 if cx > 180 else cx), cy
    xs = [p[0] for p in poly[0]]
    ys = [p[1] for p in poly[0]]
    best = None
    for i in range(1, 40):
        for j in range(1, 40):
            x = min(xs) + (max(xs) - min(xs)) * i / 40
            y = min(ys) + (max(ys) - min(ys)) * j / 40
            if inside(x, y, poly):
                d = (x - cx) ** 2 + (y - cy) ** 2
                if best is None or d < best[0]:
                    best = (d, x - 360 if x > 180 else x, y)
    return (best[1], best[2]) if best else None


def rank(v):
    """A rank as a zero-padded string, so that "03" <= "10" as text."""
    return f"{int(v) if isinstance(v, (int, float)) else 99:02d}"


# Land, water and rivers (Natural Earth).
write("land", [feature(f["geometry"]) for f in load("naturalearth/ne10m_land_europe.geojson")])
write("water", [
    feature(f["geometry"], name=f["properties"].get("name") or "", rank=rank(f["properties"].get("scalerank")))
    for rel in ("naturalearth/ne10m_lakes_europe.geojson", "naturalearth/ne10m_lakes_europe_supplement.geojson")
    for f in load(rel)
])
write("waterway", [
    feature(f["geometry"], name=f["properties"].get("name_en") or f["properties"].get("name") or "",
            rank=rank(f["properties"].get("scalerank")))
    for rel in ("naturalearth/ne10m_rivers_lake_centerlines_europe.geojson",
                "naturalearth/ne10m_rivers_europe_supplement.geojson")
    for f in load(rel)
])

# Boundaries: countries (NE) everywhere; regions from NE at low zoom, from OSM/GIS-Lab above.
countries = [feature(f["geometry"], kind="country") for f in load("naturalearth/ne10m_admin_0_boundary_lines_land_europe.geojson")]
write("boundaries_country", countries)
write("boundaries_region_ne", [feature(f["geometry"], kind="region") for f in load("naturalearth/ne10m_admin1_lines_eastern_europe.geojson")])
subjects = load("osm_gislab/russia_federal_subjects_gislab_osm.geojson")
write("boundaries_region_osm", [feature(as_lines(f["geometry"]), kind="region", name=f["properties"]["name_latin"]) for f in subjects])

# Labels of countries and regions. Country names carry the rank of the
# first zoom they show at (by the size of the country), largest first: where
# labels collide the larger country's wins.
country_labels = []
for f in load("naturalearth/ne10m_admin0_countries_simplified_europe.geojson"):
    p = label_point(f["geometry"])
    if p:
        country_labels.append(feature(point(*p), name=f["properties"]["NAME"], kind="country",
                                      rank=label_rank(f["geometry"])))
country_labels.sort(key=lambda f: f["properties"]["rank"])  # written with the world's, below
region_labels = []
for f in subjects:
    p = label_point(f["geometry"])
    if p and -25 <= p[0] <= 65:
        region_labels.append(feature(point(*p), name=f["properties"]["name_latin"], name_ru=f["properties"]["name"], kind="region"))
write("region_labels", region_labels)

# Moscow's districts: outlines and labels (Russian names, so Cyrillic is exercised).
districts = load("osm_gislab/moscow_districts_gislab_osm.geojson")
write("districts", [feature(as_lines(f["geometry"]), kind="district") for f in districts])
district_labels = []
for f in districts:
    p = label_point(f["geometry"])
    if p:
        name = f["properties"]["name"].replace("район ", "").replace("поселение ", "")
        district_labels.append(feature(point(*p), name=name, name_lat=f["properties"].get("name_lat") or "", kind="district"))
write("district_labels", district_labels)

# Populated places: Natural Earth for Europe, GeoNames for the detailed box.
# Ranked by SCALERANK (0: London, Paris, Moscow; 7: Vaduz), the larger first,
# so that where names collide the larger city's is drawn.
places = []
for f in sorted(load("naturalearth/ne10m_populated_places_europe.geojson"),
                key=lambda f: (f["properties"].get("SCALERANK", 99), -(f["properties"].get("POP_MAX") or 0))):
    p = f["properties"]
    places.append(feature(f["geometry"], name=p.get("NAME_EN") or p["NAME"], name_ru=p.get("NAME_RU") or "",
                          rank=rank(p.get("SCALERANK")), kind="city"))
write("places_europe", places)


def pop_rank(pop):
    return "01" if pop >= 1_000_000 else "02" if pop >= 100_000 else "03" if pop >= 20_000 else "04"


# GeoNames lists Moscow's own districts as places (admin1 48): the district
# layer names them already, so only the city itself is kept there.
write("places_local", [
    feature(f["geometry"], name=f["properties"]["name"], name_ru=f["properties"].get("name_ru") or "",
            rank=pop_rank(f["properties"]["population"]), kind="town")
    for f in load("geonames/geonames_cities1000_central_russia.geojson")
    if f["properties"].get("admin1") != "48" or f["properties"]["name"] in ("Moscow", "Zelenograd")
])

# Roads of Moscow: major ones from zoom 10, minor from 12.
MAJOR = {"motorway", "trunk", "primary", "secondary"}
major, minor = [], []
for f in load("osm_moscow_roads/moscow_city_drive_roads_osm.geojson"):
    hw = f["properties"].get("highway") or "unclassified"
    cls = hw.removesuffix("_link")
    props = {"class": cls, "link": "yes" if hw.endswith("_link") else "no", "name": f["properties"].get("name") or ""}
    (major if cls in MAJOR else minor).append(feature(f["geometry"], **props))
write("roads_major", major)
write("roads_minor", minor)


# The world at low zooms (Natural Earth 1:110m, 1:50m, 1:10m from world-atlas;
# GeoNames cities over 15,000 people). Europe keeps its own, richer layers:
# world labels and places stop at its box.
EUROPE = [-25, 34, 65, 72]


def in_europe(lon, lat):
    w, s, e, n = EUROPE
    return w <= lon <= e and s <= lat <= n


def shared_edges(features):
    """Borders between countries: the segments two country rings share (the
    world-atlas polygons come from one topology, so shared edges have the
    same vertices), joined into runs; coasts are left out."""
    def key(a, b):
        a, b = tuple(a), tuple(b)
        return (a, b) if a <= b else (b, a)
    count = {}
    rings = [ring for f in features for poly in polygons(f["geometry"]) for ring in poly]
    for ring in rings:
        for a, b in zip(ring, ring[1:]):
            k = key(a, b)
            count[k] = count.get(k, 0) + 1
    done, lines = set(), []
    for ring in rings:
        run = []
        for a, b in zip(ring, ring[1:]):
            k = key(a, b)
            if count[k] >= 2 and k not in done:
                done.add(k)
                if not run:
                    run = [a]
                run.append(b)
            elif run:
                lines.append(run)
                run = []
        if run:
            lines.append(run)
    return [feature({"type": "LineString", "coordinates": line}, kind="country") for line in lines]


def latin_or_cyrillic(name):
    """Whether the bundled font (Noto Sans) draws every letter of `name`."""
    return all(ord(c) < 0x250 or 0x1E00 <= ord(c) < 0x1F00 or 0x400 <= ord(c) < 0x530 for c in name)


def world_rank(pop):
    for k, least in enumerate((5_000_000, 1_000_000, 500_000, 200_000, 100_000, 50_000), 1):
        if pop >= least:
            return f"{k:02d}"
    return "07"


def jumps(ring):
    """Where a ring jumps across the antimeridian (from 180 to -180)."""
    return [i for i in range(len(ring) - 1) if abs(ring[i + 1][0] - ring[i][0]) > 180]


def across_antimeridian(poly):
    """A polygon whose outer ring crosses the antimeridian (world-atlas
    writes Chukotka, Wrangel Island and Fiji so: a jump from 180 to -180
    and back) as one polygon on each side, its holes with the side they
    are on; drawn as given, the jump would be a band around the world.
    A ring that jumps once goes round a pole (Antarctica): kept as it is."""
    outer, holes = poly[0], poly[1:]
    cuts = jumps(outer)
    if not cuts or len(cuts) % 2:
        return [poly]
    # Start just after a jump; cut after each jump; join each side's pieces.
    start = cuts[0] + 1
    ring = outer[start:-1] + outer[:start]
    sides = {True: [], False: []}
    piece = [ring[0]]
    for a, b in zip(ring, ring[1:]):
        if abs(b[0] - a[0]) > 180:
            sides[piece[0][0] > 0].extend(piece)
            piece = []
        piece.append(b)
    sides[piece[0][0] > 0].extend(piece)
    out = []
    for east, points in sides.items():
        if len(points) < 3:
            continue
        mine = [h for h in holes if (sum(x for x, _ in h) / len(h) > 0) == east]
        out.append([points + [points[0]]] + mine)
    return out


def split_at_jumps(line):
    """A line cut where it jumps across the antimeridian."""
    runs, run = [], [line[0]]
    for a, b in zip(line, line[1:]):
        if abs(b[0] - a[0]) > 180:
            runs.append(run)
            run = []
        run.append(b)
    runs.append(run)
    return [r for r in runs if len(r) >= 2]


for scale in ("110m", "50m", "10m"):
    # One feature a polygon: the files hold the world's land as one
    # multipolygon, and one bad ring must not lose the rest.
    write(f"land_world{scale}", [
        feature({"type": "Polygon", "coordinates": part})
        for f in load(f"world/ne_{scale}_land.geojson") for poly in polygons(f["geometry"])
        for part in across_antimeridian(poly)
    ])
    write(f"boundaries_world{scale}", [
        feature({"type": "LineString", "coordinates": run}, kind="country")
        for f in shared_edges(load(f"world/ne_{scale}_countries.geojson"))
        for run in split_at_jumps(f["geometry"]["coordinates"])
    ])
world_labels = []
for f in load("world/ne_50m_countries.geojson"):
    p = label_point(f["geometry"])
    name = f["properties"].get("name") or ""
    if p and name and not in_europe(*p) and latin_or_cyrillic(name):
        world_labels.append(feature(point(*p), name=name, kind="country", rank=label_rank(f["geometry"])))
# A country labelled both here and in Europe's layer (its part in Europe's
# box clipped there): its European label goes, unless it is far from the
# world's (Russia's, in European Russia), and then waits until the view is
# Europe's.
world_points = {w["properties"]["name"]: w["geometry"]["coordinates"] for w in world_labels}
kept = []
for f in country_labels:
    w = world_points.get(f["properties"]["name"])
    if w is None:
        kept.append(f)
    elif abs(w[0] - f["geometry"]["coordinates"][0]) > 25:
        f["properties"]["rank"] = max(f["properties"]["rank"], "03")
        kept.append(f)
country_labels = kept
write("country_labels", country_labels)
world_labels.sort(key=lambda f: f["properties"]["rank"])
write("country_labels_world", world_labels)
write("places_world", [
    feature(f["geometry"], name=f["properties"]["name"], rank=world_rank(f["properties"]["population"]), kind="city")
    for f in sorted(load("world/geonames_cities15000_world.geojson"), key=lambda f: -f["properties"]["population"])
    if not in_europe(*f["geometry"]["coordinates"]) and latin_or_cyrillic(f["properties"]["name"])
    and f["properties"]["population"] >= 50_000
])


# Coverage: the boxes of the detailed passes, snapped outwards to whole tiles
# of the pass's first zoom, so that no tile of the pass is partly empty.
def tile_x(lon, z):
    return math.floor((lon + 180) / 360 * 2**z)


def tile_y(lat, z):
    r = math.radians(lat)
    return math.floor((1 - math.log(math.tan(r) + 1 / math.cos(r)) / math.pi) / 2 * 2**z)


def tile_lon(x, z):
    return x / 2**z * 360 - 180


def tile_lat(y, z):
    return math.degrees(math.atan(math.sinh(math.pi * (1 - 2 * y / 2**z))))


def snapped(box, z):
    w, s, e, n = box
    x0, x1 = tile_x(w, z), tile_x(e, z)
    y0, y1 = tile_y(n, z), tile_y(s, z)
    return {"zoom": z, "x": [x0, x1], "y": [y0, y1],
            "bbox": [tile_lon(x0, z), tile_lat(y1 + 1, z), tile_lon(x1 + 1, z), tile_lat(y0, z)]}


coverage = {
    "world": {"minzoom": 0, "maxzoom": 6, "bbox": [-180, -85.05113, 180, 85.05113]},
    "europe": {"minzoom": 7, "maxzoom": 8, **snapped(EUROPE, 7)},
    "central_russia": {"minzoom": 9, "maxzoom": 12, **snapped([32, 52.5, 42, 58], 9)},
    "moscow": {"minzoom": 13, "maxzoom": 14, **snapped([36.96, 55.16, 37.96, 55.95], 10)},
}
(out / "coverage.json").write_text(json.dumps(coverage, indent=1))
print(json.dumps(coverage))
