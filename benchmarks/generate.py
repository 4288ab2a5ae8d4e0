"""Generate large vision documents in the example's format (deterministic) for the benchmarks.

The generator lives in the package (:mod:`renkei.demo.sheet_generator`, also used by ``renkei demo-data``); this
script writes its document to standard output.

    .venv/bin/python benchmarks/generate.py 10000 > /tmp/plan-10000.txt
"""

from __future__ import annotations

import sys
from pathlib import Path

from renkei.demo.sheet_generator import DEFAULT_SEED, generate_document

#: The example document the generated sheets vary (the benchmarks also read it as it is).
EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "kitakyushu_vision_r8.txt"
__all__ = ["DEFAULT_SEED", "EXAMPLE", "generate_document", "main"]


def main(argv: list[str]) -> int:
    """Write a generated document of argv[0] sheets (seed argv[1]) to standard output."""
    if not argv or not argv[0].isdigit():
        print("usage: generate.py SHEETS [SEED] > document.txt", file=sys.stderr)
        return 2
    seed = int(argv[1]) if len(argv) > 1 else DEFAULT_SEED
    sys.stdout.write(generate_document(int(argv[0]), seed))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
