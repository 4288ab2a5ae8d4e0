"""Profile `renkei parse FILE --format json` in one process (cProfile): where the time of a large document goes.

    .venv/bin/python benchmarks/profile_parse.py [--sheets 10000] [--top 15]
"""

from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from generate import generate_document


def main(argv: list[str] | None = None) -> int:
    """Profile reading, linting and writing the JSON of a generated document; print the top functions."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--sheets", type=int, default=10_000)
    parser.add_argument("--top", type=int, default=15)
    args = parser.parse_args(argv)
    from renkei.export.plan_json import plan_to_json_bytes
    from renkei.lint import lint_plan
    from renkei.reading.area import load_area, load_registry
    from renkei.reading.sheet import decode_document, read_plan

    data = generate_document(args.sheets).encode("utf-8")
    area, registry = load_area("kitakyushu"), load_registry()
    profile = cProfile.Profile()
    profile.enable()
    plan, findings = read_plan(decode_document(data), area=area, registry=registry)
    output = plan_to_json_bytes(plan, [*findings, *lint_plan(plan)])
    profile.disable()
    stream = io.StringIO()
    stats = pstats.Stats(profile, stream=stream)
    stats.sort_stats("tottime").print_stats(args.top)
    print(f"{len(plan.projects):,} sheets, {len(output) / 1e6:.1f} MB of JSON")
    print(stream.getvalue())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
