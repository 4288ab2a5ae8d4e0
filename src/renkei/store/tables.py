"""Database tables: areas, municipalities, plan editions, project sheets, KPIs, actuals and the audit trail.

Portable types only (SQLite and PostgreSQL). Vocabularies are short strings guarded by CHECK
constraints rather than native enums, so adding a value is a plain migration on both databases.
Constraint names follow ``NAMING_CONVENTION`` so migrations can refer to them.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import UTC, date, datetime
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    ColumnElement,
    Date,
    DateTime,
    Double,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    func,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

#: JSON on SQLite, JSONB on PostgreSQL.
JsonType = JSON().with_variant(JSONB(), "postgresql")

#: Fiscal years are western years; anything outside this range is a reading error.
FISCAL_YEAR_RANGE = (1900, 2200)

PROJECT_STATUSES = ("active", "withdrawn")
BUDGET_STATUSES = ("amount", "none", "unclear", "undetermined", "not_stated", "invalid")
REVIEW_STATUSES = ("draft", "submitted", "returned", "approved")
PARTNER_KINDS = ("member", "outside", "excluded", "unresolved")
#: How a KPI's figure is made (:class:`renkei.domain.share.ShareMode`): a total, or the sum of the partners' shares.
SHARE_MODES = ("total", "sum")
SEVERITIES = ("error", "warning", "info")
#: What a revision did to a KPI (:class:`renkei.domain.revision.KpiChange`).
KPI_CHANGES = ("added", "changed", "dropped")


def now_utc() -> datetime:
    """Return the current time in UTC."""
    return datetime.now(UTC)


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


def _year_check(column: str) -> str:
    low, high = FISCAL_YEAR_RANGE
    return f"{column} BETWEEN {low} AND {high}"


class Base(DeclarativeBase):
    """Declarative base carrying the naming convention and the JSON type map."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map: ClassVar[dict[Any, Any]] = {dict[str, Any]: JsonType, list[Any]: JsonType}


class AreaRow(Base):
    """A regional-collaboration area (連携中枢都市圏), keyed by its slug."""

    __tablename__ = "area"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200), default="")
    lead_code: Mapped[str] = mapped_column(String(6))
    plan_first_year: Mapped[int] = mapped_column(Integer)
    plan_last_year: Mapped[int] = mapped_column(Integer)
    extra_parties: Mapped[list[Any]] = mapped_column(default=list)
    #: The area's own settings (``require_second_reviewer``: a submitter may not approve their own figure).
    settings: Mapped[dict[str, Any]] = mapped_column(default=dict)
    #: The area's own evaluation scale in the area file's form (docs/evaluation-scale.md); NULL: renkei's A–E.
    evaluation_scale: Mapped[dict[str, Any] | None] = mapped_column(default=None)
    #: How KPI grades add up (``worst``, ``share``, ``mean_rate``).
    rollup: Mapped[str] = mapped_column(String(20), default="worst", server_default="worst")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=now_utc)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=now_utc)


class MunicipalityRow(Base):
    """A local government (地方公共団体) with its national 6-digit code; shared by all areas."""

    __tablename__ = "municipality"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(6), unique=True)
    name: Mapped[str] = mapped_column(String(100), index=True)
    prefecture: Mapped[str] = mapped_column(String(20), default="")
    kana: Mapped[str] = mapped_column(String(200), default="")


class AreaMemberRow(Base):
    """Membership of a municipality in an area, in the area's order; the lead city is flagged."""

    __tablename__ = "area_member"

    area_id: Mapped[int] = mapped_column(ForeignKey("area.id", ondelete="CASCADE"), primary_key=True)
    municipality_id: Mapped[int] = mapped_column(ForeignKey("municipality.id"), primary_key=True, index=True)
    is_lead: Mapped[bool] = mapped_column(Boolean, default=False)
    position: Mapped[int] = mapped_column(Integer)


