"""Rows: conversions between domain objects (Project, KPI, Quantity, Actual) and table rows."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from types import SimpleNamespace
from typing import Any

from renkei.domain.actual import Actual
from renkei.domain.plan import (
    KPI,
    Budget,
    BudgetCell,
    BudgetCellStatus,
    Category,
    CostBasis,
    CostPrinciple,
    CostSharing,
    Partners,
    PolicyArea,
    Project,
    Role,
)
from renkei.domain.quantity import Direction, Qualifier, Quantity, QuantityKind, Relative
from renkei.store.tables import (
    ActualRow,
    BudgetLineRow,
    CategoryRow,
    KpiRow,
    PolicyAreaRow,
    ProjectPartnerRow,
    ProjectRow,
    RoleRow,
)


@dataclass(frozen=True, slots=True)
class PartnerEntry:
    """One partner row to write: ``code`` is the national 6-digit code when known."""

    kind: str
    position: int
    name: str
    code: str | None
    is_lead: bool
    in_area: bool


def as_utc(moment: datetime | None) -> datetime | None:
    """Return the moment as an aware UTC datetime (SQLite gives naive ones back, already in UTC).

    >>> as_utc(datetime(2026, 4, 1, 9, 0)).isoformat()
    '2026-04-01T09:00:00+00:00'
    >>> as_utc(None) is None
    True
    """
    if moment is None:
        return None
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def quantity_columns(prefix: str, quantity: Quantity) -> dict[str, Any]:
    """Return the ``<prefix>_*`` column values of a quantity (the rarer fields go to ``<prefix>_extra``)."""
    extra = {
        "from_month": quantity.from_month,
        "to_month": quantity.to_month,
        "calendar_year": quantity.calendar_year,
        "qualifier": quantity.qualifier.value if quantity.qualifier else None,
        "direction": quantity.direction.value if quantity.direction else None,
        "cumulative_from_plan_start": quantity.cumulative_from_plan_start,
        "note": quantity.note,
        "relative": quantity.relative.to_dict() if quantity.relative else None,
        "average": quantity.average,
        "scale": quantity.scale,
        "duration_years": quantity.duration_years,
        "measure": quantity.measure,
    }
    return {
        f"{prefix}_text": quantity.text,
        f"{prefix}_value": quantity.value,
        f"{prefix}_unit": quantity.unit,
        f"{prefix}_per": quantity.per,
        f"{prefix}_kind": quantity.kind.value,
        f"{prefix}_fiscal_year": quantity.fiscal_year,
        f"{prefix}_from_fiscal_year": quantity.from_fiscal_year,
        f"{prefix}_extra": {k: v for k, v in extra.items() if v not in (None, False)},
    }


def quantity_from_row(row: object, prefix: str) -> Quantity:
    """Rebuild a KPI row's baseline or target quantity (any object with the ``<prefix>_*`` attributes)."""
    extra: dict[str, Any] = getattr(row, f"{prefix}_extra") or {}
    qualifier = extra.get("qualifier")
    direction = extra.get("direction")
    value = getattr(row, f"{prefix}_value")
    return Quantity(
        text=getattr(row, f"{prefix}_text"),
        kind=QuantityKind(getattr(row, f"{prefix}_kind")),
        value=float(value) if value is not None else None,
        unit=getattr(row, f"{prefix}_unit"),
        per=getattr(row, f"{prefix}_per"),
        fiscal_year=getattr(row, f"{prefix}_fiscal_year"),
        from_fiscal_year=getattr(row, f"{prefix}_from_fiscal_year"),
        from_month=extra.get("from_month"),
        to_month=extra.get("to_month"),
        calendar_year=bool(extra.get("calendar_year", False)),
        qualifier=Qualifier(qualifier) if qualifier else None,
        direction=Direction(direction) if direction else None,
        cumulative_from_plan_start=bool(extra.get("cumulative_from_plan_start", False)),
        note=extra.get("note"),
        relative=Relative.from_dict(extra["relative"]) if extra.get("relative") else None,
        average=bool(extra.get("average", False)),
        scale=extra.get("scale"),
        duration_years=extra.get("duration_years"),
        measure=extra.get("measure"),
    )


def quantity_to_json(quantity: Quantity) -> dict[str, Any]:
    """Return a quantity as a JSON object: the KPI row's columns without their prefix (a revision's history).

    >>> quantity_to_json(Quantity("40件", QuantityKind.POINT, value=40, unit="件"))["text"]
    '40件'
    """
    return {name.removeprefix("q_"): value for name, value in quantity_columns("q", quantity).items()}


def quantity_from_json(values: dict[str, Any]) -> Quantity:
    """Rebuild a quantity written by :func:`quantity_to_json`.

    >>> q = Quantity("40件（令和12年度）", QuantityKind.POINT, value=40, unit="件", fiscal_year=2030)
    >>> quantity_from_json(quantity_to_json(q)) == q
    True
    """
    return quantity_from_row(SimpleNamespace(**{f"q_{name}": value for name, value in values.items()}), "q")


def kpi_columns(kpi: KPI) -> dict[str, Any]:
    """Return the content columns of a KPI row (not its position or source line)."""
    return {
        "indicator": kpi.indicator,
        "indicator_key": kpi.key,
        "direction": kpi.direction.value if kpi.direction else None,
        **quantity_columns("baseline", kpi.baseline),
        **quantity_columns("target", kpi.target),
    }


def kpi_from_row(row: KpiRow) -> KPI:
    """Rebuild a KPI from its row."""
    return KPI(
        indicator=row.indicator,
        baseline=quantity_from_row(row, "baseline"),
        target=quantity_from_row(row, "target"),
        direction=Direction(row.direction) if row.direction else None,
        line=row.source_line,
    )


