"""Synthetic areas with plans and a year of approved actuals (``renkei demo-data``), through the real paths only.

Each area is chosen from the national list (:mod:`renkei.demo.synthetic_area`), written as an area file and read
back by the area reader, stored like ``renkei area add`` (:func:`renkei.services.areas.add_area`); its vision
document (:mod:`renkei.demo.vision`) is read by the normal reader, linted and imported with
:func:`renkei.services.plan_import.import_plan`; an admin account of the area opens the reporting round of the
plan's first year and enters, submits and approves every KPI's figure (or assessment) through
:mod:`renkei.services.workflow`. Nothing is written to a table directly.

A second run with the same arguments is idempotent: what is there already is left as it is (the import finds no
change, an approved figure is skipped), and what a failed run left undone is finished. An area of a demo slug
that differs from what this seed makes (another seed, another number of projects, or an area that is not
synthetic) is refused before anything is written.
"""

from __future__ import annotations

import hashlib
import random
import secrets
from collections import Counter
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy.orm import Session

from renkei.demo.synthetic_area import DEMO_FIRST_YEAR, MAX_AREAS, DemoAreaError, plan_demo_areas
from renkei.demo.vision import MAX_PROJECTS, MIN_PROJECTS, make_vision
from renkei.domain.municipality import Area
from renkei.domain.permission import Role
from renkei.domain.plan import KPI
from renkei.domain.progress import KpiForm, classify_kpi
from renkei.domain.quantity import Basis
from renkei.domain.workflow import RecordKind, ReviewStatus, Step
from renkei.lint import lint_plan
from renkei.reading.area import load_registry
from renkei.reading.sheet import read_plan
from renkei.services.accounts import AccountError, StaffUser, create_user, get_staff
from renkei.services.areas import add_area
from renkei.services.plan_import import import_plan
from renkei.services.rounds import ReportItem, RoundError, list_all_rounds, list_report_items, open_round
from renkei.services.workflow import (
    ActualInput,
    AssessmentInput,
    enter_actual,
    enter_assessment,
    review_actual,
    review_assessment,
)
from renkei.store.actuals import find_assessment, find_current_actual
from renkei.store.areas import find_area
from renkei.store.portal_queries import choose_plan

#: Who the audit trail says made the areas and plans.
ACTOR = "demo-data"
#: The fiscal year whose actuals are entered (the plan's first year, 令和8年度) and its round's due date.
ACTUALS_YEAR = DEMO_FIRST_YEAR
DUE_DATE = date(ACTUALS_YEAR + 1, 5, 31)
#: The note every synthetic figure carries in public.
PUBLIC_COMMENT = "試験用の架空の実績です / synthetic test figure"


class DemoDataError(ValueError):
    """Arguments or stored data that stop ``renkei demo-data``; ``field`` names the option or the area."""

    def __init__(self, field: str, message_ja: str, message_en: str) -> None:
        super().__init__(f"{field}: {message_ja} / {message_en}")
        self.field = field


@dataclass(frozen=True, slots=True)
class DemoArea:
    """What was made (or found) for one synthetic area."""

    slug: str
    name: str
    lead: str
    members: int
    plan_key: str
    projects: int
    #: Whether anything was written for the area in this run (False: it was there, complete, already).
    written: bool
    #: Approved figures of the actuals year by KPI form (``year_on_year`` apart from ``every_year``).
    approved: dict[str, int] = field(default_factory=dict)
    #: KPIs whose figure could not be entered (the reason for each), reported, never hidden.
    skipped: tuple[str, ...] = ()


def check_arguments(*, areas: int, projects_per_area: int, seed: int) -> None:
    """Refuse arguments renkei demo-data cannot use, naming the option (before any database is opened)."""
    if not 1 <= areas <= MAX_AREAS:
        raise DemoDataError("--areas", f"圏域の数は1〜{MAX_AREAS}です（{areas}）",
                            f"the number of areas is 1 to {MAX_AREAS}, not {areas}")
    if not MIN_PROJECTS <= projects_per_area <= MAX_PROJECTS:
        raise DemoDataError("--projects-per-area",
                            f"1圏域の事業数は{MIN_PROJECTS}〜{MAX_PROJECTS}です（KPIの形式ごとに1事業以上）"
                            f"（{projects_per_area}）",
                            f"projects per area are {MIN_PROJECTS} to {MAX_PROJECTS} (one for each KPI form at "
                            f"least), not {projects_per_area}")
    if seed < 0:
        raise DemoDataError("--seed", f"乱数の種は0以上の整数です（{seed}）",
                            f"the seed is an integer >= 0, not {seed}")


