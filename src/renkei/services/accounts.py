"""Staff accounts: create, list, change role, disable, reset password, assign projects; argon2id passwords.

Passwords are hashed with argon2id (pwdlib). A password must be at least :data:`MIN_PASSWORD_LENGTH`
characters, must not be a common password and must not contain the user name, the display name, the organisation or
an area's name (:mod:`renkei.services.password_policy`). Changing a role, disabling an account or resetting a
password revokes the account's sessions at once. Every change is in the audit trail; no password or hash
ever is.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, replace

from pwdlib import PasswordHash
from pwdlib.hashers.argon2 import Argon2Hasher
from sqlalchemy.orm import Session

from renkei.domain.localcode import LocalCodeError, normalise_code
from renkei.domain.permission import Role, Subject
from renkei.services import password_policy
from renkei.store import accounts as store
from renkei.store.audit import record_audit_event, record_changes
from renkei.store.tables import ProjectRow, now_utc
from renkei.store.workspace_tables import StaffUserRow

MIN_PASSWORD_LENGTH, MAX_PASSWORD_LENGTH = password_policy.MIN_PASSWORD_LENGTH, password_policy.MAX_PASSWORD_LENGTH
USERNAME = re.compile(r"^[a-z0-9][a-z0-9._@-]{2,63}$")
HASHER = PasswordHash((Argon2Hasher(),))

#: Verified against when the user name is unknown, so that a wrong name takes as long as a wrong password; made on
#: first use (:func:`dummy_hash`).
_DUMMY_HASH: str | None = None


def dummy_hash() -> str:
    """Return the hash a password is checked against when there is no user (a sign-in takes as long either way).

    It is made with ``HASHER`` on first use, not at import: every command that imports this module (``renkei
    actuals import`` …) would otherwise pay for an Argon2 hash, most of its start-up time and memory. The portal
    makes it at start.
    """
    global _DUMMY_HASH
    if _DUMMY_HASH is None:
        _DUMMY_HASH = HASHER.hash("renkei-no-such-user-padding")
    return _DUMMY_HASH


class AccountError(ValueError):
    """An account change that cannot be made, in Japanese and English; ``field`` names the input."""

    def __init__(self, field: str, message_ja: str, message_en: str) -> None:
        super().__init__(f"{message_ja} / {message_en}")
        self.field = field
        self.message_ja = message_ja
        self.message_en = message_en


class AccountDenied(AccountError):
    """An account change an area's admin may not make: an account of another area (answered with 403)."""


@dataclass(frozen=True, slots=True)
class StaffUser:
    """A signed-in (or listed) staff member, safe to use after the session is closed."""

    id: int
    username: str
    display_name: str
    role: Role
    municipality_code: str | None
    disabled: bool = False
    #: The organisation the public sees on what this account reports (行橋市, 消防局予防課); never the login.
    organisation: str = ""
    #: The area the account works in (its id and slug); None only for an admin of every area.
    area_id: int | None = None
    area_slug: str | None = None

    @property
    def subject(self) -> Subject:
        """Return the user as the permission matrix sees them."""
        return Subject(self.id, self.role, self.municipality_code, self.area_id)

    @property
    def every_area(self) -> bool:
        """Tell whether the account administers every area (an admin bound to none)."""
        return self.subject.every_area

    @property
    def label(self) -> str:
        """Return the name shown on pages and in the audit trail."""
        return self.display_name or self.username

    @classmethod
    def of(cls, row: StaffUserRow) -> StaffUser:
        """Build from a stored account."""
        return cls(row.id, row.username, row.display_name, Role(row.role), row.municipality_code, row.disabled,
                   row.organisation or "", row.area_id, row.area.slug if row.area is not None else None)


def fold_username(text: str) -> str:
    """Fold a user name as typed (width, case, surrounding space).

    >>> fold_username(" Ｙｕｋｕｈａｓｈｉ "), fold_username("Admin")
    ('yukuhashi', 'admin')
    """
    return unicodedata.normalize("NFKC", text).strip().lower()


