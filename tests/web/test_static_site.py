"""The static copy of the portal (`renkei build-site`): every page saved, every link relative and resolving."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from typer.testing import CliRunner

from renkei.cli import app
from renkei.domain.plan import Plan
from renkei.web.static_site import site_file

pytestmark = pytest.mark.heavy  # a minute or more of fixtures: collected first
LINK = re.compile(r'\b(?:href|src|action)="([^"]*)"')
runner = CliRunner()


def build(url: str, folder: Path, *more: str) -> tuple[int, str]:
    result = runner.invoke(app, ["build-site", str(folder), "--database-url", url, *more])
    return result.exit_code, result.output


@pytest.fixture(scope="module")
def site(example_url: str, tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("static") / "site"
    code, output = build(example_url, folder)
    assert code == 0, output
    return folder


def pages(site: Path) -> list[Path]:
    return sorted(site.rglob("*.html"))


def test_every_project_and_member_has_a_page_in_both_languages(site: Path, example_plan: Plan) -> None:
    for project in example_plan.projects:
        for lang in ("ja", "en"):
            file = site / str(site_file(f"/projects/{project.slug}", {}, lang))
            assert file.is_file(), f"{project.name}: no {file}"
            assert project.name in file.read_text(encoding="utf-8")
    towns = sorted(p.stem for p in (site / "municipalities").glob("4*.html"))
    assert len(towns) == 18 and "401005" in towns  # 北九州市 and its 17 partners
    assert (site / "en" / "index.html").read_text(encoding="utf-8").startswith('<!doctype html>\n<html lang="en">')


def test_every_link_is_relative_and_resolves_to_a_file(site: Path) -> None:
    broken: list[str] = []
    for page in pages(site):
        for raw in LINK.findall(page.read_text(encoding="utf-8")):
            link = raw.replace("&amp;", "&")
            if link.startswith(("https:", "http:", "mailto:", "#")):
                continue
            assert not link.startswith("/"), f"{page.relative_to(site)}: absolute link {link} breaks under a sub-path"
            target = (page.parent / unquote(urlsplit(link).path)).resolve()
            if not target.is_file():
                broken.append(f"{page.relative_to(site)} -> {link}")
    assert not broken, "\n".join(broken[:20])


def test_every_page_links_the_open_data_package_and_no_server_only_page(site: Path) -> None:
    package = json.loads((site / "opendata" / "datapackage.json").read_text(encoding="utf-8"))
    assert {r["path"] for r in package["resources"]} >= {"projects.csv", "kpis.csv"}
    for page in pages(site):
        text = page.read_text(encoding="utf-8")
        assert "opendata/datapackage.json" in text, page
        assert "/staff" not in text and 'name="as_of"' not in text, page  # no sign-in, no year form


def test_list_filters_are_pages_built_beforehand(site: Path, example_plan: Plan) -> None:
    # The home page links each policy area; the linked page lists exactly that area's projects.
    area = next(p.policy_area for p in example_plan.projects if p.policy_area)
    assert area is not None
    page = site / str(site_file("/projects", {"policy_area": str(area.number)}, "ja"))
    text = page.read_text(encoding="utf-8")
    expected = [p for p in example_plan.projects if p.policy_area and p.policy_area.number == area.number]
    assert f"{len(expected)}件の事業" in text
    assert all(p.slug in text for p in expected)
    others = [p for p in example_plan.projects if p.policy_area and p.policy_area.number != area.number]
    assert not any(f"{p.slug}.html" in text for p in others)


def test_the_api_answers_are_saved_and_their_next_links_resolve(site: Path) -> None:
    detail = json.loads(next((site / "api" / "projects").glob("*.json")).read_text(encoding="utf-8"))
    assert detail["name"]
    listing = json.loads((site / "api" / "projects.json").read_text(encoding="utf-8"))
    assert listing["count"] == 30 and listing["next"] is None
    assert (site / "api" / "projects.csv").read_bytes().startswith(b"\xef\xbb\xbf")


def test_the_search_index_holds_every_project_once(site: Path, example_plan: Plan) -> None:
    script = (site / "search-index.js").read_text(encoding="utf-8")
    assert script.startswith("window.RENKEI_SEARCH=")
    index = json.loads(script.removeprefix("window.RENKEI_SEARCH=").rstrip().rstrip(";"))
    assert [entry[1] for entry in index["projects"]] == [p.name for p in example_plan.projects]
    assert all((site / entry[0]).is_file() for entry in index["projects"] + index["municipalities"])


def test_a_foreign_folder_is_never_overwritten(example_url: str, tmp_path: Path) -> None:
    folder = tmp_path / "mine"
    folder.mkdir()
    (folder / "thesis.docx").write_text("keep me", encoding="utf-8")
    code, output = build(example_url, folder)
    assert code == 2 and "上書きしません" in output
    assert [p.name for p in folder.iterdir()] == ["thesis.docx"]


def test_a_rebuild_replaces_the_earlier_copy_whole(site: Path, example_url: str, tmp_path: Path) -> None:
    folder = tmp_path / "site"
    shutil.copytree(site, folder)  # an earlier build, as renkei left it
    (folder / "projects" / "stale.html").write_text("old", encoding="utf-8")
    code, output = build(example_url, folder, "--license", "CC0-1.0")
    assert code == 0, output
    assert not (folder / "projects" / "stale.html").exists()
    assert "CC0" in (folder / "index.html").read_text(encoding="utf-8")
    assert json.loads((folder / "opendata" / "datapackage.json").read_text(encoding="utf-8"))["licenses"][0][
        "name"] == "CC0-1.0"
    assert not list(tmp_path.glob(".site.*"))  # nothing half-built left beside it


def test_an_unknown_plan_is_a_clear_error(example_url: str, tmp_path: Path) -> None:
    code, output = build(example_url, tmp_path / "site", "--plan", "nowhere")
    assert code == 2 and "nowhere" in output
    assert not (tmp_path / "site").exists()


def test_two_processes_build_exactly_what_one_builds(example_url: str, tmp_path: Path) -> None:
    from renkei.settings import Settings
    from renkei.store import repository
    from renkei.store.engine import create_engine_from_url, create_session_factory
    from renkei.web.static_site import crawl_site

    engine = create_engine_from_url(example_url)
    with create_session_factory(engine)() as session:
        plan = repository.list_plans(session=session)[0]
    engine.dispose()
    settings = Settings(database_url=example_url)
    one = crawl_site(settings, plan.area_slug, plan.plan_key, tmp_path / "one", processes=1)
    two = crawl_site(settings, plan.area_slug, plan.plan_key, tmp_path / "two", processes=2)
    assert (one.pages, one.files, one.bytes, one.problems) == (two.pages, two.files, two.bytes, two.problems)
    files = sorted(p.relative_to(tmp_path / "one") for p in (tmp_path / "one").rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(tmp_path / "two") for p in (tmp_path / "two").rglob("*") if p.is_file())
    assert all((tmp_path / "one" / f).read_bytes() == (tmp_path / "two" / f).read_bytes() for f in files)
    assert one.pages > 200 and (tmp_path / "two" / "en" / "index.html").is_file()


def test_no_staff_finding_reaches_the_copy(site: Path) -> None:
    corrected = site / str(site_file("/projects/6a86f580d8", {}, "ja"))  # 荻田町 read as 苅田町
    assert "荻田町" in corrected.read_text(encoding="utf-8")  # the plain note of the correction stays
    for page in pages(site):
        text = page.read_text(encoding="utf-8")
        assert 'data-rule="' not in text and 'class="findings"' not in text and "職員向け" not in text, page
    answers = list((site / "api" / "projects").glob("*.json"))
    assert len(answers) == 30
    for answer in answers:
        detail = json.loads(answer.read_text(encoding="utf-8"))
        assert "findings" not in detail and "corrections" in detail, answer


def test_english_pages_of_the_copy_name_the_area_in_english(site: Path) -> None:
    from renkei.reading.area import load_area

    area = load_area("kitakyushu")
    english = [page for page in pages(site) if page.relative_to(site).parts[0] == "en"]
    assert len(english) > 30
    for page in english:
        text = page.read_text(encoding="utf-8")
        assert area.name_en in text and f">{area.name}<" not in text, page


def test_the_search_index_has_each_member_s_reading_and_pages_that_exist(site: Path) -> None:
    from renkei.domain.text import fold_for_search
    from renkei.reading.area import load_area

    text = (site / "search-index.js").read_text(encoding="utf-8")
    index = json.loads(text.removeprefix("window.RENKEI_SEARCH=").removesuffix(";\n"))
    area = load_area("kitakyushu")
    by_code = {m.code: m for m in area.members}
    towns = index["municipalities"]
    assert len(towns) == len(area.members)
    for file, name, folded, reading, filtered, count in towns:
        member = next(m for m in by_code.values() if m.name == name)
        assert member.kana and (folded, reading) == (fold_for_search(name), fold_for_search(member.kana))
        assert (site / file).is_file() and (site / "en" / file).is_file()
        assert count > 0 and (site / filtered).is_file() and (site / "en" / filtered).is_file()
    assert all(p[5] == fold_for_search(p[1]) for p in index["projects"])
    from renkei.web.search_terms import READING_ENDINGS
    from renkei.web.suggestion import CLOSE_NAME_CUTOFF, CLOSE_NAMES

    assert index["rules"] == {"endings": list(READING_ENDINGS), "cutoff": CLOSE_NAME_CUTOFF, "limit": CLOSE_NAMES}
