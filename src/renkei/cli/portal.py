"""The `renkei serve` command: run the public portal with uvicorn, importing the bundled example when empty."""

from __future__ import annotations

import os
from importlib import resources
from pathlib import Path
from typing import Annotated

import typer
from fastapi import FastAPI

from renkei.cli.console import command_console
from renkei.settings import Settings

out = command_console(soft_wrap=True, highlight=False)

#: The example vision document shipped with the package (a copy of examples/kitakyushu_vision_r8.txt).
EXAMPLE_NAME = "kitakyushu_vision_r8.txt"
#: Seconds a worker may take to answer the supervisor's health check before it is killed and started again.
WORKER_HEALTHCHECK_SECONDS = 60


def read_example_text() -> str:
    """Return the bundled example document's text (the repository's copy when the package data is absent)."""
    packaged = resources.files("renkei").joinpath("data", "examples", EXAMPLE_NAME)
    if packaged.is_file():
        return packaged.read_text(encoding="utf-8")
    return (Path(__file__).resolve().parents[3] / "examples" / EXAMPLE_NAME).read_text(encoding="utf-8")


def import_example(database_url: str) -> str:
    """Migrate the database and import the example plan; return the plan key it is stored under."""
    from renkei.lint import lint_plan
    from renkei.reading.area import EXAMPLE_AREA
    from renkei.reading.sheet import read_plan
    from renkei.services.areas import area_for_document
    from renkei.services.plan_import import import_plan
    from renkei.store.engine import create_engine_from_url, create_session_factory
    from renkei.store.migrate import upgrade_database

    upgrade_database(database_url)
    text = read_example_text()
    engine = create_engine_from_url(database_url)
    try:
        with create_session_factory(engine)() as session:
            area = area_for_document(session=session, slug=EXAMPLE_AREA)  # stored, else the shipped seed
            plan, findings = read_plan(text, area=area)
            findings = sorted([*findings, *lint_plan(plan)], key=lambda f: f.line or 0)
            result = import_plan(session=session, plan=plan, findings=findings, source_text=text, actor="serve",
                                 area=area)
        return result.plan_key
    finally:
        engine.dispose()


def database_is_empty(database_url: str) -> bool:
    """Tell whether the (migrated) database holds no plan."""
    from renkei.store.engine import create_engine_from_url, create_session_factory
    from renkei.store.migrate import upgrade_database
    from renkei.store.portal_queries import count_plans

    upgrade_database(database_url)
    engine = create_engine_from_url(database_url)
    try:
        with create_session_factory(engine)() as session:
            return count_plans(session=session) == 0
    finally:
        engine.dispose()


def has_staff(database_url: str) -> bool:
    """Tell whether any staff account exists (the first admin is made with `renkei user add --role admin`)."""
    from renkei.services.accounts import list_staff
    from renkei.store.engine import create_engine_from_url, create_session_factory

    engine = create_engine_from_url(database_url)
    try:
        with create_session_factory(engine)() as session:
            return bool(list_staff(session=session))
    finally:
        engine.dispose()


