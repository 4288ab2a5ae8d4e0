"""Map shapes of an area's municipalities, cut from 国土数値情報 行政区域データ (N03) GeoJSON.

The portal's map (``static/geo/<slug>.geojson``) is built from the national boundary data: keep the features of
the area's members, merge the wards (行政区) of a designated city (政令指定都市) into one feature, and round
coordinates to 5 decimals (about 1 m) to keep the file small. Build it with
``python -m renkei.web.geo --area SLUG --source N03-21_40_210101.geojson``; ``--area`` is the slug of a shipped seed,
an area JSON file, or, with ``--database-url``, an area as stored in the database (``renkei area add``): the
members come from the same source as everywhere else. Another area only needs its area and the N03 file of its
prefecture(s).

Credit: 出典：国土数値情報（行政区域データ）（国土交通省）を加工して作成
"""

from __future__ import annotations

import argparse
import itertools
import json
import sys
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from renkei.domain.localcode import check_digit
from renkei.domain.municipality import Area
from renkei.presentation.choropleth import CREDIT, GEO_DIR
from renkei.reading.area import AreaConfigError, load_area, load_registry, read_area

Position = tuple[float, float]
Ring = list[Position]
Polygon = list[Ring]

DECIMALS = 5


class GeoDataError(ValueError):
    """Boundary data that cannot be used; the message names the feature and field."""


def round_position(position: object, where: str) -> Position:
    """Return a GeoJSON position as (longitude, latitude) rounded to 5 decimals.

    >>> round_position([130.977422581, 33.844443973], "x")
    (130.97742, 33.84444)
    >>> round_position([130.9, "33"], "features[0]")
    Traceback (most recent call last):
    ...
    renkei.web.geo.GeoDataError: features[0]: a position must be [longitude, latitude] numbers, got [130.9, '33']
    """
    if (not isinstance(position, list | tuple) or len(position) < 2
            or not all(isinstance(v, int | float) and not isinstance(v, bool) for v in position[:2])):
        raise GeoDataError(f"{where}: a position must be [longitude, latitude] numbers, got {position!r}")
    lon, lat = position[0], position[1]
    if not (-180.0 <= lon <= 180.0 and -90.0 <= lat <= 90.0):
        raise GeoDataError(f"{where}: position out of range: {position!r}")
    return (round(float(lon), DECIMALS), round(float(lat), DECIMALS))


def _clean_ring(ring: object, where: str) -> Ring | None:
    """Round a linear ring and drop repeated points; None when it collapses below a triangle."""
    if not isinstance(ring, list):
        raise GeoDataError(f"{where}: a linear ring must be a list of positions")
    points: Ring = []
    for position in ring:
        point = round_position(position, where)
        if not points or points[-1] != point:
            points.append(point)
    if len(points) > 1 and points[0] == points[-1]:
        points.pop()
    if len(set(points)) < 3:
        return None
    return [*points, points[0]]


def _signed_area(ring: Ring) -> float:
    return sum(x0 * y1 - x1 * y0 for (x0, y0), (x1, y1) in itertools.pairwise(ring)) / 2.0


def _oriented(ring: Ring, *, counter_clockwise: bool) -> Ring:
    return ring if (_signed_area(ring) > 0) == counter_clockwise else ring[::-1]


def read_polygons(geometry: object, where: str) -> list[Polygon]:
    """Return the rounded polygons of a Polygon or MultiPolygon geometry (exteriors CCW, holes CW, RFC 7946)."""
    if not isinstance(geometry, dict):
        raise GeoDataError(f"{where}: geometry must be an object")
    kind, coordinates = geometry.get("type"), geometry.get("coordinates")
    if kind == "Polygon":
        raw = [coordinates]
    elif kind == "MultiPolygon" and isinstance(coordinates, list):
        raw = coordinates
    else:
        raise GeoDataError(f"{where}: geometry type must be Polygon or MultiPolygon, got {kind!r}")
    polygons: list[Polygon] = []
    for index, polygon in enumerate(raw):
        if not isinstance(polygon, list) or not polygon:
            raise GeoDataError(f"{where}.coordinates[{index}]: a polygon must be a non-empty list of rings")
        rings = [_clean_ring(ring, f"{where}.coordinates[{index}]") for ring in polygon]
        exterior = rings[0]
        if exterior is None:
            continue
        holes = [_oriented(r, counter_clockwise=False) for r in rings[1:] if r is not None]
        polygons.append([_oriented(exterior, counter_clockwise=True), *holes])
    return polygons


def _contains(ring: Ring, point: Position) -> bool:
    """Tell whether a point lies inside a ring (even-odd rule)."""
    x, y = point
    inside = False
    for (x0, y0), (x1, y1) in itertools.pairwise(ring):
        if (y0 > y) != (y1 > y) and x < x0 + (y - y0) * (x1 - x0) / (y1 - y0):
            inside = not inside
    return inside


