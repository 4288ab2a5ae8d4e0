"""`renkei export xlsx` then `renkei import` of the workbook, as a planner runs them."""

from __future__ import annotations

from pathlib import Path

from openpyxl import load_workbook
from typer.testing import CliRunner

from renkei.cli import app

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "kitakyushu_vision_r8.txt"


def test_export_then_import_changes_nothing_and_an_edit_is_the_diff(runner: CliRunner, tmp_path: Path) -> None:
    assert runner.invoke(app, ["import", str(EXAMPLE)]).exit_code == 0
    out = tmp_path / "plan.xlsx"
    exported = runner.invoke(app, ["export", "xlsx", str(out)])
    assert exported.exit_code == 0, exported.output
    assert load_workbook(out).sheetnames[:5] == ["概要", "事業", "KPI", "事業費", "連携市町"]
    again = runner.invoke(app, ["import", str(out)])
    assert again.exit_code == 0, again.output
    assert "変更はありません" in again.output
    book = load_workbook(out)
    projects = book["事業"]
    header = [c.value for c in projects[1]]
    projects.cell(2, header.index("事業内容") + 1).value = "改訂した事業内容"
    book.save(out)
    edited = runner.invoke(app, ["import", str(out)])
    assert edited.exit_code == 0, edited.output
    assert "description" in edited.output and "保存しました" in edited.output


def test_a_partner_workbook_goes_out_and_comes_back_through_the_import(runner: CliRunner, tmp_path: Path) -> None:
    assert runner.invoke(app, ["import", str(EXAMPLE)]).exit_code == 0
    assert runner.invoke(app, ["round", "open", "--year", "2026", "--due", "2027-05-31"]).exit_code == 0
    sample = EXAMPLE.parent / "kitakyushu_actuals_sample.csv"
    assert runner.invoke(app, ["actuals", "import", str(sample)]).exit_code == 0
    written = runner.invoke(app, ["actuals", "template", "--municipality", "40213", "--year", "2026"])
    assert written.exit_code == 0, written.output
    path = tmp_path / "actuals-1-402133-2026.xlsx"
    book = load_workbook(path)
    sheet = book["実績入力"]
    row = next(r for r in range(2, sheet.max_row + 1) if sheet.cell(r, 2).value == "自家消費PV導入施設数")
    sheet.cell(row, 8).value = 6
    book.save(path)
    imported = runner.invoke(app, ["actuals", "import", str(path)])
    assert imported.exit_code == 0, imported.output
    assert "更新 1件" in imported.output
    refused = runner.invoke(app, ["actuals", "template", "--municipality", "福岡市", "--year", "2026"])
    assert refused.exit_code != 0 and "圏域の市町村ではありません" in refused.output
    as_csv = runner.invoke(app, ["actuals", "template", "--municipality", "402133", "--year", "2026", "-f", "csv"])
    assert as_csv.exit_code != 0 and "xlsx だけ" in as_csv.output


def test_the_command_writes_the_package(runner: CliRunner, tmp_path: Path) -> None:
    assert runner.invoke(app, ["import", str(EXAMPLE)]).exit_code == 0
    result = runner.invoke(app, ["export", "opendata", "--as-of", "2027", "--license", "CC-BY-4.0", "out"])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in (tmp_path / "out").iterdir())[:2] == ["actuals.csv", "actuals.json"]
    refused = runner.invoke(app, ["export", "opendata", "--license", "secret", "out"])
    assert refused.exit_code != 0 and "ライセンス" in refused.output


def test_the_report_command_writes_a_pdf(runner: CliRunner, tmp_path: Path) -> None:
    assert runner.invoke(app, ["import", str(EXAMPLE)]).exit_code == 0
    result = runner.invoke(app, ["report", "--as-of", "2027", "--issued", "2027-06-01", "--html", "report.html",
                                 "report.pdf"])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "report.pdf").read_bytes().startswith(b"%PDF-")
    assert "令和9年6月1日" in (tmp_path / "report.html").read_text(encoding="utf-8")
    refused = runner.invoke(app, ["report", "--issued", "6/1", "report.pdf"])
    assert refused.exit_code != 0 and "YYYY-MM-DD" in refused.output


def test_the_dry_run_of_an_edited_workbook_shows_old_and_new_values(runner: CliRunner, tmp_path: Path) -> None:
    assert runner.invoke(app, ["import", str(EXAMPLE)]).exit_code == 0
    out = tmp_path / "plan.xlsx"
    assert runner.invoke(app, ["export", "xlsx", str(out)]).exit_code == 0
    book = load_workbook(out)
    projects, budgets, kpis = book["事業"], book["事業費"], book["KPI"]
    header = [c.value for c in projects[1]]
    description = projects.cell(2, header.index("事業内容") + 1)
    assert "自分らしい働き方を見つける" in description.value and len(description.value) > 80
    description.value = description.value.replace("自分らしい働き方を見つける", "自分らしい働き方と暮らし方を見つける")
    year = [c.value for c in budgets[1]].index("令和8年度（2026）\n（千円）") + 1
    assert budgets.cell(2, year).value == 2420
    budgets.cell(2, year).value = 2600
    target = [c.value for c in kpis[1]].index("目標値") + 1
    assert kpis.cell(2, target).value == "100,000回（令和12年度）"
    kpis.cell(2, target).value = "120,000回（令和12年度）"
    book.save(out)
    dry = runner.invoke(app, ["import", str(out), "--dry-run"])
    assert dry.exit_code == 0, dry.output
    lines = dry.output.splitlines()
    at = lines.index("・変更 / changed 事業 / project: 自分らしく歩む女性たちのストーリー発信事業")
    assert lines[at + 1:at + 5] == [
        "    事業内容 / description:",
        "      変更前 / before: …発信し、自分らしい働き方を見つけるきっかけを提供…",
        "      変更後 / after:  …発信し、自分らしい働き方と暮らし方を見つけるきっかけを提供…",
        "    事業費 令和8年度（2026） / budget FY2026: 2,420 → 2,600",
    ]
    assert lines[lines.index("・変更 / changed KPI: WEBページ閲覧数") + 1] == \
        "    目標値 / target: 100,000回（令和12年度） → 120,000回（令和12年度）"
    assert lines[-1] == "--dry-run: 書き込みませんでした / nothing was written"
    assert runner.invoke(app, ["import", str(out), "--dry-run"]).output == dry.output  # the dry run wrote nothing
