#!/usr/bin/env python3
"""Builds assets/regions.geojson: the outlines of the regions the bundled
scenario happens in, from ../shared/basemap-sources (GIS-Lab / OpenStreetMap).

Usage: python3 tools/build-regions.py [SHARED_DIR]   (default: ../shared)

Each feature gets its ISO 3166-2 code, English and Russian names, and the
data's attribution. Coordinates are kept as in the source (5 decimals).
Standard library only; the output is deterministic.
"""
import json
import pathlib
import sys

REGIONS = [  # (name in the source, ISO 3166-2, English name)
    ("Москва", "RU-MOW", "Moscow"),
    ("Московская область", "RU-MOS", "Moscow Oblast"),
    ("Калужская область", "RU-KLU", "Kaluga Oblast"),
]

root = pathlib.Path(__file__).resolve().parent.parent
shared = pathlib.Path(sys.argv[1]) if len(sys.argv) > 1 else root.parent / "shared"
src = shared / "basemap-sources/osm_gislab/russia_federal_subjects_gislab_osm.geojson"
data = json.loads(src.read_text(encoding="utf-8"))
by_name = {f["properties"]["name"]: f for f in data["features"]}
features = []
for name_ru, code, name_en in REGIONS:
    f = by_name[name_ru]
    features.append({
        "type": "Feature",
        "properties": {
            "iso3166_2": code,
            "name": name_en,
            "name_ru": name_ru,
            "source": "GIS-Lab / OpenStreetMap (2013)",
            "attribution": "© OpenStreetMap contributors (ODbL)",
        },
        "geometry": f["geometry"],
    })
out = {"type": "FeatureCollection", "features": features}
dest = root / "assets/regions.geojson"
dest.write_text(json.dumps(out, ensure_ascii=False, separators=(",", ":")) + "\n", encoding="utf-8")
print(f"wrote {dest} ({dest.stat().st_size} bytes, {len(features)} regions)")
