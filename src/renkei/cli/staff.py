"""Commands of the staff workspace: accounts (`renkei user`), reporting rounds (`renkei round`), the audit trail."""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime
from enum import StrEnum
from pathlib import Path
from typing import Annotated, TypeVar

import typer
from rich.table import Table

from renkei.cli.console import command_console
from renkei.cli.database import DatabaseOpt, PlanOpt, find_plan, open_session
from renkei.cli.files import err, fail
from renkei.cli.fiscal_year import year_option
from renkei.domain.fiscal import format_fiscal_year
from renkei.domain.permission import Role
from renkei.services import accounts
from renkei.services.accounts import AccountError
from renkei.services.audit_export import export_audit
from renkei.services.rounds import RoundError, close_round, list_all_rounds, open_round

out = command_console(soft_wrap=True, highlight=False)
ActorOpt = Annotated[str, typer.Option("--actor", help="操作者（監査記録に残る名前） / who does this")]
UserArg = Annotated[str, typer.Argument(help="ユーザー名 / the user name")]
RoleText = ", ".join(r.value for r in Role)
T = TypeVar("T")


class AuditFormat(StrEnum):
    csv = "csv"
    jsonl = "jsonl"


def _password(stdin: bool, username: str, *, display_name: str = "", organisation: str = "",
              area_names: Sequence[str] = ()) -> str:
    """Read the new password from stdin, or ask for it (again until it meets the rules); asked after every check."""

    def check(password: str) -> None:
        accounts.check_password(username, password, display_name=display_name, organisation=organisation,
                                area_names=area_names)

    if stdin:
        password = sys.stdin.readline().rstrip("\r\n")
        _account(lambda: check(password))
        return password

    label = f"{username} のパスワード（{accounts.MIN_PASSWORD_LENGTH}文字以上） / password"
    while True:  # Ctrl+C or the end of input stops it (typer's Abort)
        password = str(typer.prompt(label, hide_input=True))
        try:
            check(password)
        except AccountError as exc:
            err.print(f"[yellow]{exc}[/]", soft_wrap=True)
            continue
        if str(typer.prompt("もう一度 / repeat", hide_input=True)) == password:
            return password
        err.print("[yellow]2回の入力が一致しません / the two entries do not match[/]", soft_wrap=True)


def _account(action: Callable[[], T]) -> T:
    """Run an account action; exit with its bilingual message when it is refused."""
    try:
        return action()
    except AccountError as exc:
        raise fail(str(exc)) from None


def add(
    username: UserArg,
    role: Annotated[str, typer.Option("--role", help=f"役割 / role: {RoleText}")],
    municipality: Annotated[str | None, typer.Option("--municipality", help="団体コード（6桁） / code")] = None,
    name: Annotated[str, typer.Option("--name", help="表示名（例: 企画課 山田） / display name")] = "",
    org: Annotated[str, typer.Option(
        "--org", help="所属: 承認した実績に「報告: 」として公開される名前（例: 消防局予防課。"
                      "連携市町は省略すると市町名） / organisation: the name published with the figures it reports "
                      "(a town's defaults to its name)",
    )] = "",
    area: Annotated[str | None, typer.Option(
        "--area", help="圏域のスラッグ（kitakyushu など）。管理者で省略するとすべての圏域を管理、それ以外は"
                       "圏域が一つならその圏域 / the area's slug; an admin without it administers every area, "
                       "another role takes the only area",
    )] = None,
    password_stdin: Annotated[bool, typer.Option("--password-stdin", help="パスワードを標準入力から読む")] = False,
    database_url: DatabaseOpt = None,
    actor: ActorOpt = "cli",
) -> None:
    """職員のアカウントを作る（最初の管理者は --role admin） / create a staff account."""
    # Every argument is checked before the password is asked for: first on its own, then against the database.
    _account(lambda: accounts.read_new_account(username=username, role=role, municipality_code=municipality,
                                               organisation=org))
    with open_session(database_url, create=True) as session:
        account = _account(lambda: accounts.check_new_account(
            session=session, username=username, role=role, municipality_code=municipality, organisation=org,
            area=area))
        areas = accounts.area_names(session=session)
    password = _password(password_stdin, account.username, display_name=name, organisation=account.organisation,
                         area_names=areas)
    with open_session(database_url, create=True) as session:
        user = _account(lambda: accounts.create_user(
            session=session, username=username, role=role, password=password, actor=actor,
            municipality_code=municipality, display_name=name, organisation=org, area=area))
    where = user.area_slug or "すべての圏域 / every area"
    out.print(f"アカウントを作りました / created: {user.username}（{role}・圏域 / area: {where}）")


