"""Verdicts: what a progress rule concludes, with the shared wording and comparisons the rules use."""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field

from renkei.domain.actual import MAX_ABS_VALUE
from renkei.domain.fiscal import FiscalYearError, wareki_fiscal_year
from renkei.domain.forecast import Forecast
from renkei.domain.plan import KPI
from renkei.domain.quantity import Direction, Qualifier, Quantity, QuantityKind
from renkei.domain.relative import LOWER_IS_BETTER_UNITS
from renkei.domain.status import EPSILON, Rating, Status, Thresholds


@dataclass(frozen=True, slots=True)
class Frame:
    """What every rule reads: the KPI, one value per fiscal year, the evaluation year and the plan period."""

    kpi: KPI
    values: Mapping[int, float]
    as_of: int
    plan_first_year: int
    plan_last_year: int
    thresholds: Thresholds

    @property
    def seen(self) -> dict[int, float]:
        """Return the yearly values known as of the evaluation year (later years are ignored)."""
        return {year: value for year, value in sorted(self.values.items()) if year <= self.as_of}

    @property
    def target_year(self) -> int:
        """Return the target's fiscal year, or the plan's last year when the target states none."""
        year = self.kpi.target.fiscal_year
        return year if year is not None else self.plan_last_year

    @property
    def judged_year(self) -> int | None:
        """Return the latest reported fiscal year at or before the evaluation year (None before any report)."""
        return max((year for year in self.values if year <= self.as_of), default=None)

    def basis(self, judged: int | None) -> tuple[str, str]:
        """Say which year a verdict is based on, and which later years are not reported yet.

        >>> from renkei.domain.quantity import Quantity, QuantityKind
        >>> q = Quantity("1回", QuantityKind.POINT, value=1, unit="回")
        >>> f = Frame(KPI("x", q, q, None), {2026: 1.0}, 2027, 2026, 2030, Thresholds())
        >>> f.basis(2026)[0]
        '令和8年度の実績で判定。令和9年度は未報告'
        """
        if judged is None:
            return "", ""
        ja, en = f"{year_ja(judged)}の実績で判定", f"judged on the FY{judged} actual"
        if judged < self.as_of:
            later = year_ja(judged + 1)
            span_ja = later if judged + 1 == self.as_of else f"{later}〜{year_ja(self.as_of)}"
            span_en = f"FY{judged + 1}" if judged + 1 == self.as_of else f"FY{judged + 1}-{self.as_of}"
            ja += f"。{span_ja}は未報告"
            en += f"; {span_en} not reported yet"
        return ja, en


@dataclass(frozen=True, slots=True)
class Verdict:
    """A rule's conclusion; ``rating`` overrides the rating implied by status and pace."""

    rule: str
    status: Status
    direction: Direction | None
    ja: str
    en: str
    target_year: int | None = None
    latest_actual: float | None = None
    measured: float | None = None
    progress: float | None = None
    expected: float | None = None
    years_met: int | None = None
    years_due: int | None = None
    forecast: Forecast = field(default_factory=Forecast)
    rating: Rating | None = None
    #: The latest reported year the verdict rests on (None without any).
    judged_year: int | None = None
    #: The yearly figures the verdict used (for a total: each year's contribution, the baseline included).
    used: tuple[tuple[int, float], ...] = ()
    #: The forecast in words (empty when there is none, e.g. once the target year is reported).
    forecast_ja: str = ""
    forecast_en: str = ""


def year_ja(year: int) -> str:
    """Name a fiscal year in Japanese: 令和8年度 (western years before the eras stay western).

    >>> year_ja(2026), year_ja(1900)
    ('令和8年度', '1900年度')
    """
    try:
        return wareki_fiscal_year(year)
    except FiscalYearError:
        return f"{year}年度"


