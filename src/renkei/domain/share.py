"""Municipality shares (市町村別の内訳) of a KPI, and the one rule that says when they make the area's figure.

A partner municipality reports its own share of a KPI (実績値:行橋市). A share is never the area's figure. The
area's figure for a year is either:

- **the total** (合計), entered by the lead city or the department assigned to the project; or
- **the sum of the shares**, when the KPI is set to be reported by shares (:attr:`ShareMode.SUM`), every
  partner that owes a share has reported, and the quantity adds up (counts, amounts, people: never rates,
  percentages or averages, :func:`takes_shares`).

Otherwise the figure is unknown, and the page says who has reported: 「18市町のうち1市町が報告（行橋市 5施設）」.
A stated total always wins over the sum. The rule is stated in ``docs/progress-rules.md``.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum

from renkei.domain.actual import Actual, value_by_fiscal_year
from renkei.domain.plan import KPI, Project
from renkei.domain.progress import KpiForm, classify_kpi, month_merge_for

#: Units of rates and scores: a municipality's share of them does not add up to the KPI's value.
RATE_UNITS = frozenset({"%", "％", "割", "倍", "ポイント", "pt", "点", "率"})
_NUMERIC_FORMS = frozenset({KpiForm.POINT, KpiForm.MAINTAIN, KpiForm.CUMULATIVE, KpiForm.EVERY_YEAR})


def takes_shares(kpi: KPI) -> bool:
    """Tell whether a KPI's value can be the sum of the municipalities' figures (a count or an amount).

    >>> from renkei.domain.quantity import Quantity, QuantityKind
    >>> rate = Quantity("85.9%(令和12年度)", QuantityKind.POINT, value=85.9, unit="%", fiscal_year=2030)
    >>> count = Quantity("129施設", QuantityKind.POINT, value=129, unit="施設")
    >>> per_month = Quantity("15,000人/月", QuantityKind.POINT, value=15000, unit="人", per="月")
    >>> takes_shares(KPI("都市計画道路の整備率", rate, rate, None))
    False
    >>> takes_shares(KPI("自家消費PV導入施設数", count, count, None))
    True
    >>> takes_shares(KPI("月平均の訪問者数", per_month, per_month, None))
    False
    """
    if classify_kpi(kpi) not in _NUMERIC_FORMS:
        return False
    if kpi.target.average or kpi.baseline.average or "月" in (kpi.target.per, kpi.baseline.per):
        return False  # an average (月平均, 人/月) does not add up across municipalities
    unit = (kpi.target.unit or kpi.baseline.unit or "").strip()
    return unit not in RATE_UNITS and not unit.endswith("率")


class ShareMode(StrEnum):
    """How a KPI's figure is made from what the lead city and the partners report."""

    TOTAL = "total"  # the lead city or the assigned department enters the total; shares are a breakdown
    SUM = "sum"  # every partner owes its share; the total is their sum once all are in

    @property
    def label_ja(self) -> str:
        """Return the Japanese label."""
        return "中心市・担当課が合計を入力" if self is ShareMode.TOTAL else "連携市町の内訳の合計"

    @property
    def label_en(self) -> str:
        """Return the English label."""
        return "the total, entered by the lead city" if self is ShareMode.TOTAL else "the sum of the partners' shares"


class FigureSource(StrEnum):
    """Where a year's figure comes from."""

    TOTAL = "total"  # entered as a total
    SUM = "sum"  # the sum of every owed share
    UNKNOWN = "unknown"  # not known yet (no total; shares missing, or they do not add up)


@dataclass(frozen=True, slots=True)
class ShareRule:
    """A KPI's stated rule: the mode, and (for :attr:`ShareMode.SUM`) the partners that owe a share, in order."""

    mode: ShareMode = ShareMode.TOTAL
    owed: tuple[str, ...] = ()

    @classmethod
    def of(cls, project: Project, kpi: KPI, mode: ShareMode | str = ShareMode.TOTAL) -> ShareRule:
        """Return a KPI's rule: shares are summed only when asked for, the KPI adds up and partners are known.

        >>> from renkei.domain.quantity import Quantity, QuantityKind
        >>> from renkei.domain.plan import Partners
        >>> count = Quantity("38施設", QuantityKind.POINT, value=38, unit="施設")
        >>> pv = KPI("自家消費PV導入施設数", count, count, None)
        >>> sheet = Project("PV導入", 1, partners=Partners("全市町", ("北九州市", "行橋市"), ("401005", "402133")),
        ...                 kpis=(pv,))
        >>> ShareRule.of(sheet, pv, "sum")
        ShareRule(mode=<ShareMode.SUM: 'sum'>, owed=('401005', '402133'))
        >>> ShareRule.of(sheet, pv).mode
        <ShareMode.TOTAL: 'total'>
        """
        chosen = ShareMode(mode)
        partners = project.partners
        resolved = len(partners.codes) == len(partners.municipalities) and not partners.unresolved
        if chosen is ShareMode.SUM and takes_shares(kpi) and resolved and partners.codes:
            return cls(ShareMode.SUM, tuple(dict.fromkeys(partners.codes)))
        return cls()

    def figure(self, records: Sequence[Actual]) -> float | None:
        """Return a period's figure from its records (the KPI's own and the shares); None when it is unknown."""
        return read_figure(self, records).value


