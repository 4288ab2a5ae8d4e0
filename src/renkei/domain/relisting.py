"""Relisted sheets (【再掲】): one rule, worked out once per plan, for budgets, KPIs and actuals.

A 【再掲】 sheet repeats a project listed elsewhere in the vision (often under another policy area). It is
the same project, the same money and the same KPIs, so:

- its **owner** is the original sheet (same folded name, not relisted) when the document has it; otherwise
  the first relisted sheet of that name stands in for it;
- only the owner's **budget** counts in totals, so every budget is counted exactly once;
- a **KPI** counts once per project: on the owner, or on the first sheet that has it when the owner lacks it;
- **actuals** are recorded against the owner's KPI, and every listing shows the same figures.

Everything is keyed by ``Project.key`` (the folded name, with ``#再掲`` for a relisted sheet).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from renkei.domain.plan import KPI, Plan, Project

_RELISTED = re.compile(r"\s*[【\[［(（〔]\s*再\s*掲\s*[】\]］)）〕]\s*")


def strip_relisted(name: str) -> tuple[str, bool]:
    """Remove a 【再掲】 marker from a project name and tell whether it was there.

    >>> strip_relisted("地域エネルギー政策の広域化【再掲】")
    ('地域エネルギー政策の広域化', True)
    >>> strip_relisted("DX人材育成研修の実施")
    ('DX人材育成研修の実施', False)
    """
    if "再" not in name:
        return name.strip(), False
    stripped, count = _RELISTED.subn("", name)
    return stripped.strip(), count > 0


@dataclass(frozen=True, slots=True)
class Relisting:
    """Which sheet owns each project of a plan, and what counts where (see the module docstring)."""

    owners: dict[str, str]
    #: (sheet key, KPI key) → the sheet whose KPI counts (and holds the actuals) for it.
    kpi_homes: dict[tuple[str, str], str]

    @classmethod
    def of(cls, plan: Plan) -> Relisting:
        """Work out the owners and the counted KPIs of a plan.

        >>> from renkei.domain.plan import Plan, Project
        >>> plan = Plan("a", "A", 2026, 2030, (Project("X", 1, relisted=True), Project("X", 9)))
        >>> rule = Relisting.of(plan)
        >>> rule.owner_key("X#再掲"), rule.budget_counts("X#再掲"), rule.budget_counts("X")
        ('X', False, True)
        """
        owners = cls.owners_of(plan)
        home_of: dict[tuple[str, str], str] = {}
        for project in sorted(plan.projects, key=lambda p: owners[p.key] != p.key):  # owners first, stable
            for kpi in project.kpis:
                home_of.setdefault((owners[project.key], kpi.key), project.key)
        homes = {
            (project.key, kpi.key): home_of[(owners[project.key], kpi.key)]
            for project in plan.projects
            for kpi in project.kpis
        }
        return cls(owners=owners, kpi_homes=homes)

    @staticmethod
    def owners_of(plan: Plan) -> dict[str, str]:
        """Return the key of the owning sheet of every sheet, by sheet key (the first half of :meth:`of`)."""
        first_by_name: dict[str, str] = {}
        for project in sorted(plan.projects, key=lambda p: p.relisted):  # originals first, stable
            first_by_name.setdefault(project.name_key, project.key)
        return {project.key: first_by_name[project.name_key] for project in plan.projects}

    def owner_key(self, project_key: str) -> str:
        """Return the key of the sheet that owns this project (itself for an original)."""
        return self.owners.get(project_key, project_key)

    def is_owner(self, project_key: str) -> bool:
        """Tell whether this sheet owns its project (an original, or a relisting standing in for it)."""
        return self.owner_key(project_key) == project_key

    def original_key(self, project_key: str) -> str | None:
        """Return the key of the sheet this one repeats, or None for an owner."""
        owner = self.owner_key(project_key)
        return None if owner == project_key else owner

    def budget_counts(self, project_key: str) -> bool:
        """Tell whether this sheet's budget adds to totals (only the owner's does)."""
        return self.is_owner(project_key)

    def kpi_counts(self, project_key: str, kpi_key: str) -> bool:
        """Tell whether this sheet's KPI counts in summaries (once per project)."""
        return self.kpi_homes.get((project_key, kpi_key), project_key) == project_key

    def actuals_key(self, project: Project, kpi: KPI) -> tuple[str, str]:
        """Return the (project key, KPI key) this KPI's actuals are recorded under: the counted sheet's."""
        return self.kpi_homes.get((project.key, kpi.key), project.key), kpi.key

    def owner_projects(self, plan: Plan) -> list[Project]:
        """Return the owning sheets in document order: each project once."""
        return [p for p in plan.projects if self.is_owner(p.key)]
