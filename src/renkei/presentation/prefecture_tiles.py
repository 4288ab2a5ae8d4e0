"""Japan as 47 tiles: one square per prefecture, placed roughly where it lies, shaded by how many areas it has.

A tile map shows every prefecture at the same size, so a small prefecture with three areas is as visible as a large
one with none. It is drawn here as SVG on the server (no script), each tile a link to the prefecture's line of the list
below it, which says the same in words (the map is never the only way to read it).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from markupsafe import Markup, escape

#: Each prefecture in JIS order (code = position + 1): its name and its tile's column and row.
PREFECTURE_TILES: tuple[tuple[str, int, int], ...] = (
    ("北海道", 11, 0), ("青森県", 11, 1), ("岩手県", 11, 2), ("宮城県", 11, 3), ("秋田県", 10, 2),
    ("山形県", 10, 3), ("福島県", 10, 4), ("茨城県", 11, 5), ("栃木県", 10, 5), ("群馬県", 9, 5),
    ("埼玉県", 9, 6), ("千葉県", 11, 6), ("東京都", 10, 6), ("神奈川県", 10, 7), ("新潟県", 9, 4),
    ("富山県", 8, 4), ("石川県", 7, 4), ("福井県", 6, 5), ("山梨県", 8, 6), ("長野県", 8, 5),
    ("岐阜県", 7, 5), ("静岡県", 7, 7), ("愛知県", 7, 6), ("三重県", 6, 7), ("滋賀県", 6, 6),
    ("京都府", 5, 6), ("大阪府", 4, 7), ("兵庫県", 4, 6), ("奈良県", 5, 7), ("和歌山県", 5, 8),
    ("鳥取県", 3, 6), ("島根県", 2, 6), ("岡山県", 3, 7), ("広島県", 2, 7), ("山口県", 1, 6),
    ("徳島県", 4, 9), ("香川県", 4, 8), ("愛媛県", 3, 8), ("高知県", 3, 9), ("福岡県", 1, 7),
    ("佐賀県", 0, 7), ("長崎県", 0, 8), ("熊本県", 1, 8), ("大分県", 2, 8), ("宮崎県", 2, 9),
    ("鹿児島県", 1, 9), ("沖縄県", 0, 10),
)
TILE, GAP = 44, 3
#: Fills by number of areas (0, 1, 2, 3 or more): light enough that the dark text keeps 7:1 or better.
FILLS = ("#eef1f4", "#cfe0f1", "#a9c8e8", "#86b1de")
TEXT = "#1a1a1a"


def prefecture_code(name: str) -> int | None:
    """Return a prefecture's JIS code by its name (None when it is not one).

    >>> prefecture_code("福岡県"), prefecture_code("北海道"), prefecture_code("福岡")
    (40, 1, None)
    """
    return next((i + 1 for i, (known, _, _) in enumerate(PREFECTURE_TILES) if known == name), None)


def short_name(name: str) -> str:
    """Return a prefecture's name without 都・府・県 (北海道 stays whole).

    >>> short_name("神奈川県"), short_name("東京都"), short_name("北海道")
    ('神奈川', '東京', '北海道')
    """
    return name if name == "北海道" else name[:-1]


def render_prefecture_tiles(counts: Mapping[str, int], href: Callable[[str], str], *, label: str,
                            describe: Callable[[str, int], str]) -> Markup:
    """Return the tile map as SVG: each prefecture's short name and number of areas, linking to ``href(name)``.

    ``describe(name, count)`` is each tile's accessible name (「福岡県：2圏域」); ``label`` the whole map's.
    """
    columns = max(c for _, c, _ in PREFECTURE_TILES) + 1
    rows = max(r for _, _, r in PREFECTURE_TILES) + 1
    step = TILE + GAP
    parts = [f'<svg class="prefecture-tiles" viewBox="0 0 {columns * step} {rows * step}" role="group" '
             f'aria-label="{escape(label)}" xmlns="http://www.w3.org/2000/svg">']
    for name, column, row in PREFECTURE_TILES:
        count = counts.get(name, 0)
        x, y = column * step, row * step
        fill = FILLS[min(count, len(FILLS) - 1)]
        words = escape(describe(name, count))
        tile = (f'<rect x="{x}" y="{y}" width="{TILE}" height="{TILE}" rx="4" fill="{fill}" stroke="#6b7785" '
                f'stroke-width="{1.5 if count else 0.5}"/>'
                f'<text x="{x + TILE / 2}" y="{y + 18}" text-anchor="middle" font-size="11" fill="{TEXT}">'
                f'{escape(short_name(name))}</text>'
                f'<text x="{x + TILE / 2}" y="{y + 35}" text-anchor="middle" font-size="13" font-weight="bold" '
                f'fill="{TEXT}">{count if count else ""}</text>')
        if count:
            parts.append(f'<a href="{escape(href(name))}" aria-label="{words}"><title>{words}</title>{tile}</a>')
        else:
            parts.append(f'<g aria-hidden="true">{tile}</g>')
    parts.append("</svg>")
    return Markup("".join(parts))
