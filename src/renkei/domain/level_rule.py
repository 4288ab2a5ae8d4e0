"""Progress rules for KPIs judged by a level: to reach (point), to hold (maintain), or an aim (qualitative).

Point (rule ``point.linear``): progress = (actual − baseline) / (target − baseline) using the latest
actual at or before the evaluation year *t*; the expected path is linear from the baseline year (the
baseline's fiscal year, else the year before the plan) to the target year *T*, so expected =
(t − baseline year) / (T − baseline year) clipped to [0, 1]. A decrease KPI (25件 → 0件) needs nothing
special: target − baseline is negative. The KPI is achieved when the latest actual meets the target
in its direction; not achieved by *T* means behind, whatever the pace said. A target that must hold
until *T* (a rate per period such as 1回/年（令和12年度）, or a level to keep, see
:func:`~renkei.domain.verdict.must_hold`) is only on track while it is met before *T*: the explanation
says 「令和8年度は目標を満たしている。令和12年度まで続けば達成」, and it is achieved once *T* is reported
and met.

Point without a usable baseline (rule ``point.target_only``: no number, a total, or another unit): the
pace cannot be measured, so the latest actual is judged against the target alone: achieved when it
meets the target, otherwise behind, rated C before the target year and D from it on.

Maintain (rule ``maintain.hold``): the target equals the baseline (2回（令和7年度） → 2回（令和12年度）).
While the latest actual holds the target (at or above it; at or below for a decrease KPI or 以下) it is on
track, and achieved once the target year's actual (or a later one) holds it; otherwise behind, with
progress = how close the actual comes to the target (rated C from half-way), and not achieved once the
target year is reported and missed. A level to hold has no forecast: there is nothing to extrapolate.

Qualitative (rules ``qualitative.*``): a staff assessment for a year at or before *t* decides
(``qualitative.assessment``). Without one, an aim with a direction (参加自治体の増) and a numeric
baseline is judged on numeric actuals (``qualitative.baseline``): achieved once the latest actual has
moved past the baseline in that direction (an aim to keep, 現状維持, is on track while it holds and
achieved from the target year on); otherwise behind (D once the target year has come or when it moved
the wrong way, C before). Anything else is no data (``qualitative.no_data``).

No measurable target (「-」, rules ``none.*``): a staff assessment for a year at or before *t* decides, as
for a qualitative aim (``none.assessment``); without one the KPI is not measurable (``none.not_measurable``,
rated ``-``).
"""

from __future__ import annotations

from renkei.domain.actual import Assessment
from renkei.domain.forecast import Forecast, forecast_level
from renkei.domain.quantity import Direction, Quantity
from renkei.domain.status import Rating, Status, judge_pace
from renkei.domain.verdict import (
    Frame,
    Verdict,
    clip,
    forecast_words,
    format_amount,
    format_percent,
    hold_words,
    is_usable,
    level_baseline,
    meets,
    must_hold,
    ratio,
    sense_of,
    sentences,
    streak_start,
    words_read_as_number,
    year_ja,
)


def _reached_then_lost(seen: dict[int, float], goal: float, sense: int, target: Quantity) -> int | None:
    """Return the first year an earlier actual met the target, when the latest one no longer does."""
    years = sorted(seen)
    if not years or meets(seen[years[-1]], goal, sense, target.qualifier):
        return None
    return next((y for y in years[:-1] if meets(seen[y], goal, sense, target.qualifier)), None)


def _level_status(frame: Frame, *, reached: bool, judged: int, progress: float | None, expected: float,
                  paced: bool, hold: bool) -> Status:
    """Achieved when met (a target to hold: from the target year on, on track before); not achieved once the
    target year is reported and missed; else by pace."""
    if reached:
        return Status.ON_TRACK if hold and judged < frame.target_year else Status.ACHIEVED
    if judged >= frame.target_year:
        return Status.NOT_ACHIEVED
    if not paced or progress is None:
        return Status.BEHIND
    return judge_pace(progress, expected, frame.thresholds)