def dissolve_polygons(polygons: Sequence[Polygon]) -> list[Polygon]:
    """Merge polygons that share borders into their outline, dropping the inner borders.

    Works on topologically clean data (neighbours share the same vertices, as N03 wards do): an edge walked
    once in each direction is an inner border. When what is left does not close into rings, the polygons are
    returned unchanged (a MultiPolygon of the parts draws the same area, with the inner borders).

    >>> a = [[(0.0, 0.0), (1.0, 0.0), (1.0, 1.0), (0.0, 1.0), (0.0, 0.0)]]
    >>> b = [[(1.0, 0.0), (2.0, 0.0), (2.0, 1.0), (1.0, 1.0), (1.0, 0.0)]]
    >>> [sorted(set(ring)) for ring in dissolve_polygons([a, b])[0]]
    [[(0.0, 0.0), (0.0, 1.0), (1.0, 0.0), (1.0, 1.0), (2.0, 0.0), (2.0, 1.0)]]
    """
    edges: dict[tuple[Position, Position], int] = defaultdict(int)
    for polygon in polygons:
        for ring in polygon:
            for edge in itertools.pairwise(ring):
                edges[edge] += 1
    remaining: dict[Position, list[Position]] = defaultdict(list)
    for (start, end), count in edges.items():
        kept = count - edges.get((end, start), 0)
        if kept > 0:
            remaining[start].extend([end] * kept)
    rings: list[Ring] = []
    while remaining:
        first = next(iter(remaining))
        ring = [first]
        point = first
        while True:
            ends = remaining.get(point)
            if not ends:
                return [list(polygon) for polygon in polygons]
            following = ends.pop()
            if not ends:
                del remaining[point]
            ring.append(following)
            point = following
            if point == first:
                break
        if len(set(ring)) >= 3:
            rings.append(ring)
    return _assemble(rings)


def _assemble(rings: Iterable[Ring]) -> list[Polygon]:
    """Group rings into polygons: CCW rings are exteriors, each CW ring goes into the exterior around it."""
    exteriors: list[Polygon] = []
    holes: list[Ring] = []
    for ring in rings:
        if _signed_area(ring) > 0:
            exteriors.append([ring])
        else:
            holes.append(ring)
    exteriors.sort(key=lambda polygon: abs(_signed_area(polygon[0])))
    for hole in holes:
        owner = next((p for p in exteriors if _contains(p[0], hole[0])), None)
        if owner is not None:
            owner.append(hole)
    exteriors.sort(key=lambda polygon: -abs(_signed_area(polygon[0])))
    return exteriors


def designated_city_code(ward_codes5: Iterable[str]) -> str:
    """Return the 5-digit code of the designated city whose wards these are.

    A designated city's code is its lowest ward code with the last digit set to 0; this holds for all 20
    designated cities (e.g. 大阪市 27100 with wards 27102-27128, 堺市 27140 with 27141-27147).

    >>> designated_city_code(["40109", "40101", "40103"])  # 北九州市
    '40100'
    >>> designated_city_code(["27141", "27147"])  # 堺市
    '27140'
    """
    return min(ward_codes5)[:4] + "0"


def _is_ward(properties: Mapping[str, object]) -> bool:
    """Tell whether an N03 feature is a ward of a designated city (code 1xx and a 市 in N03_003)."""
    code, city = properties.get("N03_007"), properties.get("N03_003")
    return (isinstance(code, str) and len(code) == 5 and code[2] == "1" and isinstance(city, str)
            and city.endswith("市"))


def _features(geojson: object) -> list[tuple[str, Mapping[str, object], object]]:
    if not isinstance(geojson, dict) or geojson.get("type") != "FeatureCollection":
        raise GeoDataError("the document must be a GeoJSON FeatureCollection")
    features = geojson.get("features")
    if not isinstance(features, list):
        raise GeoDataError("features: must be a list")
    found: list[tuple[str, Mapping[str, object], object]] = []
    for index, feature in enumerate(features):
        where = f"features[{index}]"
        if not isinstance(feature, dict) or not isinstance(feature.get("properties"), dict):
            raise GeoDataError(f"{where}: a feature needs a properties object")
        code = feature["properties"].get("N03_007")
        if code is None:  # N03 leaves the code empty for disputed boundary areas (所属未定地)
            continue
        if not isinstance(code, str) or len(code) != 5 or not code.isascii() or not code.isdigit():
            raise GeoDataError(f"{where}.properties.N03_007: not a 5-digit code: {code!r}")
        found.append((code, feature["properties"], feature.get("geometry")))
    return found


