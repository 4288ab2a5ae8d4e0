"""Charts drawn on the server as SVG: budget bars, KPI charts by form, and sparklines.

Server-side SVG needs no script, passes a strict Content-Security-Policy (colours come from CSS classes,
never ``style=``), prints well, and every chart comes with the numbers as a table beside it.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from markupsafe import Markup, escape

from renkei.domain.progress import KpiForm
from renkei.domain.verdict import level_baseline
from renkei.presentation.i18n import format_count
from renkei.presentation.views import KpiView

Point = tuple[int, float]

WIDTH, HEIGHT = 640, 260
LEFT, RIGHT, TOP, BOTTOM = 72, 16, 16, 32


def nice_ceiling(value: float) -> float:
    """Round a maximum up to a readable axis end whose quarters are round too (1, 1.2, 1.6, 2 … × 10ⁿ).

    >>> nice_ceiling(87), nice_ceiling(3700900), nice_ceiling(0), nice_ceiling(1), nice_ceiling(105000)
    (100.0, 4000000.0, 1.0, 1.0, 120000.0)
    """
    if value <= 0 or not math.isfinite(value):
        return 1.0
    power = 10 ** math.floor(math.log10(value))
    for step in (1, 1.2, 1.6, 2, 2.4, 3, 4, 5, 6, 8, 10):
        if value <= step * power:
            return float(step * power)
    return float(10 * power)


def level_axis(low: float, high: float) -> tuple[float, float]:
    """Return an axis (bottom, top) for levels: from zero, unless zero would flatten the changes.

    >>> level_axis(0, 100000), level_axis(84.5, 85.9)
    ((0.0, 120000.0), (83.25, 86.25))
    """
    span = high - low
    if low <= 0 or span >= 0.5 * low:
        return 0.0, nice_ceiling(max(high, 0) * 1.05)
    span = span or abs(high) * 0.1 or 1.0
    step = nice_ceiling(span * 2) / 4
    bottom = math.floor((low - span * 0.5) / step) * step
    top = bottom + 4 * step
    while top < high:
        top += step
    return max(bottom, 0.0), top


def _num(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


@dataclass(frozen=True, slots=True)
class Frame:
    """The plotting area: fiscal years on x (bands) and 0..top on y."""

    years: tuple[int, ...]
    top: float
    bottom: float = 0.0
    width: int = WIDTH
    height: int = HEIGHT

    def x(self, year: float) -> float:
        """Return the x of a year's band centre."""
        band = (self.width - LEFT - RIGHT) / max(len(self.years), 1)
        return LEFT + band * (year - self.years[0] + 0.5)

    def band(self) -> float:
        """Return the width of one year's band."""
        return (self.width - LEFT - RIGHT) / max(len(self.years), 1)

    def y(self, value: float) -> float:
        """Return the y of a value."""
        share = (max(self.bottom, value) - self.bottom) / ((self.top - self.bottom) or 1.0)
        return TOP + (self.height - TOP - BOTTOM) * (1 - share)


def _axes(frame: Frame, year_label: dict[int, str]) -> list[str]:
    parts: list[str] = []
    for i in range(5):
        value = frame.bottom + (frame.top - frame.bottom) * i / 4
        y = _num(frame.y(value))
        parts.append(f'<line class="grid" x1="{LEFT}" x2="{frame.width - RIGHT}" y1="{y}" y2="{y}"/>')
        parts.append(f'<text class="tick" x="{LEFT - 6}" y="{y}" text-anchor="end" dominant-baseline="middle">'
                     f"{escape(format_count(value))}</text>")
    for year in frame.years:
        parts.append(f'<text class="tick" x="{_num(frame.x(year))}" y="{frame.height - 10}" text-anchor="middle">'
                     f"{escape(year_label.get(year, str(year)))}</text>")
    return parts


def _svg(parts: list[str], title: str, description: str, css: str, width: int = WIDTH,
         height: int = HEIGHT, title_lang: str | None = None) -> Markup:
    lang = f' lang="{escape(title_lang)}"' if title_lang else ""  # a title from the document, on an English page
    return Markup(
        f'<svg class="chart {css}" viewBox="0 0 {width} {height}" role="img" '
        f'xmlns="http://www.w3.org/2000/svg" focusable="false">'
        f"<title{lang}>{escape(title)}</title><desc>{escape(description)}</desc>" + "".join(parts) + "</svg>"
    )


