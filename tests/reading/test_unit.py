"""The unit after a number: counters before the generic rule, Latin units, a word cut before its qualifier."""

from __future__ import annotations

import pytest

from renkei.reading.unit import read_unit


@pytest.mark.parametrize(("suffix", "unit", "rest"), [
    ("人日", "人日", ""), ("人", "人", ""), ("か所（R7）", "か所", "（R7）"), ("%以上", "%", "以上"),
    ("㎡", "㎡", ""), ("t/年", "t", "/年"), ("社増", "社", "増"), ("店舗", "店舗", ""),
    ("団体の参加", "団体", "の参加"),
    ("以上", None, "以上"), ("", None, ""), ("（令和7年度）", None, "（令和7年度）"),
])
def test_units(suffix: str, unit: str | None, rest: str) -> None:
    assert read_unit(suffix) == (unit, rest)
