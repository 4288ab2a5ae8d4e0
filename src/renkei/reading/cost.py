"""Cost-sharing text (費用負担の基本方針) classified into a small vocabulary, the text kept."""

from __future__ import annotations

import re
from functools import lru_cache

from renkei.domain.plan import CostBasis, CostPrinciple, CostSharing
from renkei.domain.text import fold
from renkei.reading.markup import split_items

_SENTENCE_END = re.compile(r"(?<=。)")

# Order matters: the first rule that matches a sentence classifies it.
_RULES: tuple[tuple[CostBasis, re.Pattern[str]], ...] = (
    (CostBasis.NO_COST, re.compile(
        r"(発生(する|しない)?こと?を?想定して(い)?ない|負担(は)?(発生し|生じ)ない|費用は(発生|生じ)しない|負担金?(は)?(なし|無し)"
        r"|(費用|経費)(は)?(かからない|不要))")),
    (CostBasis.NEGOTIATED, re.compile(
        r"(発生(が見込まれる|する|した)(時|とき|場合).*(協議|調整)|協議(の上|し|により|して)(決定|定める|負担))")),
    (CostBasis.AGREEMENT, re.compile(
        r"(協定|協約|規約|契約|按分|案分)(に基づ|により|に従)|均等割|人口割|利用割|実績割|受益(の程度)?に応じ")),
    (CostBasis.SHARED, re.compile(
        r"(及び|および|と|並びに)(連携市町|連携市町村|各市町).*(が|で)(適切に|それぞれ)?負担|それぞれ(が)?負担|各自(が)?負担"
        r"|応分(に|の)?(負担|支出)"
        r"|(各市町村?|各市|各町村?|各構成(市町村?|団体)|構成(市町村?|団体)|関係市町村?)(が|で)?(全額)?(負担|支出)")),
    (CostBasis.LEAD_CITY, re.compile(r"(中心市|連携中枢都市|本市|[^\s、。]{1,6}市)が(全額|全て|すべて)?(負担|支出)")),
    (CostBasis.PARTNERS, re.compile(r"(連携市町|連携市町村|参加市町村?|受講市町村?)(が|の)?(全額)?(負担|支出)")),
)


def classify_cost_sentence(sentence: str) -> CostBasis:
    """Classify one cost-sharing sentence.

    >>> classify_cost_sentence("原則として北九州市が負担する。").value
    'lead_city'
    >>> classify_cost_sentence("事業費の発生が見込まれる時は、連携市町と協議し決定する。").value
    'negotiated'
    >>> classify_cost_sentence("費用（受講費）は、連携市町が負担する。").value
    'partners'
    >>> classify_cost_sentence("費用は、県及び連携市町での協定に基づき負担する。").value
    'agreement'
    >>> classify_cost_sentence("北九州市及び連携市町が適切に負担する。").value
    'shared'
    >>> classify_cost_sentence("費用負担が発生することを想定していない。").value
    'no_cost'
    >>> classify_cost_sentence("北九州市が全額負担する").value
    'lead_city'
    >>> classify_cost_sentence("各市が応分に負担する。").value, classify_cost_sentence("人口割と均等割で負担").value
    ('shared', 'agreement')
    >>> classify_cost_sentence("未定").value
    'unknown'
    """
    text = fold(sentence)
    for basis, pattern in _RULES:
        if pattern.search(text):
            return basis
    return CostBasis.UNKNOWN


@lru_cache(maxsize=8192)  # pure, and the same principles are written on sheet after sheet
def read_cost_sharing(cell: str | None) -> CostSharing:
    """Read a cost-sharing cell into classified principles, one per item or sentence.

    >>> cs = read_cost_sharing("<ul><li>原則として北九州市が負担する。</li>"
    ...                        "<li>事業費の発生が見込まれる時は、連携市町と協議し決定する。</li></ul>")
    >>> [p.basis.value for p in cs.principles], cs.basis.value
    (['lead_city', 'negotiated'], 'lead_city')
    >>> read_cost_sharing("").basis is None
    True
    """
    if not cell or not cell.strip():
        return CostSharing(text=None)
    sentences: list[str] = []
    for item in split_items(cell):
        sentences.extend(s.strip() for s in _SENTENCE_END.split(item) if s.strip())
    principles = tuple(CostPrinciple(basis=classify_cost_sentence(s), text=s) for s in sentences)
    return CostSharing(text="\n".join(sentences), principles=principles)
