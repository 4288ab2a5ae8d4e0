"""KPI rows (重要業績評価指数) read into KPIs: columns, header years and units, 〃, several values in a cell.

The KPI block is a header row (指標 | 現状値 | 目標値, perhaps 単位) and one row per indicator, or rows of
label and value (指標 | …, 現状値 | …, 目標値 | …) one under the other. A header that names a year
(``現状値（H27）``, ``目標値（2020年）``) gives that year to a value written without one; a 単位 column
gives its unit to a number written without one. 「〃」 (ditto) repeats the cell above; in the indicator
column it makes the row another measure of the indicator above. A cell holding several values (two lines,
or ``人口48.4% 面積34.5%``) is several measures of one indicator: each becomes a KPI of its own, named
after its label (or unit, or position), so that each can be measured; a finding says when the values
cannot be paired or told apart. A relative target (+20%, 現状維持以上) is resolved against its baseline.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, replace
from functools import lru_cache

from renkei.domain.direction import infer_direction
from renkei.domain.finding import Finding, Severity
from renkei.domain.plan import KPI
from renkei.domain.quantity import Quantity, QuantityKind, Relation
from renkei.domain.relative import resolve_target
from renkei.domain.text import fold
from renkei.reading.budget import read_header_year
from renkei.reading.layout import Row, RowKind
from renkei.reading.markup import is_ditto, to_text
from renkei.reading.period import find_period
from renkei.reading.quantity import read_quantity

_HEADERS = (("indicator", re.compile(r"指標|項目")), ("baseline", re.compile(r"現状|基準|現況|実績")),
            ("target", re.compile(r"目標")), ("unit", re.compile(r"^単位")))
_NO_TARGET = frozenset({"なし", "無し", "未設定", "設定なし"})
_LABEL = re.compile(r"^([^\d▲△+\-−±()]{1,16}?)\s*[:：]?\s*(?=[\d▲△+\-−±])")
_MEASURE_SEPARATORS = " \u3000、／;；"
_SEPARATOR = re.compile(f"[{_MEASURE_SEPARATORS}]")
_DIGIT = re.compile(r"\d")
_TRAILING_PERIOD = re.compile(r"[（(][^()（）]*[)）]$")
_RATE_WORDS = re.compile(r"(?:年間|毎年度?|各年度|月間|毎月|年|月|約|延べ|計|合計)+")


@dataclass
class _RawKpi:
    """One KPI row's cells, after 〃 is resolved."""

    indicator: str
    baseline: str
    target: str
    line: int
    unit: str = ""
    same_as_above: bool = False
    ditto_below: bool = False


def _header_columns(row: Row) -> dict[str, int]:
    return dict(_columns_of(row.cells))


@lru_cache(maxsize=4096)  # KPI header rows repeat from sheet to sheet
def _columns_of(cells: tuple[str, ...]) -> tuple[tuple[str, int], ...]:
    """Find the indicator, baseline, target and unit columns of a KPI header row.

    Columns headed by a year alone (``指標 | 2015年度 | 2020年度``) are the baseline (the first) and the
    target (the last).

    >>> _columns_of(("KPI", "指標", "2015年度", "2020年度"))
    (('indicator', 1), ('baseline', 2), ('target', 3))
    """
    columns: dict[str, int] = {}
    years: list[int] = []
    for index, cell in enumerate(cells[1:], 1):
        if not cell:
            continue
        folded = fold(cell)
        for name, pattern in _HEADERS:
            if name not in columns and pattern.search(folded):
                columns[name] = index
                break
        else:
            if read_header_year(cell) is not None:
                years.append(index)
    if "baseline" not in columns and "target" not in columns and len(years) >= 2:
        columns["baseline"], columns["target"] = years[0], years[-1]
    return tuple(sorted(columns.items(), key=lambda item: item[1]))


def _header_years(row: Row, columns: dict[str, int]) -> dict[str, Quantity]:
    """Return the period a 現状値 or 目標値 header names (現状値（H27）), by column name."""
    return dict(_years_of(tuple(row.cells[columns[n]] if n in columns else "" for n in ("baseline", "target"))))


