"""Benchmark one portal process without the network: the plan snapshot's build, then cold and warm page latency.

Generates a plan of ``--projects`` sheets, imports it into a fresh SQLite file and asks the portal app in process
(httpx's ASGI transport: no socket, no wrk) for pages, with the response cache off so that every answer is
rendered:

- ``snapshot``: the first request, which reads and evaluates the plan and builds the snapshot;
- ``cold``: the first request of each distinct URL (a filter, a page number, a project) after the snapshot exists;
- ``warm``: the same URLs asked again.

The figures are medians and maxima over each page type's URLs, in milliseconds.

    .venv/bin/python benchmarks/page_latency.py                 # --projects 10000
    .venv/bin/python benchmarks/page_latency.py --projects 2000
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

import anyio
import httpx
from generate import generate_document

from renkei.reading.area import load_area
from renkei.reading.sheet import read_plan
from renkei.services.plan_import import import_plan
from renkei.settings import Settings
from renkei.store.engine import create_engine_from_url, create_session_factory
from renkei.store.migrate import upgrade_database
from renkei.web.app import create_app


def urls(slugs: list[str], codes: list[str]) -> dict[str, list[str]]:
    """Return the URLs asked for, by page type (ten of each where there are ten)."""
    return {
        "home": ["/", "/?lang=en"],
        "project list page": [f"/projects?page={n}" for n in range(1, min(10, len(slugs) // 50) + 1)],
        "project list filtered": [f"/projects?municipality={c}" for c in codes[:10]],
        "project list search": [f"/projects?q={w}" for w in ("研修", "交通", "観光", "移住", "防災", "子ども",
                                                                "デジタル", "環境", "連携", "広域")],
        "project page": [f"/projects/{s}" for s in slugs[:: max(1, len(slugs) // 10)][:10]],
        "kpi list": [f"/kpis?page={n}" for n in range(1, min(5, len(slugs) // 50) + 1)] + [f"/kpis?status={s}" for s in
                                                                   ("behind", "on_track", "no_data")],
        "municipality page": [f"/municipalities/{c}" for c in codes[:10]],
        "api projects": [f"/api/projects?offset={n * 100}" for n in range(min(10, len(slugs) // 100))],
    }


async def measure(app: object, pages: dict[str, list[str]]) -> tuple[float, dict[str, tuple[list[float], ...]]]:
    transport = httpx.ASGITransport(app=app)  # type: ignore[arg-type]
    async with httpx.AsyncClient(transport=transport, base_url="http://bench.invalid") as client:
        started = time.perf_counter()
        first = await client.get("/projects/none-such")  # builds the snapshot, renders a small page
        snapshot = time.perf_counter() - started
        assert first.status_code == 404, first.status_code
        results: dict[str, tuple[list[float], ...]] = {}
        for kind, paths in pages.items():
            cold: list[float] = []
            warm: list[float] = []
            for seconds in (cold, warm):
                for path in paths:
                    started = time.perf_counter()
                    response = await client.get(path)
                    seconds.append((time.perf_counter() - started) * 1000)
                    assert response.status_code == 200, (path, response.status_code)
            results[kind] = (cold, warm)
        return snapshot, results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--projects", type=int, default=10_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as work:
        url = f"sqlite:///{Path(work) / 'renkei.db'}"
        upgrade_database(url)
        source = generate_document(args.projects)
        plan, findings = read_plan(source, area=load_area("kitakyushu"))
        engine = create_engine_from_url(url)
        with create_session_factory(engine)() as session:
            import_plan(session=session, plan=plan, findings=findings, source_text=source)
        engine.dispose()
        app = create_app(Settings(database_url=url, response_cache_mb=0))
        codes = [m.code for m in load_area("kitakyushu").members]
        snapshot, results = anyio.run(measure, app, urls([p.slug for p in plan.projects], codes))
        print(f"projects={len(plan.projects)} snapshot_build_s={snapshot:.2f}")
        print(f"{'page type':24} {'cold p50':>9} {'cold max':>9} {'warm p50':>9} {'warm max':>9}  (ms)")
        for kind, (cold, warm) in results.items():
            print(f"{kind:24} {statistics.median(cold):9.1f} {max(cold):9.1f} {statistics.median(warm):9.1f} "
                  f"{max(warm):9.1f}")


if __name__ == "__main__":
    main()
