"""Vary the example's 30 project sheets (事業シート) into new sheets, deterministically for a seed.

Every generated sheet starts from one of the real sheets of ``examples/kitakyushu_vision_r8.txt`` (so the layouts
vary as in the real document: 7 or 8 columns, HTML lists or ・ bullets, one to three KPIs, several roles) and then
varies what a real plan varies: the project name, description and effects taken from other sheets, the partner
municipalities, the budget by fiscal year (amounts, 「—」, 未定, blanks) and the KPI figures. Policy-area headings and
【連携協約】 categories are inserted as in the example. The benchmarks (``benchmarks/generate.py``) and the synthetic
areas of ``renkei demo-data`` (:mod:`renkei.demo.vision`) both use it.
"""

from __future__ import annotations

import random
import re
from collections.abc import Sequence
from functools import cache
from importlib import resources

DEFAULT_SEED = 20260401
SHEETS_PER_CATEGORY = 25
SHEETS_PER_POLICY_AREA = 400

#: The example's area: the lead city first (北九州市 and its 17 partners).
KITAKYUSHU_MEMBERS = ("北九州市", "直方市", "行橋市", "豊前市", "中間市", "宮若市", "芦屋町", "水巻町", "岡垣町",
                      "遠賀町", "小竹町", "鞍手町", "香春町", "苅田町", "みやこ町", "吉富町", "上毛町", "築上町")
THEMES = ("圏域", "広域", "連携", "地域", "次世代", "スマート", "持続可能な", "官民連携による", "共同", "若者",
          "子育て世代", "高齢者", "観光", "防災", "脱炭素", "デジタル", "農林水産", "文化・スポーツ")
POLICY_AREAS = ("圏域全体の経済成長のけん引に係る政策分野", "高次の都市機能の集積・強化に係る政策分野",
                "圏域全体の生活関連機能サービスの向上に係る政策分野",
                "圏域内外の結びつきやネットワークの強化に係る政策分野", "圏域マネジメント能力の強化に係る政策分野")
CATEGORIES = ("地域公共交通", "情報通信技術インフラの整備", "交通インフラの整備及び維持", "地産地消",
              "交流及び移住の促進等", "災害対策", "環境", "上下水道", "人材の育成", "圏域の市町職員の交流")
_SHEET_LABELS = ("事業", "効果", "役割", "費用", "重要")
_FIGURE = re.compile(r"(?<![令和R\d.,])(\d[\d,]*)(?![\d年月～~])")


@cache
def example_text() -> str:
    """Return the bundled example document (the package's copy of examples/kitakyushu_vision_r8.txt)."""
    return resources.files("renkei").joinpath("data", "examples", "kitakyushu_vision_r8.txt").read_text(
        encoding="utf-8")


def read_example_sheets(text: str) -> list[list[list[str]]]:
    """Split a document into sheets, each a list of rows of tab-separated cells (headings left out).

    >>> sheets = read_example_sheets(example_text())
    >>> len(sheets), sheets[0][0][0]
    (30, '事業名')
    """
    sheets: list[list[list[str]]] = []
    current: list[list[str]] | None = None
    for line in text.splitlines():
        cells = line.split("\t")
        if cells[0] == "事業名":
            current = [cells]
            sheets.append(current)
        elif current is not None and (cells[0].startswith(_SHEET_LABELS) or (not cells[0] and line.strip())):
            current.append(cells)
        else:
            current = None
    return sheets


