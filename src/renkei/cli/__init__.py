"""The `renkei` command line: thin Typer commands over the readers and services."""

from __future__ import annotations

import sys

import typer

from renkei.cli import document

app = typer.Typer(
    name="renkei",
    help="renkei（連携）: 連携中枢都市圏ビジョンの読み込み・点検・進捗管理 / "
    "read, check and track regional-collaboration plans.",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode="rich",
)
document.register(app)

_OPTIONAL = ("renkei.cli.database", "renkei.cli.portal", "renkei.cli.export", "renkei.cli.staff")


def _register_optional() -> None:
    import importlib

    for name in _OPTIONAL:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name != name:
                raise
            continue
        module.register(app)


_register_optional()


def main() -> None:
    """Run the command line with UTF-8 output whatever the terminal's locale."""
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            reconfigure(encoding="utf-8")
    app()
