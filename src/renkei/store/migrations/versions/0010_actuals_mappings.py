"""Mappings of areas' own actuals sheets, and earlier years' figures marked as historical.

Revision ID: 0010_actuals_mappings
Revises: 0009_plan_revisions
Create Date: 2026-12-07

``actuals_mapping``: a confirmed mapping of an area's own sheet (過年度の実績表) saved under a name, found again by
the fingerprint of its header row. ``mapping_upload``: a file kept between the steps of the staff mapping page.
``actual.source``: ``historical`` for a figure brought in from such a sheet (NULL for every figure before).
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0010_actuals_mappings"
down_revision: str | None = "0009_plan_revisions"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON_TYPE = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def upgrade() -> None:
    """Apply this revision."""
    op.add_column("actual", sa.Column("source", sa.String(length=20), nullable=True))
    op.create_table(
        "actuals_mapping",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("area_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("fingerprint", sa.String(length=64), nullable=False),
        sa.Column("header", JSON_TYPE, nullable=False),
        sa.Column("mapping", JSON_TYPE, nullable=False),
        sa.Column("updated_by", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["area_id"], ["area.id"], name=op.f("fk_actuals_mapping_area_id_area"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_actuals_mapping")),
        sa.UniqueConstraint("area_id", "name", name=op.f("uq_actuals_mapping_area_id_name")),
    )
    op.create_index("ix_actuals_mapping_area_fingerprint", "actuals_mapping", ["area_id", "fingerprint"])
    op.create_table(
        "mapping_upload",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token", sa.String(length=64), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("username", sa.String(length=64), nullable=False),
        sa.Column("file_name", sa.String(length=255), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["plan_id"], ["plan.id"], name=op.f("fk_mapping_upload_plan_id_plan"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mapping_upload")),
        sa.UniqueConstraint("token", name=op.f("uq_mapping_upload_token")),
    )
    op.create_index(op.f("ix_mapping_upload_plan_id"), "mapping_upload", ["plan_id"])
    op.create_index(op.f("ix_mapping_upload_username"), "mapping_upload", ["username"])


def downgrade() -> None:
    """Revert this revision."""
    op.drop_index(op.f("ix_mapping_upload_username"), table_name="mapping_upload")
    op.drop_index(op.f("ix_mapping_upload_plan_id"), table_name="mapping_upload")
    op.drop_table("mapping_upload")
    op.drop_index("ix_actuals_mapping_area_fingerprint", table_name="actuals_mapping")
    op.drop_table("actuals_mapping")
    op.drop_column("actual", "source")
