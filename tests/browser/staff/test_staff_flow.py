"""The staff workspace in a real browser against a real `renkei serve`: a reporting round from end to end.

Two towns sign in with the keyboard and report their shares (full-width digits, a return and a correction on the
way); the editor approves them; the public page shows the shares and an unknown area figure; the department enters
the total and the admin approves it; the public page then shows the total and judges progress on it. The history
shows every step and the board counts each share against its town. Two browsers
editing the same project text get a conflict, and nothing typed is lost. Every staff page passes axe-core, works
at 390 px and is saved as a screenshot.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.heavy]

REPO = Path(__file__).resolve().parents[3]
AXE_SOURCE = (REPO / "src" / "renkei" / "web" / "static" / "vendor" / "axe.min.js").read_text(encoding="utf-8")
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
PASSWORD = "correct horse battery staple"
PROJECT_SLUG = "6ca2fb518e"
INDICATOR = "鑑識・鑑定及び研修・会議等実施件数"
DOC_IMAGES = REPO / "docs" / "images"


@contextmanager
def tab(browser: Any, *, width: int = 1280) -> Iterator[Any]:
    """Open a browser context (Japanese), with the pages' console errors kept in ``page.errors``."""
    context = browser.new_context(locale="ja-JP", viewport={"width": width, "height": 900})
    page = context.new_page()
    page.errors = []
    page.on("console", lambda m: page.errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: page.errors.append(str(e)))
    try:
        yield page
    finally:
        context.close()


def sign_in_by_keyboard(page: Any, server: Any, username: str) -> None:
    """Sign in using only the keyboard: Tab to each field, type, Enter."""
    page.goto(server.url("/staff"), wait_until="load")
    assert "/staff/login" in page.url
    page.focus("body")
    reached = []
    for _ in range(40):
        page.keyboard.press("Tab")
        focused = page.evaluate("() => document.activeElement && document.activeElement.id")
        reached.append(focused)
        if focused == "f-username":
            break
    assert "f-username" in reached, f"the user name field is not reachable by Tab: {reached}"
    page.keyboard.type(username)
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.id") == "f-password"
    page.keyboard.type(PASSWORD)
    with page.expect_navigation(wait_until="load"):
        page.keyboard.press("Enter")
    assert page.url.endswith("/staff"), page.url


def board_counts(page: Any, server: Any) -> dict[str, int]:
    """Return the board's totals by status."""
    page.goto(server.url("/staff/board"), wait_until="load")
    cells = page.locator("#board-counts dd")
    return {cells.nth(i).get_attribute("data-status"): int(cells.nth(i).inner_text()) for i in range(cells.count())}


def shot(page: Any, name: str, *, docs: bool = False) -> None:
    """Save a full-page screenshot for people to look at (and, when asked, a small one for the guide)."""
    folder = REPO / "test-output" / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(folder / f"staff-{name}.png"), full_page=True)
    assert (folder / f"staff-{name}.png").stat().st_size > 5_000
    if docs and os.environ.get("RENKEI_UPDATE_DOC_IMAGES") == "1":  # the staff guide's pictures: small, the top
        DOC_IMAGES.mkdir(parents=True, exist_ok=True)
        size = page.viewport_size
        page.set_viewport_size({"width": 880, "height": 620})
        page.screenshot(path=str(DOC_IMAGES / f"staff-{name}.png"), full_page=False)
        page.set_viewport_size(size)


def kpi_item(page: Any) -> Any:
    return page.locator("li.todo-item", has=page.locator("h2", has_text=INDICATOR))


def town_row(page: Any, server: Any, town: str) -> tuple[int, ...]:
    """Return a town's row of the board: its own shares by status (not started … approved)."""
    page.goto(server.url("/staff/board"), wait_until="load")
    row = page.locator("table.board tr", has=page.get_by_role("link", name=town, exact=True))
    cells = row.locator("td")
    return tuple(int(cells.nth(i).inner_text()) for i in range(5))


def public_kpi(page: Any, server: Any) -> str:
    """Return the text of the KPI on its public project page, its figures unfolded."""
    page.goto(server.url(f"/a/kitakyushu/projects/{PROJECT_SLUG}"), wait_until="load")
    article = page.locator("article.kpi", has=page.locator("h3", has_text=INDICATOR))
    details = article.locator("details.entries")
    if not details.evaluate("d => d.open"):  # an unknown figure is shown open already
        details.locator("summary").click()
    return str(article.inner_text())


