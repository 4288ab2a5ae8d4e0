"""The review board: who still owes what in a round, per municipality and per project, with counts and CSV.

A municipality's row counts the figures of the projects it takes part in (a figure shared by several
partners counts in each of their rows); a project's row counts its KPIs. Overdue means past the due date
and not yet submitted.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from renkei.domain.municipality import Municipality
from renkei.domain.workflow import ReviewStatus
from renkei.services.rounds import ReportItem

STATUSES = tuple(ReviewStatus)


@dataclass(frozen=True, slots=True)
class BoardFilter:
    """What the board shows: one status, one municipality, one project, overdue only (all optional)."""

    status: ReviewStatus | None = None
    municipality: str | None = None
    project: str | None = None
    overdue: bool = False

    def keeps(self, item: ReportItem) -> bool:
        """Tell whether an item passes the filter."""
        return ((self.status is None or item.status is self.status)
                and (self.municipality is None or self.municipality in item.partner_codes)
                and (self.project is None or item.project.slug == self.project)
                and (not self.overdue or item.overdue))


@dataclass(frozen=True, slots=True)
class Tally:
    """Counts of a group's figures by status, and how many are overdue."""

    label: str
    key: str
    counts: dict[ReviewStatus, int] = field(default_factory=dict)
    overdue: int = 0
    total: int = 0

    @classmethod
    def of(cls, label: str, key: str, items: Iterable[ReportItem]) -> Tally:
        """Count a group's items."""
        listed = list(items)
        counts = {s: sum(1 for i in listed if i.status is s) for s in STATUSES}
        return cls(label, key, counts, sum(1 for i in listed if i.overdue), len(listed))

    @property
    def done(self) -> bool:
        """Tell whether every figure is approved."""
        return self.total > 0 and self.counts.get(ReviewStatus.APPROVED, 0) == self.total


@dataclass(frozen=True, slots=True)
class Board:
    """The board of a round: the filtered items, totals, and tallies per municipality and per project."""

    items: tuple[ReportItem, ...]
    overall: Tally
    by_municipality: tuple[Tally, ...]
    by_project: tuple[Tally, ...]


def build_board(items: Sequence[ReportItem], members: Sequence[Municipality], chosen: BoardFilter,
                visible_codes: frozenset[str] | None = None) -> Board:
    """Build the board from a round's items (``visible_codes``: the municipalities a user may see; None: all)."""
    kept = [i for i in items if chosen.keeps(i)]
    shown_members = [m for m in members if visible_codes is None or m.code in visible_codes]
    by_municipality = tuple(Tally.of(m.name, m.code, (i for i in kept if m.code in i.partner_codes))
                            for m in shown_members)
    projects: dict[str, list[ReportItem]] = {}
    for item in kept:
        projects.setdefault(item.project.slug, []).append(item)
    by_project = tuple(Tally.of(group[0].project.name, slug, group) for slug, group in projects.items())
    return Board(tuple(kept), Tally.of("合計", "", kept), by_municipality, by_project)


CSV_COLUMNS = ("事業 / project", "指標 / indicator", "年度 / fiscal_year", "状態 / status", "status",
               "期限超過 / overdue", "実績値 / actual", "評価 / assessment", "前年度 / last_year", "目標値 / target",
               "入力者 / entered_by", "差し戻し理由 / review_comment", "連携市町 / partners")


def board_csv(board: Board) -> str:
    """Return the board's items as CSV (UTF-8 with BOM, so that Excel opens it as it is)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for i in board.items:
        current = i.current.total if i.current else None
        last = i.last_year.total if i.last_year else None
        writer.writerow([
            i.project.name, i.kpi.indicator, i.fiscal_year, i.status.label_ja, i.status.value,
            "超過" if i.overdue else "", "" if current is None else f"{current:g}", i.word or "",
            "" if last is None else f"{last:g}", i.kpi.target.text, i.entered_by or "", i.review_comment or "",
            " ".join(sorted(i.partner_codes)),
        ])
    return "\ufeff" + buffer.getvalue()