def project_columns(project: Project) -> dict[str, Any]:
    """Return the content columns of a project row (not plan, position, status or references)."""
    budget = project.budget
    return {
        "key": project.key,
        "slug": project.slug,
        "name": project.name,
        "reading": project.reading,
        "relisted": project.relisted,
        "description": project.description,
        "effects": list(project.effects),
        "partners_text": project.partners.text,
        "partners_all_members": project.partners.all_members,
        "has_budget": budget is not None,
        "budget_unit": budget.unit if budget else None,
        "budget_note": budget.note if budget else None,
        "budget_source_line": budget.line if budget else None,
        "budget_total_text": budget.total_text if budget else None,
        "budget_total_amount": budget.total_amount if budget else None,
        "cost_basis": project.cost_sharing.basis.value if project.cost_sharing.basis else None,
        "cost_text": project.cost_sharing.text,
        "cost_principles": [
            {"basis": p.basis.value, "text": p.text} for p in project.cost_sharing.principles
        ],
        "extra": [[label, text] for label, text in project.extra],
        "source_line": project.line,
    }


def budget_line_values(project_id: int, budget: Budget | None) -> list[dict[str, Any]]:
    """Return the budget rows of a project's budget, as column values for one bulk insert."""
    if budget is None:
        return []
    return [
        {"project_id": project_id, "fiscal_year": c.fiscal_year, "amount": c.amount, "status": c.status.value,
         "text": c.text}
        for c in budget.cells
    ]


def role_values(project_id: int, roles: tuple[Role, ...]) -> list[dict[str, Any]]:
    """Return the role rows (役割分担) of a project, as column values for one bulk insert."""
    return [
        {"project_id": project_id, "position": i, "party": r.party, "duties": list(r.duties)}
        for i, r in enumerate(roles)
    ]


def partners_from_rows(
    text: str | None, all_members: bool, rows: list[ProjectPartnerRow], codes: dict[int, str]
) -> Partners:
    """Rebuild the partners of a project from its partner rows (``codes`` maps municipality ids to codes)."""
    ordered = sorted(rows, key=lambda r: (r.kind, r.position))

    def names(kind: str) -> tuple[str, ...]:
        return tuple(r.name for r in ordered if r.kind == kind)

    members = [r for r in ordered if r.kind == "member"]
    return Partners(
        text=text,
        municipalities=names("member"),
        codes=tuple(codes[r.municipality_id] for r in members if r.municipality_id is not None),
        outside_area=names("outside"),
        excluded=names("excluded"),
        unresolved=names("unresolved"),
        all_members=all_members,
    )


def project_from_rows(
    row: ProjectRow,
    *,
    policy_area: PolicyAreaRow | None,
    category: CategoryRow | None,
    partners: Partners,
    roles: list[RoleRow],
    budget_lines: list[BudgetLineRow],
    kpis: list[KpiRow],
) -> Project:
    """Rebuild a domain Project from its row and its children's rows."""
    budget = None
    if row.has_budget:
        cells = tuple(
            BudgetCell(
                fiscal_year=b.fiscal_year, text=b.text, status=BudgetCellStatus(b.status), amount=b.amount
            )
            for b in sorted(budget_lines, key=lambda b: b.fiscal_year)
        )
        budget = Budget(unit=row.budget_unit, cells=cells, note=row.budget_note, line=row.budget_source_line,
                        total_text=row.budget_total_text, total_amount=row.budget_total_amount)
    principles = tuple(
        CostPrinciple(basis=CostBasis(p["basis"]), text=p["text"]) for p in row.cost_principles or []
    )
    return Project(
        name=row.name,
        line=row.source_line,
        relisted=row.relisted,
        policy_area=PolicyArea(number=policy_area.number, name=policy_area.name) if policy_area else None,
        category=Category(code=category.code, name=category.name, subtitle=category.subtitle)
        if category
        else None,
        description=row.description,
        effects=tuple(row.effects or []),
        partners=partners,
        budget=budget,
        roles=tuple(
            Role(party=r.party, duties=tuple(r.duties)) for r in sorted(roles, key=lambda r: r.position)
        ),
        cost_sharing=CostSharing(text=row.cost_text, principles=principles),
        kpis=tuple(kpi_from_row(k) for k in sorted(kpis, key=lambda k: k.position)),
        extra=tuple((str(label), str(text)) for label, text in row.extra or []),
        reading=row.reading,
    )


def actual_columns(actual: Actual) -> dict[str, Any]:
    """Return the content columns of an actual row."""
    return {
        "fiscal_year": actual.fiscal_year,
        "month": actual.month,
        "municipality_code": actual.municipality,
        "value": actual.value,
        "note": actual.note,
        "comment": actual.comment,
        "evidence": actual.evidence,
        "entered_by": actual.entered_by,
        "reported_by": actual.reported_by,
        "entered_at": actual.entered_at,
        "source": actual.source,
    }


def actual_from_row(row: ActualRow) -> Actual:
    """Rebuild a domain Actual (the KPI's figure or one municipality's share) from its row."""
    return Actual(
        fiscal_year=row.fiscal_year,
        value=float(row.value) if row.value is not None else None,
        month=row.month,
        municipality=row.municipality_code,
        note=row.note,
        comment=row.comment,
        evidence=row.evidence,
        entered_by=row.entered_by,
        reported_by=row.reported_by,
        entered_at=as_utc(row.entered_at),
        source=row.source,
    )
