"""Progress rules for KPIs judged by amounts over a range of years: a total (累計) or an amount each year.

Both ranges run from the target's first year (``from_fiscal_year``; else the plan's first year) to its
target year *T* (else the plan's last year). A per-year amount or a total is a floor (at least) unless
the target is bounded from above (以下・未満), the aim states a decrease, or the amount is zero on a
decrease KPI: a reader that compares 8回 with 6回/年 would call the KPI a decrease, but holding six a
year is still "at least six".

Cumulative (rule ``cumulative.pro_rata``): the total is the sum of the yearly actuals inside the range
at or before *t*, plus the baseline when it lies wholly inside the range and at or before *t* (3件
（令和5～6年度） toward 30件（令和5～12年度） counts; 5件（令和7年度） outside 2026-2030 does not;
a baseline straddling the range start cannot be split and does not count). Years the baseline covers
take the baseline amount, unless actuals are recorded for every one of them, which then replace it
(so nothing is counted twice). Progress = total / target; expected = years elapsed / years in range,
counting every range year up to *t*, including years before the plan that the baseline covers
(30件 2023-2030 as of 2026: 4 of 8 years → 0.5). Achieved once the total reaches the target, also
before *T*. No actual inside the range and no counted baseline covering every elapsed year: no data.
For an upper bound (a cap such as 累計10件以下) the total must stay within it: behind (D) once it
exceeds it, achieved at *T* if it never did, on track before.

Every year (rule ``every_year.count``): each judged year is met when its actual meets the amount. The
judged years run from the range start to the latest year with an actual; a gap before that year is a
missed year (staff reported later years but not this one), while years after it are pending, not yet
reported. Once *t* is past *T* every range year is judged and an unreported year is missed.
years_met / years_due count these; progress = years met / years in range and expected = years due /
years in range. Achieved when every year of the range is met (only possible from *T* on); on track
when every judged year is met; behind otherwise; no data when no due year has an actual.
"""

from __future__ import annotations

import math

from renkei.domain.forecast import Forecast, fit_trend, forecast_total
from renkei.domain.quantity import Direction, Qualifier, Quantity, QuantityKind
from renkei.domain.status import Rating, Status, judge_pace
from renkei.domain.verdict import (
    Frame,
    Verdict,
    format_amount,
    format_percent,
    format_years,
    is_usable,
    meets,
    ratio,
)


def _range(frame: Frame) -> tuple[int, int]:
    target_year = frame.target_year
    start = frame.kpi.target.from_fiscal_year
    if start is None:
        start = frame.plan_first_year
    return min(start, target_year), target_year


def _amount_direction(frame: Frame) -> Direction:
    target, kpi = frame.kpi.target, frame.kpi
    if target.qualifier in (Qualifier.AT_MOST, Qualifier.LESS_THAN) or target.direction is Direction.DECREASE:
        return Direction.DECREASE
    if kpi.direction is Direction.DECREASE and target.value == 0:
        return Direction.DECREASE
    return Direction.INCREASE


def _baseline_span(baseline: Quantity, target: Quantity) -> tuple[int, int] | None:
    """Return the years a numeric baseline amount covers, if it is an amount comparable with the target."""
    if not is_usable(baseline.value) or baseline.fiscal_year is None:
        return None
    if baseline.kind not in (QuantityKind.POINT, QuantityKind.CUMULATIVE):
        return None
    if baseline.unit and target.unit and baseline.unit.strip() != target.unit.strip():
        return None
    first = baseline.from_fiscal_year if baseline.from_fiscal_year is not None else baseline.fiscal_year
    return min(first, baseline.fiscal_year), baseline.fiscal_year


