"""The footer's last-updated date reads the latest approved actual or published assessment, found once per snapshot."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING

from renkei.domain.actual import Actual, Assessment
from renkei.domain.progress import evaluate_kpi
from renkei.domain.status import Status
from renkei.presentation.views import KpiView, latest_entry

if TYPE_CHECKING:
    from conftest import PlanBuilder


def _view(build: PlanBuilder, actuals: tuple[Actual, ...] = (), assessment: Assessment | None = None) -> KpiView:
    kpi = build.kpi()
    evaluation = evaluate_kpi(kpi, list(actuals), as_of=2026, plan_first_year=2026, plan_last_year=2030)
    return KpiView("p", "s", "事業", 0, kpi, evaluation, {}, actuals=actuals, assessment=assessment)


def test_the_latest_of_actuals_and_assessments_wins(build: PlanBuilder) -> None:
    early, late = datetime(2027, 5, 1, tzinfo=UTC), datetime(2027, 6, 1, tzinfo=UTC)
    reported = _view(build, actuals=(Actual(2026, 1, entered_at=early), Actual(2025, 1)))
    judged = _view(build, assessment=Assessment(2026, Status.ON_TRACK, entered_at=late))
    assert latest_entry([reported, judged]) == late
    assert latest_entry([reported]) == early
    assert latest_entry([_view(build, actuals=(Actual(2026, 1),))]) is None  # no moment recorded: none


def test_a_moment_without_a_time_zone_is_japan_s_time(build: PlanBuilder) -> None:
    naive = datetime(2027, 5, 1, 10, 0)  # 01:00 UTC
    aware = datetime(2027, 5, 1, 2, 0, tzinfo=UTC)  # an hour later
    views = [_view(build, actuals=(Actual(2026, 1, entered_at=naive),)),
             _view(build, actuals=(Actual(2026, 2, entered_at=aware),))]
    assert latest_entry(views) == aware