def make_demo_data(*, session: Session, areas: int, projects_per_area: int, seed: int) -> list[DemoArea]:
    """Make (or complete) the synthetic areas demo-01 … with their plans and approved actuals of the first year."""
    check_arguments(areas=areas, projects_per_area=projects_per_area, seed=seed)
    registry = load_registry()
    try:
        chosen = plan_demo_areas(registry, areas, seed)
    except DemoAreaError as exc:
        ja, _, en = str(exc).partition(" / ")
        raise DemoDataError("--areas", ja, en) from None
    wanted = []
    for number, chosen_area in enumerate(chosen, start=1):
        area = chosen_area.read(registry)
        text = make_vision(area.name, [m.name for m in area.members], projects_per_area, seed * 100 + number)
        wanted.append((area, text))
    for area, text in wanted:  # refuse before anything is written
        _check_stored(session, area, text, seed, projects_per_area)
    return [_make_area(session, area, text, seed) for area, text in wanted]


def _check_stored(session: Session, area: Area, text: str, seed: int, projects: int) -> None:
    """Refuse a stored area of the slug that is not what these arguments make (nothing is written)."""
    stored = find_area(session=session, slug=area.slug)
    stored_plan = choose_plan(session=session, area_slug=area.slug)
    session.rollback()
    if stored_plan is not None and stored_plan.source_sha256 != _sha256(text) and (stored is None or stored.synthetic):
        raise DemoDataError(area.slug, f"試験用の圏域 {area.slug} の計画は、事業数 {projects}・乱数の種 {seed} で作る"
                            "文書と異なります。同じ引数で実行するか、別のデータベースを使ってください。何も変更していません",
                            f"the plan of synthetic area {area.slug} differs from the document {projects} projects "
                            f"and seed {seed} make; run with the same arguments or use another database. Nothing was "
                            "changed")
    _stored_admin(session, area.slug)
    if stored is None or stored == area:
        return
    if not stored.synthetic:
        raise DemoDataError(area.slug, f"圏域 {area.slug}（{stored.name}）は既にあり、試験用の圏域ではありません。"
                            "何も変更していません",
                            f"area {area.slug} ({stored.name}) exists and is not synthetic; nothing was changed")
    raise DemoDataError(area.slug, f"試験用の圏域 {area.slug}（{stored.name}）は既にあり、乱数の種 {seed} で作る圏域"
                        f"（{area.name}）と異なります。同じ種で実行するか、別のデータベースを使ってください。何も変更して"
                        "いません",
                        f"synthetic area {area.slug} ({stored.name}) exists and differs from what seed {seed} makes "
                        f"({area.name}); run with the same seed or use another database. Nothing was changed")


def _make_area(session: Session, area: Area, text: str, seed: int) -> DemoArea:
    change = add_area(session=session, area=area, actor=ACTOR)
    plan, findings = read_plan(text, area=area)
    findings = sorted([*findings, *lint_plan(plan)], key=lambda f: f.line or 0)
    result = import_plan(session=session, plan=plan, findings=findings, source_text=text, area=area, actor=ACTOR)
    assert result.plan_id is not None  # not a dry run
    admin, created = _admin(session, area)
    rng = random.Random(f"{seed}/{area.slug}/actuals")
    opened = _open_round(session, result.plan_id, admin)
    approved: Counter[str] = Counter()
    skipped: list[str] = []
    entered = 0
    for item in list_report_items(session=session, plan_id=result.plan_id, fiscal_year=ACTUALS_YEAR):
        form = kpi_form_name(item.kpi)
        if item.total.status is ReviewStatus.APPROVED:
            approved[form] += 1
            continue
        try:
            _report(session, admin, item, rng)
        except ValueError as exc:  # FormErrors and the like: say which KPI, keep going
            session.rollback()
            skipped.append(f"{item.project.name} / {item.kpi.indicator}: {exc}")
            continue
        approved[form] += 1
        entered += 1
    return DemoArea(area.slug, area.name, area.lead.name, len(area.members), result.plan_key, len(plan.projects),
                    change.changed or result.written or created or opened or entered > 0, dict(approved),
                    tuple(skipped))


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _admin(session: Session, area: Area) -> tuple[StaffUser, bool]:
    """Return the area's demo admin account, creating it with a random password nobody is told (reset it to use it)."""
    found = _stored_admin(session, area.slug)
    if found is not None:
        return found, False
    username = f"{area.slug}-admin"
    user = create_user(session=session, username=username, role="admin", password=secrets.token_urlsafe(24),
                       actor=ACTOR, display_name="試験用の管理者 / synthetic admin",
                       organisation=f"（試験用）{area.lead.name}企画調整課", area=area.slug)
    return user, True


