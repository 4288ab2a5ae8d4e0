"""Repository: keyword-only queries and writes for areas, plans, projects and findings.

Every query of the application lives here (or in :mod:`renkei.store.actuals`, re-exported below);
routes and services call these functions and never build SQL themselves. Write functions flush but
never commit: the caller (a service) owns the transaction.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, insert, select
from sqlalchemy.orm import Session

from renkei.domain.finding import Finding, Severity
from renkei.domain.municipality import Area, Municipality
from renkei.domain.plan import KPI, Category, Plan, PolicyArea, Project
from renkei.domain.scale_json import scale_to_json
from renkei.store.actuals import find_kpi, list_actuals, upsert_actual
from renkei.store.audit import list_audit_events, record_audit_event
from renkei.store.plan_reads import read_projects
from renkei.store.rows import (
    PartnerEntry,
    as_utc,
    budget_line_values,
    kpi_columns,
    partners_from_rows,
    project_columns,
    project_from_rows,
    role_values,
)
from renkei.store.tables import (
    AreaMemberRow,
    AreaRow,
    BudgetLineRow,
    CategoryRow,
    FindingRow,
    KpiRow,
    MunicipalityRow,
    PlanImportRow,
    PlanRow,
    PolicyAreaRow,
    ProjectPartnerRow,
    ProjectRow,
    RoleRow,
    now_utc,
)

__all__ = [
    "PlanSummary",
    "StoredProject",
    "assign_columns",
    "find_kpi",
    "get_plan",
    "list_actuals",
    "list_audit_events",
    "list_plans",
    "load_plan",
    "load_projects",
    "record_audit_event",
    "save_findings",
    "upsert_actual",
]


@dataclass(frozen=True, slots=True)
class PlanSummary:
    """A stored plan edition as listed: safe to use after the session is closed."""

    id: int
    area_slug: str
    area_name: str
    plan_key: str
    title: str | None
    first_year: int
    last_year: int
    version: int
    source_sha256: str
    project_count: int
    updated_at: datetime
    #: The area's English name from its configuration (``name_en``); empty when it has none.
    area_name_en: str = ""


@dataclass(frozen=True, slots=True)
class StoredProject:
    """A stored project: its row, the domain Project rebuilt from it and its KPI rows by indicator key."""

    row: ProjectRow
    project: Project
    kpis: dict[str, KpiRow]


def new_version(row: PlanRow | ProjectRow) -> None:
    """Count one more version of a stored plan or project, changed now (the store owns versions and times)."""
    row.version += 1
    row.updated_at = now_utc()


def touch(row: PlanRow) -> None:
    """Record that a plan was written now (an import that changed only layout or findings keeps its version)."""
    row.updated_at = now_utc()


def assign_columns(row: Any, values: dict[str, Any]) -> tuple[str, ...]:
    """Set the columns whose values differ and return their names (nothing is touched when equal)."""
    changed = tuple(name for name, value in values.items() if getattr(row, name) != value)
    for name in changed:
        setattr(row, name, values[name])
    return changed


def _summaries(session: Session, *conditions: Any) -> list[PlanSummary]:
    query = (
        select(
            PlanRow,
            AreaRow.slug,
            AreaRow.name,
            AreaRow.name_en,
            func.count(ProjectRow.id).filter(ProjectRow.status == "active"),
        )
        .join(AreaRow, AreaRow.id == PlanRow.area_id)
        .outerjoin(ProjectRow, ProjectRow.plan_id == PlanRow.id)
        .where(*conditions)
        .group_by(PlanRow.id, AreaRow.slug, AreaRow.name, AreaRow.name_en)
        .order_by(AreaRow.slug, PlanRow.first_year, PlanRow.plan_key)
    )
    return [
        PlanSummary(
            id=plan.id,
            area_slug=slug,
            area_name=area_name,
            plan_key=plan.plan_key,
            title=plan.title,
            first_year=plan.first_year,
            last_year=plan.last_year,
            version=plan.version,
            source_sha256=plan.source_sha256,
            project_count=count,
            updated_at=as_utc(plan.updated_at) or plan.updated_at,
            area_name_en=area_name_en or "",
        )
        for plan, slug, area_name, area_name_en, count in session.execute(query).all()
    ]


def get_plan_row(*, session: Session, area_slug: str, plan_key: str) -> PlanRow | None:
    """Return the row of an area's plan edition, or None."""
    return session.scalars(
        select(PlanRow)
        .join(AreaRow, AreaRow.id == PlanRow.area_id)
        .where(AreaRow.slug == area_slug, PlanRow.plan_key == plan_key)
    ).one_or_none()


