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


#: Which of renkei's own packages each package may import (itself included). The CLI sits on top and may use them
#: all; ``web`` and ``export`` share ``presentation`` and never import each other.
ALLOWED: dict[str, set[str]] = {
    "domain": {"domain"},
    "reading": {"domain", "reading"},
    "lint": {"domain", "lint", "reading"},
    # synthetic documents and area files (renkei demo-data, the benchmarks): text from the package's data
    "demo": {"demo", "domain", "reading"},
    "store": {"domain", "store"},
    # demo_data reads, lints and imports a synthetic document as `renkei import` does
    "services": {"demo", "domain", "lint", "reading", "services", "settings", "store"},
    "presentation": {"domain", "presentation"},
    "export": {"domain", "export", "presentation", "reading", "services", "settings", "store"},
    "web": {"domain", "presentation", "reading", "services", "settings", "store", "web"},
    "cli": {"cli", "domain", "export", "lint", "presentation", "reading", "services", "settings", "store", "web"},
}
#: Third-party code only the edges use: HTTP and templates in ``web`` (and the report's HTML in ``export``).
EDGE_ONLY = {"fastapi": {"web", "cli"}, "starlette": {"web", "cli"}, "uvicorn": {"cli"}, "typer": {"cli"},
             "jinja2": {"web", "export"}}


def _package_of(module: str) -> str | None:
    """Return the renkei package a module name belongs to (None for another library)."""
    parts = module.split(".")
    return parts[1] if parts[0] == "renkei" and len(parts) > 1 else None


def test_every_package_has_its_rule() -> None:
    packages = {p.name for p in SRC.iterdir() if p.is_dir() and any(p.glob("*.py"))}
    assert packages == set(ALLOWED), "declare the new package's dependencies in ALLOWED"


PACKAGE_CASES = [(package, path) for package in ALLOWED for path in sorted((SRC / package).rglob("*.py"))]


@pytest.mark.parametrize(("package", "path"), PACKAGE_CASES, ids=[f"{p}/{f.name}" for p, f in PACKAGE_CASES])
def test_packages_import_only_what_they_may(package: str, path: Path) -> None:
    modules = imported_modules(path)
    own = {p for p in map(_package_of, modules) if p is not None}
    assert own <= ALLOWED[package], f"{path.relative_to(SRC)} imports renkei.{sorted(own - ALLOWED[package])}"
    edges = sorted(m for m in modules if m.split(".")[0] in EDGE_ONLY and package not in EDGE_ONLY[m.split(".")[0]])
    assert not edges, f"{path.relative_to(SRC)} imports {edges}, which only {EDGE_ONLY} may use"
