"""Tests for reading area configurations and the national list."""

from __future__ import annotations

import contextlib
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from renkei.domain.resolution import resolve_municipality
from renkei.reading.area import (
    AREA_KEYS,
    AreaConfigError,
    available_areas,
    load_area,
    load_registry,
    read_area,
    read_registry,
)

KITAKYUSHU_MEMBERS = [
    ("401005", "北九州市"), ("402044", "直方市"), ("402133", "行橋市"), ("402141", "豊前市"),
    ("402150", "中間市"), ("402265", "宮若市"), ("403814", "芦屋町"), ("403822", "水巻町"),
    ("403831", "岡垣町"), ("403849", "遠賀町"), ("404012", "小竹町"), ("404021", "鞍手町"),
    ("406015", "香春町"), ("406210", "苅田町"), ("406252", "みやこ町"), ("406422", "吉富町"),
    ("406465", "上毛町"), ("406473", "築上町"),
]

# Another real area (備後圏域), configured by data alone: 府中市 here is 広島県's, not 東京都's.
BINGO = {
    "slug": "bingo",
    "name": "備後圏域",
    "name_en": "Bingo Area",
    "lead": "342076",
    "plan_period": {"first_fiscal_year": 2024, "last_fiscal_year": 2028},
    "members": [
        {"code": "342076", "name": "福山市"}, {"code": "342041", "name": "三原市"},
        {"code": "342050", "name": "尾道市"}, {"code": "342084", "name": "府中市"},
        {"code": "344621", "name": "世羅町"}, {"code": "345458", "name": "神石高原町"},
        {"code": "332054", "name": "笠岡市"}, {"code": "332071", "name": "井原市"},
    ],
}


FIRST = "plan_period.first_fiscal_year"


def _with(**changes: Any) -> str:
    config: dict[str, Any] = json.loads(json.dumps(BINGO))
    for key, value in changes.items():
        if value is None:
            config.pop(key, None)
        else:
            config[key] = value
    return json.dumps(config, ensure_ascii=False)


def test_kitakyushu_is_configured() -> None:
    area = load_area("kitakyushu")
    assert area.slug == "kitakyushu"
    assert area.name == "北九州都市圏域"
    assert area.name_en == "Kitakyushu Metropolitan Area"
    assert area.lead.name == "北九州市"
    assert (area.plan_first_year, area.plan_last_year) == (2026, 2030)
    assert [(m.code, m.name) for m in area.members] == KITAKYUSHU_MEMBERS
    assert {m.prefecture for m in area.members} == {"福岡県"}
    assert area.member_by_name("苅田町") is not None
    assert area.member_by_name("苅田町").kana == "かんだまち"  # type: ignore[union-attr]
    assert area.extra_parties == ("福岡県",)


@pytest.mark.parametrize("key", sorted(AREA_KEYS | {"first_fiscal_year", "last_fiscal_year", "code", "name",
                                                     "prefecture", "kana"}))
def test_every_key_is_documented(key: str) -> None:
    docs = (Path(__file__).resolve().parents[2] / "docs" / "area-config.md").read_text(encoding="utf-8")
    assert f"`{key}`" in docs


def test_available_areas() -> None:
    assert "kitakyushu" in available_areas()
    assert available_areas() == sorted(available_areas())


@pytest.mark.parametrize("slug", ["nowhere", "../areas/kitakyushu", "Kitakyushu", ""])
def test_load_area_rejects_unknown_slugs(slug: str) -> None:
    with pytest.raises(AreaConfigError) as caught:
        load_area(slug)
    assert caught.value.field == "slug"
    assert "kitakyushu" in caught.value.message


def test_another_area_is_configured_by_data_alone() -> None:
    area = read_area(_with(), registry=load_registry())
    assert area.lead.name == "福山市"
    assert [m.prefecture for m in area.members].count("岡山県") == 2
    fuchu = resolve_municipality("府中市", area=area, registry=load_registry())
    assert fuchu.status == "member"
    assert fuchu.municipality is not None and fuchu.municipality.code == "342084"


def test_read_area_without_registry_keeps_what_is_written() -> None:
    area = read_area(_with(members=[{"code": "342076", "name": "福山市", "kana": "ふくやまし"}]))
    assert area.members[0].kana == "ふくやまし"
    assert area.members[0].prefecture == ""
    assert area.extra_parties == ()


