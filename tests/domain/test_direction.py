"""Tests for inferring a KPI's direction from its wording and numbers."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from renkei.domain.direction import direction_of_wording, infer_direction
from renkei.domain.quantity import Direction
from renkei.reading.quantity import read_quantity

UP, DOWN, KEEP = Direction.INCREASE, Direction.DECREASE, Direction.MAINTAIN


@pytest.mark.parametrize(
    ("indicator", "baseline", "target", "expected"),
    [
        # from the example document
        ("都市計画道路の整備率", "84.5%(令和6年度)", "85.9%(令和12年度)", UP),
        ("WEBページ閲覧数", "なし（令和7年度）", "100,000回（令和12年度）", UP),
        ("検討会実施件数", "検討会0回（令和7年度）", "検討会1回（令和8年度）", UP),
        ("鑑識・鑑定及び研修・会議等実施件数", "5件（令和7年度）", "25件（令和12年度までの累計）", UP),
        ("GX関連の新ビジネス創出企業数", "3件（令和5～6年度）", "30件（令和5～12年度）", UP),
        ("参加自治体の数", "6市10町", "参加自治体の増", UP),
        ("定常的な情報交換", "年1回", "年1回", KEEP),
        ("3R取組状況等の調査", "年1回", "年1回（毎年度実施）", KEEP),
        ("実施回数", "10", "10", KEEP),
        ("各種研修等の件数", "5件（令和7年度）", "5件（令和12年度）", KEEP),
        ("研修受講", "1回（令和7年度）", "1回（毎年度実施）", KEEP),
        ("給食実施回数", "1回（令和7年度）", "5回（令和8～12年度までの累計）", UP),
        ("再エネ100%等電力導入市町数", "11市町", "17市町（令和9年度）", UP),
        ("自家消費PV導入施設数", "38施設", "129施設", UP),
        ("圏域内のDX推進", "-", "-", None),
        ("公共施設マネジメントの推進", "-", "勉強会の開催等を通じた知見の共有及びネットワークの構築", None),
        # wording
        ("ごみ排出量の削減", "1,000t（令和6年度）", "900t（令和12年度）", DOWN),
        ("ごみ排出量の削減", "-", "900t（令和12年度）", DOWN),
        ("待機児童数の減少", "-", "-", DOWN),
        ("参加者数の維持", "100人", "100人", KEEP),
        ("利用者数の維持", "100人", "120人", KEEP),
        ("CO2削減量", "500t", "1,000t", UP),  # 削減量 names a thing; the numbers decide
        ("維持管理費", "500千円", "400千円", DOWN),
        ("人口減少の抑制", "-", "-", KEEP),
        ("参加団体数", "10団体", "参加団体の減少", DOWN),
        ("参加団体数", "10団体", "現状維持", KEEP),
        # numbers
        ("来訪者数", "-", "3,000人（2030年度）", UP),
        ("事故件数", "-", "0件（令和12年度）", DOWN),
        ("事故件数", "12件", "5件", DOWN),
        ("満足度", "85%", "80%以上（令和12年度）", KEEP),
        ("満足度", "75%", "80%以上（令和12年度）", UP),
        ("待ち時間", "30分", "20分以内", DOWN),
        ("待ち時間", "10分", "20分以内", KEEP),
        ("設置数", "3か所", "5箇所", UP),
        ("住民数", "100人", "50%", None),  # different units cannot be compared
        ("目標なし", "100人", "-", None),
    ],
)
def test_infer_direction(indicator: str, baseline: str, target: str, expected: Direction | None) -> None:
    assert infer_direction(indicator, read_quantity(baseline), read_quantity(target)) is expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("参加自治体の増", UP),
        ("参加者の増加", UP),
        ("満足度の向上", UP),
        ("取組の拡大", UP),
        ("維持・向上", UP),
        ("参加団体の減少", DOWN),
        ("排出量の削減を図る", DOWN),
        ("コストの低減", DOWN),
        ("増加の抑制", DOWN),
        ("人員の縮減", DOWN),
        ("事故ゼロ", DOWN),
        ("現状維持", KEEP),
        ("開催の継続", KEEP),
        ("人口減少の抑制", KEEP),
        ("削減量の増加", UP),
        ("CO2削減量", None),
        ("維持管理費", None),
        ("増減", None),
        ("ネットワークの構築", None),
        ("", None),
        (None, None),
    ],
)
def test_direction_of_wording(text: str | None, expected: Direction | None) -> None:
    assert direction_of_wording(text) is expected


@given(st.text(), st.text(), st.text())
def test_arbitrary_cells_never_raise(indicator: str, baseline: str, target: str) -> None:
    result = infer_direction(indicator, read_quantity(baseline), read_quantity(target))
    assert result is None or result in Direction


@given(st.integers(min_value=0, max_value=10**6), st.integers(min_value=0, max_value=10**6))
def test_numbers_decide_without_wording(baseline: int, target: int) -> None:
    result = infer_direction("実施件数", read_quantity(f"{baseline:,}件"), read_quantity(f"{target:,}件"))
    expected = UP if target > baseline else DOWN if target < baseline else KEEP
    assert result is expected
