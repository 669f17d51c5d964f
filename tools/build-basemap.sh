#!/usr/bin/env bash
# Builds assets/basemap.pmtiles, the offline vector basemap, from
# ../shared/basemap-sources. The app never needs that folder: the archive is
# committed. Run it again after changing the data or the layers:
#
#   apt-get install -y gdal-bin && pip install pmtiles   # GDAL >= 3.6, pmtiles 3.x
#   tools/build-basemap.sh [SHARED_DIR]
#
# Four passes, each an MVT MBTiles made by GDAL, merged into one PMTiles:
#   world           z0-6    the whole world: Natural Earth land and country borders
#                           (1:110m, 1:50m, 1:10m as the zoom deepens), country
#                           names, GeoNames cities over 50,000 people; in Europe
#                           also its water, rivers, regions and places
#   europe          z7-8    lon -25-65, lat 34-72 (snapped to z7 tiles): Natural
#                           Earth land, water, rivers, boundaries, places
#   central_russia  z9-12   lon 32-42, lat 52.5-58 (snapped to z9 tiles): plus OSM
#                           region and district outlines, GeoNames towns, Moscow roads
#   moscow          z13-14  Moscow city (snapped to z10 tiles): the same, in detail
# Every pass carries the land layer, so no tile of it is empty.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
shared=${1:-$root/../shared}
work=$(mktemp -d)
# KEEP_WORK=1 keeps the intermediate GeoPackages and MBTiles for inspection.
[ -n "${KEEP_WORK:-}" ] && echo "work dir: $work" || trap 'rm -rf "$work"' EXIT

python3 "$root/tools/basemap_inputs.py" "$shared" "$work/in"
bbox() { python3 -c "import json; print(*json.load(open('$work/in/coverage.json'))['$1']['bbox'])"; }

# make_pass NAME MINZOOM MAXZOOM "layer:minzoom[:maxzoom] ..."
make_pass() {
  local name=$1 minz=$2 maxz=$3 layers=$4 box
  box=$(bbox "$name")
  local gpkg="$work/$name.gpkg" conf="{"
  for spec in $layers; do
    local layer=${spec%%:*} lz=${spec#*:} target=${spec%%:*} lmax=$maxz
    if [[ $lz == *:* ]]; then lmax=${lz#*:}; lz=${lz%%:*}; fi
    # A layer's minzoom overrides the pass's: never let it reach below the pass.
    [ "$lz" -lt "$minz" ] && lz=$minz
    target=${target%_ne}; target=${target%_osm}; target=${target%_europe}; target=${target%_local}
    target=${target%_world*}
    case $target in boundaries_country|boundaries_region) target=boundaries ;; esac
    local update=()
    [ -e "$gpkg" ] && update=(-update)
    # The world pass is not clipped: its box is the whole map, and clipping
    # Natural Earth's antimeridian rings fails.
    local clip=(-clipsrc $box)
    [ "$name" = world ] && clip=()
    # shellcheck disable=SC2086
    ogr2ogr -f GPKG "$gpkg" "$work/in/$layer.geojson" -nln "$layer" -spat $box "${clip[@]}" -makevalid \
      "${update[@]}" -nlt PROMOTE_TO_MULTI -skipfailures -lco SPATIAL_INDEX=NO
    conf+="\"$layer\": {\"target_name\": \"$target\", \"minzoom\": $lz, \"maxzoom\": $lmax},"
  done
  conf="${conf%,}}"
  ogr2ogr -f MVT "$work/$name.mbtiles" "$gpkg" -dsco FORMAT=MBTILES -dsco MINZOOM="$minz" \
    -dsco MAXZOOM="$maxz" -dsco MAX_SIZE=800000 -dsco CONF="$conf" -dsco NAME="$name"
}

common="land:0 water:0 waterway:0"
world="land_world110m:0:1 land_world50m:2:4 land_world10m:5:6 boundaries_world110m:0:1 boundaries_world50m:2:4 boundaries_world10m:5:6"
make_pass world 0 6 "$world water:0 waterway:0 boundaries_region_ne:4 country_labels:0 country_labels_world:0 region_labels:5 places_europe:3 places_world:2"
make_pass europe 7 8 "$common boundaries_country:7 boundaries_region_ne:7 country_labels:7 region_labels:7 places_europe:7"
make_pass central_russia 9 12 "$common boundaries_country:9 boundaries_region_osm:9 districts:10 district_labels:11 region_labels:9 places_local:9 roads_major:10 roads_minor:12"
make_pass moscow 13 14 "$common boundaries_region_osm:13 districts:13 district_labels:13 places_local:13 roads_major:13 roads_minor:13"

python3 "$root/tools/merge_pmtiles.py" "$root/assets/basemap.pmtiles" "$work/in/coverage.json" \
  world="$work/world.mbtiles" europe="$work/europe.mbtiles" central_russia="$work/central_russia.mbtiles" moscow="$work/moscow.mbtiles"
ls -l "$root/assets/basemap.pmtiles"
