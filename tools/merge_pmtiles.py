#!/usr/bin/env python3
"""Merges the MBTiles of the basemap's zoom passes into one PMTiles archive.

Usage: python3 tools/merge_pmtiles.py OUT.pmtiles COVERAGE.json NAME=PASS.mbtiles...

Each pass contributes only the zooms its entry in COVERAGE.json gives it, so
that no pass overwrites another's tiles. The archive's metadata keeps the
vector layers of every pass, the attribution, and `incident_map_coverage`
(the zoom range and box of each pass), which the app uses to over-zoom from
the deepest tile that exists at a place. Needs PyPI's `pmtiles` (3.x).
"""
import gzip
import json
import sqlite3
import sys

from pmtiles.tile import Compression, TileType, tileid_to_zxy, zxy_to_tileid
from pmtiles.writer import write

out, coverage_path, passes = sys.argv[1], sys.argv[2], sys.argv[3:]
coverage = json.load(open(coverage_path))
tiles = {}
layers = {}
for spec in passes:
    name, path = spec.split("=", 1)
    zmin, zmax = coverage[name]["minzoom"], coverage[name]["maxzoom"]
    db = sqlite3.connect(path)
    meta = dict(db.execute("SELECT name, value FROM metadata"))
    for layer in json.loads(meta.get("json", "{}")).get("vector_layers", []):
        seen = layers.setdefault(layer["id"], {"id": layer["id"], "fields": {}, "minzoom": layer["minzoom"], "maxzoom": layer["maxzoom"]})
        seen["fields"].update(layer.get("fields", {}))
        seen["minzoom"] = min(seen["minzoom"], max(layer["minzoom"], zmin))
        seen["maxzoom"] = max(seen["maxzoom"], min(layer["maxzoom"], zmax))
    query = "SELECT zoom_level, tile_column, tile_row, tile_data FROM tiles WHERE zoom_level BETWEEN ? AND ?"
    for z, x, row, data in db.execute(query, (zmin, zmax)):
        y = (1 << z) - 1 - row
        if not (0 <= x < 1 << z and 0 <= y < 1 << z):
            continue  # GDAL's tile past the antimeridian or a pole: none such exists
        if data[:2] != b"\x1f\x8b":
            data = gzip.compress(data, mtime=0)
        assert zxy_to_tileid(z, x, y) not in tiles, f"{name} repeats tile {z}/{x}/{y}"
        tiles[zxy_to_tileid(z, x, y)] = data
    db.close()

zooms = [tileid_to_zxy(t)[0] for t in tiles]
w, s, e, n = coverage["world"]["bbox"]
header = {
    "tile_type": TileType.MVT,
    "tile_compression": Compression.GZIP,
    "min_zoom": min(zooms),
    "max_zoom": max(zooms),
    "min_lon_e7": int(w * 1e7), "min_lat_e7": int(s * 1e7),
    "max_lon_e7": int(e * 1e7), "max_lat_e7": int(n * 1e7),
    "center_zoom": 5, "center_lon_e7": int(37.6173 * 1e7), "center_lat_e7": int(55.7558 * 1e7),
}
metadata = {
    "name": "incident-map offline basemap",
    "attribution": "Natural Earth; © OpenStreetMap contributors (ODbL); GeoNames (CC BY 4.0)",
    "vector_layers": sorted(layers.values(), key=lambda l: l["id"]),
    "incident_map_coverage": coverage,
}
with write(out) as writer:
    for tileid in sorted(tiles):
        writer.write_tile(tileid, tiles[tileid])
    writer.finalize(header, metadata)
counts = {}
for z in zooms:
    counts[z] = counts.get(z, 0) + 1
print(f"{out}: {len(tiles)} tiles, per zoom {dict(sorted(counts.items()))}")
