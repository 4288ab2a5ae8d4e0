"""Server time of one staff save at a large plan: `workflow.enter_actual` and the entry page's `report_item`.

A save reads one KPI, its project and the sheets that repeat it (not the whole plan), so its cost should not grow
with the plan. This measures, on SQLite, a plan of N generated projects (the reader's benchmark document), an admin
account and an open round: 40 saves on distinct KPIs, and 40 entry-page items.

    .venv/bin/python benchmarks/staff_save.py --projects 1000
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from generate import generate_document

from renkei.domain.kpi_reporting import ASSESSED_FORMS
from renkei.domain.plan import indicator_key
from renkei.domain.progress import classify_kpi
from renkei.domain.workflow import Step
from renkei.reading.sheet import read_plan
from renkei.services import workflow
from renkei.services.accounts import create_user
from renkei.services.plan_import import import_plan
from renkei.services.rounds import open_round, report_item
from renkei.store import repository
from renkei.store.engine import create_engine_from_url, create_session_factory
from renkei.store.migrate import upgrade_database
from renkei.store.rounds import kpi_rows, project_rows

YEAR = 2026


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--projects", type=int, default=1000, help="projects in the generated plan (default 1000)")
    parser.add_argument("--saves", type=int, default=40, help="saves on distinct KPIs (default 40)")
    args = parser.parse_args(argv)
    if args.projects < 1 or args.saves < 1:
        parser.error("--projects and --saves must be at least 1")
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{Path(folder) / 'renkei.db'}"
        upgrade_database(url)
        text = generate_document(args.projects)
        plan, findings = read_plan(text)
        engine = create_engine_from_url(url)
        factory = create_session_factory(engine)
        with factory() as session:
            plan_id = import_plan(session=session, plan=plan, findings=findings, source_text=text).plan_id
            assert plan_id is not None
            admin = create_user(session=session, username="bench", role="admin",
                                password="correct horse battery staple", actor="bench")
            open_round(session=session, plan_id=plan_id, fiscal_year=YEAR, due_date=date(2027, 5, 31), actor="bench")
            stored = repository.load_plan(session=session, plan_id=plan_id)
            rows = project_rows(session=session, plan_id=plan_id)
            kpis = kpi_rows(session=session, plan_id=plan_id)
            wanted = [(rows[p.key].id, indicator_key(k.indicator)) for p in stored.projects if not p.relisted
                      for k in p.kpis if classify_kpi(k) not in ASSESSED_FORMS]
            found = [kpis[key].id for key in wanted if key in kpis]
            chosen = found[:: max(1, len(found) // args.saves)][:args.saves]
        saves, pages = [], []
        for kpi_id in chosen:
            with factory() as session:
                started = time.perf_counter()
                report_item(session=session, kpi_id=kpi_id, fiscal_year=YEAR)
                pages.append(time.perf_counter() - started)
            with factory() as session:
                started = time.perf_counter()
                workflow.enter_actual(session=session, user=admin, kpi_id=kpi_id, fiscal_year=YEAR, part=None,
                                      step=Step.SUBMIT, data=workflow.ActualInput("12"), expected_version=0)
                saves.append(time.perf_counter() - started)
        engine.dispose()
    for name, times in (("entry page item (report_item)", pages), ("save and submit (enter_actual)", saves)):
        ordered = sorted(times)
        print(f"{args.projects} projects, {name}: median {statistics.median(ordered) * 1000:.1f} ms, "
              f"p95 {ordered[int(len(ordered) * 0.95) - 1] * 1000:.1f} ms, max {ordered[-1] * 1000:.1f} ms "
              f"({len(ordered)} KPIs)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
