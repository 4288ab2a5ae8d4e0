"""Alembic environment: run migrations on a given connection, or on the configured URL."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection

from renkei.store.engine import create_engine_from_url
from renkei.store.tables import Base

target_metadata = Base.metadata


def run_on_connection(connection: Connection) -> None:
    """Run the migrations inside the caller's transaction."""
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    context.run_migrations()


def run_online() -> None:
    """Run the migrations on the connection handed in, or on a fresh one to sqlalchemy.url."""
    connection = context.config.attributes.get("connection")
    if connection is not None:
        run_on_connection(connection)
        return
    url = context.config.get_main_option("sqlalchemy.url")
    if not url:
        raise RuntimeError("set sqlalchemy.url or pass a connection in config.attributes['connection']")
    engine = create_engine_from_url(url)
    try:
        with engine.begin() as fresh:
            run_on_connection(fresh)
    finally:
        engine.dispose()


def run_offline() -> None:
    """Print the migrations as SQL for the configured URL."""
    context.configure(
        url=context.config.get_main_option("sqlalchemy.url"),
        target_metadata=target_metadata,
        literal_binds=True,
    )
    with context.begin_transaction():
        context.run_migrations()


try:
    offline = context.is_offline_mode()
except NameError:  # imported outside Alembic, e.g. by pytest's doctest collection: nothing to run
    pass
else:
    if offline:
        run_offline()
    else:
        run_online()
