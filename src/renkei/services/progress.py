"""Plan progress (進捗): evaluate every KPI of a plan as of a fiscal year and summarise by area and category.

:func:`evaluate_plan` is pure: a plan, its actuals keyed by (project key, indicator) and the year.
A 【再掲】 sheet shares its original's actuals (same project name and indicator) and is counted once
in the summary, as its budget is (see :mod:`renkei.domain.totals`). :func:`load_and_evaluate` does the
same for a plan stored in the database.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from sqlalchemy.orm import Session

from renkei.domain.actual import Actual, Assessment
from renkei.domain.plan import KPI, Plan, Project, normalise_key_text
from renkei.domain.progress import Evaluation, Rating, Status, Thresholds, evaluate_kpi
from renkei.domain.totals import counts_in_totals, find_original, policy_area_label
from renkei.export.actuals_template import unit_of
from renkei.store import repository

ActualsByKpi = Mapping[tuple[str, str], Sequence[Actual]]
AssessmentsByKpi = Mapping[tuple[str, str], Sequence[Assessment]]

NO_CATEGORY = "（連携協約なし）"


class PlanNotFoundError(LookupError):
    """A plan asked for by id or key that the database does not hold."""


@dataclass(frozen=True, slots=True)
class KpiProgress:
    """A KPI's evaluation with the project it belongs to; ``counted`` is false for a 【再掲】 repeat."""

    project: Project
    kpi: KPI
    evaluation: Evaluation
    counted: bool = True

    def to_dict(self) -> dict[str, object]:
        """Return the JSON record: the evaluation's keys, then where the KPI sits in the plan."""
        return {
            **self.evaluation.to_dict(),
            "project_key": self.project.key,
            "relisted": self.project.relisted,
            "counted": self.counted,
            "policy_area": policy_area_label(self.project),
            "category": category_label(self.project),
            "unit": unit_of(self.kpi),
            "baseline": self.kpi.baseline.text,
            "target": self.kpi.target.text,
            "measured": self.evaluation.measured,
            "target_value": self.evaluation.target_value,
            "target_year": self.evaluation.target_year,
        }


def category_label(project: Project) -> str:
    """Return a project's category label (``a 地域公共交通``), or 「（連携協約なし）」."""
    category = project.category
    return f"{category.code} {category.name}" if category else NO_CATEGORY


def _folded(mapping: Mapping[tuple[str, str], Sequence[object]]) -> dict[tuple[str, str], Sequence[object]]:
    return {(key, normalise_key_text(indicator)): items for (key, indicator), items in mapping.items()}


def _latest_assessment(items: Sequence[object], as_of: int) -> Assessment | None:
    due = [a for a in items if isinstance(a, Assessment) and a.fiscal_year <= as_of]
    return max(due, key=lambda a: a.fiscal_year) if due else None


def evaluate_plan_kpis(
    plan: Plan,
    actuals: ActualsByKpi,
    *,
    as_of: int,
    assessments: AssessmentsByKpi | None = None,
    thresholds: Thresholds = Thresholds(),
) -> list[KpiProgress]:
    """Evaluate every KPI of a plan as of a fiscal year, in document order, with its project."""
    by_kpi = _folded(actuals)
    judged = _folded(assessments or {})
    seen: set[tuple[str, str]] = set()
    results: list[KpiProgress] = []
    for project in plan.projects:
        original = find_original(plan, project)
        keys = [project.key] + ([original.key] if original is not None else [])
        for kpi in project.kpis:
            indicator = normalise_key_text(kpi.indicator)
            own = next((by_kpi[(k, indicator)] for k in keys if (k, indicator) in by_kpi), ())
            judgement = next((judged[(k, indicator)] for k in keys if (k, indicator) in judged), ())
            evaluation = evaluate_kpi(
                kpi,
                [a for a in own if isinstance(a, Actual)],
                as_of=as_of,
                plan_first_year=plan.first_year,
                plan_last_year=plan.last_year,
                project=project.name,
                assessment=_latest_assessment(judgement, as_of),
                thresholds=thresholds,
            )
            once = (normalise_key_text(project.name), indicator)
            results.append(KpiProgress(project, kpi, evaluation, counted=once not in seen))
            seen.add(once)
    return results


