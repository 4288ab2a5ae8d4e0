"""Staff accounts in the store: users, server-side sessions, sign-in attempts and project assignments."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, select, text, update
from sqlalchemy.orm import Session

from renkei.domain.permission import Target
from renkei.store.tables import AreaMemberRow, AreaRow, MunicipalityRow, PlanRow, ProjectPartnerRow, ProjectRow, now_utc
from renkei.store.workspace_tables import (
    LoginAttemptRow,
    ProjectAssignmentRow,
    StaffSessionRow,
    StaffUserRow,
)


def find_user(*, session: Session, username: str) -> StaffUserRow | None:
    """Return the account with this user name, or None."""
    return session.scalars(select(StaffUserRow).where(StaffUserRow.username == username)).one_or_none()


def list_users(*, session: Session) -> list[StaffUserRow]:
    """Return every account, by role and user name."""
    return list(session.scalars(select(StaffUserRow).order_by(StaffUserRow.role, StaffUserRow.username)))


def count_admins(*, session: Session) -> int:
    """Count the enabled admin accounts."""
    return session.scalar(
        select(func.count(StaffUserRow.id)).where(StaffUserRow.role == "admin", StaffUserRow.disabled.is_(False))
    ) or 0


def municipality_name(*, session: Session, code: str) -> str | None:
    """Return the stored name of a municipality by its 6-digit code, or None."""
    return session.scalars(select(MunicipalityRow.name).where(MunicipalityRow.code == code)).one_or_none()


def area_names(*, session: Session) -> list[str]:
    """Return the name and the slug of every stored area (what a staff password must not contain)."""
    return [text for row in session.execute(select(AreaRow.name, AreaRow.slug).order_by(AreaRow.slug))
            for text in row if text]


def add_session(*, session: Session, user_id: int, token_hash: str, expires_at: datetime, address: str) -> None:
    """Store a new signed-in session (by the keyed hash of its token)."""
    now = now_utc()
    session.add(StaffSessionRow(token_hash=token_hash, user_id=user_id, created_at=now, last_seen_at=now,
                                expires_at=expires_at, address=address[:64]))
    session.flush()


def find_session(*, session: Session, token_hash: str) -> tuple[StaffSessionRow, StaffUserRow] | None:
    """Return a session that is not revoked, with its user, by token hash."""
    row = session.execute(
        select(StaffSessionRow, StaffUserRow)
        .join(StaffUserRow, StaffUserRow.id == StaffSessionRow.user_id)
        .where(StaffSessionRow.token_hash == token_hash, StaffSessionRow.revoked_at.is_(None))
    ).one_or_none()
    return (row[0], row[1]) if row is not None else None


def touch_session(*, session: Session, session_id: int, at: datetime, wait_ms: int) -> None:
    """Record when a session was last used (a live session only; a revoked one stays as it is).

    On PostgreSQL the row lock is waited for at most ``wait_ms`` (on SQLite the engine waits for the write lock:
    ``WRITE_WAIT_MS``).
    """
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text(f"SET LOCAL lock_timeout = {int(wait_ms)}"))
    session.execute(update(StaffSessionRow).where(StaffSessionRow.id == session_id,
                                                  StaffSessionRow.revoked_at.is_(None)).values(last_seen_at=at))


def revoke_sessions(*, session: Session, user_id: int | None = None, token_hash: str | None = None) -> int:
    """Revoke a user's sessions, or one session by token hash; return how many were live."""
    query = update(StaffSessionRow).where(StaffSessionRow.revoked_at.is_(None)).values(revoked_at=now_utc())
    if user_id is not None:
        query = query.where(StaffSessionRow.user_id == user_id)
    if token_hash is not None:
        query = query.where(StaffSessionRow.token_hash == token_hash)
    result = session.execute(query)
    return int(getattr(result, "rowcount", 0) or 0)


def prune(*, session: Session, attempts_before: datetime, sessions_before: datetime) -> None:
    """Forget sign-in attempts older than a moment, and sessions that ended (expired or revoked) before another."""
    session.execute(delete(LoginAttemptRow).where(LoginAttemptRow.at < attempts_before))
    session.execute(delete(StaffSessionRow).where(
        (StaffSessionRow.expires_at < sessions_before) | (StaffSessionRow.revoked_at < sessions_before)))


def count_live_sessions(*, session: Session, user_id: int) -> int:
    """Count a user's sessions that are not revoked (expired ones included)."""
    return session.scalar(select(func.count(StaffSessionRow.id)).where(
        StaffSessionRow.user_id == user_id, StaffSessionRow.revoked_at.is_(None))) or 0


def add_login_attempt(*, session: Session, username: str, address: str, succeeded: bool) -> None:
    """Record a sign-in attempt."""
    session.add(LoginAttemptRow(username=username[:200], address=address[:64], succeeded=succeeded, at=now_utc()))
    session.flush()


def count_failures(*, session: Session, since: datetime, username: str | None = None,
                   address: str | None = None) -> tuple[int, datetime | None]:
    """Count failed attempts since a moment for a user name or an address; return the count and the latest.

    Failures before the latest success of that user name (or address) do not count.
    """
    conditions = [LoginAttemptRow.at >= since]
    if username is not None:
        conditions.append(LoginAttemptRow.username == username[:200])
    if address is not None:
        conditions.append(LoginAttemptRow.address == address[:64])
    last_success = session.scalar(select(func.max(LoginAttemptRow.at)).where(*conditions,
                                                                              LoginAttemptRow.succeeded.is_(True)))
    if last_success is not None:
        conditions.append(LoginAttemptRow.at > last_success)
    count, latest = session.execute(
        select(func.count(LoginAttemptRow.id), func.max(LoginAttemptRow.at))
        .where(*conditions, LoginAttemptRow.succeeded.is_(False))
    ).one()
    return int(count or 0), latest