def _reach_note(seen: dict[int, float], goal: float, sense: int, target: Quantity, big_t: int,
                reached: bool) -> tuple[str, str]:
    """Say when the target was reached early (or, for a target to hold, that it holds so far), or that a later
    actual fell back below it."""
    if reached and must_hold(target):
        judged = max(seen)
        return hold_words(judged, big_t) if judged < big_t else ("", "")
    if reached:
        first = streak_start(seen, goal, sense, target.qualifier)
        if first is not None and first < big_t:
            return (f"{year_ja(first)}に目標を達成（目標年度より前）",
                    f"target reached in FY{first}, before the target year")
        return "", ""
    lost = _reached_then_lost(seen, goal, sense, target)
    if lost is not None:
        latest = max(seen)
        return (f"{year_ja(lost)}に一度達成したが{year_ja(latest)}は下回った",
                f"reached in FY{lost} but fell back in FY{latest}")
    return "", ""


def judge_point(frame: Frame) -> Verdict:
    """Judge a level to reach by the target year against the linear path from the baseline."""
    target = frame.kpi.target
    goal = target.value if target.value is not None else 0.0
    big_t = frame.target_year
    baseline = level_baseline(frame.kpi)
    if baseline is None or baseline.value is None or baseline.value == goal:
        return _judge_target_only(frame)
    start = baseline.value
    base_year = baseline.fiscal_year if baseline.fiscal_year is not None else frame.plan_first_year - 1
    direction = Direction.INCREASE if goal > start else Direction.DECREASE
    sense = sense_of(target, direction)
    span = big_t - base_year
    judged = frame.judged_year
    at = judged if judged is not None else frame.as_of
    elapsed = int(clip(at - base_year, 0, max(span, 0)))
    # A target year at or before the baseline year leaves no path: all is due from the target year.
    expected = elapsed / span if span > 0 else 1.0 if at >= big_t else 0.0
    assumed_ja, assumed_en = ("とみなす", ", assumed") if baseline.fiscal_year is None else ("", "")
    words = words_read_as_number(baseline)  # 「なし」 read as 0: say what the document wrote
    if words:
        assumed_ja, assumed_en = f"{assumed_ja}、文書では「{words}」", f"{assumed_en}; the document says 「{words}」"
    plan_ja = (
        f"現状値 {format_amount(start, baseline)}（{year_ja(base_year)}{assumed_ja}）→ 目標 "
        f"{format_amount(goal, target)}（{year_ja(big_t)}）"
    )
    plan_en = (
        f"baseline {format_amount(start, baseline)} (FY{base_year}{assumed_en}) → target "
        f"{format_amount(goal, target)} (FY{big_t})"
    )
    pace_ja = f"期待進捗 {format_percent(expected)}（{elapsed}年経過/{max(span, 0)}年）"
    pace_en = f"Expected {format_percent(expected)} ({elapsed} of {max(span, 0)} years elapsed)"
    seen = frame.seen
    if judged is None:
        return Verdict(
            rule="point.linear", status=Status.NO_DATA, direction=direction, target_year=big_t,
            ja=sentences(f"{year_ja(frame.as_of)}までの実績がありません", plan_ja),
            en=sentences(f"No actual up to FY{frame.as_of}", plan_en, sep="; "),
        )
    latest = seen[judged]
    progress = ratio(latest - start, goal - start)
    reached = meets(latest, goal, sense, target.qualifier)
    status = _level_status(frame, reached=reached, judged=judged, progress=progress, expected=expected, paced=True,
                           hold=must_hold(target))
    points = [(base_year, start), *seen.items()]
    forecast = Forecast()
    if judged < big_t and not (reached and must_hold(target)):  # a rate met so far is held, not extrapolated
        forecast = forecast_level(
            points, target=goal, target_year=big_t, sense=sense,
            reached_in=streak_start(seen, goal, sense, target.qualifier) if reached else None,
        )
    share = ratio(forecast.at_target - start, goal - start) if forecast.at_target is not None else None
    words_ja, words_en = forecast_words(share, judged, big_t) if not reached else ("", "")
    note_ja, note_en = _reach_note(seen, goal, sense, target, big_t, reached)
    basis_ja, basis_en = frame.basis(judged)
    shown = format_percent(progress) if progress is not None else "-"
    late_ja = "（目標年度後の実績）" if judged > big_t else ""
    late_en = " (after the target year)" if judged > big_t else ""
    pace = status not in (Status.ACHIEVED, Status.NOT_ACHIEVED) and not reached
    return Verdict(
        rule="point.linear", status=status, direction=direction, target_year=big_t,
        latest_actual=latest, measured=latest, progress=progress, expected=expected, forecast=forecast,
        judged_year=judged, used=tuple(seen.items()), forecast_ja=words_ja, forecast_en=words_en,
        ja=sentences(f"実績 {format_amount(latest, target)}（{year_ja(judged)}）{late_ja}",
                     f"{plan_ja}の進捗 {shown}", pace_ja if pace else "", note_ja, words_ja, basis_ja),
        en=sentences(f"Actual {format_amount(latest, target)} (FY{judged}){late_en}",
                     f"{plan_en}: progress {shown}", pace_en if pace else "", note_en, words_en, basis_en, sep="; "),
    )


