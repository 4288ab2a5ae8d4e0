"""The staff mapping page: upload an area's own sheet, see the mapping as a form, preview, import into review, save
the mapping and have it proposed again for the next file; rights and refusals as on every staff page."""

from __future__ import annotations

import html
import re
from datetime import date
from typing import Any

from sqlalchemy import select
from tests.reading.area_sheets import area_workbook
from tests.web.staff.conftest import form_value

from renkei.reading.input_limits import UPLOAD
from renkei.services.rounds import open_round
from renkei.store.engine import create_engine_from_url, create_session_factory
from renkei.store.repository import list_plans
from renkei.store.tables import ActualRow, KpiRow

STORY = "自分らしく歩む女性たちのストーリー発信事業"
FIRE = "火災原因調査鑑識・鑑定連携事業"
HEADER = ("事業名", "指標", "令和7年度", "令和8年度", "評価")
ROWS = (
    (STORY, "WEBページ閲覧数", "1,200", "集計中", "B"),
    (FIRE, "鑑識・鑑定及び研修・会議等の実施件数", "約30", 12, "A"),  # misspelt: matched at its score
    ("合計", "合計", 1000, 2000, ""),  # no KPI: confirmed by hand as left out
)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def open_earlier_round(desk: Any) -> None:
    engine = create_engine_from_url(desk.url)
    with create_session_factory(engine)() as session:
        plan_id = list_plans(session=session)[0].id
        open_round(session=session, plan_id=plan_id, fiscal_year=2025, due_date=date(2027, 5, 31), actor="test")
    engine.dispose()


def stored(desk: Any) -> list[tuple[str, int, float | None, str, str | None]]:
    engine = create_engine_from_url(desk.url)
    with create_session_factory(engine)() as session:
        rows = session.execute(select(KpiRow.indicator, ActualRow.fiscal_year, ActualRow.value,
                                      ActualRow.review_status, ActualRow.source)
                               .join(KpiRow, KpiRow.id == ActualRow.kpi_id)
                               .where(ActualRow.is_current.is_(True), ActualRow.source.is_not(None))).all()
    engine.dispose()
    return sorted((tuple(r) for r in rows), key=lambda r: (r[0], r[1]))  # type: ignore[misc]


def upload(desk: Any, user: str, rows: tuple[tuple[object, ...], ...] = ROWS) -> Any:
    data = area_workbook(rows, HEADER, sheet="実績")
    return desk.post(user, "/staff/mapping", {"step": "upload"}, files={"file": ("実績一覧.xlsx", data, XLSX)})


def mapping_fields(page: str) -> dict[str, str]:
    """Return the form as the page proposes it: every select's chosen option, every hidden field, the rows left out."""
    fields = {"token": form_value(page, "token"), "header_row": re.search(r'name="header_row"[^>]*value="(\d+)"',
                                                                           page).group(1)}  # type: ignore[union-attr]
    for name, body in re.findall(r'<select id="f-[^"]+" name="([^"]+)">(.*?)</select>', page, re.S):
        chosen = re.search(r'<option value="([^"]*)" selected>', body)
        fields[name] = chosen.group(1) if chosen else ""
    for name, value in re.findall(r'<input type="hidden" name="(row_key_\d+|row_count|saved_name)" value="([^"]*)"',
                                  page):
        fields[name] = html.unescape(value)
    return fields


def test_upload_propose_preview_import_save_and_reuse(desk: Any) -> None:
    open_earlier_round(desk)
    page = desk.as_user("admin").get("/staff/mapping")
    assert page.status_code == 200 and "保存済みの対応表" in page.text and 'href="/staff/mapping"' in page.text

    proposed = upload(desk, "admin")
    assert proposed.status_code == 200, proposed.text[-2000:]
    fields = mapping_fields(proposed.text)
    assert (fields["header_row"], fields["col_0"], fields["col_1"], fields["col_2"], fields["col_3"],
            fields["col_4"]) == ("4", "project", "indicator", "value:2025", "value:2026", "grade")
    text = html.unescape(proposed.text)
    assert '6行目 C列: 数値として読めません（"約30"）' in text
    assert "7行目 A列: 事業「合計」は計画の事業と一致しません" in text
    assert stored(desk) == []

    # the total row is left out by hand; the preview says so and still writes nothing
    row_of_total = next(k for k, v in fields.items() if k.startswith("row_key_") and v.startswith("合計"))
    fields[row_of_total.replace("row_key_", "row_")] = "skip"
    preview = desk.post("admin", "/staff/mapping", {**fields, "step": "preview"})
    assert preview.status_code == 200 and "7行目" not in html.unescape(preview.text)
    assert "取り込む値（3件、プレビュー）" in preview.text and stored(desk) == []

    done = desk.post("admin", "/staff/mapping", {**fields, "step": "import"})
    assert done.status_code == 200 and "3件を取り込みました（うち未確定1件）" in done.text
    assert stored(desk) == [
        ("WEBページ閲覧数", 2025, 1200.0, "submitted", "historical"),
        ("WEBページ閲覧数", 2026, None, "submitted", "historical"),
        ("鑑識・鑑定及び研修・会議等実施件数", 2026, 12.0, "submitted", "historical"),
    ]
    # the kept file is gone once imported: the same token is refused, and the page asks for the file again
    again = desk.post("admin", "/staff/mapping", {**fields, "step": "preview"})
    assert again.status_code == 422 and "ファイルの有効期限が切れました" in again.text

    # saved under a name, the mapping is proposed again for the next file of the same header
    proposed = upload(desk, "admin")
    fields = mapping_fields(proposed.text)
    fields[next(k for k, v in fields.items() if k.startswith("row_key_") and v.startswith("合計"))
           .replace("row_key_", "row_")] = "skip"
    saved = desk.post("admin", "/staff/mapping", {**fields, "step": "save", "name": "北九州 様式A"})
    assert saved.status_code == 200 and "対応表「北九州 様式A」を保存しました。" in saved.text
    listed = desk.as_user("admin").get("/staff/mapping").text
    assert "<th scope=\"row\">北九州 様式A</th>" in listed
    next_file = upload(desk, "admin", ((STORY, "WEBページ閲覧数", "1,200", "1,500", "A"), *ROWS[1:]))
    assert "保存済みの対応表「北九州 様式A」と同じ見出しです" in html.unescape(next_file.text)
    assert 'value="skip" selected' in next_file.text  # the total row stays left out, as confirmed
    shown = html.unescape(next_file.text)
    assert "7行目" not in shown
    # FY2026's figure was submitted from the first file (pending): under review, the next file cannot change it
    assert "5行目 D列: この実績は「提出済み」のため変更できません" in shown


