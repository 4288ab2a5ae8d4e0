"""Which fiscal years take actuals: a year whose reporting round is open, and never a year after the current one.

One rule for every channel (the entry form, its URL, the upload page, a partner's workbook and
``renkei actuals import``): an actual is a figure of a year that has ended or is under way, collected by a
round an administrator opened (or reopened) for that year. A forecast (見込み) is not an actual and is refused.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from renkei.domain.fiscal import format_fiscal_year


@dataclass(frozen=True, slots=True)
class ReportingYears:
    """The years actuals may be recorded for now.

    ``open_years`` are the fiscal years of the plan's open rounds; None when there are no rounds at all to ask
    (a document and an actuals file read together, outside the database), where only the current year binds.
    """

    current_year: int
    open_years: frozenset[int] | None = None

    @classmethod
    def of(cls, current_year: int, open_years: Iterable[int] | None) -> ReportingYears:
        """Build from the current fiscal year and the years of the open rounds (None: no rounds to ask)."""
        return cls(current_year, None if open_years is None else frozenset(open_years))

    def refusal(self, year: int) -> tuple[str, str] | None:
        """Say why a year takes no actual now (Japanese, English), or None when it does.

        >>> years = ReportingYears(2026, frozenset({2026}))
        >>> years.refusal(2026) is None
        True
        >>> years.refusal(2030)[0]
        '令和12年度（2030）はまだ始まっていません（今年度は令和8年度（2026））。見込み値は実績として記録できません'
        >>> years.refusal(2025)[1]
        'FY2025 has no open reporting round (open: FY2026); an administrator opens or reopens it'
        >>> ReportingYears(2026).refusal(2025) is None
        True
        """
        if year > self.current_year:
            now_ja, now_en = format_fiscal_year(self.current_year), format_fiscal_year(self.current_year, "en")
            return (f"{format_fiscal_year(year)}はまだ始まっていません（今年度は{now_ja}）。"
                    "見込み値は実績として記録できません",
                    f"{format_fiscal_year(year, 'en')} has not begun (this is {now_en}); a forecast is not an actual")
        if self.open_years is None or year in self.open_years:
            return None
        listed_ja = "、".join(format_fiscal_year(y) for y in sorted(self.open_years)) or "なし"
        listed_en = ", ".join(format_fiscal_year(y, "en") for y in sorted(self.open_years)) or "none"
        return (f"{format_fiscal_year(year)}の実績報告は受け付けていません（受付中: {listed_ja}）。"
                "管理者が報告の受付を開始（または再開）すると入力できます",
                f"{format_fiscal_year(year, 'en')} has no open reporting round (open: {listed_en}); "
                "an administrator opens or reopens it")
