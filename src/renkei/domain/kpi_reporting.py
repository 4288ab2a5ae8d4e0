"""What an actual of a KPI may be: the years it is reported for, its unit, and whether it is a number or a word.

Pure rules over a KPI as read, shared by the actuals import, the reporting rounds and the partners' workbooks.
"""

from __future__ import annotations

from renkei.domain.plan import KPI, Plan
from renkei.domain.progress import KpiForm
from renkei.domain.text import fold

#: KPI forms reported as a staff assessment (評価) rather than a number: an aim in words, or nothing measurable.
ASSESSED_FORMS = frozenset({KpiForm.QUALITATIVE, KpiForm.NONE})

#: Units of things that are counted: a negative figure of them is a typing error.
COUNT_UNITS = frozenset({"件", "回", "人", "社", "施設", "団体", "市町", "市町村", "箇所", "か所", "校", "店舗", "企業",
                         "世帯", "名", "組", "台", "本", "棟", "事業", "自治体", "市", "町", "村", "戸", "隻", "機"})


def kpi_range(plan: Plan, kpi: KPI) -> tuple[int, int]:
    """Return the fiscal years a KPI takes actuals for: the plan period, widened by its own years."""
    low = [plan.first_year, *(y for y in (kpi.baseline.fiscal_year, kpi.target.from_fiscal_year) if y)]
    high = [plan.last_year, *(y for y in (kpi.target.fiscal_year,) if y)]
    return min(low), max(high)


def fold_unit(text: str | None) -> str:
    """Fold a unit for comparison (width, white space).

    >>> fold_unit("％") == fold_unit("%"), fold_unit(" 回 / 年 ")
    (True, '回/年')
    """
    return fold(text or "")


def kpi_units(kpi: KPI) -> set[str]:
    """Return the units a KPI's figures may be given in, folded (its target's and baseline's, with their /per)."""
    units: set[str] = set()
    for quantity in (kpi.target, kpi.baseline):
        if quantity.unit:
            units.add(fold_unit(quantity.unit))
            if quantity.per:
                units.add(fold_unit(f"{quantity.unit}/{quantity.per}"))
    return units