def _polyline(frame: Frame, points: Sequence[Point], css: str) -> str:
    if not points:
        return ""
    coords = " ".join(f"{_num(frame.x(y))},{_num(frame.y(v))}" for y, v in points)
    return f'<polyline class="{css}" points="{coords}"/>'


def year_name(year: int, name: str, value: float, unit: str) -> str:
    """Describe one value for a tooltip.

    >>> year_name(2026, "実績", 1200.0, "人")
    '2026 実績: 1,200人'
    """
    return f"{year} {name}: {format_count(value)}{unit}"


def _dots(frame: Frame, points: Sequence[Point], css: str, name: str, unit: str) -> str:
    return "".join(
        f'<circle class="{css}" cx="{_num(frame.x(y))}" cy="{_num(frame.y(v))}" r="4">'
        f"<title>{escape(year_name(y, name, v, unit))}</title></circle>"
        for y, v in points
    )


def render_bar_chart(values: Mapping[int, int | None], *, title: str, description: str, highlight: range,
                     year_label: dict[int, str], unit: str, missing_label: str = "記載なし",
                     gap_labels: Mapping[int, str] | None = None) -> Markup:
    """Draw yearly amounts as bars; a year without an amount (None) is a gap labelled, never a zero bar.

    A gap says ``gap_labels[year]`` (what the cell says: 記載なし, なし, 未定 …), else ``missing_label``. Years outside
    ``highlight`` (the plan period) are drawn muted.

    >>> svg = str(render_bar_chart({2026: 2420, 2027: None}, title="t", description="d", highlight=range(2026, 2028),
    ...                            year_label={}, unit="千円", gap_labels={2027: "未定"}))
    >>> svg.count("<rect"), '<text class="gap-label"' in svg and ">未定</text>" in svg
    (1, True)
    """
    years = tuple(range(min(values), max(values) + 1)) if values else tuple(highlight)
    frame = Frame(years, nice_ceiling(max((v for v in values.values() if v is not None), default=0)))
    parts = _axes(frame, year_label)
    width = frame.band() * 0.6
    for year in years:
        value = values.get(year)
        if value is None:
            label = (gap_labels or {}).get(year, missing_label)
            parts.append(f'<text class="gap-label" x="{_num(frame.x(year))}" y="{_num(frame.y(0) - 6)}" '
                         f'text-anchor="middle">{escape(label)}</text>')
            continue
        css = "bar" if year in highlight else "bar muted"
        top = frame.y(value)
        parts.append(
            f'<rect class="{css}" x="{_num(frame.x(year) - width / 2)}" y="{_num(top)}" width="{_num(width)}" '
            f'height="{_num(frame.y(0) - top)}"><title>{escape(f"{year}: {format_count(value)}{unit}")}</title></rect>'
        )
    return _svg(parts, title, description, "bars")


@dataclass(frozen=True, slots=True)
class KpiSeries:
    """What a KPI chart shows, by fiscal year: the numbers behind the SVG and its table."""

    form: KpiForm
    years: tuple[int, ...]
    unit: str
    baseline: Point | None = None
    target: Point | None = None
    target_line: tuple[Point, ...] = ()
    expected: tuple[Point, ...] = ()
    actual: tuple[Point, ...] = ()
    actual_as_bars: bool = False
    forecast: tuple[Point, ...] = ()
    notes: tuple[str, ...] = field(default=())

    @property
    def drawable(self) -> bool:
        """Tell whether there is a number to draw."""
        return bool(self.target_line or self.actual or self.baseline)

    def table(self) -> list[tuple[int, float | None, float | None, float | None, float | None]]:
        """Return rows (year, actual, expected, target, forecast) for the chart's text alternative.

        The actual column holds exactly the plotted figures (a running total for a cumulative KPI); a year
        without one is None (shown as 「—」), never 0. The baseline has its own row label in the template.
        """
        actual, expected = dict(self.actual), dict(self.expected)
        target, forecast = dict(self.target_line), dict(self.forecast[1:])
        return [(y, actual.get(y), expected.get(y), target.get(y), forecast.get(y)) for y in self.years]

    def to_dict(self) -> dict[str, object]:
        """Return the JSON form (for charts.js and the API)."""
        return {
            "form": self.form.value, "years": list(self.years), "unit": self.unit,
            "baseline": list(self.baseline) if self.baseline else None,
            "target": list(self.target) if self.target else None,
            "target_line": [list(p) for p in self.target_line], "expected": [list(p) for p in self.expected],
            "actual": [list(p) for p in self.actual], "actual_as_bars": self.actual_as_bars,
            "forecast": [list(p) for p in self.forecast],
        }