@pytest.mark.parametrize(("text", "field"), [
    ("{", None),
    ("[]", None),
    ("", None),
    (_with(slug=None), "slug"),
    (_with(slug="Bingo Area"), "slug"),
    (_with(name=""), "name"),
    (_with(name=5), "name"),
    (_with(lead="342077"), "lead"),  # wrong check digit
    (_with(lead="402044"), "lead"),  # valid code, not a member
    (_with(lead=342076), "lead"),
    (_with(plan_period=None), "plan_period"),
    (_with(plan_period=[2024, 2028]), "plan_period"),
    (_with(plan_period={"first_fiscal_year": 2028, "last_fiscal_year": 2024}), "plan_period"),
    (_with(plan_period={"first_fiscal_year": 2024, "last_fiscal_year": 2040}), "plan_period"),
    (_with(plan_period={"first_fiscal_year": 2024}), "plan_period.last_fiscal_year"),
    (_with(plan_period={"first_fiscal_year": "R6", "last_fiscal_year": 2028}), FIRST),
    (_with(plan_period={"first_fiscal_year": 6, "last_fiscal_year": 10}), FIRST),
    (_with(plan_period={"first_fiscal_year": True, "last_fiscal_year": 2028}), FIRST),
    (_with(members=None), "members"),
    (_with(members=[]), "members"),
    (_with(members=["342076"]), "members[0]"),
    (_with(members=[{"code": "342076", "name": "福山市"}, {"code": "342041"}]), "members[1].name"),
    (_with(members=[{"code": "342076", "name": "福山市"}, {"code": "342042", "name": "三原市"}]),
     "members[1].code"),
    (_with(members=[{"code": "342076", "name": "福山市"}, {"code": "342076", "name": "福山"}]), "members[1]"),
    (_with(members=[{"code": "342076", "name": "福山市"}, {"code": "342041", "name": "福山市"}]),
     "members[1]"),
    (_with(extra_parties="広島県"), "extra_parties"),
    (_with(extra_parties=["広島県", 3]), "extra_parties[1]"),
    (_with(lead_city="342076"), "lead_city"),  # unknown key: a typo is caught
])
def test_read_area_rejects_bad_configs_naming_the_field(text: str, field: str | None) -> None:
    with pytest.raises(AreaConfigError) as caught:
        read_area(text)
    assert caught.value.field == field
    assert caught.value.message
    if field is not None:
        assert str(caught.value).startswith(field + ": ")


@pytest.mark.parametrize(("members", "field"), [
    ([{"code": "342076", "name": "福山市"}, {"code": "342041", "name": "尾道市"}], "members[1].name"),
    ([{"code": "342076", "name": "福山市"}, {"code": "349992", "name": "架空市"}], "members[1].code"),
])
def test_read_area_checks_members_against_the_registry(members: list[dict[str, str]], field: str) -> None:
    text = _with(members=members)
    read_area(text)  # fine without the registry: codes are well formed
    with pytest.raises(AreaConfigError) as caught:
        read_area(text, registry=load_registry())
    assert caught.value.field == field


def test_load_registry_is_cached() -> None:
    assert load_registry() is load_registry()


@pytest.mark.parametrize(("text", "field"), [
    ("{}", "prefectures"),
    ('{"prefectures": [1]}', "prefectures[0]"),
    ('{"prefectures": [{"code": "400009", "name": "福岡県", '
     '"municipalities": [["401006", "北九州市", ""]]}]}',
     "prefectures[0].municipalities[0]"),
    ('{"prefectures": [{"code": "400009", "name": "福岡県", "municipalities": [["401005"]]}]}',
     "prefectures[0].municipalities"),
])
def test_read_registry_rejects_bad_lists(text: str, field: str) -> None:
    with pytest.raises(AreaConfigError) as caught:
        read_registry(text)
    assert caught.value.field == field


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
    max_leaves=10,
)


@given(st.text(max_size=200))
def test_arbitrary_text_raises_only_area_config_error(text: str) -> None:
    with contextlib.suppress(AreaConfigError):
        read_area(text)


@given(st.dictionaries(st.sampled_from([*sorted(BINGO), "extra_parties", "x"]), JSON, max_size=7))
def test_arbitrary_config_values_raise_only_area_config_error(changes: dict[str, Any]) -> None:
    config = {**BINGO, **changes}
    with contextlib.suppress(AreaConfigError):
        read_area(json.dumps(config), registry=load_registry())


@given(st.sampled_from(["municipalities", "code", "name", "kana"]), JSON)
def test_arbitrary_registry_text_raises_only_area_config_error(key: str, value: Any) -> None:
    with contextlib.suppress(AreaConfigError):
        read_registry(json.dumps({"prefectures": [{"code": "400009", "name": "福岡県", key: value}]}))
