"""Cell markup: HTML list and paragraph fragments and 「・」「●」 bullets turned into plain items."""

from __future__ import annotations

import html
import re
import unicodedata
from functools import lru_cache
from html.parser import HTMLParser

_BULLET = "・●○◯◆◇■□•‣∙*"
_INLINE_BULLET = re.compile(rf"(?:^|\s+)[{re.escape(_BULLET)}]\s*")
_TAG = re.compile(r"<[^>]*>")
_SPACE = re.compile(r"[ \t\u3000]+")
_SIMPLE_ITEM = re.compile(r"<(?:li|p)(?:\s[^<>]*)?>([^<>]*)</(?:li|p)>")
_SIMPLE_BLOCKS = re.compile(
    r"\s*(?:<ul(?:\s[^<>]*)?>\s*(?:<li(?:\s[^<>]*)?>[^<>]*</li>\s*)*</ul>"
    r"|(?:<p(?:\s[^<>]*)?>[^<>]*</p>\s*)+)\s*"
)


class _BlockParser(HTMLParser):
    """Collect the text of <li> and <p> blocks; text outside them is a block of its own."""

    _BLOCKS = frozenset({"li", "p", "div", "br", "ul", "ol", "tr", "td", "th"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[str] = []
        self._current: list[str] = []

    def _flush(self) -> None:
        text = "".join(self._current).strip()
        if text:
            self.blocks.append(text)
        self._current = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self._BLOCKS:
            self._flush()

    def handle_endtag(self, tag: str) -> None:
        if tag in self._BLOCKS:
            self._flush()

    def handle_data(self, data: str) -> None:
        self._current.append(data)

    def close(self) -> None:
        super().close()
        self._flush()


#: Marks that repeat the cell above (ditto): 〃 and its look-alikes, 同上.
DITTO_MARKS = frozenset({"〃", "”", "\"", "''", "同上", "々", "ゝ"})


def is_ditto(text: str) -> bool:
    """Tell whether a cell only says "the same as above" (「〃」「同上」).

    >>> is_ditto("〃"), is_ditto(" 同上 "), is_ditto("〃の拡充")
    (True, True, False)
    """
    text = text.strip()
    return 0 < len(text) <= 4 and "".join(unicodedata.normalize("NFKC", text).split()) in DITTO_MARKS


def _clean(text: str) -> str:
    if "  " not in text and "\t" not in text and "\u3000" not in text:
        return text.strip()  # no run of spaces to fold (most cells)
    return _SPACE.sub(" ", text).strip()


def split_blocks(cell: str) -> list[str]:
    """Split a cell into its HTML blocks (list items, paragraphs), tags removed and entities decoded.

    >>> split_blocks('<ul style="x"> <li>A</li> <li>B &amp; C</li> </ul>')
    ['A', 'B & C']
    >>> split_blocks('<p>一段落目</p> <p>二段落目</p>')
    ['一段落目', '二段落目']
    >>> split_blocks('plain text')
    ['plain text']
    """
    if "<" not in cell:
        text = _clean(html.unescape(cell))
        return [text] if text else []
    if _SIMPLE_BLOCKS.fullmatch(cell):
        # The shapes word processors export (<ul><li>…</li></ul>, <p>…</p>) need no full parser.
        return [b for b in (_clean(html.unescape(x)) for x in _SIMPLE_ITEM.findall(cell)) if b]
    parser = _BlockParser()
    try:
        parser.feed(cell)
        parser.close()
    except Exception:  # html.parser is lenient; this is a last resort for pathological input
        text = _clean(html.unescape(_TAG.sub(" ", cell)))
        return [text] if text else []
    return [b for b in (_clean(x) for x in parser.blocks) if b]


def split_items(cell: str) -> list[str]:
    """Split a cell into list items: HTML <li> blocks, then inline 「・」「●」 bullets, bullets removed.

    A 「・」 inside a word (整備・運用, U・Iターン) is not a bullet: only one at the start or after a space is.

    >>> split_items('<ul> <li>・安全性の向上</li> <li>・利便性の向上</li> </ul>')
    ['安全性の向上', '利便性の向上']
    >>> split_items('・移住人口の増加 ・首都圏における圏域の認知度向上')
    ['移住人口の増加', '首都圏における圏域の認知度向上']
    >>> split_items('・ 研修の実施に向けた企画・検討を行う。 ・ 研修にかかる事務局を担当する。')
    ['研修の実施に向けた企画・検討を行う。', '研修にかかる事務局を担当する。']
    >>> split_items('地域経済の活性化')
    ['地域経済の活性化']
    >>> split_items('')
    []
    """
    return list(_items(cell))


@lru_cache(maxsize=32768)  # pure; cells such as 「・本事業を推進する。」 repeat across sheets
def _items(cell: str) -> tuple[str, ...]:
    items: list[str] = []
    for block in split_blocks(cell):
        for part in _INLINE_BULLET.split(block):
            part = _clean(part)
            if part:
                items.append(part)
    return tuple(items)


@lru_cache(maxsize=32768)
def to_text(cell: str) -> str:
    """Return a cell as plain text: blocks become lines, tags are removed.

    >>> to_text('<p>国は…</p> <p>その中で…</p>')
    '国は…\\nその中で…'
    >>> to_text('  事業を推進する。 ')
    '事業を推進する。'
    """
    return "\n".join(split_blocks(cell))
