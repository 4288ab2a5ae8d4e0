"""An area's evaluation scale and roll-up rule: ``area.evaluation_scale`` (JSON, NULL: renkei's A–E) and
``area.rollup`` (``worst``, ``share`` or ``mean_rate``).

Revision ID: 0008_area_scale
Revises: 0007_app_secret
Create Date: 2026-12-07

Areas that already run their visions grade in their own words (瀬戸・高松 by score rate, あきる野 F/S/A/B/C/X/Y/Z):
the area file's ``evaluation_scale`` and ``rollup`` are kept with the area (docs/evaluation-scale.md). Existing
areas keep renkei's scale: the column is NULL and the roll-up ``worst``, what every page showed until now.
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


def downgrade() -> None:
    # ALTER TABLE … DROP COLUMN on both (SQLite >= 3.35 rebuilds nothing).
    op.execute("ALTER TABLE area DROP COLUMN rollup")
    op.execute("ALTER TABLE area DROP COLUMN evaluation_scale")
