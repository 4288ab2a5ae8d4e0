"""The plan's JSON written a few projects at a time: the very bytes of one indented dump of the whole."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path

import orjson
import pytest

from renkei.export.plan_json import plan_to_dict, plan_to_json_bytes, write_plan_json
from renkei.lint import lint_plan
from renkei.reading.sheet import read_plan

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "kitakyushu_vision_r8.txt"


@pytest.mark.parametrize("sheets", [0, 1, 199, 200, 201, 450])
def test_streamed_json_is_the_whole_document_indented(sheets: int, generated_document: Callable[[int], str]) -> None:
    text = EXAMPLE.read_text(encoding="utf-8") if sheets == 0 else generated_document(sheets)
    plan, findings = read_plan(text)
    everything = [*findings, *lint_plan(plan)]
    expected = orjson.dumps(plan_to_dict(plan, everything), option=orjson.OPT_INDENT_2)
    stream = io.BytesIO()
    write_plan_json(plan, everything, stream)
    assert stream.getvalue() == expected
    assert plan_to_json_bytes(plan, everything) == expected
    assert plan_to_json_bytes(plan, []) == orjson.dumps(plan_to_dict(plan, []), option=orjson.OPT_INDENT_2)


def test_unindented_json_is_one_line() -> None:
    plan, findings = read_plan(EXAMPLE.read_text(encoding="utf-8"))
    assert plan_to_json_bytes(plan, findings, indent=None) == orjson.dumps(plan_to_dict(plan, findings))


def test_shared_parts_are_written_like_the_others(generated_document: Callable[[int], str]) -> None:
    """Sheets share the reader's objects (a partner cell, a cost text): their forms are reused, not changed."""
    plan, _ = read_plan(generated_document(300))
    shared: dict[int, dict[str, object]] = {}
    forms = [p.to_dict(shared) for p in plan.projects]
    assert forms == [p.to_dict() for p in plan.projects]
    assert len({id(form["partners"]) for form in forms}) < len(forms)  # some sheets share one form
