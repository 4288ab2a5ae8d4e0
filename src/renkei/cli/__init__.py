"""The `renkei` command line: thin Typer commands over the readers and services.

Commands are loaded lazily: ``COMMANDS`` names each command, the module whose ``register(app)`` adds it,
and the one line ``renkei --help`` shows, so that the help (and any one command) starts without importing
the database, web and export layers the other commands need. A test checks that ``COMMANDS`` matches
what the modules register.
"""

from __future__ import annotations

import gc
import importlib
import os
import sys

import typer
import typer._click as click  # Typer's own click, the one its groups and commands are made of
from typer.core import TyperCommand, TyperGroup

#: name -> (module that registers it, the help line shown by `renkei --help`), in the order shown.
COMMANDS: dict[str, tuple[str, str]] = {
    "parse": ("renkei.cli.document", "文書を読み、事業の一覧を表示する / read a document and show its projects."),
    "lint": ("renkei.cli.document",
             "文書を点検する（エラーがあれば終了コード1） / check a document; exit status 1 on any error."),
    "summary": ("renkei.cli.document",
                "事業数・事業費の集計（再掲は一度だけ） / project counts and budget totals, relisted counted once."),
    "area": ("renkei.cli.area", "圏域 / areas: add, list"),
    "import": ("renkei.cli.plan_import",
               "文書を読み込み、差分を表示してデータベースに保存する / import a document into the database."),
    "progress": ("renkei.cli.progress",
                 "KPIの進捗を評価する（承認済みの値だけ。CSVの列は指標ごとの記録） / evaluate every KPI's progress."),
    "serve": ("renkei.cli.portal", "公開ポータルを起動する / run the public portal."),
    "actuals": ("renkei.cli.actuals", "KPIの実績値 / KPI actuals: template, import, map"),
    "export": ("renkei.cli.export", "書き出し / exports: xlsx, opendata"),
    "report": ("renkei.cli.export", "進捗状況報告書（PDF）を作る / write the annual progress report as PDF."),
    "build-site": ("renkei.cli.export", "静的サイトを書き出す / write the public portal as a static site."),
    "user": ("renkei.cli.staff", "職員アカウント / staff accounts"),
    "round": ("renkei.cli.staff", "実績報告の受付 / reporting rounds"),
    "audit": ("renkei.cli.staff", "監査記録 / the audit trail"),
    "backup": ("renkei.cli.operations",
               "データベースをバックアップする（稼働中でもよい） / back up the database, even while serving."),
    "restore": ("renkei.cli.operations",
                "バックアップから復元する（データがあれば --force が要る） / restore a backup into a database."),
    "demo-data": ("renkei.cli.demo",
                  "試験用の架空の圏域を作る（計画と承認済みの実績つき） / "
                  "make synthetic test areas with plans and actuals."),
    "db": ("renkei.cli.operations", "データベースのスキーマ / the database schema: upgrade, status"),
}


