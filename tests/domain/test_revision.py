"""Which target is in force in a fiscal year, given a KPI's revisions (table-driven)."""

from __future__ import annotations

from datetime import date

import pytest

from renkei.domain.plan import KPI
from renkei.domain.quantity import Quantity, QuantityKind
from renkei.domain.revision import KpiChange, KpiHistory, KpiRevision, Revision, kpi_in_force


def count(n: int) -> Quantity:
    """Return a count of 件."""
    return Quantity(f"{n}件", QuantityKind.POINT, value=n, unit="件")


R9 = Revision("一部改正", date(2027, 10, 1), 2027, date_text="令和9年10月")
R11 = Revision("改定", date(2029, 4, 1), 2029)
TARGET_30_40 = KpiRevision(R9, KpiChange.CHANGED, ("target",), count(1), count(30), count(1), count(40))
TARGET_40_50 = KpiRevision(R11, KpiChange.CHANGED, ("target",), count(1), count(40), count(1), count(50))
BASELINE_1_5 = KpiRevision(R11, KpiChange.CHANGED, ("baseline",), count(1), count(40), count(5), count(40))
DIRECTION = KpiRevision(R9, KpiChange.CHANGED, ("direction",), count(1), count(30), count(1), count(30))
ADDED = KpiRevision(R9, KpiChange.ADDED, (), None, None, count(0), count(40))
BEFORE_30 = "令和9年度の改正前の目標（30件）に対して判定しています。"
AFTER_40 = "令和9年度の改正後の目標（40件）に対して判定しています。"


@pytest.mark.parametrize(("latest", "history", "year", "baseline", "target", "note"), [
    # no history: the KPI as stored
    ((1, 40), [], 2026, "1件", "40件", ""),
    # one revision in force from FY2027: the old target before, the new one from then on
    ((1, 40), [TARGET_30_40], 2026, "1件", "30件", BEFORE_30),
    ((1, 40), [TARGET_30_40], 2027, "1件", "40件", AFTER_40),
    ((1, 40), [TARGET_30_40], 2030, "1件", "40件", AFTER_40),
    # two revisions: each year its own target
    ((1, 50), [TARGET_30_40, TARGET_40_50], 2026, "1件", "30件", BEFORE_30),
    ((1, 50), [TARGET_30_40, TARGET_40_50], 2028, "1件", "40件", AFTER_40),
    ((1, 50), [TARGET_30_40, TARGET_40_50], 2029, "1件", "50件",
     "令和11年度の改正後の目標（50件）に対して判定しています。"),
    # a later revision of the baseline alone keeps the target revised before it
    ((5, 40), [TARGET_30_40, BASELINE_1_5], 2026, "1件", "30件", BEFORE_30),
    ((5, 40), [TARGET_30_40, BASELINE_1_5], 2028, "1件", "40件", AFTER_40),
    ((5, 40), [TARGET_30_40, BASELINE_1_5], 2029, "5件", "40件",
     "令和11年度の改正後の現状値（5件）に対して判定しています。"),
    # a change of direction only moves no target
    ((1, 30), [DIRECTION], 2026, "1件", "30件", ""),
    # a KPI added by a revision: no target to speak of (a year before it does not evaluate it: KpiHistory.in_force)
    ((0, 40), [ADDED], 2026, "0件", "40件", ""),
    ((0, 40), [ADDED], 2027, "0件", "40件", ""),
])
def test_the_target_in_force(latest: tuple[int, int], history: list[KpiRevision], year: int, baseline: str,
                             target: str, note: str) -> None:
    kpi = KPI("件数", count(latest[0]), count(latest[1]), None)
    in_force = kpi_in_force(kpi, history, year)
    assert (in_force.kpi.baseline.text, in_force.kpi.target.text, in_force.note()) == (baseline, target, note)
    assert in_force.kpi.indicator == kpi.indicator  # the same KPI: its actuals stay attached
    assert bool(in_force.note("en")) == bool(note)


