"""Cost-sharing sentences (費用負担) of the Kitakyushu example and of other areas, each classified."""

from __future__ import annotations

from pathlib import Path

import pytest

from renkei.domain.plan import CostBasis
from renkei.reading.cost import classify_cost_sentence, read_cost_sharing
from renkei.reading.sheet import read_plan

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "kitakyushu_vision_r8.txt"

SENTENCES = [
    # the Kitakyushu example's wordings
    ("原則として北九州市が負担する。", CostBasis.LEAD_CITY),
    ("北九州市が全額負担する", CostBasis.LEAD_CITY),
    ("費用（受講費）は、連携市町が負担する。", CostBasis.PARTNERS),
    ("北九州市及び連携市町が適切に負担する。", CostBasis.SHARED),
    ("費用は、県及び連携市町での協定に基づき負担する。", CostBasis.AGREEMENT),
    ("事業費の発生が見込まれる時は、連携市町と協議し決定する。", CostBasis.NEGOTIATED),
    ("費用負担が発生することを想定していない。", CostBasis.NO_COST),
    # other areas' wordings
    ("各市が応分に負担する。", CostBasis.SHARED),
    ("各市町村が応分の負担をする", CostBasis.SHARED),
    ("構成市町村がそれぞれ負担する。", CostBasis.SHARED),
    ("各構成市町村が負担する", CostBasis.SHARED),
    ("事業費の50%を均等割、50%を人口割により負担する。", CostBasis.AGREEMENT),
    ("受益に応じて負担する。", CostBasis.AGREEMENT),
    ("中心市が負担する。", CostBasis.LEAD_CITY),
    ("連携中枢都市が全額支出する。", CostBasis.LEAD_CITY),
    ("参加市町村が負担する。", CostBasis.PARTNERS),
    ("負担金なし", CostBasis.NO_COST),
    ("経費は不要", CostBasis.NO_COST),
    ("国の交付金を活用する。", CostBasis.UNKNOWN),
]


@pytest.mark.parametrize(("sentence", "basis"), SENTENCES)
def test_sentences_are_classified(sentence: str, basis: CostBasis) -> None:
    assert classify_cost_sentence(sentence) is basis


def test_the_example_s_cost_texts_are_all_classified() -> None:
    plan, _ = read_plan(EXAMPLE.read_text(encoding="utf-8"))
    bases = [p.cost_sharing.basis for p in plan.projects]
    assert None not in bases and CostBasis.UNKNOWN not in bases


def test_each_item_and_sentence_is_a_principle() -> None:
    cost = read_cost_sharing("・各市が応分に負担する。国の交付金を活用する。")
    assert [p.basis for p in cost.principles] == [CostBasis.SHARED, CostBasis.UNKNOWN]
    assert cost.basis is CostBasis.SHARED
