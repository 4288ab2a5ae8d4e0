"""Pages of a long list: the page number comes from the URL, so a page can be shared like a filter."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

T = TypeVar("T")

#: Rows per page of the project list and the KPI dashboard.
PAGE_SIZE = 50


@dataclass(frozen=True, slots=True)
class Page(Generic[T]):
    """One page of a list: its items, its 1-based number and the size of the whole list."""

    items: Sequence[T]
    number: int
    size: int
    total: int

    @property
    def pages(self) -> int:
        """Return the number of pages (at least one)."""
        return max(1, -(-self.total // self.size))

    @property
    def first(self) -> int:
        """Return the 1-based position of the page's first item (0 for an empty list)."""
        return (self.number - 1) * self.size + 1 if self.total else 0

    @property
    def last(self) -> int:
        """Return the 1-based position of the page's last item."""
        return min(self.number * self.size, self.total)

    @property
    def previous(self) -> int | None:
        """Return the previous page's number, if any."""
        return self.number - 1 if self.number > 1 else None

    @property
    def next(self) -> int | None:
        """Return the next page's number, if any."""
        return self.number + 1 if self.number < self.pages else None


def read_page_number(text: str | None) -> int:
    """Read a ``?page=`` value; anything that is not a positive number is page 1.

    >>> read_page_number("3"), read_page_number("０"), read_page_number("x"), read_page_number(None)
    (3, 1, 1, 1)
    """
    if not text or not text.strip().isdigit():
        return 1
    return max(1, min(int(text.strip()), 1_000_000))


def paginate(items: Sequence[T], number: int, size: int = PAGE_SIZE) -> Page[T]:
    """Return one page of a list; a number past the end gives the last page.

    >>> page = paginate(list(range(120)), 3)
    >>> (page.first, page.last, page.pages, page.previous, page.next, list(page.items)[:2])
    (101, 120, 3, 2, None, [100, 101])
    >>> paginate([], 5).pages, paginate([], 5).first
    (1, 0)
    """
    pages = max(1, -(-len(items) // size))
    number = min(max(1, number), pages)
    start = (number - 1) * size
    return Page(items=items[start:start + size], number=number, size=size, total=len(items))
