"""Nothing internal reaches the public: no login name and no internal note in any public channel.

A reporting round is run the normal way (two towns report their shares with notes, the lead city enters the
total with a note, an assessment with a note, a second person approves), then every public channel is
collected: the portal's pages (live, both languages), the API, the static site, the open data and the PDF's
text. None may hold a login name or a note; each must hold the public comment or the approved figure, so the
test cannot pass by collecting nothing.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from renkei.cli import app as cli
from renkei.domain.workflow import Step
from renkei.services import workflow
from renkei.services.accounts import create_user, set_project_assignment
from renkei.settings import Settings
from renkei.store.engine import create_engine_from_url, create_session_factory
from renkei.store.portal_queries import project_key_by_slug
from renkei.store.rounds import kpi_rows, project_rows
from renkei.web.app import create_app

pytestmark = pytest.mark.heavy  # a minute or more of fixtures: collected first
ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "kitakyushu_vision_r8.txt"
PASSWORD = "correct horse battery staple"
#: 火災原因調査鑑識・鑑定連携事業 (every member takes part; a count) and こども文化パスポート事業 (an aim in words).
FIRE_SLUG, PASSPORT = "6ca2fb518e", "こども文化パスポート事業"
#: Login names no public text would ever contain by chance.
LOGINS = {"town": "qz-yukuhashi-login", "kanda": "qz-kanda-login", "lead": "qz-fire-dept-login",
          "reviewer": "qz-review-login"}
NOTE = "内部メモQZ"  # every internal note carries it
PUBLIC = "公開コメントQZ"  # every public comment carries it
runner = CliRunner()


def _seed(url: str) -> None:
    assert runner.invoke(cli, ["import", str(EXAMPLE), "--database-url", url]).exit_code == 0
    assert runner.invoke(cli, ["round", "open", "--year", "R8", "--due", "2027-05-31", "--database-url", url]
                         ).exit_code == 0
    engine = create_engine_from_url(url)
    with create_session_factory(engine)() as session:
        users = {
            "town": create_user(session=session, username=LOGINS["town"], role="municipality", password=PASSWORD,
                                actor="t", municipality_code="402133", display_name="山田 太郎"),
            "kanda": create_user(session=session, username=LOGINS["kanda"], role="municipality", password=PASSWORD,
                                 actor="t", municipality_code="406210", display_name="佐藤 花子"),
            "lead": create_user(session=session, username=LOGINS["lead"], role="editor", password=PASSWORD,
                                actor="t", display_name="鈴木 一郎", organisation="消防局予防課"),
            "reviewer": create_user(session=session, username=LOGINS["reviewer"], role="admin", password=PASSWORD,
                                    actor="t", display_name="高橋 次郎", organisation="企画課"),
        }
        plan_id = 1
        fire_key = project_key_by_slug(session=session, plan_id=plan_id, slug=FIRE_SLUG)
        projects = project_rows(session=session, plan_id=plan_id)
        fire = projects[str(fire_key)]
        set_project_assignment(session=session, username=LOGINS["lead"], project_id=fire.id, assigned=True, actor="t")
        kpis = kpi_rows(session=session, plan_id=plan_id)
        fire_kpi = next(k for (pid, _), k in kpis.items() if pid == fire.id)
        passport = next(k for (pid, _), k in kpis.items() if pid == projects[PASSPORT].id)

        def enter(who: str, part: str | None, value: str) -> None:
            workflow.enter_actual(session=session, user=users[who], kpi_id=fire_kpi.id, fiscal_year=2026, part=part,
                                  step=Step.SUBMIT, expected_version=0, data=workflow.ActualInput(
                                      value, note=f"{NOTE} {who}", comment=f"{PUBLIC} {who}", evidence="調査報告書"))
            workflow.review_actual(session=session, user=users["reviewer"], kpi_id=fire_kpi.id, fiscal_year=2026,
                                   part=part, step=Step.APPROVE, comment=f"{NOTE} 審査", expected_version=1)

        enter("town", "402133", "5")
        enter("kanda", "406210", "2")
        enter("lead", None, "12")
        workflow.enter_assessment(session=session, user=users["reviewer"], kpi_id=passport.id, fiscal_year=2026,
                                  step=Step.SUBMIT, expected_version=0, data=workflow.AssessmentInput(
                                      "一部達成", "参加申込書", f"{PUBLIC} 評価", f"{NOTE} 評価"))
        workflow.review_assessment(session=session, user=users["reviewer"], kpi_id=passport.id, fiscal_year=2026,
                                   step=Step.APPROVE, comment="", expected_version=1)
    engine.dispose()


def _forbidden(text: str) -> list[str]:
    found = [name for name in LOGINS.values() if name in text]
    found += [word for word in (NOTE, "山田 太郎", "佐藤 花子", "鈴木 一郎", "高橋 次郎") if word in text]
    return found


@pytest.fixture(scope="module")
def channels(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """Run the round and return every public channel's text, by channel."""
    folder = tmp_path_factory.mktemp("channels")
    url = f"sqlite:///{folder / 'renkei.db'}"
    _seed(url)
    texts: dict[str, list[str]] = {"pages": [], "api": [], "static site": [], "open data": [], "pdf": []}
    application = create_app(Settings(database_url=url, data_dir=folder))
    with TestClient(application) as client:
        for lang in ("ja", "en"):
            for page in ("/", f"/projects/{FIRE_SLUG}", "/projects", "/kpis", "/municipalities/402133",
                         "/municipalities/406210", "/map", "/method", "/downloads", "/kpis?q=鑑識"):
                path = f"/a/kitakyushu{page}"
                response = client.get(path, params={"lang": lang, "as_of": "2026"})
                assert response.status_code == 200, path
                texts["pages"].append(response.text)
        spec = client.get("/openapi.json").json()
        for path, methods in spec["paths"].items():
            if "get" not in methods or not path.startswith("/api"):
                continue
            concrete = path.replace("{area}", "kitakyushu").replace("{slug}", FIRE_SLUG).replace("{code}", "402133")
            response = client.get(concrete, params={"as_of": 2026})
            assert response.status_code == 200, concrete
            texts["api"].append(response.text)
        texts["project json"] = [client.get(f"/api/a/kitakyushu/projects/{FIRE_SLUG}", params={"as_of": 2026}).text]
    application.state.engine.dispose()
    site = folder / "site"
    assert runner.invoke(cli, ["build-site", str(site), "--database-url", url]).exit_code == 0
    texts["static site"] = [p.read_text(encoding="utf-8") for p in site.rglob("*") if p.suffix in (".html", ".json",
                                                                                                  ".csv", ".js")]
    data = folder / "opendata"
    assert runner.invoke(cli, ["export", "opendata", str(data), "--as-of", "2026", "--database-url", url]
                         ).exit_code == 0
    texts["open data"] = [p.read_text(encoding="utf-8-sig") for p in data.iterdir()]
    pdf = folder / "report.pdf"
    result = runner.invoke(cli, ["report", str(pdf), "--as-of", "2026", "--database-url", url])
    assert result.exit_code == 0, result.output
    pdftotext = shutil.which("pdftotext")
    assert pdftotext is not None, "pdftotext (poppler-utils) is installed by make sysdeps"
    texts["pdf"] = [subprocess.run([pdftotext, "-layout", str(pdf), "-"], capture_output=True, text=True,
                                   check=True, timeout=300).stdout]
    return {name: "\n\n".join(found) for name, found in texts.items()}


