"""Opening the database for a command: its URL, a session, a clear refusal when it is missing or unusable, and
the plan a command names.

SQLAlchemy, the store and the settings are imported when a database is opened, not with the module: every command
module imports this one, and its help (``renkei actuals import --help``) or a refusal of its arguments needs none
of them.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Annotated

import typer

from renkei.cli.console import command_console
from renkei.cli.files import (
    fail,
)
from renkei.cli.fiscal_year import check_year_in_period

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from renkei.store.engine import DatabaseUrlError
    from renkei.store.migrate import DatabaseMissingError

out = command_console(soft_wrap=False)

DatabaseOpt = Annotated[
    str | None,
    typer.Option("--database-url", help="データベースURL（既定: RENKEI_DATABASE_URL） / the database URL"),
]
PlanOpt = Annotated[str | None, typer.Option("--plan", help="計画のIDまたはキー / the stored plan's id or key")]


def _url_source(given: str | None) -> str:
    """Name where the database URL came from, for messages: the option, a variable or the default."""
    if given:
        return "--database-url"
    for variable in ("RENKEI_DATABASE_URL", "RENKEI_DATA_DIR"):
        if os.environ.get(variable):
            return variable
    return "既定値 / the default (var/renkei.db)"


def _unusable_url(exc: DatabaseUrlError, given: str | None) -> typer.Exit:
    return fail(f"{exc}\n  URL の指定元 / URL from: {_url_source(given)}")


def _shown_url(url: str) -> str:
    from renkei.store.engine import normalise_database_url

    return normalise_database_url(url).render_as_string(hide_password=True)


def missing_database_message(exc: DatabaseMissingError, source: str) -> str:
    """Say which database is missing (its URL without the password) and how one is made, Japanese first."""
    from renkei.store.migrate import Absence

    shown = exc.url.render_as_string(hide_password=True)
    where = f"{shown}（{exc.path}）" if exc.path is not None else shown
    if exc.absence is Absence.NO_DATABASE:
        head, made, made_en = f"データベースがありません / no database at {where}", "データベース", "it"
    else:
        head = f"データベースに renkei の表がありません / the database holds no renkei tables: {where}"
        made, made_en = "表", "them"
    return (f"{head}\n  URL の指定元 / URL from: {source}\n"
            f"  計画を取り込むと{made}ができます（renkei import FILE）。URL の誤りなら指定元を直してください。"
            "何も作成していません。\n"
            f"  `renkei import FILE` creates {made_en}. If the URL is mistyped, correct it where it is set. "
            "Nothing was created.")


@contextmanager
def refusing_database_errors(url: str | None, chosen: str) -> Iterator[None]:
    """Turn a database that cannot be used (a bad URL, no database, no connection) into the command's bilingual exit.

    ``url`` is the URL as given on the command line (None: from the settings), ``chosen`` the one in use.
    """
    from sqlalchemy.exc import SQLAlchemyError

    from renkei.store.engine import DatabaseUrlError
    from renkei.store.migrate import DatabaseMissingError

    try:
        yield
    except DatabaseUrlError as exc:
        raise _unusable_url(exc, url) from None
    except DatabaseMissingError as exc:
        raise fail(missing_database_message(exc, _url_source(url))) from None
    except SQLAlchemyError as exc:
        raise fail(f"データベースを開けません / cannot open the database {_shown_url(chosen)}: "
                   f"{exc.__class__.__name__}: {str(exc).splitlines()[0]}") from None


@contextmanager
def open_session(url: str | None, *, create: bool = False) -> Iterator[Session]:
    """Open a session on the database (brought up to the newest schema), or exit with a clear message.

    Only a command that can start a database from nothing passes ``create=True`` (``renkei import``, ``renkei area
    add``, ``renkei user add``): every other command needs an existing renkei database and refuses, creating
    nothing, when there is none at the URL (a mistyped RENKEI_DATABASE_URL must not look like an empty database).
    """
    from sqlalchemy.exc import SQLAlchemyError

    from renkei.settings import Settings
    from renkei.store.engine import create_engine_from_url, create_session_factory
    from renkei.store.migrate import require_database, upgrade_database

    chosen = url or Settings().database_url
    with refusing_database_errors(url, chosen):
        if not create:
            require_database(chosen)
        upgrade_database(chosen)
        engine = create_engine_from_url(chosen)
    try:
        with create_session_factory(engine)() as session:
            yield session
    except SQLAlchemyError as exc:
        raise fail(f"データベースの操作に失敗しました / database error: {str(exc).splitlines()[0]}") from None
    finally:
        engine.dispose()


def database_exists(url: str | None) -> bool:
    """Tell whether a renkei database exists at the URL (creating nothing); exit on a URL renkei cannot use."""
    from sqlalchemy.exc import SQLAlchemyError

    from renkei.settings import Settings
    from renkei.store.engine import DatabaseUrlError
    from renkei.store.migrate import DatabaseMissingError, require_database

    try:
        require_database(url or Settings().database_url)
    except DatabaseUrlError as exc:
        raise _unusable_url(exc, url) from None
    except DatabaseMissingError:
        return False
    except SQLAlchemyError:
        return True  # it exists but cannot be read: opening it says why
    return True


def find_plan(session: Session, plan: str | None, *, as_of: int | None = None) -> int:
    """Return the id of the stored plan --plan names; exit when there is none, or when --as-of is outside its period."""
    from renkei.services.plan_lookup import PlanNotFoundError, resolve_plan

    try:
        found = resolve_plan(session=session, plan=plan)
    except PlanNotFoundError as exc:
        raise fail(str(exc)) from None
    check_year_in_period("--as-of", as_of, found.first_year, found.last_year)
    return found.id
