"""What staff templates are given: small frozen views of a project and its annual evaluation, never table rows.

A template that reads a row can reach every column and relation of it (and, through the session, the database); a
view holds what the page shows, made once in the route (as :class:`renkei.presentation.views.KpiView` is for the
public pages).
"""

from __future__ import annotations

from dataclasses import dataclass

from renkei.store.tables import ProjectRow
from renkei.store.workspace_tables import ProjectEvaluationRow


@dataclass(frozen=True, slots=True)
class StaffProject:
    """A project sheet as the staff pages name and link it (事業): its id, public slug, name and 【再掲】 mark."""

    id: int
    slug: str
    name: str
    relisted: bool

    @classmethod
    def of(cls, row: ProjectRow) -> StaffProject:
        """Return the view of a project's row."""
        return cls(row.id, row.slug, row.name, row.relisted)


@dataclass(frozen=True, slots=True)
class ProjectLine:
    """A line of the staff list of projects: the project, whether its text has unpublished changes, and whether it
    is assigned to the user."""

    project: StaffProject
    pending: bool
    mine: bool


@dataclass(frozen=True, slots=True)
class EvaluationView:
    """A project's annual evaluation (事業評価) for one fiscal year: the record under review and the published one."""

    fiscal_year: int
    direction: str
    comment: str
    review_status: str
    review_comment: str
    version: int
    #: What the public sees: the last approved direction and comment (None before any approval).
    published_direction: str | None
    published_comment: str

    @classmethod
    def of(cls, row: ProjectEvaluationRow) -> EvaluationView:
        """Return the view of an evaluation's row."""
        return cls(row.fiscal_year, row.direction or "", row.comment or "", row.review_status,
                   row.review_comment or "", row.version, row.published_direction, row.published_comment or "")


@dataclass(frozen=True, slots=True)
class ColumnChoice:
    """A column of an area's own sheet on the mapping form: its letter, its header and the role selected
    (``value:2022`` for a year's column)."""

    index: int
    letter: str
    header: str
    selected: str


@dataclass(frozen=True, slots=True)
class RowChoice:
    """A row of an area's own sheet whose KPI a person confirms on the mapping form: what it says, the KPI found (its
    score, None when chosen by hand) and what is selected (empty: as found; ``skip``: left out; a KPI's number)."""

    row: int
    key: str
    written: str
    selected: str
    score: float | None
    found: str
