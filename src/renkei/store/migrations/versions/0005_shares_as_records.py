"""Shares as records: a municipality's share of an actual is a record of its own; public and internal fields.

Revision ID: 0005_shares_as_records
Revises: 0004_staff_workspace
Create Date: 2026-12-07

Until now an actual held the municipalities' shares in ``actual_value_by_municipality`` and its total was their
sum, so one town's share became the area's figure. Each share now becomes a row of ``actual`` with its own
``municipality_code`` (NULL for the KPI's own figure), review status and version, so two towns reporting in the
same round never block or overwrite each other. Every version of every record is kept: a stored share becomes a
share row of the same status, version and publication; a record that held shares and no total keeps only its
shares (its note moves to them, its audit trail stays as it was).

Also: ``actual.comment`` (public) beside ``note`` (internal), ``actual.reported_by`` (the organisation the public
sees instead of a login name), the same for assessments, ``staff_user.organisation``, ``kpi.share_mode`` (how a
KPI's figure is made) and ``area.settings``. Columns are added with ALTER TABLE, so no table is rebuilt.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0005_shares_as_records"
down_revision: str | None = "0004_staff_workspace"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON_TYPE = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
SHARED_COLUMNS = ("kpi_id", "fiscal_year", "month", "evidence", "entered_by", "entered_at", "review_status",
                  "is_current", "version", "recorded_at", "review_comment", "is_published")


def _part_index(name: str, flag: str, *, with_part: bool) -> None:
    columns: list[str | sa.TextClause] = ["kpi_id", "fiscal_year", sa.text("coalesce(month, 0)")]
    if with_part:
        columns.append(sa.text("coalesce(municipality_code, '')"))
    op.create_index(name, "actual", columns, unique=True, sqlite_where=sa.text(flag), postgresql_where=sa.text(flag))


def _sync_actual_ids() -> None:
    """Bring PostgreSQL's id sequence past the rows already there (rows written with explicit ids do not move it)."""
    if op.get_bind().dialect.name == "postgresql":
        op.execute("SELECT setval(pg_get_serial_sequence('actual', 'id'), "
                   "(SELECT coalesce(max(id), 0) + 1 FROM actual), false)")


def upgrade() -> None:
    """Apply this revision."""
    op.add_column("actual", sa.Column("municipality_code", sa.String(length=6), nullable=True))
    op.add_column("actual", sa.Column("comment", sa.Text(), nullable=True))
    op.add_column("actual", sa.Column("reported_by", sa.String(length=200), nullable=True))
    op.drop_index("uq_actual_current_period", table_name="actual")
    op.drop_index("uq_actual_published_period", table_name="actual")
    columns = ", ".join(SHARED_COLUMNS)
    picked = ", ".join(f"a.{c}" for c in SHARED_COLUMNS)
    _sync_actual_ids()
    # Each stored share becomes a share row of the same status, version and publication; a record without a
    # total gives its note to its shares.
    op.execute(
        f"INSERT INTO actual ({columns}, municipality_code, value, note) "
        f"SELECT {picked}, s.municipality_code, s.value, CASE WHEN a.value IS NULL THEN a.note END "
        "FROM actual a JOIN actual_value_by_municipality s ON s.actual_id = a.id ORDER BY a.id, s.position"
    )
    op.execute("DELETE FROM actual WHERE value IS NULL AND municipality_code IS NULL AND id IN "
               "(SELECT actual_id FROM actual_value_by_municipality)")
    op.drop_table("actual_value_by_municipality")
    _part_index("uq_actual_current_part", "is_current", with_part=True)
    _part_index("uq_actual_published_part", "is_published", with_part=True)
    op.add_column("assessment", sa.Column("note", sa.Text(), nullable=True))
    op.add_column("assessment", sa.Column("reported_by", sa.String(length=200), nullable=True))
    op.add_column("assessment", sa.Column("published_reported_by", sa.String(length=200), nullable=True))
    # A CHECK added with the column: SQLite takes it in ALTER TABLE ADD COLUMN, so the table is not rebuilt.
    op.execute("ALTER TABLE kpi ADD COLUMN share_mode VARCHAR(8) DEFAULT 'total' NOT NULL "
               "CONSTRAINT ck_kpi_share_mode CHECK (share_mode IN ('total', 'sum'))")
    op.add_column("staff_user", sa.Column("organisation", sa.String(length=200), nullable=False, server_default=""))
    op.add_column("area", sa.Column("settings", JSON_TYPE, nullable=False, server_default="{}"))