def select_area_features(geojson: dict[str, Any], codes5: set[str]) -> dict[str, Any]:
    """Return a FeatureCollection of the municipalities with these 5-digit codes, wards merged into cities.

    Each feature's properties are ``{"code": 5-digit, "code6": with check digit, "name": municipality}``;
    features are sorted by code. Raise GeoDataError when the data is malformed or a code has no shape.
    """
    wards: dict[str, list[str]] = defaultdict(list)
    found = _features(geojson)
    for code, properties, _ in found:
        if _is_ward(properties):
            wards[f"{code[:2]}:{properties['N03_003']}"].append(code)
    parent = {ward: designated_city_code(codes) for codes in wards.values() for ward in codes}
    parts: dict[str, list[Polygon]] = defaultdict(list)
    names: dict[str, str] = {}
    for index, (code, properties, geometry) in enumerate(found):
        target = parent.get(code, code)
        if target not in codes5:
            continue
        parts[target].extend(read_polygons(geometry, f"features[{index}].geometry"))
        name = properties.get("N03_003") if code in parent else properties.get("N03_004")
        names[target] = name if isinstance(name, str) else target
    missing = sorted(codes5 - parts.keys())
    if missing:
        raise GeoDataError(f"no boundary data for codes: {', '.join(missing)}")
    return {"type": "FeatureCollection", "features": [
        {"type": "Feature",
         "properties": {"code": code, "code6": code + str(check_digit(code)), "name": names[code]},
         "geometry": _geometry(dissolve_polygons(parts[code]))}
        for code in sorted(parts)]}


def _geometry(polygons: list[Polygon]) -> dict[str, Any]:
    coordinates = [[[list(p) for p in ring] for ring in polygon] for polygon in polygons]
    if len(coordinates) == 1:
        return {"type": "Polygon", "coordinates": coordinates[0]}
    return {"type": "MultiPolygon", "coordinates": coordinates}


def dump_geojson(collection: Mapping[str, Any]) -> str:
    """Return compact GeoJSON text with one feature per line (small, yet diffs stay readable)."""
    lines = [json.dumps(f, ensure_ascii=False, separators=(",", ":")) for f in collection["features"]]
    return '{"type":"FeatureCollection","features":[\n' + ",\n".join(lines) + "\n]}\n"


def build_area_geojson(area: Area, source_text: str) -> str:
    """Return the map GeoJSON text of an area's members, cut from N03 GeoJSON text."""
    try:
        geojson = json.loads(source_text)
    except json.JSONDecodeError as exc:
        raise GeoDataError(f"not JSON: {exc.msg} (line {exc.lineno})") from None
    return dump_geojson(select_area_features(geojson, {m.code5 for m in area.members}))


def find_map_area(option: str, database_url: str | None) -> Area:
    """Return the area ``--area`` names: a JSON file, a slug stored in the database (when given), else a seed."""
    if option.endswith(".json") or Path(option).is_file():
        return read_area(Path(option).read_text(encoding="utf-8"), registry=load_registry())
    if database_url is None:
        return load_area(option)
    from renkei.store.areas import find_area
    from renkei.store.engine import create_engine_from_url, create_session_factory
    from renkei.store.migrate import require_database

    require_database(database_url)
    engine = create_engine_from_url(database_url)
    try:
        with create_session_factory(engine)() as session:
            found = find_area(session=session, slug=option)
    finally:
        engine.dispose()
    if found is None:
        raise AreaConfigError(f"データベースにない圏域です / no area {option!r} is stored", "slug")
    return found


def main(argv: Sequence[str] | None = None) -> int:
    """Build static/geo/<slug>.geojson from an N03 GeoJSON file (the command line)."""
    parser = argparse.ArgumentParser(prog="python -m renkei.web.geo", description=__doc__.splitlines()[0])
    parser.add_argument("--area", required=True, help="area slug (a shipped seed, or stored with --database-url) or "
                                                      "an area JSON file")
    parser.add_argument("--database-url", help="read the area as stored in this renkei database")
    parser.add_argument("--source", required=True, type=Path, help="N03 GeoJSON of the prefecture")
    parser.add_argument("--output", type=Path, help="default: renkei/data/geo/<slug>.geojson")
    args = parser.parse_args(argv)
    try:
        area = find_map_area(args.area, args.database_url)
        text = build_area_geojson(area, args.source.read_text(encoding="utf-8"))
    except (GeoDataError, AreaConfigError, OSError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except Exception as exc:  # a database that cannot be opened (sqlalchemy's errors, DatabaseMissingError)
        print(f"error: {exc.__class__.__name__}: {str(exc).splitlines()[0] if str(exc) else ''}", file=sys.stderr)
        return 1
    output: Path = args.output or GEO_DIR / f"{area.slug}.geojson"
    output.write_text(text, encoding="utf-8")
    print(f"wrote {output} ({len(text.encode()):,} bytes); {CREDIT}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
