"""Every state-changing route × every role (and anonymous), against the one permission matrix.

A route allowed by the matrix succeeds; a forbidden one answers 403 and leaves every table exactly as it was
(an upload by a role that may upload its own rows, aimed at another's KPI, rejects the rows by number instead:
422, nothing written). A new state-changing route that is not listed here fails the test.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest

from renkei.cli.portal import read_example_text
from renkei.domain.permission import Action, Role, Subject, Target, is_allowed, may_ever
from renkei.services.revision_import import document_digest
from renkei.web.app import create_app
from renkei.web.staff import ROUTE_ACTIONS, walk_routes

#: The example revised (a target raised): what an admin imports as a revision from the staff page.
REVISED = read_example_text().replace("25件（令和12年度までの累計）", "40件（令和12年度までの累計）")
#: Who calls: seeded account (None: anonymous) → the role and municipality the matrix sees.
CALLERS: dict[str | None, tuple[Role, str | None] | None] = {
    None: None, "admin": (Role.ADMIN, None), "editor": (Role.EDITOR, None), "editor2": (Role.EDITOR, None),
    "yukuhashi": (Role.MUNICIPALITY, "402133"), "ashiya": (Role.MUNICIPALITY, "403814"),
    "viewer": (Role.VIEWER, None),
}
TARGET_PARTNERS = frozenset({"401005", "402044", "402133", "402150", "406210"})


@dataclass(frozen=True)
class Case:
    """A route as the test calls it: the concrete path, the form, and the record it aims at."""

    path: Callable[[Any], str]
    data: dict[str, str]
    on_project: bool = True
    #: The municipality whose share or role text is aimed at (None: the record as a whole).
    code: str | None = None
    upload: bool = False
    #: A step on the workspace as a whole, allowed to every role that may ever take the action (the mapping page
    #: keeps the file; which figures the user may send is said per cell in its preview).
    anywhere: bool = False


CASES: dict[str, Case] = {
    "/staff/logout": Case(lambda s: "/staff/logout", {}, on_project=False),
    "/staff/kpis/{kpi_id}/{year}/enter": Case(  # 行橋市's share: its own for 行橋市, anyone's for the lead city
        lambda s: f"/staff/kpis/{s.kpi_id}/2026/enter",
        {"part": "402133", "value": "３", "version": "0", "step": "submit"}, code="402133"),
    "/staff/kpis/{kpi_id}/{year}/review": Case(
        lambda s: f"/staff/kpis/{s.kpi_id}/2026/review", {"part": "total", "version": "1", "step": "approve"}),
    "/staff/kpis/{kpi_id}/share-rule": Case(
        lambda s: f"/staff/kpis/{s.kpi_id}/share-rule", {"share_mode": "sum", "year": "2026"}),
    "/staff/projects/{project_id}/text": Case(
        lambda s: f"/staff/projects/{s.project_id}/text",
        {"version": "1", "role_count": "1", "description": "新しい説明", "effects": "効果", "party_0": "北九州市",
         "duties_0": "推進する"}),
    "/staff/projects/{project_id}/role": Case(
        lambda s: f"/staff/projects/{s.project_id}/role",
        {"version": "1", "own_duties": "周知する", "municipality_code": "402133"}, code="402133"),
    "/staff/projects/{project_id}/publish": Case(lambda s: f"/staff/projects/{s.project_id}/publish", {"version": "1"}),
    "/staff/projects/{project_id}/evaluation": Case(
        lambda s: f"/staff/projects/{s.project_id}/evaluation",
        {"fiscal_year": "2027", "direction": "improve", "comment": "見直す", "step": "submit", "version": "0"}),
    "/staff/projects/{project_id}/evaluation/review": Case(
        lambda s: f"/staff/projects/{s.project_id}/evaluation/review",
        {"year": "2026", "version": "1", "step": "approve"}),
    "/staff/projects/{project_id}/partners": Case(  # 行橋市's own evaluation: its own for 行橋市, anyone's for admin
        lambda s: f"/staff/projects/{s.project_id}/partners",
        {"municipality_code": "402133", "fiscal_year": "2026", "grade": "A", "comment": "順調", "step": "submit",
         "version": "0"}, code="402133"),
    "/staff/projects/{project_id}/partners/review": Case(
        lambda s: f"/staff/projects/{s.project_id}/partners/review",
        {"municipality_code": "402133", "year": "2025", "version": "1", "step": "approve"}),
    "/staff/upload": Case(lambda s: "/staff/upload", {}, upload=True),
    "/staff/mapping": Case(lambda s: "/staff/mapping", {"step": "upload"}, on_project=False, upload=True,
                           anywhere=True),
    "/staff/admin/users": Case(lambda s: "/staff/admin/users",
                               {"username": "newcomer", "role": "viewer", "password": "a long enough secret"},
                               on_project=False),
    "/staff/admin/users/{username}/role": Case(lambda s: "/staff/admin/users/viewer2/role", {"role": "editor"},
                                               on_project=False),
    "/staff/admin/users/{username}/disabled": Case(lambda s: "/staff/admin/users/viewer2/disabled",
                                                   {"disabled": "1"}, on_project=False),
    "/staff/admin/users/{username}/password": Case(lambda s: "/staff/admin/users/viewer2/password",
                                                   {"password": "another long secret"}, on_project=False),
    "/staff/admin/users/{username}/assignment": Case(
        lambda s: "/staff/admin/users/editor2/assignment", {"project_id": "{project_id}", "assigned": "1"},
        on_project=False),
    "/staff/admin/rounds": Case(lambda s: "/staff/admin/rounds", {"fiscal_year": "R7", "due_date": "2027-05-31"},
                                on_project=False),
    "/staff/admin/rounds/{year}/close": Case(lambda s: "/staff/admin/rounds/2026/close", {}, on_project=False),
    "/staff/admin/revision": Case(lambda s: "/staff/admin/revision", {
        "step": "confirm", "label": "一部改正", "revised_on": "令和9年10月", "in_force_from": "", "reason": "",
        "document": REVISED, "digest": document_digest(REVISED), "version": "1"}, on_project=False),
}
UPLOAD_CSV = "事業名,指標,年度,実績値:行橋市\n消防指令業務の共同運用に係る調査研究事業,検討会実施件数,R8,３\n"


def state_changing_routes() -> dict[str, set[str]]:
    """Return every route of the application that changes something, with its methods."""
    app = create_app()
    found: dict[str, set[str]] = {}
    for route in walk_routes(list(app.routes)):
        methods = route.methods or set()
        if methods - {"GET", "HEAD"}:
            found[route.path] = set(methods)
    assert len(walk_routes(list(app.routes))) > 30, "the walk must see the portal's routes too"
    return found


def test_every_state_changing_route_is_in_the_matrix() -> None:
    routes = state_changing_routes()
    assert set(routes) == set(ROUTE_ACTIONS), "declare every state-changing route with staff_post (and its action)"
    assert set(routes) - {"/staff/login"} == set(CASES), "add the new route to CASES with the form it takes"
    assert {action for action in ROUTE_ACTIONS.values() if action is not None} <= set(Action)


def expected(caller: str | None, route: str, case: Case, seed: Any) -> str:
    """Return what the matrix says: ``allowed``, ``forbidden`` (403) or ``rejected`` (an upload's rows, 422)."""
    action = ROUTE_ACTIONS[route]
    identity = CALLERS[caller]
    if identity is None or action is None:
        return "forbidden"
    role, code = identity
    if not may_ever(role, action):
        return "forbidden"
    if case.anywhere:
        return "allowed"
    every = role is Role.ADMIN  # the seeded admin administers every area; everyone else is the example's
    subject = Subject(0 if caller != "editor" else -1, role, code, None if every else 1)
    target = Target(seed.project_id, 1, TARGET_PARTNERS, frozenset({-1}), case.code) if case.on_project else None
    if is_allowed(subject, action, target) and (not case.upload or is_allowed(subject, Action.ENTER_ACTUAL, target)):
        return "allowed"
    return "rejected" if case.upload else "forbidden"


@dataclass
class Untouched:
    """The module's shared desk, where every call is one that must change nothing, and what it holds."""

    desk: Any
    #: What every fresh clone holds (sessions' last-seen times aside).
    seed_state: dict[str, list[tuple[object, ...]]]
    #: The shared database as the last call left it.
    state: dict[str, list[tuple[object, ...]]]


@pytest.fixture(scope="module")
def untouched(shared_desk: Any) -> Untouched:
    state = shared_desk.snapshot()
    return Untouched(shared_desk, state, state)


@pytest.mark.parametrize("route", sorted(CASES))
def test_route_against_every_role(route: str, desk_factory: Callable[[], Any], seeded: Any,
                                  untouched: Untouched) -> None:
    case = CASES[route]
    problems: list[str] = []
    for caller in CALLERS:
        outcome = expected(caller, route, case, seeded)
        # an allowed call gets a fresh clone; forbidden and rejected ones must change nothing, so they share one
        desk = desk_factory() if outcome == "allowed" else untouched.desk
        files = {"file": ("actuals.csv", UPLOAD_CSV.encode("utf-8"), "text/csv")} if case.upload else None
        before = untouched.state if desk is untouched.desk else untouched.seed_state
        data = {k: v.format(project_id=seeded.project_id) for k, v in case.data.items()}
        response = desk.post(caller, case.path(seeded), data, files=files)
        after = desk.snapshot()
        if desk is untouched.desk:
            untouched.state = after
        changed = sorted(name for name in before if before[name] != after[name])
        if outcome == "allowed" and (response.status_code not in (200, 303) or not changed):
            problems.append(f"{caller}: expected success, got {response.status_code}, changed {changed}")
        elif outcome == "forbidden" and (response.status_code != 403 or changed):
            problems.append(f"{caller}: expected 403 and no change, got {response.status_code}, changed {changed}")
        elif outcome == "rejected" and (response.status_code != 422 or changed):
            problems.append(f"{caller}: expected rows rejected (422), got {response.status_code}, changed {changed}")
    assert problems == [], f"{route}:\n" + "\n".join(problems)


@pytest.mark.parametrize("part", ["401005", "total", ""])
def test_a_municipality_cannot_aim_at_another_share_or_the_total(desk: Any, seeded: Any, part: str) -> None:
    path = f"/staff/kpis/{seeded.kpi_id}/2026/enter"
    before = desk.snapshot()
    response = desk.post("yukuhashi", path, {"part": part, "value": "5", "version": "0", "step": "save"})
    assert response.status_code == 403 and desk.snapshot() == before
    assert desk.post("yukuhashi", path, {"part": "402133", "value": "5", "version": "0",
                                         "step": "save"}).status_code == 303
