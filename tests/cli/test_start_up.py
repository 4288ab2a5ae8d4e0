"""What `renkei actuals import` of a CSV loads: none of the web, Alembic, workbook, password or document-reader code.

Its start-up was most of its time (issue 19: a few rows at 10,000 projects well under 1 s). Each command imports its
services when it runs, and a database at the newest schema is opened without Alembic. The command runs for real, in
a process of its own, on a migrated database with a plan and an open round, and the modules it loaded are listed.
The cyclic garbage collector is held off while the command's modules load (``renkei.cli.release_collector``) and
must be on again for the command's own work.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from typer.testing import CliRunner

from renkei.cli import app

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "kitakyushu_vision_r8.txt"
ACTUALS = ("事業名,指標,年度,実績値\n"
           "火災原因調査鑑識・鑑定連携事業,鑑識・鑑定及び研修・会議等実施件数,R8,10\n")
#: Never needed to import a CSV of actuals as the operator (no --user): the portal, migrations, workbooks,
#: password hashing, the vision document's reader, the exports and the mapping of an area's own sheets.
NOT_LOADED = ("fastapi", "starlette", "jinja2", "uvicorn", "alembic", "mako", "openpyxl", "xlsxwriter",
              "python_calamine", "argon2", "pwdlib", "renkei.web", "renkei.export", "renkei.reading.sheet",
              "renkei.services.accounts", "renkei.services.actuals_mapping", "renkei.services.plan_import")

PROBE = """\
import gc
import sys
from renkei.cli import main
sys.argv = ["renkei", *sys.argv[1:]]
try:
    main()
except SystemExit as done:
    code = done.code
loaded = sorted({m for m in sys.modules for n in NOT_LOADED if m == n or m.startswith(n + ".")})
print("EXIT", code, "LOADED", loaded, "COLLECTOR", gc.isenabled(), gc.get_freeze_count() > 0)
"""


def run_probe(args: list[str], database: Path, cwd: Path) -> str:
    """Run ``renkei ARGS`` in a new process on the database and return what it printed (with the modules it loaded)."""
    environment = {**os.environ, "RENKEI_DATABASE_URL": f"sqlite:///{database}", "COLUMNS": "200"}
    code = f"NOT_LOADED = {NOT_LOADED!r}\n{PROBE}"
    done = subprocess.run([sys.executable, "-c", code, *args], cwd=cwd, env=environment, capture_output=True,
                          text=True, check=False, timeout=120)
    return done.stdout + done.stderr


def test_actuals_import_of_a_csv_loads_no_web_alembic_workbook_or_password_code(runner: CliRunner,
                                                                                 tmp_path: Path) -> None:
    assert runner.invoke(app, ["import", str(EXAMPLE)]).exit_code == 0
    opened = runner.invoke(app, ["round", "open", "--year", "R8", "--due", "2027-05-31"])
    assert opened.exit_code == 0, opened.output
    sheet = tmp_path / "actuals.csv"
    sheet.write_text(ACTUALS, encoding="utf-8")

    printed = run_probe(["actuals", "import", str(sheet), "--dry-run"], tmp_path / "renkei.db", tmp_path)
    assert "新規 1件" in printed and "1 imported" in printed, printed  # the import really ran
    assert "EXIT 0 LOADED []" in printed, printed
    # the collector, held off while the command's modules loaded, ran again for its work, start-up objects frozen
    assert "COLLECTOR True True" in printed, printed

    helped = run_probe(["actuals", "import", "--help"], tmp_path / "renkei.db", tmp_path)
    assert "--skip-invalid" in helped and "EXIT 0 LOADED []" in helped, helped


def test_actuals_import_help_opens_no_database_code(tmp_path: Path) -> None:
    """The help of a database command imports no SQLAlchemy, store or settings: they come with the database."""
    code = ("import sys\nfrom renkei.cli import main\nsys.argv = ['renkei', 'actuals', 'import', '--help']\n"
            "try:\n    main()\nexcept SystemExit:\n    pass\n"
            "print('HEAVY', [m for m in ('sqlalchemy', 'pydantic_settings', 'renkei.store', 'renkei.services',"
            " 'renkei.settings') if m in sys.modules])")
    done = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, check=True,
                          timeout=120)
    assert "--skip-invalid" in done.stdout and "HEAVY []" in done.stdout, done.stdout


def test_actuals_import_as_a_staff_user_still_checks_the_account(runner: CliRunner, tmp_path: Path) -> None:
    """--user is where the accounts' code is loaded, when the command runs: an unknown user is still refused."""
    assert runner.invoke(app, ["import", str(EXAMPLE)]).exit_code == 0
    assert runner.invoke(app, ["round", "open", "--year", "R8", "--due", "2027-05-31"]).exit_code == 0
    sheet = tmp_path / "actuals.csv"
    sheet.write_text(ACTUALS, encoding="utf-8")
    refused = runner.invoke(app, ["actuals", "import", str(sheet), "--user", "nobody"])
    assert refused.exit_code == 2, refused.output
    assert "nobody" in refused.output
