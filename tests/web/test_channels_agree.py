"""The portal's pages, its API and `renkei progress` give the same counts and verdicts (issue 11).

Each plan is imported with approved actuals for a deterministic share of its KPIs, then judged through three
channels: the CLI's JSON, the API (`/api/kpis`, `/api/summary`) and the KPI list page's counts. They must agree
KPI by KPI and in every total.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from renkei.cli import app as cli
from renkei.domain.actual import Actual
from renkei.settings import Settings
from renkei.store import repository
from renkei.store.engine import create_engine_from_url, create_session_factory
from renkei.web.app import create_app

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "kitakyushu_vision_r8.txt"


def record_actuals(url: str) -> None:
    """Approve actuals for two KPIs in three: ahead, half way, or a fall, by the KPI's position."""
    engine = create_engine_from_url(url)
    with create_session_factory(engine)() as session:
        plan_id = repository.list_plans(session=session)[0].id
        plan = repository.load_plan(session=session, plan_id=plan_id)
        for index, (project, kpi) in enumerate((p, k) for p in plan.projects for k in p.kpis):
            target = kpi.target.value if kpi.target is not None else None
            if target is None or index % 3 == 2 or project.name.startswith("【再掲】"):
                continue
            row = repository.find_kpi(session=session, plan_id=plan_id, project=project.name,
                                      indicator=kpi.indicator)
            if row is None:
                continue
            share = (1.1, 0.5, 0.1)[index % 3]
            repository.upsert_actual(session=session, kpi_id=row.id, actor="test",
                                     actual=Actual(2026, round(target * share, 1)))
        session.commit()
    engine.dispose()


@pytest.mark.parametrize("sheets", [0, 300, pytest.param(10_000, marks=pytest.mark.scale)],
                         ids=["example", "generated-300", "generated-10000"])
def test_pages_api_and_cli_give_the_same_counts_and_verdicts(sheets: int, tmp_path: Path,
                                                             monkeypatch: pytest.MonkeyPatch,
                                                             generated_document: Callable[[int], str]) -> None:
    document = EXAMPLE if not sheets else tmp_path / "generated.txt"
    if sheets:
        document.write_text(generated_document(sheets), encoding="utf-8")
    url = f"sqlite:///{tmp_path / 'renkei.db'}"
    monkeypatch.setenv("RENKEI_DATABASE_URL", url)
    runner = CliRunner()
    assert runner.invoke(cli, ["import", str(document)]).exit_code == 0
    record_actuals(url)
    for year in (2026, 2028) if sheets < 10_000 else (2028,):  # the large plan once: it takes a minute a year
        result = runner.invoke(cli, ["progress", "--format", "json", "--as-of", str(year)])
        assert result.exit_code == 0, result.output
        data = json.loads(result.stdout)
        by_cli = Counter((r["project"], r["indicator"], r["status"], r["rating"]) for r in data["kpis"])
        overall = data["summary"]["overall"]
        with TestClient(create_app(Settings(database_url=url))) as client:
            items: list[dict[str, Any]] = []
            while len(items) < 100_000:
                page = client.get(f"/api/a/kitakyushu/kpis?as_of={year}&limit=1000&offset={len(items)}").json()
                items += page
                if len(page) < 1000:
                    break
            summary = client.get(f"/api/a/kitakyushu/summary?as_of={year}").json()
            listing = client.get(f"/a/kitakyushu/kpis?as_of={year}&lang=ja").text
        by_api = Counter((i["project_name"], i["indicator"], i["status"], i["rating"]) for i in items)
        assert by_api == by_cli  # every KPI, with the same verdict and rating
        counted = [i for i in items if i["counted"]]
        assert len({i["status"] for i in counted}) >= 3, Counter(i["status"] for i in counted)  # a real mix
        assert summary["as_of"] == data["as_of"] == year
        assert summary["kpi_counted"] == overall["kpis"] == len(counted)
        assert summary["projects_counted"] == overall["projects"]
        assert {c["key"]: c["count"] for c in summary["kpi_status"]} == overall["by_status"] \
            == dict(Counter(i["status"] for i in counted)) | {k: 0 for k in overall["by_status"]
                                                               if k not in {i["status"] for i in counted}}
        shown = re.search(r"(\d[\d,]*)件のKPI", listing)
        assert shown is not None and int(shown.group(1).replace(",", "")) == len(items)
