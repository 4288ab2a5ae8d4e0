"""App secrets: the generated session key lives in the database, so every worker and host shares it.

Revision ID: 0007_app_secret
Revises: 0006_accounts_per_area
Create Date: 2026-12-07

Until now a portal without ``RENKEI_SESSION_KEY`` generated its key into ``<data_dir>/session.key``: two hosts
(or two containers) each made their own, and a staff sign-in on one was unknown to the other. The key is now
written once into ``app_secret`` by the first process that needs it; an existing ``session.key`` is adopted
then, so sessions survive the upgrade (see ``services/signin.py``).
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007_app_secret"
down_revision: str | None = "0006_accounts_per_area"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "app_secret",
        sa.Column("name", sa.String(length=40), nullable=False),
        sa.Column("value", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_app_secret")),
    )


def downgrade() -> None:
    op.drop_table("app_secret")
