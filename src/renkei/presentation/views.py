"""View objects that pages and printed reports draw from: plain data of the domain, built by the read models."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

from renkei.domain.actual import Actual, Assessment
from renkei.domain.plan import KPI
from renkei.domain.progress import Evaluation, KpiForm
from renkei.domain.revision import KpiHistory
from renkei.domain.share import ShareRule, YearFigure

#: A moment stored without a time zone is read as Japan's time, where the plans are made.
JAPAN = ZoneInfo("Asia/Tokyo")


@dataclass(frozen=True, slots=True)
class KpiView:
    """A KPI with its yearly actuals and its evaluation."""

    project_key: str
    project_slug: str
    project_name: str
    position: int
    kpi: KPI
    evaluation: Evaluation
    values: dict[int, float]
    counted: bool = True
    actuals: tuple[Actual, ...] = ()
    assessment: Assessment | None = None
    #: Each year's figure: its value (or unknown), where it came from, and the municipalities' shares.
    figures: tuple[YearFigure, ...] = ()
    shares: ShareRule = field(default_factory=ShareRule)
    #: Its revisions mid-period (一部改正), oldest first; None when the vision was never revised for it.
    history: KpiHistory | None = None

    @property
    def anchor(self) -> str:
        """Return the fragment id of the KPI on its project page."""
        return f"kpi-{self.position + 1}"

    @property
    def form(self) -> KpiForm:
        """Return the KPI's form (point, cumulative …)."""
        return self.evaluation.kind


def instant(moment: datetime) -> float:
    """Return a moment as seconds since the epoch, one stored without a time zone read as Japan's time.

    >>> from datetime import UTC
    >>> instant(datetime(2026, 12, 3, 9, 0)) == instant(datetime(2026, 12, 3, 0, 0, tzinfo=UTC))
    True
    """
    return moment.timestamp() if moment.tzinfo else moment.replace(tzinfo=JAPAN).timestamp()


def latest_entry(kpis: Iterable[KpiView]) -> datetime | None:
    """Return when the latest approved actual or published assessment of these KPIs was entered (None: none was).

    >>> from datetime import UTC
    >>> latest_entry([]) is None
    True
    """
    moments = [a.entered_at for kpi in kpis for a in kpi.actuals if a.entered_at is not None]
    moments.extend(k.assessment.entered_at for k in kpis if k.assessment is not None and k.assessment.entered_at)
    return max(moments, key=instant, default=None)
