"""Staff templates are given view objects, not table rows: what a page may read is what its route chose to show."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator, Mapping
from typing import Any

from renkei.store.tables import Base

#: The staff pages that draw a project, its evaluation or the accounts' project choices.
PAGES = ("/staff/projects", "/staff/projects/{id}", "/staff/projects/{id}/evaluation", "/staff/projects/{id}/history",
         "/staff/admin/users")


def _values(value: Any, depth: int = 0) -> Iterator[Any]:
    """Yield a context value and what it holds (lists, tuples, mappings and dataclass fields), a few levels down."""
    yield value
    if depth > 3 or isinstance(value, (str, bytes, Base)):
        return
    if isinstance(value, Mapping):
        children: list[Any] = list(value.values())
    elif isinstance(value, (list, tuple, set, frozenset)):
        children = list(value)
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        children = [getattr(value, f.name) for f in dataclasses.fields(value)]
    else:
        children = []
    for child in children:
        yield from _values(child, depth + 1)


def test_project_pages_hand_templates_views_and_never_rows(desk: Any) -> None:
    for path in PAGES:
        page = desk.as_user("admin").get(path.format(id=desk.seed.project_id))
        assert page.status_code == 200, path
        context = {k: v for k, v in page.context.items() if k != "request"}
        rows = sorted({type(v).__name__ for v in _values(context) if isinstance(v, Base)})
        assert rows == [], f"{path} hands its template table rows: {rows}"
        assert "project" not in context or type(context["project"]).__name__ == "StaffProject"
