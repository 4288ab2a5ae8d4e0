"""Staff working at the same moment through real servers: no 5xx, and every applied write is in the audit trail.

A small run of ``benchmarks/staff_load.py`` (its figures and the 50-client run are in benchmarks/README.md): ten
signed-in staff enter, submit, approve, return, reopen and upload at once against `renkei serve` on SQLite, and
against two server processes sharing one PostgreSQL database. No timing is asserted.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest

BENCHMARKS = Path(__file__).resolve().parents[3] / "benchmarks"


@pytest.fixture(scope="module")
def staff_load() -> Iterator[ModuleType]:
    """Import the load driver from benchmarks/ (it is a script, not part of the package)."""
    sys.path.insert(0, str(BENCHMARKS))
    try:
        import staff_load as module
    finally:
        sys.path.remove(str(BENCHMARKS))
    yield module


@pytest.mark.parametrize(("backend", "servers"), [
    ("sqlite", 1),
    pytest.param("postgresql", 2, marks=pytest.mark.postgres),
])
def test_ten_staff_at_once_get_no_server_error_and_every_write_is_audited(
    staff_load: ModuleType, backend: str, servers: int, tmp_path: Path, request: pytest.FixtureRequest,
) -> None:
    if backend == "postgresql":
        request.getfixturevalue("postgres_reachable")
    result = staff_load.run(backend, clients=10, rounds=3, servers_count=servers, folder=tmp_path, max_seconds=300)
    summary = staff_load.report(result)
    assert result.server_errors == 0, summary
    assert result.tally.failures == [], summary
    assert result.tally.outcomes["applied"] > 0, summary  # the run did write: the comparison below means something
    assert result.audit_mismatches == [] and result.version_mismatches == [], summary
    assert sum(result.tally.applied.values()) == result.tally.outcomes["applied"], summary
    assert result.tally.public_statuses and set(result.tally.public_statuses) == {200}, summary
