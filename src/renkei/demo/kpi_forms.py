"""Every form of KPI a vision states (a level, maintain, 累計, 毎年, 前年度比, an aim in words, 「-」) as sheet cells.

A synthetic document shows each form: :func:`set_kpi_form` writes one of these into a generated sheet's first KPI
row, so that every area made by ``renkei demo-data`` has at least one KPI of each form.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class KpiCells:
    """The cells of a KPI row that decide its form: indicator (指標), baseline (現状値) and target (目標値)."""

    form: str
    indicator: str
    baseline: str
    target: str


#: One KPI of each form, as a sheet writes it (the forms of :class:`renkei.domain.progress.KpiForm`; ``year_on_year``
#: is the every-year form judged against the previous year).
KPI_FORMS: tuple[KpiCells, ...] = (
    KpiCells("point", "圏域講座の参加者数", "120人（令和7年度）", "200人（令和12年度）"),
    KpiCells("maintain", "連絡調整会議の開催回数", "2回（令和7年度）", "2回（令和12年度）"),
    KpiCells("cumulative", "共同研修の実施件数", "5件（令和7年度）", "25件（令和12年度までの累計）"),
    KpiCells("every_year", "合同イベントの開催回数", "4回（令和7年度）", "6回/年（令和8年度～令和12年度）"),
    KpiCells("year_on_year", "圏域内の連携施設の利用者数", "12,000人（令和7年度）", "前年度比3%増"),
    KpiCells("qualitative", "事業に参加する自治体の数", "8市町", "参加自治体の増"),
    KpiCells("none", "圏域の連携体制の充実", "-", "-"),
)


def set_kpi_form(lines: list[str], cells: KpiCells) -> list[str]:
    """Return a sheet's lines with its first KPI row's indicator, baseline and target replaced by ``cells``.

    >>> sheet = ["事業名\\tX", "重要業績評価指数（KPI）\\t指標\\t現状値\\t\\t目標値", "\\t旧\\t1件\\t\\t2件"]
    >>> set_kpi_form(sheet, KPI_FORMS[6])[-1].split("\\t")
    ['', '圏域の連携体制の充実', '-', '', '-']
    """
    out = list(lines)
    for index, line in enumerate(out[:-1]):
        header = line.split("\t")
        if not header[0].startswith("重要業績"):
            continue
        columns = _columns(header)
        if columns is None:
            return out
        row = out[index + 1].split("\t")
        row += [""] * (len(header) - len(row))
        for column, text in zip(columns, (cells.indicator, cells.baseline, cells.target), strict=True):
            row[column] = text
        out[index + 1] = "\t".join(row)
        return out
    return out


def _columns(header: list[str]) -> tuple[int, int, int] | None:
    """Return the columns of 指標, 現状値 and 目標値 in a KPI header row (None when one is missing)."""
    found = [next((i for i, c in enumerate(header) if c.startswith(name)), None)
             for name in ("指標", "現状値", "目標値")]
    if any(i is None for i in found):
        return None
    indicator, baseline, target = (i for i in found if i is not None)
    return indicator, baseline, target