def serve(
    host: Annotated[str, typer.Option("--host", help="待ち受けるアドレス / address to listen on")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="ポート番号 / port", min=1, max=65535)] = 8000,
    database_url: Annotated[
        str | None, typer.Option("--database-url", help="データベースURL / database URL (default: RENKEI_DATABASE_URL)")
    ] = None,
    import_example_plan: Annotated[
        bool, typer.Option("--import-example", help="同梱の例を読み込む / import the bundled example first")
    ] = False,
    workers: Annotated[int, typer.Option(
        "--workers", min=1, max=64,
        help="ワーカープロセスの数（データベースとセッション鍵を共有） / worker processes (they share the database and "
             "the session key)")] = 1,
) -> None:
    """公開ポータルを起動する / run the public portal."""
    import uvicorn

    from renkei.store.engine import DatabaseUrlError
    from renkei.web.client_address import TrustedProxyError, parse_trusted_proxies
    from renkei.web.json_log import uvicorn_log_config

    settings = Settings(database_url=database_url) if database_url else Settings()
    try:
        proxies = [str(n) for n in parse_trusted_proxies(settings.trusted_proxies)]
    except TrustedProxyError as exc:
        out.print(f"[bold red]エラー / error:[/] {exc}")
        raise typer.Exit(2) from None
    try:
        if import_example_plan or database_is_empty(settings.database_url):
            key = import_example(settings.database_url)
            out.print(f"例の計画を読み込みました / imported the example plan: {key}")
        prepare_session_key(settings)
    except DatabaseUrlError as exc:
        out.print(f"[bold red]エラー / error:[/] {exc}")
        raise typer.Exit(2) from None
    shown = "localhost" if host in ("0.0.0.0", "::") else host
    url = f"http://{'[' + shown + ']' if ':' in shown else shown}:{port}"
    out.print(f"ポータルを起動しました: {url} ")
    out.print(f"Portal running at {url}")
    out.print(f"職員用ページ / staff workspace: {url}/staff")
    if not has_staff(settings.database_url):
        out.print("最初の管理者を作るには / to create the first admin: renkei user add admin --role admin")
    if workers > 1:
        out.print(f"ワーカー {workers} 個 / {workers} workers")
    os.environ["RENKEI_DATABASE_URL"] = settings.database_url  # every worker process reads its settings from here
    # JSON lines on standard error, each with its request id; the access lines come from the app (RequestContext)
    # X-Forwarded-For and -Proto are believed only from RENKEI_TRUSTED_PROXIES (none by default), not uvicorn's own
    # default of 127.0.0.1: one setting decides for the sign-in throttle (web/client_address.py) and for https
    # uvicorn's supervisor kills a worker that does not answer its health check in time (5 s by default). A worker
    # that is still starting (importing the app) on a busy host misses that and is killed and started again every
    # few seconds, for ever: the setup then runs on fewer workers than asked (benchmarks/soak.py saw this).
    uvicorn.run(f"{__name__}:serve_app", factory=True, host=host, port=port, workers=workers,
                log_config=uvicorn_log_config(), access_log=False, forwarded_allow_ips=proxies,
                timeout_worker_healthcheck=WORKER_HEALTHCHECK_SECONDS)


def prepare_session_key(settings: Settings) -> None:
    """Make sure the database holds the session key before any worker starts (unless RENKEI_SESSION_KEY is set)."""
    from renkei.services.signin import load_session_key
    from renkei.store.engine import create_engine_from_url

    engine = create_engine_from_url(settings.database_url)
    try:
        load_session_key(settings, engine=engine)
    finally:
        engine.dispose()


def serve_app() -> FastAPI:
    """Build one worker's portal from the environment's settings, to load its current plans' page data at start.

    ``renkei serve`` hands uvicorn this factory by name, so each worker process builds its own app; what a worker
    keeps in memory (replayable answers, plan snapshots) is keyed by the database's data version, read on every
    request, so a change made through one worker shows on every other worker's next request.
    """
    from renkei.web.app import create_app
    from renkei.web.snapshot_files import SnapshotFiles
    from renkei.web.warm_up import WarmUp

    portal_app = create_app(Settings())
    # full snapshots are kept on disk, so that the next worker (a restart, a second worker) starts from them
    portal_app.state.portal_cache.files = SnapshotFiles(portal_app.state.settings.data_dir / "snapshots",
                                                        portal_app.state.engine)
    # the current plans are loaded before /readyz says ready (the app's lifespan starts it; web/warm_up.py)
    portal_app.state.warm_up = WarmUp(limit=portal_app.state.settings.warm_plans)
    return portal_app


def register(app: typer.Typer) -> None:
    """Add `renkei serve` to the command line."""
    app.command("serve")(serve)
