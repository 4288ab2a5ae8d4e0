"""The mapping of an area's own sheet: its checks, its JSON form and the header fingerprint."""

from __future__ import annotations

import json

import pytest

from renkei.domain.actuals_mapping import (
    ActualsMapping,
    ColumnMapping,
    ColumnRole,
    KpiChoice,
    Layout,
    MappingError,
    column_index,
    column_letter,
    layout_fingerprint,
    mapping_from_dict,
    row_key,
)

IND, V = ColumnRole.INDICATOR, ColumnRole.VALUE
ACROSS = ActualsMapping(4, (ColumnMapping(2, IND), ColumnMapping(5, V, 2022), ColumnMapping(6, V, 2023),
                            ColumnMapping(8, ColumnRole.GRADE)))
ROWS = ActualsMapping(1, (ColumnMapping(0, ColumnRole.YEAR), ColumnMapping(1, IND), ColumnMapping(2, V)))


def test_layouts_and_the_graded_year() -> None:
    assert (ACROSS.layout, ACROSS.graded_year) == (Layout.YEARS_ACROSS, 2023)
    assert (ROWS.layout, ROWS.graded_year) == (Layout.YEAR_ROWS, None)
    assert ACROSS.problems() == [] and ROWS.problems() == []


@pytest.mark.parametrize(("mapping", "problem"), [
    (ActualsMapping(1, (ColumnMapping(1, V, 2022),)), "「指標」の列を指定してください"),
    (ActualsMapping(1, (ColumnMapping(0, IND), ColumnMapping(1, IND), ColumnMapping(2, V, 2022))),
     "「指標」の列は一つだけです（A、B列）"),
    (ActualsMapping(1, (ColumnMapping(0, IND), ColumnMapping(1, V, 2022), ColumnMapping(2, V, 2022))),
     "同じ年度の実績値の列が2つあります"),
    (ActualsMapping(1, (ColumnMapping(0, IND), ColumnMapping(1, V, 2022), ColumnMapping(2, ColumnRole.YEAR))),
     "一緒に使えません"),
    (ActualsMapping(1, (ColumnMapping(0, IND), ColumnMapping(2, ColumnRole.YEAR))), "実績値の列がありません"),
    (ActualsMapping(1, (ColumnMapping(0, IND), ColumnMapping(1, V, 2022)), grade_year=2030),
     "評価の年度 2030 の列がありません"),
    (ActualsMapping(0, (ColumnMapping(0, IND), ColumnMapping(1, V, 2022))), "見出し行は1以上にしてください"),
    (ActualsMapping(1, (ColumnMapping(0, IND), ColumnMapping(0, V, 2022))), "A列が2回指定されています"),
])  # fmt: skip
def test_problems(mapping: ActualsMapping, problem: str) -> None:
    assert any(problem in ja for ja, _ in mapping.problems())
    with pytest.raises(MappingError, match=problem.split("（")[0]):
        mapping.check()


def test_the_json_form_round_trips_with_matches_by_hand() -> None:
    mapping = ACROSS.with_match(row_key("交通", "利用者数（延べ）"), KpiChoice("公共交通事業", "路線バス利用者数")) \
        .with_match(row_key(None, "合計"), None)
    written = json.loads(json.dumps(mapping.to_dict(), ensure_ascii=False))
    assert written["columns"]["F"] == {"role": "value", "fiscal_year": 2022}
    assert mapping_from_dict(written) == mapping
    assert mapping.confirmed("合計") == (True, None) and mapping.confirmed("x") == (False, None)


def test_setting_a_column_by_hand() -> None:
    changed = ACROSS.with_column(8, ColumnRole.IGNORE).with_column(7, V, 2024)
    assert changed.column_for(ColumnRole.GRADE) is None and changed.graded_year == 2024
    assert [c.letter for c in changed.year_columns] == ["F", "G", "H"]


@pytest.mark.parametrize(("data", "message"), [
    ([], "JSONのオブジェクト"),
    ({"header_row": "4", "columns": {}}, "header_row"),
    ({"header_row": 4, "columns": []}, "列の記号ごと"),
    ({"header_row": 4, "columns": {"1": "indicator"}}, "列の記号"),
    ({"header_row": 4, "columns": {"A": {"role": "indicator", "fiscal_year": 2022}}}, "年度は実績値の列だけ"),
    ({"header_row": 4, "columns": {}, "version": 9}, "版"),
    ({"header_row": 4, "columns": {}, "matches": [{"written": "x", "project": "p"}]}, "indicator"),
])  # fmt: skip
def test_unreadable_json_forms_name_the_field(data: object, message: str) -> None:
    with pytest.raises(MappingError, match=message):
        mapping_from_dict(data)


def test_column_letters_round_trip() -> None:
    assert all(column_index(column_letter(i)) == i for i in range(800))


def test_the_fingerprint_is_the_header_cells() -> None:
    assert layout_fingerprint(["No", "指標", "令和4年度"]) == layout_fingerprint(["No", "指 標", "令和４年度", ""])
    assert layout_fingerprint(["No", "指標", "令和4年度"]) != layout_fingerprint(["指標", "No", "令和4年度"])