def build_kpi_series(view: KpiView, plan_first: int, plan_last: int) -> KpiSeries:
    """Lay out a KPI from its evaluation: exactly the figures the explanation uses, nothing after the year judged.

    A level KPI plots the actuals the rule read; a cumulative KPI the running total of the contributions it
    added up (the baseline included where it counts); an every-year KPI each reported year. Unreported years
    are gaps, never zeros. The forecast starts from the last value judged, only when the target year is
    still ahead of it, and only where the explanation states it in words (「このペースでは…」): a level to reach
    or a total, never a level to hold, an amount each year or an aim in words.
    """
    kpi, evaluation, form = view.kpi, view.evaluation, view.form
    unit = kpi.unit
    goal = kpi.target.value
    big_t = evaluation.target_year or kpi.target.fiscal_year or plan_last
    used = list(evaluation.used)
    judged = evaluation.judged_year
    forecast: tuple[Point, ...] = ()
    # The line shows what the words say, so both come and go together.
    foreseen = form in (KpiForm.POINT, KpiForm.CUMULATIVE) and bool(evaluation.forecast_ja) \
        and evaluation.forecast_at_target is not None and judged is not None and judged < big_t
    if form in (KpiForm.NONE, KpiForm.QUALITATIVE) or goal is None:
        years = tuple(range(plan_first, plan_last + 1))
        return KpiSeries(form, years, unit, actual=tuple(used))
    if form is KpiForm.CUMULATIVE:
        start = min(kpi.target.from_fiscal_year or plan_first, big_t, *(y for y, _ in used))
        years = tuple(range(start, max(big_t, plan_last) + 1))
        first = min(kpi.target.from_fiscal_year or plan_first, big_t)
        span = big_t - first + 1
        running = evaluation.running_total
        expected = tuple((y, goal * (y - first + 1) / span) for y in range(first, big_t + 1))
        if foreseen and running and judged is not None and evaluation.forecast_at_target is not None:
            forecast = ((judged, running[-1][1]), (big_t, evaluation.forecast_at_target))
        return KpiSeries(form, years, unit, target=(big_t, goal),
                         target_line=tuple((y, goal) for y in range(first, big_t + 1)), expected=expected,
                         actual=running, actual_as_bars=True, forecast=forecast)
    if form is KpiForm.EVERY_YEAR:
        start = min(kpi.target.from_fiscal_year or plan_first, big_t)
        years = tuple(range(start, max(big_t, plan_last) + 1))
        line = tuple((y, goal) for y in range(start, big_t + 1))
        return KpiSeries(form, years, unit, target=(big_t, goal), target_line=line,
                         actual=tuple(used), actual_as_bars=True)
    base = level_baseline(kpi)
    base_point: Point | None = None
    if base is not None and base.value is not None:
        base_point = (base.fiscal_year if base.fiscal_year is not None else plan_first - 1, base.value)
    first = min([plan_first, big_t, *([base_point[0]] if base_point else []), *(y for y, _ in used)])
    years = tuple(range(first, max(plan_last, big_t, *(y for y, _ in used)) + 1))
    expected = (base_point, (big_t, goal)) if base_point and form is KpiForm.POINT else ()
    if foreseen and used and judged is not None and evaluation.forecast_at_target is not None:
        forecast = ((judged, dict(used)[judged]), (big_t, evaluation.forecast_at_target))
    return KpiSeries(form, years, unit, baseline=base_point, target=(big_t, goal),
                     target_line=tuple((y, goal) for y in years if y >= (base_point[0] if base_point else first)),
                     expected=expected, actual=tuple(used), forecast=forecast)