@pytest.mark.parametrize("channel", ["pages", "api", "static site", "open data", "pdf"])
def test_no_login_name_and_no_internal_note_is_published(channels: dict[str, str], channel: str) -> None:
    text = channels[channel]
    assert len(text) > 10_000, f"{channel}: too little was collected to prove anything"
    assert _forbidden(text) == [], channel


@pytest.mark.parametrize("channel", ["pages", "api", "static site", "open data"])
def test_what_is_public_is_published_with_the_organisation(channels: dict[str, str], channel: str) -> None:
    text = channels[channel]
    assert f"{PUBLIC} town" in text and f"{PUBLIC} lead" in text, channel  # the comments, as entered
    assert "消防局予防課" in text and "行橋市" in text, channel  # the organisations that reported


def test_the_report_shows_the_approved_figure_and_the_shares(channels: dict[str, str]) -> None:
    text = channels["pdf"]
    assert "行橋市 5件" in " ".join(text.split()) or "行橋市 5" in text
    assert f"{PUBLIC} 評価" in text  # the assessment's public comment


def test_the_api_gives_the_figure_its_source_and_the_shares_but_no_login(channels: dict[str, str]) -> None:
    assert "entered_by" not in channels["api"] and "entered_at" not in channels["api"]
    detail = json.loads(channels["project json"])
    kpi = detail["kpis"][0]
    (figure,) = [f for f in kpi["figures"] if f["fiscal_year"] == 2026]
    assert (figure["value"], figure["source"]) == (12, "total")
    assert [(s["name"], s["value"]) for s in figure["shares"]] == [("行橋市", 5), ("苅田町", 2)]
    assert {a["reported_by"] for a in kpi["actuals"]} == {"行橋市", "苅田町", "消防局予防課"}
