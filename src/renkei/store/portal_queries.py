"""Portal queries: the reads the public portal needs (plan choice, members, assessments, full-text search).

Search works for Japanese, which has no spaces between words: on SQLite an FTS5 index with the
``trigram`` tokenizer (kept in a TEMP table per connection, rebuilt when the plan changes, so the
schema is untouched); on PostgreSQL ``ILIKE`` (a ``pg_trgm`` GIN index speeds it up when present).
Terms shorter than three characters cannot use trigrams and fall back to ``LIKE``.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from sqlalchemy import func, select, text
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from renkei.domain.actual import Assessment, read_assessment_word
from renkei.domain.municipality import Municipality
from renkei.domain.status import Status
from renkei.store.repository import PlanSummary, list_plans
from renkei.store.rows import as_utc
from renkei.store.tables import (
    ActualRow,
    AreaMemberRow,
    AreaRow,
    AssessmentRow,
    AuditEventRow,
    KpiRow,
    MunicipalityRow,
    PlanRow,
    ProjectRow,
)

#: Shortest term the trigram index can match; shorter terms use LIKE.
TRIGRAM_LENGTH = 3


@dataclass(frozen=True, slots=True)
class AreaMembers:
    """An area's member municipalities in the area's order, with the lead city's code."""

    slug: str
    name: str
    name_en: str
    lead_code: str
    members: tuple[Municipality, ...]


def choose_plan(*, session: Session, plan_key: str | None = None) -> PlanSummary | None:
    """Return the plan with this key, or the most recent plan (latest first year, then latest update)."""
    plans = list_plans(session=session)
    if plan_key is not None:
        return next((p for p in plans if p.plan_key == plan_key), None)
    if not plans:
        return None
    return max(plans, key=lambda p: (p.first_year, p.updated_at, p.id))


def count_plans(*, session: Session) -> int:
    """Return how many plan editions are stored."""
    return len(session.scalars(select(PlanRow.id)).all())


def load_area_members(*, session: Session, area_slug: str) -> AreaMembers | None:
    """Return an area's members in its order (None when the area is not stored)."""
    area = session.scalars(select(AreaRow).where(AreaRow.slug == area_slug)).one_or_none()
    if area is None:
        return None
    rows = session.execute(
        select(MunicipalityRow)
        .join(AreaMemberRow, AreaMemberRow.municipality_id == MunicipalityRow.id)
        .where(AreaMemberRow.area_id == area.id)
        .order_by(AreaMemberRow.position)
    ).scalars()
    members = tuple(Municipality(r.code, r.name, r.prefecture, r.kana) for r in rows)
    return AreaMembers(area.slug, area.name, area.name_en, area.lead_code, members)


def list_assessments(*, session: Session, plan_id: int) -> dict[tuple[str, str], list[Assessment]]:
    """Return approved assessments of a plan's KPIs keyed by (project key, KPI key), oldest year first.

    The status column holds a status value (``behind``) or the staff's own word (一部達成), read as
    :data:`renkei.domain.actual.ASSESSMENT_WORDS` says.
    """
    rows = session.execute(
        select(AssessmentRow, ProjectRow.key, KpiRow.indicator_key)
        .join(KpiRow, KpiRow.id == AssessmentRow.kpi_id)
        .join(ProjectRow, ProjectRow.id == KpiRow.project_id)
        .where(ProjectRow.plan_id == plan_id, AssessmentRow.review_status == "approved")
        .order_by(AssessmentRow.fiscal_year, AssessmentRow.id)
    ).all()
    result: dict[tuple[str, str], list[Assessment]] = {}
    for row, key, indicator in rows:
        word_reading = read_assessment_word(row.status)
        rating = None
        word = ""
        if word_reading is not None:
            word, status, rating = word_reading
        else:
            try:
                status = Status(row.status)
            except ValueError:
                continue  # a free-text status a later migration may tighten; never break the portal over it
        result.setdefault((key, indicator), []).append(
            Assessment(
                fiscal_year=row.fiscal_year,
                status=status,
                rating=rating,
                word=word,
                comment=row.comment or "",
                entered_by=row.entered_by,
                entered_at=as_utc(row.entered_at),
            )
        )
    return result