@dataclass(frozen=True, slots=True)
class YearFigure:
    """The area's figure for a period, where it comes from, and the shares behind it (code → value)."""

    fiscal_year: int
    month: int | None
    value: float | None
    source: FigureSource
    shares: tuple[tuple[str, float], ...] = ()
    owed: tuple[str, ...] = ()

    @property
    def missing(self) -> tuple[str, ...]:
        """Return the partners that owe a share and have not reported it."""
        reported = {code for code, _ in self.shares}
        return tuple(code for code in self.owed if code not in reported)

    def to_dict(self, names: Mapping[str, str] | None = None) -> dict[str, object]:
        """Return the JSON form (``names``: municipality names by code)."""
        named = names or {}
        return {
            "fiscal_year": self.fiscal_year,
            "month": self.month,
            "value": self.value,
            "source": self.source.value,
            "shares": [{"municipality": code, "name": named.get(code), "value": value} for code, value in self.shares],
            "owed": list(self.owed),
            "missing": list(self.missing),
        }


def _latest_by_part(records: Iterable[Actual]) -> tuple[float | None, dict[str, float]]:
    total: float | None = None
    shares: dict[str, float] = {}
    for record in records:  # in the order they were made: a later record supersedes
        if record.value is None:
            continue
        if record.municipality is None:
            total = float(record.value)
        else:
            shares[record.municipality] = float(record.value)
    return total, shares


def read_figure(rule: ShareRule, records: Sequence[Actual]) -> YearFigure:
    """Make one period's figure from its records by the rule.

    >>> rule = ShareRule(ShareMode.SUM, ("401005", "402133"))
    >>> part = read_figure(rule, [Actual(2026, 5, municipality="402133")])
    >>> part.value, part.source.value, part.missing
    (None, 'unknown', ('401005',))
    >>> read_figure(rule, [Actual(2026, 5, municipality="402133"), Actual(2026, 33, municipality="401005")]).value
    38.0
    >>> read_figure(ShareRule(), [Actual(2026, 5, municipality="402133")]).value is None
    True
    >>> read_figure(rule, [Actual(2026, 5, municipality="402133"), Actual(2026, 40)]).source.value
    'total'
    """
    year, month = records[0].period if records else (0, None)
    total, shares = _latest_by_part(records)
    owed = rule.owed if rule.mode is ShareMode.SUM else ()
    ordered = tuple(sorted(shares.items(), key=lambda item: (owed.index(item[0]) if item[0] in owed else len(owed),
                                                             item[0])))
    if total is not None:
        return YearFigure(year, month, total, FigureSource.TOTAL, ordered, owed)
    if owed and all(code in shares for code in owed):
        value = math.fsum(shares[code] for code in owed)
        return YearFigure(year, month, value, FigureSource.SUM, ordered, owed)
    return YearFigure(year, month, None, FigureSource.UNKNOWN, ordered, owed)


def figures_by_period(rule: ShareRule, actuals: Sequence[Actual]) -> list[YearFigure]:
    """Return each period's figure, in fiscal-year and month order."""
    periods: dict[tuple[int, int | None], list[Actual]] = {}
    for actual in actuals:
        periods.setdefault(actual.period, []).append(actual)
    ordered = sorted(periods, key=lambda p: (p[0], -1 if p[1] is None else (p[1] - 4) % 12))
    return [read_figure(rule, periods[period]) for period in ordered]


def share_by_fiscal_year(kpi: KPI, actuals: Sequence[Actual], code: str) -> dict[int, float]:
    """Return one municipality's recorded share of a KPI by fiscal year (monthly shares folded as the KPI says).

    >>> from renkei.domain.quantity import Quantity, QuantityKind
    >>> count = Quantity("129施設", QuantityKind.POINT, value=129, unit="施設")
    >>> entries = [Actual(2026, 40, municipality="401005"), Actual(2026, 5, municipality="402133"), Actual(2027, 60)]
    >>> share_by_fiscal_year(KPI("PV導入施設数", count, count, None), entries, "402133")
    {2026: 5.0}
    """
    own = [Actual(a.fiscal_year, a.value, month=a.month) for a in actuals if a.municipality == code]
    return value_by_fiscal_year(own, months=month_merge_for(kpi))
