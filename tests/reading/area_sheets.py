"""Sheets of the kind an area already keeps (laid out as renkei never writes them), and the plan they report on.

The workbook has title rows above its header, years across as 令和4年度 / 令和5年度 / 令和6年度, a target column that
is not an actual, a grade column (評価), a note column, 集計中 / ― / ▲ / △ cells, numbers stored as numbers and as
text, one misspelt indicator that the near-name rule matches (路線バス利用者数（延べ）) and one that it must not
(市民満足度調査の回答率). Built with xlsxwriter, as a city's Excel would save it.
"""

from __future__ import annotations

import io
from collections.abc import Sequence

import xlsxwriter

from renkei.domain.plan import KPI, Partners, Plan, Project
from renkei.domain.quantity import Direction, Quantity, QuantityKind

TOURISM, MIGRATION, TRANSPORT = "観光振興事業", "移住促進事業", "公共交通利用促進事業"
VISITORS, CONSULTATIONS, RIDERS, BALANCE = "観光入込客数", "移住相談件数", "路線バス利用者数", "運行収支"


def kpi(indicator: str, unit: str, target: float, baseline_year: int = 2018) -> KPI:
    """Build a KPI with a baseline of an earlier year (so that earlier years take actuals) and a 2026 target."""
    return KPI(
        indicator=indicator,
        baseline=Quantity(f"1{unit}（{baseline_year}年度）", QuantityKind.POINT, value=1, unit=unit,
                          fiscal_year=baseline_year),
        target=Quantity(f"{target:,}{unit}（令和8年度）", QuantityKind.POINT, value=target, unit=unit,
                        fiscal_year=2026),
        direction=Direction.INCREASE,
    )


def area_projects(build: object) -> tuple[Project, ...]:
    """Return the three projects of the plan (FY2022-2026) the sheets report on."""
    partners = Partners("行橋市", ("行橋市",), ("402133",))
    make = build.project  # type: ignore[attr-defined]
    return (
        make(TOURISM, line=2, partners=partners, kpis=(kpi(VISITORS, "人", 50000),)),
        make(MIGRATION, line=20, partners=partners, kpis=(kpi(CONSULTATIONS, "件", 300),)),
        make(TRANSPORT, line=40, partners=partners, kpis=(kpi(RIDERS, "人", 2000), kpi(BALANCE, "千円", 0))),
    )


def area_plan(build: object) -> Plan:
    """Return the plan (FY2022-2026) of the three projects."""
    return build.plan(*area_projects(build), first_year=2022)  # type: ignore[attr-defined,no-any-return]


HEADER = ("No", "事業名", "成果指標", "単位", "目標値（R8）", "令和4年度", "令和5年度", "令和6年度", "評価", "備考")
#: The first file: figures as the area published them (row 5 is the first data row).
FIRST: tuple[tuple[object, ...], ...] = (
    (1, TOURISM, VISITORS, "人", 50000, "41,200", 45300, "集計中", "B", "速報値"),
    (2, MIGRATION, CONSULTATIONS, "件", 300, 120, "１５０", "180件", "A", ""),
    (3, TRANSPORT, "路線バス利用者数（延べ）", "人", 2000, 1000, "約30", 1200, "C", ""),
    (4, "", BALANCE, "千円", 0, "▲500", "△200", "―", "D", ""),
    (5, TRANSPORT, "市民満足度調査の回答率", "%", 60, 40, 42, 45, "B", ""),
)
#: The next file of the same layout: other figures (FY2024 known now).
SECOND: tuple[tuple[object, ...], ...] = (
    (1, TOURISM, VISITORS, "人", 50000, "41,200", 45300, "47,100", "A", "確定値"),
    (2, MIGRATION, CONSULTATIONS, "件", 300, 120, 150, 210, "A", ""),
    (3, TRANSPORT, "路線バス利用者数（延べ）", "人", 2000, 1000, 1100, 1250, "B", ""),
    (4, "", BALANCE, "千円", 0, "▲500", "△200", "▲150", "C", ""),
)


def area_workbook(rows: Sequence[Sequence[object]] = FIRST, header: Sequence[str] = HEADER,
                  sheet: str = "実績一覧") -> bytes:
    """Write the area's workbook: two title rows, a blank row, the header (row 4) and the rows."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    cover = book.add_worksheet("表紙")
    cover.write(0, 0, "連携中枢都市圏ビジョン 取組状況報告書")
    worksheet = book.add_worksheet(sheet)
    worksheet.write(0, 0, "令和4～6年度 連携事業の成果指標 実績一覧")
    worksheet.write(1, 0, "（単位：各指標による。▲はマイナス）")
    for column, text in enumerate(header):
        worksheet.write_string(3, column, text)
    for number, row in enumerate(rows, start=4):
        for column, value in enumerate(row):
            if isinstance(value, int | float):
                worksheet.write_number(number, column, value)
            elif value != "":
                worksheet.write_string(number, column, str(value))
    book.close()
    return buffer.getvalue()


#: One row per KPI and year, with 平成 and 令和 years (a CSV kept by another city).
YEAR_ROWS_CSV = (
    "年度,指標名,実績,コメント\n"
    f"平成30年度,{VISITORS},\"38,000\",\n"
    f"令和元年度,{VISITORS},39500,台風の影響あり\n"
    f"R2,{VISITORS},未公表,\n"
    f"H31,{CONSULTATIONS},80,\n"
    f"令和2年,{CONSULTATIONS},約90,\n"
    f"R3見込,{CONSULTATIONS},95,\n"
)