def enter_share(page: Any, server: Any, value: str, **fields: str) -> None:
    """Open the KPI from the to-do list and submit this town's share with its fields."""
    page.goto(server.url("/staff"), wait_until="load")
    with page.expect_navigation(wait_until="load"):
        kpi_item(page).get_by_role("link", name=INDICATOR).click()
    page.get_by_role("textbox", name=re.compile("^実績値")).fill(value)
    for label, text in fields.items():
        page.get_by_label(re.compile(f"^{label}")).fill(text)
    with page.expect_navigation(wait_until="load"):
        page.get_by_role("button", name="提出").click()


def test_a_reporting_round_from_shares_to_the_total(browser: Any, staff_server: Any) -> None:
    """Two towns report their shares, the lead city approves them: the public page shows the shares and an unknown
    total. The department then enters the total and a second person approves it: the public page shows the total."""
    with tab(browser) as town, tab(browser) as editor, tab(browser) as other_town, tab(browser) as admin:
        sign_in_by_keyboard(admin, staff_server, "admin")
        sign_in_by_keyboard(editor, staff_server, "editor")
        assert town_row(editor, staff_server, "行橋市") == (0, 0, 0, 0, 0)  # a total to enter: towns owe nothing

        # The admin states how the area's figure is made: here, the sum of every partner's share.
        admin.goto(staff_server.url("/staff/board"), wait_until="load")
        with admin.expect_navigation(wait_until="load"):
            admin.get_by_role("link", name=INDICATOR).first.click()
        entry_url = admin.url.split("?")[0]
        admin.get_by_label(re.compile("全連携市町の内訳の合計")).check()
        with admin.expect_navigation(wait_until="load"):
            admin.get_by_role("button", name="集計方法を変更").click()
        assert "全連携市町の内訳の合計" in admin.locator("main").inner_text()
        counts = [town_row(editor, staff_server, "行橋市")]  # now every partner owes its share
        shot(editor, "board", docs=True)

        sign_in_by_keyboard(town, staff_server, "yukuhashi")
        shot(town, "todo", docs=True)
        item = kpi_item(town)
        assert item.count() == 1
        card = item.inner_text()
        assert "25件（令和12年度までの累計）" in card and "行橋市の内訳" in card and "報告が必要" in card
        assert "5件（令和7年度）" in card and "文書の現状値" in card  # the document's baseline beside the input
        item.get_by_label(re.compile("行橋市の内訳")).fill("４")  # full-width digits
        with town.expect_navigation(wait_until="load"):
            item.get_by_role("button", name="提出").click()
        assert "令和8年度（2026）の行橋市の内訳を提出しました" in town.locator("main").inner_text()
        assert "提出済み" in kpi_item(town).inner_text()
        counts.append(town_row(editor, staff_server, "行橋市"))

        # The editor returns it; without a comment the form says why, next to the field.
        editor.goto(entry_url + "?part=402133", wait_until="load")
        review = editor.locator("section.review-panel").inner_text()
        assert "承認すると公開される内容" in review and "4件" in review and "行橋市" in review
        with editor.expect_navigation(wait_until="load"):
            editor.get_by_role("button", name="差し戻し").click()
        assert editor.locator("#e-comment").is_visible()
        assert editor.evaluate("() => document.activeElement.id") == "error-summary"  # keyboard users land on it
        editor.keyboard.press("Tab")  # the summary's link to the field comes first
        with editor.expect_navigation(url=re.compile("#f-comment$")):
            editor.keyboard.press("Enter")
        shot(editor, "entry-error")
        editor.get_by_label(re.compile("差し戻し・再開の理由")).fill("件数の根拠（報告書名）を根拠の欄に書いてください")
        with editor.expect_navigation(wait_until="load"):
            editor.get_by_role("button", name="差し戻し").click()
        counts.append(town_row(editor, staff_server, "行橋市"))

        # The town sees the comment, corrects and resubmits; every field says whether it is published.
        town.goto(staff_server.url("/staff"), wait_until="load")
        assert "件数の根拠" in kpi_item(town).inner_text()
        enter_share(town, staff_server, "５", 公開コメント="鑑識3件、研修2件", 根拠="令和8年度 火災調査報告書",
                    備考="内部メモ：課長確認済み")
        shot(town, "entry", docs=True)
        counts.append(town_row(editor, staff_server, "行橋市"))

        sign_in_by_keyboard(other_town, staff_server, "kanda")
        enter_share(other_town, staff_server, "2")  # 苅田町 reports in the same round, unblocked

        for part in ("402133", "406210"):
            editor.goto(entry_url + f"?part={part}", wait_until="load")
            with editor.expect_navigation(wait_until="load"):
                editor.get_by_role("button", name="承認").click()
        counts.append(town_row(editor, staff_server, "行橋市"))
        assert counts == [(1, 0, 0, 0, 0), (0, 0, 1, 0, 0), (0, 0, 0, 1, 0), (0, 0, 1, 0, 0), (0, 0, 0, 0, 1)]

        # The public page shows the shares, and the area's figure as unknown: a share is never the total.
        text = public_kpi(editor, staff_server)
        assert "不明" in text and "18市町のうち2市町が報告" in text
        assert "行橋市 5件" in text and "苅田町 2件" in text and "鑑識3件、研修2件" in text
        assert "内部メモ" not in text and "yukuhashi" not in text  # nothing internal, no login name
        assert "判定の基準年度: 未報告" in " ".join(text.split())

        # The department enters the total; the admin (a second person) approves it: now the public page has it.
        editor.goto(entry_url + "?part=total", wait_until="load")
        editor.get_by_role("textbox", name=re.compile("^実績値")).fill("12")
        with editor.expect_navigation(wait_until="load"):
            editor.get_by_role("button", name="提出").click()
        admin.goto(entry_url + "?part=total", wait_until="load")
        assert "行橋市 5件" in admin.locator("section.review-panel").inner_text()  # the breakdown beside the total
        with admin.expect_navigation(wait_until="load"):
            admin.get_by_role("button", name="承認").click()
        text = public_kpi(editor, staff_server)
        assert "12件" in text and "合計として報告" in text and "令和8年度（2026）" in text
        assert "判定の基準年度: 令和8年度（2026）" in " ".join(text.split())

        # The history shows every step of the share.
        editor.goto(entry_url, wait_until="load")
        with editor.expect_navigation(wait_until="load"):
            editor.get_by_role("link", name="履歴").click()
        history = editor.locator("table.history").inner_text()
        steps = ("提出", "差し戻し", "承認", "件数の根拠（報告書名）を根拠の欄に書いてください", "yukuhashi", "editor")
        assert [step for step in steps if step not in history] == []
        shot(editor, "history", docs=True)
        expected = ("status of 422", "status of 409")  # a form sent back with its errors, on purpose
        problems = [e for e in [*town.errors, *editor.errors, *admin.errors, *other_town.errors]
                    if not any(x in e for x in expected)]
        assert problems == []