def get_plan(*, session: Session, area_slug: str, plan_key: str) -> PlanSummary | None:
    """Return an area's plan edition by its key, or None."""
    found = _summaries(session, AreaRow.slug == area_slug, PlanRow.plan_key == plan_key)
    return found[0] if found else None


def list_plans(*, session: Session, area_slug: str | None = None) -> list[PlanSummary]:
    """Return every stored plan edition (of one area, when named), by area and first year."""
    return _summaries(session, AreaRow.slug == area_slug) if area_slug is not None else _summaries(session)


def load_projects(*, session: Session, plan_id: int, keys: Collection[str] | None = None,
                  ) -> dict[str, StoredProject]:
    """Return all projects of a plan (withdrawn ones too) keyed by project key, in document order; with ``keys``,
    only the projects with those keys."""
    query = select(ProjectRow).where(ProjectRow.plan_id == plan_id)
    if keys is not None:
        query = query.where(ProjectRow.key.in_(list(keys)))
    rows = session.scalars(query.order_by(ProjectRow.position, ProjectRow.id)).all()
    ids = [r.id for r in rows]
    if not ids:
        return {}
    policy_areas = {
        p.id: p for p in session.scalars(select(PolicyAreaRow).where(PolicyAreaRow.plan_id == plan_id))
    }
    categories = {c.id: c for c in session.scalars(select(CategoryRow).where(CategoryRow.plan_id == plan_id))}
    partners = _group(session, ProjectPartnerRow, ids)
    roles = _group(session, RoleRow, ids)
    budgets = _group(session, BudgetLineRow, ids)
    kpis = _group(session, KpiRow, ids)
    municipality_ids = {p.municipality_id for group in partners.values() for p in group if p.municipality_id}
    codes: dict[int, str] = (
        dict(
            session.execute(
                select(MunicipalityRow.id, MunicipalityRow.code).where(
                    MunicipalityRow.id.in_(municipality_ids)
                )
            )
            .all()
        )
        if municipality_ids
        else {}
    )
    stored: dict[str, StoredProject] = {}
    for row in rows:
        active_kpis = [k for k in kpis[row.id] if k.status == "active"]
        project = project_from_rows(
            row,
            policy_area=policy_areas.get(row.policy_area_id) if row.policy_area_id else None,
            category=categories.get(row.category_id) if row.category_id else None,
            partners=partners_from_rows(row.partners_text, row.partners_all_members, partners[row.id], codes),
            roles=roles[row.id],
            budget_lines=budgets[row.id],
            kpis=active_kpis,
        )
        stored[row.key] = StoredProject(
            row=row, project=project, kpis={k.indicator_key: k for k in kpis[row.id]}
        )
    return stored


def _group(session: Session, table: Any, project_ids: list[int]) -> defaultdict[int, list[Any]]:
    grouped: defaultdict[int, list[Any]] = defaultdict(list)
    for row in session.scalars(select(table).where(table.project_id.in_(project_ids)).order_by(table.id)):
        grouped[row.project_id].append(row)
    return grouped


def lock_kpis(*, session: Session, kpi_ids: list[int]) -> None:
    """Lock KPIs' rows until the transaction ends (PostgreSQL; in id order, so two writers never deadlock), then
    forget what the session read before, so what follows reads what the writers before this one committed."""
    if kpi_ids:
        session.execute(select(KpiRow.id).where(KpiRow.id.in_(sorted(kpi_ids))).order_by(KpiRow.id)
                        .with_for_update())
        session.expire_all()