def list_users(database_url: DatabaseOpt = None) -> None:
    """職員のアカウント一覧 / list staff accounts."""
    with open_session(database_url) as session:
        users = accounts.list_staff(session=session)
    table = Table(title="職員アカウント / staff accounts")
    for column in ("ユーザー名 / user", "表示名 / name", "所属（公開） / organisation", "役割 / role",
                   "団体コード / code", "圏域 / area", "状態 / state"):
        table.add_column(column, overflow="fold")  # wrap, never cut, a name in a narrow terminal
    for user in users:
        table.add_row(user.username, user.display_name, user.organisation, f"{user.role.label_ja} / {user.role.value}",
                      user.municipality_code or "", user.area_slug or "すべて / every area",
                      "無効 / disabled" if user.disabled else "有効 / enabled")
    out.print(table)


def set_org(
    username: UserArg,
    org: Annotated[str, typer.Argument(help="所属（公開される名前） / the organisation published with its figures")],
    database_url: DatabaseOpt = None,
    actor: ActorOpt = "cli",
) -> None:
    """所属（実績と一緒に公開される名前）を変える / change the organisation published with the user's figures."""
    with open_session(database_url) as session:
        user = _account(lambda: accounts.set_organisation(session=session, username=username, organisation=org,
                                                          actor=actor))
    out.print(f"所属を変えました / organisation set: {user.username} → {user.organisation or '—'}")


def set_area(
    username: UserArg,
    area: Annotated[str | None, typer.Argument(
        help="圏域のスラッグ。省略すると（管理者のみ）すべての圏域 / the area's slug; none: every area (admins only)",
    )] = None,
    database_url: DatabaseOpt = None,
    actor: ActorOpt = "cli",
) -> None:
    """アカウントの圏域を変える（ログインは終了します） / move an account to an area (ends its sessions)."""
    with open_session(database_url) as session:
        user = _account(lambda: accounts.set_area(session=session, username=username, area=area, actor=actor))
    out.print(f"圏域を変えました / area set: {user.username} → {user.area_slug or 'すべての圏域 / every area'}")


def set_role(
    username: UserArg,
    role: Annotated[str, typer.Argument(help=f"役割 / role: {RoleText}")],
    municipality: Annotated[str | None, typer.Option("--municipality", help="団体コード（6桁） / code")] = None,
    database_url: DatabaseOpt = None,
    actor: ActorOpt = "cli",
) -> None:
    """役割を変える（そのユーザーのログインは終了します） / change a role (ends the user's sessions)."""
    with open_session(database_url) as session:
        _account(lambda: accounts.set_role(session=session, username=username, role=role, actor=actor,
                                           municipality_code=municipality))
    out.print(f"役割を変更しました / role changed: {username} → {role}")


def disable(username: UserArg, database_url: DatabaseOpt = None, actor: ActorOpt = "cli") -> None:
    """アカウントを無効にする（ログイン中なら即時に終了） / disable an account (ends its sessions)."""
    with open_session(database_url) as session:
        _account(lambda: accounts.set_disabled(session=session, username=username, disabled=True, actor=actor))
    out.print(f"無効にしました / disabled: {username}")


def enable(username: UserArg, database_url: DatabaseOpt = None, actor: ActorOpt = "cli") -> None:
    """無効にしたアカウントを戻す / enable an account again."""
    with open_session(database_url) as session:
        _account(lambda: accounts.set_disabled(session=session, username=username, disabled=False, actor=actor))
    out.print(f"有効にしました / enabled: {username}")


def reset_password(
    username: UserArg,
    password_stdin: Annotated[bool, typer.Option("--password-stdin", help="パスワードを標準入力から読む")] = False,
    database_url: DatabaseOpt = None,
    actor: ActorOpt = "cli",
) -> None:
    """パスワードを再設定する（ログイン中なら即時に終了） / set a new password (ends the user's sessions)."""
    with open_session(database_url) as session:  # the user must exist before a password is asked for
        staff = _account(lambda: accounts.get_staff(session=session, username=username))
        areas = accounts.area_names(session=session)
    password = _password(password_stdin, staff.username, display_name=staff.display_name,
                         organisation=staff.organisation, area_names=areas)
    with open_session(database_url) as session:
        _account(lambda: accounts.reset_password(session=session, username=username, password=password, actor=actor))
    out.print(f"パスワードを再設定しました / password reset: {username}")


def assign(
    username: UserArg,
    project: Annotated[str, typer.Argument(help="事業のスラッグ（ポータルのURLの末尾）または事業ID / slug or id")],
    remove: Annotated[bool, typer.Option("--remove", help="担当を外す / unassign")] = False,
    plan: PlanOpt = None,
    database_url: DatabaseOpt = None,
    actor: ActorOpt = "cli",
) -> None:
    """担当課（editor）に事業を割り当てる / assign an editor to a project."""
    from renkei.store.rounds import project_rows

    with open_session(database_url) as session:
        plan_id = find_plan(session, plan)
        rows = project_rows(session=session, plan_id=plan_id).values()
        found = next((r for r in rows if project in (r.slug, str(r.id))), None)
        if found is None:
            raise fail(f"事業「{project}」がありません / no project {project!r}")
        _account(lambda: accounts.set_project_assignment(session=session, username=username, project_id=found.id,
                                                         assigned=not remove, actor=actor))
    done = "担当を外しました / unassigned" if remove else "割り当てました / assigned"
    out.print(f"{done}: {username} — {found.name}")


