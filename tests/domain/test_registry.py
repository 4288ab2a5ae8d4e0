"""Tests for the national municipality registry: lookups and name folding."""

from __future__ import annotations

import dataclasses

import pytest
from hypothesis import given
from hypothesis import strategies as st

from renkei.domain.municipality import Municipality
from renkei.domain.registry import MunicipalityRegistry, Prefecture, Ward, to_hiragana
from renkei.domain.text import fold
from renkei.reading.area import load_registry

REGISTRY = load_registry()


def test_registry_counts() -> None:
    assert len(REGISTRY) == 1747
    assert len(REGISTRY.prefectures) == 47
    assert len(REGISTRY.wards) == 175


@pytest.mark.parametrize(("code", "name", "prefecture"), [
    ("401005", "北九州市", "福岡県"),
    ("40100", "北九州市", "福岡県"),
    ("４０６２１０", "苅田町", "福岡県"),
    ("352012", "下関市", "山口県"),
    ("131016", "千代田区", "東京都"),
])
def test_by_code(code: str, name: str, prefecture: str) -> None:
    found = REGISTRY.by_code(code)
    assert found is not None
    assert (found.name, found.prefecture) == (name, prefecture)
    assert code in REGISTRY


@pytest.mark.parametrize("code", ["401006", "401013", "400009", "999999", "abc", ""])
def test_by_code_is_none_for_non_municipalities(code: str) -> None:
    # 401013 is a ward (門司区) and 400009 a prefecture: neither is a municipality.
    assert REGISTRY.by_code(code) is None
    assert code not in REGISTRY


@pytest.mark.parametrize(("name", "prefectures"), [
    ("府中市", ["東京都", "広島県"]),
    ("伊達市", ["北海道", "福島県"]),
    ("川崎町", ["宮城県", "福岡県"]),
    ("北九州市", ["福岡県"]),
    ("北九州", []),
])
def test_by_name_returns_every_municipality_so_named(name: str, prefectures: list[str]) -> None:
    assert sorted(m.prefecture for m in REGISTRY.by_name(name)) == sorted(prefectures)


@pytest.mark.parametrize(("code", "prefecture"), [
    ("401005", "福岡県"), ("352110", "山口県"), ("011002", "北海道"),
])
def test_prefecture_of(code: str, prefecture: str) -> None:
    municipality = REGISTRY.by_code(code)
    assert municipality is not None
    found = REGISTRY.prefecture_of(municipality)
    assert found is not None and found.name == prefecture
    assert REGISTRY.prefecture_of(code) == found


@pytest.mark.parametrize(("written", "folded", "prefecture"), [
    ("遠賀郡芦屋町", "芦屋町", None),
    ("京都郡苅田町", "苅田町", None),
    ("築上郡 吉富町", "吉富町", None),
    ("福岡県北九州市", "北九州市", "福岡県"),
    ("福岡県遠賀郡水巻町", "水巻町", "福岡県"),
    ("北九州市小倉北区", "北九州市", None),
    ("北九州市八幡西区", "北九州市", None),
    ("小倉北区", "北九州市", None),  # a ward name found in one city only
    ("東区", "東区", None),  # in several cities: left alone
    ("札幌市中央区", "札幌市", None),
    ("東京都千代田区", "千代田区", "東京都"),
    ("小郡市", "小郡市", None),  # 郡 inside a real name is kept
    ("大和郡山市", "大和郡山市", None),
    ("郡山市", "郡山市", None),
    ("上郡町", "上郡町", None),
    ("遠賀郡荻田町", "荻田町", None),  # the county goes even when the town is misspelt
    ("ＡＢＣ 町", "ABC町", None),
])
def test_fold_name(written: str, folded: str, prefecture: str | None) -> None:
    result = REGISTRY.fold_name(written)
    assert result.name == folded
    assert (result.prefecture.name if result.prefecture else None) == prefecture


@pytest.mark.parametrize(("written", "codes"), [
    ("遠賀郡芦屋町", ["403814"]),
    ("芦屋町", ["403814"]),
    ("芦屋市", ["282065"]),
    ("川崎町", ["043249", "406058"]),
    ("福岡県川崎町", ["406058"]),
    ("宮城県川崎町", ["043249"]),
    ("田川郡川崎町", ["043249", "406058"]),
    ("かんだまち", ["406210"]),
    ("カンダマチ", ["406210"]),
    ("みやこ町", ["406252"]),
    ("北九州市門司区", ["401005"]),
    ("架空町", []),
    ("", []),
])
def test_find(written: str, codes: list[str]) -> None:
    assert sorted(m.code for m in REGISTRY.find(written)) == codes


def test_wards_of_and_city_of_ward() -> None:
    kitakyushu = REGISTRY.by_code("401005")
    assert kitakyushu is not None
    assert [w.name for w in REGISTRY.wards_of(kitakyushu)] == [
        "門司区", "若松区", "戸畑区", "小倉北区", "小倉南区", "八幡東区", "八幡西区"]
    assert [m.name for m in REGISTRY.city_of_ward("小倉南区")] == ["北九州市"]
    assert len(REGISTRY.city_of_ward("東区")) > 1


def test_prefecture_by_name() -> None:
    found = REGISTRY.prefecture_by_name("福岡県")
    assert found is not None and found.code == "400009"
    assert REGISTRY.prefecture_by_name("福岡") is None


def test_registry_is_immutable() -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        REGISTRY.municipalities = ()  # type: ignore[misc]
    with pytest.raises(TypeError):
        REGISTRY._by_code["401005"] = Municipality("401005", "x")  # type: ignore[index]


def test_small_hand_built_registry() -> None:
    fukuoka = Prefecture("400009", "福岡県", "ふくおかけん")
    city = Municipality("401005", "北九州市", "福岡県", "きたきゅうしゅうし")
    town = Municipality("403814", "芦屋町", "福岡県", "あしやまち")
    registry = MunicipalityRegistry((fukuoka,), (city, town), (Ward("401064", "小倉北区", "401005"),))
    assert [m.name for m in registry] == ["北九州市", "芦屋町"]
    assert registry.find("福岡県遠賀郡芦屋町") == (town,)
    assert registry.find("小倉北区") == (city,)
    assert registry.by_kana("アシヤマチ") == (town,)


@pytest.mark.parametrize(("text", "folded"), [
    ("　苅田 町\n", "苅田町"), ("ｶﾝﾀﾞ", "カンダ"), ("（圏域外）", "(圏域外)"),
])
def test_fold(text: str, folded: str) -> None:
    assert fold(text) == folded


def test_to_hiragana() -> None:
    assert to_hiragana("ミヤコマチ・ヴ") == "みやこまち・ゔ"


@given(st.text(max_size=30))
def test_lookups_never_raise(text: str) -> None:
    folded = REGISTRY.fold_name(text)
    assert isinstance(folded.name, str)
    assert all(isinstance(m, Municipality) for m in REGISTRY.find(text))
    REGISTRY.by_code(text)
    REGISTRY.by_name(text)
    REGISTRY.by_kana(text)
    REGISTRY.prefecture_of(text)
