"""The entry and review pages of a round's figures: what the reviewer sees is what will be published.

The seeded KPI is 検討会実施件数 of 消防指令業務… (five partners, 行橋市 among them, 芦屋町 not); the admin has
submitted its total for FY2026 and the round of FY2026 is open.
"""

from __future__ import annotations

import re
from typing import Any

import pytest

YUKUHASHI = "402133"


def share(desk: Any, seeded: Any, who: str, value: str, step: str = "submit", version: str = "0", **text: str) -> Any:
    return desk.post(who, f"/staff/kpis/{seeded.kpi_id}/2026/enter",
                     {"part": YUKUHASHI, "value": value, "version": version, "step": step, **text})


def review(desk: Any, seeded: Any, who: str, step: str, version: str, part: str = YUKUHASHI, comment: str = "") -> Any:
    return desk.post(who, f"/staff/kpis/{seeded.kpi_id}/2026/review",
                     {"part": part, "step": step, "version": version, "review_comment": comment})


def field(html: str, name: str) -> str:
    """Return the text of a field of the review panel (tags removed)."""
    found = re.search(rf'<dd data-field="{name}">(.*?)</dd>', html, re.S)
    assert found, f"the review panel has no {name}"
    return re.sub(r"\s+", " ", found.group(1)).strip()


def test_the_review_page_shows_every_field_that_will_be_published(desk: Any, seeded: Any) -> None:
    first = share(desk, seeded, "yukuhashi", "3", comment="会議3回", evidence="議事録", note="電話で確認")
    assert first.status_code == 303
    assert review(desk, seeded, "editor", "approve", "1").status_code == 303
    assert review(desk, seeded, "admin", "reopen", "2", comment="件数を再確認").status_code == 303
    corrected = share(desk, seeded, "yukuhashi", "４", version="3", comment="会議4回（1回追加）",
                      evidence="議事録（確定版）", note="担当者へのメモ")
    assert corrected.status_code == 303
    page = desk.as_user("editor").get(f"/staff/kpis/{seeded.kpi_id}/2026?part={YUKUHASHI}").text
    assert "承認すると公開される内容" in page
    shown = {name: field(page, name) for name in ("value", "comment", "evidence", "reported_by", "note")}
    assert shown["value"] == "<del>3回</del> → 4回"  # the change from the last approved value
    assert shown["comment"] == "会議4回（1回追加）" and shown["evidence"] == "議事録（確定版）"
    assert shown["reported_by"] == "行橋市"  # the organisation, as the public will see it
    assert shown["note"] == "担当者へのメモ" and "公開されません" in page  # shown to the reviewer, marked internal
    total = desk.as_user("editor").get(f"/staff/kpis/{seeded.kpi_id}/2026?part=total").text
    assert "行橋市 4回" in field(total, "shares") and "2回" in field(total, "value")  # the breakdown beside the total


def test_an_assessment_s_review_shows_the_word_and_its_texts(desk: Any, seeded: Any) -> None:
    from renkei.store.engine import create_engine_from_url, create_session_factory
    from renkei.store.rounds import kpi_rows

    engine = create_engine_from_url(desk.url)
    with create_session_factory(engine)() as session:
        words = [k.id for k in kpi_rows(session=session, plan_id=1).values() if k.indicator == "参加自治体の数"]
    engine.dispose()
    path = f"/staff/kpis/{words[0]}/2026"
    entered = desk.post("editor2", path + "/enter", {"word": "一部達成", "comment": "2町と協議中",
                                                     "evidence": "協議記録", "note": "内部の所感", "version": "0",
                                                     "step": "submit"})
    assert entered.status_code in (303, 403)  # editor2 is assigned nothing: the admin enters it then
    if entered.status_code == 403:
        assert desk.post("admin", path + "/enter", {"word": "一部達成", "comment": "2町と協議中",
                                                    "evidence": "協議記録", "note": "内部の所感", "version": "0",
                                                    "step": "submit"}).status_code == 303
    page = desk.as_user("admin").get(path).text
    assert (field(page, "word"), field(page, "comment"), field(page, "evidence"), field(page, "note")) == (
        "一部達成", "2町と協議中", "協議記録", "内部の所感")


def test_the_form_says_which_fields_are_published_and_has_no_year_field(desk: Any, seeded: Any) -> None:
    page = desk.as_user("yukuhashi").get(f"/staff/kpis/{seeded.kpi_id}/2026").text
    labels = dict(re.findall(r'<label for="f-(\w+)">(.*?)</label>', page, re.S))
    assert "公開されます" in labels["value"] and "公開されます" in labels["comment"]
    assert "公開されます" in labels["evidence"] and "公開されません" in labels["note"]
    assert 'name="fiscal_year"' not in page  # the year is the round's, not typed
    assert "行橋市の分だけを入力します" in page  # a share is a share, and the hint says so


@pytest.mark.parametrize(("year", "reason"), [(2025, "受け付けていません"), (2030, "まだ始まっていません")])
def test_a_year_without_an_open_round_is_shown_but_not_entered(desk: Any, seeded: Any, year: int,
                                                               reason: str) -> None:
    page = desk.as_user("admin").get(f"/staff/kpis/{seeded.kpi_id}/{year}")
    assert page.status_code == 200  # within the KPI's years (2025-2030): shown, with why it takes nothing
    assert reason in page.text and 'action="/staff/kpis/' not in page.text.split("h-part")[1]
    before = desk.snapshot()
    response = desk.post("admin", f"/staff/kpis/{seeded.kpi_id}/{year}/enter",
                         {"part": "total", "value": "1", "version": "0", "step": "submit"})
    assert response.status_code == 422 and reason in response.text
    assert desk.snapshot() == before


def test_after_saving_the_page_says_which_year_was_saved(desk: Any, seeded: Any) -> None:
    response = share(desk, seeded, "yukuhashi", "3", step="save")
    assert response.status_code == 303 and "saved=save-2026-402133" in response.headers["location"]
    page = desk.as_user("yukuhashi").get(response.headers["location"]).text
    assert "令和8年度（2026）の行橋市の内訳を下書き保存しました" in page


def test_a_long_note_is_refused_with_its_length(desk: Any, seeded: Any) -> None:
    before = desk.snapshot()
    response = share(desk, seeded, "yukuhashi", "3", note="あ" * 100_000)
    assert response.status_code == 422 and "100,000字" in response.text
    assert desk.snapshot() == before


def test_an_upload_with_bad_rows_says_the_good_rows_were_held_back(desk: Any, seeded: Any) -> None:
    sheet = ("事業名,指標,年度,実績値:行橋市\n"
             "消防指令業務の共同運用に係る調査研究事業,検討会実施件数,R8,1\n"
             "消防指令業務の共同運用に係る調査研究事業,検討会実施件数,R7,1\n")
    response = desk.post("yukuhashi", "/staff/upload", files={"file": ("a.csv", sheet.encode(), "text/csv")})
    assert response.status_code == 422
    assert "正しい1行も保留しました" in response.text and "3行目" in response.text


def test_the_to_do_card_shows_the_document_s_baseline_where_it_has_no_year(desk: Any, seeded: Any) -> None:
    page = desk.as_user("admin").get("/staff").text
    card = re.search(r'<li class="todo-item[^"]*" id="item-\d+-2026">(?:(?!</li>).)*定常的な情報交換(?:(?!</li>).)*',
                     page, re.S)
    assert card and "年1回" in card.group(0) and "文書の現状値" in card.group(0)
    assert "未報告" not in card.group(0)
