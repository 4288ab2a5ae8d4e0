"""What a list page adds to its rows when searched: marked names and snippets, matching towns and suggestions."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from fastapi import Request
from markupsafe import Markup
from sqlalchemy.orm import Session

from renkei.domain.municipality import Municipality
from renkei.web.listing import ProjectFilter, build_facets, filter_kpis, filter_projects, find_hits
from renkei.web.readmodel import Portal, ProjectView
from renkei.web.rendering import link, url_with
from renkei.web.snippet import Snippet, find_snippet, highlight
from renkei.web.suggestion import Suggestion, matching_members, suggest


@dataclass(frozen=True, slots=True)
class SearchResults:
    """The search extras of one page of results."""

    names: dict[str, Markup] = field(default_factory=dict)
    snippets: dict[str, Snippet] = field(default_factory=dict)
    members: tuple[Municipality, ...] = ()
    suggestions: tuple[Suggestion, ...] = ()


def describe_results(request: Request, portal: Portal, session: Session, chosen: ProjectFilter,
                     shown: Sequence[ProjectView], total: int, lang: str, *, kpis: bool = False) -> SearchResults:
    """Mark the query in the shown rows; list matching towns; suggest what to try when nothing was found.

    With ``kpis`` the suggestions count KPIs (the KPI dashboard), else projects.
    """
    names: dict[str, Markup] = {}
    snippets: dict[str, Snippet] = {}
    if chosen.q:
        readings = portal.index.member_readings  # かんだ marks 苅田町
        for view in shown:
            names[view.slug] = highlight(view.project.name, chosen.q, readings)
            snippet = find_snippet(view.project, chosen.q, readings)
            if snippet is not None:
                snippets[view.slug] = snippet
    members = tuple(matching_members(chosen.q, portal.municipalities)) if chosen.q else ()
    suggestions: tuple[Suggestion, ...] = ()
    if total == 0 and (chosen.q or chosen.active):
        suggestions = tuple(_suggest(request, portal, session, chosen, lang, kpis))
    return SearchResults(names, snippets, members, suggestions)


def _suggest(request: Request, portal: Portal, session: Session, chosen: ProjectFilter, lang: str,
             kpis: bool) -> list[Suggestion]:
    facets = {f.name: {v.value: v.label for v in f.values} for f in build_facets(portal, chosen, None, lang)}

    def count(other: ProjectFilter) -> int:
        hits = find_hits(portal, session, other.q)
        return len(filter_kpis(portal, other, hits) if kpis else filter_projects(portal, other, hits))

    def href(changes: Mapping[str, str | None]) -> str:
        return url_with(request, **changes)

    return suggest(
        chosen=chosen, count=count, label=lambda name, value: facets.get(name, {}).get(value, value), href=href,
        names={v.slug: v.project.name for v in portal.projects},
        name_href=lambda slug: link(request, f"/projects/{slug}"),
        members=portal.municipalities, member_href=lambda code: link(request, f"/municipalities/{code}"),
    )
