"""Fuzz the quantity reader: ``read_quantity`` reads any cell text and never raises."""

from __future__ import annotations

from fuzz.harness import decode_text, run
from renkei.reading.quantity import read_quantity


def check(data: bytes) -> None:
    """Read ``data`` as a KPI cell (現状値・目標値); the cell's text is kept as written."""
    text = decode_text(data)
    quantity = read_quantity(text)
    assert quantity.text == text, (quantity.text, text)


if __name__ == "__main__":
    run(check)
