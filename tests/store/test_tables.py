"""Tests for the tables: constraints hold on SQLite and PostgreSQL alike."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.orm import Session

if TYPE_CHECKING:
    from conftest import PlanBuilder

from renkei.domain.actual import Actual, ActualError
from renkei.services.plan_import import import_plan
from renkei.store import repository
from renkei.store.tables import ActualRow, AreaRow, BudgetLineRow, MunicipalityRow, PlanRow


def stored_plan_id(session: Session, build: PlanBuilder) -> int:
    """Import the test plan and return its id."""
    import_plan(session=session, plan=build.plan(), findings=[], source_text="x", area=build.area())
    return repository.list_plans(session=session)[0].id


def plan_row(area_id: int, **changes: object) -> PlanRow:
    """Build a valid plan row, with changes."""
    values: dict[str, object] = {
        "plan_key": "k",
        "area_name": "圏",
        "first_year": 2026,
        "last_year": 2030,
        "source_sha256": "0" * 64,
    }
    return PlanRow(area_id=area_id, **{**values, **changes})


@pytest.mark.parametrize(
    "changes",
    [{"first_year": 1899}, {"last_year": 2201}, {"first_year": 2031, "last_year": 2030}],
    ids=["first-year-too-early", "last-year-too-late", "backwards"],
)
def test_plan_period_checks_are_enforced(session: Session, changes: dict[str, object]) -> None:
    area = AreaRow(slug="a", name="圏", lead_code="401005", plan_first_year=2026, plan_last_year=2030)
    session.add(area)
    session.flush()
    session.add(plan_row(area.id, **changes))
    with pytest.raises(IntegrityError, match=r"(?i)check"):
        session.flush()


def test_budget_fiscal_year_and_status_checks(session: Session, build: PlanBuilder) -> None:
    plan_id = stored_plan_id(session, build)
    project = repository.load_projects(session=session, plan_id=plan_id)
    project_id = next(iter(project.values())).row.id
    for bad in (
        BudgetLineRow(project_id=project_id, fiscal_year=3000, status="amount", text="1"),
        BudgetLineRow(project_id=project_id, fiscal_year=2031, status="lots", text="1"),
    ):
        session.add(bad)
        with pytest.raises(IntegrityError):
            session.flush()
        session.rollback()


def test_municipality_code_is_unique(session: Session) -> None:
    session.add_all([MunicipalityRow(code="401005", name="北九州市"), MunicipalityRow(code="401005", name="別名")])
    with pytest.raises(IntegrityError):
        session.flush()


def test_one_current_actual_per_period_even_for_whole_years(session: Session, build: PlanBuilder) -> None:
    plan_id = stored_plan_id(session, build)
    kpi = repository.find_kpi(
        session=session, plan_id=plan_id, project="消防指令業務の共同運用に係る調査研究事業", indicator="参加者数"
    )
    assert kpi is not None
    session.add_all(
        [ActualRow(kpi_id=kpi.id, fiscal_year=2026, value=1.0), ActualRow(kpi_id=kpi.id, fiscal_year=2026, value=2.0)]
    )
    with pytest.raises(IntegrityError):
        session.flush()


def test_upsert_actual_versions_and_audits(session: Session, build: PlanBuilder) -> None:
    plan_id = stored_plan_id(session, build)
    kpi = repository.find_kpi(
        session=session, plan_id=plan_id, project="消防指令業務の共同運用に係る調査研究事業", indicator="参加者数"
    )
    assert kpi is not None
    first = repository.upsert_actual(session=session, kpi_id=kpi.id, actual=Actual(2026, 10), actor="a")
    same = repository.upsert_actual(session=session, kpi_id=kpi.id, actual=Actual(2026, 10), actor="a")
    assert same.id == first.id
    corrected = Actual(2026, 11.0, comment="1件追加")
    second = repository.upsert_actual(session=session, kpi_id=kpi.id, actual=corrected, actor="b")
    # a share is a record of its own: it neither replaces the total nor is replaced by it
    share = Actual(2026, 4.0, municipality="402133", note="電話で確認")
    shared = repository.upsert_actual(session=session, kpi_id=kpi.id, actual=share, actor="c")
    monthly = repository.upsert_actual(session=session, kpi_id=kpi.id, actual=Actual(2026, 3, month=4), actor="b")
    session.commit()
    assert (second.version, first.is_current, second.is_current) == (2, False, True)
    assert (shared.version, shared.is_current, second.is_current) == (1, True, True)
    assert repository.list_actuals(session=session, plan_id=plan_id) == {
        ("消防指令業務の共同運用に係る調査研究事業", "参加者数"): [corrected, share, Actual(2026, 3.0, month=4)]
    }
    events = repository.list_audit_events(session=session, entity="actual")
    assert [(e.actor, e.action, e.entity_key.split("/", 1)[1], e.field, e.old_value, e.new_value)
            for e in events] == [
        ("a", "actual.create", "2026/-", "value", None, "10"),
        ("a", "actual.create", "2026/-", "review_status", None, "approved"),
        ("b", "actual.update", "2026/-", "value", "10", "11"),
        ("b", "actual.update", "2026/-", "comment", None, "1件追加"),
        ("c", "actual.create", "2026/-/402133", "value", None, "4"),
        ("c", "actual.create", "2026/-/402133", "note", None, "電話で確認"),
        ("c", "actual.create", "2026/-/402133", "review_status", None, "approved"),
        ("b", "actual.create", "2026/4", "value", None, "3"),
        ("b", "actual.create", "2026/4", "review_status", None, "approved"),
    ]
    assert {e.project_id for e in events} == {kpi.project_id}
    assert monthly.month == 4
    with pytest.raises(ActualError, match="fiscal_year"):
        repository.upsert_actual(session=session, kpi_id=kpi.id, actual=Actual(1850, 1), actor="a")


@pytest.mark.parametrize(
    "statement",
    ["UPDATE audit_event SET actor = 'x'", "DELETE FROM audit_event", "DELETE FROM plan_import"],
)
def test_history_tables_are_append_only(session: Session, statement: str, build: PlanBuilder) -> None:
    stored_plan_id(session, build)
    with pytest.raises(DBAPIError, match="append-only"):
        session.execute(text(statement))


def test_find_kpi_prefers_the_original_sheet_over_its_relisting(session: Session, build: PlanBuilder) -> None:
    plan_id = stored_plan_id(session, build)
    find: Callable[[str], object] = lambda project: repository.find_kpi(  # noqa: E731
        session=session, plan_id=plan_id, project=project, indicator="参加者数"
    )
    original = find("自分らしく歩む女性たちの ストーリー発信事業")
    relisted = find("自分らしく歩む女性たちのストーリー発信事業#再掲")
    assert original is not None and relisted is not None and original != relisted
    assert find("存在しない事業") is None