def check_password(username: str, password: str, *, display_name: str = "", organisation: str = "",
                   area_names: Iterable[str] = ()) -> None:
    """Raise AccountError when a password breaks a rule of :mod:`renkei.services.password_policy`: too short or too
    long, a common password, or containing the user name, the display name, the organisation or an area's name.

    >>> check_password("yukuhashi", "correct horse battery")
    >>> check_password("yukuhashi", "yukuhashi-2026!")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    renkei.services.accounts.AccountError: パスワードにユーザー名を含めないでください / the password must not ...
    >>> check_password("yamada", "iloveyou123456")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    renkei.services.accounts.AccountError: よく使われるパスワード...
    """
    refusal = password_policy.refuse_password(password, username=fold_username(username) if username else "",
                              display_name=display_name, organisation=organisation, area_names=area_names)
    if refusal is not None:
        raise AccountError("password", refusal.message_ja, refusal.message_en)


def area_names(*, session: Session) -> list[str]:
    """Return the names and slugs of the stored areas, which no staff password may contain."""
    return store.area_names(session=session)


def hash_password(password: str) -> str:
    """Return the argon2id hash of a password."""
    return HASHER.hash(password)


def verify_password(password: str, password_hash: str | None) -> bool:
    """Check a password against a hash (against a dummy hash when there is none, taking as long)."""
    try:
        return bool(HASHER.verify(password, password_hash or dummy_hash())) and password_hash is not None
    except Exception:  # a damaged hash never lets anyone in
        return False


def _role(text: str) -> Role:
    try:
        return Role(text)
    except ValueError:
        raise AccountError("role", f"役割「{text}」はありません（admin・editor・municipality・viewer）",
                           f"no role {text!r} (admin, editor, municipality, viewer)") from None


def _municipality_form(role: Role, code: str | None) -> str | None:
    """Return the normalised code a role needs (None for the others), checked without the database."""
    if role is not Role.MUNICIPALITY:
        if code:
            raise AccountError("municipality_code", "団体コードは連携市町の職員だけに設定します",
                               "only a municipality user has a municipality code")
        return None
    if not code:
        raise AccountError("municipality_code", "連携市町の職員には団体コード（6桁）が必要です",
                           "a municipality user needs the municipality's 6-digit code")
    try:
        return normalise_code(code)
    except LocalCodeError as exc:
        raise AccountError("municipality_code", f"団体コード「{code}」が正しくありません", str(exc)) from None


def _municipality(session: Session, role: Role, code: str | None) -> str | None:
    normalised = _municipality_form(role, code)
    if normalised is not None and store.municipality_name(session=session, code=normalised) is None:
        raise AccountError("municipality_code", f"団体コード {normalised} の市町村は登録されていません",
                           f"no stored municipality has code {normalised}")
    return normalised


def _area(session: Session, role: Role, slug: str | None, code: str | None, by: StaffUser | None) -> int | None:
    """Return the id of the area an account is to belong to; raise AccountError.

    Without ``slug``: an admin administers every area (unless created by an area's admin: that area); any other
    role takes the only stored area, and must name one when there are several. A municipality must be a member of
    the account's area. An area's admin creates accounts of its own area only.
    """
    areas = store.list_area_ids(session=session)
    if slug:
        chosen = areas.get(slug.strip().lower())
        if chosen is None:
            known = "、".join(sorted(areas)) or "なし / none"
            raise AccountError("area", f"圏域「{slug}」は登録されていません（登録済み: {known}）",
                               f"no stored area {slug!r} (stored: {known})")
    elif by is not None and not by.every_area:
        chosen = by.area_id
    elif role is Role.ADMIN:
        return None
    elif len(areas) == 1:
        chosen = next(iter(areas.values()))
    elif not areas:
        raise AccountError("area", "圏域がまだ登録されていません。計画を取り込むか renkei area add で登録してください",
                           "no area is stored yet: import a plan or run renkei area add first")
    else:
        raise AccountError("area", f"圏域を指定してください（{'、'.join(sorted(areas))}）",
                           f"name the account's area ({', '.join(sorted(areas))})")
    if by is not None and not by.every_area and chosen != by.area_id:
        raise AccountDenied("area", "ほかの圏域のアカウントは作成・変更できません",
                           "an area's admin manages the accounts of its own area only")
    if code is not None and chosen is not None and not store.is_area_member(session=session, area_id=chosen,
                                                                           code=code):
        raise AccountError("municipality_code", f"団体コード {code} の市町村はこの圏域の構成市町村ではありません",
                           f"municipality {code} is not a member of the account's area")
    return chosen


