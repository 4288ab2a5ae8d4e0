"""Plan import: store a read plan edition in one transaction, as a diff against what is stored.

Rules: all or nothing; re-importing the same document writes nothing; a corrected edition updates
projects matched by ``Project.key`` and KPIs by (project key, indicator), so actuals survive; a
project missing from the new edition is withdrawn, never deleted. An edition imported as a *revision*
(一部改正, :class:`~renkei.domain.revision.Revision`) is stored the same way and also records, per KPI, what it
added, changed (the baseline and target before and after) and dropped, so an earlier year is still judged
against the target then in force.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass

from sqlalchemy.orm import Session

from renkei.domain.finding import Finding, with_project_keys
from renkei.domain.municipality import Area
from renkei.domain.plan import Category, Partners, Plan, PolicyArea, Project, indicator_key
from renkei.domain.registry import MunicipalityRegistry
from renkei.domain.revision import KpiChange, Revision
from renkei.services.areas import area_for_document
from renkei.services.furigana import add_readings
from renkei.services.plan_diff import PLAN_FIELDS, PlanDiff, diff_plan
from renkei.store import repository
from renkei.store.revisions import KpiRevisionEntry, record_revision
from renkei.store.rows import PartnerEntry
from renkei.store.tables import FISCAL_YEAR_RANGE, PlanRow, ProjectRow


class PlanImportError(ValueError):
    """A plan that cannot be stored; ``field`` names what is wrong (and ``line`` where, when known)."""

    def __init__(self, message: str, field: str, line: int | None = None) -> None:
        where = f"line {line}: " if line is not None else ""
        super().__init__(f"{where}{field}: {message}")
        self.field = field
        self.line = line


@dataclass(frozen=True, slots=True)
class ImportResult:
    """What an import did: the plan it wrote, the diff, and whether anything was written.

    ``plan_id`` is None after a dry run of a new plan (nothing was kept).
    """

    area_slug: str
    plan_key: str
    plan_id: int | None
    version: int
    created: bool
    written: bool
    dry_run: bool
    diff: PlanDiff
    findings_written: bool
    #: The revision recorded with this import (None for a plain correction, or when nothing changed).
    revision: Revision | None = None
    #: What the revision does to each KPI (written as its history; also after a dry run, for a preview).
    revision_entries: tuple[KpiRevisionEntry, ...] = ()


def default_plan_key(plan: Plan) -> str:
    """Return the key a plan is stored under unless told otherwise.

    >>> default_plan_key(Plan("kitakyushu", "北九州都市圏", 2026, 2030, ()))
    'kitakyushu-2026'
    """
    return f"{plan.area_slug}-{plan.first_year}"


def check_plan(plan: Plan) -> None:
    """Raise PlanImportError when the plan breaks a rule the database would enforce less clearly."""
    low, high = FISCAL_YEAR_RANGE
    for name in ("first_year", "last_year"):
        if not low <= getattr(plan, name) <= high:
            raise PlanImportError(f"fiscal year {getattr(plan, name)} is outside {low}..{high}", name)
    if plan.first_year > plan.last_year:
        raise PlanImportError(f"the period {plan.first_year}..{plan.last_year} runs backwards", "first_year")
    seen: dict[str, int] = {}
    for project in plan.projects:
        if project.key in seen:
            raise PlanImportError(
                f"project {project.name!r} appears twice (first at line {seen[project.key]})",
                "project",
                project.line,
            )
        seen[project.key] = project.line
        indicators: set[str] = set()
        for kpi in project.kpis:
            key = indicator_key(kpi.indicator)
            if key in indicators:
                raise PlanImportError(
                    f"KPI {kpi.indicator!r} appears twice in {project.name!r}", "kpi", kpi.line
                )
            indicators.add(key)
        for cell in project.budget.cells if project.budget else ():
            if not low <= cell.fiscal_year <= high:
                raise PlanImportError(
                    f"budget year {cell.fiscal_year} of {project.name!r} is outside {low}..{high}",
                    "budget",
                    project.budget.line if project.budget else project.line,
                )


def _registry() -> MunicipalityRegistry | None:
    try:
        from renkei.reading.area import load_registry

        return load_registry()
    except (ImportError, OSError, ValueError):
        return None


def partner_entries(
    partners: Partners, area: Area | None, registry: MunicipalityRegistry | None
) -> list[PartnerEntry]:
    """Return the partner rows of a project: members with codes, outside partners with codes when known."""
    lead = area.lead_code if area else None
    codes = partners.codes if len(partners.codes) == len(partners.municipalities) else ()
    entries: list[PartnerEntry] = []
    for i, name in enumerate(partners.municipalities):
        code = codes[i] if codes else None
        if code is None and area is not None:
            member = area.member_by_name(name)
            code = member.code if member else None
        entries.append(PartnerEntry("member", i, name, code, code is not None and code == lead, True))
    for i, name in enumerate(partners.outside_area):
        found = registry.find(name) if registry is not None else ()
        code = found[0].code if len(found) == 1 else None
        entries.append(PartnerEntry("outside", i, name, code, False, False))
    for kind, names in (("excluded", partners.excluded), ("unresolved", partners.unresolved)):
        for i, name in enumerate(names):
            member = area.member_by_name(name) if area else None
            entries.append(
                PartnerEntry(kind, i, name, member.code if member else None, False, member is not None)
            )
    return entries


def _keyed(plan: Plan, findings: list[Finding]) -> list[Finding]:
    """Return the findings with the key of the very sheet each is about (by line, not by name)."""
    return with_project_keys(findings, [(p.name, p.key, p.line) for p in plan.projects])


def import_plan(
    *,
    session: Session,
    plan: Plan,
    findings: list[Finding],
    source_text: str,
    plan_key: str | None = None,
    dry_run: bool = False,
    area: Area | None = None,
    actor: str = "import",
    renames: Mapping[str, str] | None = None,
    revision: Revision | None = None,
) -> ImportResult:
    """Store a plan edition and its findings in one transaction, committed unless ``dry_run``.

    With ``revision`` the edition is a revision of the stored plan (which must exist): every KPI it adds, changes
    or drops gets a history row (:mod:`renkei.store.revisions`); the revision must be in force within the period.

    ``area`` (stored or updated with the plan) defaults to the stored area of ``plan.area_slug``, else the
    package's seed of that slug (a bare area row when there is neither). ``renames`` maps a stored project's key
    to its new key (a project renamed in the plan workbook): the stored project, its KPIs and actuals, carry on
    under the new name. The session must carry no pending work: any failure rolls it back and re-raises.
    """
    check_plan(plan)
    plan = add_readings(plan)
    key = plan_key or default_plan_key(plan)
    sha256 = plan.source_sha256 or hashlib.sha256(source_text.encode("utf-8")).hexdigest()
    area = area if area is not None else area_for_document(session=session, slug=plan.area_slug)
    if area is not None and area.slug != plan.area_slug:
        raise PlanImportError(f"the plan is for {plan.area_slug!r}, the area is {area.slug!r}", "area")
    if revision is not None:
        check_revision(revision, plan)
    try:
        result = _import(session, plan, findings, source_text, key, sha256, area, actor, dry_run, renames or {},
                         revision)
        if dry_run:
            session.rollback()
        else:
            session.commit()
        return result
    except BaseException:
        session.rollback()
        raise


def _import(
    session: Session,
    plan: Plan,
    findings: list[Finding],
    source_text: str,
    key: str,
    sha256: str,
    area: Area | None,
    actor: str,
    dry_run: bool,
    renames: Mapping[str, str],
    revision: Revision | None,
) -> ImportResult:
    if area is not None:
        area_row = repository.save_area(session=session, area=area)
    else:
        area_row = repository.ensure_area(
            session=session,
            slug=plan.area_slug,
            name=plan.area_name,
            first_year=plan.first_year,
            last_year=plan.last_year,
        )
    plan_row = repository.get_plan_row(session=session, area_slug=plan.area_slug, plan_key=key)
    created = plan_row is None
    if created and revision is not None:
        raise PlanImportError(f"計画 {plan.area_slug}/{key} はまだ保存されていません。改正は保存済みの計画に"
                              f"取り込みます / no stored plan {plan.area_slug}/{key} to revise: import the vision "
                              "first",
                              "revision")
    stored = {} if plan_row is None else repository.load_projects(session=session, plan_id=plan_row.id)
    _follow_renames(stored, renames, {p.key for p in plan.projects})
    header = None if plan_row is None else {n: getattr(plan_row, n) for n in PLAN_FIELDS}
    diff = diff_plan(header, {k: (s.project, s.row.status == "active") for k, s in stored.items()}, plan)
    if plan_row is None:
        plan_row = repository.create_plan(
            session=session, area_id=area_row.id, plan=plan, plan_key=key, sha256=sha256
        )
    layout_changed = _write_projects(session, plan_row, plan, stored, diff, area)
    header_changed = repository.assign_columns(
        plan_row, {**{n: getattr(plan, n) for n in PLAN_FIELDS}, "source_sha256": sha256}
    )
    if not diff.is_empty and not created:
        repository.new_version(plan_row)
    findings_written = repository.save_findings(
        session=session, plan_id=plan_row.id, findings=_keyed(plan, findings)
    )
    written = created or not diff.is_empty or layout_changed or bool(header_changed) or findings_written
    entries = revision_entries(diff, stored, plan) if revision is not None else []
    if entries and revision is not None:
        record_revision(session=session, plan_id=plan_row.id, revision=revision, plan_version=plan_row.version,
                        actor=actor, entries=entries)
    if written:
        repository.touch(plan_row)
        repository.record_import(
            session=session,
            plan_id=plan_row.id,
            sha256=sha256,
            source_text=source_text,
            actor=actor,
            plan_version=plan_row.version,
            diff=diff.to_dict(),
        )
        repository.record_audit_event(
            session=session,
            actor=actor,
            action="plan.import",
            entity="plan",
            entity_key=f"{plan.area_slug}/{key}",
            before=None if created else {"version": plan_row.version - (0 if diff.is_empty else 1)},
            after={"version": plan_row.version, "source_sha256": sha256, "diff": diff.to_dict(),
                   **({"revision": revision.to_dict()} if entries and revision is not None else {})},
        )
    session.flush()
    return ImportResult(
        area_slug=plan.area_slug,
        plan_key=key,
        plan_id=None if (dry_run and created) else plan_row.id,
        version=plan_row.version,
        created=created,
        written=written,
        dry_run=dry_run,
        diff=diff,
        findings_written=findings_written,
        revision=revision if entries else None,
        revision_entries=tuple(entries),
    )


def check_revision(revision: Revision, plan: Plan) -> None:
    """Raise PlanImportError when a revision is not in force within the plan period or has no label."""
    if not revision.label.strip():
        raise PlanImportError("改正の名称が空です / the revision needs a label (一部改正)", "revision")
    if not plan.first_year <= revision.in_force_from <= plan.last_year:
        raise PlanImportError(
            f"改正の適用年度 {revision.in_force_from} が計画期間 {plan.first_year}〜{plan.last_year} の外です / "
            f"the revision's first fiscal year {revision.in_force_from} is outside the plan period "
            f"{plan.first_year}-{plan.last_year}", "revision_from")


def revision_entries(diff: PlanDiff, stored: Mapping[str, repository.StoredProject],
                     plan: Plan) -> list[KpiRevisionEntry]:
    """Return the KPI history rows a revision writes: KPIs added (new projects' too), changed and dropped
    (withdrawn projects' too), each with its baseline and target before and after."""
    projects = {p.key: p for p in plan.projects}
    names = {**{key: s.project.name for key, s in stored.items()}, **{p.key: p.name for p in plan.projects}}
    new = {(p.key, k.key): k for p in plan.projects for k in p.kpis}
    old = {(key, k.key): k for key, s in stored.items() for k in s.project.kpis}
    entries: list[KpiRevisionEntry] = []
    added = [(e.project_key or "", e.key) for e in diff.added_kpis]
    added += [(e.key, k.key) for e in diff.added_projects for k in projects[e.key].kpis]
    for place in added:
        kpi = new[place]
        entries.append(KpiRevisionEntry(place, KpiChange.ADDED, new_baseline=kpi.baseline, new_target=kpi.target,
                                        sheet=names[place[0]], indicator=kpi.indicator))
    for entry in diff.changed_kpis:
        place = (entry.project_key or "", entry.key)
        was, now = old[place], new[place]
        entries.append(KpiRevisionEntry(place, KpiChange.CHANGED, entry.fields, was.baseline, was.target,
                                        now.baseline, now.target, sheet=names[place[0]], indicator=now.indicator))
    dropped = [(e.project_key or "", e.key) for e in diff.removed_kpis]
    dropped += [(e.key, k.key) for e in diff.removed_projects for k in stored[e.key].project.kpis]
    for place in dropped:
        kpi = old[place]
        entries.append(KpiRevisionEntry(place, KpiChange.DROPPED, old_baseline=kpi.baseline, old_target=kpi.target,
                                        sheet=names[place[0]], indicator=kpi.indicator))
    return entries


def _follow_renames(stored: dict[str, repository.StoredProject], renames: Mapping[str, str],
                    new_keys: set[str]) -> None:
    """File each renamed stored project under its new key, so the diff sees a changed name, not a new project."""
    for old, new in renames.items():
        if old in stored and new not in stored and new in new_keys and old not in new_keys:
            stored[new] = stored.pop(old)


def _write_projects(
    session: Session,
    plan_row: PlanRow,
    plan: Plan,
    stored: dict[str, repository.StoredProject],
    diff: PlanDiff,
    area: Area | None,
) -> bool:
    """Write new and changed projects, withdraw missing ones; return whether layout alone changed."""
    registry = _registry()
    lookups = _Lookups(session, plan_row.id)
    changed = {e.key for e in diff.changed_projects}
    changed_kpis = {e.project_key for e in (*diff.added_kpis, *diff.changed_kpis, *diff.removed_kpis)}
    layout_changed = False
    for position, project in enumerate(plan.projects):
        current = stored.get(project.key)
        if current is None or project.key in changed:
            row = _write_project(session, plan_row, project, position, current, area, registry, lookups)
        else:
            row = current.row
            layout = {
                "position": position,
                "source_line": project.line,
                "budget_source_line": project.budget.line if project.budget else None,
                # a row stored before readings existed gets one; a reading never becomes unknown again
                **({"reading": project.reading} if project.reading else {}),
            }
            layout_changed |= bool(repository.assign_columns(row, layout))
            if project.key in changed_kpis:
                repository.new_version(row)
        repository.write_kpis(
            session=session, project_id=row.id, kpis=project.kpis, stored=current.kpis if current else {}
        )
        if current is not None:
            layout_changed |= any(
                k.line != s.line for k, s in zip(project.kpis, current.project.kpis, strict=False)
            )
    for removed in diff.removed_projects:
        repository.withdraw_project(session=session, row=stored[removed.key].row)
    return layout_changed


def _write_project(
    session: Session,
    plan_row: PlanRow,
    project: Project,
    position: int,
    current: repository.StoredProject | None,
    area: Area | None,
    registry: MunicipalityRegistry | None,
    lookups: _Lookups,
) -> ProjectRow:
    return repository.write_project(
        session=session,
        plan_id=plan_row.id,
        project=project,
        position=position,
        row=current.row if current else None,
        partners=partner_entries(project.partners, area, registry),
        policy_area_id=lookups.policy_area_id(project.policy_area),
        category_id=lookups.category_id(project.category),
        municipality_ids=lookups.municipality_ids,
    )


class _Lookups:
    """The rows an import refers to from many sheets, each looked up (or created) once per import."""

    def __init__(self, session: Session, plan_id: int) -> None:
        self.session = session
        self.plan_id = plan_id
        self.municipality_ids: dict[str, int] = {}
        self._policy_areas: dict[PolicyArea | None, int | None] = {None: None}
        self._categories: dict[Category | None, int | None] = {None: None}

    def policy_area_id(self, policy_area: PolicyArea | None) -> int | None:
        if policy_area not in self._policy_areas:
            self._policy_areas[policy_area] = repository.ensure_policy_area(
                session=self.session, plan_id=self.plan_id, policy_area=policy_area)
        return self._policy_areas[policy_area]

    def category_id(self, category: Category | None) -> int | None:
        if category not in self._categories:
            self._categories[category] = repository.ensure_category(
                session=self.session, plan_id=self.plan_id, category=category)
        return self._categories[category]
