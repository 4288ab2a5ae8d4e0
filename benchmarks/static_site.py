"""Benchmark `renkei build-site`: the time and size of the static copy of a large plan.

Generates a document with ``generate.py``, imports it into a fresh SQLite file, then runs the real command
(``renkei build-site``) in process and reports the seconds, the pages and files written, and the size on disk
(all of it, and the search index alone).

    .venv/bin/python benchmarks/static_site.py                  # 10,000 sheets
    .venv/bin/python benchmarks/static_site.py --sheets 1000
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from generate import generate_document
from typer.testing import CliRunner

from renkei.cli import app
from renkei.reading.area import load_area
from renkei.reading.sheet import read_plan
from renkei.services.plan_import import import_plan
from renkei.store.engine import create_engine_from_url, create_session_factory
from renkei.store.migrate import upgrade_database


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sheets", type=int, default=10_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as work:
        url = f"sqlite:///{Path(work) / 'renkei.db'}"
        upgrade_database(url)
        source = generate_document(args.sheets)
        plan, findings = read_plan(source, area=load_area("kitakyushu"))
        engine = create_engine_from_url(url)
        with create_session_factory(engine)() as session:
            import_plan(session=session, plan=plan, findings=findings, source_text=source)
        engine.dispose()
        folder = Path(work) / "site"
        started = time.perf_counter()
        result = CliRunner().invoke(app, ["build-site", str(folder), "--database-url", url])
        seconds = time.perf_counter() - started
        if result.exit_code != 0:
            import traceback

            trace = "".join(traceback.format_exception(result.exception)) if result.exception else ""
            sys.exit(f"build-site failed ({result.exit_code}):\n{result.output[-3000:]}\n{trace}")
        files = [f for f in folder.rglob("*") if f.is_file()]
        pages = [f for f in files if f.suffix == ".html"]
        size = sum(f.stat().st_size for f in files)
        index = (folder / "search-index.js").stat().st_size
        print(f"sheets={len(plan.projects)} seconds={seconds:.1f} pages={len(pages)} files={len(files)} "
              f"size_mb={size / 2**20:.1f} search_index_mb={index / 2**20:.2f} "
              f"pages_per_second={len(pages) / seconds:.0f}")


if __name__ == "__main__":
    main()