def _within(by: StaffUser | None, row: StaffUserRow) -> None:
    """Refuse an area's admin touching an account of another area (or an admin of every area)."""
    if by is not None and not by.every_area and row.area_id != by.area_id:
        raise AccountDenied("username", f"ユーザー「{row.username}」はこの圏域のアカウントではありません",
                           f"user {row.username!r} is not an account of your area")


@dataclass(frozen=True, slots=True)
class NewAccount:
    """A new account's user name (folded), role, municipality code and organisation, checked before a password is
    asked for (the organisation as given until :func:`check_new_account` fills in a municipality's name)."""

    username: str
    role: Role
    municipality_code: str | None
    organisation: str = ""
    #: The area the account belongs to (None: every area, an admin only); set by :func:`check_new_account`.
    area_id: int | None = None


def read_new_account(*, username: str, role: str, municipality_code: str | None = None,
                     organisation: str = "") -> NewAccount:
    """Check what a new account's name, role, code and organisation say without the database; raise AccountError.

    >>> read_new_account(username="Yukuhashi", role="municipality", municipality_code="40213").municipality_code
    '402133'
    >>> read_new_account(username="root", role="superuser")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    renkei.services.accounts.AccountError: 役割「superuser」はありません（admin・editor・municipality・viewer） / ...
    """
    name = fold_username(username)
    if not USERNAME.match(name):
        raise AccountError("username", "ユーザー名は3〜64文字の半角英数字と . _ @ - で入力してください",
                           "a user name is 3-64 characters: a-z, 0-9 and . _ @ -")
    chosen = _role(role)
    return NewAccount(name, chosen, _municipality_form(chosen, municipality_code), _organisation_text(organisation))


def check_new_account(*, session: Session, username: str, role: str, municipality_code: str | None = None,
                      organisation: str = "", area: str | None = None, by: StaffUser | None = None) -> NewAccount:
    """Check a new account against the database too (a free name, a stored municipality, its area); raise
    AccountError. ``by`` is the admin creating it on the web (None: the command line)."""
    account = read_new_account(username=username, role=role, municipality_code=municipality_code,
                               organisation=organisation)
    if store.find_user(session=session, username=account.username) is not None:
        raise AccountError("username", f"ユーザー「{account.username}」は既にあります",
                           f"user {account.username!r} already exists")
    code = _municipality(session, account.role, municipality_code)
    area_id = _area(session, account.role, area, code, by)
    return replace(account, organisation=_organisation(session, code, organisation), area_id=area_id)


def _form(row: StaffUserRow) -> dict[str, object]:
    return {"role": row.role, "municipality_code": row.municipality_code, "display_name": row.display_name,
            "organisation": row.organisation, "disabled": row.disabled,
            "area": row.area.slug if row.area is not None else None}


def _organisation_text(organisation: str) -> str:
    text = " ".join(organisation.split())
    if len(text) > 200:
        raise AccountError("organisation", "所属は200文字以内にしてください",
                           "the organisation takes at most 200 characters")
    return text


def _organisation(session: Session, code: str | None, organisation: str) -> str:
    """Return the organisation to show for an account: as given, else a municipality user's municipality."""
    text = _organisation_text(organisation)
    if not text and code:
        return store.municipality_name(session=session, code=code) or ""
    return text


def _get(session: Session, username: str) -> StaffUserRow:
    row = store.find_user(session=session, username=fold_username(username))
    if row is None:
        raise AccountError("username", f"ユーザー「{username}」はいません", f"no user {username!r}")
    return row


