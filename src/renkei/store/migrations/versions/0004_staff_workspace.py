"""Staff workspace: accounts, sessions, sign-in attempts, reporting rounds, assignments, evaluations, drafts.

Revision ID: 0004_staff_workspace
Revises: 0003_reader_budget
Create Date: 2026-12-03

Also: the review workflow gains ``returned`` (actual, assessment), review comments, a published version
the public keeps while a correction is reviewed, and field-level audit columns. ``audit_event`` stays
append-only: columns are added with ALTER TABLE, never by copying the table.

On SQLite a CHECK constraint can only change by rebuilding the table. Rebuilding ``actual`` drops it,
and with foreign keys on that cascades to its per-municipality values, so they are copied aside first
and put back; the partial unique index is recreated by hand (SQLite cannot reflect it).
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0004_staff_workspace"
down_revision: str | None = "0003_reader_budget"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON_TYPE = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
OLD_REVIEW = "review_status IN ('draft', 'submitted', 'approved')"
NEW_REVIEW = "review_status IN ('draft', 'submitted', 'returned', 'approved')"
NEW_TABLES = ("project_text", "project_evaluation", "project_assignment", "reporting_round", "login_attempt",
              "staff_session", "staff_user")
AUDIT_COLUMNS = ("project_id", "reason", "new_value", "old_value", "field")


def _sqlite() -> bool:
    return op.get_bind().dialect.name == "sqlite"


def _period_index(name: str, flag: str) -> None:
    op.create_index(name, "actual", ["kpi_id", "fiscal_year", sa.text("coalesce(month, 0)")], unique=True,
                    sqlite_where=sa.text(flag), postgresql_where=sa.text(flag))


def _change_review_check(table: str, condition: str, columns: Sequence[sa.Column[object]]) -> None:
    """Replace a table's review-status CHECK and add columns (a table rebuild on SQLite)."""
    if not _sqlite():
        op.drop_constraint(op.f(f"ck_{table}_review_status"), table, type_="check")
        op.create_check_constraint("review_status", table, condition)
        for column in columns:
            op.add_column(table, column)
        return
    with op.batch_alter_table(table, recreate="always") as batch:
        batch.drop_constraint(op.f(f"ck_{table}_review_status"), type_="check")
        batch.create_check_constraint("review_status", condition)
        for column in columns:
            batch.add_column(column)


def _rebuild_actual(condition: str, columns: Sequence[sa.Column[object]]) -> None:
    sqlite = _sqlite()
    if sqlite:
        op.execute("CREATE TEMP TABLE renkei_kept_shares AS SELECT * FROM actual_value_by_municipality")
        op.drop_index("uq_actual_current_period", table_name="actual")
    _change_review_check("actual", condition, columns)
    if sqlite:
        op.execute("INSERT INTO actual_value_by_municipality SELECT * FROM renkei_kept_shares "
                   "WHERE id NOT IN (SELECT id FROM actual_value_by_municipality)")
        op.execute("DROP TABLE renkei_kept_shares")
        _period_index("uq_actual_current_period", "is_current")


