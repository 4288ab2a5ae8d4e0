"""The near-name rule shared by the actuals import's suggestions and the mapping of an area's own sheet."""

from __future__ import annotations

import pytest

from renkei.domain.name_match import MATCH_CUTOFF, nearest_name, rank_names

INDICATORS = ["観光入込客数", "移住相談件数", "路線バス利用者数", "運行収支"]


@pytest.mark.parametrize(("written", "meant", "matched"), [
    ("観光入込客数", "観光入込客数", True),
    ("観光入込 客数", "観光入込客数", True),  # white space and width are folded
    ("路線バス利用者数（延べ）", "路線バス利用者数", True),
    ("移住相談件数（件）", "移住相談件数", True),
    ("観光客数", "観光入込客数", True),
    ("観光消費額", "観光入込客数", False),  # near, offered, but not taken without a person confirming it
    ("市民満足度調査の回答率", None, False),
])  # fmt: skip
def test_names_near_enough_to_be_taken(written: str, meant: str | None, matched: bool) -> None:
    found = nearest_name(written, INDICATORS, cutoff=0)
    assert found is not None
    if meant is not None:
        assert found.name == meant
    assert (found.score >= MATCH_CUTOFF) is matched


def test_ranking_keeps_every_choice_above_the_cutoff_nearest_first() -> None:
    ranked = rank_names("路線バス利用者", INDICATORS, cutoff=0, limit=2)
    assert ranked[0].name == "路線バス利用者数" and ranked[0].score > ranked[1].score
    assert rank_names("x", []) == []
