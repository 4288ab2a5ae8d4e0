"""Report appendix A: a published report tells only where the text was corrected; a staff copy lists every check."""

from __future__ import annotations

import html
import re
from datetime import date

import pytest

from renkei.domain.finding import Finding, with_project_keys
from renkei.domain.plan import Plan
from renkei.export.report import render_report_html
from renkei.export.report_view import ReportInput
from renkei.lint import lint_plan
from renkei.reading.area import load_area
from renkei.reading.sheet import read_plan
from renkei.services.progress import evaluate_loaded_plan


@pytest.fixture(scope="module")
def example() -> tuple[Plan, list[Finding]]:
    from renkei.cli.portal import read_example_text

    plan, findings = read_plan(read_example_text())
    checks = with_project_keys([*findings, *lint_plan(plan)], [(p.name, p.key, p.line) for p in plan.projects])
    return plan, checks


def appendix(plan: Plan, findings: list[Finding], *, staff: bool) -> str:
    area = load_area("kitakyushu")
    source = ReportInput(evaluate_loaded_plan(plan, {}, as_of=2027), findings, area.members, area.lead_code,
                         date(2027, 6, 1), staff_findings=staff)
    page = render_report_html(source)
    return html.unescape(page[page.index('id="appendix-findings"'):page.index('id="appendix-missing"')])


def test_a_published_report_lists_the_corrections_only(example: tuple[Plan, list[Finding]]) -> None:
    plan, findings = example
    corrections = [f for f in findings if f.is_correction]
    others = [f for f in findings if not f.is_correction]
    assert corrections and others  # the case this test is about
    text = appendix(plan, findings, staff=False)
    assert "文書の記載の読み替え" in text and f"計{len(corrections)}件" in text
    assert all(f.message_in("ja") in text for f in corrections)
    assert not any(f.rule in text or f.message_in("ja") in text for f in others)
    assert "read partner" not in text  # the Japanese half of a bilingual message, in a Japanese report


def test_a_staff_copy_lists_every_check_with_its_rule(example: tuple[Plan, list[Finding]]) -> None:
    plan, findings = example
    text = appendix(plan, findings, staff=True)
    assert "計画の点検結果（職員用）" in text and f"計{len(findings)}件" in text
    assert len(re.findall(r'<span class="rule">', text)) == len(findings)
    assert {f.rule for f in findings} <= set(re.findall(r'<span class="rule">([^<]+)</span>', text))
