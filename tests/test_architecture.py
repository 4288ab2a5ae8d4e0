"""The layering rule: domain and reading import no database, template or web code; domain does no I/O."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src" / "renkei"
FORBIDDEN = {
    "domain": ("sqlalchemy", "alembic", "jinja2", "fastapi", "starlette", "uvicorn", "typer", "rich", "psycopg",
               "renkei.store", "renkei.services", "renkei.web", "renkei.cli", "renkei.reading", "renkei.lint",
               "renkei.export", "os", "pathlib", "io", "open"),
    "reading": ("sqlalchemy", "alembic", "jinja2", "fastapi", "starlette", "uvicorn", "typer", "rich", "psycopg",
                "renkei.store", "renkei.services", "renkei.web", "renkei.cli", "renkei.export"),
    # Synthetic documents and area files are text made from the package's data: no database, no web.
    "demo": ("sqlalchemy", "alembic", "jinja2", "fastapi", "starlette", "uvicorn", "typer", "rich", "psycopg",
             "renkei.store", "renkei.services", "renkei.web", "renkei.cli", "renkei.export"),
    "lint": ("sqlalchemy", "jinja2", "fastapi", "renkei.store", "renkei.services", "renkei.web", "renkei.cli"),
}


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "open":
            names.add("open")
    return names


CASES = [(layer, path) for layer in FORBIDDEN for path in sorted((SRC / layer).rglob("*.py"))]


@pytest.mark.parametrize(("layer", "path"), CASES, ids=[f"{layer}/{p.name}" for layer, p in CASES])
def test_layer_imports(layer: str, path: Path) -> None:
    bad = sorted(m for m in imported_modules(path)
                 for f in FORBIDDEN[layer] if m == f or m.startswith(f + "."))
    assert not bad, f"{path.relative_to(SRC)} imports {bad}, which the {layer} layer must not use"


def test_every_layer_has_modules() -> None:
    assert all(any((SRC / layer).glob("*.py")) for layer in FORBIDDEN)
