"""Tests for the plan import: no-op re-imports, corrected editions, withdrawals, atomicity and diffs."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import UTC, datetime
from typing import TYPE_CHECKING

import pytest
from sqlalchemy import event, func, select
from sqlalchemy.orm import Session

if TYPE_CHECKING:
    from conftest import PlanBuilder

from renkei.domain.actual import Actual
from renkei.domain.finding import Finding, Severity
from renkei.domain.plan import Plan
from renkei.services.plan_import import PlanImportError, import_plan
from renkei.store import repository
from renkei.store.tables import (
    ActualRow,
    AuditEventRow,
    KpiRow,
    MunicipalityRow,
    PlanImportRow,
    ProjectPartnerRow,
    ProjectRow,
)

STORY_NAME = "自分らしく歩む女性たちのストーリー発信事業"
SOURCE = f"事業名\t{STORY_NAME}\n"
FINDINGS = [Finding("municipality.misspelt", Severity.WARNING, "芦谷町 は 芦屋町 の誤記?", 7, STORY_NAME, "芦屋町")]


def run_import(session: Session, plan: Plan, build: PlanBuilder) -> repository.PlanSummary:
    """Import a plan with the small test area and return its stored summary."""
    result = import_plan(
        session=session, plan=plan, findings=FINDINGS, source_text=SOURCE, area=build.area(plan.area_slug)
    )
    summary = repository.get_plan(session=session, area_slug=plan.area_slug, plan_key=result.plan_key)
    assert summary is not None
    return summary


def count(session: Session, table: type[object]) -> int:
    """Return the number of rows of a table."""
    return session.scalar(select(func.count()).select_from(table)) or 0


def snapshot(session: Session) -> dict[str, int]:
    """Return row counts of the tables an import writes."""
    tables = (ProjectRow, KpiRow, ActualRow, PlanImportRow, AuditEventRow, ProjectPartnerRow, MunicipalityRow)
    return {t.__tablename__: count(session, t) for t in tables}


@pytest.fixture
def writes(session: Session) -> Iterator[list[str]]:
    """Collect the INSERT/UPDATE/DELETE statements sent to the database."""
    statements: list[str] = []
    engine = session.get_bind()

    def collect(_conn: object, _cursor: object, statement: str, *_args: object) -> None:
        if statement.lstrip().split(" ", 1)[0].upper() in ("INSERT", "UPDATE", "DELETE"):
            statements.append(statement)

    event.listen(engine, "before_cursor_execute", collect)
    yield statements
    event.remove(engine, "before_cursor_execute", collect)


def test_import_round_trips_the_plan(session: Session, build: PlanBuilder) -> None:
    plan = build.plan(sha="ab" * 32)
    summary = run_import(session, plan, build)
    assert (summary.plan_key, summary.version, summary.project_count) == ("kitakyushu-2026", 1, 3)
    assert repository.load_plan(session=session, plan_id=summary.id) == plan
    stored = repository.list_findings(session=session, plan_id=summary.id)
    assert [replace(f, project_key=None) for f in stored] == FINDINGS
    keys: dict[str, str] = {}
    for project in plan.projects:
        keys.setdefault(project.name, project.key)  # a finding with no line belongs to the original sheet
    assert [f.project_key for f in stored] == [keys.get(f.project or "") for f in FINDINGS]


def test_outside_partner_gets_its_national_code_and_members_theirs(session: Session, build: PlanBuilder) -> None:
    run_import(session, build.plan(build.project()), build)
    rows = session.execute(
        select(ProjectPartnerRow.kind, ProjectPartnerRow.name, MunicipalityRow.code, ProjectPartnerRow.in_area)
        .outerjoin(MunicipalityRow, MunicipalityRow.id == ProjectPartnerRow.municipality_id)
        .order_by(ProjectPartnerRow.kind, ProjectPartnerRow.position)
    ).all()
    assert [tuple(r) for r in rows] == [
        ("member", "行橋市", "402133", True),
        ("member", "芦屋町", "403814", True),
        ("outside", "下関市", "352012", False),
        ("unresolved", "芦谷町", None, False),
    ]


def test_reimporting_the_same_document_writes_nothing(session: Session, writes: list[str], build: PlanBuilder) -> None:
    first = run_import(session, build.plan(), build)
    before = snapshot(session)
    assert any(w.startswith("INSERT INTO project ") for w in writes)  # the listener does see writes
    writes.clear()
    result = import_plan(session=session, plan=build.plan(), findings=FINDINGS, source_text=SOURCE, area=build.area())
    assert result.diff.is_empty and not result.written and result.version == 1
    assert writes == []
    assert snapshot(session) == before
    again = repository.get_plan(session=session, area_slug="kitakyushu", plan_key="kitakyushu-2026")
    assert again == first


def test_corrected_edition_updates_by_key_and_keeps_actuals(session: Session, build: PlanBuilder) -> None:
    summary = run_import(session, build.plan(), build)
    kpi = repository.find_kpi(session=session, plan_id=summary.id, project=build.STORY, indicator="WEB ページ閲覧数")
    assert kpi is not None
    at = datetime(2027, 5, 1, 9, 30, tzinfo=UTC)
    repository.upsert_actual(
        session=session, kpi_id=kpi.id, actual=Actual(2026, 4200, entered_by="北九州市", entered_at=at), actor="cli"
    )
    session.commit()
    corrected = build.plan(
        build.project(description="改訂後の事業内容。", kpis=(build.kpi(target=120000, line=10),), line=1),
        build.project(build.FIRE, line=20),
        build.project(build.STORY, line=40, relisted=True),
    )
    result = import_plan(session=session, plan=corrected, findings=[], source_text=SOURCE + "改", area=build.area())
    assert result.written and result.version == 2
    assert [(e.key, e.fields) for e in result.diff.changed_projects] == [(build.project().key, ("description",))]
    assert [(e.project_key, e.name, e.fields) for e in result.diff.changed_kpis] == [
        (build.project().key, "WEBページ閲覧数", ("target",))
    ]
    assert [(c.field, c.old, c.new) for e in (*result.diff.changed_projects, *result.diff.changed_kpis)
            for c in e.changes] == [
        ("description", "圏域市町で活躍する多様な女性ロールモデルを紹介する。", "改訂後の事業内容。"),
        ("target", "100,000回（令和12年度）", "120,000回（令和12年度）"),
    ]
    assert [e.name for e in result.diff.removed_kpis] == ["参加者数"]
    assert repository.list_actuals(session=session, plan_id=summary.id) == {
        (build.project().key, "WEBページ閲覧数"): [Actual(2026, 4200.0, entered_by="北九州市", entered_at=at)]
    }
    assert repository.load_plan(session=session, plan_id=summary.id) == replace(corrected, source_sha256=result_sha())
    assert repository.list_findings(session=session, plan_id=summary.id) == []
    story = session.scalars(select(ProjectRow).where(ProjectRow.key == build.project().key)).one()
    assert story.version == 2


def result_sha() -> str:
    """Return the sha256 the corrected edition is stored with."""
    import hashlib

    return hashlib.sha256((SOURCE + "改").encode()).hexdigest()


def test_missing_project_is_withdrawn_not_deleted(session: Session, build: PlanBuilder) -> None:
    summary = run_import(session, build.plan(), build)
    kpi = repository.find_kpi(session=session, plan_id=summary.id, project=build.FIRE, indicator="参加者数")
    assert kpi is not None
    repository.upsert_actual(session=session, kpi_id=kpi.id, actual=Actual(2026, 12), actor="cli")
    session.commit()
    result = import_plan(
        session=session, plan=build.plan(build.project()), findings=FINDINGS, source_text=SOURCE, area=build.area()
    )
    assert [(e.key, e.name) for e in result.diff.removed_projects] == [
        (build.project(build.FIRE).key, build.FIRE),
        (build.project(relisted=True).key, build.STORY),
    ]
    statuses = dict(session.execute(select(ProjectRow.key, ProjectRow.status)).all())
    assert statuses[build.project(build.FIRE).key] == "withdrawn"
    assert (build.project(build.FIRE).key, "参加者数") in repository.list_actuals(session=session, plan_id=summary.id)
    assert [p.name for p in repository.load_plan(session=session, plan_id=summary.id).projects] == [build.STORY]
    back = import_plan(session=session, plan=build.plan(), findings=FINDINGS, source_text=SOURCE, area=build.area())
    assert [(e.name, e.fields[0]) for e in back.diff.changed_projects] == [
        (build.FIRE, "status"),
        (build.STORY, "status"),
    ]
    assert back.diff.changed_projects[0].changes[0].to_dict() == {
        "field": "status", "old": "削除済み / withdrawn", "new": "有効 / active"}


def test_diff_names_added_changed_and_removed(session: Session, build: PlanBuilder) -> None:
    run_import(session, build.plan(build.project(), build.project(build.FIRE, line=20)), build)
    new = build.plan(build.project(effects=("効果",)), build.project("新規事業", line=30))
    result = import_plan(session=session, plan=new, findings=FINDINGS, source_text=SOURCE, area=build.area())
    diff = result.diff.to_dict()
    assert diff["added_projects"] == [{"key": "新規事業", "name": "新規事業"}]
    assert diff["changed_projects"] == [{
        "key": build.project().key, "name": build.STORY, "fields": ["effects"],
        "changes": [{"field": "effects", "old": "女性のキャリア形成支援 / 女性の定着によるまちの活性化",
                     "new": "効果"}],
    }]
    assert diff["removed_projects"] == [{"key": build.project(build.FIRE).key, "name": build.FIRE}]
    history = repository.list_imports(session=session, plan_id=result.plan_id or 0)
    assert [h.plan_version for h in history] == [1, 2] and history[1].diff == diff


def test_dry_run_writes_nothing(session: Session, build: PlanBuilder) -> None:
    result = import_plan(
        session=session, plan=build.plan(), findings=FINDINGS, source_text=SOURCE, area=build.area(), dry_run=True
    )
    assert result.dry_run and result.created and result.plan_id is None
    assert len(result.diff.added_projects) == 3
    assert repository.list_plans(session=session) == []
    assert count(session, AuditEventRow) == 0


def test_failing_import_leaves_the_database_as_it_was(
    session: Session, monkeypatch: pytest.MonkeyPatch, build: PlanBuilder
) -> None:
    run_import(session, build.plan(), build)
    before = snapshot(session)
    plan_before = repository.load_plan(session=session, plan_id=repository.list_plans(session=session)[0].id)
    real = repository.write_kpis
    calls = []

    def failing_write_kpis(**kwargs: object) -> None:
        calls.append(1)
        if len(calls) == 3:
            raise RuntimeError("disk full")
        real(**kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(repository, "write_kpis", failing_write_kpis)
    edited = build.plan(
        build.project(description="変更"), build.project("新規事業", line=10), build.project(build.FIRE, line=20)
    )
    with pytest.raises(RuntimeError, match="disk full"):
        import_plan(session=session, plan=edited, findings=[], source_text="x", area=build.area())
    assert len(calls) == 3
    assert snapshot(session) == before
    assert repository.load_plan(session=session, plan_id=repository.list_plans(session=session)[0].id) == plan_before


def test_two_areas_and_two_editions_side_by_side(session: Session, build: PlanBuilder) -> None:
    run_import(session, build.plan(), build)
    run_import(session, build.plan(first_year=2031), build)
    run_import(session, build.plan(slug="kurume"), build)
    plans = repository.list_plans(session=session)
    assert [(p.area_slug, p.plan_key, p.project_count) for p in plans] == [
        ("kitakyushu", "kitakyushu-2026", 3),
        ("kitakyushu", "kitakyushu-2031", 3),
        ("kurume", "kurume-2026", 3),
    ]
    # the same project key lives once per plan
    assert count(session, ProjectRow) == 9


@pytest.mark.parametrize(
    ("make", "field"),
    [
        (lambda b: b.plan(first_year=1800), "first_year"),
        (lambda b: replace(b.plan(), last_year=2020), "first_year"),
        (lambda b: b.plan(b.project(), b.project(line=50)), "project"),
        (lambda b: b.plan(b.project(kpis=(b.kpi(), b.kpi("WEB ページ閲覧数")))), "kpi"),
    ],
    ids=["year-out-of-range", "period-backwards", "duplicate-project", "duplicate-kpi"],
)
def test_invalid_plans_are_refused_naming_the_field(
    session: Session, make: Callable[[PlanBuilder], Plan], field: str, build: PlanBuilder
) -> None:
    with pytest.raises(PlanImportError) as caught:
        import_plan(session=session, plan=make(build), findings=[], source_text=SOURCE, area=build.area())
    assert caught.value.field == field
    assert repository.list_plans(session=session) == []


def test_example_document_round_trips_and_reimports_as_a_no_op(session: Session) -> None:
    from pathlib import Path

    from renkei.reading.area import load_area
    from renkei.reading.sheet import read_plan

    text = (Path(__file__).parents[2] / "examples" / "kitakyushu_vision_r8.txt").read_text(encoding="utf-8")
    plan, findings = read_plan(text, area=load_area("kitakyushu"))
    first = import_plan(session=session, plan=plan, findings=findings, source_text=text)
    again = import_plan(session=session, plan=plan, findings=findings, source_text=text)
    assert (len(first.diff.added_projects), again.written, again.version) == (30, False, 1)
    assert repository.load_plan(session=session, plan_id=first.plan_id or 0) == plan


def test_findings_are_joined_to_their_very_sheet_not_to_a_name(session: Session, build: PlanBuilder) -> None:
    plan = build.plan()
    original, copy = [p for p in plan.projects if p.name == STORY_NAME]  # the sheet and its 【再掲】 copy
    assert original.key != copy.key and original.line is not None and copy.line is not None
    about_copy = Finding("roles.party_not_partner", Severity.INFO, "on the copy", copy.line + 1, STORY_NAME)
    about_original = Finding("budget.undetermined", Severity.INFO, "on the original", original.line, STORY_NAME)
    result = import_plan(session=session, plan=plan, findings=[about_copy, about_original], source_text=SOURCE,
                         area=build.area(plan.area_slug))
    stored = repository.list_findings(session=session, plan_id=result.plan_id or 0)
    assert [(f.message, f.project_key) for f in stored] == [
        ("on the copy", copy.key), ("on the original", original.key)]
    again = import_plan(session=session, plan=plan, findings=[about_copy, about_original], source_text=SOURCE,
                        area=build.area(plan.area_slug))
    assert not again.written  # keyed findings compare equal to the stored ones: a re-import is still a no-op
