"""The reader's and lint's findings are for staff: on a signed-in project page, never on the public one."""

from __future__ import annotations

import html
from typing import Any

from sqlalchemy import select

from renkei.store.engine import create_engine_from_url, create_session_factory
from renkei.store.tables import FindingRow, ProjectRow

CORRECTED = "6a86f580d8"  # 荻田町 in the document, read as 苅田町


def _project(url: str, slug: str) -> tuple[int, list[str]]:
    """Return a project's id and the messages of the findings stored for its sheet."""
    engine = create_engine_from_url(url)
    try:
        with create_session_factory(engine)() as session:
            row = session.scalars(select(ProjectRow).where(ProjectRow.slug == slug)).one()
            messages = list(session.scalars(select(FindingRow.message).where(FindingRow.project_key == row.key)))
            return row.id, messages
    finally:
        engine.dispose()


def test_staff_see_the_findings_of_a_sheet_and_the_public_does_not(desk: Any) -> None:
    project_id, messages = _project(desk.url, CORRECTED)
    assert messages  # the case this test is about
    page = desk.as_user("viewer").get(f"/staff/projects/{project_id}")
    assert page.status_code == 200 and page.headers["cache-control"].startswith("private")
    box = html.unescape(page.text[page.text.index('id="h-findings"'):])
    assert all(message in box for message in messages)
    assert 'data-rule="municipality.misspelt"' in box
    assert any(word in box for word in (">誤り<", ">要確認<", ">参考<"))  # severity in words, not codes
    public = desk.as_user(None).get(f"/a/kitakyushu/projects/{CORRECTED}").text
    assert 'id="h-findings"' not in public and 'data-rule="' not in public


def test_only_the_sheet_s_own_findings_are_listed(desk: Any) -> None:
    project_id, own = _project(desk.url, CORRECTED)
    other_id, _ = _project(desk.url, "8a5d0d0ac6")
    page = desk.as_user("admin").get(f"/staff/projects/{other_id}").text
    box = html.unescape(page[page.index('id="h-findings"'):])
    assert not any(message in box for message in own)
    assert desk.as_user(None).get(f"/staff/projects/{project_id}", follow_redirects=False).status_code in (303, 401)
