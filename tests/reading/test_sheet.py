"""The sheet reader on variations of the format: layout quirks, malformed sheets, arbitrary input."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from renkei.domain.plan import Plan
from renkei.reading.document_text import PlanReadError, decode_document
from renkei.reading.sheet import read_plan

EXAMPLE = (Path(__file__).resolve().parents[2] / "examples" / "kitakyushu_vision_r8.txt").read_text(encoding="utf-8")

SHEET = """\
事業名\t試験事業\t\t\t\t\t連携市町
事業内容\t試験を行う。\t\t\t\t\t北九州市、直方市
効果\t<ul><li>効果A</li><li>効果B</li></ul>
事業費（千円）\tR8\tR9\tR10\tR11\tR12\t備考
\t1,000\t未定\t—\t\tabc\t国費を含む
役割分担\t北九州市\t・推進する。
\t連携市町\t・協力する。
\t福岡県\t・助言する。
費用負担（基本方針）\t・原則として北九州市が負担する。
重要業績評価指数（KPI）\t指標\t現状値（調査時点）\t\t\t目標値（達成年度）
\t参加者数\t100人（令和7年度）\t\t\t150人（令和12年度）
\t開催回数\t2回（令和7年度）\t\t\t10回（令和8～12年度までの累計）
"""


def read(text: str) -> Plan:
    plan, _ = read_plan(text)
    return plan


def test_a_full_sheet_is_read_with_every_field() -> None:
    plan, findings = read_plan(SHEET)
    (p,) = plan.projects
    assert p.name == "試験事業"
    assert p.partners.municipalities == ("北九州市", "直方市")
    assert p.effects == ("効果A", "効果B")
    assert p.budget is not None
    assert p.budget.by_fiscal_year == {2026: 1000, 2027: None, 2028: 0, 2029: None, 2030: None}
    assert [c.status.value for c in p.budget.cells] == ["amount", "undetermined", "none", "not_stated", "invalid"]
    assert p.budget.note == "国費を含む"
    assert [(r.party, r.duties) for r in p.roles] == [
        ("北九州市", ("推進する。",)), ("連携市町", ("協力する。",)), ("福岡県", ("助言する。",))]
    assert [k.indicator for k in p.kpis] == ["参加者数", "開催回数"]
    assert p.kpis[1].target.kind.value == "cumulative"
    bad = [f for f in findings if f.rule == "budget.non_numeric"]
    assert len(bad) == 1 and bad[0].line == 5 and bad[0].project == "試験事業" and "abc" in bad[0].message


@pytest.mark.parametrize(
    "transform",
    [
        pytest.param(lambda t: t.replace("\n", "\r\n"), id="crlf"),
        pytest.param(lambda t: "\ufeff" + t, id="bom"),
        pytest.param(lambda t: t.replace("\n", "\n\n"), id="blank-lines"),
        pytest.param(lambda t: t.replace("1,000", "１，０００"), id="full-width-digits"),
        pytest.param(lambda t: "\n".join(
            line.replace("\t", "\t\t", 1) if line.startswith(("事業名", "事業内容", "効果", "事業費", "\t1,000"))
            else line for line in t.split("\n")), id="shifted-columns"),
        pytest.param(lambda t: "# 試験ビジョン\n-------\n" + t, id="heading-and-rule"),
        pytest.param(lambda t: t.replace("\t", "\t ").replace("\n", " \n"), id="padding-spaces"),
    ],
)
def test_layout_quirks_do_not_change_the_reading(transform: object) -> None:
    assert callable(transform)
    base = read(SHEET).projects[0]
    got = read(transform(SHEET)).projects[0]
    assert got.name == base.name
    assert got.partners == base.partners
    assert got.budget is not None and base.budget is not None
    assert got.budget.by_fiscal_year == base.budget.by_fiscal_year
    assert got.roles == base.roles
    assert [(k.indicator, k.baseline.value, k.target.value) for k in got.kpis] == [
        (k.indicator, k.baseline.value, k.target.value) for k in base.kpis]


def test_policy_area_and_category_apply_to_following_sheets() -> None:
    text = "## (4) テスト分野\n【連携協約】\n\nz 試験分類\n\n" + SHEET + "\n【連携協約】\ty 次の分類\n" + SHEET.replace(
        "試験事業", "次の事業")
    plan = read(text)
    assert [(p.policy_area.number if p.policy_area else None, p.category.code if p.category else None)
            for p in plan.projects] == [(4, "z"), (4, "y")]


def test_budget_years_come_from_the_header() -> None:
    text = SHEET.replace("R8\tR9\tR10\tR11\tR12", "R3\tR4\tR5\tR6\tR7")
    p = read(text).projects[0]
    assert p.budget is not None
    assert list(p.budget.by_fiscal_year) == [2021, 2022, 2023, 2024, 2025]


def test_budget_without_unit_is_reported() -> None:
    plan, findings = read_plan(SHEET.replace("事業費（千円）", "事業費"))
    assert plan.projects[0].budget is not None and plan.projects[0].budget.unit is None
    assert any(f.rule == "budget.no_unit" and f.line == 4 for f in findings)


def test_relisted_marker_is_stripped_and_kept() -> None:
    p = read(SHEET.replace("試験事業", "試験事業【再掲】")).projects[0]
    assert (p.name, p.relisted) == ("試験事業", True)


def test_a_sheet_without_a_name_is_kept_with_an_error() -> None:
    text = SHEET + "\n" + "\n".join(SHEET.split("\n")[1:])
    plan, findings = read_plan(text)
    assert len(plan.projects) == 2
    missing = [f for f in findings if f.rule == "sheet.missing_name"]
    assert len(missing) == 1 and missing[0].line == 14


def test_a_sheet_without_kpi_rows_is_reported() -> None:
    text = SHEET.split("\t参加者数")[0]
    plan, findings = read_plan(text)
    assert plan.projects[0].kpis == ()
    assert any(f.rule == "kpi.missing" for f in findings)


def test_misspelt_partner_is_resolved_and_reported_with_its_line() -> None:
    plan, findings = read_plan(SHEET.replace("北九州市、直方市", "北九州市、荻田町"))
    assert plan.projects[0].partners.municipalities == ("北九州市", "苅田町")
    f = next(f for f in findings if f.rule == "municipality.misspelt")
    assert f.line == 2 and "苅田町" in (f.suggestion or "")


def test_empty_document_gives_an_error_finding() -> None:
    plan, findings = read_plan("")
    assert plan.projects == ()
    assert [f.rule for f in findings] == ["document.empty"]


def test_decode_document_rejects_binary() -> None:
    with pytest.raises(PlanReadError):
        decode_document(b"\x81\xff\xfe\x00\x80" * 3 + b"\xff")


def test_the_example_has_no_unknown_rows() -> None:
    _, findings = read_plan(EXAMPLE)
    assert not [f for f in findings if f.rule in ("sheet.unknown_row", "document.unrecognised_line",
                                                   "sheet.missing_name", "budget.non_numeric")]


ALPHABET = list("事業名内容効果費千円役割分担KPI指標現状目標値\t\n 　-—・<>li/ul1２３,R8【再掲】（）()#a全市町")


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(alphabet=st.sampled_from(ALPHABET), max_size=400))
def test_arbitrary_text_never_raises(text: str) -> None:
    plan, findings = read_plan(text)
    assert isinstance(plan, Plan)
    assert all(f.message for f in findings)


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_mutated_example_never_raises_and_keeps_every_sheet(data: st.DataObject) -> None:
    lines = EXAMPLE.split("\n")
    for _ in range(data.draw(st.integers(1, 6))):
        i = data.draw(st.integers(0, len(lines) - 1))
        op = data.draw(st.sampled_from(["drop", "dup", "cut", "tab", "junk"]))
        if op == "drop" and not lines[i].startswith("事業名"):
            del lines[i]
        elif op == "dup":
            lines.insert(i, lines[i])
        elif op == "cut":
            lines[i] = lines[i][: data.draw(st.integers(0, max(0, len(lines[i]))))]
        elif op == "tab":
            lines[i] = "\t" + lines[i]
        elif op == "junk":
            lines[i] = lines[i] + data.draw(st.text(max_size=20))
    text = "\n".join(lines)
    plan, _ = read_plan(text)
    names = sum(1 for line in text.split("\n") if line.startswith("事業名"))
    assert len(plan.projects) >= names


OTHER_LAYOUT = """\
# 別の圏域のビジョン
## (1) 生活機能の強化に係る政策分野
### a 地域医療
事業名\t夜間救急の連携
連携市町\t北九州市、水巻町、遠賀郡芦屋町
事業内容\t夜間の救急を連携して確保する。
効果\t● 安心の確保 ● 受診の円滑化
事業費（千円）\t令和8年度\t令和9年度\t令和10年度\t令和11年度\t令和12年度\t備考
\t500\t500\t未定\t\t\t
役割分担\t北九州市\t・運営する。
連携市町\t・周知する。
費用負担（基本方針）\t・北九州市が負担する。
重要業績評価指数（KPI）\t指標\t現状値（調査時点）\t\t\t目標値（達成年度）
\t受診者数\t1,200人（令和6年度）\t\t\t1,500人（令和12年度）
"""


def test_another_hands_layout() -> None:
    """Partners on a row of their own, a category as a heading, a role with its party in the first column."""
    plan, findings = read_plan(OTHER_LAYOUT)
    (p,) = plan.projects
    assert plan.title == "別の圏域のビジョン"
    assert (p.policy_area and p.policy_area.number, p.category and p.category.code) == (1, "a")
    assert p.partners.municipalities == ("北九州市", "芦屋町", "水巻町")
    assert p.effects == ("安心の確保", "受診の円滑化")
    assert p.budget is not None and p.budget.by_fiscal_year == {2026: 500, 2027: 500, 2028: None, 2029: None,
                                                                2030: None}
    assert [(r.party, r.duties) for r in p.roles] == [("北九州市", ("運営する。",)), ("連携市町", ("周知する。",))]
    assert not [f for f in findings if f.severity.value == "error" or f.rule.startswith(("sheet.", "partners."))]
