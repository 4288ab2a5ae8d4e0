"""Municipality shares (市町村別の内訳) of a KPI: which KPIs add up across municipalities, and one town's figures.

A partner municipality reports its own part of a KPI (実績値:行橋市); the KPI's value is the sum of the
parts (:class:`renkei.domain.actual.Actual`). That only makes sense for a figure that adds up: counts,
amounts and levels such as a number of facilities. A rate (%, 倍, ポイント) does not add up, and a KPI in
words or with nothing measurable has no number at all, so those are reported by the lead city as a whole.
"""

from __future__ import annotations

from collections.abc import Sequence

from renkei.domain.actual import Actual, value_by_fiscal_year
from renkei.domain.plan import KPI
from renkei.domain.progress import KpiForm, classify_kpi, month_merge_for

#: Units of rates and scores: a municipality's share of them does not add up to the KPI's value.
RATE_UNITS = frozenset({"%", "％", "割", "倍", "ポイント", "pt", "点", "率"})
_NUMERIC_FORMS = frozenset({KpiForm.POINT, KpiForm.MAINTAIN, KpiForm.CUMULATIVE, KpiForm.EVERY_YEAR})


def takes_shares(kpi: KPI) -> bool:
    """Tell whether a KPI's value is the sum of the municipalities' figures (a count or an amount).

    >>> from renkei.domain.quantity import Quantity, QuantityKind
    >>> rate = Quantity("85.9%(令和12年度)", QuantityKind.POINT, value=85.9, unit="%", fiscal_year=2030)
    >>> count = Quantity("129施設", QuantityKind.POINT, value=129, unit="施設")
    >>> takes_shares(KPI("都市計画道路の整備率", rate, rate, None))
    False
    >>> takes_shares(KPI("自家消費PV導入施設数", count, count, None))
    True
    """
    if classify_kpi(kpi) not in _NUMERIC_FORMS:
        return False
    unit = kpi.target.unit or kpi.baseline.unit or ""
    return unit.strip() not in RATE_UNITS and not unit.strip().endswith("率")


def share_by_fiscal_year(kpi: KPI, actuals: Sequence[Actual], code: str) -> dict[int, float]:
    """Return one municipality's recorded share of a KPI by fiscal year (monthly shares folded as the KPI says).

    >>> from renkei.domain.quantity import Quantity, QuantityKind
    >>> count = Quantity("129施設", QuantityKind.POINT, value=129, unit="施設")
    >>> entries = [Actual(2026, by_municipality=(("401005", 40.0), ("402133", 5.0))), Actual(2027, 60)]
    >>> share_by_fiscal_year(KPI("PV導入施設数", count, count, None), entries, "402133")
    {2026: 5.0}
    """
    own = [Actual(a.fiscal_year, dict(a.by_municipality)[code], month=a.month)
           for a in actuals if code in dict(a.by_municipality)]
    return value_by_fiscal_year(own, months=month_merge_for(kpi))
