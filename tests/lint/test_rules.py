"""Lint rules, table-driven over small sheets, and the example's expected findings."""

from __future__ import annotations

from pathlib import Path

import pytest

from renkei.domain.finding import Finding
from renkei.lint import lint_plan
from renkei.reading.sheet import read_plan

EXAMPLE = (Path(__file__).resolve().parents[2] / "examples" / "kitakyushu_vision_r8.txt").read_text(encoding="utf-8")

SHEET = """\
事業名\t試験事業\t\t\t\t\t連携市町
事業内容\t試験を行う。\t\t\t\t\t{partners}
効果\t・効果
事業費（千円）\t{years}\t備考
\t{amounts}
役割分担\t北九州市\t・推進する。
\t連携市町\t・協力する。
費用負担（基本方針）\t・原則として北九州市が負担する。
重要業績評価指数（KPI）\t指標\t現状値（調査時点）\t\t\t目標値（達成年度）
\t{indicator}\t{baseline}\t\t\t{target}
"""


def sheet(**kw: str) -> str:
    values = {"partners": "全市町", "years": "R8\tR9\tR10\tR11\tR12", "amounts": "100\t\t\t\t",
              "indicator": "参加者数", "baseline": "10人（令和7年度）", "target": "20人（令和12年度）"} | kw
    return SHEET.format(**values)


def findings_for(text: str) -> list[Finding]:
    plan, read_findings = read_plan(text)
    return read_findings + lint_plan(plan)


def rules(text: str) -> set[str]:
    return {f.rule for f in findings_for(text)}


def test_a_clean_sheet_has_no_warnings() -> None:
    assert not [f for f in findings_for(sheet()) if f.severity.value != "info"]


@pytest.mark.parametrize(
    ("change", "rule"),
    [
        ({"partners": "北九州市、荻田町"}, "municipality.misspelt"),
        ({"partners": "北九州市、架空村"}, "municipality.unknown"),
        ({"years": "R3\tR4\tR5\tR6\tR7"}, "budget.year_outside_period"),
        ({"amounts": "100\t未定\t\t\t"}, "budget.undetermined"),
        ({"partners": "行橋市、苅田町"}, "roles.party_not_partner"),  # 北九州市 has a role, is no partner
        ({"amounts": "百万\t\t\t\t"}, "budget.non_numeric"),
        ({"target": "参加者の増"}, "kpi.no_measurable_target"),
        ({"target": "-"}, "kpi.no_measurable_target"),
        ({"target": "20人（令和15年度）"}, "kpi.target_year_outside_period"),
        ({"target": "20人（令和6年度）"}, "kpi.target_before_baseline"),
        ({"target": "20件（令和12年度）"}, "kpi.unit_mismatch"),
        ({"baseline": "10人/月（令和7年度）", "target": "200人/年（令和12年度）"}, "kpi.period_mismatch"),
        ({"target": "20人"}, "kpi.target_year_missing"),
        ({"years": "R8\tR9\tR10\tR11\tR12\t計", "amounts": "100\t100\t\t\t\t300"}, "budget.total_mismatch"),
        ({"amounts": "100\t→\t→\t\t"}, "budget.unclear"),
        ({"baseline": "-", "target": "20%増（令和12年度）"}, "kpi.relative_unresolved"),
        ({"baseline": "10人（令和6年度）", "target": "対26年度比5%増（令和12年度）"}, "kpi.relative_unresolved"),
        ({"baseline": "40%（令和7年度）", "target": "10%増（令和12年度）"}, "kpi.relative_percent_of_percent"),
        ({"partners": "北九州市、直方市", "indicator": "参加市町数", "baseline": "1市1町",
          "target": "5市町（令和12年度）"}, "partners.count_mismatch"),
    ],
)
def test_rule_fires(change: dict[str, str], rule: str) -> None:
    found = [f for f in findings_for(sheet(**change)) if f.rule == rule]
    assert found, f"{rule} not reported"
    assert all(f.line is not None and f.project == "試験事業" and f.message for f in found)


def test_a_total_that_adds_up_and_a_resolved_relative_target_are_no_finding() -> None:
    found = rules(sheet(years="R8\tR9\tR10\tR11\tR12\t計", amounts="100\t100\t\t\t\t200",
                        target="+20%（令和12年度）"))
    assert not found & {"budget.total_mismatch", "kpi.relative_unresolved", "kpi.no_measurable_target"}


def test_budget_without_unit() -> None:
    assert "budget.no_unit" in rules(sheet().replace("事業費（千円）", "事業費"))


def test_relisted_counted_once_is_explained() -> None:
    text = sheet() + "\n" + sheet().replace("試験事業", "試験事業【再掲】")
    relisted = [f for f in findings_for(text) if f.rule == "project.relisted"]
    assert len(relisted) == 1 and "原掲（1行目）" in relisted[0].message


def test_duplicate_names_are_an_error() -> None:
    assert "project.duplicate_name" in rules(sheet() + "\n" + sheet())


def test_example_findings_name_the_known_problems() -> None:
    found = findings_for(EXAMPLE)
    by_rule: dict[str, list[Finding]] = {}
    for f in found:
        by_rule.setdefault(f.rule, []).append(f)
    misspelt = by_rule["municipality.misspelt"]
    assert [(f.line, "荻田町" in f.message, "苅田町" in (f.suggestion or "")) for f in misspelt] == [(190, True, True)]
    assert [f.line for f in by_rule["budget.year_outside_period"]] == [241]
    assert [f.line for f in by_rule["budget.no_unit"]] == [127]
    assert {f.line for f in by_rule["kpi.no_measurable_target"]} == {230, 318, 382}
    assert len(by_rule["project.relisted"]) == 4
    assert [f.line for f in by_rule["partners.count_mismatch"]] == [230]
    assert [f.rule for f in found if f.severity.value == "error"] == ["municipality.misspelt"]


def test_role_parties_among_the_partners_or_generic_are_no_finding() -> None:
    assert "roles.party_not_partner" not in rules(sheet(partners="北九州市、行橋市"))
    assert "roles.party_not_partner" not in rules(sheet(partners="全市町"))
    example = [f for f in findings_for(EXAMPLE) if f.rule == "roles.party_not_partner"]
    assert [(f.project, f.message) for f in example] == [
        ("こども文化パスポート事業", "役割分担の「北九州市」が連携市町に含まれていません。")]
