"""Relative targets (+20%, 50%増, 1.1倍, 対26年度比, 現状維持以上) resolved against the KPI's baseline.

A relative target names no value of its own: it is resolved against the baseline when the baseline is a
number in a unit the target can be applied to, and then judged like any other level (a ``same`` target
becomes a level to hold: the maintain rule). A target measured from another year than the baseline's
(対26年度比 under a 令和6年度 baseline), or from each previous year (前年度比), or over a baseline
without a number, stays unresolved: the text, the relation and the direction are kept, and progress is
judged on the direction alone (see :mod:`renkei.domain.level_rule`).
"""

from __future__ import annotations

import math
from dataclasses import replace

from renkei.domain.quantity import Basis, Direction, Qualifier, Quantity, QuantityKind, Relation, Relative

#: Units where a smaller number is better: a ranking (6位 → 3位).
LOWER_IS_BETTER_UNITS = frozenset({"位"})
#: Units of a change that apply to a per-cent baseline (0.3ポイント増 on 84.5%).
_POINT_UNITS = frozenset({"ポイント", "pt", "%"})


def _tidy(value: float) -> float:
    """Drop floating-point noise: 110.00000000000001 -> 110.0."""
    return float(f"{value:.12g}")


def unresolved_reason(baseline: Quantity, target: Quantity) -> str | None:
    """Say why a relative target cannot be resolved against this baseline (None when it can or is absolute).

    >>> from renkei.domain.quantity import Relative
    >>> t = Quantity("20%増", QuantityKind.QUALITATIVE, relative=Relative(Relation.PERCENT, 20))
    >>> unresolved_reason(Quantity("-", QuantityKind.NONE), t)
    'baseline_not_numeric'
    >>> unresolved_reason(Quantity("100人", QuantityKind.POINT, value=100, unit="人"), t) is None
    True
    """
    relative = target.relative
    if relative is None:
        return None
    if relative.basis is Basis.PREVIOUS_YEAR:
        return "previous_year"
    if baseline.value is None or not math.isfinite(baseline.value):
        return "baseline_not_numeric"
    if baseline.kind is QuantityKind.CUMULATIVE:
        return "baseline_cumulative"
    if (relative.basis is Basis.FISCAL_YEAR and baseline.fiscal_year is not None
            and relative.basis_year != baseline.fiscal_year):
        return "basis_year_differs"
    if relative.relation is Relation.CHANGE and relative.unit and baseline.unit:
        same = relative.unit == baseline.unit or (relative.unit in _POINT_UNITS and baseline.unit == "%")
        if not same:
            return "unit_differs"
    return None


def resolve_target(baseline: Quantity, target: Quantity) -> Quantity:
    """Resolve a relative target against a numeric baseline; return any other target unchanged.

    >>> from renkei.domain.quantity import Relative
    >>> base = Quantity("1,000人（令和6年度）", QuantityKind.POINT, value=1000, unit="人", fiscal_year=2024)
    >>> t = Quantity("20%増（令和12年度）", QuantityKind.QUALITATIVE, fiscal_year=2030,
    ...              direction=Direction.INCREASE, relative=Relative(Relation.PERCENT, 20))
    >>> r = resolve_target(base, t)
    >>> (r.value, r.unit, r.kind.value, r.fiscal_year, r.relative.relation.value)
    (1200.0, '人', 'point', 2030, 'percent')
    >>> same = Quantity("現状維持以上", QuantityKind.QUALITATIVE, qualifier=Qualifier.AT_LEAST,
    ...                 direction=Direction.MAINTAIN, relative=Relative(Relation.SAME))
    >>> r = resolve_target(base, same)
    >>> (r.value, r.unit, r.qualifier.value, r.direction.value)
    (1000.0, '人', 'at_least', 'maintain')
    >>> fall = Quantity("△10%以内", QuantityKind.POINT, value=-10, unit="%", qualifier=Qualifier.AT_LEAST)
    >>> r = resolve_target(base, fall)
    >>> (r.value, r.unit, r.qualifier.value, r.relative.relation.value)
    (900.0, '人', 'at_least', 'percent')
    """
    relative = target.relative
    if (relative is None and target.unit == "%" and target.value is not None and target.value < 0
            and baseline.value is not None and baseline.unit not in (None, "%")):
        # △10%以内 under 12万人: a fall of the baseline, not a share of −10 per cent.
        relative = Relative(Relation.PERCENT, target.value)
        target = replace(target, relative=relative, value=None, unit=None, kind=QuantityKind.QUALITATIVE)
    if relative is None:
        return target
    if relative.relation is Relation.RATIO and baseline.unit == "倍":
        # 有効求人倍率 1.2倍 → 1.5倍: a ratio that is itself the level, not a multiple of the baseline.
        return replace(target, relative=None)
    if unresolved_reason(baseline, target) is not None or baseline.value is None:
        return target
    value = relative.apply(baseline.value)
    if value is None or not math.isfinite(value):
        return target
    qualifier = target.qualifier
    direction = target.direction
    if relative.relation is Relation.SAME:
        direction = Direction.MAINTAIN
        if baseline.unit in LOWER_IS_BETTER_UNITS and qualifier in (None, Qualifier.AT_LEAST):
            qualifier = Qualifier.AT_MOST  # 上位を維持 / 現状以上 for a ranking: no worse a place
    every_year = target.per is not None or (baseline.kind is QuantityKind.EVERY_YEAR and target.fiscal_year is None)
    return replace(
        target,
        kind=QuantityKind.EVERY_YEAR if every_year and target.kind is not QuantityKind.CUMULATIVE else
        QuantityKind.POINT,
        value=_tidy(value),
        unit=baseline.unit,
        per=target.per or baseline.per,
        qualifier=qualifier,
        direction=direction,
    )
