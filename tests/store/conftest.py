"""Fixtures of the store tests: plain SQL against a database URL, as a migration test writes and reads rows."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from renkei.store.engine import create_engine_from_url


class Sql:
    """Runs SQL text against a database URL, one connection a call (migrations run between the calls)."""

    def rows(self, url: str, query: str) -> list[tuple[object, ...]]:
        """Return the rows a query reads."""
        engine = create_engine_from_url(url)
        try:
            with engine.connect() as connection:
                return [tuple(r) for r in connection.execute(text(query)).all()]
        finally:
            engine.dispose()

    def run(self, url: str, statement: str) -> None:
        """Run a statement in its own transaction."""
        engine = create_engine_from_url(url)
        try:
            with engine.begin() as connection:
                connection.execute(text(statement))
        finally:
            engine.dispose()


@pytest.fixture
def sql() -> Sql:
    """Return the plain-SQL helper."""
    return Sql()
