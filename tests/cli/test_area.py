"""Areas are data: `renkei area add/list`, and an area that is not a package seed is known everywhere.

The area 久留米 is not shipped in renkei/data/areas/: it comes from a JSON file only. Once imported with
``--area FILE.json`` it is the one source of members for actuals validation, the plan workbook and open data.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from renkei.cli import app
from renkei.reading.area import available_areas

MEMBERS = [("402036", "久留米市"), ("402125", "大川市"), ("402168", "小郡市"), ("402257", "うきは市"),
           ("405035", "大刀洗町"), ("405221", "大木町")]
AREA = {"slug": "kurume", "name": "久留米広域連携中枢都市圏", "lead": "402036",
        "plan_period": {"first_fiscal_year": 2025, "last_fiscal_year": 2029},
        "members": [{"code": c, "name": n} for c, n in MEMBERS]}
PROJECT = "小児救急医療の連携"
DOC = f"""\
## (1) 生活機能の強化に係る政策分野
【連携協約】\ta 地域医療
事業名\t{PROJECT}\t\t\t\t\t連携市町
事業内容\t小児救急の体制を維持する。\t\t\t\t\t久留米市、大川市、大刀洗町
効果\t・安心して子育てができる
事業費（千円）\tR7\tR8\tR9\tR10\tR11\t備考
\t12,000\t12,000\t12,000\t\t\t
役割分担\t久留米市\t・体制を運営する。
\t連携市町\t・費用を負担する。
費用負担（基本方針）\t・人口割で連携市町が負担する。
重要業績評価指数（KPI）\t指標\t現状値（調査時点）\t\t\t目標値（達成年度）
\t受診者数\t1,200人（令和6年度）\t\t\t1,500人（令和11年度）
"""


def write_area(folder: Path, **changes: object) -> Path:
    path = folder / f"{changes.get('slug', 'kurume')}.json"
    path.write_text(json.dumps({**AREA, **changes}, ensure_ascii=False), encoding="utf-8")
    return path


def invoke(runner: CliRunner, *args: str) -> str:
    result = runner.invoke(app, list(args))
    assert result.exit_code == 0, result.output
    return result.output


def test_kurume_is_not_a_seed() -> None:
    assert "kurume" not in available_areas()


def test_area_add_stores_the_area_and_area_list_reads_it_from_the_database(runner: CliRunner,
                                                                            tmp_path: Path) -> None:
    area = write_area(tmp_path)
    assert "登録しました / added: kurume" in invoke(runner, "area", "add", str(area))
    assert "変更はありません / no changes: kurume" in invoke(runner, "area", "add", str(area))
    listed = json.loads(invoke(runner, "area", "list", "--format", "json"))
    assert listed == [{"slug": "kurume", "name": "久留米広域連携中枢都市圏", "name_en": "",
                       "lead": {"code": "402036", "name": "久留米市"}, "members": 6,
                       "plan_period": {"first_fiscal_year": 2025, "last_fiscal_year": 2029}, "plans": []}]
    # one member fewer: the stored area follows the file
    fewer = write_area(tmp_path, members=[{"code": c, "name": n} for c, n in MEMBERS[:5]])
    assert "更新しました / updated: kurume" in invoke(runner, "area", "add", str(fewer))
    assert json.loads(invoke(runner, "area", "list", "--format", "json"))[0]["members"] == 5
    table = invoke(runner, "area", "list")
    assert "kurume" in table and "久留米市" in table and "kitakyushu" not in table


@pytest.mark.parametrize(("changes", "field"), [
    ({"members": [{"code": "402120", "name": "大川市"}]}, "members[0].code"),
    ({"members": [{"code": "402036", "name": "久留米市"}, {"code": "402125", "name": "小郡市"}]}, "members[1].name"),
    ({"lead": "402168", "members": [{"code": "402036", "name": "久留米市"}]}, "lead"),
    ({"plan_period": {"first_fiscal_year": 2029, "last_fiscal_year": 2025}}, "plan_period"),
    ({"colour": "blue"}, "colour"),
])
def test_a_wrong_area_file_is_refused_naming_the_field_and_stores_nothing(
        runner: CliRunner, tmp_path: Path, changes: dict[str, object], field: str) -> None:
    result = runner.invoke(app, ["area", "add", str(write_area(tmp_path, **changes))])
    assert result.exit_code == 2
    assert field in result.output and "Traceback" not in result.output
    assert not (tmp_path / "renkei.db").exists()  # checked before anything is opened


def test_area_add_refuses_a_file_that_is_not_json(runner: CliRunner, tmp_path: Path) -> None:
    path = tmp_path / "kurume.json"
    path.write_text("{slug: kurume", encoding="utf-8")
    result = runner.invoke(app, ["area", "add", str(path)])
    assert result.exit_code == 2 and "JSONとして読めません / not JSON" in result.output


def test_an_area_imported_from_a_file_is_known_to_actuals_the_workbook_and_open_data(
        runner: CliRunner, tmp_path: Path) -> None:
    doc = tmp_path / "kurume.txt"
    doc.write_text(DOC, encoding="utf-8")
    imported = invoke(runner, "import", str(doc), "--area", str(write_area(tmp_path)))
    assert "新しい計画 / new plan: kurume/kurume-2025" in imported
    assert json.loads(invoke(runner, "area", "list", "--format", "json"))[0]["plans"] == ["kurume-2025"]
    invoke(runner, "round", "open", "--year", "2025", "--due", "2026-05-31")

    # Upload validation knows the members: 大木町 is a member (not this project's partner), 福岡市 is nobody's.
    sheet = tmp_path / "actuals.csv"
    sheet.write_text(f"事業名,指標,年度,実績値,実績値:大木町,実績値:福岡市\n{PROJECT},受診者数,2025,1300,10,20\n",
                     encoding="utf-8")
    refused = runner.invoke(app, ["actuals", "import", str(sheet)])
    assert refused.exit_code == 1
    assert "「大木町」は事業「小児救急医療の連携」の連携市町ではありません" in refused.output
    assert "市町村「福岡市」が分かりません" in refused.output
    sheet.write_text(f"事業名,指標,年度,実績値,実績値:大川市\n{PROJECT},受診者数,2025,1300,200\n", encoding="utf-8")
    assert "新規 1件" in invoke(runner, "actuals", "import", str(sheet))

    # The workbook's partner sheet has a column for every member, the lead city marked ◎.
    invoke(runner, "export", "xlsx", str(tmp_path / "plan.xlsx"))
    partners = load_workbook(tmp_path / "plan.xlsx")["連携市町"]
    header = [c.value for c in next(partners.iter_rows(max_row=1))]
    assert header[2:8] == [n for _, n in MEMBERS]
    marks = [c.value for c in next(partners.iter_rows(min_row=2, max_row=2))][2:8]
    assert marks == ["◎", "○", None, None, "○", None]

    # Open data: every member, the lead city, and the lead city as who reported the operator's import.
    invoke(runner, "export", "opendata", str(tmp_path / "open"))
    places = {r["全国地方公共団体コード"]: r for r in _csv(tmp_path / "open" / "municipalities.csv")}
    assert {c for c, r in places.items() if r["圏域内"] == "1"} == {c for c, _ in MEMBERS}
    assert [c for c, r in places.items() if r["中心市"] == "1"] == ["402036"]
    (actual,) = _csv(tmp_path / "open" / "actuals.csv")
    assert actual["報告した団体"] == "久留米市"


def test_an_import_without_area_uses_the_database_s_only_area(runner: CliRunner, tmp_path: Path) -> None:
    invoke(runner, "area", "add", str(write_area(tmp_path)))
    doc = tmp_path / "kurume.txt"
    doc.write_text(DOC, encoding="utf-8")
    assert "new plan: kurume/kurume-2025" in invoke(runner, "import", str(doc))
    invoke(runner, "area", "add", str(write_area(tmp_path, slug="kurume-b")))
    refused = runner.invoke(app, ["import", str(doc)])
    assert refused.exit_code == 2 and "--area" in refused.output and "kurume, kurume-b" in refused.output
    assert "変更はありません / no changes" in invoke(runner, "import", str(doc), "--area", "kurume")


def test_an_import_by_slug_uses_the_stored_area_not_the_seed(runner: CliRunner, tmp_path: Path) -> None:
    """A seed is used once; afterwards the stored area (here without 香春町) is what an import reads against."""
    seed = json.loads((Path(__file__).resolve().parents[2] / "src" / "renkei" / "data" / "areas" /
                       "kitakyushu.json").read_text(encoding="utf-8"))
    seed["members"] = [m for m in seed["members"] if m["name"] != "香春町"]
    edited = tmp_path / "kitakyushu.json"
    edited.write_text(json.dumps(seed, ensure_ascii=False), encoding="utf-8")
    invoke(runner, "area", "add", str(edited))
    example = Path(__file__).resolve().parents[2] / "examples" / "kitakyushu_vision_r8.txt"
    invoke(runner, "import", str(example), "--area", "kitakyushu")
    assert json.loads(invoke(runner, "area", "list", "--format", "json"))[0]["members"] == 17
    invoke(runner, "export", "xlsx", str(tmp_path / "plan.xlsx"))
    header = [c.value for c in next(load_workbook(tmp_path / "plan.xlsx")["連携市町"].iter_rows(max_row=1))]
    assert "香春町" not in header and "苅田町" in header


def test_a_seed_is_stored_by_the_first_import_for_its_slug(runner: CliRunner) -> None:
    document = Path(__file__).resolve().parents[1] / "data" / "other_areas_toyama.txt"
    invoke(runner, "import", str(document), "--area", "toyama-gosei")
    (area,) = json.loads(invoke(runner, "area", "list", "--format", "json"))
    assert (area["slug"], area["lead"]["name"], area["members"]) == ("toyama-gosei", "高岡市", 6)
    assert area["plan_period"] == {"first_fiscal_year": 2016, "last_fiscal_year": 2020}


SECOND_PERIOD = """\
事業名\t第2期の新しい連携事業\t\t\t\t\t連携市町
事業内容\t第2期に始める事業。\t\t\t\t\t全市町
事業費（千円）\tR13\tR14\tR15\tR16\tR17\t備考
\t1,000\t1,000\t\t\t\t
"""


def test_a_second_plan_of_an_area_and_a_correction_of_the_first(runner: CliRunner, tmp_path: Path) -> None:
    example = Path(__file__).resolve().parents[2] / "examples" / "kitakyushu_vision_r8.txt"
    invoke(runner, "import", str(example))
    seed = json.loads((Path(__file__).resolve().parents[2] / "src" / "renkei" / "data" / "areas" /
                       "kitakyushu.json").read_text(encoding="utf-8"))
    second_area = tmp_path / "kitakyushu.json"
    second_area.write_text(json.dumps({**seed, "plan_period": {"first_fiscal_year": 2031, "last_fiscal_year": 2035}},
                                      ensure_ascii=False), encoding="utf-8")
    second = tmp_path / "second.txt"
    second.write_text(SECOND_PERIOD, encoding="utf-8")
    assert "new plan: kitakyushu/kitakyushu-2031" in invoke(runner, "import", str(second), "--area", str(second_area))
    (area,) = json.loads(invoke(runner, "area", "list", "--format", "json"))
    assert area["plans"] == ["kitakyushu-2026", "kitakyushu-2031"]
    assert area["plan_period"] == {"first_fiscal_year": 2031, "last_fiscal_year": 2035}
    # The first plan's document again, for that plan: read for its own period, it changes nothing.
    assert "変更はありません / no changes" in invoke(runner, "import", str(example), "--plan-id", "kitakyushu-2026")
    assert "変更はありません / no changes" in invoke(runner, "import", str(second))
    (area,) = json.loads(invoke(runner, "area", "list", "--format", "json"))
    assert area["plan_period"] == {"first_fiscal_year": 2031, "last_fiscal_year": 2035}


def _csv(path: Path) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8-sig"))))


def test_an_unknown_slug_is_refused_with_what_to_do(runner: CliRunner, tmp_path: Path) -> None:
    doc = tmp_path / "kurume.txt"
    doc.write_text(DOC, encoding="utf-8")
    linted = runner.invoke(app, ["lint", str(doc), "--area", "kurume"])
    assert linted.exit_code == 2
    assert "this command does not read the database" in " ".join(linted.output.split())
    imported = runner.invoke(app, ["import", str(doc), "--area", "kurume"])
    assert imported.exit_code == 2 and "renkei area add" in imported.output and "Traceback" not in imported.output
    assert not (tmp_path / "renkei.db").exists()
