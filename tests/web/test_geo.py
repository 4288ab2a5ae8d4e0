"""Tests for the map shapes cut from 国土数値情報 行政区域データ (renkei.web.geo)."""

from __future__ import annotations

import contextlib
import itertools
import json
from collections import defaultdict
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from renkei.presentation.choropleth import CREDIT, GEO_DIR
from renkei.reading.area import load_area, load_registry
from renkei.web.geo import (
    GeoDataError,
    Polygon,
    designated_city_code,
    dissolve_polygons,
    dump_geojson,
    main,
    select_area_features,
)

N03_SOURCE = Path("/work/shared/data/geo/N03-21_40_210101.geojson")


def _square(x: float, y: float, size: float = 0.01) -> list[list[float]]:
    return [[x, y], [x + size, y], [x + size, y + size], [x, y + size], [x, y]]


def _feature(code: str, county_or_city: str | None, name: str, rings: list[Any]) -> dict[str, Any]:
    return {"type": "Feature",
            "properties": {"N03_001": "福岡県", "N03_002": None, "N03_003": county_or_city, "N03_004": name,
                           "N03_007": code},
            "geometry": {"type": "Polygon", "coordinates": rings}}


def _collection(*features: dict[str, Any]) -> dict[str, Any]:
    return {"type": "FeatureCollection", "features": list(features)}


def _area(polygons: list[Polygon]) -> float:
    total = 0.0
    for polygon in polygons:
        for ring in polygon:
            total += sum(x0 * y1 - x1 * y0 for (x0, y0), (x1, y1) in itertools.pairwise(ring)) / 2
    return total


# Two wards of 北九州市 side by side (the shared edge is walked once each way), a town of 遠賀郡 and a city
# outside the area.
WARDS_AND_TOWNS = _collection(
    _feature("40101", "北九州市", "門司区", [_square(130.9, 33.9)]),
    _feature("40103", "北九州市", "若松区", [_square(130.91, 33.9)[::-1]]),  # clockwise: must be reoriented
    _feature("40381", "遠賀郡", "芦屋町", [_square(130.6, 33.8)]),
    _feature("40202", None, "大牟田市", [_square(130.4, 33.0)]),
    _feature("40131", "福岡市", "東区", [_square(130.4, 33.6)]),
)


def test_select_keeps_members_and_merges_wards() -> None:
    result = select_area_features(WARDS_AND_TOWNS, {"40100", "40381"})
    assert [f["properties"] for f in result["features"]] == [
        {"code": "40100", "code6": "401005", "name": "北九州市"},
        {"code": "40381", "code6": "403814", "name": "芦屋町"},
    ]
    city = result["features"][0]["geometry"]
    # The border between the two wards is gone: one ring around both squares, 6 corners.
    assert city["type"] == "Polygon"
    assert len(city["coordinates"]) == 1
    assert sorted({tuple(p) for p in city["coordinates"][0]}) == [
        (130.9, 33.9), (130.9, 33.91), (130.91, 33.9), (130.91, 33.91), (130.92, 33.9), (130.92, 33.91)]


def test_select_wards_of_another_city_are_not_merged_into_it() -> None:
    result = select_area_features(WARDS_AND_TOWNS, {"40130"})  # 福岡市 from its 東区 only
    assert [f["properties"]["name"] for f in result["features"]] == ["福岡市"]
    with pytest.raises(GeoDataError, match="40100"):
        select_area_features(_collection(WARDS_AND_TOWNS["features"][4]), {"40100"})


def test_select_rounds_to_five_decimals_and_orients_counter_clockwise() -> None:
    ring = [[130.123456789, 33.1], [130.2, 33.100004], [130.2, 33.2], [130.123456789, 33.1]]
    result = select_area_features(_collection(_feature("40381", "遠賀郡", "芦屋町", [ring[::-1]])), {"40381"})
    coordinates = result["features"][0]["geometry"]["coordinates"][0]
    assert coordinates[0] == [130.12346, 33.1]
    assert _area([[[(p[0], p[1]) for p in coordinates]]]) > 0


