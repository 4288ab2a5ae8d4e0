"""A facet count says how many rows choosing that value would show, for any combination of filters."""

from __future__ import annotations

from dataclasses import replace

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from renkei.store.engine import create_engine_from_url, create_session_factory
from renkei.web.listing import (
    ProjectFilter,
    _kpi_counts,
    _project_counts,
    build_facets,
    filter_kpis,
    filter_projects,
    list_with_facets,
)
from renkei.web.readmodel import FACETS, Portal
from renkei.web.snapshot import load_portal


@pytest.fixture(scope="module")
def portal(example_url: str) -> Portal:
    with create_session_factory(create_engine_from_url(example_url))() as session:
        loaded = load_portal(session=session, as_of=2026)
    assert loaded is not None
    return loaded


def choices(portal: Portal) -> dict[str, list[str]]:
    facets = build_facets(portal, ProjectFilter(), None, "ja")
    return {f.name: ["", *(v.value for v in f.values)] for f in facets}


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_project_facet_counts_match_the_rows_they_lead_to(portal: Portal, data: st.DataObject) -> None:
    options = choices(portal)
    chosen = ProjectFilter(**{name: data.draw(st.sampled_from(options[name]), label=name) for name in FACETS})
    for facet in build_facets(portal, chosen, None, "ja"):
        for value in facet.values:
            rows = filter_projects(portal, replace(chosen, **{facet.name: value.value}), None)
            assert value.count == len(rows), (facet.name, value.value)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_kpi_facet_counts_match_the_kpis_they_lead_to(portal: Portal, data: st.DataObject) -> None:
    options = choices(portal)
    chosen = ProjectFilter(**{name: data.draw(st.sampled_from(options[name]), label=name)
                              for name in FACETS if name != "relisted"})
    for facet in build_facets(portal, chosen, None, "ja", count_kpis=True):
        if facet.name == "relisted":
            continue
        for value in facet.values:
            rows = filter_kpis(portal, replace(chosen, **{facet.name: value.value}), None)
            assert value.count == len(rows), (facet.name, value.value)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_one_pass_lists_and_counts_what_the_two_do(portal: Portal, data: st.DataObject) -> None:
    options = choices(portal)
    chosen = ProjectFilter(**{name: data.draw(st.sampled_from(options[name]), label=name) for name in FACETS},
                           sort=data.draw(st.sampled_from(["document", "name", "budget", "status"]), label="sort"))
    keys = [v.project.key for v in portal.projects]
    hits = data.draw(st.none() | st.sets(st.sampled_from(keys)), label="hits")
    found, facets = list_with_facets(portal, chosen, hits, "ja")
    assert found == filter_projects(portal, chosen, hits)
    assert facets == build_facets(portal, chosen, hits, "ja")


def test_search_hits_restrict_the_counts(portal: Portal) -> None:
    hits = {portal.projects[0].project.key, portal.projects[5].project.key}
    facets = {f.name: f for f in build_facets(portal, ProjectFilter(q="x"), hits, "ja")}
    assert sum(v.count for v in facets["budget"].values) == 2


def test_the_snapshot_counts_the_unfiltered_facets_as_the_listing_would(portal: Portal) -> None:
    # The first page of each list reads the counts made with the snapshot; any filter counts afresh. Both agree.
    nothing = ProjectFilter()
    assert portal.index.facet_counts == _project_counts(portal, nothing, None)
    assert portal.index.kpi_facet_counts == _kpi_counts(portal, nothing, None)
    assert sum(portal.index.kpi_facet_counts["status"].values()) == len(portal.kpis)