@pytest.mark.parametrize(("entry", "ja", "en"), [
    (TARGET_30_40, "令和9年度の改正（一部改正、令和9年10月）で目標を30件から40件に変更",
     "The FY2027 revision (一部改正, 令和9年10月) changed the target from 30件 to 40件"),
    (BASELINE_1_5, "令和11年度の改正（改定、令和11年4月1日）で現状値を1件から5件に変更",
     "The FY2029 revision (改定, 令和11年4月1日) changed the baseline from 1件 to 5件"),
    (DIRECTION, "令和9年度の改正（一部改正、令和9年10月）で方向を変更",
     "The FY2027 revision (一部改正, 令和9年10月) changed the direction"),
    (ADDED, "令和9年度の改正（一部改正、令和9年10月）で追加", "Added by the FY2027 revision (一部改正, 令和9年10月)"),
    (KpiRevision(R9, KpiChange.DROPPED, (), count(1), count(30)),
     "令和9年度の改正（一部改正、令和9年10月）で削除（令和9年度から）",
     "Dropped by the FY2027 revision (一部改正, 令和9年10月), from FY2027"),
])
def test_each_change_is_described_in_both_languages(entry: KpiRevision, ja: str, en: str) -> None:
    assert (entry.describe("ja"), entry.describe("en")) == (ja, en)
    record = entry.to_dict()
    assert record["change"] == entry.change.value and record["description"] == {"ja": ja, "en": en}


DROPPED = KpiRevision(R9, KpiChange.DROPPED, (), count(1), count(30))
ADDED_AGAIN = KpiRevision(R11, KpiChange.ADDED, (), None, None, count(1), count(30))
DROPPED_NOTE = "令和9年度の改正（一部改正、令和9年10月）で削除（令和9年度から）"
JUDGED_UNTIL = "令和9年度の改正（一部改正、令和9年10月）で削除された指標で、令和8年度までは評価の対象です。"
ADDED_NOTE = "令和9年度の改正（一部改正、令和9年10月）で追加（令和9年度から）"


@pytest.mark.parametrize(("history", "year", "in_force", "note"), [
    # never added or dropped: always in force, nothing to say
    ([TARGET_30_40], 2026, True, ""),
    ([TARGET_30_40], 2030, True, ""),
    # dropped from FY2027: judged (and counted) up to FY2026, listed apart from FY2027
    ([DROPPED], 2026, True, JUDGED_UNTIL),
    ([DROPPED], 2027, False, DROPPED_NOTE),
    ([DROPPED], 2030, False, DROPPED_NOTE),
    # a target changed, then dropped: the change does not bring it back
    ([TARGET_30_40, KpiRevision(R11, KpiChange.DROPPED)], 2028, True,
     "令和11年度の改正（改定、令和11年4月1日）で削除された指標で、令和10年度までは評価の対象です。"),
    ([TARGET_30_40, KpiRevision(R11, KpiChange.DROPPED)], 2029, False,
     "令和11年度の改正（改定、令和11年4月1日）で削除（令和11年度から）"),
    # added from FY2027: not in the vision before it
    ([ADDED], 2026, False, ADDED_NOTE),
    ([ADDED], 2027, True, ""),
    # dropped in FY2027, added again in FY2029
    ([DROPPED, ADDED_AGAIN], 2026, True, JUDGED_UNTIL),
    ([DROPPED, ADDED_AGAIN], 2028, False, "令和11年度の改正（改定、令和11年4月1日）で追加（令和11年度から）"),
    ([DROPPED, ADDED_AGAIN], 2029, True, ""),
])
def test_which_years_a_kpi_is_in_the_vision(history: list[KpiRevision], year: int, in_force: bool,
                                            note: str) -> None:
    kpi_history = KpiHistory("件数", tuple(history))
    assert (kpi_history.in_force(year), kpi_history.status_note(year)) == (in_force, note)
    assert bool(kpi_history.status_note(year, "en")) == bool(note)
