"""View objects that pages and printed reports draw from: plain data of the domain, built by the read models."""

from __future__ import annotations

from dataclasses import dataclass, field

from renkei.domain.actual import Actual, Assessment
from renkei.domain.plan import KPI
from renkei.domain.progress import Evaluation, KpiForm
from renkei.domain.share import ShareRule, YearFigure


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

    @property
    def anchor(self) -> str:
        """Return the fragment id of the KPI on its project page."""
        return f"kpi-{self.position + 1}"

    @property
    def form(self) -> KpiForm:
        """Return the KPI's form (point, cumulative …)."""
        return self.evaluation.kind