def evaluate_plan(
    plan: Plan,
    actuals: ActualsByKpi,
    *,
    as_of: int,
    assessments: AssessmentsByKpi | None = None,
    thresholds: Thresholds = Thresholds(),
) -> list[Evaluation]:
    """Evaluate every KPI of a plan as of a fiscal year (actuals keyed by project key and indicator)."""
    kpis = evaluate_plan_kpis(plan, actuals, as_of=as_of, assessments=assessments, thresholds=thresholds)
    return [k.evaluation for k in kpis]


@dataclass(frozen=True, slots=True)
class ProgressGroup:
    """Counts for a group of KPIs (a policy area, a category or the whole plan) and its budget (千円)."""

    label: str
    projects: int
    kpis: int
    by_status: dict[str, int]
    by_rating: dict[str, int]
    budget_by_year: dict[int, int]
    budget_total: int

    def to_dict(self) -> dict[str, object]:
        """Return the JSON form."""
        return {
            "label": self.label,
            "projects": self.projects,
            "kpis": self.kpis,
            "by_status": dict(self.by_status),
            "by_rating": dict(self.by_rating),
            "budget_by_year": {str(y): v for y, v in self.budget_by_year.items()},
            "budget_total": self.budget_total,
        }


@dataclass(frozen=True, slots=True)
class ProgressSummary:
    """A plan's progress counted by policy area and by category, each KPI and budget counted once."""

    as_of: int | None
    overall: ProgressGroup
    by_policy_area: tuple[ProgressGroup, ...]
    by_category: tuple[ProgressGroup, ...]

    def to_dict(self) -> dict[str, object]:
        """Return the JSON form."""
        return {
            "as_of": self.as_of,
            "overall": self.overall.to_dict(),
            "by_policy_area": [g.to_dict() for g in self.by_policy_area],
            "by_category": [g.to_dict() for g in self.by_category],
        }


class _Tally:
    def __init__(self, label: str) -> None:
        self.label = label
        self.projects: set[str] = set()
        self.by_status = {s.value: 0 for s in Status}
        self.by_rating = {r.value: 0 for r in Rating}
        self.kpis = 0
        self.budget: dict[int, int] = {}

    def add_kpi(self, evaluation: Evaluation) -> None:
        self.kpis += 1
        self.by_status[evaluation.status.value] += 1
        self.by_rating[evaluation.rating.value] += 1

    def add_budget(self, project: Project) -> None:
        for year, amount in (project.budget.by_fiscal_year.items() if project.budget else ()):
            if amount is not None:
                self.budget[year] = self.budget.get(year, 0) + amount

    def group(self, plan: Plan) -> ProgressGroup:
        return ProgressGroup(
            label=self.label,
            projects=len(self.projects),
            kpis=self.kpis,
            by_status=self.by_status,
            by_rating=self.by_rating,
            budget_by_year=dict(sorted(self.budget.items())),
            budget_total=sum(v for y, v in self.budget.items() if plan.first_year <= y <= plan.last_year),
        )


