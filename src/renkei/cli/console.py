"""The commands' rich console: a terminal's width on a terminal, whole lines when the output goes to a pipe or file.

Rich sizes tables to the terminal, and without one to ``COLUMNS`` or 80 columns, cutting cells to "…". A user who
pipes ``renkei user list`` into ``grep`` or a file wants every name whole, and ``COLUMNS`` is often inherited from
a program that has nothing to do with the output (GNU readline exports the size of its own terminal, 80×24 when
it has none). So when the output is not a terminal the console is ``PIPED_WIDTH`` wide, or wider when ``COLUMNS``
asks for it.
"""

from __future__ import annotations

import os
from typing import Any

from rich.console import Console, ConsoleDimensions

#: The width of the output when it is not a terminal: wide enough for every table the commands print.
PIPED_WIDTH = 1000


class CommandConsole(Console):
    """A console that never cuts a table to a terminal's width when nobody reads it on a terminal."""

    @property
    def size(self) -> ConsoleDimensions:
        """Return the terminal's size, or ``PIPED_WIDTH`` (or ``COLUMNS`` when wider) columns off a terminal."""
        measured = super().size
        if self.is_terminal:
            return measured
        columns = os.environ.get("COLUMNS", "")
        asked = int(columns) if columns.isdigit() else 0
        return ConsoleDimensions(max(PIPED_WIDTH, asked), measured.height)

    @size.setter
    def size(self, new_size: tuple[int, int]) -> None:
        Console.size.fset(self, new_size)  # type: ignore[attr-defined]


def command_console(**options: Any) -> Console:
    """Return a console for a command's output (``stderr=True`` for its messages); options as rich's Console.

    >>> import io
    >>> command_console(file=io.StringIO()).width
    1000
    """
    return CommandConsole(**options)
