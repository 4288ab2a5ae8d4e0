"""Readings made with SudachiPy: this area's place names read right, and a missing analyser breaks nothing."""

from __future__ import annotations

import pytest

from renkei.domain.collation import gojuon_key
from renkei.domain.plan import Plan, Project
from renkei.services import furigana


@pytest.mark.parametrize(
    ("text", "reading"),
    [
        ("苅田町", "カンダマチ"),
        ("直方市", "ノオガタシ"),
        ("中間市", "ナカマシ"),
        ("上毛町", "コウゲマチ"),
        ("香春町", "カワラマチ"),
        ("行橋市", "ユクハシシ"),
        ("子ども", "コドモ"),
        ("こども文化パスポート事業", "コドモブンカパスポートジギョウ"),
        ("遠賀川流域", "オンガガワリュウイキ"),
        ("DX人材育成研修の実施", "DXジンザイイクセイケンシュウノジッシ"),  # Latin letters stay as written
        ("令和8年度", "レイワ8ネンド"),  # digits stay digits
    ],
)
def test_readings_of_names(text: str, reading: str) -> None:
    assert furigana.kana_reading(text) == reading


def test_add_readings_fills_only_missing_ones() -> None:
    plan = Plan("a", "A", 2026, 2030, (Project("苅田町の事業", 1), Project("直方市の事業", 2, reading="テスト")))
    read = furigana.add_readings(plan)
    assert [p.reading for p in read.projects] == ["カンダマチノジギョウ", "テスト"]
    assert read.projects == plan.projects  # a reading is not part of the sheet


def test_without_an_analyser_nothing_fails_and_names_sort_by_code_point(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(furigana, "_tokenizer", lambda: None)
    furigana.kana_reading.cache_clear()
    try:
        assert furigana.kana_reading("苅田町") is None
        plan = Plan("a", "A", 2026, 2030, (Project("苅田町の事業", 1),))
        assert furigana.add_readings(plan).projects[0].reading is None
        names = ["苅田町", "あ", "DX"]
        assert sorted(names, key=lambda n: gojuon_key(n, furigana.kana_reading(n))) == sorted(names)
    finally:
        furigana.kana_reading.cache_clear()