def _judge_target_only(frame: Frame) -> Verdict:
    kpi, target = frame.kpi, frame.kpi.target
    goal = target.value if target.value is not None else 0.0
    big_t = frame.target_year
    direction = kpi.direction or target.direction or Direction.INCREASE
    sense = sense_of(target, direction)
    goal_ja = f"目標 {format_amount(goal, target)}（{year_ja(big_t)}）"
    goal_en = f"target {format_amount(goal, target)} (FY{big_t})"
    why_ja = "現状値が比較できないため目標値とのみ比較"
    why_en = "no comparable baseline, so judged against the target only"
    seen = frame.seen
    judged = frame.judged_year
    if judged is None:
        return Verdict(
            rule="point.target_only", status=Status.NO_DATA, direction=direction, target_year=big_t,
            ja=sentences(f"{year_ja(frame.as_of)}までの実績がありません", goal_ja),
            en=sentences(f"No actual up to FY{frame.as_of}", goal_en, sep="; "),
        )
    latest = seen[judged]
    reached = meets(latest, goal, sense, target.qualifier)
    status = _level_status(frame, reached=reached, judged=judged, progress=None, expected=0.0, paced=False,
                           hold=must_hold(target))
    # Without a baseline there is no pace: a miss before the target year is behind, C.
    rating = Rating.C if status is Status.BEHIND else None
    forecast = Forecast()
    if judged < big_t and not (reached and must_hold(target)):  # a rate met so far is held, not extrapolated
        forecast = forecast_level(
            list(seen.items()), target=goal, target_year=big_t, sense=sense,
            reached_in=streak_start(seen, goal, sense, target.qualifier) if reached else None,
        )
    share = ratio(forecast.at_target, goal) if forecast.at_target is not None and sense > 0 else None
    words_ja, words_en = forecast_words(share, judged, big_t) if not reached else ("", "")
    note_ja, note_en = _reach_note(seen, goal, sense, target, big_t, reached)
    basis_ja, basis_en = frame.basis(judged)
    return Verdict(
        rule="point.target_only", status=status, direction=direction, target_year=big_t, rating=rating,
        latest_actual=latest, measured=latest, forecast=forecast, judged_year=judged, used=tuple(seen.items()),
        forecast_ja=words_ja, forecast_en=words_en,
        ja=sentences(f"実績 {format_amount(latest, target)}（{year_ja(judged)}）／{goal_ja}（{why_ja}）",
                     note_ja, words_ja, basis_ja),
        en=sentences(f"Actual {format_amount(latest, target)} (FY{judged}); {goal_en} ({why_en})",
                     note_en, words_en, basis_en, sep="; "),
    )


