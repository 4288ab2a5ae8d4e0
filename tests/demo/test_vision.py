"""Synthetic documents: every KPI form, read without an error by the normal reader; the benchmarks' text unchanged."""

from __future__ import annotations

import hashlib

import pytest

from renkei.demo.kpi_forms import KPI_FORMS
from renkei.demo.sheet_generator import DEFAULT_SEED, generate_document
from renkei.demo.synthetic_area import plan_demo_areas
from renkei.demo.vision import make_vision
from renkei.domain.finding import Severity
from renkei.lint import lint_plan
from renkei.reading.area import load_registry
from renkei.reading.sheet import read_plan
from renkei.services.demo_data import kpi_form_name


def test_the_benchmark_document_is_what_benchmarks_generate_made_before_the_move() -> None:
    # sha256 of benchmarks/generate.py's document (300 sheets, the default seed) before the generator moved
    text = generate_document(300, DEFAULT_SEED)
    assert hashlib.sha256(text.encode()).hexdigest() == \
        "03e3f56d160c7f66b6a0a2d483806df549f45f45f8eeecec72b769c262ef602a"


@pytest.mark.parametrize("seed", [1, 2, 7])
def test_a_synthetic_vision_shows_every_kpi_form_and_reads_without_an_error(seed: int) -> None:
    area = plan_demo_areas(load_registry(), 1, seed)[0].read(load_registry())
    text = make_vision(area.name, [m.name for m in area.members], 9, seed)
    plan, findings = read_plan(text, area=area)
    errors = [f for f in [*findings, *lint_plan(plan)] if f.severity is Severity.ERROR]
    assert errors == []
    assert len(plan.projects) == 9 and not any(p.relisted for p in plan.projects)
    assert [kpi_form_name(p.kpis[0]) for p in plan.projects[:7]] == [f.form for f in KPI_FORMS]
    assert "北九州" not in text  # the example's city gives way to the area's lead city
    assert make_vision(area.name, [m.name for m in area.members], 9, seed) == text


def test_synthetic_areas_are_disjoint_neighbours_of_one_prefecture() -> None:
    registry = load_registry()
    areas = plan_demo_areas(registry, 99, 3)
    assert [a.slug for a in areas[:2]] == ["demo-01", "demo-02"] and areas[-1].slug == "demo-99"
    codes = [m.code for a in areas for m in a.members]
    assert len(codes) == len(set(codes))
    for a in areas:
        assert a.lead.name.endswith("市") and a.members[0] == a.lead and 3 <= len(a.members) - 1 <= 15
        assert {m.prefecture for m in a.members} == {a.lead.prefecture}
        assert a.read(registry).synthetic
    assert plan_demo_areas(registry, 99, 3) == areas and plan_demo_areas(registry, 2, 4) != areas[:2]
