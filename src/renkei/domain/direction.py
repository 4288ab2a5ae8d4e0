"""KPI direction: whether a KPI aims to increase, decrease or maintain, from its words and numbers."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from renkei.domain.quantity import Direction, Qualifier, Quantity, QuantityKind
from renkei.domain.relative import LOWER_IS_BETTER_UNITS

# Japanese is head-final: the aim is the last word (「増加の抑制」 is a decrease, 「削減量の増加」 an
# increase), so wording is read from the end. Words followed by a noun such as 量/率/費 name a thing
# (削減量, 維持管理費, 継続率), not an aim, and are not directions.
_HALTED_DECLINE = r"減少(?:の|を)?(?:抑制|防止|緩和|食い止め)|歯止め"
_DECREASE = r"削減|減少|低減|抑制|縮減|軽減|縮小|短縮|解消|撲滅|根絶|半減|ゼロ|減"
_MAINTAIN = r"現状維持|維持|継続|堅持|保持|横ばい"
_INCREASE = r"倍増|増加|増進|増大|拡大|拡充|向上|上昇|伸長|創出|増"
_TAIL = (
    r"(?:を(?:図る|目指す|目標とする)|させる|する|を行う|等|など|傾向|を図ります)?"
    r"[\s。.、,!！]*$"
)
_AIM_AT_END = re.compile(
    rf"(?P<halted>{_HALTED_DECLINE})(?=\s*{_TAIL})"
    rf"|(?P<decrease>{_DECREASE})(?=\s*{_TAIL})"
    rf"|(?P<maintain>{_MAINTAIN})(?=\s*{_TAIL})"
    rf"|(?P<increase>{_INCREASE})(?=\s*{_TAIL})"
)
_PARENTHESISED = re.compile(r"\([^()]*\)|【[^】]*】|\[[^\]]*\]")
_NEUTRAL = re.compile(r"増減|加減")

# Units that name the same thing, so that 3か所 and 5箇所 can be compared.
_UNIT_SYNONYMS: dict[str, str] = {
    "か所": "箇所", "カ所": "箇所", "ヶ所": "箇所", "ケ所": "箇所", "ヵ所": "箇所",
    "名": "人", "トン": "t", "ポイント": "pt",
}  # fmt: skip
_MUNICIPALITY_UNITS = {"市", "町", "村", "市町", "市町村", "町村", "自治体"}


@lru_cache(maxsize=8192)  # pure; indicators and aims repeat
def direction_of_wording(text: str | None) -> Direction | None:
    """Return the direction a phrase ends with (…の増, …の削減, 現状維持), or None.

    >>> direction_of_wording("参加自治体の増")
    <Direction.INCREASE: 'increase'>
    >>> direction_of_wording("ごみ排出量の削減を図る")
    <Direction.DECREASE: 'decrease'>
    >>> direction_of_wording("現状維持")
    <Direction.MAINTAIN: 'maintain'>
    >>> direction_of_wording("CO2削減量") is None
    True
    """
    if not text:
        return None
    folded = unicodedata.normalize("NFKC", text)
    folded = _NEUTRAL.sub("", _PARENTHESISED.sub("", folded)).strip()
    # The last aim word wins: scan every match that reaches the end of the phrase.
    found: Direction | None = None
    for match in _AIM_AT_END.finditer(folded):
        kind = match.lastgroup
        found = Direction.MAINTAIN if kind == "halted" else Direction(str(kind))
    return found


def infer_direction(indicator: str, baseline: Quantity, target: Quantity) -> Direction | None:
    """Infer which way a KPI is meant to move from its target, baseline and indicator wording.

    Stated aims come first (a target that says 増 or 削減, then the indicator's wording); then the
    numbers: a cumulative target over a point baseline increases, a missing baseline with a numeric
    target increases (a target of zero decreases), equal values maintain, and a bound (80%以上) that
    is already met maintains. Values in units that cannot be compared give None.

    >>> from renkei.reading.quantity import read_quantity as q
    >>> infer_direction("都市計画道路の整備率", q("84.5%(令和6年度)"), q("85.9%(令和12年度)"))
    <Direction.INCREASE: 'increase'>
    >>> infer_direction("参加自治体の数", q("6市10町"), q("参加自治体の増"))
    <Direction.INCREASE: 'increase'>
    >>> infer_direction("実施回数", q("10"), q("10"))
    <Direction.MAINTAIN: 'maintain'>
    >>> infer_direction("連携事業の創出", q("0件（令和7年度）"), q("3件（令和12年度までの累計）"))
    <Direction.INCREASE: 'increase'>
    >>> infer_direction("ごみ排出量の削減", q("-"), q("500t（令和12年度）"))
    <Direction.DECREASE: 'decrease'>
    >>> infer_direction("勉強会等開催回数", q("15回（令和7年度）"), q("1回/年（令和8年度～令和12年度）"))
    <Direction.MAINTAIN: 'maintain'>
    >>> infer_direction("魅力度ランキングの順位向上", q("46位（令和6年度）"), q("30位（令和12年度）"))
    <Direction.DECREASE: 'decrease'>
    """
    if target.direction is not None:
        return target.direction
    wording = direction_of_wording(indicator)
    ranking = (target.unit or baseline.unit) in LOWER_IS_BETTER_UNITS
    if wording is not None and not (ranking and wording is Direction.INCREASE):
        return wording
    if target.value is None:
        return wording
    if baseline.value is None:
        if ranking:
            return Direction.DECREASE  # 順位の向上 → 3位: a smaller place
        return Direction.DECREASE if target.value == 0 else Direction.INCREASE
    if not _comparable_units(baseline.unit, target.unit):
        return None
    if target.kind is QuantityKind.CUMULATIVE and baseline.kind is not QuantityKind.CUMULATIVE:
        return Direction.INCREASE
    if target.kind is QuantityKind.EVERY_YEAR:
        # A count to hold every year is a floor: a baseline above it means "keep doing at least this".
        return _compare(baseline.value, target.value, target.qualifier or Qualifier.AT_LEAST)
    return _compare(baseline.value, target.value, target.qualifier)


def _compare(baseline: float, target: float, qualifier: Qualifier | None) -> Direction:
    """Compare the numbers, letting a bound that is already met mean 'keep it so'."""
    if qualifier in (Qualifier.AT_LEAST, Qualifier.MORE_THAN):
        return Direction.INCREASE if target > baseline else Direction.MAINTAIN
    if qualifier in (Qualifier.AT_MOST, Qualifier.LESS_THAN):
        return Direction.DECREASE if target < baseline else Direction.MAINTAIN
    if target > baseline:
        return Direction.INCREASE
    if target < baseline:
        return Direction.DECREASE
    return Direction.MAINTAIN


def _comparable_units(first: str | None, second: str | None) -> bool:
    """Tell whether two units measure the same thing (a missing unit matches anything)."""
    if first is None or second is None:
        return True
    a, b = _UNIT_SYNONYMS.get(first, first), _UNIT_SYNONYMS.get(second, second)
    if a == b:
        return True
    # 市町 and 市町村 both count municipalities.
    return a in _MUNICIPALITY_UNITS and b in _MUNICIPALITY_UNITS
