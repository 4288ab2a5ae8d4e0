"""Fuzz the sheet reader: document bytes → ``decode_document`` → ``read_plan``; only ``PlanReadError`` may escape."""

from __future__ import annotations

from fuzz.harness import run
from renkei.reading.document_text import PlanReadError, decode_document
from renkei.reading.sheet import read_plan


def check(data: bytes) -> None:
    """Read ``data`` as a vision document; a document that is not text may be refused, nothing else may fail."""
    try:
        text = decode_document(data)
    except PlanReadError:
        return
    _, findings = read_plan(text)
    assert all(finding.line is None or finding.line >= 1 for finding in findings), findings


if __name__ == "__main__":
    run(check)
