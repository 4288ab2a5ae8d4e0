"""Budget cells may be unclear (「→」), and a project keeps the total (計) its budget row states.

Revision ID: 0003_reader_budget
Revises: 0002_project_reading
Create Date: 2026-12-03
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003_reader_budget"
down_revision: str | None = "0002_project_reading"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_OLD = "status IN ('amount', 'none', 'undetermined', 'not_stated', 'invalid')"
_NEW = "status IN ('amount', 'none', 'unclear', 'undetermined', 'not_stated', 'invalid')"


def _status_check(condition: str) -> None:
    with op.batch_alter_table("budget_line") as batch:
        batch.drop_constraint(op.f("ck_budget_line_status"), type_="check")
        batch.create_check_constraint("status", condition)


def upgrade() -> None:
    _status_check(_NEW)
    op.add_column("project", sa.Column("budget_total_text", sa.Text(), nullable=True))
    op.add_column("project", sa.Column("budget_total_amount", sa.BigInteger(), nullable=True))


def downgrade() -> None:
    # A plain DROP COLUMN (SQLite 3.35+): rebuilding ``project`` in a batch would cascade to every row that
    # refers to it while foreign keys are on.
    op.drop_column("project", "budget_total_amount")
    op.drop_column("project", "budget_total_text")
    op.execute("UPDATE budget_line SET status = 'undetermined' WHERE status = 'unclear'")
    _status_check(_OLD)
