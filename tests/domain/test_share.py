"""The one rule that makes the area's figure from a total and the municipalities' shares (domain/share.py)."""

from __future__ import annotations

import pytest

from renkei.domain.actual import Actual, value_by_fiscal_year
from renkei.domain.plan import KPI, Partners, Project
from renkei.domain.progress import Status, evaluate_kpi
from renkei.domain.quantity import Quantity, QuantityKind
from renkei.domain.share import FigureSource, ShareMode, ShareRule, read_figure, takes_shares

KITAKYUSHU, YUKUHASHI, KANDA = "401005", "402133", "406210"
THREE = Partners("北九州市、行橋市、苅田町", ("北九州市", "行橋市", "苅田町"), (KITAKYUSHU, YUKUHASHI, KANDA))
FACILITIES = Quantity("38施設（令和7年度）", QuantityKind.POINT, value=38, unit="施設", fiscal_year=2025)
GOAL = Quantity("129施設（令和12年度）", QuantityKind.POINT, value=129, unit="施設", fiscal_year=2030)
PV = KPI("自家消費PV導入施設数", FACILITIES, GOAL, None)
RATE = KPI("都市計画道路の整備率", Quantity("84.5%", QuantityKind.POINT, value=84.5, unit="%"),
           Quantity("85.9%（令和12年度）", QuantityKind.POINT, value=85.9, unit="%", fiscal_year=2030), None)
SHEET = Project("持続可能なまちづくりに資する脱炭素化の推進", 1, partners=THREE, kpis=(PV, RATE))
SUM = ShareRule.of(SHEET, PV, ShareMode.SUM)
TOTAL = ShareRule.of(SHEET, PV)


def share(code: str, value: float) -> Actual:
    return Actual(2026, value, municipality=code)


@pytest.mark.parametrize(
    ("rule", "records", "value", "source", "missing"),
    [
        # one town's share is never the area's figure, whatever the rule
        (TOTAL, [share(YUKUHASHI, 5)], None, FigureSource.UNKNOWN, ()),
        (SUM, [share(YUKUHASHI, 5)], None, FigureSource.UNKNOWN, (KITAKYUSHU, KANDA)),
        # partial: two of three reported
        (SUM, [share(YUKUHASHI, 5), share(KANDA, 7)], None, FigureSource.UNKNOWN, (KITAKYUSHU,)),
        # complete: every owed share in, and the quantity adds up
        (SUM, [share(YUKUHASHI, 5), share(KANDA, 7), share(KITAKYUSHU, 31)], 43.0, FigureSource.SUM, ()),
        # a total entered by the lead city wins over the sum, complete or not
        (SUM, [share(YUKUHASHI, 5), Actual(2026, 44)], 44.0, FigureSource.TOTAL, (KITAKYUSHU, KANDA)),
        (TOTAL, [share(YUKUHASHI, 5), share(KANDA, 7), share(KITAKYUSHU, 31)], None, FigureSource.UNKNOWN, ()),
        (TOTAL, [share(YUKUHASHI, 5), Actual(2026, 44)], 44.0, FigureSource.TOTAL, ()),
        # a later correction of a share supersedes the earlier one
        (SUM, [share(YUKUHASHI, 5), share(KANDA, 7), share(KITAKYUSHU, 31), share(YUKUHASHI, 6)], 44.0,
         FigureSource.SUM, ()),
    ],
)
def test_the_figure_is_a_total_or_a_complete_sum(rule: ShareRule, records: list[Actual], value: float | None,
                                                 source: FigureSource, missing: tuple[str, ...]) -> None:
    figure = read_figure(rule, records)
    assert (figure.value, figure.source, figure.missing) == (value, source, missing)


def test_a_rate_is_never_summed_even_when_asked_to() -> None:
    assert not takes_shares(RATE)
    rule = ShareRule.of(SHEET, RATE, ShareMode.SUM)
    assert rule == ShareRule()  # the request falls back to the lead city's total
    figure = read_figure(rule, [share(c, 85.0) for c in (KITAKYUSHU, YUKUHASHI, KANDA)])
    assert figure.value is None and figure.source is FigureSource.UNKNOWN and len(figure.shares) == 3


def test_partners_that_are_not_all_resolved_cannot_make_a_sum() -> None:
    unresolved = Partners("北九州市、行橋市、荻田町", ("北九州市", "行橋市"), (KITAKYUSHU, YUKUHASHI),
                          unresolved=("荻田町",))
    sheet = Project("PV", 1, partners=unresolved, kpis=(PV,))
    assert ShareRule.of(sheet, PV, ShareMode.SUM).mode is ShareMode.TOTAL


def test_the_evaluation_never_reads_a_share_as_the_areas_figure() -> None:
    """The issue's case: 行橋市 enters 5 of an area-wide 38 施設; the portal said 実績 5施設, 進捗 -36%, 遅れ D."""
    records = [share(YUKUHASHI, 5)]
    for rule in (TOTAL, SUM):
        evaluation = evaluate_kpi(PV, records, as_of=2026, plan_first_year=2026, plan_last_year=2030,
                                  figure=rule.figure)
        assert evaluation.status is Status.NO_DATA and evaluation.latest_actual is None
    complete = [*records, share(KANDA, 7), share(KITAKYUSHU, 31)]
    evaluation = evaluate_kpi(PV, complete, as_of=2026, plan_first_year=2026, plan_last_year=2030, figure=SUM.figure)
    assert evaluation.latest_actual == 43.0
    assert value_by_fiscal_year(complete, figure=TOTAL.figure) == {}
