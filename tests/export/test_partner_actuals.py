"""One partner's actuals workbook: its KPIs only, protected but for validated inputs, read back by the import."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook
from openpyxl.worksheet.worksheet import Worksheet
from sqlalchemy.orm import Session

from renkei.domain.municipality import Municipality
from renkei.export.partner_actuals import GUIDE_SHEET, INPUT_SHEET, PartnerTemplateError, write_partner_workbook
from renkei.reading.actuals import read_actuals_csv, read_actuals_xlsx
from renkei.reading.sheet import read_plan
from renkei.services.actuals import import_actuals
from renkei.services.plan_import import import_plan
from renkei.services.progress import PlanProgress, evaluate_stored_plan
from renkei.store.actuals import list_actuals

ROOT = Path(__file__).resolve().parents[2]
YUKUHASHI = Municipality("402133", "行橋市", "福岡県")
PV = ("持続可能なまちづくりに資する脱炭素化の推進", "自家消費PV導入施設数")
WEB = ("自分らしく歩む女性たちのストーリー発信事業", "WEBページ閲覧数")


@pytest.fixture
def progress(session: Session) -> PlanProgress:
    """Store the example plan with the sample actuals; return its evaluation."""
    plan, findings = read_plan((ROOT / "examples" / "kitakyushu_vision_r8.txt").read_text(encoding="utf-8"))
    import_plan(session=session, plan=plan, findings=findings, source_text="vision")
    sample = (ROOT / "examples" / "kitakyushu_actuals_sample.csv").read_text(encoding="utf-8-sig")
    report = import_actuals(session=session, plan_id=1, sheet=read_actuals_csv(sample), actor="test")
    assert report.written and not report.rejected
    return evaluate_stored_plan(session, 1)


def _workbook(progress: PlanProgress, year: int = 2027) -> bytes:
    return write_partner_workbook(progress.plan, progress.kpis, municipality=YUKUHASHI, year=year,
                                  lead_name="北九州市", issued=date(2027, 4, 10))


def _rows(sheet: Worksheet) -> dict[tuple[str, str], int]:
    return {(sheet.cell(r, 1).value, sheet.cell(r, 2).value): r for r in range(2, sheet.max_row + 1)}


def test_only_its_kpis_with_last_year_and_the_target_beside_the_input(progress: PlanProgress) -> None:
    book = load_workbook(io.BytesIO(_workbook(progress)))
    assert book.sheetnames == [INPUT_SHEET, GUIDE_SHEET]
    sheet = book[INPUT_SHEET]
    header = [c.value for c in sheet[1]]
    assert header == ["事業名", "指標", "単位", "目標値（圏域）", "前年度実績（行橋市分）", "前年度実績（圏域計）",
                      "年度", "実績値:行橋市", "備考", "根拠"]
    rows = _rows(sheet)
    projects = {name for name, _ in rows}
    yukuhashi = {p.name for p in progress.plan.projects if "402133" in p.partners.codes}
    assert projects <= yukuhashi
    assert "遠賀川流域市町による災害時の避難者受入れに関する連携体制の構築" not in projects  # not a partner
    assert ("圏域内道路交通のネットワーク化にかかる連携", "都市計画道路の整備率") not in rows  # a rate does not add up
    assert ("こども文化パスポート事業", "参加自治体の数") not in rows  # words, no number
    pv = [sheet.cell(rows[PV], c).value for c in range(3, 9)]
    assert pv == ["施設", "129施設", 5, 52, 2027, None]  # its own 5 of the area's 52 in FY2026
    web = [sheet.cell(rows[WEB], c).value for c in range(5, 7)]
    assert web == [None, 18500]  # reported as a total only: its own share is unknown, not 0
    guide = "\n".join(str(c.value) for c in book[GUIDE_SHEET]["A"] if c.value)
    assert "行橋市（全国地方公共団体コード 402133）" in guide and "令和9年度（2027）" in guide
    assert "圏域内道路交通のネットワーク化にかかる連携：都市計画道路の整備率" in guide


def test_inputs_unlocked_and_validated_everything_else_protected(progress: PlanProgress) -> None:
    sheet = load_workbook(io.BytesIO(_workbook(progress)))[INPUT_SHEET]
    assert sheet.protection.sheet and load_workbook(io.BytesIO(_workbook(progress)))[GUIDE_SHEET].protection.sheet
    for row in range(2, sheet.max_row + 1):
        locked = [sheet.cell(row, c).protection.locked for c in range(1, 11)]
        assert locked == [True] * 6 + [False] * 4, row
    rules = {(v.type, str(v.sqref)): v for v in sheet.data_validations.dataValidation}
    pv = _rows(sheet)[PV]
    year = rules[("whole", f"G{pv}")]
    assert (year.operator or "between", year.formula1, year.formula2) == ("between", "2026", "2030")
    value = rules[("whole", f"H{pv}")]  # 施設 are counted: whole numbers from 0
    assert (value.formula1, value.showErrorMessage) == ("0", True)
    wind = _rows(sheet)[("風力発電関連産業の総合拠点の形成", "4つの拠点機能の形成")]
    assert ("decimal", f"H{wind}") in rules  # 機能 is not a count unit: any number
    assert {("textLength", f"{c}{pv}") for c in "IJ"} <= set(rules)
    assert sheet.freeze_panes == "C2" and sheet.page_setup.orientation == "landscape"


def _fill(data: bytes, entries: dict[tuple[str, str], tuple[object, object]]) -> bytes:
    """Type figures into the input cells as the partner would: (year, value) by (project, indicator)."""
    book = load_workbook(io.BytesIO(data))
    sheet = book[INPUT_SHEET]
    rows = _rows(sheet)
    for key, (year, value) in entries.items():
        sheet.cell(rows[key], 7).value = year
        sheet.cell(rows[key], 8).value = value
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_reading_back_goes_through_the_import_checks_by_row(progress: PlanProgress, session: Session) -> None:
    filled = _fill(_workbook(progress), {PV: (2027, 6), WEB: (2035, 10)})
    sheet = read_actuals_xlsx(filled)
    assert sheet.municipality_columns == ("行橋市",)
    report = import_actuals(session=session, plan_id=1, sheet=sheet, actor="行橋市")
    web_row = _rows(load_workbook(io.BytesIO(filled))[INPUT_SHEET])[WEB]
    assert report.rejected_rows == (web_row,) and not report.written  # all or nothing
    assert "2035年度はこの指標の期間" in report.rejected[0].message
    report = import_actuals(session=session, plan_id=1, sheet=read_actuals_xlsx(_fill(filled, {WEB: (2027, None)})),
                            actor="行橋市")
    assert [(r.indicator, r.fiscal_year, r.value) for r in report.imported] == [(PV[1], 2027, 6.0)]
    stored = list_actuals(session=session, plan_id=1)
    [pv_2027] = [a for a in stored[(PV[0] + "#再掲", PV[1])] if a.fiscal_year == 2027]
    assert pv_2027.by_municipality == (("402133", 6.0),)


def test_a_share_updates_its_town_and_keeps_the_others(progress: PlanProgress, session: Session) -> None:
    filled = _fill(_workbook(progress), {PV: (2026, 9)})
    report = import_actuals(session=session, plan_id=1, sheet=read_actuals_xlsx(filled), actor="行橋市")
    assert [r.outcome.value for r in report.results] == ["updated"]
    [pv_2026] = [a for a in list_actuals(session=session, plan_id=1)[(PV[0] + "#再掲", PV[1])] if a.fiscal_year == 2026]
    assert pv_2026.by_municipality == (("401005", 40.0), ("402133", 9.0), ("406210", 7.0))
    assert pv_2026.total == 56


def test_a_share_never_replaces_a_recorded_total(progress: PlanProgress, session: Session) -> None:
    filled = _fill(_workbook(progress), {WEB: (2026, 100), PV: (2027, 3)})
    report = import_actuals(session=session, plan_id=1, sheet=read_actuals_xlsx(filled), actor="行橋市")
    web_row = _rows(load_workbook(io.BytesIO(filled))[INPUT_SHEET])[WEB]
    assert report.rejected_rows == (web_row,) and not report.written
    assert "合計（18500）だけが記録されていて" in report.rejected[0].message
    [web_2026] = [a for a in list_actuals(session=session, plan_id=1)[WEB] if a.fiscal_year == 2026]
    assert (web_2026.value, web_2026.by_municipality) == (18500, ())


def test_a_town_without_a_project_or_a_bad_year_is_refused(progress: PlanProgress) -> None:
    outsider = Municipality("401307", "福岡市", "福岡県")
    with pytest.raises(PartnerTemplateError, match="報告する指標はありません"):
        write_partner_workbook(progress.plan, progress.kpis, municipality=outsider, year=2027)
    with pytest.raises(PartnerTemplateError, match="年度が不正"):
        write_partner_workbook(progress.plan, progress.kpis, municipality=YUKUHASHI, year=20270)
