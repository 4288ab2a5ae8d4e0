"""Staff workspace tables: accounts, sessions, sign-in attempts, reporting rounds, assignments, drafts.

Kept apart from :mod:`renkei.store.tables` (the plan and its actuals) because they describe who works
on the plan, not the plan. Same conventions: portable types, CHECK constraints for vocabularies.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from renkei.store.tables import REVIEW_STATUSES, AreaRow, Base, _in, _year_check, now_utc

#: Staff roles (see :mod:`renkei.domain.permission`).
ROLES = ("admin", "editor", "municipality", "viewer")
#: Directions of a project's annual evaluation (事業評価): 拡充 / 継続 / 改善 / 縮小 / 終了.
EVALUATION_DIRECTIONS = ("expand", "continue", "improve", "reduce", "end")
TEXT_KINDS = ("draft", "published")


class StaffUserRow(Base):
    """A staff account: a role, for a municipality user its 地方公共団体コード, and an argon2id hash."""

    __tablename__ = "staff_user"
    __table_args__ = (
        CheckConstraint(_in("role", ROLES), name="role"),
        CheckConstraint(
            "(role = 'municipality' AND municipality_code IS NOT NULL) OR "
            "(role <> 'municipality' AND municipality_code IS NULL)",
            name="municipality_code",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(200), default="")
    #: The organisation the public sees on what this account reports (行橋市, 消防局予防課); never the login name.
    organisation: Mapped[str] = mapped_column(String(200), default="", server_default="")
    role: Mapped[str] = mapped_column(String(16))
    municipality_code: Mapped[str | None] = mapped_column(String(6))
    #: The area the account works in; None only for an admin of every area.
    area_id: Mapped[int | None] = mapped_column(ForeignKey("area.id", ondelete="SET NULL"), index=True)
    area: Mapped[AreaRow | None] = relationship(lazy="joined")
    password_hash: Mapped[str] = mapped_column(String(255))
    disabled: Mapped[bool] = mapped_column(Boolean, default=False)
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=now_utc)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=now_utc)
    password_changed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=now_utc)


class StaffSessionRow(Base):
    """A signed-in session: only the keyed hash of its random token is stored, never the token."""

    __tablename__ = "staff_session"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("staff_user.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=now_utc)
    last_seen_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=now_utc)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    address: Mapped[str] = mapped_column(String(64), default="")


class LoginAttemptRow(Base):
    """One sign-in attempt, kept to throttle guessing per account name and per address."""

    __tablename__ = "login_attempt"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=now_utc, index=True)
    username: Mapped[str] = mapped_column(String(200), index=True)
    address: Mapped[str] = mapped_column(String(64), index=True)
    succeeded: Mapped[bool] = mapped_column(Boolean, default=False)


class ReportingRoundRow(Base):
    """A reporting round: the fiscal year whose actuals are being collected for a plan, and the due date."""

    __tablename__ = "reporting_round"
    __table_args__ = (
        UniqueConstraint("plan_id", "fiscal_year"),
        CheckConstraint(_year_check("fiscal_year"), name="fiscal_year_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plan.id"), index=True)
    fiscal_year: Mapped[int] = mapped_column(Integer)
    due_date: Mapped[date] = mapped_column(Date)
    note: Mapped[str | None] = mapped_column(Text)
    opened_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=now_utc)
    opened_by: Mapped[str] = mapped_column(String(200))
    closed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    closed_by: Mapped[str | None] = mapped_column(String(200))


class ProjectAssignmentRow(Base):
    """An editor (a lead-city department) assigned to a project: it edits and reviews that project."""

    __tablename__ = "project_assignment"

    project_id: Mapped[int] = mapped_column(ForeignKey("project.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("staff_user.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    assigned_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=now_utc)
    assigned_by: Mapped[str] = mapped_column(String(200))


class ProjectEvaluationRow(Base):
    """A project's annual evaluation (事業評価): a direction and a comment, under the review workflow."""

    __tablename__ = "project_evaluation"
    __table_args__ = (
        UniqueConstraint("project_id", "fiscal_year"),
        CheckConstraint(_year_check("fiscal_year"), name="fiscal_year_range"),
        CheckConstraint(_in("direction", EVALUATION_DIRECTIONS), name="direction"),
        CheckConstraint(_in("review_status", REVIEW_STATUSES), name="review_status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id"), index=True)
    fiscal_year: Mapped[int] = mapped_column(Integer)
    direction: Mapped[str] = mapped_column(String(16))
    comment: Mapped[str] = mapped_column(Text, default="")
    review_status: Mapped[str] = mapped_column(String(16), default="draft")
    review_comment: Mapped[str | None] = mapped_column(Text)
    version: Mapped[int] = mapped_column(Integer, default=1)
    entered_by: Mapped[str | None] = mapped_column(String(200))
    entered_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    published_direction: Mapped[str | None] = mapped_column(String(16))
    published_comment: Mapped[str | None] = mapped_column(Text)
    published_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class PartnerEvaluationRow(Base):
    """A partner municipality's own evaluation of a project for a year (連携市町による評価): a grade of the area's
    scale and a comment, under the review workflow; approval publishes it beside the lead city's."""

    __tablename__ = "partner_evaluation"
    __table_args__ = (
        UniqueConstraint("project_id", "fiscal_year", "municipality_code"),
        CheckConstraint(_year_check("fiscal_year"), name="fiscal_year_range"),
        CheckConstraint(_in("review_status", REVIEW_STATUSES), name="review_status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id"), index=True)
    fiscal_year: Mapped[int] = mapped_column(Integer)
    municipality_code: Mapped[str] = mapped_column(String(6))
    grade: Mapped[str] = mapped_column(String(8))
    comment: Mapped[str] = mapped_column(Text, default="")
    review_status: Mapped[str] = mapped_column(String(16), default="draft")
    review_comment: Mapped[str | None] = mapped_column(Text)
    version: Mapped[int] = mapped_column(Integer, default=1)
    entered_by: Mapped[str | None] = mapped_column(String(200))
    entered_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    published_grade: Mapped[str | None] = mapped_column(String(8))
    published_comment: Mapped[str | None] = mapped_column(Text)
    published_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class ProjectTextRow(Base):
    """Staff-edited project text: the working draft, and the version published over the document's text.

    The draft row is never deleted: ``pending`` says it holds unpublished changes and ``version`` only
    grows, so a form based on an older draft is always caught as a conflict.
    """

    __tablename__ = "project_text"
    __table_args__ = (
        UniqueConstraint("project_id", "kind"),
        CheckConstraint(_in("kind", TEXT_KINDS), name="kind"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    description: Mapped[str | None] = mapped_column(Text)
    effects: Mapped[list[Any]] = mapped_column(default=list)
    roles: Mapped[list[Any]] = mapped_column(default=list)
    pending: Mapped[bool] = mapped_column(Boolean, default=False)
    version: Mapped[int] = mapped_column(Integer, default=1)
    updated_by: Mapped[str] = mapped_column(String(200))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=now_utc)


class AppSecretRow(Base):
    """A secret the application generates once and every worker and host shares (the session key).

    Written once, by whichever process needs it first (``INSERT … ON CONFLICT DO NOTHING``), and never updated:
    every process then reads the same value. ``RENKEI_SESSION_KEY`` keeps the session key out of the database.
    """

    __tablename__ = "app_secret"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    value: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=now_utc)


