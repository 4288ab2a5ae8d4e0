"""The unit written after a number in a KPI cell: a counter (件, 回, 人日, 市町村…), a Latin unit (km, %, t) or
the first word, cut before the words that qualify the value (以上, 増, 維持…)."""

from __future__ import annotations

import re

# Counters read before the generic rule, longest first, so that 人日 is not 人 + 日.
_COUNTERS = (
    "人日", "人泊", "事業者", "事業所", "事業", "市町村", "市町", "町村", "自治体", "団体", "箇所", "か所",
    "カ所", "ヶ所", "ケ所", "ヵ所", "施設", "ポイント", "ルート", "機能", "世帯", "企業", "千円", "百万円",
    "円", "件", "回", "人", "名", "社", "校", "泊", "倍", "割", "トン", "台", "本", "冊", "部", "戸", "店",
    "店舗", "種類", "品目", "日", "週", "か月", "ヶ月", "ヵ月", "カ月", "年", "時間", "分", "基", "棟",
    "区画", "路線", "便", "隻", "位", "点", "人回", "組", "園", "地区", "校区",
)  # fmt: skip
_KNOWN_UNITS = sorted(_COUNTERS, key=len, reverse=True)
_LATIN_UNIT = re.compile(r"[A-Za-zμ㎡㎢][A-Za-z0-9\-²³]*|[%‰]")
_WORD_UNIT = re.compile(r"[\u4e00-\u9fff\u3005\u30a1-\u30ff]+")
_UNIT_STOPS = (
    "以上", "以下", "以内", "未満", "超", "程度", "前後", "実施", "開催", "達成", "増", "減", "削減", "相当",
    "上昇", "向上", "低下", "アップ", "ダウン", "拡大", "縮小", "維持",
)  # fmt: skip


def read_unit(suffix: str) -> tuple[str | None, str]:
    """Take the unit off the start of the text after a number: (unit or None, the rest).

    >>> read_unit("人日（令和7年度）"), read_unit("km以上"), read_unit("市町村"), read_unit("以上")
    (('人日', '（令和7年度）'), ('km', '以上'), ('市町村', ''), (None, '以上'))
    >>> read_unit("施設を整備")
    ('施設', 'を整備')
    """
    body = suffix.lstrip()
    for unit in _KNOWN_UNITS:
        if body.startswith(unit):
            return unit, body[len(unit) :]
    latin = _LATIN_UNIT.match(body)
    if latin:
        return latin.group(), body[latin.end() :]
    word = _WORD_UNIT.match(body)
    if word:
        run = word.group()
        cut = min((i for i in (run.find(stop) for stop in _UNIT_STOPS) if i > 0), default=len(run))
        if any(run.startswith(stop) for stop in _UNIT_STOPS):
            return None, suffix
        return run[:cut], body[cut:]
    return None, suffix