@lru_cache(maxsize=4096)
def _years_of(cells: tuple[str, str]) -> tuple[tuple[str, Quantity], ...]:
    years: list[tuple[str, Quantity]] = []
    for name, raw in zip(("baseline", "target"), cells, strict=True):
        cell = unicodedata.normalize("NFKC", raw)
        if _DIGIT.search(cell) and (period := find_period(cell)) is not None:
            # 現状値(H27), 目標値(2020年), 平成27年度(実績), 2015年度: the header's period alone
            years.append((name, read_quantity(cell[period.start : period.end])))
    return tuple(years)


def _assign(row: Row, columns: dict[str, int]) -> dict[str, str]:
    """Match a KPI row's cells to the header's columns; fall back to order (indicator, baseline, target)."""
    cells = row.nonempty()
    if len(columns) - ("unit" in columns) == 3:
        nearest = _nearest_columns(tuple(columns.items()), len(row.cells))
        assigned: dict[str, str] = {}
        for index, text in cells:
            name = nearest[index]
            if name in assigned:
                break
            assigned[name] = text
        else:
            return assigned
    return dict(zip(("indicator", "baseline", "target"), (c for _, c in cells), strict=False))


@lru_cache(maxsize=1024)
def _nearest_columns(columns: tuple[tuple[str, int], ...], width: int) -> tuple[str, ...]:
    """Return, for each cell position, the header column nearest to it (the leftmost of two as near)."""
    return tuple(min(columns, key=lambda c: (abs(c[1] - index), c[1]))[0] for index in range(width))


def _vertical(head: Row, rows: list[Row]) -> list[_RawKpi] | None:
    """Read KPIs written as label rows (指標 | …, 現状値 | …, 目標値 | …), or None when not so written."""
    found: list[_RawKpi] = []
    current: _RawKpi | None = None
    first_text = " ".join(c for _, c in head.nonempty(1))
    head_cells = head.nonempty(1)
    if head_cells and re.match(r"^(?:指標名?|現状値|基準値|目標値)", fold(head_cells[0][1])):
        rows = [Row(head.line, ("", *head.cells[1:])), *rows]  # 成果指標 | 指標 | 移住者数: a pair on the head row
    for row in rows:
        if row.kind is RowKind.KPI_PART:
            label, values = row.cells[0], [c for _, c in row.nonempty(1)]
        else:
            cells = row.nonempty()
            if not cells or not re.match(r"^(?:指標名?|現状値|基準値|目標値)", fold(cells[0][1])):
                continue
            label, values = cells[0][1], [c for _, c in cells[1:]]
        folded = fold(label)
        value = " ".join(values)
        if folded.startswith("指標"):
            current = _RawKpi(value, "", "", row.line)
            found.append(current)
            continue
        if current is None:
            current = _RawKpi(first_text, "", "", row.line)
            found.append(current)
        if folded.startswith(("現状", "基準")):
            current.baseline = value
        else:
            current.target = value
    return found or None


def read_kpi_rows(head: Row, more: list[Row]) -> tuple[list[_RawKpi], dict[str, Quantity], list[Finding]]:
    """Return a KPI block's rows (〃 resolved), the periods its header names, and findings."""
    findings: list[Finding] = []
    columns = _header_columns(head)
    vertical = _vertical(head, more) if len(columns) < 3 else None
    if vertical is not None:
        return vertical, {}, findings
    data_rows = [r for r in more if r.nonempty()]
    if len([c for c in columns if c != "unit"]) < 3 and len(head.nonempty(1)) >= 2:
        data_rows.insert(0, Row(head.line, ("", *head.cells[1:])))
        columns = {}
    if not data_rows:
        findings.append(Finding("kpi.missing", Severity.WARNING, "KPI（指標・現状値・目標値）の行がありません。",
                                line=head.line, suggestion="見出しの下の行に指標、現状値、目標値を書いてください。"))
    raws: list[_RawKpi] = []
    for row in data_rows:
        values = _assign(row, columns)
        raw = _RawKpi(values.get("indicator", ""), values.get("baseline", ""), values.get("target", ""), row.line,
                      values.get("unit", ""))
        above = raws[-1] if raws else None
        for name in ("indicator", "baseline", "target", "unit"):
            if is_ditto(getattr(raw, name)):
                if above is None:
                    findings.append(Finding("kpi.ditto_without_above", Severity.WARNING,
                                            f"「{getattr(raw, name)}」（同上）の上に繰り返す値がありません。",
                                            line=row.line, suggestion="値を書いてください。"))
                    setattr(raw, name, "")
                else:
                    setattr(raw, name, getattr(above, name))
                    if name == "indicator":
                        raw.same_as_above = above.ditto_below = True
        raws.append(raw)
    return raws, _header_years(head, columns), findings


