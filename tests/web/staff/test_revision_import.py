"""The admin page that imports a revision of the vision: preview (nothing written), confirm, and its refusals."""

from __future__ import annotations

import html
import re
from typing import Any

from renkei.cli.portal import read_example_text
from renkei.services.revision_import import document_digest
from renkei.store.engine import create_engine_from_url
from renkei.store.portal_queries import read_area_fingerprint

FIRE_TARGET = ("25件（令和12年度までの累計）", "40件（令和12年度までの累計）")
DROPPED = "\t各種研修等の件数\t5件（令和7年度）\t\t\t5件（令和12年度）"
REVISED = read_example_text().replace(*FIRE_TARGET).replace(DROPPED, "")
FIELDS = {"label": "一部改正", "revised_on": "令和9年10月", "in_force_from": "", "reason": "KPIの見直し"}


def preview(desk: Any, text: str = REVISED, **fields: str) -> Any:
    """Send the revised document to preview as the admin."""
    return desk.post("admin", "/staff/admin/revision", {"step": "preview", **FIELDS, **fields},
                     files={"file": ("revised.txt", text.encode("utf-8"), "text/plain")})


def carried(page: str) -> dict[str, str]:
    """Return what the preview's confirmation form carries back (its hidden fields and the document)."""
    form = page[page.index('value="confirm"'):]
    form = form[:form.index("</form>")]
    values = {name: html.unescape(value) for name, value in re.findall(r'name="(\w+)" value="([^"]*)"', form)}
    document = re.search(r'<textarea name="document"[^>]*>\n(.*?)</textarea>', form, re.S)
    assert document is not None  # the parser drops the line end after the tag, as a browser's does
    return {**values, "document": html.unescape(document.group(1))}


def test_the_preview_lists_each_kpi_change_and_writes_nothing(desk: Any) -> None:
    assert desk.as_user("admin").get("/staff/admin/revision").status_code == 200
    before = desk.snapshot()
    response = preview(desk)
    assert response.status_code == 200 and desk.snapshot() == before
    page = html.unescape(re.sub(r"<[^>]+>", "", response.text))
    assert "令和9年度の改正（一部改正、令和9年10月）として記録します（令和9年度（2027）から適用）。" in page
    assert ("令和9年度の改正（一部改正、令和9年10月）で目標を25件（令和12年度までの累計）から"
            "40件（令和12年度までの累計）に変更") in page
    assert "各種研修等の件数" in page and "令和9年度の改正（一部改正、令和9年10月）で削除（令和9年度から）" in page
    form = carried(response.text)
    assert form["document"] == REVISED and form["digest"] == document_digest(REVISED)


def data_version(desk: Any) -> object:
    """Return the example area's data version (what the portal's caches are keyed by)."""
    engine = create_engine_from_url(desk.url)
    try:
        with engine.connect() as connection:
            return read_area_fingerprint(connection=connection, area_slug="kitakyushu")
    finally:
        engine.dispose()


def test_confirming_records_the_revision(desk: Any) -> None:
    form = carried(preview(desk).text)
    before, version = desk.snapshot(), data_version(desk)
    crlf = form["document"].replace("\n", "\r\n")  # how a browser sends a form's text back
    response = desk.post("admin", "/staff/admin/revision", {**form, "step": "confirm", "document": crlf})
    assert response.status_code == 200 and "一部改正" in response.text and "取り込みました" in response.text
    assert data_version(desk) != version  # the portal's pages move with it
    after = desk.snapshot()
    assert len(after["plan_revision"]) == len(before["plan_revision"]) + 1
    assert len(after["kpi_revision"]) == len(before["kpi_revision"]) + 2  # the changed and the dropped KPI
    assert after["actual"] == before["actual"]  # every actual stays where it was
    again = desk.post("admin", "/staff/admin/revision", {**form, "step": "confirm"})
    assert again.status_code == 409 and desk.snapshot() == after  # the plan moved on: preview again


def test_a_changed_document_or_a_bad_field_is_refused_and_nothing_is_written(desk: Any) -> None:
    form = carried(preview(desk).text)
    before = desk.snapshot()
    changed = desk.post("admin", "/staff/admin/revision", {**form, "step": "confirm",
                                                           "document": form["document"] + "\n追記"})
    assert changed.status_code == 409 and "the document is not the one previewed" in changed.text
    undated = preview(desk, revised_on="来年")
    assert undated.status_code == 422 and "「来年」を日付として読めません" in html.unescape(undated.text)
    outside = preview(desk, in_force_from="R20")
    assert outside.status_code == 422 and "計画期間（2026〜2030）" in html.unescape(outside.text)
    nothing = desk.post("admin", "/staff/admin/revision", {"step": "preview", **FIELDS})
    assert nothing.status_code == 422 and "choose a file" in nothing.text
    assert desk.snapshot() == before


def test_a_document_that_changes_no_kpi_offers_nothing_to_confirm(desk: Any) -> None:
    response = preview(desk, text=read_example_text())
    assert response.status_code == 200 and "KPIの変更がないため、改正は記録されません。" in response.text
    assert 'value="confirm"' not in response.text
