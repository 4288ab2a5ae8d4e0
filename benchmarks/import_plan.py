"""Benchmark the plan import: first import, a re-import that writes nothing, and a corrected edition.

Generates a document with ``generate.py``, reads it once, then times ``import_plan`` on a fresh SQLite file
and (when reachable) a fresh PostgreSQL database. The corrected edition changes every 10th sheet's
description and one KPI target in every 20th, and drops the last 1% of the sheets (withdrawn).

    .venv/bin/python benchmarks/import_plan.py                 # --sheets 10000 --backends sqlite postgresql
    .venv/bin/python benchmarks/import_plan.py --sheets 2000 --backends sqlite
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
import uuid
from dataclasses import replace
from pathlib import Path

from sqlalchemy import text

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from generate import generate_document

from renkei.domain.plan import Plan
from renkei.reading.area import load_area
from renkei.reading.sheet import read_plan
from renkei.services.plan_import import import_plan
from renkei.store.engine import create_engine_from_url, create_session_factory
from renkei.store.migrate import upgrade_database

POSTGRES_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
GOAL_SECONDS = 20.0  # first import of 10,000 sheets on SQLite


def corrected_edition(plan: Plan) -> Plan:
    """Return the plan with every 10th description and every 20th sheet's first KPI target changed."""
    projects = []
    keep = len(plan.projects) - max(1, len(plan.projects) // 100)
    for i, project in enumerate(plan.projects[:keep]):
        if i % 10 == 0:
            project = replace(project, description=(project.description or "") + "（改訂）")
        if i % 20 == 0 and project.kpis:
            first = project.kpis[0]
            target = replace(first.target, text=first.target.text + "（改）")
            project = replace(project, kpis=(replace(first, target=target), *project.kpis[1:]))
        projects.append(project)
    return replace(plan, projects=tuple(projects), source_sha256="")


def time_import(url: str, plan: Plan, findings: list, source: str) -> float:  # type: ignore[type-arg]
    """Import once on a new session and return the seconds it took."""
    engine = create_engine_from_url(url)
    try:
        with create_session_factory(engine)() as session:
            started = time.perf_counter()
            import_plan(session=session, plan=plan, findings=findings, source_text=source)
            return time.perf_counter() - started
    finally:
        engine.dispose()


def run_backend(url: str, plan: Plan, findings: list, source: str) -> dict[str, float]:  # type: ignore[type-arg]
    """Time the three imports on a freshly migrated database."""
    upgrade_database(url)
    corrected = corrected_edition(plan)
    return {
        "first import": time_import(url, plan, findings, source),
        "re-import (no-op)": time_import(url, plan, findings, source),
        "corrected edition": time_import(url, corrected, findings, source + "\n改訂"),
    }


def postgres_database() -> tuple[str, str] | None:
    """Create a scratch PostgreSQL database; return its URL and name, or None when unreachable."""
    name = f"bench_{uuid.uuid4().hex[:12]}"
    try:
        admin = create_engine_from_url(POSTGRES_URL).execution_options(isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.execute(text(f"CREATE DATABASE {name}"))
        admin.dispose()
    except Exception as error:  # a missing server only skips that backend
        print(f"PostgreSQL skipped: {type(error).__name__}: {str(error).splitlines()[0]}", file=sys.stderr)
        return None
    return POSTGRES_URL.rsplit("/", 1)[0] + "/" + name, name


def drop_postgres_database(name: str) -> None:
    """Drop the scratch database."""
    admin = create_engine_from_url(POSTGRES_URL).execution_options(isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
    admin.dispose()


def main(argv: list[str]) -> int:
    """Print a Markdown table of import times; exit 1 when the SQLite first import misses the goal."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sheets", type=int, default=10_000)
    parser.add_argument("--backends", nargs="+", default=["sqlite", "postgresql"])
    args = parser.parse_args(argv)
    source = generate_document(args.sheets)
    started = time.perf_counter()
    plan, findings = read_plan(source, area=load_area("kitakyushu"))
    print(f"read {len(plan.projects)} sheets in {time.perf_counter() - started:.1f} s", file=sys.stderr)
    rows: list[tuple[str, str, float]] = []
    for backend in args.backends:
        if backend == "sqlite":
            with tempfile.TemporaryDirectory() as folder:
                times = run_backend(f"sqlite:///{folder}/bench.sqlite", plan, findings, source)
        else:
            made = postgres_database()
            if made is None:
                continue
            try:
                times = run_backend(made[0], plan, findings, source)
            finally:
                drop_postgres_database(made[1])
        rows += [(backend, step, seconds) for step, seconds in times.items()]
    print(f"| backend | step ({args.sheets:,} sheets) | seconds | sheets/s |")
    print("|---|---|---:|---:|")
    for backend, step, seconds in rows:
        print(f"| {backend} | {step} | {seconds:.2f} | {args.sheets / seconds:,.0f} |")
    missed = [s for b, step, s in rows if b == "sqlite" and step == "first import" and s > GOAL_SECONDS]
    return 1 if missed and args.sheets >= 10_000 else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
