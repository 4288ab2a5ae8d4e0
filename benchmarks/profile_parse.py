"""Profile `renkei parse FILE --format json` in one process (cProfile): where the time of a large document goes.

It profiles what the command does after start-up: read and decode the file, read the sheets, lint, and write the
indented JSON (to memory), with the cyclic garbage collector off as the command runs.

    .venv/bin/python benchmarks/profile_parse.py [--sheets 10000] [--top 15]
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import io
import pstats
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from generate import EXAMPLE, generate_document


def main(argv: list[str] | None = None) -> int:
    """Profile reading, linting and writing the JSON of a generated document; print the top functions."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--sheets", type=int, default=10_000)
    parser.add_argument("--top", type=int, default=15)
    args = parser.parse_args(argv)
    from renkei.cli.files import read_plan_file
    from renkei.export.plan_json import write_plan_json

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "plan.txt"
        path.write_text(generate_document(args.sheets), encoding="utf-8")
        read_plan_file(EXAMPLE)  # load the area and the national list before profiling, as start-up does
        gc.disable()  # as `renkei parse` runs (renkei.cli.main)
        output = io.BytesIO()
        profile = cProfile.Profile()
        profile.enable()
        plan, findings = read_plan_file(path)
        write_plan_json(plan, findings, output)
        profile.disable()
    stream = io.StringIO()
    stats = pstats.Stats(profile, stream=stream)
    stats.sort_stats("tottime").print_stats(args.top)
    print(f"{len(plan.projects):,} sheets, {len(output.getvalue()) / 1e6:.1f} MB of JSON")
    print(stream.getvalue())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
