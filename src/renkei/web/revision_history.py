"""The plan's revisions mid-period (一部改正) as the API answers them: each revision, every revised KPI's history."""

from __future__ import annotations

from pydantic import BaseModel, Field

from renkei.domain.plan import project_slug
from renkei.web.readmodel import Portal


class RevisedKpi(BaseModel):
    """A KPI a revision of the vision (一部改正) added, changed or dropped, with its sheet and its revisions."""

    project_slug: str = Field(description="the sheet's slug (a sheet a revision withdrew keeps the one it had)")
    project_name: str
    project_withdrawn: bool = Field(description="true when a revision withdrew the whole sheet (no project page)")
    indicator: str
    in_vision: bool = Field(description="whether the KPI is part of the vision in the evaluation year (evaluated "
                                        "and counted that year)")
    revisions: list[dict[str, object]] = Field(description="its revisions, oldest first, as a project's KPIs carry "
                                                           "them")


class RevisionHistory(BaseModel):
    """A plan's revisions mid-period and the history of every KPI they touched, withdrawn sheets' KPIs included."""

    as_of: int = Field(description="the evaluation year `in_vision` is about")
    revisions: list[dict[str, object]] = Field(description="each revision once (label, date, first fiscal year in "
                                                           "force, reason), oldest first")
    kpis: list[RevisedKpi]


def revision_history(portal: Portal) -> RevisionHistory:
    """Describe a plan's revisions and every revised KPI's history (empty lists for a plan never revised)."""
    names = {p.key: (p.slug, p.name) for p in portal.plan.projects}
    kpis: list[RevisedKpi] = []
    seen: dict[tuple[object, ...], dict[str, object]] = {}
    for (project_key, _), history in portal.progress.histories.items():
        for entry in history.entries:
            record = entry.revision.to_dict()
            seen.setdefault(tuple(record.values()), record)
        slug, name = names.get(project_key) or (project_slug(project_key), history.withdrawn_sheet or project_key)
        kpis.append(RevisedKpi(project_slug=slug, project_name=name, project_withdrawn=project_key not in names,
                               indicator=history.indicator, in_vision=project_key in names
                               and history.in_force(portal.as_of), revisions=history.to_list()))
    revisions = sorted(seen.values(), key=lambda r: (str(r["date"]), int(str(r["in_force_from"]))))
    return RevisionHistory(as_of=portal.as_of, revisions=revisions, kpis=kpis)