def create_user(*, session: Session, username: str, role: str, password: str, actor: str,
                municipality_code: str | None = None, display_name: str = "", organisation: str = "",
                area: str | None = None, by: StaffUser | None = None) -> StaffUser:
    """Create an account (committed); raise AccountError on a bad name, role, code, area or password.

    ``organisation`` is what the public sees on the figures the account reports (消防局予防課); a municipality
    user's is its municipality's name unless given. ``area`` is the slug of the account's area (see :func:`_area`);
    ``by`` is the admin creating it on the web (None: the command line).
    """
    account = check_new_account(session=session, username=username, role=role, municipality_code=municipality_code,
                                organisation=organisation, area=area, by=by)
    name = account.username
    check_password(name, password, display_name=display_name, organisation=account.organisation,
                   area_names=store.area_names(session=session))
    row = StaffUserRow(username=name, display_name=display_name.strip()[:200], role=account.role.value,
                       municipality_code=account.municipality_code, organisation=account.organisation,
                       area_id=account.area_id, password_hash=hash_password(password), disabled=False, version=1)
    session.add(row)
    session.flush()
    session.refresh(row)
    record_changes(session=session, actor=actor, action="user.create", entity="user", entity_key=name, before=None,
                   after=_form(row))
    session.commit()
    return StaffUser.of(row)


def list_staff(*, session: Session, by: StaffUser | None = None) -> list[StaffUser]:
    """Return every account (to an area's admin: its area's accounts)."""
    users = [StaffUser.of(row) for row in store.list_users(session=session)]
    return [u for u in users if by is None or by.every_area or u.area_id == by.area_id]


def get_staff(*, session: Session, username: str) -> StaffUser:
    """Return one account by user name; raise AccountError when there is none."""
    return StaffUser.of(_get(session, username))


def _change(session: Session, row: StaffUserRow, actor: str, action: str, reason: str | None = None,
            **values: object) -> bool:
    before = _form(row)
    for name, value in values.items():
        setattr(row, name, value)
    after = _form(row)
    if before == after:
        return False
    row.version += 1
    row.updated_at = now_utc()
    session.flush()
    store.revoke_sessions(session=session, user_id=row.id)
    record_changes(session=session, actor=actor, action=action, entity="user", entity_key=row.username,
                   before=before, after=after, reason=reason)
    return True


def _keep_an_admin(session: Session, row: StaffUserRow) -> None:
    if row.role == "admin" and not row.disabled and store.count_admins(session=session) <= 1:
        raise AccountError("role", "最後の管理者は変更・無効化できません",
                           "the last admin cannot be changed or disabled")


def set_role(*, session: Session, username: str, role: str, actor: str,
             municipality_code: str | None = None, organisation: str | None = None,
             by: StaffUser | None = None) -> StaffUser:
    """Change an account's role (and municipality, and the organisation shown for it); its sessions end at once."""
    row = _get(session, username)
    _within(by, row)
    chosen = _role(role)
    code = _municipality(session, chosen, municipality_code)
    if chosen is not Role.ADMIN and row.area_id is None:
        raise AccountError("area", "圏域のないアカウントは管理者のままにするか、先に圏域を設定してください",
                           "an account without an area stays an admin; set its area first (renkei user set-area)")
    if code is not None and row.area_id is not None and not store.is_area_member(session=session,
                                                                                 area_id=row.area_id, code=code):
        raise AccountError("municipality_code", f"団体コード {code} の市町村はこの圏域の構成市町村ではありません",
                           f"municipality {code} is not a member of the account's area")
    if chosen is not Role.ADMIN:
        _keep_an_admin(session, row)
    org = row.organisation
    if organisation is not None:
        org = _organisation(session, code, organisation)
    elif code != row.municipality_code:  # a new municipality: its name, unless an organisation is given
        org = _organisation(session, code, "")
    _change(session, row, actor, "user.role", role=chosen.value, municipality_code=code, organisation=org)
    session.commit()
    return StaffUser.of(row)


