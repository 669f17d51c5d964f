#!/usr/bin/env python3
"""Parquet files made from a CSV of events, as other tools write them.

    make-parquet.py IN.csv OUT.parquet --kind KIND [--row-group N]

KIND:
  geoparquet  GeoParquet 1.1 as GDAL and GeoPandas write it: typed columns,
              latitude/longitude replaced by a WKB point column `geometry`
              named in the `geo` metadata (CRS84), zstd.
  geoarrow    the same with GeoArrow's native point encoding (a struct of x, y).
  projected   GeoParquet whose `geo` metadata says EPSG:3857 (Web Mercator),
              coordinates projected: a file the app must refuse, naming it.
  plain       DuckDB's COPY ... TO (FORMAT parquet): typed columns, latitude
              and longitude as DOUBLE, no geometry, snappy.

Needs pyarrow (and duckdb for `plain`): python3 -m venv v && v/bin/pip install pyarrow duckdb.
The columns are typed as DuckDB's read_csv_auto types them; `event_date` is a DATE
when it reads as one.
"""
import argparse, json, math, struct

import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

CRS84 = None  # GeoParquet: a missing crs means OGC:CRS84

WEB_MERCATOR = {
    "$schema": "https://proj.org/schemas/v0.7/projjson.schema.json",
    "type": "ProjectedCRS",
    "name": "WGS 84 / Pseudo-Mercator",
    "id": {"authority": "EPSG", "code": 3857},
}


def mercator(lon, lat):
    r = 6378137.0
    return r * math.radians(lon), r * math.log(math.tan(math.pi / 4 + math.radians(lat) / 2))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("csv")
    ap.add_argument("out")
    ap.add_argument("--kind", default="geoparquet", choices=["geoparquet", "geoarrow", "projected", "plain"])
    ap.add_argument("--row-group", type=int, default=128 * 1024)
    a = ap.parse_args()

    if a.kind == "plain":
        import duckdb
        duckdb.sql(
            f"COPY (SELECT * FROM read_csv_auto('{a.csv}')) TO '{a.out}' "
            f"(FORMAT parquet, ROW_GROUP_SIZE {a.row_group})"
        )
        return

    table = pacsv.read_csv(a.csv)
    lat = table.column("latitude").to_pylist()
    lon = table.column("longitude").to_pylist()
    keep = [n for n in table.column_names if n not in ("latitude", "longitude")]
    table = table.select(keep)
    if a.kind == "projected":
        xy = [mercator(x, y) if x is not None and y is not None else (None, None) for x, y in zip(lon, lat)]
        lon = [p[0] for p in xy]
        lat = [p[1] for p in xy]
    if a.kind == "geoarrow":
        geom = pa.StructArray.from_arrays(
            [pa.array(lon, pa.float64()), pa.array(lat, pa.float64())], names=["x", "y"]
        )
        encoding = "point"
    else:
        geom = pa.array(
            [None if x is None or y is None else struct.pack("<BIdd", 1, 1, x, y) for x, y in zip(lon, lat)],
            pa.binary(),
        )
        encoding = "WKB"
    table = table.append_column("geometry", geom)
    column = {"encoding": encoding, "geometry_types": ["Point"]}
    if a.kind == "projected":
        column["crs"] = WEB_MERCATOR
    finite = [(x, y) for x, y in zip(lon, lat) if x is not None and y is not None]
    if finite:
        column["bbox"] = [min(p[0] for p in finite), min(p[1] for p in finite),
                          max(p[0] for p in finite), max(p[1] for p in finite)]
    geo = {"version": "1.1.0", "primary_column": "geometry", "columns": {"geometry": column}}
    table = table.replace_schema_metadata({**(table.schema.metadata or {}), b"geo": json.dumps(geo).encode()})
    pq.write_table(table, a.out, compression="zstd", row_group_size=a.row_group)


if __name__ == "__main__":
    main()
