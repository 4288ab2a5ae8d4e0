"""The map legend starts at 0, or says it does not (a shade never suggests that a town with 26 projects has few)."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from renkei.reading.sheet import read_plan
from renkei.services.plan_import import import_plan
from renkei.settings import Settings
from renkei.store.engine import create_engine_from_url, create_session_factory
from renkei.store.migrate import upgrade_database
from renkei.web.app import create_app

SHEET = """\
事業名\t行橋市だけの事業\t\t\t\t\t連携市町
事業内容\t行橋市と行う。\t\t\t\t\t北九州市、行橋市
"""


@pytest.mark.parametrize("path", ["/a/kitakyushu/map", "/a/kitakyushu/"])
def test_a_legend_above_zero_says_so(client: TestClient, path: str) -> None:
    html = client.get(f"{path}?lang=ja").text
    assert '<p id="legend-title">凡例（参加事業数）</p>' in html
    assert "凡例は最も少ない26件から始まります（0件からではありません）。" in html
    assert "The legend starts at the smallest count, 26, not at 0." in client.get(f"{path}?lang=en").text


def test_a_legend_from_zero_needs_no_note(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'legend.db'}"
    upgrade_database(url)
    plan, findings = read_plan(SHEET)
    engine = create_engine_from_url(url)
    with create_session_factory(engine)() as session:
        import_plan(session=session, plan=plan, findings=findings, source_text=SHEET)
    engine.dispose()
    with TestClient(create_app(Settings(database_url=url))) as client:
        html = client.get("/a/kitakyushu/map?lang=ja").text
    assert '<span class="key q0"></span>0</li>' in html and "凡例は最も少ない" not in html