def assigned_user_ids(*, session: Session, project_id: int) -> frozenset[int]:
    """Return the ids of the editors assigned to a project."""
    return frozenset(session.scalars(select(ProjectAssignmentRow.user_id)
                                     .where(ProjectAssignmentRow.project_id == project_id)))


def assignments(*, session: Session, plan_id: int, keys: Collection[str] | None = None,
                ) -> dict[int, frozenset[int]]:
    """Return the assigned editors of every project of a plan (or of the projects with ``keys``), by project id."""
    rows = session.execute(
        select(ProjectAssignmentRow.project_id, ProjectAssignmentRow.user_id)
        .join(ProjectRow, ProjectRow.id == ProjectAssignmentRow.project_id)
        .where(*_projects(plan_id, keys))
    ).all()
    grouped: dict[int, set[int]] = {}
    for project_id, user_id in rows:
        grouped.setdefault(project_id, set()).add(user_id)
    return {k: frozenset(v) for k, v in grouped.items()}


def assigned_projects(*, session: Session, user_id: int) -> list[ProjectRow]:
    """Return the projects an editor is assigned to, in document order."""
    return list(session.scalars(
        select(ProjectRow).join(ProjectAssignmentRow, ProjectAssignmentRow.project_id == ProjectRow.id)
        .where(ProjectAssignmentRow.user_id == user_id).order_by(ProjectRow.plan_id, ProjectRow.position)))


def set_assignment(*, session: Session, project_id: int, user_id: int, assigned: bool, actor: str) -> bool:
    """Assign or unassign an editor; return whether anything changed."""
    current = session.get(ProjectAssignmentRow, (project_id, user_id))
    if assigned and current is None:
        session.add(ProjectAssignmentRow(project_id=project_id, user_id=user_id, assigned_by=actor))
    elif not assigned and current is not None:
        session.execute(delete(ProjectAssignmentRow).where(ProjectAssignmentRow.project_id == project_id,
                                                           ProjectAssignmentRow.user_id == user_id))
    else:
        return False
    session.flush()
    return True


def partner_codes(*, session: Session, project_id: int) -> frozenset[str]:
    """Return the 6-digit codes of a project's member partners (連携市町), the lead city included."""
    return frozenset(session.scalars(
        select(MunicipalityRow.code)
        .join(ProjectPartnerRow, ProjectPartnerRow.municipality_id == MunicipalityRow.id)
        .where(ProjectPartnerRow.project_id == project_id, ProjectPartnerRow.kind == "member")))


def all_partner_codes(*, session: Session, plan_id: int, keys: Collection[str] | None = None,
                      ) -> dict[int, frozenset[str]]:
    """Return the member partners' codes of every project of a plan (or of those with ``keys``), by project id."""
    rows = session.execute(
        select(ProjectPartnerRow.project_id, MunicipalityRow.code)
        .join(MunicipalityRow, MunicipalityRow.id == ProjectPartnerRow.municipality_id)
        .join(ProjectRow, ProjectRow.id == ProjectPartnerRow.project_id)
        .where(*_projects(plan_id, keys), ProjectPartnerRow.kind == "member")
    ).all()
    grouped: dict[int, set[str]] = {}
    for project_id, code in rows:
        grouped.setdefault(project_id, set()).add(code)
    return {k: frozenset(v) for k, v in grouped.items()}


def _projects(plan_id: int, keys: Collection[str] | None) -> list[Any]:
    """Return the conditions choosing a plan's projects (only those with ``keys``, when given)."""
    conditions: list[Any] = [ProjectRow.plan_id == plan_id]
    if keys is not None:
        conditions.append(ProjectRow.key.in_(list(keys)))
    return conditions


def plan_area_id(*, session: Session, plan_id: int) -> int:
    """Return the id of the area a plan belongs to."""
    return int(session.scalars(select(PlanRow.area_id).where(PlanRow.id == plan_id)).one())


def project_target(*, session: Session, project_id: int, plan_id: int,
                   municipality_code: str | None = None) -> Target:
    """Return a project as the permission matrix sees it: its area, member partners and assigned editors."""
    return Target(project_id, plan_area_id(session=session, plan_id=plan_id),
                  partner_codes(session=session, project_id=project_id),
                  assigned_user_ids(session=session, project_id=project_id), municipality_code)


def list_area_ids(*, session: Session) -> dict[str, int]:
    """Return every stored area's id by slug."""
    return {slug: area_id for slug, area_id in session.execute(select(AreaRow.slug, AreaRow.id))}


def is_area_member(*, session: Session, area_id: int, code: str) -> bool:
    """Tell whether a municipality (by code) is a member of an area."""
    return session.scalar(
        select(func.count()).select_from(AreaMemberRow)
        .join(MunicipalityRow, MunicipalityRow.id == AreaMemberRow.municipality_id)
        .where(AreaMemberRow.area_id == area_id, MunicipalityRow.code == code)) != 0
