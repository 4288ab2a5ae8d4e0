"""Accessibility: axe-core finds no WCAG 2.1 A/AA violation on any page type, and no page logs an error."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.browser

AXE = Path(__file__).resolve().parents[2] / "src" / "renkei" / "web" / "static" / "vendor" / "axe.min.js"
#: axe-core's source, evaluated through the DevTools protocol: not a <script> the page's CSP would refuse, so every
#: page is audited as it is served, CSP on, in the same visit as the console check and the screenshot.
AXE_SOURCE = AXE.read_text(encoding="utf-8")
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
PAGE_TYPES = ["home", "projects", "project", "municipality", "map", "kpis", "home-en", "projects-search",
              "projects-empty", "municipalities", "method", "docs", "downloads", "projects-en", "project-en", "kpis-en"]
#: Pages that answer with an error status, audited all the same.
ERROR_PAGES = {"not-found": "/a/kitakyushu/projects/0000000000", "bad-parameters": "/a/kitakyushu/projects?as_of=abc"}


def run_axe(visit: Any) -> list[dict[str, Any]]:
    """Run the vendored axe-core in the current page and return its violations of WCAG 2.1 A/AA."""
    visit.page.evaluate(AXE_SOURCE)
    result: dict[str, Any] = visit.page.evaluate(
        "(tags) => axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})",
        WCAG_TAGS)
    violations: list[dict[str, Any]] = result["violations"]
    return violations


def describe_violations(violations: list[dict[str, Any]]) -> str:
    """Return the violations as text a developer can act on: rule, impact, help, elements and why."""
    lines: list[str] = []
    for violation in violations:
        lines.append(f"- {violation['id']} ({violation['impact']}): {violation['help']} — {violation['helpUrl']}")
        for node in violation["nodes"][:8]:
            lines.append(f"    {' '.join(node['target'])}: {node['html'][:200]}")
            lines.append(f"      {node['failureSummary'].replace(chr(10), ' / ')[:300]}")
        if len(violation["nodes"]) > 8:
            lines.append(f"    … and {len(violation['nodes']) - 8} more elements")
    return "\n".join(lines)


def test_axe_is_vendored_and_finds_a_known_violation(visit: Any) -> None:
    # Guard against a test that cannot fail: the same check must flag an image without alt text.
    visit.open("/a/kitakyushu/")
    visit.page.evaluate(
        "() => document.querySelector('main').insertAdjacentHTML('beforeend', '<img src=\"data:,\">')")
    assert "image-alt" in {v["id"] for v in run_axe(visit)}


@pytest.mark.parametrize("name", sorted(ERROR_PAGES))
def test_error_page_has_no_wcag_violations(visit: Any, name: str) -> None:
    response = visit.page.goto(visit.server.url(ERROR_PAGES[name]), wait_until="load")
    assert response is not None and response.status in (400, 404)
    violations = run_axe(visit)
    assert not violations, f"axe-core on {ERROR_PAGES[name]}:\n{describe_violations(violations)}"


@pytest.mark.parametrize("page_type", PAGE_TYPES)
def test_page_passes_axe_and_logs_no_error(visit: Any, page_paths: dict[str, str], page_type: str,
                                           screenshot_dir: Path) -> None:
    """No page logs an error or a CSP violation, axe-core finds nothing on it, and it is saved as a full-page
    screenshot for people to look at: one visit per page type, under the portal's own CSP."""
    visit.open(page_paths[page_type])
    visit.page.wait_for_timeout(300)  # let deferred scripts (charts, map) run and report
    assert visit.problems() == [], f"{page_paths[page_type]} ({page_type})"
    screenshot_dir.mkdir(parents=True, exist_ok=True)
    target: Path = screenshot_dir / f"{page_type}.png"
    visit.page.screenshot(path=str(target), full_page=True)
    assert target.stat().st_size > 10_000, f"{target} looks blank"
    violations = run_axe(visit)
    assert not violations, f"axe-core on {page_paths[page_type]} ({page_type}):\n{describe_violations(violations)}"


def test_recorder_sees_csp_violations_and_script_errors(visit: Any) -> None:
    # Guard against a test that cannot fail: an inline script under the portal's CSP and a thrown error
    # must both be reported.
    visit.open("/a/kitakyushu/")
    visit.page.evaluate("""() => {
        const s = document.createElement('script'); s.textContent = 'window.ran = 1'; document.body.append(s);
        setTimeout(() => { throw new Error('boom from the test'); }, 0);
    }""")
    visit.page.wait_for_timeout(300)
    problems = visit.problems()
    assert any(p.startswith("CSP: script-src") for p in problems), problems
    assert any("boom from the test" in p for p in problems), problems
    assert visit.page.evaluate("() => window.ran") is None
