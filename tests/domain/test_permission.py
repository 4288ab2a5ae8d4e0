"""The permission matrix, row by row: every role, every action, every scope."""

from __future__ import annotations

import pytest

from renkei.domain.permission import MATRIX, Action, Role, Scope, Subject, Target, is_allowed, may_ever, scope_of

AREA, OTHER_AREA = 1, 2
ADMIN = Subject(1, Role.ADMIN)  # of every area
EDITOR = Subject(2, Role.EDITOR, area_id=AREA)
OTHER_EDITOR = Subject(3, Role.EDITOR, area_id=AREA)
YUKUHASHI = Subject(4, Role.MUNICIPALITY, "402133", AREA)
ASHIYA = Subject(5, Role.MUNICIPALITY, "403814", AREA)
VIEWER = Subject(6, Role.VIEWER, area_id=AREA)
#: A project run by EDITOR, with 行橋市 as a partner and 芦屋町 not.
PROJECT = Target(10, AREA, frozenset({"401005", "402133"}), frozenset({2}))

EXPECTED: dict[Action, set[Subject]] = {
    Action.VIEW_WORKSPACE: {ADMIN, EDITOR, OTHER_EDITOR, YUKUHASHI, ASHIYA, VIEWER},
    Action.VIEW_BOARD: {ADMIN, EDITOR, OTHER_EDITOR, YUKUHASHI, VIEWER},
    Action.VIEW_HISTORY: {ADMIN, EDITOR, OTHER_EDITOR, VIEWER},
    Action.VIEW_DRAFTS: {ADMIN, EDITOR, OTHER_EDITOR, YUKUHASHI, VIEWER},
    Action.ENTER_ACTUAL: {ADMIN, EDITOR, YUKUHASHI},
    Action.ENTER_TOTAL: {ADMIN, EDITOR},  # a partner town only ever enters its own share
    Action.ENTER_SHARE: {ADMIN, EDITOR, YUKUHASHI},
    Action.SET_SHARE_RULE: {ADMIN},
    Action.REVIEW_ACTUAL: {ADMIN, EDITOR},
    Action.UPLOAD_ACTUALS: {ADMIN, EDITOR, YUKUHASHI},
    Action.SAVE_MAPPING: {ADMIN},  # a mapping of the area's own sheet is the area's, not one project's
    Action.EDIT_EVALUATION: {ADMIN, EDITOR},
    Action.REVIEW_EVALUATION: {ADMIN},
    Action.ENTER_PARTNER_EVALUATION: {ADMIN, YUKUHASHI},  # a partner's own grade and comment (連携市町による評価)
    Action.EDIT_PROJECT_TEXT: {ADMIN, EDITOR},
    Action.EDIT_ROLE_TEXT: {ADMIN, EDITOR, YUKUHASHI},
    Action.PUBLISH_PROJECT_TEXT: {ADMIN},
    Action.MANAGE_ROUNDS: {ADMIN},
    Action.IMPORT_REVISION: {ADMIN},  # a revised vision changes every year's KPIs: the planning staff only
    Action.MANAGE_USERS: {ADMIN},
    Action.EXPORT_AUDIT: {ADMIN},
}
EVERYONE = (ADMIN, EDITOR, OTHER_EDITOR, YUKUHASHI, ASHIYA, VIEWER)


def test_every_action_has_an_expectation() -> None:
    assert set(EXPECTED) == set(Action)
    assert set(MATRIX) == set(Role)


@pytest.mark.parametrize("action", list(Action))
@pytest.mark.parametrize("subject", EVERYONE, ids=lambda s: f"{s.role.value}{s.user_id}")
def test_matrix_on_a_project(subject: Subject, action: Action) -> None:
    assert is_allowed(subject, action, PROJECT) is (subject in EXPECTED[action])


def test_a_municipality_touches_only_its_own_share_and_role_text() -> None:
    for action in (Action.ENTER_SHARE, Action.EDIT_ROLE_TEXT):
        assert is_allowed(YUKUHASHI, action, Target(10, AREA, PROJECT.partner_codes, municipality_code="402133"))
        assert not is_allowed(YUKUHASHI, action, Target(10, AREA, PROJECT.partner_codes, municipality_code="401005"))
        assert is_allowed(EDITOR, action, Target(10, AREA, PROJECT.partner_codes, frozenset({2}), "401005"))


def test_without_a_target_only_unscoped_permissions_hold() -> None:
    assert is_allowed(ADMIN, Action.MANAGE_USERS)
    assert not is_allowed(EDITOR, Action.ENTER_ACTUAL)  # assigned: needs a project
    assert may_ever(Role.EDITOR, Action.ENTER_ACTUAL) and not may_ever(Role.VIEWER, Action.ENTER_ACTUAL)
    assert scope_of(Role.MUNICIPALITY, Action.VIEW_BOARD) is Scope.PARTNER


def test_a_municipality_without_a_code_is_refused() -> None:
    assert not is_allowed(Subject(7, Role.MUNICIPALITY, None), Action.ENTER_ACTUAL, PROJECT)


#: The same people, but accounts of another area: the same ids, roles and municipality codes.
ELSEWHERE = tuple(Subject(s.user_id, s.role, s.municipality_code, OTHER_AREA) for s in EVERYONE)


@pytest.mark.parametrize("action", list(Action))
@pytest.mark.parametrize("subject", ELSEWHERE, ids=lambda s: f"{s.role.value}{s.user_id}")
def test_an_account_of_another_area_may_do_nothing_on_the_project(subject: Subject, action: Action) -> None:
    # 行橋市 is a partner of the project and the editor is assigned, but the accounts belong to another area.
    assert not is_allowed(subject, action, PROJECT)


def test_an_admin_of_every_area_acts_everywhere_and_an_area_admin_in_its_own() -> None:
    area_admin = Subject(7, Role.ADMIN, area_id=AREA)
    elsewhere = Target(11, OTHER_AREA, frozenset({"402133"}))
    assert ADMIN.every_area and not area_admin.every_area
    assert all(is_allowed(ADMIN, action, elsewhere) for action in Action)
    assert all(is_allowed(area_admin, action, PROJECT) for action in Action)
    assert not any(is_allowed(area_admin, action, elsewhere) for action in Action)


def test_a_role_other_than_admin_without_an_area_acts_nowhere() -> None:
    lost = Subject(8, Role.EDITOR)
    assert not lost.every_area
    assert not is_allowed(lost, Action.VIEW_WORKSPACE)
    assert not is_allowed(lost, Action.ENTER_ACTUAL, Target(10, AREA, frozenset(), frozenset({8})))
