"""Actuals import: check an actuals sheet's rows against a plan's KPIs, then record them all or none.

Each row must name a project of the plan (a 【再掲】 copy's name leads to its original sheet), one of
that project's indicators, a fiscal year that takes actuals now (an open reporting round's year, never a
year after the current one: :class:`renkei.domain.reporting_year.ReportingYears`) within the KPI's range
(the plan period, widened to the baseline year and the target years) and a number, in the KPI's unit when
a unit is written. A bad row is reported with its row number and nothing is written, unless
``skip_invalid`` is set: then the good rows are recorded and the bad ones reported. Re-importing the same
sheet changes nothing; every write goes through :func:`renkei.store.actuals.upsert_actual`, which keeps
history and the audit trail. A row's total (実績値) is the KPI's own figure; each municipality column
(実績値:行橋市) is that municipality's share, a record of its own that never replaces another's and never
becomes the total (:mod:`renkei.domain.share`).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import date
from enum import StrEnum
from typing import TYPE_CHECKING

from sqlalchemy.orm import Session

from renkei.domain.actual import ASSESSMENT_WORDS, HISTORICAL, Actual, ActualError
from renkei.domain.fiscal import fiscal_year_of
from renkei.domain.kpi_reporting import ASSESSED_FORMS, COUNT_UNITS, fold_unit, kpi_range, kpi_units
from renkei.domain.localcode import LocalCodeError, normalise_code
from renkei.domain.municipality import Area
from renkei.domain.name_match import SUGGESTION_CUTOFF, nearest_name
from renkei.domain.plan import KPI, Plan, Project, indicator_key, normalise_key_text
from renkei.domain.progress import KpiForm, classify_kpi
from renkei.domain.relisting import strip_relisted
from renkei.domain.reporting_year import ReportingYears
from renkei.reading.actuals import ActualsRow, ActualsSheet, RowError
from renkei.store import repository
from renkei.store.actuals import find_current_actual, read_actual, upsert_assessment
from renkei.store.areas import find_area

if TYPE_CHECKING:  # argon2 and the accounts' code only when a staff user imports (--user)
    from renkei.services.accounts import StaffUser


class ActualsImportError(ValueError):
    """An import that cannot start (no such plan); row problems are reported, not raised."""


@dataclass(frozen=True, slots=True)
class ValidRow:
    """A row that passed every check: the project and KPI it belongs to and the records to make of it.

    ``actual`` is the row as the KPI's own figure (its ``value`` None when the row gives shares only), with the
    row's note, comment and evidence; ``shares`` the municipalities' shares it gives, each a record of its own.
    """

    row: int
    project: Project
    kpi: KPI
    actual: Actual
    #: A staff assessment word (達成 …), recorded as the KPI's assessment for the year.
    assessment: str | None = None
    shares: tuple[Actual, ...] = ()
    #: The word of a figure not yet known (集計中) in an area's own sheet: recorded without a value, never as 0.
    pending: str | None = None

    @property
    def records(self) -> tuple[Actual, ...]:
        """Return what the row records: the KPI's own figure when a total is given, then each share.

        A row of shares only gives its note, comment and evidence to its shares.
        """
        if self.actual.value is not None or self.pending is not None:
            return (self.actual, *self.shares)
        return tuple(replace(share, note=self.actual.note, comment=self.actual.comment,
                             evidence=self.actual.evidence) for share in self.shares)


def _plausibility(row: ActualsRow, kpi: KPI, error: Callable[[str, str, str], None]) -> None:
    """Reject what no real actual can be: a negative count, a number where nothing is measurable, a misplaced word."""
    form = classify_kpi(kpi)
    if row.assessment is not None:
        if form not in ASSESSED_FORMS:
            error("value", f"「{row.assessment}」は定性的な指標の評価です。この指標には数値を入力してください",
                  f"{row.assessment!r} assesses a qualitative KPI; this KPI takes a number")
        elif row.by_municipality:
            error("value", "評価は指標全体について入力します（市町村別の列には入力できません）",
                  "an assessment is for the KPI as a whole, not for one municipality")
        return
    numbers = [v for v in (row.value, *(v for _, v in row.by_municipality)) if v is not None]
    if row.pending is not None and row.value is None:
        return  # an earlier year's figure not yet known (集計中): kept as pending, without a value
    if not numbers:
        error("value", "実績値が空欄です（備考だけの行は取り込めません）",
              "the actual is empty (a note alone is not an actual)")
        return
    if form is KpiForm.NONE:
        error("value", "この指標の目標値には測定できる値がないため、数値の実績は記録できません",
              "this KPI's target states nothing measurable, so a number cannot be recorded")
    elif form is KpiForm.QUALITATIVE and (kpi.target.direction or kpi.direction) is None:
        words = "・".join(ASSESSMENT_WORDS)
        error("value", f"この指標は定性的で比べる方向が書かれていません。評価（{words}）を入力してください",
              "this qualitative KPI states no direction to compare a number with; enter an assessment word")
    unit = fold_unit(kpi.target.unit or kpi.baseline.unit)
    if unit in COUNT_UNITS and any(v < 0 for v in numbers):
        error("value", f"数（{unit}）がマイナスです", f"a negative count ({unit})")


@dataclass(frozen=True, slots=True)
class ActualsValidation:
    """The rows of a sheet checked against a plan: good rows, row errors (by row) and blank rows."""

    valid: tuple[ValidRow, ...]
    errors: tuple[RowError, ...]
    blank_rows: tuple[int, ...] = ()

    @property
    def rejected_rows(self) -> tuple[int, ...]:
        """Return the numbers of the rows with at least one error."""
        return tuple(sorted({e.row for e in self.errors}))


def suggest(name: str, choices: Sequence[str]) -> str | None:
    """Return the choice nearest to a name, when one is near enough to offer.

    >>> suggest("火災原因調査鑑識鑑定連携事業", ["火災原因調査鑑識・鑑定連携事業", "ふくおか水素戦略事業"])
    '火災原因調査鑑識・鑑定連携事業'
    >>> suggest("まったく別の名前", ["火災原因調査鑑識・鑑定連携事業"]) is None
    True
    """
    found = nearest_name(name, choices, cutoff=SUGGESTION_CUTOFF)
    return found.name if found else None


class _PlanIndex:
    """Looks up projects by name (originals before 【再掲】 copies) and municipalities by name or code."""

    def __init__(self, plan: Plan, area: Area | None, years: ReportingYears) -> None:
        self.plan = plan
        self.years = years
        self.by_name: dict[str, list[Project]] = {}
        for project in sorted(plan.projects, key=lambda p: p.relisted):
            self.by_name.setdefault(normalise_key_text(project.name), []).append(project)
            self.by_name.setdefault(project.key, [project])
        self.names = list(dict.fromkeys(p.name for p in plan.projects))
        self.municipalities: dict[str, str] = {}
        for project in plan.projects:
            if len(project.partners.codes) == len(project.partners.municipalities):
                for name, code in zip(project.partners.municipalities, project.partners.codes, strict=True):
                    self.municipalities.setdefault(normalise_key_text(name), code)
        for member in area.members if area else ():
            self.municipalities[normalise_key_text(member.name)] = member.code

    def projects(self, written: str) -> list[Project]:
        name, _ = strip_relisted(written)
        return self.by_name.get(normalise_key_text(name)) or self.by_name.get(written.strip(), [])

    def municipality_code(self, written: str) -> str | None:
        folded = normalise_key_text(written)
        if folded.isascii() and folded.replace("-", "").isdigit():
            try:
                return normalise_code(folded)
            except LocalCodeError:
                return None
        return self.municipalities.get(folded)

    def projects_with(self, indicator: str) -> list[str]:
        wanted = indicator_key(indicator)
        return [p.name for p in self.plan.projects if any(indicator_key(k.indicator) == wanted for k in p.kpis)]


#: Above this many named sheets an import reads the whole plan instead of the sheets one by one.
MAX_NAMED_SHEETS = 2000


def named_project_keys(sheet: ActualsSheet, projects: Sequence[tuple[str, str, bool]]) -> set[str] | None:
    """Return the keys of the sheets a file's rows name (each with its 【再掲】 sibling), found as
    :class:`_PlanIndex` finds them, from the plan's (key, name, relisted) listing; None when a row names no project
    (its error names the nearest one, which takes the whole plan).

    >>> listing = [("a", "観光振興", False), ("a#再掲", "観光振興", True), ("b", "防災", False)]
    >>> sheet = ActualsSheet(rows=(ActualsRow(2, "観光振興【再掲】", "来訪者数", 2026),), errors=(), blank_rows=())
    >>> sorted(named_project_keys(sheet, listing) or ())
    ['a', 'a#再掲']
    >>> named_project_keys(ActualsSheet(rows=(ActualsRow(2, "不明", "x", 2026),), errors=(), blank_rows=()), listing)
    """
    by_name: dict[str, list[str]] = {}
    for key, name, _ in sorted(projects, key=lambda p: p[2]):
        by_name.setdefault(normalise_key_text(name), []).append(key)
        by_name.setdefault(key, [key])
    keys: set[str] = set()
    for row in sheet.rows:
        name, _ = strip_relisted(row.project)
        found = by_name.get(normalise_key_text(name)) or by_name.get(row.project.strip(), [])
        if not found:
            return None
        keys.update(k for key in found for k in repository.sheets_of_project(key))
    return keys


def members_name_every_share(sheet: ActualsSheet, area: Area | None) -> bool:
    """Tell whether every municipality column of the rows is a code or a member's name, so that no other project's
    partner cell is needed to read it (a partner outside the area is found in the whole plan's partner cells)."""
    members = {normalise_key_text(m.name) for m in area.members} if area is not None else set()
    for row in sheet.rows:
        for written, _ in row.by_municipality:
            folded = normalise_key_text(written)
            if not (folded.isascii() and folded.replace("-", "").isdigit()) and folded not in members:
                return False
    return True


def current_fiscal_year(today: date | None = None) -> int:
    """Return the fiscal year under way (April to March).

    >>> current_fiscal_year(date(2027, 3, 31)), current_fiscal_year(date(2027, 4, 1))
    (2026, 2027)
    """
    moment = today or date.today()
    return fiscal_year_of(moment.year, moment.month)


def validate_actuals(plan: Plan, sheet: ActualsSheet, *, area: Area | None = None,
                     years: ReportingYears | None = None) -> ActualsValidation:
    """Check every row of a sheet against the plan's KPIs and the years that take actuals.

    ``area`` names the members (a stored plan's area comes from the database: :func:`import_actuals` finds it;
    without one only the municipalities the plan's partner cells name are known); ``years`` says which fiscal
    years take actuals (default: any year up to the current one, for a sheet read beside a document outside the
    database).
    """
    index = _PlanIndex(plan, area, years or ReportingYears(current_fiscal_year()))
    errors = list(sheet.errors)
    valid: list[ValidRow] = []
    first_row: dict[tuple[str, str, int, int], int] = {}
    for row in sheet.rows:
        row_errors: list[RowError] = []
        checked = _check_row(index, row, row_errors)
        if checked is not None:
            key = (checked.project.key, indicator_key(checked.kpi.indicator), row.fiscal_year, row.month or 0)
            if key in first_row:
                row_errors.append(RowError(
                    row.row, "fiscal_year",
                    f"同じ指標・年度の実績が{first_row[key]}行目にもあります",
                    f"the same KPI and year is already given in row {first_row[key]}",
                ))  # fmt: skip
            else:
                first_row[key] = row.row
        if row_errors:
            errors.extend(row_errors)
        elif checked is not None:
            valid.append(checked)
    errors.sort(key=lambda e: e.row)
    return ActualsValidation(valid=tuple(valid), errors=tuple(errors), blank_rows=sheet.blank_rows)


def _check_row(index: _PlanIndex, row: ActualsRow, errors: list[RowError]) -> ValidRow | None:
    def error(column: str, ja: str, en: str) -> None:
        errors.append(RowError(row.row, column, ja, en))

    projects = index.projects(row.project)
    if not projects:
        near = suggest(row.project, index.names)
        hint_ja = f"（「{near}」のことですか？）" if near else ""
        hint_en = f" (did you mean {near!r}?)" if near else ""
        error("project", f"事業「{row.project}」は計画にありません{hint_ja}",
              f"no project {row.project!r} in the plan{hint_en}")
        return None
    wanted = indicator_key(row.indicator)
    found = [(p, k) for p in projects for k in p.kpis if indicator_key(k.indicator) == wanted]
    if not found:
        near = suggest(row.indicator, [k.indicator for p in projects for k in p.kpis])
        elsewhere = [n for n in index.projects_with(row.indicator) if n != projects[0].name]
        hint_ja = f"（「{near}」のことですか？）" if near else ""
        hint_en = f" (did you mean {near!r}?)" if near else ""
        if elsewhere:
            hint_ja += f"（この指標は事業「{elsewhere[0]}」にあります）"
            hint_en += f" (it belongs to {elsewhere[0]!r})"
        error("indicator", f"事業「{projects[0].name}」に指標「{row.indicator}」はありません{hint_ja}",
              f"project {projects[0].name!r} has no indicator {row.indicator!r}{hint_en}")
        return None
    project, kpi = found[0]
    low, high = kpi_range(index.plan, kpi)
    refused = index.years.refusal(row.fiscal_year)
    if refused is not None:
        error("fiscal_year", *refused)
    elif not low <= row.fiscal_year <= high:
        error("fiscal_year", f"{row.fiscal_year}年度はこの指標の期間（{low}～{high}年度）の外です",
              f"FY{row.fiscal_year} is outside this KPI's years FY{low}-{high}")
    units = kpi_units(kpi)
    if row.unit is not None and units and fold_unit(row.unit) not in units:
        error("value", f"単位「{row.unit}」がこの指標の単位（{'、'.join(sorted(units))}）と違います",
              f"unit {row.unit!r} differs from the KPI's unit {sorted(units)}")
    _plausibility(row, kpi, error)
    shares: list[Actual] = []
    for written, amount in row.by_municipality:
        code = index.municipality_code(written)
        if code is None:
            error(f"value:{written}", f"市町村「{written}」が分かりません（6桁の団体コードか連携市町名）",
                  f"unknown municipality {written!r} (use a 6-digit code or a member's name)")
        elif code not in project.partners.codes:
            error(f"value:{written}", f"「{written}」は事業「{project.name}」の連携市町ではありません",
                  f"{written!r} is not a partner of {project.name!r}")
        elif any(s.municipality == code for s in shares):
            error(f"value:{written}", f"「{written}」の値が2回あります", f"{written!r} is given twice")
        else:
            try:
                shares.append(Actual(row.fiscal_year, amount, month=row.month, municipality=code))
            except ActualError as exc:
                error(f"value:{written}", f"記録できない値です: {exc}", f"cannot record: {exc}")
    if errors:
        return None
    try:
        actual = Actual(row.fiscal_year, row.value, month=row.month, note=row.note, comment=row.comment,
                        evidence=row.evidence)
    except ActualError as exc:
        column = "value" if exc.field.startswith("value") else exc.field
        error(column, f"記録できない値です: {exc}", f"cannot record: {exc}")
        return None
    return ValidRow(row=row.row, project=project, kpi=kpi, actual=actual, assessment=row.assessment,
                    shares=tuple(shares), pending=row.pending)


def actuals_by_kpi(validation: ActualsValidation) -> dict[tuple[str, str], list[Actual]]:
    """Return the valid rows' records (figures and shares) keyed by (project key, indicator), in row order."""
    result: dict[tuple[str, str], list[Actual]] = {}
    for valid in validation.valid:
        if valid.assessment is None:
            result.setdefault((valid.project.key, valid.kpi.indicator), []).extend(valid.records)
    return result


class RowOutcome(StrEnum):
    """What happened to a good row."""

    IMPORTED = "imported"  # a new actual
    UPDATED = "updated"  # a corrected actual (the old version is kept)
    UNCHANGED = "unchanged"  # already recorded as it is


@dataclass(frozen=True, slots=True)
class RowResult:
    """A good row and what the import did with it."""

    row: int
    project: str
    indicator: str
    fiscal_year: int
    month: int | None
    value: float | None
    outcome: RowOutcome

    def to_dict(self) -> dict[str, object]:
        """Return the JSON form."""
        return {
            "row": self.row, "project": self.project, "indicator": self.indicator,
            "fiscal_year": self.fiscal_year, "month": self.month, "value": self.value,
            "outcome": self.outcome.value,
        }  # fmt: skip


@dataclass(frozen=True, slots=True)
class ActualsImportReport:
    """What an actuals import did: each good row's outcome, the rejected rows, and whether it wrote."""

    plan_id: int
    results: tuple[RowResult, ...]
    rejected: tuple[RowError, ...]
    blank_rows: tuple[int, ...]
    written: bool
    dry_run: bool
    #: Good rows held back because other rows were rejected (all or nothing, without ``skip_invalid``).
    held_back: int = 0

    def _with(self, outcome: RowOutcome) -> tuple[RowResult, ...]:
        return tuple(r for r in self.results if r.outcome is outcome)

    @property
    def imported(self) -> tuple[RowResult, ...]:
        """Return the rows recorded as new actuals."""
        return self._with(RowOutcome.IMPORTED)

    @property
    def updated(self) -> tuple[RowResult, ...]:
        """Return the rows that corrected a recorded actual."""
        return self._with(RowOutcome.UPDATED)

    @property
    def unchanged(self) -> tuple[RowResult, ...]:
        """Return the rows already recorded as they are."""
        return self._with(RowOutcome.UNCHANGED)

    @property
    def rejected_rows(self) -> tuple[int, ...]:
        """Return the numbers of the rejected rows."""
        return tuple(sorted({e.row for e in self.rejected}))

    @property
    def aborted(self) -> bool:
        """Tell whether rows were rejected and therefore nothing was imported."""
        return bool(self.rejected) and not self.results

    def to_dict(self) -> dict[str, object]:
        """Return the JSON form."""
        return {
            "plan_id": self.plan_id,
            "imported": [r.to_dict() for r in self.imported],
            "updated": [r.to_dict() for r in self.updated],
            "unchanged": [r.to_dict() for r in self.unchanged],
            "rejected": [{"row": e.row, "column": e.column, "message": e.message} for e in self.rejected],
            "blank_rows": list(self.blank_rows),
            "held_back": self.held_back,
            "written": self.written,
            "dry_run": self.dry_run,
        }


def _same_content(stored: Actual, new: Actual) -> bool:
    def close(a: float | None, b: float | None) -> bool:
        return a is b or (a is not None and b is not None and math.isclose(a, b, rel_tol=1e-12, abs_tol=0))

    return (close(stored.value, new.value) and stored.month == new.month and stored.municipality == new.municipality
            and stored.note == new.note and stored.comment == new.comment and stored.evidence == new.evidence)


def reporting_years(session: Session, plan_id: int, today: date | None = None) -> ReportingYears:
    """Return the years a stored plan takes actuals for now: its open rounds' years, up to the current year."""
    from renkei.store.rounds import list_rounds

    open_years = [r.fiscal_year for r in list_rounds(session=session, plan_id=plan_id) if r.closed_at is None]
    return ReportingYears.of(current_fiscal_year(today), open_years)


def organisation_of(session: Session, plan: Plan, user: StaffUser | None) -> str:
    """Return the organisation the public sees for what a user reports (the lead city for an operator's import)."""
    if user is not None and user.organisation:
        return user.organisation
    from renkei.store.accounts import municipality_name

    if user is not None and user.municipality_code:
        return municipality_name(session=session, code=user.municipality_code) or user.municipality_code
    area = find_area(session=session, slug=plan.area_slug)
    return area.lead.name if area is not None else plan.area_name


def import_actuals(
    *,
    session: Session,
    plan_id: int,
    sheet: ActualsSheet,
    actor: str,
    skip_invalid: bool = False,
    dry_run: bool = False,
    area: Area | None = None,
    user: StaffUser | None = None,
    today: date | None = None,
    historical: str | None = None,
) -> ActualsImportReport:
    """Validate a sheet against a stored plan and record its actuals in one transaction.

    With any bad row nothing is written (unless ``skip_invalid``). The session must carry no pending
    work: it is committed (rolled back for ``dry_run`` or on failure). A row's year must have an open
    reporting round and must not be after the current fiscal year (``today`` says when now is).

    Without ``user`` (the operator's own import) the actuals are recorded as approved. With a staff
    ``user`` the import enters the review workflow: rows for KPIs the user may not report, or whose
    record is already submitted or approved, are rejected by row number, and the rest become submitted.

    ``historical`` marks earlier years' figures brought in from an area's own sheet (``renkei actuals map``): it
    says where they came from (the audit trail's reason), the records carry the source
    :data:`~renkei.domain.actual.HISTORICAL`, and they are submitted for review even without a ``user``.
    """
    # Only the projects the rows name are read (with their 【再掲】 sheets, which decide where an actual counts): a
    # few rows at a 10,000-project plan read a few projects. When a row is wrong, the whole plan is read again, so
    # that its message names the nearest project or indicator, exactly as before.
    keys = named_project_keys(sheet, repository.list_project_names(session=session, plan_id=plan_id))
    if keys is not None and len(keys) > MAX_NAMED_SHEETS:
        keys = None  # a file of most of the plan's KPIs: one read of the whole plan costs less than a long key list
    try:
        plan = repository.load_plan(session=session, plan_id=plan_id, project_keys=keys)
    except LookupError:
        session.rollback()
        raise ActualsImportError(f"計画 {plan_id} がありません / no plan with id {plan_id}") from None
    area = area if area is not None else find_area(session=session, slug=plan.area_slug)
    years = reporting_years(session, plan_id, today)
    validation = validate_actuals(plan, sheet, area=area, years=years)
    if keys is not None and (validation.errors or not members_name_every_share(sheet, area)):
        plan = repository.load_plan(session=session, plan_id=plan_id)
        validation = validate_actuals(plan, sheet, area=area, years=years)
    status = "submitted" if historical is not None else "approved"
    if user is not None:
        from renkei.services.actuals_upload import check_upload

        validation = check_upload(session=session, plan_id=plan_id, plan=plan, validation=validation, user=user)
        status, actor = "submitted", user.username
    if validation.errors and not skip_invalid:
        session.rollback()
        return ActualsImportReport(plan_id, (), validation.errors, validation.blank_rows, False, dry_run,
                                   held_back=len(validation.valid))
    organisation = organisation_of(session, plan, user)
    try:
        results = tuple(_record(session, plan_id, valid, actor, organisation, status, historical)
                        for valid in validation.valid)
        written = any(r.outcome is not RowOutcome.UNCHANGED for r in results)
        if dry_run:
            session.rollback()
        else:
            session.commit()
    except BaseException:
        session.rollback()
        raise
    return ActualsImportReport(plan_id, results, validation.errors, validation.blank_rows, written and not dry_run,
                               dry_run)


#: Review status written by an import → the audit action's verb.
_IMPORT_ACTIONS = {"approved": "import", "submitted": "upload"}


def _kpi_row_id(session: Session, plan_id: int, valid: ValidRow) -> int:
    kpi_row = repository.find_kpi(session=session, plan_id=plan_id, project=valid.project.key,
                                  indicator=valid.kpi.indicator)
    if kpi_row is None:  # the plan was read from these very rows; only a concurrent change gets here
        raise ActualsImportError(f"指標が見つかりません / KPI not found: {valid.project.name} / {valid.kpi.indicator}")
    return kpi_row.id


def _record(session: Session, plan_id: int, valid: ValidRow, actor: str, organisation: str,
            status: str, historical: str | None = None) -> RowResult:
    """Record one good row: its assessment, or its figure and each share, each a record of its own.

    An earlier year's figure (``historical``, where it came from) is audited as ``historical`` with that reason.
    """
    kpi_id = _kpi_row_id(session, plan_id, valid)
    verb = "historical" if historical is not None else _IMPORT_ACTIONS[status]
    reason = f"過年度の実績 / historical figure: {historical}" if historical is not None else None
    year, month = valid.actual.fiscal_year, valid.actual.month
    if valid.assessment is not None:
        changed = upsert_assessment(
            session=session, kpi_id=kpi_id, fiscal_year=year, word=valid.assessment,
            comment=valid.actual.comment or "", evidence=valid.actual.evidence, note=valid.actual.note,
            actor=actor, reported_by=organisation, review_status=status, action=f"assessment.{verb}",
            extra_reason=reason)
        return RowResult(row=valid.row, project=valid.project.name, indicator=valid.kpi.indicator,
                         fiscal_year=year, month=None, value=None,
                         outcome=RowOutcome.IMPORTED if changed else RowOutcome.UNCHANGED)
    outcomes: list[RowOutcome] = []
    for record in valid.records:
        existing = find_current_actual(session=session, kpi_id=kpi_id, fiscal_year=year, month=month,
                                       municipality=record.municipality)
        stored = read_actual(session=session, row=existing) if existing is not None else None
        # an earlier year's figure restated by the next file is the same figure, whichever file its note names
        same = stored is not None and (_same_content(stored, record) or (
            historical is not None and _same_content(stored, replace(record, note=stored.note))))
        if same and existing is not None and existing.review_status in (status, "approved"):
            outcomes.append(RowOutcome.UNCHANGED)  # already recorded (submitted, or approved) as it stands
            continue
        entered = replace(record, entered_by=actor, reported_by=organisation,
                          source=HISTORICAL if historical is not None else None)
        repository.upsert_actual(session=session, kpi_id=kpi_id, actual=entered, actor=actor, review_status=status,
                                 action=f"actual.{verb}", extra_reason=reason)
        outcomes.append(RowOutcome.UPDATED if stored is not None else RowOutcome.IMPORTED)
    written = [o for o in outcomes if o is not RowOutcome.UNCHANGED]
    outcome = RowOutcome.UNCHANGED if not written else (
        RowOutcome.IMPORTED if all(o is RowOutcome.IMPORTED for o in written) else RowOutcome.UPDATED)
    return RowResult(row=valid.row, project=valid.project.name, indicator=valid.kpi.indicator, fiscal_year=year,
                     month=month, value=valid.actual.value, outcome=outcome)
