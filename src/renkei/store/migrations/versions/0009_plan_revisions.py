"""Plan revisions: a revised edition of the vision mid-period (一部改正), and each KPI's history through them.

Revision ID: 0009_plan_revisions
Revises: 0008_area_scale
Create Date: 2026-12-07

``plan_revision`` records a revision (label, date as written, reason, the fiscal year it is in force from, the plan
version it produced); ``kpi_revision`` what it did to each KPI (added, changed with the baseline and target before
and after, dropped). The KPI row keeps its latest form; progress in an earlier year is judged against the target
then in force (``domain/revision.py``). Existing plans have no revisions: nothing else changes.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0009_plan_revisions"
down_revision: str | None = "0008_area_scale"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def upgrade() -> None:
    """Apply this revision."""
    op.create_table(
        "plan_revision",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("label", sa.String(length=200), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("revised_on", sa.Date(), nullable=False),
        sa.Column("date_text", sa.String(length=50), nullable=False),
        sa.Column("in_force_from", sa.Integer(), nullable=False),
        sa.Column("plan_version", sa.Integer(), nullable=False),
        sa.Column("actor", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("in_force_from BETWEEN 1900 AND 2200", name=op.f("ck_plan_revision_in_force_from_range")),
        sa.ForeignKeyConstraint(["plan_id"], ["plan.id"], name=op.f("fk_plan_revision_plan_id_plan")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plan_revision")),
    )
    op.create_index(op.f("ix_plan_revision_plan_id"), "plan_revision", ["plan_id"])
    op.create_table(
        "kpi_revision",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("plan_revision_id", sa.Integer(), nullable=False),
        sa.Column("kpi_id", sa.Integer(), nullable=False),
        sa.Column("change", sa.String(length=16), nullable=False),
        sa.Column("fields", JSON, nullable=False),
        sa.Column("old_baseline", JSON, nullable=True),
        sa.Column("old_target", JSON, nullable=True),
        sa.Column("new_baseline", JSON, nullable=True),
        sa.Column("new_target", JSON, nullable=True),
        sa.CheckConstraint("change IN ('added', 'changed', 'dropped')", name=op.f("ck_kpi_revision_change")),
        sa.ForeignKeyConstraint(["kpi_id"], ["kpi.id"], name=op.f("fk_kpi_revision_kpi_id_kpi")),
        sa.ForeignKeyConstraint(["plan_revision_id"], ["plan_revision.id"],
                                name=op.f("fk_kpi_revision_plan_revision_id_plan_revision")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_kpi_revision")),
        sa.UniqueConstraint("plan_revision_id", "kpi_id", name=op.f("uq_kpi_revision_plan_revision_id_kpi_id")),
    )
    op.create_index(op.f("ix_kpi_revision_kpi_id"), "kpi_revision", ["kpi_id"])
    op.create_index(op.f("ix_kpi_revision_plan_revision_id"), "kpi_revision", ["plan_revision_id"])


def downgrade() -> None:
    """Undo this revision."""
    op.drop_index(op.f("ix_kpi_revision_plan_revision_id"), table_name="kpi_revision")
    op.drop_index(op.f("ix_kpi_revision_kpi_id"), table_name="kpi_revision")
    op.drop_table("kpi_revision")
    op.drop_index(op.f("ix_plan_revision_plan_id"), table_name="plan_revision")
    op.drop_table("plan_revision")
