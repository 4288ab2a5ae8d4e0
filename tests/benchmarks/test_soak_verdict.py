"""The soak's memory verdict (``benchmarks/soak.py``): its doctests, and the two recorded runs read by the rule.

The soak itself runs ten minutes against the production setup (``make soak``); here only its rule is checked, on
the RSS figures of the runs written down in benchmarks/README.md.
"""

from __future__ import annotations

import doctest
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest

BENCHMARKS = Path(__file__).resolve().parents[2] / "benchmarks"


@pytest.fixture(scope="module")
def soak() -> Iterator[ModuleType]:
    """Import the soak driver from benchmarks/ (a script, not part of the package)."""
    sys.path.insert(0, str(BENCHMARKS))
    try:
        import soak as module
    finally:
        sys.path.remove(str(BENCHMARKS))
    yield module


def test_the_doctests_of_the_verdict_pass(soak: ModuleType) -> None:
    failures, tried = doctest.testmod(soak, verbose=False)
    assert tried >= 5 and failures == 0


def minute_samples(mib_per_minute: list[float]) -> list[tuple[float, int]]:
    """Turn one figure a minute (MiB at 0, 60, 120 … s) into 10-s samples (KiB), each minute's figure held."""
    return [(minute * 60 + step * 10, int(mib * 1024)) for minute, mib in enumerate(mib_per_minute)
            for step in range(6)]


#: Run 1 of benchmarks/README.md (default 64 MB response cache): worker 1's RSS at each minute, 0 … 10.
RUN_1_WORKER = [115.9, 244.0, 256.8, 267.8, 277.7, 287.2, 302.0, 306.3, 307.1, 307.3, 307.4]


def test_a_worker_filling_its_response_cache_then_steady_is_flat(soak: ModuleType) -> None:
    samples = minute_samples(RUN_1_WORKER)
    assert soak.flat_verdict(samples, 660, allowance_kib=64 * 1024)[1] is True
    assert soak.flat_verdict(samples, 660, allowance_kib=8 * 1024)[1] is False  # more than an 8 MB cache explains


def test_a_worker_growing_to_the_end_is_not_flat_whatever_its_cache(soak: ModuleType) -> None:
    leaking = [116.0 + 20 * minute for minute in range(11)]
    assert soak.flat_verdict(minute_samples(leaking), 660, allowance_kib=1024 * 1024)[1] is False