def downgrade() -> None:
    """Revert this revision: shares go back under a record of their period (its total is their sum then)."""
    op.create_table(
        "actual_value_by_municipality",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("actual_id", sa.Integer(), nullable=False),
        sa.Column("municipality_code", sa.String(length=100), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("value", sa.Double(), nullable=False),
        sa.ForeignKeyConstraint(["actual_id"], ["actual.id"], ondelete="CASCADE",
                                name=op.f("fk_actual_value_by_municipality_actual_id_actual")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_actual_value_by_municipality")),
        sa.UniqueConstraint("actual_id", "municipality_code",
                            name=op.f("uq_actual_value_by_municipality_actual_id_municipality_code")),
    )
    op.create_index("ix_actual_value_by_municipality_actual_id", "actual_value_by_municipality", ["actual_id"])
    op.create_index("ix_actual_value_by_municipality_municipality_code", "actual_value_by_municipality",
                    ["municipality_code"])
    op.drop_index("uq_actual_current_part", table_name="actual")
    op.drop_index("uq_actual_published_part", table_name="actual")
    # A current share with no current total of its period gets a total row to hang under (value NULL: the sum).
    columns = ", ".join(SHARED_COLUMNS)
    _sync_actual_ids()
    op.execute(
        f"INSERT INTO actual ({columns}, value, note) "
        f"SELECT {', '.join(f's.{c}' for c in SHARED_COLUMNS)}, NULL, s.note FROM actual s "
        "WHERE s.municipality_code IS NOT NULL AND s.is_current AND s.id = (SELECT min(o.id) FROM actual o "
        "WHERE o.kpi_id = s.kpi_id AND o.fiscal_year = s.fiscal_year AND coalesce(o.month, 0) = coalesce(s.month, 0) "
        "AND o.municipality_code IS NOT NULL AND o.is_current) AND NOT EXISTS (SELECT 1 FROM actual t "
        "WHERE t.kpi_id = s.kpi_id AND t.fiscal_year = s.fiscal_year AND coalesce(t.month, 0) = coalesce(s.month, 0) "
        "AND t.municipality_code IS NULL AND t.is_current)"
    )
    op.execute(
        "INSERT INTO actual_value_by_municipality (actual_id, municipality_code, position, value) "
        "SELECT t.id, s.municipality_code, 0, s.value FROM actual s JOIN actual t ON t.kpi_id = s.kpi_id "
        "AND t.fiscal_year = s.fiscal_year AND coalesce(t.month, 0) = coalesce(s.month, 0) "
        "AND t.municipality_code IS NULL AND t.is_current WHERE s.municipality_code IS NOT NULL AND s.is_current "
        "AND s.value IS NOT NULL"
    )
    op.execute("DELETE FROM actual WHERE municipality_code IS NOT NULL")
    # Only the current version of each record keeps a published flag the old unique index accepts.
    op.execute("UPDATE actual SET is_published = false WHERE is_published AND NOT "
               "(is_current AND review_status = 'approved')")
    dropped = {"actual": ("municipality_code", "comment", "reported_by"),
               "assessment": ("note", "reported_by", "published_reported_by"),
               "kpi": ("share_mode",), "staff_user": ("organisation",), "area": ("settings",)}
    for table, names in dropped.items():
        for name in names:
            # ALTER TABLE … DROP COLUMN on both (SQLite >= 3.35 rebuilds nothing; the share_mode CHECK is the
            # column's own, which SQLite drops with it).
            op.execute(f"ALTER TABLE {table} DROP COLUMN {name}")
    _part_index("uq_actual_current_period", "is_current", with_part=False)
    _part_index("uq_actual_published_period", "is_published", with_part=False)
