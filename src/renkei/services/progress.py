"""Plan progress (進捗): evaluate every KPI of a plan as of a fiscal year, and summarise it once for everyone.

:func:`evaluate_plan` is pure: a plan, its actuals keyed by (project key, KPI key), and the year.
:func:`evaluate_stored_plan` is the one entry point for a stored plan: the CLI, the API, the pages, the
charts and the exports all read its :class:`PlanProgress`. A 【再掲】 sheet shows its project's actuals and
counts once (:class:`renkei.domain.relisting.Relisting`), and budgets are totalled once
(:func:`renkei.domain.totals.total_budget`).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date

from sqlalchemy.orm import Session

from renkei.domain.actual import Actual, Assessment, value_by_fiscal_year
from renkei.domain.fiscal import latest_ended_fiscal_year
from renkei.domain.plan import KPI, Plan, Project
from renkei.domain.progress import (
    Evaluation,
    ProgressError,
    Rating,
    Status,
    Thresholds,
    evaluate_kpi,
    month_merge_for,
)
from renkei.domain.relisting import Relisting
from renkei.domain.revision import KpiHistory, kpi_in_force
from renkei.domain.share import ShareMode, ShareRule, YearFigure, figures_by_period
from renkei.domain.text import fold
from renkei.domain.totals import BudgetTotals, total_budget
from renkei.services.plan_lookup import PlanNotFoundError, resolve_plan_id
from renkei.store import repository
from renkei.store.rounds import round_years

ActualsByKpi = Mapping[tuple[str, str], Sequence[Actual]]
AssessmentsByKpi = Mapping[tuple[str, str], Sequence[Assessment]]
#: Each revised KPI's history (一部改正), by (project key, KPI key): :func:`renkei.store.revisions.list_kpi_histories`.
HistoriesByKpi = Mapping[tuple[str, str], KpiHistory]


def default_evaluation_year(plan: Plan, today: date | None = None, *, round_years: Iterable[int] = ()) -> int:
    """Return the year to judge as of, kept within the plan period.

    Once the staff workspace has opened a reporting round for the plan, it is the fiscal year of the latest
    round (the year whose actuals are being collected); before that, the latest fiscal year that has ended
    (a fiscal year ends on 31 March). Either way a KPI is then judged on its latest reported year up to it.

    >>> plan = Plan("a", "A", 2026, 2030, ())
    >>> default_evaluation_year(plan, date(2026, 12, 2)), default_evaluation_year(plan, date(2029, 5, 1))
    (2026, 2028)
    >>> default_evaluation_year(plan, date(2029, 5, 1), round_years=[2026, 2027])
    2027
    """
    latest_round = max(round_years, default=None)
    if latest_round is not None:
        return clamp_year(plan, latest_round)
    today = today or date.today()
    return clamp_year(plan, latest_ended_fiscal_year(today.year, today.month, today.day))


def clamp_year(plan: Plan, year: int) -> int:
    """Keep an evaluation year within the plan period.

    >>> clamp_year(Plan("a", "A", 2026, 2030, ()), 2200)
    2030
    """
    return min(max(year, plan.first_year), plan.last_year)


@dataclass(frozen=True, slots=True)
class KpiProgress:
    """A KPI's evaluation with where it sits: its project, position, yearly values and entries.

    ``counted`` is false for a 【再掲】 repeat (the KPI counts once, on its project's owning sheet).
    ``values`` are the yearly values the evaluation read; ``actuals`` the records behind them (the KPI's own
    figures and the municipalities' shares); ``figures`` each period's figure with its source and shares, as
    ``shares`` (the KPI's stated rule) makes it. ``kpi`` is the KPI as in force in the evaluation year (its target
    before a later revision, :func:`renkei.domain.revision.kpi_in_force`); ``history`` its revisions, if any.
    """

    project: Project
    kpi: KPI
    evaluation: Evaluation
    counted: bool = True
    position: int = 0
    values: dict[int, float] = field(default_factory=dict)
    actuals: tuple[Actual, ...] = ()
    assessment: Assessment | None = None
    shares: ShareRule = field(default_factory=ShareRule)
    figures: tuple[YearFigure, ...] = ()
    history: KpiHistory | None = None

    @property
    def anchor(self) -> str:
        """Return the fragment id of the KPI on its project page."""
        return f"kpi-{self.position + 1}"

    def to_dict(self) -> dict[str, object]:
        """Return the JSON record: the evaluation's keys, then where the KPI sits in the plan."""
        return {
            **self.evaluation.to_dict(),
            "project_key": self.project.key,
            "kpi_key": self.kpi.key,
            "relisted": self.project.relisted,
            "counted": self.counted,
            "policy_area": self.project.policy_area_label,
            "category": self.project.category_label,
            "unit": self.kpi.unit,
            "baseline": self.kpi.baseline.text,
            "target": self.kpi.target.text,
            "actual_by_year": {str(y): v for y, v in self.values.items()},
            "assessment": self.assessment.to_dict() if self.assessment else None,
            **({"revisions": self.history.to_list()} if self.history is not None else {}),
        }


def _latest_assessment(items: Sequence[Assessment], as_of: int) -> Assessment | None:
    due = [a for a in items if a.fiscal_year <= as_of]
    return max(due, key=lambda a: a.fiscal_year) if due else None


def _entries(by_kpi: Mapping[tuple[str, str], Sequence[object]], keys: Sequence[tuple[str, str]]) -> Sequence[object]:
    return next((by_kpi[k] for k in keys if k in by_kpi), ())


def evaluate_plan_kpis(
    plan: Plan,
    actuals: ActualsByKpi,
    *,
    as_of: int,
    assessments: AssessmentsByKpi | None = None,
    thresholds: Thresholds = Thresholds(),
    relisting: Relisting | None = None,
    share_modes: Mapping[tuple[str, str], str] | None = None,
    histories: HistoriesByKpi | None = None,
) -> list[KpiProgress]:
    """Evaluate every KPI of a plan as of a fiscal year, in document order, with its project.

    Actuals and assessments are keyed by (project key, KPI key); a 【再掲】 sheet reads its project's.
    ``share_modes`` says which KPIs make their figure from their partners' shares (:mod:`renkei.domain.share`);
    every other KPI's figure is its stated total. A KPI with a history (``histories``) is judged against the target
    in force in ``as_of``, and its explanation says which. The KPIs are those of the vision in force in ``as_of``
    (:meth:`renkei.domain.revision.KpiHistory.in_force`): a KPI a revision added from a later year is left out, and
    one a revision dropped from a later year is judged (in its form then, after the sheet's current KPIs) and
    counted, its explanation saying until when.
    """
    rule = relisting or Relisting.of(plan)
    by_key = {p.key: p for p in plan.projects}
    modes = {(project, fold(kpi)): mode for (project, kpi), mode in (share_modes or {}).items()}
    by_kpi = {(project, fold(kpi)): list(items) for (project, kpi), items in actuals.items()}
    judged = {(project, fold(kpi)): list(items) for (project, kpi), items in (assessments or {}).items()}
    listings: dict[str, list[str]] = {}
    for listed in plan.projects:
        listings.setdefault(rule.owner_key(listed.key), []).append(listed.key)
    gone = _dropped_in_force(histories or {}, as_of)
    gone_places = {(rule.owner_key(key), h.last_form.key) for key, found in gone.items() for h in found
                   if h.last_form is not None}
    results: list[KpiProgress] = []

    def evaluate(project: Project, kpi: KPI, position: int, history: KpiHistory | None, counted: bool) -> KpiProgress:
        siblings = listings[rule.owner_key(project.key)]
        home = rule.actuals_key(project, kpi)
        keys = [home, *((k, kpi.key) for k in siblings if k != home[0])]
        own = [a for a in _entries(by_kpi, keys) if isinstance(a, Actual)]
        assessment = _latest_assessment([a for a in _entries(judged, keys) if isinstance(a, Assessment)], as_of)
        shares = ShareRule.of(by_key.get(home[0], project), kpi, modes.get(home, ShareMode.TOTAL))
        in_force = kpi_in_force(kpi, history.entries, as_of) if history is not None else None
        form = in_force.kpi if in_force is not None else kpi
        evaluation = evaluate_kpi(
            form, own, as_of=as_of, plan_first_year=plan.first_year, plan_last_year=plan.last_year,
            project=project.name, assessment=assessment, thresholds=thresholds, figure=shares.figure,
        )
        if history is not None and in_force is not None:
            ja = history.status_note(as_of, "ja") + in_force.note("ja")
            en = history.status_note(as_of, "en") + in_force.note("en")
            if ja:
                evaluation = replace(evaluation, explanation_ja=ja + evaluation.explanation_ja,
                                     explanation_en=en + evaluation.explanation_en)
        return KpiProgress(
            project, form, evaluation, counted=counted, position=position,
            values=value_by_fiscal_year(own, months=month_merge_for(kpi), figure=shares.figure),
            actuals=tuple(own), assessment=assessment, shares=shares,
            figures=tuple(figures_by_period(shares, own)), history=history,
        )  # fmt: skip

    for project in plan.projects:
        for position, kpi in enumerate(project.kpis):
            history = (histories.get((project.key, kpi.key)) or histories.get(rule.actuals_key(project, kpi))
                       if histories else None)
            if history is not None and not history.in_force(as_of):
                continue  # added by a revision in force from a later year: not yet part of the vision
            results.append(evaluate(project, kpi, position, history, rule.kpi_counts(project.key, kpi.key)))
        for offset, history in enumerate(gone.get(project.key, ())):  # dropped by a revision from a later year
            assert history.last_form is not None
            counted = rule.is_owner(project.key) or (rule.owner_key(project.key),
                                                     history.last_form.key) not in gone_places
            results.append(evaluate(project, history.last_form, len(project.kpis) + offset, history, counted))
    return results


def _dropped_in_force(histories: HistoriesByKpi, as_of: int) -> dict[str, list[KpiHistory]]:
    """Return, by sheet, the KPIs a revision dropped that are still part of the vision in ``as_of``, in their old
    order on the sheet."""
    found: dict[str, list[KpiHistory]] = {}
    for (project_key, _), history in histories.items():
        if history.last_form is not None and history.dropped is not None and history.in_force(as_of):
            found.setdefault(project_key, []).append(history)
    for items in found.values():
        items.sort(key=lambda h: (h.position if h.position is not None else 0, h.indicator))
    return found


def evaluate_plan(
    plan: Plan,
    actuals: ActualsByKpi,
    *,
    as_of: int,
    assessments: AssessmentsByKpi | None = None,
    thresholds: Thresholds = Thresholds(),
) -> list[Evaluation]:
    """Evaluate every KPI of a plan as of a fiscal year (actuals keyed by project key and KPI key)."""
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
    budget_total: int | None

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
        self.budget_in_period: list[int] = []

    def add_kpi(self, evaluation: Evaluation) -> None:
        self.kpis += 1
        self.by_status[evaluation.status.value] += 1
        self.by_rating[evaluation.rating.value] += 1

    def add_budget(self, project: Project, plan: Plan) -> None:
        for cell in project.budget.cells if project.budget else ():
            if cell.amount is not None and cell.status.value == "amount":
                self.budget[cell.fiscal_year] = self.budget.get(cell.fiscal_year, 0) + cell.amount
                if plan.first_year <= cell.fiscal_year <= plan.last_year:
                    self.budget_in_period.append(cell.amount)

    def group(self) -> ProgressGroup:
        return ProgressGroup(
            label=self.label,
            projects=len(self.projects),
            kpis=self.kpis,
            by_status=self.by_status,
            by_rating=self.by_rating,
            budget_by_year=dict(sorted(self.budget.items())),
            budget_total=sum(self.budget_in_period) if self.budget_in_period else None,
        )


def summarise_progress(plan: Plan, kpis: Sequence[KpiProgress], relisting: Relisting | None = None,
                       as_of: int | None = None) -> ProgressSummary:
    """Count statuses and ratings by policy area and category, and total budgets: each project once.

    A project counts in its owning sheet's policy area and category (the original, see
    :class:`~renkei.domain.relisting.Relisting`); its KPIs count once, and its budget once.
    """
    rule = relisting or Relisting.of(plan)
    by_key = {p.key: p for p in plan.projects}
    overall = _Tally("計画全体")
    areas: dict[str, _Tally] = {}
    categories: dict[str, _Tally] = {}

    def tallies(project: Project) -> tuple[_Tally, ...]:
        area_label, category_label = project.policy_area_label, project.category_label
        area = areas.get(area_label) or areas.setdefault(area_label, _Tally(area_label))  # one _Tally per group
        category = categories.get(category_label) or categories.setdefault(category_label, _Tally(category_label))
        return overall, area, category

    for project in plan.projects:  # document order for the groups
        owner = by_key[rule.owner_key(project.key)]
        for tally in tallies(owner):
            tally.projects.add(owner.key)
        if rule.budget_counts(project.key):
            for tally in tallies(project):
                tally.add_budget(project, plan)
    for item in kpis:
        if item.counted:
            for tally in tallies(by_key[rule.owner_key(item.project.key)]):
                tally.add_kpi(item.evaluation)
    return ProgressSummary(
        as_of=as_of if as_of is not None else (kpis[0].evaluation.as_of if kpis else None),
        overall=overall.group(),
        by_policy_area=tuple(t.group() for t in areas.values()),
        by_category=tuple(t.group() for t in categories.values()),
    )


def update_summary(summary: ProgressSummary, plan: Plan, relisting: Relisting, *, removed: Iterable[KpiProgress],
                   added: Iterable[KpiProgress]) -> ProgressSummary:
    """Return a summary with some KPIs evaluated again: each counted KPI's status and rating move from ``removed``'s
    to ``added``'s in its project's groups (the same as :func:`summarise_progress` over the new evaluations, without
    going over the whole plan; budgets, projects and KPI counts stay as they are)."""
    by_key = {p.key: p for p in plan.projects}
    moves: dict[tuple[int, str], Counter[str]] = {}
    for sign, items in ((-1, removed), (1, added)):
        for item in items:
            if not item.counted:
                continue
            owner = by_key[relisting.owner_key(item.project.key)]
            for group in ((0, ""), (1, owner.policy_area_label), (2, owner.category_label)):
                counter = moves.setdefault(group, Counter())
                counter["status:" + item.evaluation.status.value] += sign
                counter["rating:" + item.evaluation.rating.value] += sign

    def moved(kind: int, group: ProgressGroup) -> ProgressGroup:
        counter = moves.get((kind, "" if kind == 0 else group.label))
        if not counter:
            return group
        return replace(group, by_status={k: n + counter["status:" + k] for k, n in group.by_status.items()},
                       by_rating={k: n + counter["rating:" + k] for k, n in group.by_rating.items()})

    return replace(summary, overall=moved(0, summary.overall),
                   by_policy_area=tuple(moved(1, g) for g in summary.by_policy_area),
                   by_category=tuple(moved(2, g) for g in summary.by_category))


@dataclass(frozen=True, slots=True)
class PlanProgress:
    """A plan's progress as of a year: each KPI's evaluation, the summary, the budget totals and the rule."""

    plan_id: int | None
    plan: Plan
    as_of: int
    kpis: tuple[KpiProgress, ...]
    summary: ProgressSummary
    totals: BudgetTotals
    relisting: Relisting
    include_pending: bool = False
    #: Each revised KPI's history, dropped KPIs' too (empty for a plan never revised).
    histories: HistoriesByKpi = field(default_factory=dict)


def evaluate_loaded_plan(
    plan: Plan,
    actuals: ActualsByKpi,
    *,
    as_of: int | None = None,
    assessments: AssessmentsByKpi | None = None,
    thresholds: Thresholds = Thresholds(),
    plan_id: int | None = None,
    include_pending: bool = False,
    share_modes: Mapping[tuple[str, str], str] | None = None,
    histories: HistoriesByKpi | None = None,
) -> PlanProgress:
    """Evaluate a plan already in hand (a stored one, or one read from a file) into its PlanProgress."""
    if as_of is not None and (isinstance(as_of, bool) or not isinstance(as_of, int) or not 1 <= as_of <= 9999):
        raise ProgressError(f"not a western fiscal year: {as_of!r}", "as_of")
    year = clamp_year(plan, as_of) if as_of is not None else default_evaluation_year(plan)
    rule = Relisting.of(plan)
    kpis = evaluate_plan_kpis(plan, actuals, as_of=year, assessments=assessments, thresholds=thresholds,
                              relisting=rule, share_modes=share_modes, histories=histories)
    return PlanProgress(
        plan_id=plan_id, plan=plan, as_of=year, kpis=tuple(kpis),
        summary=summarise_progress(plan, kpis, rule, as_of=year), totals=total_budget(plan, rule),
        relisting=rule, include_pending=include_pending, histories=dict(histories or {}),
    )


def evaluate_stored_plan(
    session: Session,
    plan_id: int | str | None,
    as_of: int | None = None,
    *,
    thresholds: Thresholds = Thresholds(),
    include_pending: bool = False,
    project_keys: Collection[str] | None = None,
) -> PlanProgress:
    """Evaluate a stored plan (by id or key) from its approved actuals and assessments.

    ``as_of`` is kept within the plan period; by default it is the year of the plan's latest reporting round,
    or, before any round, the latest fiscal year that has ended (`default_evaluation_year`).
    ``include_pending`` previews drafts and submissions too (staff only, clearly marked by callers).
    With ``project_keys``, only those projects are read and evaluated (give a project's 【再掲】 sheets with it,
    :func:`renkei.store.repository.sheets_of_project`, since they decide where its actuals count); the summary and
    totals then cover those projects only.
    """
    resolved = plan_id if isinstance(plan_id, int) else resolve_plan_id(session=session, plan=plan_id)
    try:
        plan = repository.load_plan(session=session, plan_id=resolved, project_keys=project_keys)
    except LookupError:
        raise PlanNotFoundError(f"計画 {resolved} がありません / no plan with id {resolved}") from None
    from renkei.store.actuals import list_share_modes
    from renkei.store.portal_queries import list_assessments
    from renkei.store.project_text import apply_published_text
    from renkei.store.revisions import list_kpi_histories

    keys = project_keys
    plan = apply_published_text(session=session, plan_id=resolved, plan=plan, project_keys=keys)  # once published
    actuals = repository.list_actuals(session=session, plan_id=resolved, include_pending=include_pending,
                                      project_keys=keys)
    assessments = list_assessments(session=session, plan_id=resolved, project_keys=keys)
    share_modes = list_share_modes(session=session, plan_id=resolved, project_keys=keys)
    histories = list_kpi_histories(session=session, plan_id=resolved, project_keys=keys)
    if as_of is None:
        as_of = default_evaluation_year(plan, round_years=round_years(session=session, plan_id=resolved))
    return evaluate_loaded_plan(plan, actuals, as_of=as_of, assessments=assessments, thresholds=thresholds,
                                plan_id=resolved, include_pending=include_pending, share_modes=share_modes,
                                histories=histories)
