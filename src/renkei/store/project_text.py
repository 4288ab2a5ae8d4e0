"""Staff-edited project text in the store: the draft, the published version, and applying it to a plan.

The document's own text stays in the ``project`` and ``role`` rows (a re-import compares against it);
published staff text lies over it wherever a plan is shown (:func:`apply_published_text`).
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import replace
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from renkei.domain.plan import Plan, Project, Role
from renkei.store.tables import ProjectRow, RoleRow, among_projects
from renkei.store.workspace_tables import ProjectTextRow


def find_text(*, session: Session, project_id: int, kind: str) -> ProjectTextRow | None:
    """Return a project's draft or published text row, or None."""
    return session.scalars(select(ProjectTextRow).where(
        ProjectTextRow.project_id == project_id, ProjectTextRow.kind == kind)).one_or_none()


def roles_from_json(data: list[Any]) -> tuple[Role, ...]:
    """Rebuild roles (役割分担) from their stored JSON form."""
    return tuple(Role(str(r.get("party", "")), tuple(str(d) for d in r.get("duties", []))) for r in data
                 if isinstance(r, dict))


def roles_to_json(roles: tuple[Role, ...]) -> list[dict[str, object]]:
    """Return roles in their stored JSON form."""
    return [{"party": r.party, "duties": list(r.duties)} for r in roles]


def overlay(project: Project, row: ProjectTextRow) -> Project:
    """Return a project with a stored text row's description, effects and roles in place of the document's."""
    return replace(project, description=row.description, effects=tuple(str(e) for e in row.effects or []),
                   roles=roles_from_json(row.roles or []))


def apply_published_text(*, session: Session, plan_id: int, plan: Plan,
                         project_keys: Collection[str] | None = None) -> Plan:
    """Return the plan with each project's published staff text in place of the document's (when there is one).

    Only the published text of the plan's own sheets is read: those with ``project_keys`` when given, else the
    plan's (all of the plan's published texts when it holds more than a few hundred sheets).
    """
    keys = project_keys if project_keys is not None else [p.key for p in plan.projects]
    among = among_projects(keys) if project_keys is not None or len(keys) <= 500 else ()
    rows = session.execute(
        select(ProjectRow.key, ProjectTextRow)
        .join(ProjectTextRow, ProjectTextRow.project_id == ProjectRow.id)
        .where(ProjectRow.plan_id == plan_id, ProjectTextRow.kind == "published", *among)
    ).all()
    if not rows:
        return plan
    by_key = {key: row for key, row in rows}
    return replace(plan, projects=tuple(overlay(p, by_key[p.key]) if p.key in by_key else p for p in plan.projects))


def pending_project_ids(*, session: Session, plan_id: int) -> frozenset[int]:
    """Return the ids of a plan's projects whose draft text has unpublished changes."""
    return frozenset(session.scalars(
        select(ProjectTextRow.project_id).join(ProjectRow, ProjectRow.id == ProjectTextRow.project_id)
        .where(ProjectRow.plan_id == plan_id, ProjectTextRow.kind == "draft", ProjectTextRow.pending.is_(True))))


def document_text(*, session: Session, project_id: int) -> tuple[str | None, tuple[str, ...], tuple[Role, ...]]:
    """Return a project's description, effects and roles as the document states them."""
    row = session.get(ProjectRow, project_id)
    if row is None:
        raise LookupError(f"no project {project_id}")
    roles = session.scalars(select(RoleRow).where(RoleRow.project_id == project_id).order_by(RoleRow.position))
    return row.description, tuple(str(e) for e in row.effects or []), tuple(
        Role(r.party, tuple(str(d) for d in r.duties)) for r in roles)
