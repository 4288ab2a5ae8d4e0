"""Reading input files for commands: clear messages instead of tracebacks."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from renkei.cli.console import command_console
from renkei.reading.area import EXAMPLE_AREA, AreaConfigError, available_areas, load_area, load_registry, read_area
from renkei.reading.document_text import PlanReadError, decode_document
from renkei.reading.input_limits import COMMAND_LINE, InputLimits, InputTooLarge, check_file_size

if TYPE_CHECKING:  # the sheet reader is imported by the commands that read a vision document, when they read it
    from renkei.domain.finding import Finding
    from renkei.domain.municipality import Area
    from renkei.domain.plan import Plan

err = command_console(stderr=True)
#: The --area option of the commands that read a document without the database (parse, lint, summary…).
AreaOpt = Annotated[
    str | None, typer.Option("--area", help=f"圏域（JSONファイルか同梱の設定名。既定: 同梱の例 {EXAMPLE_AREA}） / "
                                             "the area: a JSON file or a shipped slug (default: the example's, "
                                             f"{EXAMPLE_AREA})")
]
#: The --area option of `renkei import`: a slug is looked up in the database first.
StoredAreaOpt = Annotated[
    str | None, typer.Option("--area", help="圏域（JSONファイルか設定名。設定名はデータベース、なければ同梱の設定から。"
                                             f"既定: データベースの唯一の圏域、なければ {EXAMPLE_AREA}） / the area: a "
                                             "JSON file (stored with the plan) or a slug (the database's area, else "
                                             "the shipped seed); default: the database's only area, else "
                                             f"{EXAMPLE_AREA}")
]


def fail(message: str, code: int = 2) -> typer.Exit:
    """Print an error in Japanese/English and return the Exit to raise."""
    err.print(f"[bold red]エラー / error:[/] {message}", soft_wrap=True)
    return typer.Exit(code)


def read_input_file(path: Path, limits: InputLimits = COMMAND_LINE) -> bytes:
    """Read a file a command was given, at most ``limits.file_bytes`` of it, or exit with a clear message.

    The size is checked before reading and again while reading (a device or a growing file has no fixed size),
    so a command never holds more than the limit of any file.
    """
    try:
        with path.open("rb") as stream:
            size = os.fstat(stream.fileno()).st_size
            check_file_size(size, limits)
            data = stream.read(limits.file_bytes + 1)
        check_file_size(len(data), limits)
    except InputTooLarge as exc:
        raise fail(f"{path}: {exc}") from None
    except FileNotFoundError:
        raise fail(f"ファイルがありません / no such file: {path}") from None
    except IsADirectoryError:
        raise fail(f"ファイルではなくフォルダです / is a directory: {path}") from None
    except OSError as exc:
        raise fail(f"ファイルを読めません / cannot read {path}: {exc.strerror}") from None
    return data


def read_text_file(path: Path) -> str:
    """Read and decode a document file (at most :data:`COMMAND_LINE` ``.file_bytes``), or exit with a clear message."""
    data = read_input_file(path)
    try:
        return decode_document(data)
    except PlanReadError as exc:
        raise fail(f"{path}: {exc}") from None


def is_area_file(option: str) -> bool:
    """Tell whether --area names a JSON file rather than a slug."""
    return option.endswith(".json") or Path(option).is_file()


def read_area_file(path: Path) -> Area:
    """Read and check an area file (members against the national list), or exit naming the field at fault."""
    try:
        return read_area(read_text_file(path), registry=load_registry())
    except AreaConfigError as exc:
        raise fail(f"{path}: {exc}") from None


def load_area_option(option: str | None, *, stored: tuple[str, ...] = (), database: bool = False) -> Area:
    """Load the area named by --area (an area JSON file, or the slug of a seed), or exit with a clear message.

    Commands that read a document without the database use this directly: a slug is one of the package's seeds,
    and without --area the example's. ``stored`` lists the database's areas for the message, when known;
    ``database`` says the command stores areas (its message can point to ``renkei area add``).
    """
    if option is not None and is_area_file(option):
        return read_area_file(Path(option))
    slug = option or EXAMPLE_AREA
    try:
        return load_area(slug)
    except (AreaConfigError, LookupError, FileNotFoundError):
        known = ", ".join(dict.fromkeys((*stored, *available_areas())))
        if database:
            hint = ("圏域の JSON ファイルを --area に指定するか renkei area add で登録してください",
                    "give its JSON file to --area, or add it with renkei area add")
        else:
            hint = ("圏域の JSON ファイルを --area に指定してください（このコマンドはデータベースを読みません）",
                    "give its JSON file to --area (this command does not read the database)")
        raise fail(f"圏域「{slug}」がありません。{hint[0]} / no area {slug!r}: {hint[1]}"
                   f"（利用できる圏域 / available: {known}）") from None


def read_plan_file(path: Path, *, area: str | None = None) -> tuple[Plan, list[Finding]]:
    """Read a vision document file into a plan and all findings (reader and lint)."""
    from renkei.cli import keep_until_exit
    from renkei.lint import lint_plan
    from renkei.reading.sheet import read_plan

    chosen = load_area_option(area)
    text = read_text_file(path)
    plan, findings = read_plan(text, area=chosen)
    all_findings = sorted([*findings, *lint_plan(plan)], key=lambda f: (f.line or 0))
    keep_until_exit(plan, all_findings)
    return plan, all_findings
