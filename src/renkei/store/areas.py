"""Stored areas (圏域): the one source of an area's members, lead city, period and review rule.

An area is written by :func:`renkei.store.repository.save_area` (``renkei area add``, or an import that names an
area); every channel that asks "who is a member" reads it back here: actuals validation, the plan workbook, open
data, the portal. The package's area files are only seeds for a database that has no such area yet.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from renkei.domain.municipality import Area, Municipality
from renkei.domain.scale import DEFAULT_SCALE, ScaleError
from renkei.domain.scale_json import read_rollup, read_scale
from renkei.store.tables import AreaMemberRow, AreaRow, MunicipalityRow, PlanRow


@dataclass(frozen=True, slots=True)
class StoredArea:
    """An area as ``renkei area list`` shows it: names, lead city, member count and its plans' keys."""

    slug: str
    name: str
    name_en: str
    lead_code: str
    lead_name: str
    member_count: int
    first_year: int
    last_year: int
    plan_keys: tuple[str, ...]


def find_area(*, session: Session, slug: str) -> Area | None:
    """Return the stored area with this slug and its members in order; None when none (or a bare row) is stored.

    A bare row (no members) is what an import of a plan for an unconfigured area leaves: it knows no member, so it
    answers nothing and the caller falls back as it would for an unknown area.
    """
    row = session.scalars(select(AreaRow).where(AreaRow.slug == slug)).one_or_none()
    if row is None:
        return None
    members = tuple(
        Municipality(m.code, m.name, m.prefecture or "", m.kana or "")
        for m in session.scalars(
            select(MunicipalityRow)
            .join(AreaMemberRow, AreaMemberRow.municipality_id == MunicipalityRow.id)
            .where(AreaMemberRow.area_id == row.id)
            .order_by(AreaMemberRow.position)
        )
    )
    if not members or all(m.code != row.lead_code for m in members):
        return None
    settings = row.settings or {}
    return Area(slug=row.slug, name=row.name, lead_code=row.lead_code, members=members,
                plan_first_year=row.plan_first_year, plan_last_year=row.plan_last_year, name_en=row.name_en or "",
                extra_parties=tuple(str(p) for p in row.extra_parties or ()),
                require_second_reviewer=bool(settings.get("require_second_reviewer", False)),
                synthetic=bool(settings.get("synthetic", False)),
                partner_evaluations=bool(settings.get("partner_evaluations", False)), **stored_scale(row))


def stored_scale(row: AreaRow) -> dict[str, Any]:
    """Return an area row's scale and roll-up as :class:`Area`'s keyword arguments (none stored: renkei's).

    A stored scale was checked when it was written; one that no longer reads (written by other code) falls back
    to renkei's scale rather than failing every page of the area.
    """
    try:
        scale = read_scale(row.evaluation_scale) if row.evaluation_scale is not None else None
        return {"scale": scale, "rollup": read_rollup(row.rollup or None, scale or DEFAULT_SCALE)}
    except ScaleError:
        return {}


def list_stored_areas(*, session: Session) -> list[StoredArea]:
    """Return every stored area by slug, with its member count and plan keys (three queries in all)."""
    counts = dict(session.execute(
        select(AreaMemberRow.area_id, func.count()).group_by(AreaMemberRow.area_id)).all())
    leads = dict(session.execute(
        select(AreaMemberRow.area_id, MunicipalityRow.name)
        .join(MunicipalityRow, MunicipalityRow.id == AreaMemberRow.municipality_id)
        .where(AreaMemberRow.is_lead.is_(True))).all())
    plans: dict[int, list[str]] = {}
    for area_id, key in session.execute(
            select(PlanRow.area_id, PlanRow.plan_key).order_by(PlanRow.first_year, PlanRow.plan_key)):
        plans.setdefault(area_id, []).append(key)
    return [
        StoredArea(row.slug, row.name, row.name_en or "", row.lead_code, leads.get(row.id, ""), counts.get(row.id, 0),
                   row.plan_first_year, row.plan_last_year, tuple(plans.get(row.id, ())))
        for row in session.scalars(select(AreaRow).order_by(AreaRow.slug))
    ]


def list_member_area_slugs(*, session: Session) -> list[str]:
    """Return the slugs of the stored areas that have members (the ones a document can be read for)."""
    return list(session.scalars(
        select(AreaRow.slug).where(AreaRow.id.in_(select(AreaMemberRow.area_id))).order_by(AreaRow.slug)))
