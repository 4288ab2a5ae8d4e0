"""A synthetic area's vision document (連携中枢都市圏ビジョン) in the example's sheet format, with every KPI form.

The sheets are the example's, varied by :class:`renkei.demo.sheet_generator.SheetGenerator` for the area's members;
the first KPI of the first sheets takes each form of :data:`renkei.demo.kpi_forms.KPI_FORMS` in turn, so a plan of at
least ``len(KPI_FORMS)`` projects shows every form. The text is read by the normal reader (``renkei import``).
"""

from __future__ import annotations

from collections.abc import Sequence

from renkei.demo.kpi_forms import KPI_FORMS, set_kpi_form
from renkei.demo.sheet_generator import SheetGenerator, example_text, headings_before, read_example_sheets

#: Fewest projects a synthetic plan has: one per KPI form.
MIN_PROJECTS = len(KPI_FORMS)
#: Most projects ``renkei demo-data`` makes per area (the benchmarks make larger documents).
MAX_PROJECTS = 2000


def vision_title(area_name: str) -> str:
    """Return the first line of a synthetic area's document.

    >>> vision_title("（試験用）丸亀市連携中枢都市圏")
    '（試験用）丸亀市連携中枢都市圏ビジョン（試験用の架空のデータ）'
    """
    return f"{area_name}ビジョン（試験用の架空のデータ）"


def make_vision(area_name: str, members: Sequence[str], projects: int, seed: int) -> str:
    """Return a vision document of ``projects`` sheets for an area (members: names, the lead city first).

    The same arguments give the same text. No sheet is a 【再掲】 repeat, so every KPI is reported.

    >>> text = make_vision("（試験用）丸亀市連携中枢都市圏", ["丸亀市", "坂出市", "善通寺市", "観音寺市"], 7, 1)
    >>> text.count("事業名\\t"), "前年度比3%増" in text, text == make_vision(
    ...     "（試験用）丸亀市連携中枢都市圏", ["丸亀市", "坂出市", "善通寺市", "観音寺市"], 7, 1)
    (7, True, True)
    """
    generator = SheetGenerator(read_example_sheets(example_text()), seed, members=members, relist_rate=0.0)
    lead = members[0]
    lines = [vision_title(area_name), ""]
    for index in range(projects):
        sheet = generator.make_sheet()
        if index < len(KPI_FORMS):
            sheet = set_kpi_form(sheet, KPI_FORMS[index])
        # The example's sheets speak of 北九州市; a synthetic area's speak of its own lead city.
        lines += [*headings_before(generator, index), *(_own_lead(line, lead) for line in sheet), ""]
    return "\n".join(lines) + "\n"


def _own_lead(line: str, lead: str) -> str:
    """Return a line of the example with 北九州(市) replaced by the area's lead city.

    >>> _own_lead("北九州市U・Iターン応援プロジェクト（北九州都市圏域）", "丸亀市")
    '丸亀市U・Iターン応援プロジェクト（丸亀都市圏域）'
    """
    return line.replace("北九州市", lead).replace("北九州", lead.removesuffix("市"))
