"""Application secrets in the store: written once by whichever process comes first, then read by all."""

from __future__ import annotations

from sqlalchemy import Engine, select
from sqlalchemy.dialects import postgresql, sqlite

from renkei.store.tables import now_utc
from renkei.store.workspace_tables import AppSecretRow


def read_or_create_secret(*, engine: Engine, name: str, candidate: str) -> str:
    """Return the stored secret ``name``, storing ``candidate`` first when there is none (committed).

    Race-safe on SQLite and PostgreSQL: ``INSERT … ON CONFLICT DO NOTHING`` lets exactly one of several processes
    starting at once write its candidate; each then reads the row that won, so all of them return the same value.
    """
    dialect = engine.dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = insert(AppSecretRow).values(name=name, value=candidate, created_at=now_utc())
    with engine.begin() as connection:
        connection.execute(statement.on_conflict_do_nothing(index_elements=["name"]))
    with engine.connect() as connection:  # a new statement in a new transaction sees the winner's committed row
        stored = connection.execute(select(AppSecretRow.value).where(AppSecretRow.name == name)).scalar_one()
    return str(stored)
