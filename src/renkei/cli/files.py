"""Reading input files for commands: clear messages instead of tracebacks."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from renkei.cli.console import command_console
from renkei.domain.finding import Finding
from renkei.domain.municipality import Area
from renkei.domain.plan import Plan
from renkei.reading.area import AreaConfigError, available_areas, load_area, load_registry, read_area
from renkei.reading.sheet import PlanReadError, decode_document, read_plan

err = command_console(stderr=True)
#: The --area option every command that reads a document takes.
AreaOpt = Annotated[
    str, typer.Option("--area", help="圏域（設定名かJSONファイル） / the area: a configured slug or a JSON file")
]


def fail(message: str, code: int = 2) -> typer.Exit:
    """Print an error in Japanese/English and return the Exit to raise."""
    err.print(f"[bold red]エラー / error:[/] {message}", soft_wrap=True)
    return typer.Exit(code)


def read_text_file(path: Path) -> str:
    """Read and decode a document file, or exit with a clear message."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise fail(f"ファイルがありません / no such file: {path}") from None
    except IsADirectoryError:
        raise fail(f"ファイルではなくフォルダです / is a directory: {path}") from None
    except OSError as exc:
        raise fail(f"ファイルを読めません / cannot read {path}: {exc.strerror}") from None
    try:
        return decode_document(data)
    except PlanReadError as exc:
        raise fail(f"{path}: {exc}") from None


def load_area_option(slug: str) -> Area:
    """Load the area named by --area (a configured slug or an area JSON file), or exit with a clear message."""
    path = Path(slug)
    if slug.endswith(".json") or path.is_file():
        try:
            return read_area(read_text_file(path), registry=load_registry())
        except AreaConfigError as exc:
            raise fail(f"{path}: {exc}") from None
    try:
        return load_area(slug)
    except (AreaConfigError, LookupError, FileNotFoundError) as exc:
        raise fail(f"圏域「{slug}」を読めません / cannot load area {slug!r}: {exc}. "
                   f"利用できる圏域 / available: {', '.join(available_areas())}") from None


def read_plan_file(path: Path, *, area: str = "kitakyushu") -> tuple[Plan, list[Finding]]:
    """Read a vision document file into a plan and all findings (reader and lint)."""
    from renkei.cli import keep_until_exit
    from renkei.lint import lint_plan

    chosen = load_area_option(area)
    text = read_text_file(path)
    plan, findings = read_plan(text, area=chosen)
    all_findings = sorted([*findings, *lint_plan(plan)], key=lambda f: (f.line or 0))
    keep_until_exit(plan, all_findings)
    return plan, all_findings