def _stored_admin(session: Session, slug: str) -> StaffUser | None:
    """Return the stored demo admin of an area (None: none yet); refuse an account of that name that is not one."""
    username = f"{slug}-admin"
    try:
        found = get_staff(session=session, username=username)
    except AccountError:
        session.rollback()
        return None
    if found.role is not Role.ADMIN or found.area_slug != slug or found.disabled:
        raise DemoDataError(username, f"アカウント {username} は圏域 {slug} の有効な管理者ではありません。何も変更して"
                            "いません",
                            f"account {username} is not an enabled admin of area {slug}; nothing was changed")
    return found


def _open_round(session: Session, plan_id: int, admin: StaffUser) -> bool:
    """Open the round of the actuals year unless it is open already; tell whether it was opened now."""
    if any(r.fiscal_year == ACTUALS_YEAR and r.open for r in list_all_rounds(session=session, plan_id=plan_id)):
        return False
    try:
        open_round(session=session, plan_id=plan_id, fiscal_year=ACTUALS_YEAR, due_date=DUE_DATE,
                   actor=admin.username, note="試験用の架空のデータ / synthetic test data")
    except RoundError as exc:  # before FY2026 has begun (a wrong clock): actuals cannot be entered yet
        raise DemoDataError("round", exc.message_ja, exc.message_en) from None
    return True


def kpi_form_name(kpi: KPI) -> str:
    """Return a KPI's form, with a year-on-year target (前年度比) apart from the other every-year ones."""
    form = classify_kpi(kpi)
    relative = kpi.target.relative
    if form is KpiForm.EVERY_YEAR and relative is not None and relative.basis is Basis.PREVIOUS_YEAR:
        return "year_on_year"
    return form.value


def _report(session: Session, admin: StaffUser, item: ReportItem, rng: random.Random) -> None:
    """Enter, submit and approve one KPI's figure (or assessment) of the actuals year as the area's admin."""
    year, kpi_id = item.fiscal_year, item.kpi_id
    if item.kind is RecordKind.ASSESSMENT:
        row = find_assessment(session=session, kpi_id=kpi_id, fiscal_year=year)
        if row is None or row.review_status != ReviewStatus.SUBMITTED.value:
            word = rng.choice(("達成", "順調", "概ね順調", "一部達成"))
            enter_assessment(session=session, user=admin, kpi_id=kpi_id, fiscal_year=year,
                             data=AssessmentInput(word=word, comment=PUBLIC_COMMENT), step=Step.SUBMIT,
                             expected_version=row.version if row is not None else 0)
            row = find_assessment(session=session, kpi_id=kpi_id, fiscal_year=year)
        assert row is not None
        review_assessment(session=session, user=admin, kpi_id=kpi_id, fiscal_year=year, step=Step.APPROVE,
                          comment="", expected_version=row.version)
        return
    actual = find_current_actual(session=session, kpi_id=kpi_id, fiscal_year=year, month=None)
    if actual is None or actual.review_status != ReviewStatus.SUBMITTED.value:
        enter_actual(session=session, user=admin, kpi_id=kpi_id, fiscal_year=year, part=None,
                     data=ActualInput(value=actual_value(item.kpi, rng), comment=PUBLIC_COMMENT), step=Step.SUBMIT,
                     expected_version=actual.version if actual is not None else 0)
        actual = find_current_actual(session=session, kpi_id=kpi_id, fiscal_year=year, month=None)
    assert actual is not None
    review_actual(session=session, user=admin, kpi_id=kpi_id, fiscal_year=year, part=None, step=Step.APPROVE,
                  comment="", expected_version=actual.version)


def actual_value(kpi: KPI, rng: random.Random) -> str:
    """Return a plausible first-year figure for a KPI with a number: near its baseline, on the way to its target.

    >>> from renkei.reading.quantity import read_quantity
    >>> kpi = KPI("参加者数", read_quantity("120人（令和7年度）"), read_quantity("200人（令和12年度）"), None)
    >>> 120 <= float(actual_value(kpi, random.Random(1))) <= 200
    True
    """
    base, goal = kpi.baseline.value, kpi.target.value
    form = kpi_form_name(kpi)
    if form == "year_on_year":
        value = (base or 100.0) * rng.uniform(0.98, 1.08)
    elif goal is None:
        value = (base or 10.0) * rng.uniform(0.9, 1.2)
    elif form == "cumulative":
        value = goal / 5 * rng.uniform(0.6, 1.3)
    elif form in ("every_year", "maintain"):
        value = goal * rng.uniform(0.8, 1.15)
    else:  # a level: a fifth of the way or so, some ahead and some behind
        start = base if base is not None else 0.0
        value = start + (goal - start) * rng.uniform(0.0, 0.45)
    unit = kpi.target.unit or kpi.baseline.unit or ""
    if unit == "%" or (goal is not None and goal != int(goal)):
        return f"{max(value, 0.0):.1f}"
    return str(max(round(value), 0))