class SheetGenerator:
    """Make varied sheets from the example's sheets with a seeded random generator.

    ``members`` are the partner names the sheets may list (the lead city first); ``relist_rate`` is the share of
    sheets marked 【再掲】 (a relisted repeat); with 0 no sheet is one (an example's name marked so loses the mark).
    """

    def __init__(self, sheets: list[list[list[str]]], seed: int, *,
                 members: Sequence[str] = KITAKYUSHU_MEMBERS, relist_rate: float = 0.03) -> None:
        self.sheets = sheets
        self.rng = random.Random(seed)
        self.used_names: set[str] = set()
        self.members = tuple(members)
        self.relist_rate = relist_rate

    def _field(self, label: str) -> str:
        """Return the first cell of a row with this label from a random example sheet that fills it."""
        while True:
            sheet = self.rng.choice(self.sheets)
            for cells in sheet:
                if cells[0].startswith(label) and len(cells) > 1 and cells[1].strip():
                    return cells[1]

    def _name(self) -> str:
        base = self._field("事業名")
        if not self.relist_rate:
            base = base.replace("【再掲】", "").strip()
        theme = self.rng.choice(THEMES)
        name = f"{theme}{base}" if self.rng.random() < 0.8 and not base.startswith(theme) else base
        serial = 2
        unique = name
        while unique in self.used_names:
            unique = f"{name}（その{serial}）"
            serial += 1
        self.used_names.add(unique)
        return unique + ("【再掲】" if self.rng.random() < self.relist_rate else "")

    def _partners(self) -> str:
        lead, others = self.members[0], self.members[1:]
        roll = self.rng.random()
        if roll < 0.35:
            return "全市町"
        count = self.rng.randint(2, min(8, len(others) + 1))
        chosen = sorted(self.rng.sample(others, count - 1), key=self.members.index)
        names = "、".join((lead, *chosen))
        return names if roll < 0.9 else f"全市町（ただし{self.rng.choice(others)}を除く）"

    def _budget(self, width: int) -> list[str]:
        roll = self.rng.random()
        years: list[str]
        if roll < 0.4:
            years = [f"{self.rng.randint(50, 90_000):,}", "", "", "", ""]
        elif roll < 0.7:
            base = self.rng.randint(500, 60_000)
            years = [f"{int(base * self.rng.uniform(0.8, 1.2)):,}" for _ in range(5)]
        elif roll < 0.85:
            years = ["—"] * self.rng.choice((1, 5))
        elif roll < 0.95:
            years = ["未定"]
        else:
            years = [f"{self.rng.randint(100, 9_999):,}", "未定", "未定", "", ""]
        return ["", *years, *[""] * width][:width]

    def _figures(self, text: str) -> str:
        def replace(match: re.Match[str]) -> str:
            value = int(match.group(1).replace(",", "")) or 1
            new = max(0, int(value * self.rng.uniform(0.5, 2.0)))
            return f"{new:,}" if "," in match.group(1) else str(new)
        return _FIGURE.sub(replace, text)

    def make_sheet(self) -> list[str]:
        """Return the lines of one new sheet."""
        template = self.rng.choice(self.sheets)
        lines: list[str] = []
        in_budget = in_kpi = False
        # The partners cell sits under the 「連携市町」 header of the 事業名 row (column 6 or 7).
        partners_column = template[0].index("連携市町") if "連携市町" in template[0] else len(template[0]) - 1
        for cells in template:
            row = list(cells)
            label = row[0]
            if label:
                in_budget, in_kpi = label.startswith("事業費"), label.startswith("重要業績")
            if label == "事業名":
                row[1] = self._name()
            elif label == "事業内容":
                row[1] = self._field("事業内容")
                row[partners_column] = self._partners()
            elif label == "効果":
                row[1] = self._field("効果")
            elif not label and in_budget:
                row = self._budget(len(row))
            elif not label and in_kpi and len(row) > 4:
                row = [self._figures(cell) for cell in row]
            lines.append("\t".join(row))
        return lines


def headings_before(generator: SheetGenerator, index: int) -> list[str]:
    """Return the policy-area heading and 【連携協約】 category lines that come before sheet ``index``, if any."""
    lines: list[str] = []
    if index % SHEETS_PER_POLICY_AREA == 0:
        number = index // SHEETS_PER_POLICY_AREA + 1
        lines += [f"## ({number}) {POLICY_AREAS[(number - 1) % len(POLICY_AREAS)]}", ""]
    if index % SHEETS_PER_CATEGORY == 0:
        letter = "abcdefghijklmnopqrstuvwxyz"[(index // SHEETS_PER_CATEGORY) % 26]
        lines += ["【連携協約】\t", f"{letter} {generator.rng.choice(CATEGORIES)}\t", ""]
    return lines


def generate_document(sheets: int, seed: int = DEFAULT_SEED) -> str:
    """Return a vision document of the example's area with this many sheets, the same text for the same seed."""
    generator = SheetGenerator(read_example_sheets(example_text()), seed)
    lines = ["北九州都市圏域連携中枢都市圏ビジョン（ベンチマーク用生成データ）", ""]
    for index in range(sheets):
        lines += [*headings_before(generator, index), *generator.make_sheet(), ""]
    return "\n".join(lines) + "\n"