def test_two_people_editing_the_same_project_text(browser: Any, staff_server: Any) -> None:
    with tab(browser) as first, tab(browser) as second:
        sign_in_by_keyboard(first, staff_server, "editor")
        sign_in_by_keyboard(second, staff_server, "admin")
        first.goto(staff_server.url("/staff/projects"), wait_until="load")
        with first.expect_navigation(wait_until="load"):
            first.get_by_role("link", name="火災原因調査鑑識・鑑定連携事業").click()
        project_url = first.url
        second.goto(project_url, wait_until="load")
        first.get_by_label("事業内容").fill("一人目が書いた説明")
        with first.expect_navigation(wait_until="load"):
            first.get_by_role("button", name="下書きを保存").click()
        assert "未公開の変更があります" in first.locator("main").inner_text()
        second.get_by_label("事業内容").fill("二人目が書いた説明")
        with second.expect_navigation(wait_until="load"):
            second.get_by_role("button", name="下書きを保存").click()
        conflict = second.locator("section.conflict")
        assert conflict.is_visible() and "ほかの人がこの記録を先に保存しました" in conflict.inner_text()
        assert "一人目が書いた説明" in conflict.inner_text()  # theirs, shown
        assert second.get_by_label("事業内容").input_value() == "二人目が書いた説明"  # yours, kept
        shot(second, "conflict", docs=True)
        with second.expect_navigation(wait_until="load"):  # saving again, on purpose, now wins
            second.get_by_role("button", name="下書きを保存").click()
        assert second.get_by_label("事業内容").input_value() == "二人目が書いた説明"
        # The public page keeps the published (document) text until an admin publishes.
        first.goto(staff_server.url(f"/a/kitakyushu/projects/{PROJECT_SLUG}"), wait_until="load")
        assert "二人目が書いた説明" not in first.locator("main").inner_text()
        with second.expect_navigation(wait_until="load"):
            second.get_by_role("button", name="公開する").click()
        first.goto(staff_server.url(f"/a/kitakyushu/projects/{PROJECT_SLUG}"), wait_until="load")
        assert "二人目が書いた説明" in first.locator("main").inner_text()


