"""Tests for resolving written municipality names against the Kitakyushu area."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from renkei.domain.municipality import Area, Municipality
from renkei.domain.registry import MunicipalityRegistry, Prefecture
from renkei.domain.resolution import resolve_municipality, strip_suffix
from renkei.reading.area import load_area, load_registry

AREA = load_area("kitakyushu")
REGISTRY = load_registry()


@pytest.mark.parametrize(("written", "member"), [
    ("北九州市", "北九州市"),
    ("苅田町", "苅田町"),
    ("みやこ町", "みやこ町"),
    ("　苅田 町 ", "苅田町"),
    ("遠賀郡芦屋町", "芦屋町"),
    ("遠賀郡 岡垣町", "岡垣町"),
    ("田川郡香春町", "香春町"),
    ("京都郡みやこ町", "みやこ町"),
    ("福岡県北九州市", "北九州市"),
    ("福岡県築上郡築上町", "築上町"),
    ("北九州市小倉北区", "北九州市"),
    ("小倉南区", "北九州市"),
    ("かんだまち", "苅田町"),
    ("ノオガタシ", "直方市"),
])
def test_member_names(written: str, member: str) -> None:
    resolution = resolve_municipality(written, area=AREA, registry=REGISTRY)
    assert resolution.status == "member"
    assert resolution.municipality is not None and resolution.municipality.name == member
    assert resolution.score == 100.0
    assert resolution.is_member


@pytest.mark.parametrize(("written", "name", "prefecture"), [
    ("下関市", "下関市", "山口県"),
    ("長門市", "長門市", "山口県"),
    ("山口県下関市", "下関市", "山口県"),
    ("福岡市", "福岡市", "福岡県"),
    ("福岡市博多区", "福岡市", "福岡県"),
    ("川崎町", "川崎町", "福岡県"),  # 宮城県 has one too: the lead's prefecture is preferred
    ("宮城県川崎町", "川崎町", "宮城県"),
    ("芦屋市", "芦屋市", "兵庫県"),  # one character from 芦屋町, but real: not a misspelling
])
def test_real_municipalities_elsewhere_are_outside_the_area(written: str, name: str, prefecture: str) -> None:
    resolution = resolve_municipality(written, area=AREA, registry=REGISTRY)
    assert resolution.status == "outside_area"
    assert resolution.municipality is not None
    assert (resolution.municipality.name, resolution.municipality.prefecture) == (name, prefecture)
    assert not resolution.is_member


def test_prefecture_is_outside_the_area() -> None:
    resolution = resolve_municipality("山口県", area=AREA, registry=REGISTRY)
    assert resolution.status == "outside_area"
    assert resolution.municipality is not None and resolution.municipality.code == "350001"


@pytest.mark.parametrize(("written", "member"), [
    ("荻田町", "苅田町"),  # one kanji differs
    ("苅田", "苅田町"),  # no 町
    ("苅田市", "苅田町"),  # wrong suffix
    ("直方", "直方市"),
    ("方直市", "直方市"),  # transposed
    ("北九州", "北九州市"),
    ("みやこ", "みやこ町"),
    ("みやご町", "みやこ町"),
    ("中間町", "中間市"),
    ("遠賀郡荻田町", "苅田町"),
    ("鞍出町", "鞍手町"),
])
def test_close_to_exactly_one_member_is_a_misspelling(written: str, member: str) -> None:
    resolution = resolve_municipality(written, area=AREA, registry=REGISTRY)
    assert resolution.status == "misspelt_member"
    assert resolution.municipality is not None and resolution.municipality.name == member
    assert resolution.suggestion == resolution.municipality
    assert 0 < resolution.score < 100


@pytest.mark.parametrize(("written", "suggestion", "candidates"), [
    ("架空町", None, []),
    ("東京", None, []),
    ("上富町", "吉富町", ["吉富町", "上毛町"]),  # close to two members: ambiguous
    ("芦垣町", "芦屋町", ["芦屋町", "岡垣町"]),
    ("北九州市役所総務課", "北九州市", []),
    ("", None, []),
    ("、", None, []),
])
def test_unknown_names(written: str, suggestion: str | None, candidates: list[str]) -> None:
    resolution = resolve_municipality(written, area=AREA, registry=REGISTRY)
    assert resolution.status == "unknown"
    assert resolution.municipality is None
    assert (resolution.suggestion.name if resolution.suggestion else None) == suggestion
    assert [m.name for m in resolution.candidates] == candidates


def test_members_are_resolved_even_when_not_in_the_registry() -> None:
    town = Municipality("403814", "芦屋町", "福岡県")
    area = Area("t", "試験圏域", "403814", (town,), 2026, 2030)
    empty = MunicipalityRegistry((Prefecture("400009", "福岡県"),), ())
    assert resolve_municipality("芦屋町", area=area, registry=empty).status == "member"
    assert resolve_municipality("芦尾町", area=area, registry=empty).status == "misspelt_member"


def test_single_character_stems_are_never_guessed() -> None:
    # 森町 (北海道) has a one-kanji stem: 林町 is too far from it to be a misspelling.
    mori = Municipality("013455", "森町", "北海道")
    area = Area("m", "試験圏域", "013455", (mori,), 2026, 2030)
    assert resolve_municipality("林町", area=area, registry=REGISTRY).status == "unknown"
    assert resolve_municipality("森", area=area, registry=REGISTRY).status == "misspelt_member"


@pytest.mark.parametrize(("name", "stem"), [
    ("苅田町", "苅田"), ("北九州市", "北九州"), ("町", "町"), ("ABC", "ABC"),
])
def test_strip_suffix(name: str, stem: str) -> None:
    assert strip_suffix(name) == stem


@given(st.text(max_size=20))
def test_resolution_never_raises(text: str) -> None:
    resolution = resolve_municipality(text, area=AREA, registry=REGISTRY)
    assert resolution.status in ("member", "outside_area", "misspelt_member", "unknown")
    assert (resolution.municipality is None) == (resolution.status == "unknown")
    assert 0.0 <= resolution.score <= 100.0
