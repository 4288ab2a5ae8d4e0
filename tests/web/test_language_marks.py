"""English pages mark every piece of Japanese text with ``lang="ja"`` (WCAG 3.1.2 language of parts).

Names, descriptions, roles, KPI texts, units and municipality names come from the document in Japanese. On an
English page a screen reader must read them as Japanese, so each must sit inside an element with ``lang="ja"``.
The check walks every text node (and every aria-label, title and alt) of every page type in English.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from fastapi.testclient import TestClient

JAPANESE = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uf900-\ufaff\uff66-\uff9f]")
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
LABELS = ("aria-label", "title", "alt", "placeholder")


class _LanguageOfParts(HTMLParser):
    """Collect Japanese text whose nearest ``lang`` is not ``ja``."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, str | None, bool]] = []
        self.unmarked: list[str] = []

    def _lang(self) -> str:
        return next((lang for _tag, lang, _skip in reversed(self.stack) if lang), "")

    def _skipping(self) -> bool:
        return any(skip for _tag, _lang, skip in self.stack)

    def _exempt(self) -> bool:
        """Tell whether the text cannot carry a language mark: the page <title> holds no markup, and inside a chart
        (``svg role="img"``) only its <title> is the accessible name; its <desc> repeats the sentence printed beside
        the chart, which is marked, and the points' tooltips are not read."""
        tags = [tag for tag, _lang, _skip in self.stack]
        if "svg" not in tags:
            return tags[-1:] == ["title"]
        return tags[-2:] != ["svg", "title"]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        names = dict(attrs)
        lang = names.get("lang")
        skip = tag == "script" or tag == "style"
        current = lang or self._lang()
        for label in LABELS:
            value = names.get(label) or ""
            if JAPANESE.search(value) and current != "ja" and not self._skipping():
                self.unmarked.append(f"<{tag} {label}={value[:40]!r}>")
        if tag in VOID:
            return
        self.stack.append((tag, lang, skip))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in VOID and self.stack and self.stack[-1][0] == tag:
            self.stack.pop()

    def handle_endtag(self, tag: str) -> None:
        for i in range(len(self.stack) - 1, -1, -1):
            if self.stack[i][0] == tag:
                del self.stack[i:]
                return

    def handle_data(self, data: str) -> None:
        if self._skipping() or not JAPANESE.search(data) or self._lang() == "ja" or self._exempt():
            return
        where = "/".join(tag for tag, _lang, _skip in self.stack[-3:])
        self.unmarked.append(f"{where}: {data.strip()[:50]!r}")


def unmarked_japanese(html: str) -> list[str]:
    """Return every Japanese text of a page that is not inside a ``lang="ja"`` element."""
    parser = _LanguageOfParts()
    parser.feed(html)
    parser.close()
    return parser.unmarked


def test_the_check_finds_unmarked_japanese() -> None:
    # Guard against a check that cannot fail.
    page = ('<html lang="en"><body><p>Name: 苅田町</p><p lang="ja">苅田町</p><a aria-label="苅田町">x</a>'
            '<p lang="ja"><span>子ども</span><br><b lang="en">ok</b></p></body></html>')
    assert unmarked_japanese(page) == ["html/body/p: 'Name: 苅田町'", "<a aria-label='苅田町'>"]


PATHS = [f"/a/kitakyushu{path}" for path in (
    "/", "/projects", "/projects?q=研修", "/projects?q=こども文化パスポト&status=behind", "/kpis", "/municipalities",
    "/municipalities/402133", "/map", "/method", "/docs", "/downloads", "/projects/6ca2fb518e", "/projects/6a86f580d8",
    "/projects/496e4c64a9", "/projects/nothing-here")]


@pytest.mark.parametrize("path", PATHS)
def test_english_pages_mark_japanese_text(client: TestClient, path: str) -> None:
    response = client.get(f"{path}{'&' if '?' in path else '?'}lang=en")
    assert response.status_code in (200, 404)
    assert '<html lang="en">' in response.text
    assert unmarked_japanese(response.text) == [], path


@pytest.mark.parametrize("path", ["/a/kitakyushu/projects", "/a/kitakyushu/docs"])
def test_japanese_pages_mark_english_text_of_the_api(client: TestClient, path: str) -> None:
    html = client.get(f"{path}?lang=ja").text
    assert '<html lang="ja">' in html
    if path == "/a/kitakyushu/docs":  # the OpenAPI schema's own descriptions are English
        assert 'lang="en"' in html
