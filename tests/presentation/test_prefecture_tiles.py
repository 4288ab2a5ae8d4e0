"""The prefecture tile map: 47 distinct tiles, counts where areas are, links only where there is something."""

from __future__ import annotations

import re

from renkei.presentation.prefecture_tiles import PREFECTURE_TILES, prefecture_code, render_prefecture_tiles


def test_47_prefectures_on_47_distinct_tiles() -> None:
    assert len(PREFECTURE_TILES) == 47 == len({name for name, _, _ in PREFECTURE_TILES})
    assert len({(c, r) for _, c, r in PREFECTURE_TILES}) == 47
    assert prefecture_code("沖縄県") == 47 and prefecture_code("東京都") == 13


def test_tiles_say_their_counts_and_link_only_where_areas_are() -> None:
    svg = render_prefecture_tiles({"福岡県": 2, "兵庫県": 1}, lambda name: f"#pref-{prefecture_code(name)}",
                                  label="都道府県ごとの圏域数", describe=lambda name, n: f"{name}：{n}圏域")
    links = re.findall(r'<a href="([^"]+)" aria-label="([^"]+)"', str(svg))
    assert links == [("#pref-28", "兵庫県：1圏域"), ("#pref-40", "福岡県：2圏域")]
    assert svg.count("<rect") == 47 and 'role="group"' in svg
    assert ">2</text>" in svg and "<script" not in svg
