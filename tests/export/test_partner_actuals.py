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
from renkei.services.rounds import open_round
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
    open_round(session=session, plan_id=1, fiscal_year=2026, due_date=date(2027, 5, 31), actor="test")
    sample = (ROOT / "examples" / "kitakyushu_actuals_sample.csv").read_text(encoding="utf-8-sig")
    report = import_actuals(session=session, plan_id=1, sheet=read_actuals_csv(sample), actor="test")
    assert report.written and not report.rejected
    return evaluate_stored_plan(session, 1)


def _workbook(progress: PlanProgress, year: int = 2026) -> bytes:
    return write_partner_workbook(progress.plan, progress.kpis, municipality=YUKUHASHI, year=year,
                                  lead_name="北九州市", issued=date(2027, 4, 10))


def _rows(sheet: Worksheet) -> dict[tuple[str, str], int]:
    return {(sheet.cell(r, 1).value, sheet.cell(r, 2).value): r for r in range(2, sheet.max_row + 1)}


def test_only_its_kpis_with_last_year_and_the_target_beside_the_input(progress: PlanProgress) -> None:
    book = load_workbook(io.BytesIO(_workbook(progress, 2027)))
    assert book.sheetnames == [INPUT_SHEET, GUIDE_SHEET]
    sheet = book[INPUT_SHEET]
    header = [c.value for c in sheet[1]]
    assert header == ["事業名", "指標", "単位", "目標値（圏域）", "前年度実績（行橋市分）", "前年度実績（圏域計）",
                      "年度", "実績値:行橋市", "公開コメント", "根拠（公開）", "備考（非公開）"]
    rows = _rows(sheet)
    projects = {name for name, _ in rows}
    yukuhashi = {p.name for p in progress.plan.projects if "402133" in p.partners.codes}
    assert projects <= yukuhashi
    assert "遠賀川流域市町による災害時の避難者受入れに関する連携体制の構築" not in projects  # not a partner
    assert ("圏域内道路交通のネットワーク化にかかる連携", "都市計画道路の整備率") not in rows  # a rate does not add up
    assert ("こども文化パスポート事業", "参加自治体の数") not in rows  # words, no number
    pv = [sheet.cell(rows[PV], c).value for c in range(3, 9)]
    # its own 5 in FY2026; the area's figure is unknown (three towns' shares, no total), never their sum
    assert pv == ["施設", "129施設", 5, None, 2027, None]
    web = [sheet.cell(rows[WEB], c).value for c in range(5, 7)]
    assert web == [None, 18500]  # reported as a total only: its own share is unknown, not 0
    guide = "\n".join(str(c.value) for c in book[GUIDE_SHEET]["A"] if c.value)
    assert "行橋市（全国地方公共団体コード 402133）" in guide and "令和9年度（2027）" in guide
    assert "圏域内道路交通のネットワーク化にかかる連携：都市計画道路の整備率" in guide
    assert "公開されません" in guide


def test_inputs_unlocked_and_validated_everything_else_protected(progress: PlanProgress) -> None:
    sheet = load_workbook(io.BytesIO(_workbook(progress)))[INPUT_SHEET]
    assert sheet.protection.sheet and load_workbook(io.BytesIO(_workbook(progress)))[GUIDE_SHEET].protection.sheet
    for row in range(2, sheet.max_row + 1):
        locked = [sheet.cell(row, c).protection.locked for c in range(1, 12)]
        assert locked == [True] * 7 + [False] * 4, row  # the round's year is fixed
    rules = {(v.type, str(v.sqref)): v for v in sheet.data_validations.dataValidation}
    pv = _rows(sheet)[PV]
    value = rules[("whole", f"H{pv}")]  # 施設 are counted: whole numbers from 0
    assert (value.formula1, value.showErrorMessage) == ("0", True)
    wind = _rows(sheet)[("風力発電関連産業の総合拠点の形成", "4つの拠点機能の形成")]
    assert ("decimal", f"H{wind}") in rules  # 機能 is not a count unit: any number
    lengths = {c: rules[("textLength", f"{c}{pv}")].formula1 for c in "IJK"}
    assert lengths == {"I": "1000", "J": "500", "K": "1000"}
    assert sheet.freeze_panes == "C2" and sheet.page_setup.orientation == "landscape"


