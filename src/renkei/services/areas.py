"""Areas as data: add or update an area in the database, and find the area a plan or a document is read for.

The database is the one source of an area's members (who is a member, who is the lead city). The area files in
the package (``renkei/data/areas/*.json``) are only seeds: one is stored the first time a document is imported
for its slug while the database holds no such area.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from renkei.domain.municipality import Area
from renkei.domain.scale import RollUp
from renkei.domain.scale_json import scale_to_json
from renkei.store import repository
from renkei.store.areas import find_area


@dataclass(frozen=True, slots=True)
class AreaChange:
    """What adding an area did: created it, updated it, or found it as it was (nothing written)."""

    slug: str
    created: bool
    changed: bool


def describe_area(area: Area) -> dict[str, Any]:
    """Return an area as the audit trail records it (the fields of its configuration)."""
    return {"name": area.name, "name_en": area.name_en, "lead": area.lead_code,
            "plan_period": [area.plan_first_year, area.plan_last_year],
            "members": [m.code for m in area.members], "extra_parties": list(area.extra_parties),
            "require_second_reviewer": area.require_second_reviewer,
            **({"synthetic": True} if area.synthetic else {}),
            **({"evaluation_scale": scale_to_json(area.scale)} if area.scale is not None else {}),
            **({"rollup": area.rollup.value} if area.rollup is not RollUp.WORST else {}),
            **({"partner_evaluations": True} if area.partner_evaluations else {})}


def add_area(*, session: Session, area: Area, actor: str) -> AreaChange:
    """Store an area (new, or replacing its stored configuration) in one transaction, with an audit event.

    An area stored exactly as given is left alone. Plans, projects and actuals are never touched: a member that
    leaves the area keeps its partner rows in the plans that name it.
    """
    try:
        before = find_area(session=session, slug=area.slug)
        if before == area:
            session.rollback()
            return AreaChange(area.slug, created=False, changed=False)
        repository.save_area(session=session, area=area)
        repository.record_audit_event(
            session=session, actor=actor, action="area.add" if before is None else "area.update", entity="area",
            entity_key=area.slug, before=describe_area(before) if before is not None else None,
            after=describe_area(area))
        session.commit()
    except BaseException:
        session.rollback()
        raise
    return AreaChange(area.slug, created=before is None, changed=True)


def seed_area(slug: str) -> Area | None:
    """Return the package's seed of an area (``renkei/data/areas/<slug>.json``), or None when there is none."""
    from renkei.reading.area import AreaConfigError, load_area

    try:
        return load_area(slug)
    except AreaConfigError:
        return None


def area_for_document(*, session: Session, slug: str) -> Area | None:
    """Return the area a document is read and imported for: the stored one, else the package's seed, else None.

    Everything about a stored plan asks :func:`renkei.store.areas.find_area` instead: its area is stored.
    """
    return find_area(session=session, slug=slug) or seed_area(slug)
