"""Accounts belong to an area: every staff route, as an account of another area, on the first area's records.

The seeded database holds the example plan (area ``kitakyushu``). These tests add a second area with the same
member towns and the same document imported for it, and accounts of that area with the same roles — 行橋市's staff
included, so the partner check alone would let them in. Whatever they try on the first area's records is refused
(403) and changes nothing; on their own area's records they work as usual.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.engine import make_url
from tests.web.staff.conftest import KEY, PASSWORD, TARGET_SLUG, Desk, Seed, freshen_sessions, opened_desk
from tests.web.staff.test_permission_matrix import CASES, UPLOAD_CSV

from renkei.cli.portal import read_example_text
from renkei.reading.area import load_area
from renkei.reading.sheet import read_plan
from renkei.services.accounts import AccountError, create_user, list_staff, set_project_assignment
from renkei.services.plan_import import import_plan
from renkei.services.rounds import open_round
from renkei.services.signin import sign_in
from renkei.settings import Settings
from renkei.store.engine import create_engine_from_url, create_session_factory
from renkei.store.rounds import kpi_rows, project_rows
from renkei.store.tables import ActualRow, KpiRow, PlanRevisionRow, PlanRow, ProjectRow
from renkei.store.workspace_tables import ReportingRoundRow, StaffUserRow

SECOND = "second"
#: Accounts of the second area: the same roles as the seeded ones, 行橋市's staff included.
OTHERS = {"o_admin": ("admin", None), "o_editor": ("editor", None), "o_yukuhashi": ("municipality", "402133"),
          "o_viewer": ("viewer", None)}


class TwoAreas(Desk):
    """A desk on a clone of the seed with a second area, its plan, an open round and its accounts."""

    second_project_id: int
    second_kpi_id: int


@dataclass
class SecondArea:
    """A clone of the seed where the second area, its plan, round and accounts were added: cloned again per test."""

    seed: Seed
    project_id: int
    kpi_id: int


def _add_second_area(url: str) -> tuple[int, int, dict[str, str]]:
    """Import the example for the second area, open its round, create its accounts and sign them in."""
    engine = create_engine_from_url(url)
    try:
        with create_session_factory(engine)() as session:
            source = read_example_text()
            plan, findings = read_plan(source)
            area = replace(load_area("kitakyushu"), slug=SECOND, name="第二圏域（試験）", name_en="Second (test)")
            result = import_plan(session=session, plan=replace(plan, area_slug=SECOND), findings=findings,
                                 source_text=source, area=area, actor="seed")
            assert result.plan_id is not None
            project = next(r for r in project_rows(session=session, plan_id=result.plan_id).values()
                           if r.slug == TARGET_SLUG)
            kpi = next(k for (pid, _), k in kpi_rows(session=session, plan_id=result.plan_id).items()
                       if pid == project.id)
            for name, (role, code) in OTHERS.items():
                create_user(session=session, username=name, role=role, password=PASSWORD, actor="seed",
                            municipality_code=code, area=SECOND)
            set_project_assignment(session=session, username="o_editor", project_id=project.id, assigned=True,
                                   actor="seed")
            open_round(session=session, plan_id=result.plan_id, fiscal_year=2026, due_date=date(2027, 5, 31),
                       actor="seed")
            settings = Settings(session_key=KEY)
            tokens = {name: sign_in(session=session, username=name, password=PASSWORD, address="127.0.0.1",
                                    key=KEY.encode(), settings=settings).token for name in OTHERS}
            return project.id, kpi.id, tokens
    finally:
        engine.dispose()  # no connection may stay open on a database used as a template


@pytest.fixture(scope="module")
def second_area(seeded: Seed, request: pytest.FixtureRequest,
                tmp_path_factory: pytest.TempPathFactory) -> Iterator[SecondArea]:
    """Add the second area to a clone of the seed once per module and backend; tests get copies of that clone."""
    assert seeded.clone is not None
    clones = seeded.clone()
    url = next(clones)
    project_id, kpi_id, tokens = _add_second_area(url)
    if url.startswith("sqlite:///"):
        template = Path(url.removeprefix("sqlite:///"))

        def clone() -> Iterator[str]:
            copy = tmp_path_factory.mktemp("second-area") / "case.db"
            shutil.copy(template, copy)
            freshen_sessions(f"sqlite:///{copy}")
            yield f"sqlite:///{copy}"
    else:
        postgres = request.getfixturevalue("postgres")

        def clone() -> Iterator[str]:
            with postgres.scratch("area_case", template=make_url(url).database) as case:
                freshen_sessions(case)
                yield case

    yield SecondArea(replace(seeded, tokens={**seeded.tokens, **tokens}, clone=clone), project_id, kpi_id)
    for _ in clones:  # drop the template
        pass


@pytest.fixture
def two_areas(second_area: SecondArea, tmp_path: Path) -> Iterator[TwoAreas]:
    with opened_desk(second_area.seed, tmp_path, TwoAreas) as desk:
        assert isinstance(desk, TwoAreas)
        desk.second_project_id, desk.second_kpi_id = second_area.project_id, second_area.kpi_id
        yield desk


@pytest.fixture(scope="module")
def untouched_two_areas(second_area: SecondArea, tmp_path_factory: pytest.TempPathFactory) -> Iterator[TwoAreas]:
    """One desk per module and backend for the refusals and page views, which must change nothing (each test still
    compares the database before and after every call)."""
    with opened_desk(second_area.seed, tmp_path_factory.mktemp("untouched"), TwoAreas) as desk:
        assert isinstance(desk, TwoAreas)
        yield desk


def test_accounts_know_their_area(two_areas: TwoAreas) -> None:
    engine = create_engine_from_url(two_areas.url)
    try:
        with create_session_factory(engine)() as session:
            staff = {u.username: u for u in list_staff(session=session)}
            # Created while one area was stored: the seeded accounts belong to it; the admin to every area.
            assert staff["admin"].every_area and staff["admin"].area_slug is None
            assert {staff[n].area_slug for n in ("editor", "yukuhashi", "viewer")} == {"kitakyushu"}
            assert {staff[n].area_slug for n in OTHERS} == {SECOND}
            # With two areas, an account other than an admin names its area.
            with pytest.raises(AccountError) as raised:
                create_user(session=session, username="nowhere", role="viewer", password=PASSWORD, actor="test")
            assert raised.value.field == "area" and "kitakyushu" in str(raised.value)
            # An editor cannot be assigned another area's project.
            with pytest.raises(AccountError):
                set_project_assignment(session=session, username="o_editor", project_id=two_areas.seed.project_id,
                                       assigned=True, actor="test")
            assert session.scalar(select(StaffUserRow.area_id).where(StaffUserRow.username == "o_admin"))
    finally:
        engine.dispose()


#: Routes that act on the caller's own area's plan whoever calls them (tested in the own-area test below).
OWN_PLAN_ROUTES = {"/staff/logout", "/staff/upload", "/staff/mapping", "/staff/admin/rounds",
                   "/staff/admin/rounds/{year}/close", "/staff/admin/revision"}


@pytest.mark.parametrize("route", sorted(set(CASES) - OWN_PLAN_ROUTES))
def test_every_route_refuses_another_areas_account(route: str, untouched_two_areas: TwoAreas, seeded: Seed) -> None:
    two_areas = untouched_two_areas
    case = CASES[route]
    problems: list[str] = []
    for caller in OTHERS:
        if route == "/staff/admin/users" and caller == "o_admin":
            continue  # creating an account of its own area is its job (tested below)
        data = {k: v.format(project_id=seeded.project_id) for k, v in case.data.items()}
        before = two_areas.snapshot()
        response = two_areas.post(caller, case.path(seeded), data)
        after = two_areas.snapshot()
        changed = sorted(name for name in before if before[name] != after[name])
        if response.status_code != 403 or changed:
            problems.append(f"{caller}: got {response.status_code}, changed {changed}")
    assert problems == [], f"{route}:\n" + "\n".join(problems)


@pytest.mark.parametrize("caller", sorted(OTHERS))
def test_pages_of_another_area_are_refused(caller: str, untouched_two_areas: TwoAreas, seeded: Seed) -> None:
    client = untouched_two_areas.as_user(caller)
    for path in (f"/staff/projects/{seeded.project_id}", f"/staff/projects/{seeded.project_id}/evaluation",
                 f"/staff/projects/{seeded.project_id}/history", f"/staff/kpis/{seeded.kpi_id}/2026"):
        response = client.get(path, follow_redirects=False)
        assert response.status_code in (403, 404) if caller != "o_admin" else response.status_code == 403, path


def test_own_area_works_and_the_workspace_is_the_own_areas(two_areas: TwoAreas) -> None:
    path = f"/staff/kpis/{two_areas.second_kpi_id}/2026/enter"
    response = two_areas.post("o_yukuhashi", path, {"part": "402133", "value": "4", "version": "0", "step": "submit"})
    assert response.status_code == 303
    assert _actual_rows(two_areas, two_areas.second_kpi_id) == [("402133", 4.0)]
    todo = two_areas.as_user("o_editor").get("/staff")
    assert todo.status_code == 200 and "第二圏域" in todo.text
    first = two_areas.as_user("editor").get("/staff")
    assert first.status_code == 200 and "第二圏域" not in first.text
    created = two_areas.post("o_admin", "/staff/admin/users", {"username": "o_newcomer", "role": "viewer",
                                                              "password": "a long enough secret"})
    assert created.status_code == 303
    users = two_areas.as_user("o_admin").get("/staff/admin/users").text
    assert "o_newcomer" in users and "yukuhashi" not in users.replace("o_yukuhashi", "")


def test_an_area_admin_closes_its_own_areas_round(two_areas: TwoAreas) -> None:
    def open_rounds() -> list[tuple[object, ...]]:
        engine = create_engine_from_url(two_areas.url)
        try:
            with engine.connect() as connection:
                return [tuple(r) for r in connection.execute(
                    select(PlanRow.area_name, ReportingRoundRow.fiscal_year)
                    .join(PlanRow, PlanRow.id == ReportingRoundRow.plan_id)
                    .where(ReportingRoundRow.closed_at.is_(None)).order_by(PlanRow.id))]
        finally:
            engine.dispose()

    assert [year for _, year in open_rounds()] == [2026, 2026]
    assert two_areas.post("o_admin", "/staff/admin/rounds/2026/close", {}).status_code == 303
    assert [name for name, _ in open_rounds()] == [open_rounds()[0][0]] and "第二" not in str(open_rounds())


def test_an_upload_goes_into_the_own_areas_plan(two_areas: TwoAreas) -> None:
    # The same sheet uploaded by the second area's 行橋市 goes into the second area's plan, never the first's.
    first_before = _actual_rows(two_areas, two_areas.seed.kpi_id)
    upload = two_areas.post("o_yukuhashi", "/staff/upload", {}, files={
        "file": ("actuals.csv", UPLOAD_CSV.encode("utf-8"), "text/csv")})
    assert upload.status_code == 200
    assert _actual_rows(two_areas, two_areas.seed.kpi_id) == first_before
    assert _actual_rows(two_areas, two_areas.second_kpi_id) == [("402133", 3.0)]


def test_an_area_admins_revision_goes_into_the_own_areas_plan(two_areas: TwoAreas, seeded: Seed) -> None:
    data = CASES["/staff/admin/revision"].data
    before = two_areas.snapshot()
    assert two_areas.post("o_editor", "/staff/admin/revision", data).status_code == 403
    assert two_areas.snapshot() == before
    assert two_areas.post("o_admin", "/staff/admin/revision", data).status_code == 200
    engine = create_engine_from_url(two_areas.url)
    try:
        with engine.connect() as connection:
            revised = connection.execute(select(PlanRow.area_name).join(
                PlanRevisionRow, PlanRevisionRow.plan_id == PlanRow.id)).scalars().all()
    finally:
        engine.dispose()
    assert len(revised) == 1 and "第二" in revised[0]  # the second area's plan, never the first's


def _actual_rows(desk: TwoAreas, kpi_id: int) -> list[tuple[str | None, float | None]]:
    """Return a KPI's current records: municipality and value."""
    engine = create_engine_from_url(desk.url)
    try:
        with engine.connect() as connection:
            return [(code, value) for code, value in connection.execute(
                select(ActualRow.municipality_code, ActualRow.value).where(ActualRow.kpi_id == kpi_id,
                                                                          ActualRow.is_current))]
    finally:
        engine.dispose()