class PlanRow(Base):
    """One edition of an area's vision (連携中枢都市圏ビジョン); several may sit side by side."""

    __tablename__ = "plan"
    __table_args__ = (
        UniqueConstraint("area_id", "plan_key"),
        CheckConstraint("first_year <= last_year", name="period_order"),
        CheckConstraint(_year_check("first_year"), name="first_year_range"),
        CheckConstraint(_year_check("last_year"), name="last_year_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    area_id: Mapped[int] = mapped_column(ForeignKey("area.id"), index=True)
    plan_key: Mapped[str] = mapped_column(String(100))
    area_name: Mapped[str] = mapped_column(String(200))
    title: Mapped[str | None] = mapped_column(Text)
    first_year: Mapped[int] = mapped_column(Integer)
    last_year: Mapped[int] = mapped_column(Integer)
    source_sha256: Mapped[str] = mapped_column(String(64))
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=now_utc)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=now_utc)


class PlanImportRow(Base):
    """Append-only history: one row per import that wrote something, with the source and the diff."""

    __tablename__ = "plan_import"

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plan.id"), index=True)
    source_sha256: Mapped[str] = mapped_column(String(64), index=True)
    source_text: Mapped[str] = mapped_column(Text)
    imported_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=now_utc)
    actor: Mapped[str] = mapped_column(String(200))
    plan_version: Mapped[int] = mapped_column(Integer)
    diff: Mapped[dict[str, Any]] = mapped_column()


class PolicyAreaRow(Base):
    """A policy area (政策分野) of one plan edition."""

    __tablename__ = "policy_area"
    __table_args__ = (UniqueConstraint("plan_id", "number", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plan.id", ondelete="CASCADE"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(Text)


class CategoryRow(Base):
    """A category of the collaboration agreement (連携協約) in one plan edition."""

    __tablename__ = "category"

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plan.id", ondelete="CASCADE"), index=True)
    code: Mapped[str] = mapped_column(String(20))
    name: Mapped[str] = mapped_column(Text)
    subtitle: Mapped[str | None] = mapped_column(Text)


class ProjectRow(Base):
    """A project sheet (事業シート), keyed in its plan by ``Project.key``; never deleted, only withdrawn."""

    __tablename__ = "project"
    __table_args__ = (
        UniqueConstraint("plan_id", "key"),
        UniqueConstraint("plan_id", "slug"),
        CheckConstraint(_in("status", PROJECT_STATUSES), name="status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plan.id"), index=True)
    key: Mapped[str] = mapped_column(String(500))
    slug: Mapped[str] = mapped_column(String(20))
    name: Mapped[str] = mapped_column(Text)
    #: The name's reading in kana (読み) for 五十音順, made at import; NULL when no reading could be made.
    reading: Mapped[str | None] = mapped_column(Text)
    relisted: Mapped[bool] = mapped_column(Boolean, default=False)
    status: Mapped[str] = mapped_column(String(16), default="active")
    policy_area_id: Mapped[int | None] = mapped_column(ForeignKey("policy_area.id"), index=True)
    category_id: Mapped[int | None] = mapped_column(ForeignKey("category.id"), index=True)
    description: Mapped[str | None] = mapped_column(Text)
    effects: Mapped[list[Any]] = mapped_column(default=list)
    partners_text: Mapped[str | None] = mapped_column(Text)
    partners_all_members: Mapped[bool] = mapped_column(Boolean, default=False)
    has_budget: Mapped[bool] = mapped_column(Boolean, default=False)
    budget_unit: Mapped[str | None] = mapped_column(String(20))
    budget_note: Mapped[str | None] = mapped_column(Text)
    budget_source_line: Mapped[int | None] = mapped_column(Integer)
    budget_total_text: Mapped[str | None] = mapped_column(Text)
    budget_total_amount: Mapped[int | None] = mapped_column(BigInteger)
    cost_basis: Mapped[str | None] = mapped_column(String(20))
    cost_text: Mapped[str | None] = mapped_column(Text)
    cost_principles: Mapped[list[Any]] = mapped_column(default=list)
    extra: Mapped[list[Any]] = mapped_column(default=list)
    source_line: Mapped[int] = mapped_column(Integer)
    position: Mapped[int] = mapped_column(Integer)
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=now_utc)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=now_utc)
    withdrawn_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


def among_projects(keys: Collection[str] | None) -> tuple[ColumnElement[bool], ...]:
    """Return the condition that keeps a plan's query to the projects with these keys (none: every project)."""
    return () if keys is None else (ProjectRow.key.in_(sorted(keys)),)


