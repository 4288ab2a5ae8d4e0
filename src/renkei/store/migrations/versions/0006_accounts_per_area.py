"""Accounts per area: a staff account belongs to one area (圏域); an admin without one administers every area.

Revision ID: 0006_accounts_per_area
Revises: 0005_shares_as_records
Create Date: 2026-12-07

``staff_user.area_id`` (NULL: every area, for an admin only). Upgrading a database that holds exactly one area
puts every account other than an admin in it, so nothing changes for a one-area deployment. With several areas, a
municipality account goes to the area its municipality is a member of (the first by slug); any other non-admin
account stays without an area and acts nowhere until an admin sets one (``renkei user set-area``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import sqlalchemy as sa
from alembic import op
from alembic.operations import BatchOperations

revision: str = "0006_accounts_per_area"
down_revision: str | None = "0005_shares_as_records"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

FOREIGN_KEY = "fk_staff_user_area_id_area"
#: Tables whose rows cascade from an account: kept aside while SQLite rebuilds the account table.
DEPENDENTS = ("staff_session", "project_assignment")


def _rebuild_accounts_sqlite(change: Callable[[BatchOperations], None]) -> None:
    """Rebuild ``staff_user`` on SQLite (the only way to add a named reference), keeping the rows that cascade from
    it: dropping the old table deletes an account's sessions and assignments when foreign keys are on."""
    for table in DEPENDENTS:
        op.execute(f"CREATE TEMP TABLE renkei_kept_{table} AS SELECT * FROM {table}")
    with op.batch_alter_table("staff_user", recreate="always") as batch:
        change(batch)
    for table in DEPENDENTS:
        op.execute(f"INSERT INTO {table} SELECT * FROM renkei_kept_{table} EXCEPT SELECT * FROM {table}")
        op.execute(f"DROP TABLE renkei_kept_{table}")


def upgrade() -> None:
    """Apply this revision."""
    if op.get_bind().dialect.name == "sqlite":
        def add(batch: BatchOperations) -> None:
            batch.add_column(sa.Column("area_id", sa.Integer(), nullable=True))
            batch.create_foreign_key(FOREIGN_KEY, "area", ["area_id"], ["id"], ondelete="SET NULL")
            batch.create_index("ix_staff_user_area_id", ["area_id"])

        _rebuild_accounts_sqlite(add)
    else:
        op.add_column("staff_user", sa.Column("area_id", sa.Integer(), nullable=True))
        op.create_foreign_key(FOREIGN_KEY, "staff_user", "area", ["area_id"], ["id"], ondelete="SET NULL")
        op.create_index("ix_staff_user_area_id", "staff_user", ["area_id"])
    op.execute("UPDATE staff_user SET area_id = (SELECT min(id) FROM area) "
               "WHERE role <> 'admin' AND (SELECT count(*) FROM area) = 1")
    op.execute(
        "UPDATE staff_user SET area_id = (SELECT min(area_member.area_id) FROM area_member "
        "JOIN municipality ON municipality.id = area_member.municipality_id "
        "WHERE municipality.code = staff_user.municipality_code) "
        "WHERE area_id IS NULL AND role = 'municipality'")


def downgrade() -> None:
    """Revert this revision: accounts forget their area."""
    if op.get_bind().dialect.name == "sqlite":
        def drop(batch: BatchOperations) -> None:
            batch.drop_index("ix_staff_user_area_id")
            batch.drop_constraint(FOREIGN_KEY, type_="foreignkey")
            batch.drop_column("area_id")

        _rebuild_accounts_sqlite(drop)
        return
    op.drop_index("ix_staff_user_area_id", table_name="staff_user")
    op.drop_constraint(FOREIGN_KEY, "staff_user", type_="foreignkey")
    op.drop_column("staff_user", "area_id")
