"""Fixtures of the staff-workspace service tests: a stored plan and one account of every kind.

The accounts' argon2 hashes make that setup slow, so it is made once per session (per xdist worker) and backend,
and every test that uses ``staff`` gets a clone of that database (a file copy, or ``CREATE DATABASE … TEMPLATE``).
"""

from __future__ import annotations

import copy
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.orm import Session

from renkei.domain.plan import KPI, Partners, indicator_key
from renkei.domain.quantity import Quantity, QuantityKind
from renkei.services.accounts import StaffUser, create_user, set_project_assignment
from renkei.services.plan_import import import_plan
from renkei.services.rounds import open_round
from renkei.store.engine import create_engine_from_url, create_session_factory
from renkei.store.rounds import kpi_rows, project_rows

PASSWORD = "correct horse battery staple"
#: The fiscal year of the round the fixture opens (FY2026: under way or ended whenever the tests run).
ROUND_YEAR = 2026


@dataclass
class Staff:
    """A stored plan (two projects and a 【再掲】 copy) and its users, by role."""

    plan_id: int
    story_id: int
    fire_id: int
    story_kpi: int
    fire_kpi: int
    qualitative_kpi: int
    admin: StaffUser
    editor: StaffUser
    other_editor: StaffUser
    yukuhashi: StaffUser
    ashiya: StaffUser
    kitakyushu: StaffUser
    viewer: StaffUser
    password: str = PASSWORD


def make_staff(session: Session, build: Any) -> Staff:
    """Store the plan and create the accounts (the editor is assigned the story project)."""
    qualitative = KPI("圏域の連携体制", Quantity("-", QuantityKind.NONE),
                      Quantity("連携体制の構築", QuantityKind.QUALITATIVE), None)
    fire = build.project(build.FIRE, line=20, partners=Partners("行橋市", ("行橋市",), ("402133",)),
                         kpis=(build.kpi("参加者数", 250), qualitative))
    # The story project's partners are all resolved, so its figures can be the sum of their shares.
    partners = Partners("行橋市、芦屋町", ("行橋市", "芦屋町"), ("402133", "403814"))
    plan = build.plan(build.project(partners=partners), fire,
                      build.project(build.STORY, line=40, relisted=True, partners=partners))
    result = import_plan(session=session, plan=plan, findings=[], source_text="x", area=build.area())
    assert result.plan_id is not None
    projects = project_rows(session=session, plan_id=result.plan_id)
    kpis = kpi_rows(session=session, plan_id=result.plan_id)
    story, fire_row = projects[build.STORY], projects[build.FIRE]
    users = {}
    for name, role, code in [("admin", "admin", None), ("editor", "editor", None), ("editor2", "editor", None),
                             ("yukuhashi", "municipality", "402133"), ("ashiya", "municipality", "403814"),
                             ("kitakyushu", "municipality", "401005"), ("viewer", "viewer", None)]:
        users[name] = create_user(session=session, username=name, role=role, password=PASSWORD, actor="test",
                                  municipality_code=code, display_name=name.title())
    set_project_assignment(session=session, username="editor", project_id=story.id, assigned=True, actor="test")
    open_round(session=session, plan_id=result.plan_id, fiscal_year=ROUND_YEAR, due_date=date(2027, 5, 31),
               actor="test")
    return Staff(
        result.plan_id, story.id, fire_row.id, kpis[(story.id, indicator_key("参加者数"))].id,
        kpis[(fire_row.id, indicator_key("参加者数"))].id, kpis[(fire_row.id, indicator_key("圏域の連携体制"))].id,
        users["admin"], users["editor"], users["editor2"],
        users["yukuhashi"], users["ashiya"], users["kitakyushu"], users["viewer"],
    )


@dataclass
class StaffTemplate:
    """A database where :func:`make_staff` ran: a SQLite file or a PostgreSQL database name, and what it made."""

    location: str
    staff: Staff
    drop: Callable[[], None] = lambda: None


def _fill(url: str, build: Any) -> Staff:
    engine = create_engine_from_url(url)
    try:
        with create_session_factory(engine)() as session:
            return make_staff(session, build)
    finally:
        engine.dispose()  # no connection may stay open on a database used as a template


@pytest.fixture(scope="session")
def staff_templates() -> Iterator[dict[str, StaffTemplate]]:
    """Yield the staff databases made so far, by backend (made on first use); PostgreSQL ones are dropped after."""
    made: dict[str, StaffTemplate] = {}
    yield made
    if "postgresql" in made:
        made["postgresql"].drop()


def _staff_template(backend: str, request: pytest.FixtureRequest, made: dict[str, StaffTemplate],
                    build: Any) -> StaffTemplate:
    if backend in made:
        return made[backend]
    if backend == "sqlite":
        migrated: Path = request.getfixturevalue("sqlite_template")
        path = request.getfixturevalue("tmp_path_factory").mktemp("staff-template") / "staff.db"
        shutil.copy(migrated, path)
        made[backend] = StaffTemplate(str(path), _fill(f"sqlite:///{path}", build))
        return made[backend]
    postgres = request.getfixturevalue("postgres")
    name = postgres.create("staff", template=request.getfixturevalue("postgres_template"))
    made[backend] = StaffTemplate(name, _fill(postgres.url(name), build), lambda: postgres.drop_later(name))
    return made[backend]


@pytest.fixture
def migrated_url(backend: str, request: pytest.FixtureRequest, staff_templates: dict[str, StaffTemplate],
                 build: Any, tmp_path: Path) -> Iterator[str]:
    """Yield a migrated database, or for a test that uses ``staff`` a clone of the staff database."""
    if "staff" not in request.fixturenames:
        yield request.getfixturevalue("migrated_copy")
        return
    template = _staff_template(backend, request, staff_templates, build)
    if backend == "sqlite":
        path = tmp_path / "staff.db"
        shutil.copy(template.location, path)
        yield f"sqlite:///{path}"
        return
    with request.getfixturevalue("postgres").scratch("t", template.location) as url:
        yield url


@pytest.fixture
def staff(session: Session, backend: str, staff_templates: dict[str, StaffTemplate]) -> Staff:
    """Return the stored plan and its accounts (the session's database is a clone of the staff database)."""
    del session  # its database, a clone of the staff template, holds what make_staff stored
    return copy.deepcopy(staff_templates[backend].staff)