def render_kpi_chart(series: KpiSeries, *, title: str, description: str, names: dict[str, str],
                     year_label: dict[int, str], title_lang: str | None = None) -> Markup:
    """Draw a KPI: target (line or per-year steps), expected path, actuals (line or bars), forecast."""
    numbers = [v for pts in (series.target_line, series.expected, series.actual, series.forecast) for _, v in pts]
    if series.baseline:
        numbers.append(series.baseline[1])
    if series.actual_as_bars or not numbers:
        bottom, top = 0.0, nice_ceiling(max(numbers, default=0) * 1.05)
    else:
        bottom, top = level_axis(min(numbers), max(numbers))
    frame = Frame(series.years, top, bottom)
    parts = _axes(frame, year_label)
    half = frame.band() * 0.45
    if series.form is KpiForm.EVERY_YEAR:
        for year, value in series.target_line:
            y = _num(frame.y(value))
            parts.append(f'<line class="target step" x1="{_num(frame.x(year) - half)}" '
                         f'x2="{_num(frame.x(year) + half)}" y1="{y}" y2="{y}"/>')
    elif series.target_line:
        parts.append(_polyline(frame, series.target_line, "target"))
    if series.actual_as_bars:
        width = frame.band() * 0.5
        for year, value in series.actual:
            top = frame.y(value)
            parts.append(
                f'<rect class="actual-bar" x="{_num(frame.x(year) - width / 2)}" y="{_num(top)}" '
                f'width="{_num(width)}" height="{_num(frame.y(0) - top)}">'
                f"<title>{escape(year_name(year, names['actual'], value, series.unit))}</title></rect>"
            )
    parts.append(_polyline(frame, series.expected, "expected"))
    parts.append(_polyline(frame, series.forecast, "forecast"))
    if not series.actual_as_bars:
        parts.append(_polyline(frame, series.actual, "actual"))
        parts.append(_dots(frame, series.actual, "actual-dot", names["actual"], series.unit))
    if series.baseline:
        parts.append(_dots(frame, [series.baseline], "baseline-dot", names["baseline"], series.unit))
    if series.target:
        parts.append(_dots(frame, [series.target], "target-dot", names["target"], series.unit))
    return _svg(parts, title, description, "kpi", title_lang=title_lang)


def render_sparkline(points: Sequence[Point], *, target: float | None, years: Sequence[int], label: str,
                     label_lang: str | None = None, baseline: Point | None = None) -> Markup:
    """Draw a small trend line of yearly actuals with the target as a thin line (no axes).

    The baseline, when given, is a hollow dot, never drawn like an actual: a plan with no report yet shows where
    it starts and nothing more.

    >>> str(render_sparkline([], target=10, years=[2026, 2030], label="x", baseline=(2025, 0)))  # doctest: +ELLIPSIS
    '<svg ...<circle class="baseline-dot" ...'
    """
    width, height, pad = 120, 32, 4
    values = [v for _, v in points] + ([target] if target is not None else []) + ([baseline[1]] if baseline else [])
    top = max(values, default=0) or 1.0
    first, last = (years[0], years[-1]) if years else (0, 1)
    if baseline is not None:
        first = min(first, baseline[0])
    span = max(last - first, 1)

    def xy(year: int, value: float) -> str:
        x = pad + (width - 2 * pad) * (year - first) / span
        y = pad + (height - 2 * pad) * (1 - max(0.0, value) / top)
        return f"{_num(x)},{_num(y)}"

    parts: list[str] = []
    if target is not None:
        parts.append(f'<polyline class="target" points="{xy(first, target)} {xy(last, target)}"/>')
    if baseline is not None:
        x, y = xy(*baseline).split(",")
        parts.append(f'<circle class="baseline-dot" cx="{x}" cy="{y}" r="2.5"/>')
    if len(points) > 1:
        parts.append(f'<polyline class="actual" points="{" ".join(xy(y, v) for y, v in points)}"/>')
    for year, value in points[-1:]:
        x, y = xy(year, value).split(",")
        parts.append(f'<circle class="actual-dot" cx="{x}" cy="{y}" r="2.5"/>')
    if not points and baseline is None:
        parts.append(f'<line class="empty" x1="{pad}" x2="{width - pad}" y1="{height / 2}" y2="{height / 2}"/>')
    lang = f' lang="{escape(label_lang)}"' if label_lang else ""
    return Markup(
        f'<svg class="sparkline" viewBox="0 0 {width} {height}" width="{width}" height="{height}" role="img" '
        f'xmlns="http://www.w3.org/2000/svg" focusable="false"><title{lang}>{escape(label)}</title>'
        + "".join(parts) + "</svg>"
    )