def list_project_names(*, session: Session, plan_id: int) -> list[tuple[str, str, bool]]:
    """Return the key, name and 【再掲】 flag of a plan's active projects in document order (one light query).

    It is what finding the projects a file names needs, without rebuilding them: a few rows of actuals at a
    10,000-project plan then read those projects only (``load_plan(project_keys=…)``).
    """
    return [(key, name, relisted) for key, name, relisted in session.execute(
        select(ProjectRow.key, ProjectRow.name, ProjectRow.relisted)
        .where(ProjectRow.plan_id == plan_id, ProjectRow.status == "active")
        .order_by(ProjectRow.position, ProjectRow.id))]


def sheets_of_project(project_key: str) -> tuple[str, str]:
    """Return the keys of every sheet a project can have: the original and its 【再掲】 relisting.

    >>> sheets_of_project("観光振興#再掲")
    ('観光振興', '観光振興#再掲')
    """
    base = project_key.removesuffix("#再掲")
    return base, base + "#再掲"


def load_plan(*, session: Session, plan_id: int, project_keys: Collection[str] | None = None) -> Plan:
    """Rebuild the domain Plan of a stored edition from its rows (active projects, in document order).

    With ``project_keys``, only those projects are in it: what staff work on one KPI needs is its project and the
    sheets that repeat it (:func:`sheets_of_project`), which decide where its actuals count (``Relisting``), so a
    save reads one project, not the whole plan.
    """
    plan = session.get(PlanRow, plan_id)
    if plan is None:
        raise LookupError(f"no plan with id {plan_id}")
    area = session.get_one(AreaRow, plan.area_id)
    # plain rows (Core), not ORM objects: the same Projects, without tracking 10,000 sheets' objects
    projects = tuple(read_projects(session=session, plan_id=plan_id, keys=project_keys))
    return Plan(
        area_slug=area.slug,
        area_name=plan.area_name,
        first_year=plan.first_year,
        last_year=plan.last_year,
        projects=projects,
        source_sha256=plan.source_sha256,
        title=plan.title,
    )


def ensure_municipality(*, session: Session, municipality: Municipality) -> MunicipalityRow:
    """Return the municipality's row, creating it or refreshing its name, prefecture and kana."""
    row = session.scalars(
        select(MunicipalityRow).where(MunicipalityRow.code == municipality.code)
    ).one_or_none()
    values = {"name": municipality.name, "prefecture": municipality.prefecture, "kana": municipality.kana}
    if row is None:
        row = MunicipalityRow(code=municipality.code, **values)
        session.add(row)
        session.flush()
        return row
    # A partial record (no prefecture or kana, e.g. from a partner name) never erases a fuller one.
    assign_columns(row, {k: v for k, v in values.items() if v})
    return row


def save_area(*, session: Session, area: Area) -> AreaRow:
    """Create or update an area and its members from its configuration; unchanged data is not written."""
    row = session.scalars(select(AreaRow).where(AreaRow.slug == area.slug)).one_or_none()
    values = {
        "name": area.name,
        "name_en": area.name_en,
        "lead_code": area.lead_code,
        "plan_first_year": area.plan_first_year,
        "plan_last_year": area.plan_last_year,
        "extra_parties": list(area.extra_parties),
        "settings": {"require_second_reviewer": area.require_second_reviewer,
                     **({"synthetic": True} if area.synthetic else {}),
                     **({"partner_evaluations": True} if area.partner_evaluations else {})},
        # the scale and roll-up change every grade the area's pages show: updated_at moves the data version
        "evaluation_scale": scale_to_json(area.scale) if area.scale is not None else None,
        "rollup": area.rollup.value,
    }
    if row is None:
        row = AreaRow(slug=area.slug, **values)
        session.add(row)
        session.flush()
    elif assign_columns(row, values):
        row.updated_at = now_utc()
    members = {
        m.municipality_id: m
        for m in session.scalars(select(AreaMemberRow).where(AreaMemberRow.area_id == row.id))
    }
    wanted: set[int] = set()
    moved = False
    for position, member in enumerate(area.members):
        municipality = ensure_municipality(session=session, municipality=member)
        wanted.add(municipality.id)
        member_values = {"is_lead": member.code == area.lead_code, "position": position}
        existing = members.get(municipality.id)
        if existing is None:
            session.add(AreaMemberRow(area_id=row.id, municipality_id=municipality.id, **member_values))
            moved = True
        else:
            moved = bool(assign_columns(existing, member_values)) or moved
    for municipality_id, existing in members.items():
        if municipality_id not in wanted:
            session.delete(existing)
            moved = True
    if moved:  # the members are part of the area's data version: its pages and snapshots are made again
        row.updated_at = now_utc()
    session.flush()
    return row