STAFF_PAGES = {
    "todo": "/staff", "board": "/staff/board", "projects": "/staff/projects", "upload": "/staff/upload",
    "preview": "/staff/preview", "users": "/staff/admin/users", "rounds": "/staff/admin/rounds",
    "revision": "/staff/admin/revision",
}


def project_pages(page: Any, server: Any) -> dict[str, str]:
    """Return the staff pages of the test project and one KPI entry page."""
    page.goto(server.url("/staff/projects"), wait_until="load")
    href = page.get_by_role("link", name="火災原因調査鑑識・鑑定連携事業").first.get_attribute("href")
    page.goto(server.url("/staff/board"), wait_until="load")
    entry = page.locator("table.board-items a").first.get_attribute("href")
    return {"project-text": href, "project-evaluation": f"{href}/evaluation", "project-history": f"{href}/history",
            "kpi-entry": entry}


def run_axe(page: Any) -> list[dict[str, Any]]:
    """Run axe-core on the page as served, under its own CSP (evaluated through the browser's debugging protocol,
    which a page's CSP does not govern, as the portal's accessibility tests do)."""
    page.evaluate(AXE_SOURCE)
    result: dict[str, Any] = page.evaluate(
        "(tags) => axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})", WCAG_TAGS)
    return list(result["violations"])


def test_every_staff_page_passes_axe_and_fits_a_phone(browser: Any, staff_server: Any) -> None:
    with tab(browser) as page:
        page.goto(staff_server.url("/staff/login"), wait_until="load")
        assert run_axe(page) == []
        shot(page, "login", docs=True)
        sign_in_by_keyboard(page, staff_server, "admin")
        pages = {**STAFF_PAGES, **project_pages(page, staff_server)}
        page.goto(staff_server.url(pages["project-text"]), wait_until="load")
        page.get_by_role("link", name="事業評価", exact=True).focus()  # the tabs are links: Enter opens one
        with page.expect_navigation(wait_until="load"):
            page.keyboard.press("Enter")
        assert page.url.endswith("/evaluation")
        assert page.locator(".tabs a[aria-current=page]").inner_text() == "事業評価"
        failures = {}
        for name, path in pages.items():
            page.goto(staff_server.url(path), wait_until="load")
            violations = run_axe(page)
            if violations:
                failures[name] = [(v["id"], [n["target"] for n in v["nodes"][:3]]) for v in violations]
            shot(page, name, docs=name in ("project-text", "project-evaluation", "users", "rounds", "upload"))
        assert failures == {}
    with tab(browser, width=390) as phone:
        sign_in_by_keyboard(phone, staff_server, "yukuhashi")
        for name, path in {"todo": "/staff", "board": "/staff/board", "upload": "/staff/upload"}.items():
            phone.goto(staff_server.url(path), wait_until="load")
            overflow = phone.evaluate("() => document.documentElement.scrollWidth")
            assert overflow <= 391, f"{name} is {overflow} px wide at 390 px"
            assert run_axe(phone) == [], name
            shot(phone, f"{name}-390")


def test_a_viewer_sees_the_board_but_cannot_write(browser: Any, staff_server: Any) -> None:
    with tab(browser) as page:
        sign_in_by_keyboard(page, staff_server, "viewer")
        page.goto(staff_server.url("/staff/board"), wait_until="load")
        assert page.locator("#board-counts").is_visible()
        page.goto(staff_server.url("/staff/admin/users"))
        assert "権限" in page.locator("main").inner_text()
        page.goto(staff_server.url("/staff"), wait_until="load")
        assert page.locator("form.inline-entry").count() == 0
