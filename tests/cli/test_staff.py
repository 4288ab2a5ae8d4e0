"""`renkei user`, `renkei round`, `renkei audit export` and `renkei actuals import --user` on a real database."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from renkei.cli import app

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "kitakyushu_vision_r8.txt"
PASSWORD = "correct horse battery\n"


def run(runner: CliRunner, *args: str, input: str | None = None, code: int = 0) -> str:
    result = runner.invoke(app, list(args), input=input)
    assert result.exit_code == code, result.output
    return result.output


def test_accounts_from_the_command_line(runner: CliRunner) -> None:
    run(runner, "import", str(EXAMPLE))
    assert "created: admin" in run(runner, "user", "add", "admin", "--role", "admin", input=PASSWORD * 2)
    run(runner, "user", "add", "yukuhashi", "--role", "municipality", "--municipality", "402133",
        "--password-stdin", input=PASSWORD)
    short = run(runner, "user", "add", "tanaka", "--role", "viewer", "--password-stdin", input="short\n", code=2)
    assert "12文字以上" in short
    run(runner, "user", "add", "kikaku", "--role", "editor", "--org", "消防局予防課", "--password-stdin",
        input=PASSWORD)
    narrow = run(runner, "user", "list")  # a narrow terminal wraps a name, never cuts it
    assert "yuku" in narrow and "kika" in narrow and "…" not in narrow
    listing = runner.invoke(app, ["user", "list"], env={"COLUMNS": "200"}).output  # wide enough for every name
    assert "yukuhashi" in listing and "402133" in listing and "kikaku" in listing
    assert "消防局予防課" in listing and "行橋市" in listing  # a town's organisation is its name by default
    assert "企画課" in run(runner, "user", "set-org", "kikaku", "企画課")
    too_long = run(runner, "user", "add", "sato", "--role", "viewer", "--org", "課" * 201, code=2)
    assert "200文字以内" in too_long and "password" not in too_long.lower()  # refused before any prompt
    run(runner, "user", "set-role", "kikaku", "viewer")
    run(runner, "user", "disable", "kikaku")
    assert "disabled" in run(runner, "user", "list")
    run(runner, "user", "enable", "kikaku")
    run(runner, "user", "reset-password", "kikaku", "--password-stdin", input="a brand new secret\n")
    run(runner, "user", "set-role", "kikaku", "editor")
    assert "assigned" in run(runner, "user", "assign", "kikaku", "6ca2fb518e")
    assert "がありません" in run(runner, "user", "assign", "kikaku", "nope", code=2)
    assert "最後の管理者" in run(runner, "user", "disable", "admin", code=2)


def test_accounts_belong_to_an_area(runner: CliRunner) -> None:
    run(runner, "import", str(EXAMPLE))
    assert "every area" in run(runner, "user", "add", "admin", "--role", "admin", "--password-stdin", input=PASSWORD)
    # One area stored: an account other than an admin takes it without being told.
    assert "area: kitakyushu" in run(runner, "user", "add", "kikaku", "--role", "editor", "--password-stdin",
                                     input=PASSWORD)
    assert "area: kitakyushu" in run(runner, "user", "add", "local", "--role", "admin", "--area", "kitakyushu",
                                     "--password-stdin", input=PASSWORD)
    listing = runner.invoke(app, ["user", "list"], env={"COLUMNS": "200"}).output
    assert "kitakyushu" in listing and "every area" in listing
    refused = run(runner, "user", "set-area", "kikaku", code=2)
    assert "only an admin may be without an area" in refused
    assert "every area" in run(runner, "user", "set-area", "local")


def test_rounds_and_the_audit_export(runner: CliRunner, tmp_path: Path) -> None:
    run(runner, "import", str(EXAMPLE))
    assert "round opened for FY2026" in run(runner, "round", "open", "--year", "R8", "--due", "2027-05-31")
    assert "既に受付中" in run(runner, "round", "open", "--year", "2026", "--due", "2027-05-31", code=2)
    assert "受付中" in run(runner, "round", "list")
    run(runner, "round", "close", "--year", "令和8年度")
    assert "終了" in run(runner, "round", "list")
    assert "YYYY-MM-DD" in run(runner, "round", "open", "--year", "R8", "--due", "5月末", code=2)
    lines = run(runner, "audit", "export", "--format", "jsonl").splitlines()
    actions = [json.loads(line)["action"] for line in lines]
    assert actions[0] == "plan.import" and actions[-2:] == ["round.open", "round.close"]
    target = tmp_path / "audit.csv"
    run(runner, "audit", "export", "--since", "2000-01-01", "-o", str(target))
    rows = list(csv.DictReader(io.StringIO(target.read_text(encoding="utf-8-sig"))))
    assert [r["action"] for r in rows] == actions
    assert run(runner, "audit", "export", "--since", "2999-01-01").strip() == "\ufeffid,at,actor,action,entity," \
        "entity_key,field,old_value,new_value,reason,project_id,before,after"


def test_actuals_import_as_a_municipality_user_submits_its_own_rows(runner: CliRunner, tmp_path: Path) -> None:
    run(runner, "import", str(EXAMPLE))
    run(runner, "round", "open", "--year", "R8", "--due", "2027-05-31")
    run(runner, "user", "add", "ashiya", "--role", "municipality", "--municipality", "403814", "--password-stdin",
        input=PASSWORD)
    sheet = tmp_path / "actuals.csv"
    sheet.write_text("事業名,指標,年度,実績値:芦屋町\n"
                     "火災原因調査鑑識・鑑定連携事業,鑑識・鑑定及び研修・会議等実施件数,R8,４\n"
                     "筑豊電気鉄道確保維持改善事業,国要望活動を共同で実施（補助による統支援）,R8,1\n", encoding="utf-8")
    output = run(runner, "actuals", "import", str(sheet), "--user", "ashiya", code=1)
    assert "3行目" in output and "連携市町ではありません" in output
    output = run(runner, "actuals", "import", str(sheet), "--user", "ashiya", "--skip-invalid")
    assert "1 imported" in output
    progress = json.loads(run(runner, "progress", "--format", "json", "--as-of", "2026"))
    fire = next(k for k in progress["kpis"] if k["project"] == "火災原因調査鑑識・鑑定連携事業")
    assert fire["latest_actual"] is None  # submitted, not approved: the public figures do not move
    preview = runner.invoke(app, ["progress", "--format", "json", "--as-of", "2026", "--pending"])
    assert preview.exit_code == 0 and "プレビュー" in preview.output
    data = json.loads(preview.output[preview.output.index("{"):])
    fire = next(k for k in data["kpis"] if k["project"] == "火災原因調査鑑識・鑑定連携事業")
    assert fire["latest_actual"] is None  # even pending, 芦屋町's share is not the area's figure
    total = tmp_path / "total.csv"
    total.write_text("事業名,指標,年度,実績値\n火災原因調査鑑識・鑑定連携事業,鑑識・鑑定及び研修・会議等実施件数,R8,4\n",
                     encoding="utf-8")
    output = run(runner, "actuals", "import", str(total), "--user", "ashiya", code=1)
    assert "中心市・担当課が入力" in output  # a partner town never sends the total
    output = run(runner, "actuals", "import", str(sheet), "--user", "nobody", code=2)
    assert "nobody" in output


#: (arguments, what the refusal says): every argument is checked before a password is asked for (issue 18).
REFUSED_BEFORE_THE_PROMPT = [
    (["user", "add", "root", "--role", "superuser"], "no role 'superuser'"),
    (["user", "add", "ab", "--role", "viewer"], "a user name is 3-64 characters"),
    (["user", "add", "tanaka", "--role", "municipality"], "needs the municipality's 6-digit code"),
    (["user", "add", "tanaka", "--role", "municipality", "--municipality", "999999"], "wrong check digit"),
    (["user", "add", "tanaka", "--role", "viewer", "--municipality", "402133"], "only a municipality user"),
    (["user", "add", "tanaka", "--role", "municipality", "--municipality", "131016"], "no stored municipality"),
    (["user", "add", "Admin", "--role", "viewer"], "user 'admin' already exists"),
    (["user", "add", "tanaka", "--role", "viewer", "--area", "nowhere"], "no stored area 'nowhere'"),
    (["user", "reset-password", "nobody"], "no user 'nobody'"),
]


@pytest.mark.parametrize(("args", "refusal"), REFUSED_BEFORE_THE_PROMPT,
                         ids=[" ".join(args) for args, _ in REFUSED_BEFORE_THE_PROMPT])
@pytest.mark.parametrize("stdin", [False, True], ids=["prompt", "stdin"])
def test_arguments_are_checked_before_the_password_is_asked(runner: CliRunner, args: list[str], refusal: str,
                                                            stdin: bool) -> None:
    run(runner, "import", str(EXAMPLE))
    run(runner, "user", "add", "admin", "--role", "admin", "--password-stdin", input=PASSWORD)
    result = runner.invoke(app, [*args, *(["--password-stdin"] if stdin else [])], input=PASSWORD * 2)
    assert result.exit_code == 2, result.output
    assert refusal in result.output
    assert "パスワード" not in result.output.replace("パスワードにユーザー名", "")  # no prompt was shown


def test_a_bad_role_is_refused_before_any_database_is_made(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(app, ["user", "add", "root", "--role", "superuser"], input=PASSWORD * 2)
    assert result.exit_code == 2 and "no role 'superuser'" in result.output
    assert not (tmp_path / "renkei.db").exists()


def test_the_prompt_asks_again_until_the_password_meets_the_rules(runner: CliRunner) -> None:
    run(runner, "import", str(EXAMPLE))
    typed = "short\n" + "yamada-is-my-name\n" + PASSWORD + "not the same one\n" + PASSWORD * 2
    output = run(runner, "user", "add", "yamada", "--role", "viewer", input=typed)
    assert "12文字以上にしてください / the password must be at least 12 characters" in output
    assert "must not contain the user name" in output
    assert "2回の入力が一致しません / the two entries do not match" in output
    assert "created: yamada" in output
    again = run(runner, "user", "reset-password", "yamada", input="tiny\n" + "a new long secret\n" * 2)
    assert "12文字以上" in again and "password reset: yamada" in again