def mark_plan_updated(*, session: Session, plan_id: int) -> None:
    """Record that what a plan's pages show changed outside an import (a KPI's share rule): its data version moves,
    so cached pages and snapshots of the plan are made again."""
    row = session.get(PlanRow, plan_id)
    if row is not None:
        row.updated_at = now_utc()


def ensure_area(*, session: Session, slug: str, name: str, first_year: int, last_year: int) -> AreaRow:
    """Return the area with this slug, creating a bare one (no members) when it is not configured."""
    row = session.scalars(select(AreaRow).where(AreaRow.slug == slug)).one_or_none()
    if row is None:
        row = AreaRow(
            slug=slug, name=name, lead_code="", plan_first_year=first_year, plan_last_year=last_year
        )
        session.add(row)
        session.flush()
    return row


def create_plan(*, session: Session, area_id: int, plan: Plan, plan_key: str, sha256: str) -> PlanRow:
    """Insert a new plan edition row (version 1)."""
    row = PlanRow(
        area_id=area_id,
        plan_key=plan_key,
        area_name=plan.area_name,
        title=plan.title,
        first_year=plan.first_year,
        last_year=plan.last_year,
        source_sha256=sha256,
        version=1,
    )
    session.add(row)
    session.flush()
    return row


def ensure_policy_area(*, session: Session, plan_id: int, policy_area: PolicyArea | None) -> int | None:
    """Return the id of the plan's policy area row, creating it when new."""
    if policy_area is None:
        return None
    row = session.scalars(
        select(PolicyAreaRow).where(
            PolicyAreaRow.plan_id == plan_id,
            PolicyAreaRow.number == policy_area.number,
            PolicyAreaRow.name == policy_area.name,
        )
    ).one_or_none()
    if row is None:
        row = PolicyAreaRow(plan_id=plan_id, number=policy_area.number, name=policy_area.name)
        session.add(row)
        session.flush()
    return row.id


def ensure_category(*, session: Session, plan_id: int, category: Category | None) -> int | None:
    """Return the id of the plan's category row, creating it when new."""
    if category is None:
        return None
    for row in session.scalars(
        select(CategoryRow).where(CategoryRow.plan_id == plan_id, CategoryRow.code == category.code)
    ):
        if row.name == category.name and row.subtitle == category.subtitle:
            return row.id
    new = CategoryRow(plan_id=plan_id, code=category.code, name=category.name, subtitle=category.subtitle)
    session.add(new)
    session.flush()
    return new.id


def write_project(
    *,
    session: Session,
    plan_id: int,
    project: Project,
    position: int,
    row: ProjectRow | None = None,
    partners: Iterable[PartnerEntry],
    policy_area_id: int | None,
    category_id: int | None,
    municipality_ids: dict[str, int] | None = None,
) -> ProjectRow:
    """Insert a project (version 1), or overwrite a stored one's content and children as its next version
    (write_kpis does its KPIs).

    ``municipality_ids`` (code → row id) is the import's memo: each partner municipality is ensured once per
    import instead of once per sheet that names it.
    """
    known = municipality_ids if municipality_ids is not None else {}
    values = {
        **project_columns(project),
        "policy_area_id": policy_area_id,
        "category_id": category_id,
        "position": position,
        "status": "active",
        "withdrawn_at": None,
    }
    if row is None:
        row = ProjectRow(plan_id=plan_id, version=1, **values)
        session.add(row)
        session.flush()
    else:
        assign_columns(row, values)
        new_version(row)
        for table in (ProjectPartnerRow, RoleRow, BudgetLineRow):
            session.execute(delete(table).where(table.project_id == row.id))
    partner_values: list[dict[str, Any]] = []
    for entry in partners:
        municipality_id = None
        if entry.code is not None:
            municipality_id = known.get(entry.code)
            if municipality_id is None:
                municipality_id = known[entry.code] = ensure_municipality(
                    session=session, municipality=Municipality(code=entry.code, name=entry.name)
                ).id
        partner_values.append({
            "project_id": row.id, "kind": entry.kind, "position": entry.position, "name": entry.name,
            "municipality_id": municipality_id, "is_lead": entry.is_lead, "in_area": entry.in_area,
        })
    # Children go in as one executemany per table (ORM bulk INSERT: no object per row, defaults still applied).
    for table, children in ((ProjectPartnerRow, partner_values), (RoleRow, role_values(row.id, project.roles)),
                            (BudgetLineRow, budget_line_values(row.id, project.budget))):
        if children:
            session.execute(insert(table), children)
    return row


