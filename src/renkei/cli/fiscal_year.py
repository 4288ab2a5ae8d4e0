"""The year options of the command line (--as-of, --year): one reader, one message, and the plan period.

Every option that names a fiscal year reads it with :func:`renkei.reading.fiscal_year.read_fiscal_year` while the
command line is parsed, so a year is written the same way everywhere (2026, 令和8年度, R8) and a bad one is refused
before any database is opened or any question asked.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import typer

from renkei.cli.files import fail
from renkei.domain.fiscal import OutsidePeriodError, check_within_period
from renkei.reading.fiscal_year import FISCAL_YEAR_EXAMPLES, read_fiscal_year


def year_parser(option: str) -> Callable[[str], int]:
    """Return the parser of a year option: the western year, or exit with one bilingual message naming the option."""

    def parse(text: str) -> int:
        year = read_fiscal_year(text)
        if year is None:
            ja, en = FISCAL_YEAR_EXAMPLES
            raise fail(f"{option}: 「{text}」を年度として読めません（{ja} のように書きます） / "
                       f"not a fiscal year: {text!r} (write {en})")
        return year

    return parse


def year_option(option: str, ja: str, en: str) -> Any:
    """Return a Typer option that takes a fiscal year written as 2026, 令和8年度 or R8 (``ja``/``en`` say what for)."""
    return typer.Option(option, parser=year_parser(option), metavar="YEAR",
                        help=f"{ja}。例: {FISCAL_YEAR_EXAMPLES[0]} / {en}, e.g. {FISCAL_YEAR_EXAMPLES[1]}")


def check_year_in_period(option: str, year: int | None, first_year: int, last_year: int) -> None:
    """Exit with a message stating the plan period when a year the user typed lies outside it (None passes)."""
    if year is None:
        return
    try:
        check_within_period(year, first_year, last_year)
    except OutsidePeriodError as exc:
        raise fail(f"{option}: {exc}") from None
