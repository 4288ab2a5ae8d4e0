"""The JSON form of a scale: any value read either gives a scale or a ScaleError naming a field, never another error;
a scale written and read back is the same scale."""

from __future__ import annotations

import copy
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from renkei.domain.scale import AKIRUNO_EXAMPLE, DEFAULT_SCALE, SETO_TAKAMATSU_EXAMPLE, EvaluationScale, ScaleError
from renkei.domain.scale_json import read_rollup, read_scale, scale_to_json

JSON = st.recursive(
    st.none() | st.booleans() | st.integers(-200, 200) | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=8) | st.sampled_from(["A", "B", "-", "#1b7d3c", "verdict", "score_rate", "target", "from"]),
    lambda children: st.lists(children, max_size=5) | st.dictionaries(
        st.sampled_from(["key", "label", "colour", "grades", "rule", "by", "bands", "grade", "from", "by_verdict",
                         "special", "cannot_judge", "unrated", "basis", "name", "x"]), children, max_size=6),
    max_leaves=30)

EXAMPLES = [scale_to_json(s) for s in (DEFAULT_SCALE, SETO_TAKAMATSU_EXAMPLE, AKIRUNO_EXAMPLE)]


def _read(value: object) -> EvaluationScale | None:
    try:
        return read_scale(value)
    except ScaleError as error:
        assert error.field.startswith("evaluation_scale") and " / " in error.message
        return None


@given(JSON)
@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
def test_any_value_reads_or_is_refused_naming_a_field(value: object) -> None:
    _read(value)


def _nodes(node: Any) -> list[tuple[Any, Any]]:
    """Return every (container, key) of a JSON value, depth first."""
    items = node.items() if isinstance(node, dict) else enumerate(node) if isinstance(node, list) else ()
    found: list[tuple[Any, Any]] = []
    for key, child in items:
        found.append((node, key))
        found.extend(_nodes(child))
    return found


@given(st.sampled_from(EXAMPLES), st.lists(st.tuples(st.integers(0, 40), JSON), min_size=1, max_size=3))
@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
def test_a_scale_with_a_part_replaced_reads_or_is_refused(example: dict[str, Any],
                                                          changes: list[tuple[int, object]]) -> None:
    data = copy.deepcopy(example)
    for where, value in changes:  # replace one node of the example, chosen by its position in a walk
        nodes = _nodes(data)
        parent, key = nodes[where % len(nodes)]
        parent[key] = value
    read = _read(data)
    if read is not None:
        assert read_scale(scale_to_json(read)) == read


@given(JSON)
def test_any_rollup_value_reads_or_is_refused(value: object) -> None:
    try:
        read_rollup(value, SETO_TAKAMATSU_EXAMPLE)
    except ScaleError as error:
        assert error.field == "rollup"


def test_every_example_round_trips() -> None:
    for scale in (DEFAULT_SCALE, SETO_TAKAMATSU_EXAMPLE, AKIRUNO_EXAMPLE):
        assert read_scale(scale_to_json(scale)) == scale