def _fill(data: bytes, entries: dict[tuple[str, str], object], year: int | None = None) -> bytes:
    """Type figures into the input cells as the partner would (by project and indicator); ``year`` tampers."""
    book = load_workbook(io.BytesIO(data))
    sheet = book[INPUT_SHEET]
    rows = _rows(sheet)
    for key, value in entries.items():
        sheet.cell(rows[key], 8).value = value
        if year is not None:
            sheet.cell(rows[key], 7).value = year
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_reading_back_goes_through_the_import_checks_by_row(progress: PlanProgress, session: Session) -> None:
    filled = _fill(_workbook(progress), {PV: 6, WEB: -3})
    sheet = read_actuals_xlsx(filled)
    assert sheet.municipality_columns == ("行橋市",)
    report = import_actuals(session=session, plan_id=1, sheet=sheet, actor="行橋市")
    web_row = _rows(load_workbook(io.BytesIO(filled))[INPUT_SHEET])[WEB]
    assert report.rejected_rows == (web_row,) and not report.written  # all or nothing
    assert "マイナス" in report.rejected[0].message and report.held_back == 1
    tampered = import_actuals(session=session, plan_id=1, sheet=read_actuals_xlsx(_fill(filled, {WEB: 1}, 2025)),
                              actor="行橋市")
    assert "受け付けていません" in tampered.rejected[0].message  # a year outside the round never gets in
    report = import_actuals(session=session, plan_id=1, sheet=read_actuals_xlsx(_fill(filled, {WEB: None})),
                            actor="行橋市")
    assert [(r.indicator, r.fiscal_year, r.value) for r in report.updated] == [(PV[1], 2026, None)]
    stored = list_actuals(session=session, plan_id=1)
    pv_2026 = {a.municipality: a.value for a in stored[(PV[0] + "#再掲", PV[1])] if a.fiscal_year == 2026}
    assert pv_2026 == {"401005": 40.0, "402133": 6.0, "406210": 7.0}


def test_a_share_updates_its_town_and_keeps_the_others(progress: PlanProgress, session: Session) -> None:
    filled = _fill(_workbook(progress), {PV: 9})
    report = import_actuals(session=session, plan_id=1, sheet=read_actuals_xlsx(filled), actor="行橋市")
    assert [r.outcome.value for r in report.results] == ["updated"]
    pv_2026 = [a for a in list_actuals(session=session, plan_id=1)[(PV[0] + "#再掲", PV[1])] if a.fiscal_year == 2026]
    assert {(a.municipality, a.value) for a in pv_2026} == {("401005", 40.0), ("402133", 9.0), ("406210", 7.0)}
    after = evaluate_stored_plan(session, 1)
    pv = next(k for k in after.kpis if (k.project.key, k.kpi.indicator) == (PV[0] + "#再掲", PV[1]))
    assert 2026 not in pv.values  # three of eighteen towns: the area's figure is still unknown


def test_a_share_never_replaces_a_recorded_total(progress: PlanProgress, session: Session) -> None:
    filled = _fill(_workbook(progress), {WEB: 100})
    report = import_actuals(session=session, plan_id=1, sheet=read_actuals_xlsx(filled), actor="行橋市")
    assert report.written and not report.rejected
    web_2026 = [a for a in list_actuals(session=session, plan_id=1)[WEB] if a.fiscal_year == 2026]
    assert {(a.municipality, a.value) for a in web_2026} == {(None, 18500.0), ("402133", 100.0)}
    after = evaluate_stored_plan(session, 1)
    assert next(k for k in after.kpis if (k.project.key, k.kpi.indicator) == WEB).values[2026] == 18500.0


def test_a_town_without_a_project_or_a_bad_year_is_refused(progress: PlanProgress) -> None:
    outsider = Municipality("401307", "福岡市", "福岡県")
    with pytest.raises(PartnerTemplateError, match="報告する指標はありません"):
        write_partner_workbook(progress.plan, progress.kpis, municipality=outsider, year=2027)
    with pytest.raises(PartnerTemplateError, match="年度が不正"):
        write_partner_workbook(progress.plan, progress.kpis, municipality=YUKUHASHI, year=20270)