def write_kpis(
    *, session: Session, project_id: int, kpis: tuple[KPI, ...], stored: dict[str, KpiRow]
) -> None:
    """Insert or update KPIs matched by indicator key (actuals stay); withdraw the missing ones."""
    seen: set[str] = set()
    new: list[dict[str, Any]] = []
    for position, kpi in enumerate(kpis):
        values = {**kpi_columns(kpi), "position": position, "source_line": kpi.line, "status": "active"}
        seen.add(values["indicator_key"])
        row = stored.get(values["indicator_key"])
        if row is None:
            new.append({"project_id": project_id, **values})
        elif assign_columns(row, values):
            row.updated_at = now_utc()
    for key, row in stored.items():
        if key not in seen and row.status != "withdrawn":
            row.status = "withdrawn"
            row.updated_at = now_utc()
    if new:
        session.execute(insert(KpiRow), new)  # one executemany; the ORM creates no object per new KPI
    session.flush()


def withdraw_project(*, session: Session, row: ProjectRow) -> None:
    """Mark a project withdrawn (never deleted: its KPIs and actuals stay)."""
    row.status = "withdrawn"
    row.withdrawn_at = now_utc()
    row.updated_at = now_utc()
    row.version += 1
    session.flush()


def list_findings(*, session: Session, plan_id: int, project_key: str | None = None) -> list[Finding]:
    """Return the findings stored for a plan (or for one of its sheets, by key), in the order they were reported."""
    where = [FindingRow.plan_id == plan_id, *([FindingRow.project_key == project_key] if project_key else [])]
    return [
        Finding(
            rule=r.rule,
            severity=Severity(r.severity),
            message=r.message,
            line=r.line,
            project=r.project_name,
            suggestion=r.suggestion,
            project_key=r.project_key,
        )
        for r in session.scalars(
            select(FindingRow).where(*where).order_by(FindingRow.position)
        )
    ]


def save_findings(*, session: Session, plan_id: int, findings: list[Finding]) -> bool:
    """Replace a plan's findings when they differ; return whether anything was written.

    Each finding's ``project_key`` (`domain.finding.with_project_keys`) joins it to its very sheet.
    """
    if list_findings(session=session, plan_id=plan_id) == list(findings):
        return False
    session.execute(delete(FindingRow).where(FindingRow.plan_id == plan_id))
    if findings:
        session.execute(insert(FindingRow), [
            {"plan_id": plan_id, "position": i, "rule": f.rule, "severity": f.severity.value, "message": f.message,
             "line": f.line, "project_name": f.project, "project_key": f.project_key, "suggestion": f.suggestion}
            for i, f in enumerate(findings)
        ])
    session.flush()
    return True


def record_import(
    *,
    session: Session,
    plan_id: int,
    sha256: str,
    source_text: str,
    actor: str,
    plan_version: int,
    diff: dict[str, Any],
) -> PlanImportRow:
    """Append an import to the plan's history."""
    row = PlanImportRow(
        plan_id=plan_id,
        source_sha256=sha256,
        source_text=source_text,
        actor=actor,
        plan_version=plan_version,
        diff=diff,
    )
    session.add(row)
    session.flush()
    return row


def list_imports(*, session: Session, plan_id: int) -> list[PlanImportRow]:
    """Return a plan's import history, oldest first."""
    return list(
        session.scalars(
            select(PlanImportRow).where(PlanImportRow.plan_id == plan_id).order_by(PlanImportRow.id)
        )
    )