def split_measures(text: str) -> list[tuple[str | None, str]]:
    """Split a cell holding several values into (label, text) measures; one value gives one measure.

    >>> split_measures("人口48.4% 面積34.5%")
    [('人口', '人口48.4%'), ('面積', '面積34.5%')]
    >>> split_measures("100人（令和7年度）")
    [(None, '100人（令和7年度）')]
    >>> split_measures("R6年度 1,234人")
    [(None, 'R6年度 1,234人')]
    """
    if not text or ("\n" not in text and not _SEPARATOR.search(text)):
        return [(None, text)]
    parts = [p for p in text.split("\n") if p.strip()]
    if len(parts) < 2:
        parts = _split_top_level(text)
    if len(parts) < 2 or not all(read_quantity(p).value is not None for p in parts):
        return [(None, text)]
    shared = _TRAILING_PERIOD.search(parts[-1])
    if shared and find_period(shared.group()) is not None:
        # 人口48.4% 面積34.5%（2015年）: the period written once belongs to every value
        parts = [p if find_period(p) is not None else p + shared.group() for p in parts]
    return [(_label(p), p) for p in parts]


def _split_top_level(text: str) -> list[str]:
    """Split on spaces, 、 and ／ outside brackets."""
    if not _SEPARATOR.search(text):
        return [text]
    parts: list[str] = []
    current: list[str] = []
    depth = 0
    for char in text:
        if char in "(（[【":
            depth += 1
        elif char in ")）]】" and depth:
            depth -= 1
        if depth == 0 and char in _MEASURE_SEPARATORS:
            if current:
                parts.append("".join(current))
            current = []
            continue
        current.append(char)
    if current:
        parts.append("".join(current))
    return [p for p in parts if p.strip()]


def _label(part: str) -> str | None:
    match = _LABEL.match(unicodedata.normalize("NFKC", part.strip()))
    if not match:
        return None
    label = match.group(1).strip(" :：・")
    return None if not label or _RATE_WORDS.fullmatch(label) else label


def _baseline_level(quantity: Quantity) -> Quantity:
    """A baseline written as a change (前年度比5%増) is the measured change: a level in %, not a target."""
    relative = quantity.relative
    if relative is None or relative.amount is None or relative.relation is Relation.SAME:
        return quantity
    unit = "%" if relative.relation is Relation.PERCENT else "倍" if relative.relation is Relation.RATIO else \
        relative.unit
    return replace(quantity, kind=QuantityKind.POINT, value=relative.amount, unit=unit)


def _with_header(quantity: Quantity, header: Quantity | None, unit: str) -> Quantity:
    """Give a value the year its column header names, and the 単位 column's unit, when it states neither."""
    if quantity.value is not None and quantity.unit is None and unit:
        quantity = replace(quantity, unit=unicodedata.normalize("NFKC", unit).strip())
    if header is not None and quantity.fiscal_year is None and quantity.kind is not QuantityKind.NONE \
            and header.fiscal_year is not None:
        quantity = replace(quantity, fiscal_year=header.fiscal_year, from_fiscal_year=header.from_fiscal_year,
                           calendar_year=header.calendar_year)
    return quantity


def _read_target(text: str) -> Quantity:
    if fold(text) in _NO_TARGET:  # a target of なし is no target, while a baseline of なし is zero
        return replace(read_quantity("-"), text=text, note=fold(text))
    return read_quantity(text or None)


