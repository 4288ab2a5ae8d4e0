"""The policy areas of the national framework (連携中枢都市圏構想推進要綱), recognised under the names areas use.

Every 連携中枢都市圏 arranges its projects under the framework's three policy areas, the third with three
sub-areas, but each vision names and numbers them its own way (「圏域全体の経済成長のけん引」,
「播磨圏域の経済の活性化」, 「(2) 圏域内外の結びつきやネットワークの強化に係る政策分野」). Recognising
them lets plans of different areas be compared.
"""

from __future__ import annotations

import re
from enum import StrEnum
from functools import lru_cache

from renkei.domain.text import fold


class FrameworkArea(StrEnum):
    """A policy area of the national framework; the three sub-areas of ``life_services`` are dotted."""

    ECONOMIC_GROWTH = "economic_growth"  # 圏域全体の経済成長のけん引
    URBAN_FUNCTIONS = "urban_functions"  # 高次の都市機能の集積・強化
    LIFE_SERVICES = "life_services"  # 圏域全体の生活関連機能サービスの向上
    LIVING = "life_services.living"  # (ア) 生活機能の強化
    NETWORK = "life_services.network"  # (イ) 結びつきやネットワークの強化
    MANAGEMENT = "life_services.management"  # (ウ) 圏域マネジメント能力の強化

    @property
    def label_ja(self) -> str:
        """Return the framework's own name for the area."""
        return _LABELS[self]

    @property
    def order(self) -> int:
        """Return the area's number in the framework (1-3; a sub-area's number among the three sub-areas).

        >>> FrameworkArea.NETWORK.order
        2
        """
        return _ORDER[self]


_LABELS = {
    FrameworkArea.ECONOMIC_GROWTH: "圏域全体の経済成長のけん引",
    FrameworkArea.URBAN_FUNCTIONS: "高次の都市機能の集積・強化",
    FrameworkArea.LIFE_SERVICES: "圏域全体の生活関連機能サービスの向上",
    FrameworkArea.LIVING: "生活機能の強化",
    FrameworkArea.NETWORK: "結びつきやネットワークの強化",
    FrameworkArea.MANAGEMENT: "圏域マネジメント能力の強化",
}

_ORDER = {
    FrameworkArea.ECONOMIC_GROWTH: 1, FrameworkArea.URBAN_FUNCTIONS: 2, FrameworkArea.LIFE_SERVICES: 3,
    FrameworkArea.LIVING: 1, FrameworkArea.NETWORK: 2, FrameworkArea.MANAGEMENT: 3,
}

# Most specific first: 「生活関連機能サービスの向上」 contains neither sub-area's words, but a sub-area's
# heading may mention its parent.
_PATTERNS: tuple[tuple[FrameworkArea, re.Pattern[str]], ...] = (
    (FrameworkArea.MANAGEMENT, re.compile(r"マネジメント(?:能力)?の?(?:強化|向上)|行政(?:運営|能力)の(?:強化|向上)")),
    (FrameworkArea.NETWORK, re.compile(r"(?:結び付き|結びつき|つながり|ネットワーク)[^。]{0,8}(?:強化|形成|充実)")),
    (FrameworkArea.LIVING, re.compile(r"^(?:圏域の)?生活機能の(?:強化|充実|向上)")),
    (FrameworkArea.LIFE_SERVICES, re.compile(
        r"生活関連機能|生活関連サービス|安心[^。]{0,6}快適な圏域|住民[^。]{0,10}暮らし[^。]{0,6}(?:支え|向上)")),
    (FrameworkArea.URBAN_FUNCTIONS, re.compile(r"高次[^。]{0,3}都市機能|都市機能の集積|圏域の魅力の?向上")),
    (FrameworkArea.ECONOMIC_GROWTH, re.compile(
        r"経済成長|経済の?(?:けん引|牽引|活性化)|経済を(?:けん引|牽引)|産業の?(?:振興|活性化)による成長")),
)


@lru_cache(maxsize=1024)
def recognise_framework_area(name: str) -> FrameworkArea | None:
    """Return the national policy area a heading names, or None.

    >>> recognise_framework_area("圏域全体の経済成長のけん引に係る政策分野")
    <FrameworkArea.ECONOMIC_GROWTH: 'economic_growth'>
    >>> recognise_framework_area("播磨圏域の経済の活性化")
    <FrameworkArea.ECONOMIC_GROWTH: 'economic_growth'>
    >>> recognise_framework_area("高次の都市機能の集積・強化").value
    'urban_functions'
    >>> recognise_framework_area("圏域内外の結びつきやネットワークの強化に係る政策分野").value
    'life_services.network'
    >>> recognise_framework_area("圏域マネジメント能力の強化に係る政策分野").value
    'life_services.management'
    >>> recognise_framework_area("生活機能の強化に係る政策分野（医療）").value
    'life_services.living'
    >>> recognise_framework_area("住民に安心・快適な圏域づくり").value
    'life_services'
    >>> recognise_framework_area("地域公共交通") is None
    True
    """
    text = fold(name)
    text = re.sub(r"^[(\[【]?[\dA-Za-zア-ンⅠ-Ⅻ①-⑳]{1,3}[)\]】.:、]?", "", text)
    for area, pattern in _PATTERNS:
        if pattern.search(text):
            return area
    return None