def set_area(*, session: Session, username: str, area: str | None, actor: str) -> StaffUser:
    """Move an account to an area (None: every area, for an admin only); its sessions end at once (committed).

    A municipality account's municipality must be a member of the new area; an editor's assignments to another
    area's projects are taken away.
    """
    row = _get(session, username)
    role = Role(row.role)
    if area is None and role is not Role.ADMIN:
        raise AccountError("area", "圏域を外せるのは管理者だけです", "only an admin may be without an area")
    area_id = _area(session, role, area, row.municipality_code, None) if area else None
    if area_id is not None:
        for project in store.assigned_projects(session=session, user_id=row.id):
            if store.plan_area_id(session=session, plan_id=project.plan_id) != area_id:
                store.set_assignment(session=session, project_id=project.id, user_id=row.id, assigned=False,
                                     actor=actor)
    _change(session, row, actor, "user.area", area_id=area_id)
    session.commit()
    session.refresh(row)
    return StaffUser.of(row)


def set_organisation(*, session: Session, username: str, organisation: str, actor: str) -> StaffUser:
    """Change the organisation shown for what an account reports (committed)."""
    row = _get(session, username)
    _change(session, row, actor, "user.organisation",
            organisation=_organisation(session, row.municipality_code, organisation))
    session.commit()
    return StaffUser.of(row)


def set_disabled(*, session: Session, username: str, disabled: bool, actor: str,
                 by: StaffUser | None = None) -> StaffUser:
    """Disable (or enable again) an account; disabling ends its sessions at once."""
    row = _get(session, username)
    _within(by, row)
    if disabled:
        _keep_an_admin(session, row)
    _change(session, row, actor, "user.disable" if disabled else "user.enable", disabled=disabled)
    session.commit()
    return StaffUser.of(row)


def reset_password(*, session: Session, username: str, password: str, actor: str,
                   by: StaffUser | None = None) -> StaffUser:
    """Set a new password; the account's sessions end at once."""
    row = _get(session, username)
    _within(by, row)
    check_password(row.username, password, display_name=row.display_name, organisation=row.organisation or "",
                   area_names=store.area_names(session=session))
    row.password_hash = hash_password(password)
    row.password_changed_at = now_utc()
    row.version += 1
    session.flush()
    store.revoke_sessions(session=session, user_id=row.id)
    record_audit_event(session=session, actor=actor, action="user.password_reset", entity="user",
                       entity_key=row.username, before=None, after=None, field="password")
    session.commit()
    return StaffUser.of(row)


def set_project_assignment(*, session: Session, username: str, project_id: int, assigned: bool,
                           actor: str, by: StaffUser | None = None) -> bool:
    """Assign an editor to a project of its area (or take it away); return whether anything changed."""
    row = _get(session, username)
    _within(by, row)
    if row.role != Role.EDITOR.value:
        raise AccountError("username", "事業を担当できるのは担当課（editor）だけです",
                           "only an editor is assigned to projects")
    project = session.get(ProjectRow, project_id)
    if project is None:
        raise AccountError("project", f"事業 {project_id} はありません", f"no project {project_id}")
    if assigned and row.area_id is not None and store.plan_area_id(session=session,
                                                                    plan_id=project.plan_id) != row.area_id:
        raise AccountError("project", f"事業「{project.name}」はこのアカウントの圏域の事業ではありません",
                           f"project {project.name!r} is not in the account's area")
    changed = store.set_assignment(session=session, project_id=project_id, user_id=row.id, assigned=assigned,
                                   actor=actor)
    if changed:
        record_changes(session=session, actor=actor, action="user.assign" if assigned else "user.unassign",
                       entity="user", entity_key=row.username, before={"project": None if assigned else project.name},
                       after={"project": project.name if assigned else None}, project_id=project_id)
    session.commit()
    return changed


def assigned_project_ids(*, session: Session, username: str) -> list[int]:
    """Return the ids of the projects an editor is assigned to."""
    row = _get(session, username)
    return [p.id for p in store.assigned_projects(session=session, user_id=row.id)]