def judge_maintain(frame: Frame) -> Verdict:
    """Judge a level to hold: on track while the latest actual holds the target, achieved once the target year does."""
    kpi, target = frame.kpi, frame.kpi.target
    goal = target.value if target.value is not None else 0.0
    big_t = frame.target_year
    stated = kpi.direction if kpi.direction is Direction.DECREASE else target.direction
    sense = sense_of(target, stated)
    bound_ja, bound_en = ("以下", "at most") if sense < 0 else ("以上", "at least")
    goal_ja = f"目標 {format_amount(goal, target)}{bound_ja}を{year_ja(big_t)}まで維持"
    goal_en = f"hold {bound_en} {format_amount(goal, target)} through FY{big_t}"
    seen = frame.seen
    judged = frame.judged_year
    if judged is None:
        return Verdict(
            rule="maintain.hold", status=Status.NO_DATA, direction=Direction.MAINTAIN, target_year=big_t,
            ja=sentences(f"{year_ja(frame.as_of)}までの実績がありません", goal_ja),
            en=sentences(f"No actual up to FY{frame.as_of}", goal_en, sep="; "),
        )
    latest = seen[judged]
    held = meets(latest, goal, sense, target.qualifier)
    if held:
        progress: float | None = 1.0
    else:
        closeness = ratio(latest, goal) if sense > 0 else ratio(goal, latest)
        progress = clip(closeness) if closeness is not None else 0.0
    status = _level_status(frame, reached=held, judged=judged, progress=progress, expected=1.0, paced=False,
                           hold=True)
    lost = _reached_then_lost(seen, goal, sense, target)
    note_ja = f"{year_ja(lost)}は維持していたが{year_ja(judged)}は下回った" if lost is not None else ""
    note_en = f"held in FY{lost} but not in FY{judged}" if lost is not None else ""
    if held and judged < big_t:
        note_ja, note_en = hold_words(judged, big_t)
    basis_ja, basis_en = frame.basis(judged)
    # No forecast: a level to hold has no trend to extend (a line from 1回 to 6回/年 would say nothing true).
    return Verdict(
        rule="maintain.hold", status=status, direction=Direction.MAINTAIN, target_year=big_t,
        latest_actual=latest, measured=latest, progress=progress, expected=1.0,
        judged_year=judged, used=tuple(seen.items()),
        ja=sentences(f"実績 {format_amount(latest, target)}（{year_ja(judged)}）", goal_ja, note_ja, basis_ja),
        en=sentences(f"Actual {format_amount(latest, target)} (FY{judged})", goal_en, note_en, basis_en, sep="; "),
    )


_ASSESSED_RATING = {
    Status.ACHIEVED: Rating.A, Status.ON_TRACK: Rating.B, Status.BEHIND: Rating.C, Status.NOT_ACHIEVED: Rating.E,
}


def is_due(assessment: Assessment, frame: Frame) -> bool:
    """Tell whether a staff assessment is for a year at or before the evaluation year."""
    return assessment.fiscal_year <= frame.as_of


def judge_assessment(frame: Frame, assessment: Assessment, *, rule: str, ja: str, en: str) -> Verdict:
    """Take a staff assessment as the verdict; ``ja``/``en`` say what was assessed (「参加自治体の増」について).

    A rating that does not fit the status (A for 遅れ) gives way to the status's own, so that the badge and the
    status filter never disagree.
    """
    status = assessment.status
    fits = assessment.rating is not None and assessment.rating in status.ratings
    assessed = assessment.rating if fits else _ASSESSED_RATING.get(status, Rating.NONE)
    comment_ja = assessment.comment.strip() or "（コメントなし）"
    comment_en = assessment.comment.strip() or "(no comment)"
    word_ja = f"「{assessment.word}」" if assessment.word else ""
    return Verdict(
        rule=rule, status=status, direction=frame.kpi.target.direction or frame.kpi.direction, rating=assessed,
        judged_year=assessment.fiscal_year,
        ja=f"{ja}{year_ja(assessment.fiscal_year)}の評価{word_ja}：{comment_ja}",
        en=f"{en} assessed for FY{assessment.fiscal_year}: {comment_en}",
    )


