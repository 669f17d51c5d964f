#!/usr/bin/env python3
"""Builds assets/gazetteer.tsv.gz, the offline gazetteer the app finds places
in by name, from ../shared/gazetteer (GeoNames cities1000: 170,391 places of
over 1,000 people with their alternate names in every script; CC BY 4.0).

Usage: python3 tools/build_gazetteer.py [SHARED_DIR]

One gzip'd text file, a record a line, tab-separated, the kind first:
  C  alpha-2  name                       a country (Natural Earth's short name,
                                          else ISO 3166's, from Debian's iso-codes)
  R  alpha-2  admin1  name                a region (Russia's federal subjects,
                                          found by the places that lie in them)
  P  name  lat  lon  alpha-2  admin1  population  alternate names (comma-separated)
Coordinates to 5 decimals (about a metre); alternate names without those
that differ from the name or each other only by case. Deterministic.
Standard library only, and /usr/share/iso-codes/json (apt-get install iso-codes).
"""
import collections
import csv
import gzip
import json
import pathlib
import sys

root = pathlib.Path(__file__).resolve().parent.parent
shared = pathlib.Path(sys.argv[1]) if len(sys.argv) > 1 else root.parent / "shared"
csv.field_size_limit(1 << 30)

# Countries: ISO 3166-1 alpha-2 -> numeric -> Natural Earth's name.
iso = json.loads(pathlib.Path("/usr/share/iso-codes/json/iso_3166-1.json").read_text())["3166-1"]
ne = {f["properties"]["id"]: f["properties"]["name"]
      for f in json.loads((shared / "basemap-sources/world/ne_50m_countries.geojson").read_text())["features"]
      if f["properties"].get("id")}
countries = {c["alpha_2"]: ne.get(c["numeric"]) or c.get("common_name") or c["name"] for c in iso}
countries["XK"] = "Kosovo"  # GeoNames' code, not ISO's

places = []
with open(shared / "gazetteer/geonames_cities1000_world.tsv", encoding="utf-8") as f:
    for r in csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE):
        places.append(r)


# Russia's regions: each admin1 code named by the federal subject most of its
# places lie in.
def ring_contains(ring, x, y):
    inside = False
    for (x0, y0), (x1, y1) in zip(ring, ring[1:]):
        if (y0 > y) != (y1 > y) and x < (x1 - x0) * (y - y0) / (y1 - y0) + x0:
            inside = not inside
    return inside


subjects = []
for feat in json.loads((shared / "basemap-sources/osm_gislab/russia_federal_subjects_gislab_osm.geojson").read_text())["features"]:
    g = feat["geometry"]
    polys = [g["coordinates"]] if g["type"] == "Polygon" else g["coordinates"]
    xs = [x for p in polys for x, _ in p[0]]
    ys = [y for p in polys for _, y in p[0]]
    subjects.append((feat["properties"]["name_latin"], polys, (min(xs), min(ys), max(xs), max(ys))))


def subject_of(lon, lat):
    for name, polys, (x0, y0, x1, y1) in subjects:
        if x0 <= lon <= x1 and y0 <= lat <= y1:
            for p in polys:
                if ring_contains(p[0], lon, lat) and not any(ring_contains(h, lon, lat) for h in p[1:]):
                    return name
    return None


votes = collections.defaultdict(collections.Counter)
for r in places:
    if r["countrycode"] == "RU":
        s = subject_of(float(r["longitude"]), float(r["latitude"]))
        if s:
            votes[r["admin1code"]][s] += 1
regions = {code: c.most_common(1)[0][0] for code, c in votes.items()}


def alternates(r):
    seen = {r["name"].casefold()}
    out = []
    for a in r["alternatenames"].split(",") if r["alternatenames"] else []:
        a = a.strip()
        if a and "\t" not in a and a.casefold() not in seen:
            seen.add(a.casefold())
            out.append(a)
    return ",".join(out)


lines = ["# incident-map gazetteer: GeoNames cities1000 (CC BY 4.0, geonames.org); country names "
         "from Natural Earth (public domain) and ISO 3166; Russia's regions from OpenStreetMap via "
         "GIS-Lab (ODbL, (c) OpenStreetMap contributors)"]
lines += [f"C\t{cc}\t{name}" for cc, name in sorted(countries.items())]
lines += [f"R\tRU\t{code}\t{name}" for code, name in sorted(regions.items())]
for r in places:
    lines.append("\t".join([
        "P", r["name"], f"{float(r['latitude']):.5f}".rstrip("0").rstrip("."),
        f"{float(r['longitude']):.5f}".rstrip("0").rstrip("."), r["countrycode"], r["admin1code"],
        r["population"] or "0", alternates(r)]))
out = root / "assets/gazetteer.tsv.gz"
data = ("\n".join(lines) + "\n").encode("utf-8")
out.write_bytes(gzip.compress(data, compresslevel=9, mtime=0))
print(f"{out}: {len(places)} places, {len(regions)} regions, {len(countries)} countries, "
      f"{len(data)} bytes, {out.stat().st_size} gzip'd")