def test_select_names_the_missing_codes() -> None:
    with pytest.raises(GeoDataError, match="no boundary data for codes: 40204, 40999"):
        select_area_features(WARDS_AND_TOWNS, {"40381", "40204", "40999"})


@pytest.mark.parametrize(("document", "message"), [
    ([], "FeatureCollection"),
    ({"type": "Feature"}, "FeatureCollection"),
    ({"type": "FeatureCollection", "features": {}}, "features: must be a list"),
    ({"type": "FeatureCollection", "features": [{"type": "Feature"}]}, r"features\[0\]: a feature needs"),
    (_collection(_feature("4038", "遠賀郡", "芦屋町", [_square(130.6, 33.8)])), r"N03_007: not a 5-digit code"),
    (_collection({"type": "Feature", "properties": {"N03_007": "40381"}, "geometry": None}),
     r"features\[0\]\.geometry: geometry must be an object"),
    (_collection({"type": "Feature", "properties": {"N03_007": "40381"},
                  "geometry": {"type": "Point", "coordinates": [130.0, 33.0]}}), "Polygon or MultiPolygon"),
    (_collection(_feature("40381", "遠賀郡", "芦屋町", [[[130.0, 33.0], [130.1, "33"], [130.2, 33.2]]])),
     "a position must be"),
    (_collection(_feature("40381", "遠賀郡", "芦屋町", [[[330.0, 33.0], [130.1, 33.1], [130.2, 33.2]]])),
     "out of range"),
])
def test_select_rejects_malformed_documents(document: Any, message: str) -> None:
    with pytest.raises(GeoDataError, match=message):
        select_area_features(document, {"40381"})


_json = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=5),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(
        st.sampled_from(["type", "features", "properties", "geometry", "coordinates", "N03_007", "N03_003"]),
        children, max_size=4),
    max_leaves=25)


@given(document=_json, codes=st.sets(st.sampled_from(["40100", "40381", "40202"]), max_size=2))
def test_select_never_crashes_with_another_error(document: Any, codes: set[str]) -> None:
    with contextlib.suppress(GeoDataError):
        select_area_features(document, codes)


@given(cells=st.sets(st.tuples(st.integers(0, 5), st.integers(0, 5)), min_size=1, max_size=20))
def test_dissolve_keeps_the_area_of_grid_cells(cells: set[tuple[int, int]]) -> None:
    polygons: list[Polygon] = [[[(float(x), float(y)), (x + 1.0, float(y)), (x + 1.0, y + 1.0),
                                 (float(x), y + 1.0), (float(x), float(y))]] for x, y in sorted(cells)]
    dissolved = dissolve_polygons(polygons)
    assert _area(dissolved) == pytest.approx(len(cells))
    assert len(dissolved) <= len(cells)
    for polygon in dissolved:
        for ring in polygon:
            assert ring[0] == ring[-1]


def test_designated_city_rule_holds_for_every_city_in_the_national_list() -> None:
    wards: dict[str, list[str]] = defaultdict(list)
    for ward in load_registry().wards:
        wards[ward.city_code].append(ward.code[:5])
    assert len(wards) == 20
    assert {city[:5]: designated_city_code(codes) for city, codes in wards.items()} == {
        city[:5]: city[:5] for city in wards}


def test_shipped_map_has_every_member_of_the_area_with_its_name() -> None:
    area = load_area("kitakyushu")
    data = json.loads((GEO_DIR / "kitakyushu.geojson").read_text(encoding="utf-8"))
    assert [(f["properties"]["code6"], f["properties"]["name"]) for f in data["features"]] == sorted(
        (m.code, m.name) for m in area.members)
    assert all(f["properties"]["code"] == f["properties"]["code6"][:5] for f in data["features"])
    decimals = {len(repr(v).split(".")[1]) for f in data["features"] for v in _numbers(f["geometry"]["coordinates"])}
    assert max(decimals) <= 5
    assert CREDIT in (GEO_DIR / "README.md").read_text(encoding="utf-8")


