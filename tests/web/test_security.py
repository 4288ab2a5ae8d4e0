"""Security: the CSP and other headers, inert rendering of hostile documents, no inline script or style."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

import pytest
from fastapi.testclient import TestClient

from renkei.cli.portal import read_example_text
from renkei.domain.plan import KPI, Plan, Role
from renkei.domain.quantity import Quantity, QuantityKind
from renkei.lint import lint_plan
from renkei.reading.sheet import read_plan
from renkei.services.plan_import import import_plan
from renkei.settings import Settings
from renkei.store.engine import create_engine_from_url, create_session_factory
from renkei.store.migrate import upgrade_database
from renkei.web.app import create_app

SCRIPT = "<script>alert(1)</script>"
IMAGE = "<img src=x onerror=alert(1)>"
STORY = "自分らしく歩む女性たちのストーリー発信事業"


@pytest.mark.parametrize("path",
                         ["/", "/a/kitakyushu/projects", "/api/a/kitakyushu/summary", "/static/css/portal.css",
                          "/nothing"])
def test_security_headers_on_every_response(client: TestClient, path: str) -> None:
    headers = client.get(path).headers
    csp = headers["content-security-policy"]
    for directive in ("default-src 'self'", "script-src 'self'", "style-src 'self'", "img-src 'self' data:",
                      "object-src 'none'", "base-uri 'none'", "frame-ancestors 'none'"):
        assert directive in csp
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["referrer-policy"] == "strict-origin-when-cross-origin"


def test_assets_are_served_by_the_app(client: TestClient) -> None:
    html = client.get("/a/kitakyushu/projects/6ca2fb518e").text
    for asset in ("/static/css/portal.css", "/static/js/charts.js", "/static/favicon.svg"):
        assert asset in html
        assert client.get(asset).status_code == 200
    assert client.get("/static/js/map.js").status_code == 200
    assert "http://" not in html.replace("http://www.w3.org/2000/svg", "")
    # the one outside address is the data licence's deed: a link a visitor may follow, never a loaded asset
    deed = 'href="https://creativecommons.org/licenses/by/4.0/deed.ja" rel="license"'
    assert "https://" not in html.replace(deed, "")


def hostile_plan(example: Plan) -> Plan:
    """Return the example with hostile markup in a project's name, description, KPI and roles."""
    first = example.projects[0]
    kpi = first.kpis[0]
    hostile = replace(
        first,
        name=f"{SCRIPT}{STORY}",
        description=f"{IMAGE}説明 <a href=\"javascript:alert(1)\">link</a>",
        effects=(f"{SCRIPT}効果",),
        roles=(Role(party=f"{IMAGE}北九州市", duties=(f"{SCRIPT}推進する。",)),),
        kpis=(KPI(f"{IMAGE}閲覧数", kpi.baseline,
                  Quantity(f"{SCRIPT}100回", QuantityKind.POINT, value=100, unit="<b>回</b>", fiscal_year=2030),
                  kpi.direction),),
    )
    return replace(example, projects=(hostile, *example.projects[1:]))


@pytest.fixture(scope="module")
def hostile_client(tmp_path_factory: pytest.TempPathFactory) -> TestClient:
    """Return a client on a database holding a plan full of hostile markup."""
    url = f"sqlite:///{tmp_path_factory.mktemp('hostile') / 'renkei.db'}"
    upgrade_database(url)
    text = read_example_text().replace(STORY, f"{SCRIPT}{STORY}", 1)
    text = text.replace("圏域市町で活躍する", f"{IMAGE}圏域市町で活躍する", 1)
    from_document, findings = read_plan(text)
    plan = hostile_plan(from_document)
    engine = create_engine_from_url(url)
    with create_session_factory(engine)() as session:
        import_plan(session=session, plan=plan, findings=[*findings, *lint_plan(plan)], source_text=text)
    engine.dispose()
    return TestClient(create_app(Settings(database_url=url)))


def test_hostile_document_renders_inert(hostile_client: TestClient,
                                        active_markup: Callable[[str], list[str]]) -> None:
    listing = hostile_client.get("/api/a/kitakyushu/projects").json()["projects"]
    slug = next(p["slug"] for p in listing if STORY in p["name"])
    assert SCRIPT in next(p["name"] for p in listing if p["slug"] == slug)  # kept as text, not dropped
    for path in ("/a/kitakyushu/", "/a/kitakyushu/projects", f"/a/kitakyushu/projects/{slug}",
                 "/a/kitakyushu/projects?q=alert", "/a/kitakyushu/kpis", "/a/kitakyushu/municipalities/402133",
                 "/a/kitakyushu/projects?q=<script>"):
        html = hostile_client.get(path).text
        assert active_markup(html) == [], path
        assert "<script>alert" not in html and "<img src=x" not in html
    page = hostile_client.get(f"/a/kitakyushu/projects/{slug}").text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "&lt;img src=x onerror=alert(1)&gt;" in page


def test_hostile_text_is_escaped_in_json_blocks(hostile_client: TestClient) -> None:
    listing = hostile_client.get("/api/a/kitakyushu/projects").json()["projects"]
    slug = next(p["slug"] for p in listing if STORY in p["name"])
    page = hostile_client.get(f"/a/kitakyushu/projects/{slug}").text
    blocks = page.split('<script type="application/json"')[1:]
    assert blocks
    for block in blocks:
        body = block.split("</script>", 1)[0]
        assert "<" not in body.split(">", 1)[1]


def test_no_page_uses_inline_script_or_style(client: TestClient, active_markup: Callable[[str], list[str]]) -> None:
    paths = ["/a/kitakyushu/", "/a/kitakyushu/projects", "/a/kitakyushu/municipalities", "/a/kitakyushu/map",
             "/a/kitakyushu/kpis", "/a/kitakyushu/projects?lang=en"]
    projects = client.get("/api/a/kitakyushu/projects").json()["projects"]
    paths += [f"/a/kitakyushu/projects/{p['slug']}" for p in projects]
    members = client.get("/api/a/kitakyushu/municipalities").json()
    paths += [f"/a/kitakyushu/municipalities/{m['code']}" for m in members]
    for path in paths:
        response = client.get(path)
        assert response.status_code == 200, path
        assert active_markup(response.text) == [], path
