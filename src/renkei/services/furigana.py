"""Readings (読み) of Japanese text in katakana, from SudachiPy and its core dictionary, for 五十音順 and search.

Why SudachiPy (with ``sudachidict-core``): of the analysers packaged for Python with their dictionary on PyPI,
it reads this area's place names right (苅田町 カンダマチ, 直方市 ノオガタシ, 中間市 ナカマシ, 上毛町 コウゲマチ,
香春町 カワラマチ, 遠賀川 オンガガワ) where pykakasi and MeCab with unidic-lite misread several; its dictionary is
updated several times a year; it is a compiled core with wheels for every platform, about 15 µs a name. The
dictionary is memory-mapped and loaded on first use only.

Readings are made when a plan is imported (stored with each project) and for search terms that mix kana and kanji
(子ども), so that a term written one way finds a name written the other. Without the analyser (a broken install)
every reading is None, and names sort by code point instead: nothing fails.
"""

from __future__ import annotations

import threading
import unicodedata
from dataclasses import replace
from functools import lru_cache
from typing import Any

from renkei.domain.plan import Plan

_lock = threading.Lock()


@lru_cache(maxsize=1)
def _tokenizer() -> Any | None:
    try:
        from sudachipy import Dictionary, SplitMode
    except ImportError:
        return None
    try:
        return Dictionary(dict="core").tokenizer(mode=SplitMode.C)
    except (OSError, RuntimeError, ValueError):  # dictionary package missing or unreadable
        return None


def analyser_available() -> bool:
    """Tell whether readings can be made here (SudachiPy and its core dictionary load)."""
    return _tokenizer() is not None


def _is_ascii_word(text: str) -> bool:
    return text.isascii() and any(ch.isalnum() for ch in text)


@lru_cache(maxsize=4096)
def kana_reading(text: str) -> str | None:
    """Return the reading of a text in katakana (Latin letters and digits kept as written), or None.

    None when the text is empty or no analyser is installed. Words the dictionary does not know keep their
    written form, so a reading never loses part of a name.

    >>> kana_reading("苅田町"), kana_reading("子ども")
    ('カンダマチ', 'コドモ')
    >>> kana_reading("ＤＸ人材の育成")
    'DXジンザイノイクセイ'
    >>> kana_reading("  ") is None
    True
    """
    normal = unicodedata.normalize("NFKC", text).strip()
    tokenizer = _tokenizer()
    if not normal or tokenizer is None:
        return None
    parts: list[str] = []
    with _lock:  # a SudachiPy tokenizer must not be used by two threads at once
        morphemes = [(m.surface(), m.reading_form()) for m in tokenizer.tokenize(normal)]
    for surface, reading in morphemes:
        if _is_ascii_word(surface) or not reading:
            parts.append(surface)  # DX stays DX, 2026 stays 2026 (the dictionary would spell them out)
        else:
            parts.append(reading)
    return "".join(parts)


def add_readings(plan: Plan) -> Plan:
    """Return the plan with each project's reading filled in where it is missing (names as read, untouched)."""
    if _tokenizer() is None:
        return plan
    projects = tuple(
        p if p.reading else replace(p, reading=kana_reading(p.name)) for p in plan.projects
    )
    return replace(plan, projects=projects)
