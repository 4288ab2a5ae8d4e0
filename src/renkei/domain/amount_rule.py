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
when every judged year is met (「令和8年度は目標を満たしている。令和12年度まで続けば達成」); behind otherwise;
no data when no due year has an actual. An amount each year has no forecast: the amount is the same every
year, so a trend through the reported years (1回, then 2回) would predict a number nobody aims at.
"""

from __future__ import annotations

import math

from renkei.domain.forecast import Forecast, forecast_total
from renkei.domain.quantity import Direction, Qualifier, Quantity, QuantityKind
from renkei.domain.status import Rating, Status, judge_pace
from renkei.domain.verdict import (
    Frame,
    Verdict,
    forecast_words,
    format_amount,
    format_number,
    format_percent,
    hold_words,
    is_usable,
    meets,
    ratio,
    sentences,
    year_ja,
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
    """Judge a total to accumulate over a range of years, pro rata by the years up to the latest report."""
    kpi, target = frame.kpi, frame.kpi.target
    goal = target.value if target.value is not None else 0.0
    start, big_t = _range(frame)
    direction = _amount_direction(frame)
    sense = -1 if direction is Direction.DECREASE else 1
    span = big_t - start + 1
    in_range = {y: v for y, v in frame.seen.items() if start <= y <= min(frame.as_of, big_t)}
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
        elif last < start:
            note_ja, note_en = f"（現状値 {text}は累計期間外）", f" (baseline {text} is outside the range)"
    counted = dict(sorted(counted.items()))
    judged = max(in_range) if in_range else None
    # The pace is judged at the latest reported year; the baseline alone is the plan's start, not a report.
    at = judged
    goal_text = format_amount(goal, target)
    range_ja = f"{year_ja(start)}〜{year_ja(big_t)}" if start != big_t else year_ja(big_t)
    range_en = f"FY{start}-{big_t}" if start != big_t else f"FY{big_t}"
    if at is None:
        return Verdict(
            rule="cumulative.pro_rata", status=Status.NO_DATA, direction=direction, target_year=big_t,
            ja=f"{range_ja}の実績がありません。目標 {goal_text}（{range_ja}の累計）{note_ja}",
            en=f"No actual in {range_en}; target {goal_text} in total{note_en}",
        )
    elapsed = max(0, min(at - start + 1, span))
    expected = elapsed / span
    gaps = [y for y in range(start, at + 1) if y not in counted and not (
        base_counts and covered is not None and covered[0] <= y <= covered[1])]
    total = math.fsum(counted.values())
    progress = ratio(total, goal)
    reached = meets(total, goal, sense, target.qualifier)
    rating: Rating | None = None
    if sense < 0:
        # A cap: exceeding it is final; staying within it is achieved only once the whole range is reported.
        if not reached:
            status, rating = Status.NOT_ACHIEVED, Rating.E
        else:
            status = Status.ACHIEVED if at >= big_t and not gaps else Status.ON_TRACK
    elif reached:
        status = Status.ACHIEVED
    elif at >= big_t:
        status = Status.NOT_ACHIEVED
    elif progress is None:
        status = Status.BEHIND
    else:
        status = judge_pace(progress, expected, frame.thresholds)
    reached_in = None
    if reached and sense > 0:
        running = 0.0
        for year, value in counted.items():
            running += value
            if meets(running, goal, sense, target.qualifier):
                reached_in = year
                break
    forecast = Forecast()
    if at < big_t and counted:
        forecast = forecast_total(
            total, years_counted=at - start + 1, start_year=start, target=goal, target_year=big_t,
            reached_in=reached_in,
        )
        if sense < 0:
            forecast = Forecast(at_target=forecast.at_target)
    share = ratio(forecast.at_target, goal) if forecast.at_target is not None and sense > 0 else None
    words_ja, words_en = forecast_words(share, at, big_t) if not reached else ("", "")
    parts_ja = "＋".join(format_number(v) for v in counted.values())
    shown = f"（{format_percent(progress)}）" if progress is not None else ""
    gap_ja = f"。{'・'.join(year_ja(y) for y in gaps)}は未報告（累計に含まず）" if gaps else ""
    gap_en = f"; FY{', FY'.join(str(y) for y in gaps)} not reported (not in the total)" if gaps else ""
    basis_ja, basis_en = frame.basis(at)
    pace = status not in (Status.ACHIEVED, Status.NOT_ACHIEVED)
    pace_ja = f"期待進捗 {format_percent(expected)}（{elapsed}年経過/{span}年）" if pace else ""
    pace_en = f"Expected {format_percent(expected)} ({elapsed} of {span} years elapsed)" if pace else ""
    latest = in_range[judged] if judged is not None else None
    return Verdict(
        rule="cumulative.pro_rata", status=status, direction=direction, target_year=big_t, rating=rating,
        latest_actual=latest, measured=total, progress=progress, expected=expected, forecast=forecast,
        judged_year=at, used=tuple(counted.items()), forecast_ja=words_ja, forecast_en=words_en,
        ja=sentences(f"累計 {format_amount(total, target)}（{parts_ja}）/ 目標 {goal_text}{shown}{note_ja}{gap_ja}",
                     pace_ja, words_ja, basis_ja),
        en=sentences(f"Total {format_amount(total, target)} of target {goal_text}"
                     f"{f' ({format_percent(progress)})' if progress is not None else ''}{note_en}{gap_en}",
                     pace_en, words_en, basis_en, sep="; "),
    )


def judge_every_year(frame: Frame) -> Verdict:
    """Judge an amount to reach in each year of a range: the reported years met, unreported years unknown."""
    target = frame.kpi.target
    amount = target.value if target.value is not None else 0.0
    start, big_t = _range(frame)
    direction = _amount_direction(frame)
    sense = -1 if direction is Direction.DECREASE else 1
    span = big_t - start + 1
    recorded = {y: v for y, v in frame.seen.items() if start <= y <= min(frame.as_of, big_t)}
    bound_ja, bound_en = ("以下", "at most") if sense < 0 else ("以上", "at least")
    # A range the target does not state is the plan period: say so, so that a reading never passes for the text.
    assumed_ja, assumed_en = ("、計画期間とみなす", ", the plan period, assumed") if target.from_fiscal_year is None \
        else ("", "")
    amount_ja = f"毎年度 {format_amount(amount, target)}{bound_ja}（{year_ja(start)}〜{year_ja(big_t)}{assumed_ja}）"
    amount_en = f"{bound_en} {format_amount(amount, target)} each year (FY{start}-{big_t}{assumed_en})"
    if not recorded:
        return Verdict(
            rule="every_year.count", status=Status.NO_DATA, direction=direction, target_year=big_t,
            years_met=0, years_due=0,
            ja=f"{amount_ja}：{year_ja(frame.as_of)}までの実績がありません",
            en=f"{amount_en}: no actual recorded up to FY{frame.as_of}",
        )
    judged = max(recorded)
    met_years = [y for y, v in recorded.items() if meets(v, amount, sense, target.qualifier)]
    missed = sorted(set(recorded) - set(met_years))
    gaps = [y for y in range(start, judged + 1) if y not in recorded]
    years_met, years_judged = len(met_years), len(recorded)
    progress = years_met / span
    expected = (judged - start + 1) / span
    if years_met == span:
        status = Status.ACHIEVED
    elif missed and judged >= big_t:
        status = Status.NOT_ACHIEVED
    elif missed:
        status = Status.BEHIND
    else:
        status = Status.ON_TRACK  # every reported year met; unreported years are unknown, not missed
    rating: Rating | None = None
    if status is Status.BEHIND:
        rating = Rating.C if years_met >= frame.thresholds.c_rating * years_judged else Rating.D
    detail_ja = detail_en = ""
    if missed:
        years = "・".join(year_ja(y) for y in missed[:10]) + ("…" if len(missed) > 10 else "")
        detail_ja += f"、未達 {years}"
        detail_en += f"; missed FY{', FY'.join(str(y) for y in missed[:10])}"
    if gaps:
        detail_ja += f"、{'・'.join(year_ja(y) for y in gaps)}は未報告"
        detail_en += f"; FY{', FY'.join(str(y) for y in gaps)} not reported"
    basis_ja, basis_en = frame.basis(judged)
    hold_ja, hold_en = hold_words(judged, big_t) if status is Status.ON_TRACK else ("", "")
    return Verdict(
        rule="every_year.count", status=status, direction=direction, target_year=big_t, rating=rating,
        latest_actual=recorded[judged], measured=recorded[judged], progress=progress,
        expected=expected, years_met=years_met, years_due=years_judged,
        judged_year=judged, used=tuple(recorded.items()),
        ja=sentences(f"{amount_ja}：報告のある{years_judged}年度中 {years_met}年度達成{detail_ja}",
                     f"最新の実績 {format_amount(recorded[judged], target)}（{year_ja(judged)}）",
                     f"進捗 {format_percent(progress)}（{years_met}/{span}年度）", hold_ja, basis_ja),
        en=sentences(f"{amount_en}: met in {years_met} of {years_judged} reported years{detail_en}",
                     f"latest actual {format_amount(recorded[judged], target)} (FY{judged})",
                     f"progress {format_percent(progress)} ({years_met} of {span} years)", hold_en, basis_en,
                     sep="; "),
    )


def judge_year_on_year(frame: Frame) -> Verdict:
    """Judge a target measured from each previous year (前年度以上, 前年度比5%増): year by year.

    Rule ``every_year.previous``: each reported year of the range is met when its actual meets the target
    applied to the previous year's actual (the baseline stands for the year it was measured in). A year
    whose previous year is unknown cannot be judged and is left out. Achieved when every year of the range
    is met (from the target year on), on track while every judged year is met, behind otherwise.
    """
    target, kpi = frame.kpi.target, frame.kpi
    relative = target.relative
    start, big_t = _range(frame)
    span = big_t - start + 1
    direction = target.direction or kpi.direction or Direction.INCREASE
    sense = -1 if direction is Direction.DECREASE or target.qualifier in (Qualifier.AT_MOST, Qualifier.LESS_THAN) \
        else 1
    known = dict(frame.seen)
    baseline = kpi.baseline
    if baseline.value is not None and baseline.fiscal_year is not None and is_usable(baseline.value):
        known.setdefault(baseline.fiscal_year, baseline.value)
    aim_ja, aim_en = f"前年度比「{target.text.strip()}」", f"year on year 「{target.text.strip()}」"
    judged_years: dict[int, tuple[float, float]] = {}
    for year in range(start, min(frame.as_of, big_t) + 1):
        if year in frame.seen and year - 1 in known and relative is not None:
            goal = relative.apply(known[year - 1])
            if goal is not None:
                judged_years[year] = (frame.seen[year], goal)
    if not judged_years:
        return Verdict(
            rule="every_year.previous", status=Status.NO_DATA, direction=direction, target_year=big_t,
            years_met=0, years_due=0,
            ja=f"{aim_ja}：前年度と比べられる実績が{year_ja(frame.as_of)}までにありません",
            en=f"{aim_en}: no actual up to FY{frame.as_of} with a previous year to compare",
        )
    met = [y for y, (value, goal) in judged_years.items() if meets(value, goal, sense, target.qualifier)]
    missed = sorted(set(judged_years) - set(met))
    judged = max(judged_years)
    if len(met) == span:
        status = Status.ACHIEVED
    elif missed and judged >= big_t:
        status = Status.NOT_ACHIEVED
    elif missed:
        status = Status.BEHIND
    else:
        status = Status.ON_TRACK
    rating: Rating | None = None
    if status is Status.BEHIND:
        rating = Rating.C if len(met) >= frame.thresholds.c_rating * len(judged_years) else Rating.D
    latest, goal = judged_years[judged]
    missed_ja = "、未達 " + "・".join(year_ja(y) for y in missed) if missed else ""
    missed_en = "; missed FY" + ", FY".join(str(y) for y in missed) if missed else ""
    basis_ja, basis_en = frame.basis(judged)
    hold_ja, hold_en = hold_words(judged, big_t) if status is Status.ON_TRACK else ("", "")
    return Verdict(
        rule="every_year.previous", status=status, direction=direction, target_year=big_t, rating=rating,
        latest_actual=latest, measured=latest, progress=len(met) / span,
        expected=(judged - start + 1) / span, years_met=len(met), years_due=len(judged_years),
        judged_year=judged, used=tuple((y, v) for y, (v, _) in sorted(judged_years.items())),
        ja=sentences(f"{aim_ja}：比べられた{len(judged_years)}年度中 {len(met)}年度達成{missed_ja}",
                     f"{year_ja(judged)}の実績 {format_number(latest)}（前年度からの目標 {format_number(goal)}）",
                     hold_ja, basis_ja),
        en=sentences(f"{aim_en}: met in {len(met)} of {len(judged_years)} comparable years{missed_en}",
                     f"FY{judged} actual {format_number(latest)} (target from the previous year "
                     f"{format_number(goal)})", hold_en, basis_en, sep="; "),
    )
