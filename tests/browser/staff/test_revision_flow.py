"""Importing a revision of the vision in a real browser against a real `renkei serve`: upload, preview, confirm.

The browser sends the previewed document back from the form as browsers do (line ends as CRLF); the import must
still match its preview, record the revision and show the new target on the public page from its first year.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from tests.browser.staff.test_staff_flow import INDICATOR, PROJECT_SLUG, sign_in_by_keyboard, tab

pytestmark = [pytest.mark.browser, pytest.mark.heavy]

EXAMPLE = Path(__file__).resolve().parents[3] / "examples" / "kitakyushu_vision_r8.txt"


def test_an_admin_previews_and_imports_a_revision(browser: Any, staff_server: Any) -> None:
    revised = EXAMPLE.read_text(encoding="utf-8").replace("25件（令和12年度までの累計）",
                                                          "40件（令和12年度までの累計）")
    with tab(browser) as page:
        sign_in_by_keyboard(page, staff_server, "admin")
        page.goto(staff_server.url("/staff/admin/revision"), wait_until="load")
        page.set_input_files("#f-file", files=[{"name": "revised.txt", "mimeType": "text/plain",
                                                "buffer": revised.encode("utf-8")}])
        page.fill("#f-label", "一部改正")
        page.fill("#f-revised_on", "令和9年10月")
        page.fill("#f-reason", "KPIの見直し")
        with page.expect_navigation(wait_until="load"):
            page.get_by_role("button", name="プレビュー").click()
        preview = page.locator("main").inner_text()
        assert "で目標を25件（令和12年度までの累計）から40件（令和12年度までの累計）に変更" in preview
        with page.expect_navigation(wait_until="load"):
            page.get_by_role("button", name="この内容で取り込む").click()
        assert "令和9年度の改正（一部改正、令和9年10月）を取り込みました" in page.locator("main").inner_text()
        page.goto(staff_server.url(f"/a/kitakyushu/projects/{PROJECT_SLUG}?as_of=2027"), wait_until="load")
        public = page.locator("main").inner_text()
        assert INDICATOR in public
        assert "令和9年度の改正後の目標（40件（令和12年度までの累計））に対して判定しています。" in public
        assert page.errors == []
