#!/usr/bin/env python3
"""Generates ACLED-like incident files for benchmarks and scale tests, seeded
so that every run makes the same bytes: a CSV with ACLED's 31 columns, or a
GeoJSON FeatureCollection of points with ACLED's properties (16 of them:
not those the geometry and the rest restate).

    tools/gen_incidents.py --rows 1000000 --format csv --out acled-1m.csv
    tools/gen_incidents.py --rows 1000000 --format geojson --out acled-1m.geojson

Nothing made here is committed: tests and scripts make what they need.
"""
import argparse
import json
import random

COLUMNS = [
    "event_id_cnty", "event_date", "year", "time_precision", "disorder_type",
    "event_type", "sub_event_type", "actor1", "assoc_actor_1", "inter1",
    "actor2", "assoc_actor_2", "inter2", "interaction", "civilian_targeting",
    "iso", "region", "country", "admin1", "admin2", "admin3", "location",
    "latitude", "longitude", "geo_precision", "source", "source_scale",
    "notes", "fatalities", "tags", "timestamp",
]

# What a GeoJSON feature carries: ACLED's columns but those its geometry
# and the others restate.
GEOJSON_PROPERTIES = [
    "event_id_cnty", "event_date", "time_precision", "disorder_type",
    "event_type", "sub_event_type", "actor1", "actor2", "country", "admin1",
    "admin2", "location", "geo_precision", "source", "notes", "fatalities",
]

TYPES = [
    ("Political violence", "Battles", "Armed clash"),
    ("Political violence", "Explosions/Remote violence", "Shelling/artillery/missile attack"),
    ("Political violence", "Explosions/Remote violence", "Air/drone strike"),
    ("Political violence", "Violence against civilians", "Attack"),
    ("Demonstrations", "Protests", "Peaceful protest"),
    ("Demonstrations", "Riots", "Violent demonstration"),
    ("Strategic developments", "Strategic developments", "Looting/property destruction"),
]
COUNTRIES = [
    ("UKR", 804, "Europe", "Ukraine", 48.5, 31.0, 4.0, 8.0),
    ("SDN", 729, "Northern Africa", "Sudan", 15.0, 30.0, 5.0, 6.0),
    ("MMR", 104, "Southeast Asia", "Myanmar", 20.0, 96.0, 5.0, 3.0),
    ("NGA", 566, "Western Africa", "Nigeria", 9.0, 8.0, 4.0, 5.0),
    ("SYR", 760, "Middle East", "Syria", 35.0, 38.0, 2.0, 3.0),
    ("MEX", 484, "Central America", "Mexico", 22.0, -101.0, 6.0, 10.0),
    ("COL", 170, "South America", "Colombia", 5.0, -74.0, 4.0, 3.0),
    ("PAK", 586, "Southern Asia", "Pakistan", 30.0, 70.0, 5.0, 5.0),
]
ACTORS = [
    "Military Forces of {c} (2019-)", "Police Forces of {c} (2019-)",
    "Protesters ({c})", "Rioters ({c})", "Civilians ({c})",
    "Unidentified Armed Group ({c})", "Rebel Forces of {c}",
]
MONTHS = ["January", "February", "March", "April", "May", "June", "July",
          "August", "September", "October", "November", "December"]
WORDS = ("attack group village district forces reported killed injured near town "
         "market road checkpoint protest clash shelling drone residents local "
         "officials according sources police military armed").split()
SOURCES = ["Local news", "Reuters", "AFP", "Radio station", "Ministry of Defence", "NGO report"]


def rows(n, seed):
    r = random.Random(seed)
    for i in range(n):
        iso, code, region, country, lat0, lon0, dlat, dlon = r.choice(COUNTRIES)
        disorder, etype, sub = r.choice(TYPES)
        year = r.randint(2018, 2024)
        month = r.randint(1, 12)
        day = r.randint(1, 28)
        a1 = r.choice(ACTORS).format(c=country)
        a2 = r.choice(ACTORS).format(c=country) if r.random() < 0.6 else ""
        admin1 = f"{country} Province {r.randint(1, 25)}"
        admin2 = f"District {r.randint(1, 200)}"
        location = f"Place {r.randint(1, 40000)}"
        lat = round(lat0 + r.uniform(-dlat, dlat), 4)
        lon = round(lon0 + r.uniform(-dlon, dlon), 4)
        words = " ".join(r.choice(WORDS) for _ in range(r.randint(2, 6)))
        notes = f"On {day} {MONTHS[month - 1]} {year}, {words} in {location}."
        yield {
            "event_id_cnty": f"{iso}{i + 1}",
            "event_date": f"{day:02d} {MONTHS[month - 1]} {year}",
            "year": str(year),
            "time_precision": r.choice("1111112223"),
            "disorder_type": disorder,
            "event_type": etype,
            "sub_event_type": sub,
            "actor1": a1,
            "assoc_actor_1": "",
            "inter1": str(r.randint(1, 8)),
            "actor2": a2,
            "assoc_actor_2": "",
            "inter2": str(r.randint(0, 8)),
            "interaction": str(r.randint(10, 88)),
            "civilian_targeting": "Civilian targeting" if "Civilians" in a2 else "",
            "iso": str(code),
            "region": region,
            "country": country,
            "admin1": admin1,
            "admin2": admin2,
            "admin3": "",
            "location": location,
            "latitude": f"{lat}",
            "longitude": f"{lon}",
            "geo_precision": r.choice("1112223"),
            "source": r.choice(SOURCES),
            "source_scale": r.choice(["National", "Subnational", "International"]),
            "notes": notes,
            "fatalities": str(r.choice([0, 0, 0, 1, 2, 3, 5, 10])),
            "tags": "",
            "timestamp": str(1700000000 + i),
        }