def build_kpis(raws: list[_RawKpi], header_years: dict[str, Quantity]) -> tuple[list[KPI], list[Finding]]:
    """Turn KPI rows into KPIs: measures split, header years and units applied, relative targets resolved."""
    findings: list[Finding] = []
    groups: list[list[tuple[str | None, Quantity, Quantity, int]]] = []
    names: list[str] = []
    for raw in raws:
        indicator = to_text(raw.indicator)
        baseline_text, target_text = to_text(raw.baseline), to_text(raw.target)
        if not indicator:
            findings.append(Finding("kpi.no_indicator", Severity.ERROR, "KPIの指標名がありません。", line=raw.line))
        measures = _pair_measures(indicator, baseline_text, target_text, raw.line, findings)
        if len(measures) == 1 and measures[0][0] is None and (raw.same_as_above or raw.ditto_below):
            # One value: its label (延べ宿泊者数 52万人) names it if it turns out to be a measure under 〃.
            measures = [(_label(baseline_text) or _label(target_text), measures[0][1], measures[0][2])]
        read = [(label, _with_header(_baseline_level(b), header_years.get("baseline"), raw.unit),
                 _with_header(t, header_years.get("target"), raw.unit), raw.line) for label, b, t in measures]
        if raw.same_as_above and groups:
            groups[-1].extend(read)
        else:
            groups.append(read)
            names.append(indicator)
    kpis: list[KPI] = []
    for indicator, group in zip(names, groups, strict=True):
        labels = _measure_names(indicator, group, findings)
        for name, (label, baseline, target, line) in zip(labels, group, strict=True):
            if len(group) > 1:
                measure = label or (name[len(indicator) + 1 : -1] if name != indicator else indicator)
                baseline, target = replace(baseline, measure=measure), replace(target, measure=measure)
            target = resolve_target(baseline, target)
            kpis.append(KPI(indicator=name, baseline=baseline, target=target,
                            direction=infer_direction(name, baseline, target), line=line))
    return kpis, findings


def _pair_measures(indicator: str, baseline_text: str, target_text: str, line: int,
                   findings: list[Finding]) -> list[tuple[str | None, Quantity, Quantity]]:
    """Pair the measures of a baseline and a target cell (by label, else by position)."""
    baselines = split_measures(baseline_text)
    targets = split_measures(target_text)
    if len(baselines) == 1 and len(targets) == 1:
        return [(None, read_quantity(baseline_text or None), _read_target(target_text))]
    if len(baselines) == len(targets):
        by_label = {label: text for label, text in targets if label}
        pairs = []
        for position, (label, text) in enumerate(baselines):
            other = by_label.get(label) if label else None
            pairs.append((label or targets[position][0], text, other or targets[position][1]))
        return [(label, read_quantity(b), _read_target(t)) for label, b, t in pairs]
    single_target = _read_target(target_text)
    if len(targets) == 1 and single_target.value is None:
        # 人口48.4% 面積34.5% → 現状維持: the one aim applies to each measure.
        return [(label, read_quantity(text), single_target) for label, text in baselines]
    single_baseline = read_quantity(baseline_text or None)
    if len(baselines) == 1 and single_baseline.value is None:
        return [(label, single_baseline, _read_target(text)) for label, text in targets]
    findings.append(Finding(
        "kpi.measures_unmatched", Severity.WARNING,
        f"KPI「{indicator}」の現状値（{len(baselines)}つの値）と目標値（{len(targets)}つの値）の対応が分かりません。"
        "最初の値で読みました。", line=line,
        suggestion="値ごとに行を分けるか、「人口48.4% 面積34.5%」のように項目名を付けてください。"))
    return [(None, read_quantity(baseline_text or None), _read_target(target_text))]


def _measure_names(indicator: str, group: list[tuple[str | None, Quantity, Quantity, int]],
                   findings: list[Finding]) -> list[str]:
    """Name each measure's KPI: 指標（人口）, 指標（%）, or 指標（1） with a finding when nothing tells them apart."""
    if len(group) == 1:
        return [indicator]
    labels = [label for label, _, _, _ in group]
    named = [label for label in labels if label]
    if len(set(named)) == len(named) and len(named) >= len(labels) - 1 and named:
        # Every value labelled, or all but one: that one is the indicator itself (観光入込客数 / 〃 延べ宿泊者数).
        return [f"{indicator}（{label}）" if label else indicator for label in labels]
    units = [(t.unit or b.unit or "") for _, b, t, _ in group]
    if all(units) and len(set(units)) == len(units):
        return [f"{indicator}（{unit}）" for unit in units]
    findings.append(Finding(
        "kpi.measures_indistinct", Severity.WARNING,
        f"KPI「{indicator}」に{len(group)}つの値がありますが、項目名も単位も同じで区別できません。"
        "番号を付けて別の指標として読みました。", line=group[0][3],
        suggestion="値ごとに項目名（例: 人口48.4% 面積34.5%）を付けてください。"))
    return [f"{indicator}（{position}）" for position in range(1, len(group) + 1)]
