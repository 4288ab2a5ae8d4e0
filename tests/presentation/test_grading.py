"""Grades of evaluations in an area's scale: the grade and score rate a KPI brings to its roll-up, the legend and the
rules in words."""

from __future__ import annotations

from dataclasses import replace

from renkei.domain.progress import Evaluation, KpiForm
from renkei.domain.scale import AKIRUNO_EXAMPLE, SETO_TAKAMATSU_EXAMPLE, RollUp
from renkei.domain.status import Rating, Status
from renkei.presentation.grading import describe_rule, format_rollup, grade_legend, graded, roll_up_kpis

REACHED = Evaluation("事業", "参加自治体の増", KpiForm.QUALITATIVE, None, 2026, Status.ACHIEVED, Rating.A,
                     "qualitative", "達成", "achieved")


def test_an_aim_assessed_achieved_scores_full_marks_in_the_mean() -> None:
    item = graded(SETO_TAKAMATSU_EXAMPLE, REACHED)
    assert (item.grade.key, item.rate) == ("A", 1.0)
    behind = replace(REACHED, status=Status.BEHIND, rating=Rating.C)
    assert graded(SETO_TAKAMATSU_EXAMPLE, behind).rate is None  # no figure and not reached: no rate
    assert graded(AKIRUNO_EXAMPLE, REACHED).rate is None  # a verdict scale has no score rates


def test_a_point_kpi_brings_its_progress_as_its_rate() -> None:
    point = replace(REACHED, kind=KpiForm.POINT, status=Status.BEHIND, rating=Rating.D, progress=0.6,
                    expected_progress=0.8)
    item = graded(SETO_TAKAMATSU_EXAMPLE, point)
    assert (item.grade.key, item.rate) == ("C", 0.6)


class _Kpi:
    def __init__(self, evaluation: Evaluation) -> None:
        self.evaluation, self.assessment, self.counted = evaluation, None, True


def test_a_project_rolls_up_and_says_so() -> None:
    kpis = [_Kpi(REACHED), _Kpi(replace(REACHED, kind=KpiForm.POINT, status=Status.BEHIND, rating=Rating.D,
                                        progress=0.2, expected_progress=0.8))]
    total = roll_up_kpis(SETO_TAKAMATSU_EXAMPLE, RollUp.MEAN_RATE, kpis)
    assert total.grade is not None and total.grade.key == "C" and total.mean_rate == 0.6  # (1.0 + 0.2) / 2
    assert format_rollup(total, SETO_TAKAMATSU_EXAMPLE, "ja") == "C（平均得点率 60%）"
    shares = roll_up_kpis(AKIRUNO_EXAMPLE, RollUp.SHARE, kpis)
    assert format_rollup(shares, AKIRUNO_EXAMPLE, "en") == "S 1 (50%), C 1 (50%)"


def test_the_legend_and_the_rules_in_both_languages() -> None:
    assert [g.meaning for g in grade_legend(SETO_TAKAMATSU_EXAMPLE, "en")][:4] == [
        "score rate 86% or more", "score rate 71% to under 86%", "score rate 56% to under 71%", "score rate under 56%"]
    assert "achieved → S above target" in describe_rule(AKIRUNO_EXAMPLE, "en")
    assert "達成 → S 目標値以上" in describe_rule(AKIRUNO_EXAMPLE, "ja")
    assert "A 86% or more, B 71% or more, C 56% or more, D below" in describe_rule(SETO_TAKAMATSU_EXAMPLE, "en")