def csv_field(v):
    if any(c in v for c in ',"\n'):
        return '"' + v.replace('"', '""') + '"'
    return v


def native_date(row):
    day, month, year = row["event_date"].split(" ")
    return f"{year}-{MONTHS.index(month) + 1:02d}-{int(day):02d}"


def write_native(f, records):
    """Our own format: every event with its date, point, category and actors."""
    categories = sorted({t[1] for t in TYPES})
    f.write('{"format": "incident-map", "version": 1, "title": "Generated incidents", '
            '"time_zone": "UTC", "categories": [')
    f.write(",".join(json.dumps({"id": c.lower().replace(" ", "-").replace("/", "-"), "label": c})
                     for c in categories))
    f.write('], "places": [], "sources": [], "events": [\n')
    for i, row in enumerate(records):
        event = {
            "id": row["event_id_cnty"],
            "title": f'{row["sub_event_type"]}: {row["location"]}',
            "category": row["event_type"].lower().replace(" ", "-").replace("/", "-"),
            "actors": [a for a in (row["actor1"], row["actor2"]) if a],
            "when": native_date(row),
            "where": {"point": {"lat": float(row["latitude"]), "lon": float(row["longitude"])},
                      "precision": "town"},
            "notes": row["notes"],
        }
        f.write(("," if i else "") + json.dumps(event, ensure_ascii=False, separators=(",", ":")) + "\n")
    f.write("]}\n")


def write_kml(f, records):
    """KML with a TimeStamp, a Point and ExtendedData on each Placemark."""
    from xml.sax.saxutils import escape
    f.write('<?xml version="1.0" encoding="UTF-8"?>\n<kml xmlns="http://www.opengis.net/kml/2.2"><Document><name>Generated incidents</name>\n')
    for row in records:
        f.write(
            f'<Placemark><name>{escape(row["sub_event_type"] + ": " + row["location"])}</name>'
            f'<description>{escape(row["notes"])}</description>'
            f'<TimeStamp><when>{native_date(row)}</when></TimeStamp>'
            f'<ExtendedData><Data name="event_type"><value>{escape(row["event_type"])}</value></Data></ExtendedData>'
            f'<Point><coordinates>{row["longitude"]},{row["latitude"]}</coordinates></Point></Placemark>\n'
        )
    f.write("</Document></kml>\n")


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--rows", type=int, required=True)
    p.add_argument("--format", choices=["csv", "geojson", "native", "kml"], required=True)
    p.add_argument("--seed", type=int, default=20240322)
    p.add_argument("--out", required=True)
    a = p.parse_args()
    with open(a.out, "w", encoding="utf-8", newline="") as f:
        if a.format == "csv":
            f.write(",".join(COLUMNS) + "\n")
            for row in rows(a.rows, a.seed):
                f.write(",".join(csv_field(row[c]) for c in COLUMNS) + "\n")
        elif a.format == "native":
            write_native(f, rows(a.rows, a.seed))
        elif a.format == "kml":
            write_kml(f, rows(a.rows, a.seed))
        else:
            f.write('{"type": "FeatureCollection", "name": "acled", "features": [\n')
            for i, row in enumerate(rows(a.rows, a.seed)):
                props = {k: row[k] for k in GEOJSON_PROPERTIES}
                feature = {
                    "type": "Feature",
                    "properties": props,
                    "geometry": {
                        "type": "Point",
                        "coordinates": [float(row["longitude"]), float(row["latitude"])],
                    },
                }
                text = json.dumps(feature, ensure_ascii=False, separators=(",", ":"))
                f.write(("," if i else "") + text + "\n")
            f.write("]}\n")


if __name__ == "__main__":
    main()
