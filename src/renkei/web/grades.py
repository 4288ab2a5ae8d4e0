"""The area's own grades on the portal: which scale and roll-up a snapshot's pages show, and the totals in them.

An area that sets no ``evaluation_scale`` and no ``rollup`` gets None here, and every page, the API and the CSVs
show renkei's A–E exactly as before. Otherwise the pages draw their badges, legends and totals from
:class:`AreaGrading`, whose words and rules come from :mod:`renkei.presentation.grading`.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass
from threading import Lock

from renkei.domain.scale import DEFAULT_SCALE, EvaluationScale, Grade, RollUp, RollUpResult
from renkei.presentation.grading import (
    GradableKpi,
    GradeSummary,
    LegendGrade,
    describe_rule,
    format_rollup,
    grade_kpi,
    grade_legend,
    roll_up_kpis,
    summarise_grades,
)
from renkei.presentation.views import KpiView
from renkei.store.portal_queries import AreaMembers
from renkei.web.readmodel import Portal, ProjectView

#: The totals of the last few snapshots (a snapshot never changes, so its totals are computed once).
_SUMMARIES: OrderedDict[int, tuple[Portal, GradeSummary]] = OrderedDict()
_SUMMARIES_LOCK = Lock()
_KEPT = 16


@dataclass(frozen=True, slots=True)
class AreaGrading:
    """An area's scale and roll-up rule, as a snapshot's pages apply them."""

    scale: EvaluationScale
    rollup: RollUp
    #: The area's slug: its badges' classes are its own (``grade-<area>-<n>``), so pages that show KPIs of several
    #: areas (the national dashboard) colour each in its area's scale.
    slug: str

    def grade_class(self, key: str) -> str:
        """Return the class of a grade's badge (its colour in the area's stylesheet)."""
        position = next(i for i, g in enumerate(self.scale.grades) if g.key == key)
        return f"grade-{self.slug}-{position}"

    def kpi(self, kpi: GradableKpi) -> Grade:
        """Return the grade a KPI shows."""
        return grade_kpi(self.scale, kpi)

    def project(self, view: ProjectView) -> RollUpResult:
        """Return a project's total: its KPIs rolled up (each of its KPIs, a 【再掲】 sheet's too)."""
        return roll_up_kpis(self.scale, self.rollup, view.kpis)

    def legend(self, lang: str) -> tuple[LegendGrade, ...]:
        """Return the scale's legend in the language."""
        return grade_legend(self.scale, lang)

    def rule_words(self, lang: str) -> str:
        """Say how a KPI reaches a grade."""
        return describe_rule(self.scale, lang)

    def rollup_words(self, lang: str) -> str:
        """Say how grades add up."""
        return self.rollup.describe(self.scale, lang)

    def total_words(self, result: RollUpResult, lang: str) -> str:
        """Say a total in words (its grade, or its KPIs per grade)."""
        return format_rollup(result, self.scale, lang)

    def summary(self, portal: Portal) -> GradeSummary:
        """Return the plan's totals: the whole, each 政策分野 and each 分類, every counted KPI once."""
        key = id(portal)
        with _SUMMARIES_LOCK:
            kept = _SUMMARIES.get(key)
            if kept is not None and kept[0] is portal:
                _SUMMARIES.move_to_end(key)
                return kept[1]
        by_key = {p.key: p for p in portal.plan.projects}
        rule = portal.progress.relisting
        kpis: list[KpiView] = list(portal.kpis)
        found = summarise_grades(self.scale, self.rollup, kpis,
                                 owner=lambda kpi: by_key[rule.owner_key(kpi.project_key)])
        with _SUMMARIES_LOCK:
            _SUMMARIES[key] = (portal, found)
            while len(_SUMMARIES) > _KEPT:
                _SUMMARIES.popitem(last=False)
        return found


def grade_stylesheet(grading: AreaGrading) -> str:
    """Return the stylesheet of an area's badges: each grade's colour (checked #rrggbb, so nothing else gets in).

    >>> print(grade_stylesheet(AreaGrading(DEFAULT_SCALE, RollUp.SHARE, "kitakyushu")).splitlines()[0])
    .badge.grade-kitakyushu-0 { border-color: #1b7d3c; color: #1b7d3c; }
    """
    return "".join(f".badge.{grading.grade_class(g.key)} {{ border-color: {g.colour}; color: {g.colour}; }}\n"
                   for g in grading.scale.grades)


def area_grading(portal: Portal | None) -> AreaGrading | None:
    """Return the grading a snapshot's pages show; None for an area on renkei's A–E and worst-KPI badge."""
    return members_grading(portal.members if portal is not None else None)


def members_grading(members: AreaMembers | None) -> AreaGrading | None:
    """Return the grading of a stored area; None for an area on renkei's A–E and worst-KPI badge."""
    if members is None or (members.scale is None and members.rollup is RollUp.WORST):
        return None
    return AreaGrading(members.scale or DEFAULT_SCALE, members.rollup, members.slug)
