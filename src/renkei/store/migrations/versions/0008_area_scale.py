"""An area's evaluation scale and roll-up rule: ``area.evaluation_scale`` (JSON, NULL: renkei's A–E) and
``area.rollup`` (``worst``, ``share`` or ``mean_rate``).

Revision ID: 0008_area_scale
Revises: 0007_app_secret
Create Date: 2026-12-07

Areas that already run their visions grade in their own words (瀬戸・高松 by score rate, あきる野 F/S/A/B/C/X/Y/Z):
the area file's ``evaluation_scale`` and ``rollup`` are kept with the area (docs/evaluation-scale.md). Existing
areas keep renkei's scale: the column is NULL and the roll-up ``worst``, what every page showed until now.

Also ``partner_evaluation``: where an area asks for them (``"partner_evaluations": true``, kept in ``area.settings``),
each partner municipality records its own grade and comment per project and year, reviewed like the lead city's
evaluation and published beside it.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0008_area_scale"
down_revision: str | None = "0007_app_secret"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON_TYPE = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def upgrade() -> None:
    op.add_column("area", sa.Column("evaluation_scale", JSON_TYPE, nullable=True))
    op.add_column("area", sa.Column("rollup", sa.String(length=20), nullable=False, server_default="worst"))
    op.create_table(
        "partner_evaluation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("fiscal_year", sa.Integer(), nullable=False),
        sa.Column("municipality_code", sa.String(length=6), nullable=False),
        sa.Column("grade", sa.String(length=8), nullable=False),
        sa.Column("comment", sa.Text(), nullable=False),
        sa.Column("review_status", sa.String(length=16), nullable=False),
        sa.Column("review_comment", sa.Text(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("entered_by", sa.String(length=200), nullable=True),
        sa.Column("entered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("published_grade", sa.String(length=8), nullable=True),
        sa.Column("published_comment", sa.Text(), nullable=True),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint("fiscal_year BETWEEN 1900 AND 2200", name=op.f("ck_partner_evaluation_fiscal_year_range")),
        sa.CheckConstraint("review_status IN ('draft', 'submitted', 'returned', 'approved')",
                           name=op.f("ck_partner_evaluation_review_status")),
        sa.ForeignKeyConstraint(["project_id"], ["project.id"], name=op.f("fk_partner_evaluation_project_id_project")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_partner_evaluation")),
        sa.UniqueConstraint("project_id", "fiscal_year", "municipality_code",
                            name=op.f("uq_partner_evaluation_project_id_fiscal_year_municipality_code")),
    )
    op.create_index("ix_partner_evaluation_project_id", "partner_evaluation", ["project_id"])


def downgrade() -> None:
    op.drop_index("ix_partner_evaluation_project_id", table_name="partner_evaluation")
    op.drop_table("partner_evaluation")
    # ALTER TABLE … DROP COLUMN on both (SQLite >= 3.35 rebuilds nothing).
    op.execute("ALTER TABLE area DROP COLUMN rollup")
    op.execute("ALTER TABLE area DROP COLUMN evaluation_scale")