def fold_search_text(value: str) -> str:
    """Fold text for searching: NFKC (full-width to half-width) and lower case.

    >>> fold_search_text("ＤＸ人材育成研修")
    'dx人材育成研修'
    """
    return unicodedata.normalize("NFKC", value).lower()


def split_search_terms(query: str) -> list[str]:
    r"""Split a search query into folded terms at white space (full-width spaces too).

    >>> split_search_terms("研修　ＤＸ  ")
    ['研修', 'dx']
    >>> split_search_terms("   "), split_search_terms("a\x00b")
    ([], ['ab'])
    """
    # Control characters (NUL above all) match nothing and break FTS5 and PostgreSQL strings.
    printable = "".join(ch for ch in query if ch.isspace() or unicodedata.category(ch) != "Cc")
    return fold_search_text(printable).split()


def _documents(session: Session, plan_id: int) -> dict[str, str]:
    """Return the searchable text of each active project: name, description and KPI indicators."""
    projects = session.execute(
        select(ProjectRow.key, ProjectRow.name, ProjectRow.description, ProjectRow.id)
        .where(ProjectRow.plan_id == plan_id, ProjectRow.status == "active")
        .order_by(ProjectRow.position)
    ).all()
    indicators: dict[int, list[str]] = {}
    for project_id, indicator in session.execute(
        select(KpiRow.project_id, KpiRow.indicator)
        .join(ProjectRow, ProjectRow.id == KpiRow.project_id)
        .where(ProjectRow.plan_id == plan_id, KpiRow.status == "active")
    ):
        indicators.setdefault(project_id, []).append(indicator)
    return {
        key: fold_search_text("\n".join([name, description or "", *indicators.get(pid, [])]))
        for key, name, description, pid in projects
    }


def _like_pattern(term: str) -> str:
    escaped = term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _signature(session: Session, plan_id: int) -> str:
    plan = session.get_one(PlanRow, plan_id)
    return f"{plan.id}:{plan.version}:{plan.updated_at.isoformat()}"


def _sqlite_index(session: Session, plan_id: int) -> None:
    """Build (or refresh) this connection's TEMP trigram index of the plan's projects."""
    session.execute(text(
        "CREATE VIRTUAL TABLE IF NOT EXISTS temp.portal_search USING fts5("
        "plan_id UNINDEXED, project_key UNINDEXED, body, tokenize='trigram')"
    ))
    session.execute(text(
        "CREATE TABLE IF NOT EXISTS temp.portal_search_state (plan_id INTEGER PRIMARY KEY, signature TEXT)"
    ))
    signature = _signature(session, plan_id)
    stored = session.execute(
        text("SELECT signature FROM temp.portal_search_state WHERE plan_id = :p"), {"p": plan_id}
    ).scalar()
    if stored == signature:
        return
    session.execute(text("DELETE FROM temp.portal_search WHERE plan_id = :p"), {"p": plan_id})
    documents = _documents(session, plan_id)
    if documents:
        session.execute(
            text("INSERT INTO temp.portal_search (plan_id, project_key, body) VALUES (:p, :k, :b)"),
            [{"p": plan_id, "k": key, "b": body} for key, body in documents.items()],
        )
    session.execute(
        text("INSERT OR REPLACE INTO temp.portal_search_state (plan_id, signature) VALUES (:p, :s)"),
        {"p": plan_id, "s": signature},
    )


