"""Phones: at 360 and 390 px no page scrolls sideways, nothing is cut off, names get room; screenshots for a person.

Each page type is opened in a phone-sized tab (mobile viewport, touch) of Debian's chromium against a real
`renkei serve`. Full-page screenshots go to test-output/screenshots/narrow-<width>-<page>.png.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from renkei.domain.plan import Plan

from .conftest import CSP_LISTENER, Server

pytestmark = pytest.mark.browser

WIDTHS = (360, 390)

#: Everything that reaches past the viewport's edges, unless a scrolling box of its own holds it.
OFFENDERS = """() => {
  const width = window.innerWidth;
  const found = [];
  for (const element of document.querySelectorAll('body *')) {
    const box = element.getBoundingClientRect();
    if (box.width === 0 || box.height === 0) continue;
    if (box.right <= width + 1 && box.left >= -1) continue;
    const style = getComputedStyle(element);
    if (style.position === 'absolute' && style.clip !== 'auto') continue;  // visually hidden text
    if (element.closest('.visually-hidden')) continue;
    found.push(`${element.tagName.toLowerCase()}.${element.className && element.className.baseVal === undefined
      ? element.className : ''} [${Math.round(box.left)}, ${Math.round(box.right)}] ${
      (element.textContent || '').trim().slice(0, 40)}`);
  }
  return found.slice(0, 10);
}"""

#: Names (card titles, row headings) narrower than six characters of text: squeezed into a column.
SQUEEZED = """() => {
  const found = [];
  for (const element of document.querySelectorAll('.card-title, tbody th[scope=row]')) {
    const box = element.getBoundingClientRect();
    if (box.width > 0 && box.width < 96) {
      found.push(`${element.textContent.trim().slice(0, 30)}: ${Math.round(box.width)} px`);
    }
  }
  return found;
}"""


@pytest.fixture(scope="module")
def narrow_pages(example_plan: Plan) -> dict[str, str]:
    """Return one path of every page type, filtered and English ones included (an error page answers 404)."""
    project = next(p for p in example_plan.projects if p.kpis and not p.relisted)
    return {
        "home": "/a/kitakyushu/",
        "projects": "/a/kitakyushu/projects?policy_area=3&sort=name",
        "projects-search": "/a/kitakyushu/projects?q=研修&sort=status",
        "projects-empty": "/a/kitakyushu/projects?q=こども文化パスポト&status=behind",
        "project": f"/a/kitakyushu/projects/{project.slug}",
        "kpis": "/a/kitakyushu/kpis?status=no_data",
        "municipalities": "/a/kitakyushu/municipalities",
        "municipality": "/a/kitakyushu/municipalities/402044",
        "map": "/a/kitakyushu/map",
        "method": "/a/kitakyushu/method",
        "docs": "/a/kitakyushu/docs",
        "downloads": "/a/kitakyushu/downloads",
        "error": "/a/kitakyushu/projects/0000000000",
        "bad-parameters": "/a/kitakyushu/projects?as_of=abc",
        "home-en": "/a/kitakyushu/?lang=en",
        "projects-en": "/a/kitakyushu/projects?lang=en",
        "project-en": f"/a/kitakyushu/projects/{project.slug}?lang=en",
        "kpis-en": "/a/kitakyushu/kpis?lang=en",
        "municipality-en": "/a/kitakyushu/municipalities/402044?lang=en",
    }


@pytest.fixture(scope="module", params=WIDTHS, ids=[f"{w}px" for w in WIDTHS])
def phone_tab(request: pytest.FixtureRequest, browser: Any, server: Server) -> Iterator[tuple[Any, int]]:
    """Open a phone-sized tab (mobile viewport, touch) under the portal's real Content-Security-Policy, one per width
    for the module (each page is loaded afresh; the portal keeps nothing in the browser but its language cookie)."""
    width: int = request.param
    context = browser.new_context(locale="ja-JP", viewport={"width": width, "height": 780}, is_mobile=True,
                                  has_touch=True, device_scale_factor=1)
    context.add_init_script(CSP_LISTENER)
    try:
        yield context.new_page(), width
    finally:
        context.close()


@pytest.fixture
def phone(phone_tab: tuple[Any, int]) -> tuple[Any, int]:
    """Return the width's tab with no cookie left by the page before (an English page sets the language cookie)."""
    page, _ = phone_tab
    page.context.clear_cookies()
    return phone_tab


PAGE_NAMES = ["home", "projects", "projects-search", "projects-empty", "project", "kpis", "municipalities",
              "municipality", "map", "method", "docs", "downloads", "error", "bad-parameters", "home-en",
              "projects-en", "project-en", "kpis-en", "municipality-en"]


@pytest.mark.parametrize("name", PAGE_NAMES)
def test_page_fits_a_phone(phone: tuple[Any, int], server: Server, narrow_pages: dict[str, str], name: str,
                           screenshot_dir: Path) -> None:
    page, width = phone
    response = page.goto(server.url(narrow_pages[name]), wait_until="load")
    assert response is not None and response.status < 500
    screenshot_dir.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(screenshot_dir / f"narrow-{width}-{name}.png"), full_page=True)
    sizes = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    assert sizes[0] <= sizes[1], f"{narrow_pages[name]} at {width} px is {sizes[0]} px wide"
    assert page.evaluate(OFFENDERS) == [], f"cut off at the edge of {narrow_pages[name]} at {width} px"
    assert page.evaluate(SQUEEZED) == [], f"names squeezed on {narrow_pages[name]} at {width} px"


def test_the_check_sees_a_wide_table(phone: tuple[Any, int], server: Server) -> None:
    # Guard against a check that cannot fail: a table wider than the phone must be caught.
    page, width = phone
    page.goto(server.url("/a/kitakyushu/municipalities"), wait_until="load")
    page.evaluate("() => document.querySelector('main').insertAdjacentHTML('beforeend',"
                  " '<table><tr><td><span>' + 'x'.repeat(200) + '</span></td></tr></table>')")
    assert page.evaluate("() => document.documentElement.scrollWidth") > width
    assert page.evaluate(OFFENDERS) != []