def round_open(
    year: Annotated[int, year_option("--year", "報告する年度", "the fiscal year reported")],
    due: Annotated[str, typer.Option("--due", help="提出期限（2027-05-31） / due date")],
    note: Annotated[str | None, typer.Option("--note", help="連絡事項 / a note for everyone")] = None,
    plan: PlanOpt = None,
    database_url: DatabaseOpt = None,
    actor: ActorOpt = "cli",
) -> None:
    """実績報告の受付を始める / open a reporting round."""
    try:
        due_date = date.fromisoformat(due)
    except ValueError:
        raise fail(f"期限「{due}」は YYYY-MM-DD で書いてください / write the due date as YYYY-MM-DD") from None
    with open_session(database_url) as session:
        plan_id = find_plan(session, plan)
        try:
            opened = open_round(session=session, plan_id=plan_id, fiscal_year=year, due_date=due_date,
                                actor=actor, note=note)
        except RoundError as exc:
            raise fail(str(exc)) from None
    out.print(f"{format_fiscal_year(opened.fiscal_year)}の実績の報告受付を始めました（期限 {opened.due_date}） / "
              f"round opened for FY{opened.fiscal_year}, due {opened.due_date}")


def round_list(plan: PlanOpt = None, database_url: DatabaseOpt = None) -> None:
    """報告の受付の一覧 / list reporting rounds."""
    with open_session(database_url) as session:
        plan_id = find_plan(session, plan)
        found = list_all_rounds(session=session, plan_id=plan_id)
    table = Table(title="実績報告の受付 / reporting rounds")
    for column in ("年度 / year", "期限 / due", "状態 / state", "連絡事項 / note"):
        table.add_column(column)
    for item in found:
        table.add_row(format_fiscal_year(item.fiscal_year), item.due_date.isoformat(),
                      "受付中 / open" if item.open else "終了 / closed", item.note or "")
    out.print(table)


def round_close(
    year: Annotated[int, year_option("--year", "受付を終える年度", "the fiscal year of the round")],
    plan: PlanOpt = None,
    database_url: DatabaseOpt = None,
    actor: ActorOpt = "cli",
) -> None:
    """報告の受付を終える / close a reporting round."""
    with open_session(database_url) as session:
        plan_id = find_plan(session, plan)
        try:
            closed = close_round(session=session, plan_id=plan_id, fiscal_year=year, actor=actor)
        except RoundError as exc:
            raise fail(str(exc)) from None
    out.print(f"{format_fiscal_year(closed.fiscal_year)}の受付を終えました / round closed")


def audit_export(
    since: Annotated[str | None, typer.Option("--since", help="この日時以降（2026-12-01 など） / from")] = None,
    format: Annotated[AuditFormat, typer.Option("--format", "-f")] = AuditFormat.csv,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="出力ファイル（既定: 標準出力）")] = None,
    database_url: DatabaseOpt = None,
) -> None:
    """監査記録を書き出す（CSV または JSON Lines） / write the audit trail."""
    moment = None
    if since is not None:
        try:
            moment = datetime.fromisoformat(since)
        except ValueError:
            raise fail(f"--since: 「{since}」は 2026-12-01 や 2026-12-01T09:00 の形で書いてください / "
                       f"write the date as 2026-12-01 or 2026-12-01T09:00, not {since!r}") from None
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=UTC)
    with open_session(database_url) as session:
        chunks = list(export_audit(session=session, since=moment, format=format.value))
    text = "".join(chunks)
    if output is None:
        sys.stdout.write(text)
        return
    try:
        output.write_text(text, encoding="utf-8", newline="")
    except OSError as exc:
        raise fail(f"書き込めません / cannot write {output}: {exc.strerror}") from None
    command_console(stderr=True).print(f"監査記録を書きました / wrote {output}")


def register(app: typer.Typer) -> None:
    """Add `renkei user`, `renkei round` and `renkei audit` to the command line."""
    user_app = typer.Typer(name="user", help="職員アカウント / staff accounts", no_args_is_help=True)
    user_app.command("add")(add)
    user_app.command("list")(list_users)
    user_app.command("set-role")(set_role)
    user_app.command("set-org")(set_org)
    user_app.command("set-area")(set_area)
    user_app.command("disable")(disable)
    user_app.command("enable")(enable)
    user_app.command("reset-password")(reset_password)
    user_app.command("assign")(assign)
    app.add_typer(user_app, name="user")
    round_app = typer.Typer(name="round", help="実績報告の受付 / reporting rounds", no_args_is_help=True)
    round_app.command("open")(round_open)
    round_app.command("list")(round_list)
    round_app.command("close")(round_close)
    app.add_typer(round_app, name="round")
    audit_app = typer.Typer(name="audit", help="監査記録 / the audit trail", no_args_is_help=True)
    audit_app.command("export")(audit_export)
    app.add_typer(audit_app, name="audit")