def _numbers(value: Any) -> list[float]:
    if isinstance(value, list):
        return [n for item in value for n in _numbers(item)]
    return [value]


@pytest.mark.skipif(not N03_SOURCE.exists(), reason=f"the N03 source {N03_SOURCE} is not on this machine, "
                    "so the shipped map cannot be rebuilt and compared")
def test_shipped_map_is_what_the_build_writes(tmp_path: Path) -> None:
    output = tmp_path / "kitakyushu.geojson"
    assert main(["--area", "kitakyushu", "--source", str(N03_SOURCE), "--output", str(output)]) == 0
    assert output.read_text(encoding="utf-8") == (GEO_DIR / "kitakyushu.geojson").read_text(encoding="utf-8")
    city = json.loads(output.read_text(encoding="utf-8"))["features"][0]
    assert city["properties"]["name"] == "北九州市"
    # The seven wards dissolve into the main land plus islands (藍島, 馬島, ...), not seven touching shapes.
    assert len(city["geometry"]["coordinates"]) == 5


def test_main_reports_bad_input_without_a_traceback(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = tmp_path / "n03.geojson"
    source.write_text(dump_geojson(WARDS_AND_TOWNS), encoding="utf-8")
    assert main(["--area", "kitakyushu", "--source", str(source), "--output", str(tmp_path / "out.json")]) == 1
    assert "no boundary data for codes: 40204" in capsys.readouterr().err
    assert main(["--area", "nowhere", "--source", str(source)]) == 1
    assert main(["--area", "kitakyushu", "--source", str(tmp_path / "missing.geojson")]) == 1


TWO_MEMBERS: dict[str, Any] = {"slug": "onga", "name": "試しの圏域", "lead": "401005",
               "plan_period": {"first_fiscal_year": 2026, "last_fiscal_year": 2030},
               "members": [{"code": "401005", "name": "北九州市"}, {"code": "403814", "name": "芦屋町"}]}


def test_the_map_is_cut_for_an_area_file_or_an_area_stored_in_the_database(
        tmp_path: Path, migrated_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    from renkei.reading.area import read_area
    from renkei.services.areas import add_area
    from renkei.store.engine import create_engine_from_url, create_session_factory

    source = tmp_path / "n03.geojson"
    source.write_text(dump_geojson(WARDS_AND_TOWNS), encoding="utf-8")
    area_file = tmp_path / "onga.json"
    area_file.write_text(json.dumps(TWO_MEMBERS, ensure_ascii=False), encoding="utf-8")
    from_file = tmp_path / "from-file.geojson"
    assert main(["--area", str(area_file), "--source", str(source), "--output", str(from_file)]) == 0
    codes = [f["properties"]["code6"] for f in json.loads(from_file.read_text(encoding="utf-8"))["features"]]
    assert codes == ["401005", "403814"]

    assert main(["--area", "onga", "--database-url", migrated_url, "--source", str(source)]) == 1
    assert "no area 'onga' is stored" in capsys.readouterr().err
    engine = create_engine_from_url(migrated_url)
    with create_session_factory(engine)() as session:
        stored = read_area(json.dumps({**TWO_MEMBERS, "members": TWO_MEMBERS["members"][:1]}), registry=load_registry())
        add_area(session=session, area=stored, actor="test")
    engine.dispose()
    from_database = tmp_path / "from-database.geojson"
    assert main(["--area", "onga", "--database-url", migrated_url, "--source", str(source),
                 "--output", str(from_database)]) == 0
    features = json.loads(from_database.read_text(encoding="utf-8"))["features"]
    assert [f["properties"]["code6"] for f in features] == ["401005"]  # the stored members, not the file's
