"""Add ``project.reading``: the name's reading in kana (読み), so lists sort in 五十音順.

Revision ID: 0002_project_reading
Revises: 0001
Create Date: 2026-12-03

The column is filled by the plan import (:mod:`renkei.services.furigana`); rows stored before this revision
keep NULL, sort by code point after the rest, and get their reading on the next import of their plan.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002_project_reading"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Add the nullable reading column."""
    op.add_column("project", sa.Column("reading", sa.Text(), nullable=True))


def downgrade() -> None:
    """Drop the reading column (a plain DROP COLUMN: rebuilding ``project`` would cascade to its rows)."""
    op.drop_column("project", "reading")