class ActualsMappingRow(Base):
    """A confirmed mapping of an area's own actuals sheet (過年度の実績表), saved under a name for the next file.

    ``fingerprint`` is the header row's (:func:`renkei.domain.actuals_mapping.layout_fingerprint`): a file whose
    header is the same is proposed this mapping again. ``mapping`` is its JSON form (columns by letter).
    """

    __tablename__ = "actuals_mapping"
    __table_args__ = (
        UniqueConstraint("area_id", "name"),
        Index("ix_actuals_mapping_area_fingerprint", "area_id", "fingerprint"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    area_id: Mapped[int] = mapped_column(ForeignKey("area.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(100))
    fingerprint: Mapped[str] = mapped_column(String(64))
    header: Mapped[list[Any]] = mapped_column(default=list)
    mapping: Mapped[dict[str, Any]] = mapped_column(default=dict)
    updated_by: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=now_utc)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=now_utc)


class MappingUploadRow(Base):
    """A file a staff member sent to be mapped, kept between the steps of the mapping page (at most one per user,
    removed once imported, and a day after it was sent at the latest)."""

    __tablename__ = "mapping_upload"

    id: Mapped[int] = mapped_column(primary_key=True)
    token: Mapped[str] = mapped_column(String(64), unique=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plan.id", ondelete="CASCADE"), index=True)
    username: Mapped[str] = mapped_column(String(64), index=True)
    file_name: Mapped[str] = mapped_column(String(255))
    data: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=now_utc)
