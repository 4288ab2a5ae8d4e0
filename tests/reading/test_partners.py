"""Tests for reading partner cells (連携市町), including every cell of the Kitakyushu example."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from renkei.domain.finding import Severity
from renkei.reading.area import load_area, load_registry
from renkei.reading.partners import read_partners, split_names

AREA = load_area("kitakyushu")
REGISTRY = load_registry()
EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "kitakyushu_vision_r8.txt"

ALL = ("北九州市", "直方市", "行橋市", "豊前市", "中間市", "宮若市", "芦屋町", "水巻町", "岡垣町", "遠賀町",
       "小竹町", "鞍手町", "香春町", "苅田町", "みやこ町", "吉富町", "上毛町", "築上町")
ALL_BUT_KAWARA = tuple(n for n in ALL if n != "香春町")

# Every partner cell of examples/kitakyushu_vision_r8.txt: text, members, outside, all_members, rules.
EXAMPLE_CELLS: list[tuple[str, tuple[str, ...], tuple[str, ...], bool, list[str]]] = [
    ("全市町", ALL, (), True, []),
    ("北九州市、中間市、直方市、行橋市、苅田町",
     ("北九州市", "直方市", "行橋市", "中間市", "苅田町"), (), False, []),
    ("北九州市、直方市、中間市、宮若市、芦屋町、水巻町、岡垣町、遠賀町、小竹町、鞍手町、香春町",
     ("北九州市", "直方市", "中間市", "宮若市", "芦屋町", "水巻町", "岡垣町", "遠賀町", "小竹町", "鞍手町",
      "香春町"), (), False, []),
    ("北九州市、直方市、行橋市、中間市、芦屋町、水巻町、岡垣町、遠賀町、みやこ町を中心に全市町",
     ALL, (), True, []),
    ("北九州市、直方市、中間市", ("北九州市", "直方市", "中間市"), (), False, []),
    ("北九州市、行橋市、豊前市、荻田町、みやこ町、上毛町、築上町、吉富町",
     ("北九州市", "行橋市", "豊前市", "苅田町", "みやこ町", "吉富町", "上毛町", "築上町"), (), False,
     ["municipality.misspelt"]),
    ("直方市、行橋市、豊前市、中間市、宮若市、芦屋町、水巻町、岡垣町、遠賀町、小竹町、鞍手町、香春町、苅田町、"
     "吉富町、上毛町（圏域外：下関市、長門市）",
     ("直方市", "行橋市", "豊前市", "中間市", "宮若市", "芦屋町", "水巻町", "岡垣町", "遠賀町", "小竹町",
      "鞍手町", "香春町", "苅田町", "吉富町", "上毛町"), ("下関市", "長門市"), False, []),
    ("北九州市、直方市、行橋市、豊前市、中間市、宮若市、芦屋町、水巻町、岡垣町、遠賀町、小竹町、鞍手町、香春町、"
     "みやこ町、上毛町、築上町、吉富町",
     ("北九州市", "直方市", "行橋市", "豊前市", "中間市", "宮若市", "芦屋町", "水巻町", "岡垣町", "遠賀町",
      "小竹町", "鞍手町", "香春町", "みやこ町", "吉富町", "上毛町", "築上町"), (), False, []),
]


def _example_partner_cells() -> set[str]:
    """Return the last non-empty cell of every 事業内容 row in the example document."""
    cells = set()
    for line in EXAMPLE.read_text(encoding="utf-8").splitlines():
        if line.startswith("事業内容\t"):
            fields = [f.strip() for f in line.split("\t")[2:] if f.strip()]
            if fields:
                cells.add(fields[-1])
    return cells


def test_every_partner_cell_of_the_example_is_in_the_table() -> None:
    assert _example_partner_cells() == {text for text, *_ in EXAMPLE_CELLS}


@pytest.mark.parametrize(("text", "members", "outside", "all_members", "rules"), EXAMPLE_CELLS)
def test_example_cells(text: str, members: tuple[str, ...], outside: tuple[str, ...], all_members: bool,
                       rules: list[str]) -> None:
    partners, findings = read_partners(text, area=AREA, registry=REGISTRY)
    assert partners.text == text
    assert partners.municipalities == members
    assert partners.codes == tuple(AREA.member_by_name(n).code for n in members)  # type: ignore[union-attr]
    assert partners.outside_area == outside
    assert partners.all_members is all_members
    assert partners.excluded == ()
    assert partners.unresolved == ()
    assert [f.rule for f in findings] == rules


def test_misspelt_member_finding() -> None:
    _, findings = read_partners("北九州市、荻田町", area=AREA, registry=REGISTRY)
    [finding] = findings
    assert finding.rule == "municipality.misspelt"
    assert finding.severity is Severity.ERROR
    assert "荻田町" in finding.message and "苅田町" in finding.message
    assert finding.suggestion is not None and finding.suggestion.startswith("「苅田町」の誤記と思われます")
    assert (finding.line, finding.project) == (None, None)


@pytest.mark.parametrize(("text", "members", "excluded", "all_members"), [
    ("全市町", ALL, (), True),
    ("全市町村", ALL, (), True),
    ("全ての市町", ALL, (), True),
    ("圏域の全市町", ALL, (), True),
    ("圏域内全市町", ALL, (), True),
    ("全18市町", ALL, (), True),
    ("全構成市町", ALL, (), True),
    ("連携市町全て", ALL, (), True),
    ("構成市町のすべて", ALL, (), True),
    ("全市町（ただし香春町を除く）", ALL_BUT_KAWARA, ("香春町",), False),
    ("全市町(香春町を除く)", ALL_BUT_KAWARA, ("香春町",), False),
    ("全市町（香春町除く）", ALL_BUT_KAWARA, ("香春町",), False),
    ("香春町を除く全市町", ALL_BUT_KAWARA, ("香春町",), False),
    ("全市町、ただし香春町を除く", ALL_BUT_KAWARA, ("香春町",), False),
    ("全市町（ただし、香春町及び築上町を除く）", tuple(n for n in ALL_BUT_KAWARA if n != "築上町"),
     ("香春町", "築上町"), False),
    ("築上町・香春町を除く全市町", tuple(n for n in ALL_BUT_KAWARA if n != "築上町"),
     ("香春町", "築上町"), False),
    ("北九州市、苅田町を中心に全市町", ALL, (), True),
    ("北九州市を中心として全市町（香春町を除く）", ALL_BUT_KAWARA, ("香春町",), False),
])
def test_all_members_and_exclusions(text: str, members: tuple[str, ...], excluded: tuple[str, ...],
                                    all_members: bool) -> None:
    partners, findings = read_partners(text, area=AREA, registry=REGISTRY)
    assert partners.municipalities == members
    assert partners.excluded == excluded
    assert partners.all_members is all_members
    assert findings == []


@pytest.mark.parametrize(("text", "members"), [
    ("北九州市、直方市", ("北九州市", "直方市")),
    ("北九州市,直方市", ("北九州市", "直方市")),
    ("北九州市，直方市", ("北九州市", "直方市")),
    ("北九州市・直方市", ("北九州市", "直方市")),
    ("北九州市/直方市／行橋市", ("北九州市", "直方市", "行橋市")),
    ("北九州市 直方市　行橋市", ("北九州市", "直方市", "行橋市")),
    ("北九州市\n直方市\r\n行橋市", ("北九州市", "直方市", "行橋市")),
    ("北九州市及び直方市", ("北九州市", "直方市")),
    ("北九州市および直方市", ("北九州市", "直方市")),
    ("北九州市と直方市", ("北九州市", "直方市")),
    ("直方市、行橋市並びに北九州市", ("北九州市", "直方市", "行橋市")),
    ("北九州市、直方市。", ("北九州市", "直方市")),
    ("遠賀郡芦屋町、遠賀郡水巻町、遠賀郡岡垣町、遠賀郡遠賀町", ("芦屋町", "水巻町", "岡垣町", "遠賀町")),
    ("福岡県北九州市、京都郡苅田町", ("北九州市", "苅田町")),
    ("北九州市小倉北区、北九州市八幡西区", ("北九州市",)),  # wards are one member, not a duplicate
    ("築上町、北九州市", ("北九州市", "築上町")),  # the area's order, not the written one
])
def test_separators_and_folding(text: str, members: tuple[str, ...]) -> None:
    partners, findings = read_partners(text, area=AREA, registry=REGISTRY)
    assert partners.municipalities == members
    assert partners.all_members is False
    assert [f.rule for f in findings] in ([], ["partners.duplicate"])


def test_wards_of_one_city_are_reported_as_a_duplicate() -> None:
    _, findings = read_partners("北九州市小倉北区、北九州市八幡西区", area=AREA, registry=REGISTRY)
    assert [f.rule for f in findings] == ["partners.duplicate"]


@pytest.mark.parametrize(("text", "members", "outside", "rules"), [
    ("北九州市（圏域外：下関市、長門市）", ("北九州市",), ("下関市", "長門市"), []),
    ("北九州市(圏域外:下関市)", ("北九州市",), ("下関市",), []),
    ("北九州市、圏域外：下関市、長門市", ("北九州市",), ("下関市", "長門市"), []),
    ("北九州市、下関市", ("北九州市",), ("下関市",), ["municipality.outside_area"]),
    ("下関市、長門市", (), ("下関市", "長門市"), ["municipality.outside_area", "municipality.outside_area"]),
    ("北九州市、山口県下関市", ("北九州市",), ("下関市",), ["municipality.outside_area"]),
    ("全市町（圏域外：下関市）", ALL, ("下関市",), []),
    ("北九州市（圏域外：下関市、下関市）", ("北九州市",), ("下関市",), ["partners.duplicate"]),
    ("北九州市（圏域外：行橋市）", ("北九州市", "行橋市"), (), ["partners.member_marked_outside"]),
])
def test_outside_area(text: str, members: tuple[str, ...], outside: tuple[str, ...],
                      rules: list[str]) -> None:
    partners, findings = read_partners(text, area=AREA, registry=REGISTRY)
    assert partners.municipalities == members
    assert partners.outside_area == outside
    assert [f.rule for f in findings] == rules
    assert all(f.severity is Severity.INFO for f in findings if f.rule == "municipality.outside_area")


@pytest.mark.parametrize(("text", "members", "unresolved", "rule", "suggestion"), [
    ("北九州市、架空町", ("北九州市",), ("架空町",), "municipality.unknown", None),
    ("上富町", (), ("上富町",), "municipality.unknown", "「吉富町」または「上毛町」のことですか"),
    # 長門市 is suggested among other names as close (中間市, 長崎市)
    ("北九州市（圏域外：長間市）", ("北九州市",), ("長間市",), "municipality.unknown", "「山口県長門市」"),
    ("全市町（架空町を除く）", ALL, ("架空町",), "partners.excluded_unknown", None),
    ("全市町（下関市を除く）", ALL, ("下関市",), "partners.excluded_unknown", None),
])
def test_unknown_names_are_errors(text: str, members: tuple[str, ...], unresolved: tuple[str, ...], rule: str,
                                  suggestion: str | None) -> None:
    partners, findings = read_partners(text, area=AREA, registry=REGISTRY)
    assert partners.municipalities == members
    assert partners.unresolved == unresolved
    [finding] = findings
    assert finding.rule == rule
    assert finding.severity is Severity.ERROR
    assert unresolved[0] in finding.message
    if suggestion is None:
        assert finding.suggestion is None
    else:
        assert finding.suggestion is not None and suggestion in finding.suggestion


def test_duplicate_member_is_a_warning() -> None:
    partners, findings = read_partners("直方市、行橋市、直方市", area=AREA, registry=REGISTRY)
    assert partners.municipalities == ("直方市", "行橋市")
    assert [(f.rule, f.severity) for f in findings] == [("partners.duplicate", Severity.WARNING)]


def test_misspelling_and_correct_name_together_are_a_duplicate() -> None:
    partners, findings = read_partners("苅田町、荻田町", area=AREA, registry=REGISTRY)
    assert partners.municipalities == ("苅田町",)
    assert [f.rule for f in findings] == ["municipality.misspelt", "partners.duplicate"]


def test_extra_party_is_not_an_error() -> None:
    partners, findings = read_partners("福岡県、北九州市", area=AREA, registry=REGISTRY)
    assert partners.municipalities == ("北九州市",)
    assert partners.outside_area == () and partners.unresolved == ()
    assert [(f.rule, f.severity) for f in findings] == [("partners.extra_party", Severity.INFO)]


def test_note_in_parentheses_is_reported_not_read_as_names() -> None:
    partners, findings = read_partners("北九州市（事務局）、直方市", area=AREA, registry=REGISTRY)
    assert partners.municipalities == ("北九州市", "直方市")
    assert [f.rule for f in findings] == ["partners.annotation"]


@pytest.mark.parametrize("text", [None, "", "   ", "\n"])
def test_empty_cell(text: str | None) -> None:
    partners, findings = read_partners(text, area=AREA, registry=REGISTRY)
    assert partners.municipalities == () and partners.codes == () and partners.all_members is False
    assert partners.text == text
    assert findings == []


@pytest.mark.parametrize("text", ["—", "-", "なし", "該当なし"])
def test_none_markers(text: str) -> None:
    partners, findings = read_partners(text, area=AREA, registry=REGISTRY)
    assert partners.municipalities == () and partners.unresolved == ()
    assert findings == []


@pytest.mark.parametrize(("text", "names"), [
    ("北九州市、直方市・行橋市 及び 苅田町と築上町", ["北九州市", "直方市", "行橋市", "苅田町", "築上町"]),
    ("ときがわ町と北九州市", ["ときがわ町", "北九州市"]),  # と inside a name is not a separator
    ("「北九州市」、『直方市』", ["北九州市", "直方市"]),
    ("、、", []),
])
def test_split_names(text: str, names: list[str]) -> None:
    assert split_names(text) == names


NAMES = st.sampled_from([*ALL, "荻田町", "下関市", "架空町", "全市町", "遠賀郡", "圏域外", "を除く",
                         "ただし", "を中心に", "及び", "と", "(", ")", "（", "）", "、", "・", ":", " ", "\n",
                         "福岡県"])


@given(st.lists(NAMES, max_size=12).map("".join))
def test_name_soup_never_raises(text: str) -> None:
    partners, findings = read_partners(text, area=AREA, registry=REGISTRY)
    assert set(partners.municipalities) <= set(ALL)
    assert len(partners.codes) == len(partners.municipalities)
    assert not set(partners.excluded) & set(partners.municipalities)
    assert all(f.line is None and f.project is None for f in findings)


@given(st.text(max_size=60))
def test_arbitrary_text_never_raises(text: str) -> None:
    partners, _ = read_partners(text, area=AREA, registry=REGISTRY)
    assert partners.text == text


@pytest.mark.parametrize("slug", ["kitakyushu", "toyama-gosei", "hiroshima", "kumamoto"])
@given(data=st.data())
def test_plain_member_list_shortcut_agrees_with_the_general_reader(slug: str, data: st.DataObject) -> None:
    """The shortcut for 「直方市、行橋市」 gives exactly what the general reader gives, or leaves the cell to it."""
    from renkei.reading.partners import _read_cell, _read_member_list

    area = load_area(slug)
    names = [m.name for m in area.members]
    pieces = data.draw(st.lists(st.sampled_from([*names, "全市町", "荻田町", " 直方市", "6市"]), min_size=1,
                                max_size=8))
    text = data.draw(st.sampled_from(["、", "・", ","])).join(pieces)
    quick = _read_member_list(text, area)
    general, findings = _read_cell(text, area=area, registry=REGISTRY)
    if quick is not None:
        assert (quick, []) == (general, findings)
    else:
        assert read_partners(text, area=area, registry=REGISTRY) == (general, findings)