class ProjectPartnerRow(Base):
    """A project partner (連携市町): a member, an outside-area partner, an exclusion or an unresolved name.

    ``municipality_id`` is set whenever the national code is known; ``name`` keeps the name as read.
    """

    __tablename__ = "project_partner"
    __table_args__ = (
        UniqueConstraint("project_id", "kind", "position"),
        CheckConstraint(_in("kind", PARTNER_KINDS), name="kind"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    position: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(200))
    municipality_id: Mapped[int | None] = mapped_column(ForeignKey("municipality.id"), index=True)
    is_lead: Mapped[bool] = mapped_column(Boolean, default=False)
    in_area: Mapped[bool] = mapped_column(Boolean, default=True)


class RoleRow(Base):
    """One party's duties (役割分担) in a project."""

    __tablename__ = "role"
    __table_args__ = (UniqueConstraint("project_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    party: Mapped[str] = mapped_column(String(200))
    duties: Mapped[list[Any]] = mapped_column(default=list)


class BudgetLineRow(Base):
    """One fiscal year's budget cell (事業費, 千円) of a project."""

    __tablename__ = "budget_line"
    __table_args__ = (
        UniqueConstraint("project_id", "fiscal_year"),
        CheckConstraint(_year_check("fiscal_year"), name="fiscal_year_range"),
        CheckConstraint(_in("status", BUDGET_STATUSES), name="status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id", ondelete="CASCADE"), index=True)
    fiscal_year: Mapped[int] = mapped_column(Integer)
    amount: Mapped[int | None] = mapped_column(BigInteger)
    status: Mapped[str] = mapped_column(String(16))
    text: Mapped[str] = mapped_column(Text)


class KpiRow(Base):
    """A KPI (重要業績評価指数) of a project, keyed by its folded indicator; actuals hang off it.

    ``baseline_*``/``target_*`` hold a Quantity's main fields; ``*_extra`` the rest (months, qualifier…).
    """

    __tablename__ = "kpi"
    __table_args__ = (
        UniqueConstraint("project_id", "indicator_key"),
        CheckConstraint(_in("status", PROJECT_STATUSES), name="status"),
        CheckConstraint(_in("share_mode", SHARE_MODES), name="share_mode"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id"), index=True)
    indicator: Mapped[str] = mapped_column(Text)
    indicator_key: Mapped[str] = mapped_column(String(500))
    direction: Mapped[str | None] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(16), default="active")
    position: Mapped[int] = mapped_column(Integer)
    source_line: Mapped[int | None] = mapped_column(Integer)
    baseline_text: Mapped[str] = mapped_column(Text)
    baseline_value: Mapped[float | None] = mapped_column(Double)
    baseline_unit: Mapped[str | None] = mapped_column(String(50))
    baseline_per: Mapped[str | None] = mapped_column(String(10))
    baseline_kind: Mapped[str] = mapped_column(String(16))
    baseline_fiscal_year: Mapped[int | None] = mapped_column(Integer)
    baseline_from_fiscal_year: Mapped[int | None] = mapped_column(Integer)
    baseline_extra: Mapped[dict[str, Any]] = mapped_column(default=dict)
    target_text: Mapped[str] = mapped_column(Text)
    target_value: Mapped[float | None] = mapped_column(Double)
    target_unit: Mapped[str | None] = mapped_column(String(50))
    target_per: Mapped[str | None] = mapped_column(String(10))
    target_kind: Mapped[str] = mapped_column(String(16))
    target_fiscal_year: Mapped[int | None] = mapped_column(Integer)
    target_from_fiscal_year: Mapped[int | None] = mapped_column(Integer)
    target_extra: Mapped[dict[str, Any]] = mapped_column(default=dict)
    #: How the KPI's figure is made from what is reported (set by the planning staff; kept across editions).
    share_mode: Mapped[str] = mapped_column(String(8), default="total", server_default="total")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=now_utc)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=now_utc)


class ActualRow(Base):
    """A KPI actual (実績値) for a fiscal year (or one month of it); versions are kept, one is current.

    ``municipality_code`` is NULL for the KPI's own figure (合計) and a 6-digit code for that municipality's share
    (内訳): each is a record of its own in the review workflow. Correcting a value inserts a new row and clears
    ``is_current`` on the old one, so history stays. ``note`` and ``entered_by`` are internal; ``comment``,
    ``evidence`` and ``reported_by`` (the organisation) are published with the value.
    """

    __tablename__ = "actual"
    __table_args__ = (
        CheckConstraint(_year_check("fiscal_year"), name="fiscal_year_range"),
        CheckConstraint("month IS NULL OR month BETWEEN 1 AND 12", name="month_range"),
        CheckConstraint(_in("review_status", REVIEW_STATUSES), name="review_status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kpi_id: Mapped[int] = mapped_column(ForeignKey("kpi.id"), index=True)
    fiscal_year: Mapped[int] = mapped_column(Integer)
    month: Mapped[int | None] = mapped_column(Integer)
    municipality_code: Mapped[str | None] = mapped_column(String(6))
    value: Mapped[float | None] = mapped_column(Double)
    note: Mapped[str | None] = mapped_column(Text)
    comment: Mapped[str | None] = mapped_column(Text)
    evidence: Mapped[str | None] = mapped_column(Text)
    entered_by: Mapped[str | None] = mapped_column(String(200))
    reported_by: Mapped[str | None] = mapped_column(String(200))
    entered_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    review_status: Mapped[str] = mapped_column(String(16), default="approved")
    is_current: Mapped[bool] = mapped_column(Boolean, default=True)
    version: Mapped[int] = mapped_column(Integer, default=1)
    recorded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=now_utc)
    #: The reviewer's comment on a return, or the reason of a reopening (staff workspace).
    review_comment: Mapped[str | None] = mapped_column(Text)
    #: The version the public sees: the latest approved one, kept until a newer one is approved.
    is_published: Mapped[bool] = mapped_column(Boolean, default=False)
    #: Where the figure came from when not typed in: ``historical`` for an earlier year's figure brought in from the
    #: area's own sheet (``renkei actuals map``); NULL for a figure entered or uploaded as usual.
    source: Mapped[str | None] = mapped_column(String(20))


#: The columns that make a record's period and part: one current (and one published) row for each.
ACTUAL_PART = (ActualRow.kpi_id, ActualRow.fiscal_year, func.coalesce(ActualRow.month, 0),
               func.coalesce(ActualRow.municipality_code, ""))
# One current row per KPI, period and part; a whole-year total has month and municipality NULL, which plain
# UNIQUE would miss.
Index("uq_actual_current_part", *ACTUAL_PART, unique=True, sqlite_where=ActualRow.is_current,
      postgresql_where=ActualRow.is_current)
# One published row per KPI, period and part: the public keeps it while a correction is under review.
Index("uq_actual_published_part", *ACTUAL_PART, unique=True, sqlite_where=ActualRow.is_published,
      postgresql_where=ActualRow.is_published)


class AssessmentRow(Base):
    """A KPI's yearly staff assessment (評価): a status word, evidence and a public comment, and an internal note.

    The ``published_*`` columns hold what the public sees: the last approved assessment, kept while a
    correction is under review. ``version`` guards against two people overwriting each other.
    """

    __tablename__ = "assessment"
    __table_args__ = (
        UniqueConstraint("kpi_id", "fiscal_year"),
        CheckConstraint(_year_check("fiscal_year"), name="fiscal_year_range"),
        CheckConstraint(_in("review_status", REVIEW_STATUSES), name="review_status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kpi_id: Mapped[int] = mapped_column(ForeignKey("kpi.id"), index=True)
    fiscal_year: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(50))
    comment: Mapped[str | None] = mapped_column(Text)
    entered_by: Mapped[str | None] = mapped_column(String(200))
    entered_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    review_status: Mapped[str] = mapped_column(String(16), default="draft")
    evidence: Mapped[str | None] = mapped_column(Text)
    review_comment: Mapped[str | None] = mapped_column(Text)
    version: Mapped[int] = mapped_column(Integer, default=1)
    published_status: Mapped[str | None] = mapped_column(String(50))
    published_comment: Mapped[str | None] = mapped_column(Text)
    published_evidence: Mapped[str | None] = mapped_column(Text)
    published_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    #: The internal note (備考), never published.
    note: Mapped[str | None] = mapped_column(Text)
    #: The organisation that entered it (行橋市, 消防局予防課), and the one the public sees with the published word.
    reported_by: Mapped[str | None] = mapped_column(String(200))
    published_reported_by: Mapped[str | None] = mapped_column(String(200))


class PlanRevisionRow(Base):
    """A revision of a plan mid-period (一部改正): its label, date, reason and the fiscal year it is in force from.

    Append-only; written by an import given ``--revision``, with the plan version it produced.
    """

    __tablename__ = "plan_revision"
    __table_args__ = (CheckConstraint(_year_check("in_force_from"), name="in_force_from_range"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plan.id"), index=True)
    label: Mapped[str] = mapped_column(String(200))
    reason: Mapped[str] = mapped_column(Text, default="")
    revised_on: Mapped[date] = mapped_column(Date)
    #: The date as the area wrote it (令和9年10月).
    date_text: Mapped[str] = mapped_column(String(50), default="")
    in_force_from: Mapped[int] = mapped_column(Integer)
    plan_version: Mapped[int] = mapped_column(Integer)
    actor: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=now_utc)


class KpiRevisionRow(Base):
    """What one revision did to one KPI: added, changed (its baseline and target before and after) or dropped.

    The KPI row always holds the latest form; these rows are its history, read to judge each year against the
    target then in force (:func:`renkei.domain.revision.kpi_in_force`). Quantities are kept as
    :func:`renkei.store.rows.quantity_to_json` writes them.
    """

    __tablename__ = "kpi_revision"
    __table_args__ = (
        UniqueConstraint("plan_revision_id", "kpi_id"),
        CheckConstraint(_in("change", KPI_CHANGES), name="change"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_revision_id: Mapped[int] = mapped_column(ForeignKey("plan_revision.id"), index=True)
    kpi_id: Mapped[int] = mapped_column(ForeignKey("kpi.id"), index=True)
    change: Mapped[str] = mapped_column(String(16))
    fields: Mapped[list[Any]] = mapped_column(default=list)
    old_baseline: Mapped[dict[str, Any] | None] = mapped_column(JsonType)
    old_target: Mapped[dict[str, Any] | None] = mapped_column(JsonType)
    new_baseline: Mapped[dict[str, Any] | None] = mapped_column(JsonType)
    new_target: Mapped[dict[str, Any] | None] = mapped_column(JsonType)


class AuditEventRow(Base):
    """Append-only audit trail: who did what to which record, with the record before and after.

    Field-level events name the ``field`` changed, its ``old_value`` and ``new_value`` as text, and
    the ``reason`` given; ``project_id`` lets a project's history be read in one query.
    """

    __tablename__ = "audit_event"
    __table_args__ = (Index("ix_audit_event_entity", "entity", "entity_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=now_utc, index=True)
    actor: Mapped[str] = mapped_column(String(200))
    action: Mapped[str] = mapped_column(String(50))
    entity: Mapped[str] = mapped_column(String(50))
    entity_key: Mapped[str] = mapped_column(String(1000))
    before: Mapped[dict[str, Any] | None] = mapped_column(JsonType)
    after: Mapped[dict[str, Any] | None] = mapped_column(JsonType)
    field: Mapped[str | None] = mapped_column(String(100))
    old_value: Mapped[str | None] = mapped_column(Text)
    new_value: Mapped[str | None] = mapped_column(Text)
    reason: Mapped[str | None] = mapped_column(Text)
    project_id: Mapped[int | None] = mapped_column(Integer, index=True)


class FindingRow(Base):
    """A finding of the reader or a lint rule about the plan's latest imported document."""

    __tablename__ = "finding"
    __table_args__ = (CheckConstraint(_in("severity", SEVERITIES), name="severity"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plan.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    rule: Mapped[str] = mapped_column(String(100), index=True)
    severity: Mapped[str] = mapped_column(String(16))
    message: Mapped[str] = mapped_column(Text)
    line: Mapped[int | None] = mapped_column(Integer)
    project_name: Mapped[str | None] = mapped_column(Text)
    project_key: Mapped[str | None] = mapped_column(String(500), index=True)
    suggestion: Mapped[str | None] = mapped_column(Text)


# The staff workspace's tables (accounts, sessions, rounds, drafts) live in their own module.
from renkei.store import workspace_tables as _workspace_tables  # noqa: E402, F401
