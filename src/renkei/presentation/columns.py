"""Output shapes by name: a table's columns, each a name beside the function that reads its value from one item.

A CSV, a workbook sheet or an open-data table is written from a shape declared once — the header is the columns'
names and a row is their values, in the same order by construction — never from a header list beside a positional
tuple that must be kept in step with it.

>>> shape = Columns((Column("name", lambda r: r[0]), Column("count", lambda r: r[1])))
>>> shape.header(), shape.row(("観光", 3))
(['name', 'count'], ['観光', 3])
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

T = TypeVar("T")
H = TypeVar("H")


@dataclass(frozen=True, slots=True)
class Column(Generic[T, H]):
    """A column: its heading (a name, or a richer declaration such as an open-data field) and how to read its value."""

    heading: H
    value: Callable[[T], object]


@dataclass(frozen=True, slots=True)
class Columns(Generic[T, H]):
    """A table's shape: its columns in order."""

    columns: Sequence[Column[T, H]]

    def headings(self) -> list[H]:
        """Return the columns' headings, in order."""
        return [c.heading for c in self.columns]

    def header(self) -> list[str]:
        """Return the columns' headings as text (the header row of a CSV)."""
        return [str(c.heading) for c in self.columns]

    def row(self, item: T) -> list[object]:
        """Return one item's values, in the columns' order."""
        return [c.value(item) for c in self.columns]

    def rows(self, items: Iterable[T]) -> Iterator[list[object]]:
        """Return every item's values."""
        return (self.row(item) for item in items)