def summarise_progress(plan: Plan, evaluations: Sequence[Evaluation]) -> ProgressSummary:
    """Count statuses and ratings by policy area and category, and total budgets, each counted once.

    Evaluations are matched to the plan by project name and indicator; a 【再掲】 repeat of a KPI
    counts with the first sheet of that name (the original when the plan has it).
    """
    owners: dict[str, Project] = {}
    for project in sorted(plan.projects, key=lambda p: p.relisted):
        owners.setdefault(normalise_key_text(project.name), project)
    overall = _Tally("計画全体")
    areas: dict[str, _Tally] = {}
    categories: dict[str, _Tally] = {}

    def tallies(project: Project) -> tuple[_Tally, ...]:
        area = areas.setdefault(policy_area_label(project), _Tally(policy_area_label(project)))
        category = categories.setdefault(category_label(project), _Tally(category_label(project)))
        return overall, area, category

    for project in plan.projects:  # document order for the groups, and budgets counted once
        owner = owners[normalise_key_text(project.name)]
        for tally in tallies(owner):
            tally.projects.add(owner.key)
        if counts_in_totals(plan, project):
            for tally in tallies(project):
                tally.add_budget(project)
    seen: set[tuple[str, str]] = set()
    for evaluation in evaluations:
        name = normalise_key_text(evaluation.project)
        key = (name, normalise_key_text(evaluation.indicator))
        if key in seen:
            continue
        seen.add(key)
        found = owners.get(name)
        for tally in tallies(found) if found is not None else (overall,):
            tally.add_kpi(evaluation)
    return ProgressSummary(
        as_of=evaluations[0].as_of if evaluations else None,
        overall=overall.group(plan),
        by_policy_area=tuple(t.group(plan) for t in areas.values()),
        by_category=tuple(t.group(plan) for t in categories.values()),
    )


@dataclass(frozen=True, slots=True)
class PlanProgress:
    """A stored plan's progress: the plan, each KPI's evaluation and the summary."""

    plan_id: int
    plan: Plan
    kpis: tuple[KpiProgress, ...]
    summary: ProgressSummary


def resolve_plan_id(*, session: Session, plan: str | int | None) -> int:
    """Return the id of a stored plan named by id, by key (``kitakyushu-2026``) or ``area/key``.

    With no name, the only stored plan is meant; several (or none) is an error.
    """
    plans = repository.list_plans(session=session)
    if plan is None:
        if len(plans) == 1:
            return plans[0].id
        listed = ", ".join(f"{p.id} ({p.area_slug}/{p.plan_key})" for p in plans) or "なし / none"
        raise PlanNotFoundError(f"計画を --plan で指定してください / name the plan with --plan (stored: {listed})")
    text = str(plan).strip()
    matches = [p for p in plans if text in (str(p.id), p.plan_key, f"{p.area_slug}/{p.plan_key}")]
    if len(matches) == 1:
        return matches[0].id
    if len(matches) > 1:
        raise PlanNotFoundError(f"計画「{text}」が複数あります。area/key で指定してください / "
                                f"{text!r} is ambiguous: use area/key")
    raise PlanNotFoundError(f"計画「{text}」がありません / no stored plan {text!r}")


def load_and_evaluate(
    *,
    session: Session,
    as_of: int,
    plan_id: int | None = None,
    plan_key: str | None = None,
    thresholds: Thresholds = Thresholds(),
) -> PlanProgress:
    """Evaluate a stored plan (by id, or by key) from its current actuals and approved assessments."""
    if plan_id is None:
        plan_id = resolve_plan_id(session=session, plan=plan_key)
    try:
        plan = repository.load_plan(session=session, plan_id=plan_id)
    except LookupError:
        raise PlanNotFoundError(f"計画 {plan_id} がありません / no plan with id {plan_id}") from None
    actuals = repository.list_actuals(session=session, plan_id=plan_id)
    assessments = _stored_assessments(session, plan_id)
    kpis = evaluate_plan_kpis(plan, actuals, as_of=as_of, assessments=assessments, thresholds=thresholds)
    summary = summarise_progress(plan, [k.evaluation for k in kpis])
    return PlanProgress(plan_id=plan_id, plan=plan, kpis=tuple(kpis), summary=summary)


def _stored_assessments(session: Session, plan_id: int) -> AssessmentsByKpi:
    try:
        from renkei.store.portal_queries import list_assessments
    except ImportError:  # the portal's store module is optional in a trimmed install
        return {}
    return list_assessments(session=session, plan_id=plan_id)