def test_the_review_page_marks_historical_figures(desk: Any) -> None:
    open_earlier_round(desk)
    fields = mapping_fields(upload(desk, "admin").text)
    desk.post("admin", "/staff/mapping", {**fields, "step": "import"})
    engine = create_engine_from_url(desk.url)
    with create_session_factory(engine)() as session:
        kpi_id, project_id = session.execute(select(KpiRow.id, KpiRow.project_id)
                                             .where(KpiRow.indicator == "WEBページ閲覧数")).one()
    engine.dispose()
    entry = desk.as_user("admin").get(f"/staff/kpis/{kpi_id}/2025")
    assert entry.status_code == 200 and '<span class="tag" title="過年度の実績（実績一覧.xlsx C5）' in entry.text
    history = html.unescape(desk.as_user("admin").get(f"/staff/projects/{project_id}/history").text)
    assert "過年度の実績を取り込み" in history and "過年度の実績 / historical figure: 実績一覧.xlsx" in history


def test_rights_and_refusals(desk: Any) -> None:
    open_earlier_round(desk)
    fields = mapping_fields(upload(desk, "editor").text)
    saved = desk.post("editor", "/staff/mapping", {**fields, "step": "save", "name": "x"})
    assert saved.status_code == 403  # only an administrator keeps the area's mappings
    preview = desk.post("editor", "/staff/mapping", {**fields, "step": "preview"})
    assert "の実績を報告する権限がありません" in html.unescape(preview.text)  # not the editor's projects
    assert desk.as_user("viewer").get("/staff/mapping").status_code == 403
    assert desk.post("viewer", "/staff/mapping", {"step": "upload"}).status_code == 403
    before = desk.snapshot()
    wrong = desk.post("admin", "/staff/mapping", {"step": "upload"},
                      files={"file": ("実績.xlsx", b"\x89PNG\r\n\x1a\n" + b"\0" * 40, XLSX)})
    assert wrong.status_code == 422 and "PNG画像" in html.unescape(wrong.text)
    rows = ("指標,R7\n" * (UPLOAD.rows + 1)).encode()
    too_long = desk.post("admin", "/staff/mapping", {"step": "upload"}, files={"file": ("長い.csv", rows, "text/csv")})
    assert too_long.status_code == 413 and "100,000" in too_long.text
    no_name = desk.post("admin", "/staff/mapping", {**mapping_fields(upload(desk, "admin").text), "step": "save",
                                                    "name": " "})
    assert no_name.status_code == 422 and "対応表の名前を入力してください" in no_name.text
    fields = mapping_fields(upload(desk, "admin").text)
    colour = desk.post("admin", "/staff/mapping", {**fields, "col_0": "colour", "step": "preview"})
    assert colour.status_code == 422 and "A列の役割が分かりません" in colour.text
    no_indicator = desk.post("admin", "/staff/mapping", {**fields, "col_1": "ignore", "step": "import"})
    assert no_indicator.status_code == 422 and "「指標」の列を指定してください" in html.unescape(no_indicator.text)
    # the form comes back as it was sent, to be put right: B is now "not used", the token is kept
    shown = mapping_fields(no_indicator.text)
    assert (shown["col_1"], shown["col_2"], shown["token"]) == ("ignore", "value:2025", fields["token"])
    # another worksheet of the kept workbook: the cover has no table, the sheet 実績 is proposed again
    cover = desk.post("admin", "/staff/mapping", {**fields, "sheet": "表紙", "step": "sheet"})
    assert cover.status_code == 422 and "「指標」の列を指定してください" in html.unescape(cover.text)
    assert '<option value="表紙" selected>' in cover.text
    back = desk.post("admin", "/staff/mapping", {**fields, "sheet": "実績", "step": "sheet"})
    assert back.status_code == 200 and mapping_fields(back.text)["col_2"] == "value:2025"
    # a sheet whose header names no indicator gets the form at once, with what is missing
    bare = area_workbook(((1, 2),), ("R7", "R8"), sheet="x")
    unnamed = desk.post("admin", "/staff/mapping", {"step": "upload"}, files={"file": ("x.xlsx", bare, XLSX)})
    assert unnamed.status_code == 422 and "「指標」の列を指定してください" in html.unescape(unnamed.text)
    assert mapping_fields(unnamed.text)["col_0"] == "value:2025"
    unknown = desk.post("admin", "/staff/mapping", {"step": "nonsense"})
    assert unknown.status_code == 400
    assert {k: v for k, v in desk.snapshot().items() if k != "mapping_upload"} == {
        k: v for k, v in before.items() if k != "mapping_upload"}