def judge_cumulative(frame: Frame) -> Verdict:
    """Judge a total to accumulate over a range of years, pro rata by years elapsed."""
    kpi, target = frame.kpi, frame.kpi.target
    goal = target.value if target.value is not None else 0.0
    start, big_t = _range(frame)
    direction = _amount_direction(frame)
    sense = -1 if direction is Direction.DECREASE else 1
    last_due = min(frame.as_of, big_t)
    span = big_t - start + 1
    elapsed = max(0, min(last_due - start + 1, span))
    expected = elapsed / span
    in_range = {y: v for y, v in frame.seen.items() if start <= y <= last_due}
    counted = dict(in_range)
    covered = _baseline_span(kpi.baseline, target)
    note_ja = note_en = ""
    base_counts = False
    if covered is not None and kpi.baseline.value is not None:
        first, last = covered
        inside = start <= first and last <= big_t and last <= frame.as_of
        replaced = inside and all(y in in_range for y in range(first, last + 1))
        base_counts = inside and not replaced
        text = kpi.baseline.text.strip()
        if base_counts:
            counted = {y: v for y, v in in_range.items() if not first <= y <= last}
            counted[last] = kpi.baseline.value
            note_ja, note_en = f"（現状値 {text}を含む）", f" (including baseline {text})"
        elif inside:
            note_ja, note_en = f"（現状値 {text}は実績で置換）", f" (baseline {text} replaced by actuals)"
        elif start <= last and first < start:
            note_ja = f"（現状値 {text}は期間をまたぐため不算入）"
            note_en = f" (baseline {text} straddles the range: not counted)"
    uncovered_due = elapsed - (covered[1] - covered[0] + 1 if base_counts and covered else 0)
    total = math.fsum(counted.values())
    goal_text = format_amount(goal, target)
    range_ja, range_en = format_years(start, big_t)
    pace_ja = f"期待進捗 {format_percent(expected)}（{elapsed}年経過/{span}年）"
    pace_en = f"Expected {format_percent(expected)} ({elapsed} of {span} years elapsed)"
    if not in_range and not (base_counts and uncovered_due <= 0):
        return Verdict(
            rule="cumulative.pro_rata", status=Status.NO_DATA, direction=direction, target_year=big_t,
            expected=expected,
            ja=f"{range_ja}の実績がありません。目標 {goal_text}（{range_ja}の累計）。{pace_ja}",
            en=f"No actual in {range_en}; target {goal_text} in total. {pace_en}",
        )
    progress = ratio(total, goal)
    reached = meets(total, goal, sense, target.qualifier)
    rating: Rating | None = None
    if sense < 0:
        # A cap: exceeding it is final; staying within it is achieved only when the range is over.
        if not reached:
            status, rating = Status.BEHIND, Rating.D
        else:
            status = Status.ACHIEVED if frame.as_of >= big_t else Status.ON_TRACK
    elif reached:
        status = Status.ACHIEVED
    elif frame.as_of >= big_t or progress is None:
        status = Status.BEHIND
    else:
        status = judge_pace(progress, expected, frame.thresholds)
    reached_in = None
    if reached and sense > 0:
        running = 0.0
        for year in sorted(counted):
            running += counted[year]
            if meets(running, goal, sense, target.qualifier):
                reached_in = year
                break
    forecast = forecast_total(
        total, years_counted=max(counted) - start + 1, start_year=start, target=goal, target_year=big_t,
        reached_in=reached_in,
    ) if counted else Forecast()
    if sense < 0:
        forecast = Forecast(at_target=forecast.at_target)
    shown = f"（{format_percent(progress)}）" if progress is not None else ""
    latest = in_range[max(in_range)] if in_range else None
    return Verdict(
        rule="cumulative.pro_rata", status=status, direction=direction, target_year=big_t, rating=rating,
        latest_actual=latest, measured=total, progress=progress, expected=expected, forecast=forecast,
        ja=f"累計 {format_amount(total, target)} / 目標 {goal_text}{shown}{note_ja}。{pace_ja}",
        en=f"Total {format_amount(total, target)} of target {goal_text}"
        f"{f' ({format_percent(progress)})' if progress is not None else ''}{note_en}. {pace_en}",
    )


def judge_every_year(frame: Frame) -> Verdict:
    """Judge an amount to reach in each year of a range: years met of years due."""
    target = frame.kpi.target
    amount = target.value if target.value is not None else 0.0
    start, big_t = _range(frame)
    direction = _amount_direction(frame)
    sense = -1 if direction is Direction.DECREASE else 1
    span = big_t - start + 1
    last_due = min(frame.as_of, big_t)
    recorded = {y: v for y, v in frame.seen.items() if start <= y <= last_due}
    bound_ja, bound_en = ("以下", "at most") if sense < 0 else ("以上", "at least")
    amount_ja = f"毎年度 {format_amount(amount, target)}{bound_ja}（{start}～{big_t}年度）"
    amount_en = f"{bound_en} {format_amount(amount, target)} each year (FY{start}-{big_t})"
    if not recorded:
        due = max(0, min(last_due - start + 1, span))
        return Verdict(
            rule="every_year.count", status=Status.NO_DATA, direction=direction, target_year=big_t,
            years_met=0, years_due=due,
            ja=f"{amount_ja}：{due}年度分が対象ですが実績がありません",
            en=f"{amount_en}: {due} years due, no actual recorded",
        )
    judged_end = big_t if frame.as_of > big_t else max(recorded)
    years_due = judged_end - start + 1
    met_years = [y for y, v in recorded.items() if meets(v, amount, sense, target.qualifier)]
    missed = sorted(set(recorded) - set(met_years))
    unreported = years_due - len(recorded)
    years_met = len(met_years)
    progress = years_met / span
    expected = years_due / span
    if years_met == span:
        status = Status.ACHIEVED
    elif years_met == years_due:
        status = Status.ON_TRACK
    else:
        status = Status.BEHIND
    trend = fit_trend(list(recorded.items()))
    at_target = trend.value_at(big_t) if trend else None
    if at_target is not None and all(v >= 0 for v in recorded.values()):
        at_target = max(at_target, 0.0)  # a yearly count cannot fall below zero
    forecast = Forecast(at_target=at_target)
    detail_ja = detail_en = ""
    if missed:
        years = "・".join(str(y) for y in missed[:10]) + ("…" if len(missed) > 10 else "")
        detail_ja += f"、未達 {years}年度"
        detail_en += f"; missed FY{years.replace('・', ', FY')}"
    if unreported:
        detail_ja += f"、実績未入力 {unreported}年度分（未達扱い）"
        detail_en += f"; {unreported} unreported year{'s' if unreported > 1 else ''} counted as missed"
    pending = max(0, last_due - judged_end)
    if pending:
        waiting_ja, waiting_en = format_years(judged_end + 1, last_due)
        detail_ja += f"、{waiting_ja}は未報告"
        detail_en += f"; {waiting_en} not yet reported"
    latest_year = max(recorded)
    return Verdict(
        rule="every_year.count", status=status, direction=direction, target_year=big_t,
        latest_actual=recorded[latest_year], measured=recorded[latest_year], progress=progress,
        expected=expected, years_met=years_met, years_due=years_due, forecast=forecast,
        ja=f"{amount_ja}：{years_due}年度中 {years_met}年度達成{detail_ja}。進捗 {format_percent(progress)}、"
        f"期待進捗 {format_percent(expected)}",
        en=f"{amount_en}: met in {years_met} of {years_due} years{detail_en}. Progress "
        f"{format_percent(progress)}, expected {format_percent(expected)}",
    )