def forecast_words(share: float | None, judged: int | None, target_year: int) -> tuple[str, str]:
    """Say where the present pace leads by the target year, as a share of the target (never into the past).

    >>> forecast_words(0.92, 2026, 2030)
    ('このペースでは令和12年度に目標の92%', 'at this pace, 92% of the target by FY2030')
    >>> forecast_words(0.92, 2030, 2030)
    ('', '')
    """
    if share is None or judged is None or judged >= target_year or not math.isfinite(share):
        return "", ""
    return (f"このペースでは{year_ja(target_year)}に目標の{format_percent(share)}",
            f"at this pace, {format_percent(share)} of the target by FY{target_year}")


def must_hold(target: Quantity) -> bool:
    """Tell whether a target must hold until its target year: a rate per period (1回/年, 年1回, 15,000人/月), an
    amount each year (毎年度) or a level to keep (維持). Met early, such a target is on track, not yet achieved.

    >>> must_hold(Quantity("1回/年（令和12年度）", QuantityKind.POINT, value=1, unit="回", per="年"))
    True
    >>> must_hold(Quantity("85.9%(令和12年度)", QuantityKind.POINT, value=85.9, unit="%"))
    False
    """
    return target.per is not None or target.kind is QuantityKind.EVERY_YEAR or target.direction is Direction.MAINTAIN


def hold_words(judged: int, target_year: int) -> tuple[str, str]:
    """Say that a target to hold is met so far, and what would make it achieved.

    >>> hold_words(2026, 2030)[0]
    '令和8年度は目標を満たしている。令和12年度まで続けば達成'
    """
    return (f"{year_ja(judged)}は目標を満たしている。{year_ja(target_year)}まで続けば達成",
            f"FY{judged} meets the target; achieved if it holds through FY{target_year}")


def format_number(value: float) -> str:
    """Write a number as planning documents do: grouped thousands, no trailing zeros.

    >>> format_number(100000.0), format_number(84.9), format_number(0.1 + 0.2)
    ('100,000', '84.9', '0.3')
    """
    return f"{value:,.10g}"


def format_amount(value: float, quantity: Quantity) -> str:
    """Write a value in the unit (and rate) of a quantity.

    >>> format_amount(6, Quantity(text="6回/年", kind=QuantityKind.EVERY_YEAR, value=6, unit="回", per="年"))
    '6回/年'
    """
    per = f"/{quantity.per}" if quantity.per else ""
    return f"{format_number(value)}{quantity.unit or ''}{per}"


def words_read_as_number(quantity: Quantity) -> str | None:
    """Return the words a value was read from when the document wrote no figure (「なし」 read as 0), else None.

    An explanation that shows such a value says so, so that a reading never passes for a stated figure.

    >>> words_read_as_number(Quantity(text="なし（令和7年度）", kind=QuantityKind.POINT, value=0))
    'なし'
    >>> words_read_as_number(Quantity(text="5件（令和7年度）", kind=QuantityKind.POINT, value=5)) is None
    True
    """
    if quantity.value is None:
        return None
    words = unicodedata.normalize("NFKC", quantity.text).split("(")[0].strip()  # the figure, not its year
    if not words or any(ch.isdigit() or ch in "〇一二三四五六七八九十百千万億" for ch in words):
        return None
    return words


def format_percent(ratio: float) -> str:
    """Write a ratio as a whole percentage.

    >>> format_percent(0.2857)
    '29%'
    """
    return f"{ratio * 100:.0f}%" if math.isfinite(ratio * 100) else "-"


def ratio(numerator: float, denominator: float) -> float | None:
    """Divide, or return None when the denominator is zero or the result is not finite.

    >>> ratio(10, 25), ratio(1, 0)
    (0.4, None)
    """
    if denominator == 0:
        return None
    result = numerator / denominator
    return result if math.isfinite(result) else None


def clip(value: float, low: float = 0.0, high: float = 1.0) -> float:
    """Bound a value to ``[low, high]``.

    >>> clip(1.5), clip(-2.0), clip(0.25)
    (1.0, 0.0, 0.25)
    """
    return min(high, max(low, value))