class LazyGroup(TyperGroup):
    """A command group that imports a command's module only when the command is run or asked for help."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        """List the loaded commands and the lazy ones, in ``COMMANDS`` order."""
        loaded = super().list_commands(ctx)
        return [*(n for n in COMMANDS if n not in loaded), *loaded]

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        """Return a loaded command, or a stand-in carrying the help line of one not loaded yet."""
        command = super().get_command(ctx, cmd_name)
        if command is None and cmd_name in COMMANDS:
            return TyperCommand(cmd_name, help=COMMANDS[cmd_name][1])
        return command

    def resolve_command(
        self, ctx: click.Context, args: list[str]
    ) -> tuple[str | None, click.Command | None, list[str]]:
        """Load the command about to run, then resolve it as usual."""
        if args and args[0] in COMMANDS:
            self.load(args[0], running="--help" not in args)
        return super().resolve_command(ctx, args)

    def load(self, name: str, *, running: bool = False) -> click.Command:
        """Import the module of a command and add every command it registers; return the named one.

        ``running``: the command is about to run (not to show its help), so the modules its module names in
        ``IMPORTS_TO_RUN`` are imported too, while the garbage collector is still held off (``release_collector``).
        """
        if name not in self.commands:
            sub = typer.Typer()
            module = importlib.import_module(COMMANDS[name][0])
            module.register(sub)
            for registered_name, command in typer.main.get_group(sub).commands.items():
                self.add_command(command, registered_name)
            for needed in getattr(module, "IMPORTS_TO_RUN", ()) if running else ():
                importlib.import_module(needed)
            release_collector()
        return self.commands[name]


app = typer.Typer(
    name="renkei",
    cls=LazyGroup,
    help="renkei（連携）: 連携中枢都市圏ビジョンの読み込み・点検・進捗管理 / "
    "read, check and track regional-collaboration plans.",
    no_args_is_help=True,
    add_completion=False,
    # Plain help for the command list: rich's help renderer alone costs more than the 0.3 s start-up budget
    # on a busy machine; each command's own help (renkei parse --help) is still rendered with rich.
    rich_markup_mode=None,
)


@app.callback()
def _root() -> None:
    """Make the app a group even though its commands are added lazily."""


def load_commands() -> LazyGroup:
    """Return the click group with every command loaded (for documentation and tests)."""
    group = typer.main.get_command(app)
    assert isinstance(group, LazyGroup)
    for name in COMMANDS:
        group.load(name)
    return group


#: Set by main() while the cyclic garbage collector is held off for the start-up (see ``release_collector``).
_collector_held = False


def release_collector() -> None:
    """Turn the cyclic garbage collector back on after a command's modules are loaded, if ``main`` held it off.

    Loading a command imports some hundreds of thousands of long-lived objects (SQLAlchemy, the tables, Typer) and
    next to no garbage; the collector, triggered again and again by so many new objects, walked them all each time,
    about a fifth of a short command's CPU time (``renkei actuals import``). They are frozen (``gc.freeze``: kept out
    of every later collection, the one at exit included) and the collector runs as usual for the command's own work.
    """
    global _collector_held
    if _collector_held:
        _collector_held = False
        gc.freeze()
        gc.enable()


#: Commands that only read a document and print. They run without the cyclic garbage collector (the reader
#: makes millions of objects and no cycles: the collector would only walk them again and again), and once
#: their output is flushed the process ends at once (``os._exit``) with the plan still alive: freeing a
#: 10,000-sheet plan object by object, then the interpreter's teardown, cost a third of reading it.
#: They hold no database, file or thread to close.
QUICK_EXIT_COMMANDS = frozenset({"parse", "lint", "summary"})
_ending_by_exit = False  # set by main() for those commands
_kept: list[object] = []


def keep_until_exit(*objects: object) -> None:
    """Keep a command's large results alive until the process ends, when it ends by ``os._exit`` (see ``main``).

    Anywhere else (tests, the commands run in process) nothing is kept.
    """
    if _ending_by_exit:
        _kept.extend(objects)


def main() -> None:
    """Run the command line with UTF-8 output whatever the terminal's locale."""
    global _ending_by_exit, _collector_held
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            reconfigure(encoding="utf-8")
    if sys.argv[1:2] and sys.argv[1] in QUICK_EXIT_COMMANDS:
        gc.disable()
        _ending_by_exit = True
        try:
            app()
        except SystemExit as done:
            _end_now(done.code)
        _end_now(0)
    gc.disable()  # until the command's modules are loaded (release_collector)
    _collector_held = True
    app()


def _end_now(code: object) -> None:
    """Flush the output and end the process now, with the exit status ``sys.exit(code)`` would give."""
    if code is None:
        status = 0
    elif isinstance(code, int):
        status = code
    else:  # sys.exit("message") prints the message and exits with 1
        print(code, file=sys.stderr)
        status = 1
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # a closed pipe (renkei parse … | head): nothing more to say
            status = status or 1
    os._exit(status)
