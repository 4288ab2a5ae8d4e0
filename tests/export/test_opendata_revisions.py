"""Open data of a revised plan: revisions.csv with its schema, valid, keys resolving; none for a plan never revised."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from pathlib import Path

from frictionless import Package
from sqlalchemy.orm import Session

from renkei.cli.export import load_opendata_source
from renkei.export.datapackage import write_package
from renkei.export.opendata import build_tables, package_meta
from renkei.reading.sheet import read_plan
from renkei.services.plan_import import import_plan

ROOT = Path(__file__).resolve().parents[2]


def write(session: Session, folder: Path, as_of: int) -> Path:
    """Write the stored example's open data as of a year."""
    source = load_opendata_source(session, 1, as_of)
    write_package(folder, build_tables(source), package_meta(source), "CC-BY-4.0")
    return folder


def rows(folder: Path, name: str) -> list[dict[str, str]]:
    """Read a CSV table of the package."""
    return list(csv.DictReader(io.StringIO((folder / f"{name}.csv").read_bytes().decode("utf-8-sig"), newline="")))


def test_a_revised_plan_publishes_its_kpis_history(session: Session, tmp_path: Path,
                                                   revise_example: Callable[[Session, int], None]) -> None:
    text = (ROOT / "examples" / "kitakyushu_vision_r8.txt").read_text(encoding="utf-8")
    before = read_plan(text)
    import_plan(session=session, plan=before[0], findings=before[1], source_text=text)
    plain = write(session, tmp_path / "plain", 2026)
    assert not (plain / "revisions.csv").exists()
    revise_example(session, 1)
    folder = write(session, tmp_path / "revised", 2026)
    report = Package(str(folder / "datapackage.json")).validate()
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "message"])[:10]
    descriptor = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
    resource = next(r for r in descriptor["resources"] if r["name"] == "revisions")
    assert [f["name"] for f in resource["schema"]["fields"]][:6] == ["ID", "事業ID", "事業名", "指標名", "KPI_ID",
                                                                     "改正"]
    found = {(r["指標名"], r["変更コード"]): r for r in rows(folder, "revisions")}
    assert set(found) == {("鑑識・鑑定及び研修・会議等実施件数", "changed"), ("各種研修等の件数", "dropped"),
                          ("各種研修等の受講者数", "added")}
    changed = found[("鑑識・鑑定及び研修・会議等実施件数", "changed")]
    assert (changed["改正日"], changed["改正日（記載）"], changed["適用年度"], changed["変更前の目標値"],
            changed["変更後の目標値"]) == ("2027-10-01", "令和9年10月", "2027", "25件（令和12年度までの累計）",
                                          "40件（令和12年度までの累計）")
    kpi_ids = {r["ID"] for r in rows(folder, "kpis")}
    # FY2026 is before the drop: the dropped KPI is still among that year's KPIs, the added one not yet
    assert found[("各種研修等の件数", "dropped")]["KPI_ID"] in kpi_ids
    assert found[("各種研修等の受講者数", "added")]["KPI_ID"] == ""
    later = {(r["指標名"], r["変更コード"]): r for r in rows(write(session, tmp_path / "later", 2027), "revisions")}
    assert later[("各種研修等の件数", "dropped")]["KPI_ID"] == ""  # no longer among the KPIs
    assert later[("各種研修等の受講者数", "added")]["KPI_ID"] != ""
    assert changed["KPI_ID"] in kpi_ids
    evaluation = next(r for r in rows(folder, "evaluations") if r["KPI_ID"] == changed["KPI_ID"])
    assert evaluation["評価の説明"].startswith("令和9年度の改正前の目標（25件（令和12年度までの累計））")
    kpi = next(r for r in rows(folder, "kpis") if r["ID"] == changed["KPI_ID"])
    assert kpi["目標値"] == "25"  # the target in force in the year the package is evaluated as of
    assert (plain / "projects.csv").read_bytes() == (folder / "projects.csv").read_bytes()


def test_the_kpis_of_a_withdrawn_sheet_are_in_the_history(
        session: Session, tmp_path: Path, revise_example: Callable[[Session, int], None],
        withdraw_example_sheet: Callable[[Session, int], None]) -> None:
    text = (ROOT / "examples" / "kitakyushu_vision_r8.txt").read_text(encoding="utf-8")
    plan, findings = read_plan(text)
    import_plan(session=session, plan=plan, findings=findings, source_text=text)
    revise_example(session, 1)
    withdraw_example_sheet(session, 1)
    folder = write(session, tmp_path / "withdrawn", 2028)
    report = Package(str(folder / "datapackage.json")).validate()
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "message"])[:10]
    found = rows(folder, "revisions")
    (road,) = [r for r in found if r["事業名"] == "圏域内道路交通のネットワーク化にかかる連携"]
    road_slug = next(p.slug for p in plan.projects if p.name == road["事業名"])
    assert (road["ID"], road["事業ID"], road["指標名"], road["KPI_ID"], road["変更コード"], road["適用年度"]) == (
        f"{road_slug}-R1", "", "都市計画道路の整備率", "", "dropped", "2028")
    assert road["変更前の目標値"] == "85.9%(令和12年度)" and road["改正の理由"] == "事業の統合"
    assert len({r["ID"] for r in found}) == len(found) == 4  # changed, dropped, added, and the withdrawn sheet's