def test_an_admin_of_every_area_switches_area(two_areas: TwoAreas) -> None:
    client = two_areas.as_user("admin")
    first = client.get("/staff/admin/rounds")
    assert first.status_code == 200 and 'name="area"' in first.text
    second = client.get(f"/staff/admin/rounds?area={SECOND}")
    assert second.status_code == 200 and "第二圏域" in second.text
    assert client.cookies.get("renkei_area") == SECOND  # remembered for the next page
    again = client.get("/staff/admin/rounds")
    assert "第二圏域" in again.text


def test_a_mapped_sheet_goes_into_the_own_areas_plan(two_areas: TwoAreas) -> None:
    # The second area's admin maps and imports an area sheet: the figures go to the second area's KPIs only.
    from tests.web.staff.test_mapping import FIRE, mapping_fields, upload

    def historical_plans() -> list[int]:
        engine = create_engine_from_url(two_areas.url)
        try:
            with create_session_factory(engine)() as session:
                return sorted(session.scalars(
                    select(ProjectRow.plan_id).join(KpiRow, KpiRow.project_id == ProjectRow.id)
                    .join(ActualRow, ActualRow.kpi_id == KpiRow.id).where(ActualRow.source == "historical")))
        finally:
            engine.dispose()

    proposed = upload(two_areas, "o_admin", rows=((FIRE, "鑑識・鑑定及び研修・会議等の実施件数", 3, 12, "A"),))
    assert proposed.status_code == 200, proposed.text[-2000:]
    done = two_areas.post("o_admin", "/staff/mapping", {**mapping_fields(proposed.text), "step": "import"})
    assert done.status_code == 200, done.text[-2000:]
    second_plan = _plan_of_project(two_areas, two_areas.second_project_id)
    assert historical_plans() and set(historical_plans()) == {second_plan}


def _plan_of_project(desk: TwoAreas, project_id: int) -> int:
    engine = create_engine_from_url(desk.url)
    try:
        with create_session_factory(engine)() as session:
            plan_id = session.scalar(select(ProjectRow.plan_id).where(ProjectRow.id == project_id))
            assert plan_id is not None
            return plan_id
    finally:
        engine.dispose()