def _search_sqlite(session: Session, plan_id: int, terms: list[str]) -> set[str]:
    _sqlite_index(session, plan_id)
    clauses: list[str] = []
    params: dict[str, object] = {"p": plan_id}
    for i, term in enumerate(terms):
        if len(term) >= TRIGRAM_LENGTH:
            clauses.append(f"portal_search MATCH :t{i}")
            params[f"t{i}"] = '"' + term.replace('"', '""') + '"'
        else:
            clauses.append(f"body LIKE :t{i} ESCAPE '\\'")
            params[f"t{i}"] = _like_pattern(term)
    sql = "SELECT project_key FROM temp.portal_search WHERE plan_id = :p AND " + " AND ".join(clauses)
    return set(session.execute(text(sql), params).scalars())


_POSTGRES_SEARCH = """
SELECT p.key FROM project p
WHERE p.plan_id = :p AND p.status = 'active' AND {conditions}
"""
_POSTGRES_BODY = (
    "(normalize(p.name, NFKC) || ' ' || coalesce(normalize(p.description, NFKC), '') || ' ' || "
    "coalesce((SELECT string_agg(normalize(k.indicator, NFKC), ' ') FROM kpi k "
    "WHERE k.project_id = p.id AND k.status = 'active'), ''))"
)


def _search_postgres(session: Session, plan_id: int, terms: list[str]) -> set[str]:
    # ILIKE serves every term length; a pg_trgm GIN index makes it fast for terms of 3+ characters.
    conditions = " AND ".join(f"{_POSTGRES_BODY} ILIKE :t{i}" for i in range(len(terms)))
    params: dict[str, object] = {"p": plan_id, **{f"t{i}": _like_pattern(t) for i, t in enumerate(terms)}}
    return set(session.execute(text(_POSTGRES_SEARCH.format(conditions=conditions)), params).scalars())


def _search_portable(session: Session, plan_id: int, terms: list[str]) -> set[str]:
    documents = _documents(session, plan_id)
    return {key for key, body in documents.items() if all(term in body for term in terms)}


def search_projects(*, session: Session, plan_id: int, query: str) -> set[str] | None:
    """Return the keys of a plan's active projects whose name, description or KPI matches every term.

    Returns None for an empty query (no filtering). Matching ignores width and case (ＤＸ = dx).
    """
    terms = split_search_terms(query)
    if not terms:
        return None
    bind = session.get_bind()
    if bind.dialect.name == "sqlite":
        return _search_sqlite(session, plan_id, terms)
    if bind.dialect.name == "postgresql":
        return _search_postgres(session, plan_id, terms)
    return _search_portable(session, plan_id, terms)


def project_key_by_slug(*, session: Session, plan_id: int, slug: str) -> str | None:
    """Return the key of a plan's active project with this slug, or None."""
    return session.scalars(
        select(ProjectRow.key).where(
            ProjectRow.plan_id == plan_id, ProjectRow.slug == slug, ProjectRow.status == "active"
        )
    ).one_or_none()


__all__ = [
    "TRIGRAM_LENGTH",
    "AreaMembers",
    "PlanSummary",
    "choose_plan",
    "count_plans",
    "fold_search_text",
    "list_assessments",
    "load_area_members",
    "project_key_by_slug",
    "read_store_fingerprint",
    "search_projects",
    "split_search_terms",
]


_STORE_FINGERPRINT = select(
    select(func.count(PlanRow.id)).scalar_subquery(),
    select(func.sum(PlanRow.version)).scalar_subquery(),
    select(func.max(PlanRow.updated_at)).scalar_subquery(),
    select(func.count(ActualRow.id)).scalar_subquery(),
    select(func.max(ActualRow.id)).scalar_subquery(),
    select(func.count(AssessmentRow.id)).scalar_subquery(),
    select(func.max(AssessmentRow.id)).scalar_subquery(),
    select(func.max(AuditEventRow.id)).scalar_subquery(),
)


def read_store_fingerprint(*, connection: Connection) -> tuple[object, ...]:
    """Return one fingerprint of everything the portal shows, over every plan, in a single query.

    Any import (plan version and time), actual, assessment or audit event changes it; the portal's response
    cache replays a page only while it stays the same. It takes a plain connection: it runs on every request.
    """
    return tuple(connection.execute(_STORE_FINGERPRINT).one())