def _create_tables() -> None:
    op.create_table(
        "staff_user",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("username", sa.String(length=64), nullable=False),
        sa.Column("display_name", sa.String(length=200), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("municipality_code", sa.String(length=6), nullable=True),
        sa.Column("password_hash", sa.String(length=255), nullable=False),
        sa.Column("disabled", sa.Boolean(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("password_changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("role IN ('admin', 'editor', 'municipality', 'viewer')", name=op.f("ck_staff_user_role")),
        sa.CheckConstraint(
            "(role = 'municipality' AND municipality_code IS NOT NULL) OR "
            "(role <> 'municipality' AND municipality_code IS NULL)",
            name=op.f("ck_staff_user_municipality_code"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_staff_user")),
        sa.UniqueConstraint("username", name=op.f("uq_staff_user_username")),
    )
    op.create_table(
        "staff_session",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("address", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["staff_user.id"], name=op.f("fk_staff_session_user_id_staff_user"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_staff_session")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_staff_session_token_hash")),
    )
    op.create_index("ix_staff_session_user_id", "staff_session", ["user_id"])
    op.create_table(
        "login_attempt",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("username", sa.String(length=200), nullable=False),
        sa.Column("address", sa.String(length=64), nullable=False),
        sa.Column("succeeded", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_login_attempt")),
    )
    for column in ("at", "username", "address"):
        op.create_index(f"ix_login_attempt_{column}", "login_attempt", [column])
    op.create_table(
        "reporting_round",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("fiscal_year", sa.Integer(), nullable=False),
        sa.Column("due_date", sa.Date(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("opened_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("opened_by", sa.String(length=200), nullable=False),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("closed_by", sa.String(length=200), nullable=True),
        sa.CheckConstraint("fiscal_year BETWEEN 1900 AND 2200", name=op.f("ck_reporting_round_fiscal_year_range")),
        sa.ForeignKeyConstraint(["plan_id"], ["plan.id"], name=op.f("fk_reporting_round_plan_id_plan")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reporting_round")),
        sa.UniqueConstraint("plan_id", "fiscal_year", name=op.f("uq_reporting_round_plan_id_fiscal_year")),
    )
    op.create_index("ix_reporting_round_plan_id", "reporting_round", ["plan_id"])
    op.create_table(
        "project_assignment",
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("assigned_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("assigned_by", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(["project_id"], ["project.id"],
                                name=op.f("fk_project_assignment_project_id_project"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["user_id"], ["staff_user.id"],
                                name=op.f("fk_project_assignment_user_id_staff_user"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("project_id", "user_id", name=op.f("pk_project_assignment")),
    )
    op.create_index("ix_project_assignment_user_id", "project_assignment", ["user_id"])
    op.create_table(
        "project_evaluation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("fiscal_year", sa.Integer(), nullable=False),
        sa.Column("direction", sa.String(length=16), nullable=False),
        sa.Column("comment", sa.Text(), nullable=False),
        sa.Column("review_status", sa.String(length=16), nullable=False),
        sa.Column("review_comment", sa.Text(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("entered_by", sa.String(length=200), nullable=True),
        sa.Column("entered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("published_direction", sa.String(length=16), nullable=True),
        sa.Column("published_comment", sa.Text(), nullable=True),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint("fiscal_year BETWEEN 1900 AND 2200",
                           name=op.f("ck_project_evaluation_fiscal_year_range")),
        sa.CheckConstraint("direction IN ('expand', 'continue', 'improve', 'reduce', 'end')",
                           name=op.f("ck_project_evaluation_direction")),
        sa.CheckConstraint(NEW_REVIEW, name=op.f("ck_project_evaluation_review_status")),
        sa.ForeignKeyConstraint(["project_id"], ["project.id"], name=op.f("fk_project_evaluation_project_id_project")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_project_evaluation")),
        sa.UniqueConstraint("project_id", "fiscal_year", name=op.f("uq_project_evaluation_project_id_fiscal_year")),
    )
    op.create_index("ix_project_evaluation_project_id", "project_evaluation", ["project_id"])
    op.create_table(
        "project_text",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("effects", JSON_TYPE, nullable=False),
        sa.Column("roles", JSON_TYPE, nullable=False),
        sa.Column("pending", sa.Boolean(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("updated_by", sa.String(length=200), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("kind IN ('draft', 'published')", name=op.f("ck_project_text_kind")),
        sa.ForeignKeyConstraint(["project_id"], ["project.id"], name=op.f("fk_project_text_project_id_project"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_project_text")),
        sa.UniqueConstraint("project_id", "kind", name=op.f("uq_project_text_project_id_kind")),
    )
    op.create_index("ix_project_text_project_id", "project_text", ["project_id"])


def upgrade() -> None:
    """Apply this revision."""
    _rebuild_actual(NEW_REVIEW, [
        sa.Column("review_comment", sa.Text(), nullable=True),
        sa.Column("is_published", sa.Boolean(), nullable=False, server_default=sa.false()),
    ])
    op.execute("UPDATE actual SET is_published = (is_current AND review_status = 'approved')")
    _period_index("uq_actual_published_period", "is_published")
    _change_review_check("assessment", NEW_REVIEW, [
        sa.Column("evidence", sa.Text(), nullable=True),
        sa.Column("review_comment", sa.Text(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False, server_default="1"),
        sa.Column("published_status", sa.String(length=50), nullable=True),
        sa.Column("published_comment", sa.Text(), nullable=True),
        sa.Column("published_evidence", sa.Text(), nullable=True),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=True),
    ])
    op.execute("UPDATE assessment SET published_status = status, published_comment = comment, "
               "published_at = entered_at WHERE review_status = 'approved'")
    for name in ("field", "old_value", "new_value", "reason"):
        op.add_column("audit_event", sa.Column(name, sa.String(length=100) if name == "field" else sa.Text(),
                                               nullable=True))
    op.add_column("audit_event", sa.Column("project_id", sa.Integer(), nullable=True))
    op.create_index("ix_audit_event_project_id", "audit_event", ["project_id"])
    _create_tables()


def downgrade() -> None:
    """Revert this revision (returned records go back to draft; staff tables are dropped)."""
    for table in NEW_TABLES:
        op.drop_table(table)
    op.drop_index("ix_audit_event_project_id", table_name="audit_event")
    if _sqlite():  # DROP COLUMN rebuilds nothing on SQLite >= 3.35 and fires no trigger
        for name in AUDIT_COLUMNS:
            op.execute(f"ALTER TABLE audit_event DROP COLUMN {name}")
    else:
        for name in AUDIT_COLUMNS:
            op.drop_column("audit_event", name)
    op.execute("UPDATE actual SET review_status = 'draft' WHERE review_status = 'returned'")
    op.execute("UPDATE assessment SET review_status = 'draft' WHERE review_status = 'returned'")
    op.drop_index("uq_actual_published_period", table_name="actual")
    _downgrade_table("assessment", ("evidence", "review_comment", "version", "published_status", "published_comment",
                                    "published_evidence", "published_at"))
    _downgrade_table("actual", ("review_comment", "is_published"))


def _downgrade_table(table: str, columns: Sequence[str]) -> None:
    if not _sqlite():
        op.drop_constraint(op.f(f"ck_{table}_review_status"), table, type_="check")
        op.create_check_constraint("review_status", table, OLD_REVIEW)
        for name in columns:
            op.drop_column(table, name)
        return
    if table == "actual":
        op.execute("CREATE TEMP TABLE renkei_kept_shares AS SELECT * FROM actual_value_by_municipality")
        op.drop_index("uq_actual_current_period", table_name="actual")
    with op.batch_alter_table(table, recreate="always") as batch:
        batch.drop_constraint(op.f(f"ck_{table}_review_status"), type_="check")
        batch.create_check_constraint("review_status", OLD_REVIEW)
        for name in columns:
            batch.drop_column(name)
    if table == "actual":
        op.execute("INSERT INTO actual_value_by_municipality SELECT * FROM renkei_kept_shares "
                   "WHERE id NOT IN (SELECT id FROM actual_value_by_municipality)")
        op.execute("DROP TABLE renkei_kept_shares")
        _period_index("uq_actual_current_period", "is_current")
