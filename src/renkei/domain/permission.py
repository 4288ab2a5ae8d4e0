"""Who may do what in the staff workspace: one permission matrix, role × action × scope.

Every route of the workspace and every service that changes something asks :func:`is_allowed` (or
:func:`may_ever` for a list it then filters). Nothing else in the code decides access.

Scopes:

- ``any``: everywhere;
- ``assigned``: on projects the user is assigned to (an editor, a lead-city department);
- ``partner``: on projects the user's municipality takes part in (連携市町), and, where a municipality is
  named (its share of an actual, its role text), only its own;
- ``none``: never.

Every scope is also bounded by the area (圏域): an account belongs to one area and acts only on that area's
projects. Only an admin without an area (``Subject.area_id is None``) acts in every area.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Role(StrEnum):
    """A staff role."""

    ADMIN = "admin"  # the lead city's planning staff: everything
    EDITOR = "editor"  # a lead-city department: its assigned projects
    MUNICIPALITY = "municipality"  # staff of one member municipality (bound to its code)
    VIEWER = "viewer"  # sees drafts, findings and the board; changes nothing

    @property
    def label_ja(self) -> str:
        """Return the Japanese name of the role."""
        labels = {"admin": "管理者（企画担当）", "editor": "担当課", "municipality": "連携市町", "viewer": "閲覧者"}
        return labels[self.value]


class Action(StrEnum):
    """Something a staff member does (each state-changing route names one)."""

    VIEW_WORKSPACE = "workspace.view"  # the to-do list and one's own entries
    VIEW_BOARD = "board.view"  # the review board (who still owes what)
    VIEW_HISTORY = "history.view"  # a project's field-level history
    VIEW_DRAFTS = "drafts.view"  # unpublished project text, evaluations, progress with pending values
    ENTER_ACTUAL = "actual.enter"  # save and submit a KPI's figures (its total, a share or an assessment)
    ENTER_TOTAL = "total.enter"  # the KPI's own figure (合計) or its assessment: the lead city's, never a share's
    ENTER_SHARE = "share.enter"  # a municipality's share of an actual (市町村別の実績)
    SET_SHARE_RULE = "share_rule.set"  # choose how a KPI's figure is made (a total, or the sum of the shares)
    REVIEW_ACTUAL = "actual.review"  # return, approve or reopen an actual or assessment
    UPLOAD_ACTUALS = "actuals.upload"  # send an actuals sheet (submitted records, own KPIs only)
    SAVE_MAPPING = "actuals_mapping.save"  # keep a mapping of the area's own sheet for the next file (area-wide)
    EDIT_EVALUATION = "evaluation.edit"  # save and submit a project's annual evaluation (事業評価)
    REVIEW_EVALUATION = "evaluation.review"  # return, approve or reopen an evaluation
    #: a partner municipality's own grade and comment on a project (連携市町による評価), where the area asks for them
    ENTER_PARTNER_EVALUATION = "partner_evaluation.enter"
    EDIT_PROJECT_TEXT = "project_text.edit"  # draft a project's description, effects and roles
    EDIT_ROLE_TEXT = "role_text.edit"  # draft one party's role text (役割分担)
    PUBLISH_PROJECT_TEXT = "project_text.publish"  # publish a project's draft text
    MANAGE_ROUNDS = "rounds.manage"  # open and close reporting rounds
    IMPORT_REVISION = "revision.import"  # import a revised edition of the vision mid-period (一部改正)
    MANAGE_USERS = "users.manage"  # accounts, roles, passwords, project assignments
    EXPORT_AUDIT = "audit.export"  # download the audit trail


class Scope(StrEnum):
    """Where a role may take an action."""

    ANY = "any"
    ASSIGNED = "assigned"
    PARTNER = "partner"
    NONE = "none"


A, S = Action, Scope
_VIEWS = {A.VIEW_WORKSPACE: S.ANY, A.VIEW_BOARD: S.ANY, A.VIEW_HISTORY: S.ANY, A.VIEW_DRAFTS: S.ANY}

#: The permission matrix. An action missing from a role's row is ``none``.
MATRIX: dict[Role, dict[Action, Scope]] = {
    Role.ADMIN: {action: S.ANY for action in Action},
    Role.EDITOR: {
        **_VIEWS,
        A.ENTER_ACTUAL: S.ASSIGNED, A.ENTER_TOTAL: S.ASSIGNED, A.ENTER_SHARE: S.ASSIGNED, A.REVIEW_ACTUAL: S.ASSIGNED,
        A.UPLOAD_ACTUALS: S.ASSIGNED, A.EDIT_EVALUATION: S.ASSIGNED, A.EDIT_PROJECT_TEXT: S.ASSIGNED,
        A.EDIT_ROLE_TEXT: S.ASSIGNED,
    },
    Role.MUNICIPALITY: {
        A.VIEW_WORKSPACE: S.ANY, A.VIEW_BOARD: S.PARTNER, A.VIEW_DRAFTS: S.PARTNER,
        A.ENTER_ACTUAL: S.PARTNER, A.ENTER_SHARE: S.PARTNER, A.UPLOAD_ACTUALS: S.PARTNER,
        A.EDIT_ROLE_TEXT: S.PARTNER, A.ENTER_PARTNER_EVALUATION: S.PARTNER,
    },
    Role.VIEWER: dict(_VIEWS),
}


@dataclass(frozen=True, slots=True)
class Subject:
    """Who acts: a signed-in user's id, role, area and (for a municipality user) municipality code.

    ``area_id`` None means every area, and only for an admin: any other role without an area acts nowhere.
    """

    user_id: int
    role: Role
    municipality_code: str | None = None
    area_id: int | None = None

    @property
    def every_area(self) -> bool:
        """Tell whether the subject acts in every area (an admin bound to none)."""
        return self.area_id is None and self.role is Role.ADMIN

    def in_area(self, area_id: int) -> bool:
        """Tell whether the subject may act in an area at all.

        >>> Subject(1, Role.ADMIN).in_area(3), Subject(2, Role.EDITOR, area_id=1).in_area(3)
        (True, False)
        >>> Subject(3, Role.VIEWER).in_area(1)
        False
        """
        return self.every_area or self.area_id == area_id


@dataclass(frozen=True, slots=True)
class Target:
    """What is acted on: a project (and its area), its partners and assigned editors, and the municipality named."""

    project_id: int
    area_id: int
    partner_codes: frozenset[str] = frozenset()
    assigned_user_ids: frozenset[int] = frozenset()
    #: The municipality whose share or role text is touched (None: the record as a whole).
    municipality_code: str | None = None


def scope_of(role: Role, action: Action) -> Scope:
    """Return the scope in which a role may take an action.

    >>> scope_of(Role.EDITOR, Action.REVIEW_ACTUAL), scope_of(Role.VIEWER, Action.ENTER_ACTUAL)
    (<Scope.ASSIGNED: 'assigned'>, <Scope.NONE: 'none'>)
    """
    return MATRIX[role].get(action, Scope.NONE)


def may_ever(role: Role, action: Action) -> bool:
    """Tell whether a role may take an action anywhere at all (a list route then filters by scope).

    >>> may_ever(Role.MUNICIPALITY, Action.VIEW_BOARD), may_ever(Role.MUNICIPALITY, Action.VIEW_HISTORY)
    (True, False)
    """
    return scope_of(role, action) is not Scope.NONE


def is_allowed(subject: Subject, action: Action, target: Target | None = None) -> bool:
    """Tell whether the subject may take the action on the target (``None``: the action as a whole).

    An action as a whole (``target`` None) is allowed only to a role whose scope is ``any`` (within its area: the
    caller works on the subject's own area's plan). On a target, the target's area must be the subject's.

    >>> editor, town = Subject(7, Role.EDITOR, area_id=1), Subject(9, Role.MUNICIPALITY, "402133", area_id=1)
    >>> project = Target(1, 1, frozenset({"402133"}), frozenset({7}))
    >>> is_allowed(editor, Action.REVIEW_ACTUAL, project), is_allowed(town, Action.REVIEW_ACTUAL, project)
    (True, False)
    >>> is_allowed(town, Action.ENTER_SHARE, Target(1, 1, frozenset({"402133", "403814"}), municipality_code="403814"))
    False
    >>> other_area = Target(2, 2, frozenset({"402133"}), frozenset({7}))
    >>> is_allowed(editor, Action.REVIEW_ACTUAL, other_area), is_allowed(Subject(1, Role.ADMIN), Action.REVIEW_ACTUAL,
    ...                                                                  other_area)
    (False, True)
    """
    scope = scope_of(subject.role, action)
    if target is not None and not subject.in_area(target.area_id):
        return False
    if target is None and not subject.every_area and subject.area_id is None:
        return False
    if scope is Scope.ANY:
        return True
    if scope is Scope.NONE or target is None:
        return False
    if scope is Scope.ASSIGNED:
        return subject.user_id in target.assigned_user_ids
    code = subject.municipality_code
    if code is None or code not in target.partner_codes:
        return False
    return target.municipality_code is None or target.municipality_code == code