def judge_none(frame: Frame, assessment: Assessment | None) -> Verdict:
    """Judge a KPI whose target states nothing measurable (「-」): by a staff assessment, else not measurable."""
    text = frame.kpi.target.text.strip() or "（空欄）"
    if assessment is not None and is_due(assessment, frame):
        return judge_assessment(
            frame, assessment, rule="none.assessment",
            ja=f"目標値「{text}」に測定できる値がないため担当課の評価による。",
            en=f"Target 「{text}」 states nothing measurable, so the staff assessment decides;",
        )
    return Verdict(
        rule="none.not_measurable", status=Status.NOT_MEASURABLE, direction=frame.kpi.direction,
        ja=f"目標値「{text}」に測定できる値がありません",
        en=f"Target 「{text}」 states nothing measurable",
    )


def judge_qualitative(frame: Frame, assessment: Assessment | None) -> Verdict:
    """Judge a qualitative aim by the staff assessment, else by numeric actuals against the baseline."""
    kpi = frame.kpi
    direction = kpi.target.direction or kpi.direction
    aim = kpi.target.text.strip() or "-"
    if assessment is not None and is_due(assessment, frame):
        return judge_assessment(frame, assessment, rule="qualitative.assessment", ja=f"「{aim}」について",
                                en=f"Aim 「{aim}」")
    baseline = kpi.baseline
    seen = frame.seen
    if direction is None or baseline.value is None or not is_usable(baseline.value) or not seen:
        if direction is not None:
            missing_ja, missing_en = "評価も数値の実績もありません", "no assessment and no numeric actual"
        else:
            missing_ja, missing_en = "評価が入力されていません", "no assessment recorded"
        return Verdict(
            rule="qualitative.no_data", status=Status.NO_DATA, direction=direction,
            ja=f"「{aim}」：{year_ja(frame.as_of)}までの{missing_ja}",
            en=f"Aim 「{aim}」: {missing_en} up to FY{frame.as_of}",
        )
    start = baseline.value
    latest_year = max(seen)
    latest = seen[latest_year]
    basis_ja, basis_en = frame.basis(latest_year)
    if direction is Direction.MAINTAIN:
        reached, wrong_way = latest >= start, latest < start
    else:
        sense = 1 if direction is Direction.INCREASE else -1
        reached = (latest - start) * sense > 0
        wrong_way = (latest - start) * sense < 0
    hold = direction is Direction.MAINTAIN and latest_year < frame.target_year
    if reached:
        status = Status.ON_TRACK if hold else Status.ACHIEVED
    elif latest_year >= frame.target_year:
        status = Status.NOT_ACHIEVED
    else:
        status = Status.BEHIND
    rating: Rating | None = None
    if status is Status.BEHIND:
        rating = Rating.D if wrong_way else Rating.C
    note_ja, note_en = hold_words(latest_year, frame.target_year) if reached and hold else ("", "")
    return Verdict(
        rule="qualitative.baseline", status=status, direction=direction, target_year=frame.target_year,
        latest_actual=latest, measured=latest, rating=rating, forecast=Forecast(), judged_year=latest_year,
        used=tuple(seen.items()),
        ja=sentences(f"実績 {format_amount(latest, baseline)}（{year_ja(latest_year)}）、現状値 {baseline.text.strip()}"
                     f"（{format_amount(start, baseline)}）に対し「{aim}」", note_ja, basis_ja),
        en=sentences(f"Actual {format_amount(latest, baseline)} (FY{latest_year}) against baseline "
                     f"{format_amount(start, baseline)} for aim 「{aim}」", note_en, basis_en, sep="; "),
    )
