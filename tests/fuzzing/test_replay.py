"""Replay every seed, kept corpus input and saved crash input through its fuzz harness (fuzz/): none may crash.

A crash the fuzzers found is minimised into ``fuzz/crashes/<target>/`` once fixed, so each has its regression test
here; the harness lets through only the reader's own refusals.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from fuzz.harness import FUZZ_DIR, TARGETS  # noqa: E402


def _inputs(kind: str) -> list[tuple[str, Path]]:
    return [(target, path) for target in TARGETS
            for path in sorted((FUZZ_DIR / kind / target).glob("*")) if path.is_file()]


def _check(target: str) -> Callable[[bytes], None]:
    check: Callable[[bytes], None] = importlib.import_module(f"fuzz.{target}").check
    return check


@pytest.mark.parametrize("target", TARGETS)
def test_every_target_has_seeds(target: str) -> None:
    assert len(list((FUZZ_DIR / "corpus" / target).glob("seed-*"))) >= 1


@pytest.mark.parametrize("target", TARGETS)
def test_corpus_replays_without_a_crash(target: str) -> None:
    check = _check(target)
    for _, path in (item for item in _inputs("corpus") if item[0] == target):
        check(path.read_bytes())


@pytest.mark.parametrize(("target", "path"), _inputs("crashes"), ids=lambda value: getattr(value, "name", value))
def test_saved_crash_no_longer_crashes(target: str, path: Path) -> None:
    _check(target)(path.read_bytes())


@pytest.mark.parametrize(("target", "reader", "allowed"), [
    ("sheet", "read_plan", None), ("quantity", "read_quantity", None),
    ("actuals_csv", "read_actuals_csv", "ActualsReadError"), ("actuals_xlsx", "read_actuals_xlsx", "InputTooLarge"),
    ("actuals_xlsx_parts", "read_actuals_xlsx", "ActualsReadError"),
    ("actuals_mapping", "read_table", "ActualsReadError")])
def test_the_harness_lets_through_only_the_readers_own_errors(
        target: str, reader: str, allowed: str | None, monkeypatch: pytest.MonkeyPatch) -> None:
    """A foreign exception from the reader passes through the harness (so the replays above can fail)."""
    module = importlib.import_module(f"fuzz.{target}")

    def crash(*args: object, **kwargs: object) -> None:
        raise KeyError("not the reader's own")

    monkeypatch.setattr(module, reader, crash)
    with pytest.raises(KeyError):
        module.check("事業名".encode())
    if allowed is not None:
        error = getattr(module, allowed)

        def refuse(*args: object, **kwargs: object) -> None:
            raise error("refused", None) if allowed != "InputTooLarge" else error("refused", "rows")

        monkeypatch.setattr(module, reader, refuse)
        module.check(b"x")  # the reader's own refusal is not a crash