def sense_of(target: Quantity, direction: Direction | None) -> int:
    """Tell which way the target is met: +1 at or above it, -1 at or below it.

    A bound written with the number (以上・以下・未満・超, ±…以内 as at most in size) decides; otherwise a
    decrease KPI and a ranking (位: a smaller place is better) are met at or below the target and every
    other KPI at or above it.
    """
    if target.qualifier in (Qualifier.AT_MOST, Qualifier.LESS_THAN, Qualifier.WITHIN):
        return -1
    if target.qualifier in (Qualifier.AT_LEAST, Qualifier.MORE_THAN):
        return 1
    if target.unit in LOWER_IS_BETTER_UNITS and direction is not Direction.INCREASE:
        return -1
    return -1 if direction is Direction.DECREASE else 1


def meets(value: float, target: float, sense: int, qualifier: Qualifier | None = None) -> bool:
    """Tell whether a value meets a target in the given sense (strictly for 超・未満; in size for ±…以内).

    >>> meets(86.0, 85.9, 1), meets(10, 0, -1), meets(5, 5, 1, Qualifier.MORE_THAN)
    (True, False, False)
    >>> meets(-4.0, 5.0, -1, Qualifier.WITHIN), meets(-6.0, 5.0, -1, Qualifier.WITHIN)
    (True, False)
    """
    tolerance = EPSILON * max(1.0, abs(target))
    if qualifier is Qualifier.WITHIN:
        return abs(value) <= abs(target) + tolerance
    if qualifier is Qualifier.MORE_THAN:
        return value > target + tolerance
    if qualifier is Qualifier.LESS_THAN:
        return value < target - tolerance
    return value >= target - tolerance if sense > 0 else value <= target + tolerance


def is_usable(value: float | None) -> bool:
    """Tell whether a stated number can take part in arithmetic (finite, within ±10¹⁵).

    >>> is_usable(84.5), is_usable(None), is_usable(float("nan"))
    (True, False, False)
    """
    return value is not None and math.isfinite(value) and abs(value) <= MAX_ABS_VALUE


def _compatible(left: str | None, right: str | None) -> bool:
    return left is None or right is None or left.strip() == right.strip()


def level_baseline(kpi: KPI) -> Quantity | None:
    """Return the baseline when it is a level comparable with the target (same unit and rate).

    A total over years (累計) or a baseline without a number is no starting level.
    """
    baseline, target = kpi.baseline, kpi.target
    if not is_usable(baseline.value) or baseline.kind not in (QuantityKind.POINT, QuantityKind.EVERY_YEAR):
        return None
    if not (_compatible(baseline.unit, target.unit) and _compatible(baseline.per, target.per)):
        return None
    return baseline


def streak_start(
    seen: Mapping[int, float], target: float, sense: int, qualifier: Qualifier | None
) -> int | None:
    """Return the first year of the latest unbroken run of recorded years meeting the target.

    >>> streak_start({2026: 7, 2027: 5, 2028: 6, 2029: 8}, 6, 1, None)
    2028
    >>> streak_start({2026: 7, 2027: 5}, 6, 1, None) is None
    True
    """
    start: int | None = None
    for year in sorted(seen, reverse=True):
        if not meets(seen[year], target, sense, qualifier):
            break
        start = year
    return start


def conclude(ja: str, en: str, status: Status) -> tuple[str, str]:
    """Close an explanation with its status (no space after a full-width bracket).

    >>> conclude("期待進捗 40%（2年経過/5年）", "Expected 40%", Status.ON_TRACK)
    ('期待進捗 40%（2年経過/5年）→ 順調', 'Expected 40% → on track')
    >>> conclude("進捗 20%、期待進捗 40%", "Progress 20%", Status.BEHIND)[0]
    '進捗 20%、期待進捗 40% → 遅れ'
    """
    gap = "" if ja.endswith(("）", "」", "】", "。")) else " "
    return f"{ja}{gap}→ {status.label_ja}", f"{en} → {status.label_en}"


def sentences(*parts: str, sep: str = "。") -> str:
    """Join the non-empty parts into sentences.

    >>> sentences("実績 4件", "", "令和8年度の実績で判定")
    '実績 4件。令和8年度の実績で判定'
    >>> sentences("Actual 4", "judged on FY2026", sep="; ")
    'Actual 4; judged on FY2026'
    """
    return sep.join(p for p in parts if p)
