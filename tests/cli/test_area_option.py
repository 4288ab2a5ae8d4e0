"""Another area is configured by a data file alone: `--area FILE.json` reads a plan for it."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from renkei.cli import app

runner = CliRunner()
MEMBERS = [("402036", "久留米市"), ("402125", "大川市"), ("402168", "小郡市"), ("402257", "うきは市"),
           ("405035", "大刀洗町"), ("405221", "大木町")]
DOC = """\
## (1) 生活機能の強化に係る政策分野
【連携協約】\ta 地域医療
事業名\t小児救急医療の連携\t\t\t\t\t連携市町
事業内容\t小児救急の体制を維持する。\t\t\t\t\t久留米市、大川市、大刀洗町、北九州市
効果\t・安心して子育てができる
事業費（千円）\tR7\tR8\tR9\tR10\tR11\t備考
\t12,000\t12,000\t12,000\t\t\t
役割分担\t久留米市\t・体制を運営する。
\t連携市町\t・費用を負担する。
費用負担（基本方針）\t・人口割で連携市町が負担する。
重要業績評価指数（KPI）\t指標\t現状値（調査時点）\t\t\t目標値（達成年度）
\t受診者数\t1,200人（令和6年度）\t\t\t1,500人（令和11年度）
"""


def test_a_second_area_from_a_data_file(tmp_path: Path) -> None:
    area = tmp_path / "kurume.json"
    area.write_text(json.dumps({
        "slug": "kurume", "name": "久留米広域連携中枢都市圏", "lead": "402036",
        "plan_period": {"first_fiscal_year": 2025, "last_fiscal_year": 2029},
        "members": [{"code": c, "name": n} for c, n in MEMBERS]}, ensure_ascii=False), encoding="utf-8")
    doc = tmp_path / "kurume.txt"
    doc.write_text(DOC, encoding="utf-8")
    result = runner.invoke(app, ["parse", str(doc), "--area", str(area), "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["plan"]["area"] == {"slug": "kurume", "name": "久留米広域連携中枢都市圏"}
    (project,) = data["projects"]
    assert project["partners"]["municipalities"] == ["久留米市", "大川市", "大刀洗町"]
    assert project["partners"]["outside_area"] == ["北九州市"]
    assert project["budget"]["by_fiscal_year"] == {"2025": 12000, "2026": 12000, "2027": 12000, "2028": None,
                                                  "2029": None}
    assert not [f for f in data["findings"] if f["rule"] == "budget.year_outside_period"]


def test_a_broken_area_file_names_the_field(tmp_path: Path) -> None:
    area = tmp_path / "bad.json"
    area.write_text(json.dumps({"slug": "bad", "name": "x", "lead": "402036",
                                "plan_period": {"first_fiscal_year": 2025, "last_fiscal_year": 2029},
                                "members": [{"code": "402117", "name": "大川市"}]}, ensure_ascii=False),
                    encoding="utf-8")
    doc = tmp_path / "doc.txt"
    doc.write_text(DOC, encoding="utf-8")
    result = runner.invoke(app, ["lint", str(doc), "--area", str(area)])
    assert result.exit_code == 2
    assert "members[0]" in result.output
