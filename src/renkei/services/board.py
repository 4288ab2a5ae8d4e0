"""The review board: who still owes what in a round, per municipality, per owner of the totals and per project.

Each figure is counted against whoever owes it. A municipality's row counts the shares it owes (the figures whose
value is the sum of the partners' shares, :mod:`renkei.domain.share`), each by the status of *its own* share, so
one town reporting never makes the others look reported; shares a town reported of its own accord are counted
apart. The totals (the KPI's own figure, or its assessment) are counted against the lead-city department
assigned to the project, or the planning staff when none is. A project's row and the totals count each figure
once, by where the area's figure stands. Overdue means past the due date and not yet submitted.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from renkei.domain.csv_cell import csv_writer
from renkei.domain.municipality import Municipality
from renkei.domain.share import ShareMode
from renkei.domain.workflow import RecordKind, ReviewStatus
from renkei.services.rounds import ReportItem

STATUSES = tuple(ReviewStatus)
#: Who owes the totals of projects no department is assigned to.
PLANNING_STAFF = "企画担当（担当課の割当なし）"


@dataclass(frozen=True, slots=True)
class BoardFilter:
    """What the board shows: one status, one municipality, one project, overdue only (all optional)."""

    status: ReviewStatus | None = None
    municipality: str | None = None
    project: str | None = None
    overdue: bool = False

    def keeps(self, item: ReportItem) -> bool:
        """Tell whether an item passes the filter (for a municipality: by the status of its own share)."""
        code = self.municipality
        status = item.status_of(code) if code is not None else item.status
        overdue = item.share_overdue(code) if code is not None else item.overdue
        return ((self.status is None or status is self.status)
                and (code is None or code in item.partner_codes)
                and (self.project is None or item.project.slug == self.project)
                and (not self.overdue or overdue))


@dataclass(frozen=True, slots=True)
class Tally:
    """Counts of a group's figures by status, how many are overdue, and (for a town) shares given unasked."""

    label: str
    key: str
    counts: dict[ReviewStatus, int] = field(default_factory=dict)
    overdue: int = 0
    total: int = 0
    unasked: int = 0

    @classmethod
    def of(cls, label: str, key: str, states: Iterable[tuple[ReviewStatus, bool]], unasked: int = 0) -> Tally:
        """Count a group's (status, overdue) pairs."""
        listed = list(states)
        counts = {s: sum(1 for status, _ in listed if status is s) for s in STATUSES}
        return cls(label, key, counts, sum(1 for _, late in listed if late), len(listed), unasked)

    @property
    def done(self) -> bool:
        """Tell whether every figure is approved."""
        return self.total > 0 and self.counts.get(ReviewStatus.APPROVED, 0) == self.total


@dataclass(frozen=True, slots=True)
class Board:
    """The board of a round: the filtered items, totals, and tallies per municipality, owner and project."""

    items: tuple[ReportItem, ...]
    overall: Tally
    by_municipality: tuple[Tally, ...]
    by_project: tuple[Tally, ...]
    by_owner: tuple[Tally, ...] = ()


def owes_total(item: ReportItem) -> bool:
    """Tell whether an item's total is owed by the lead city (not made from the partners' shares)."""
    return item.kind is RecordKind.ASSESSMENT or item.rule.mode is ShareMode.TOTAL


def owner_of(item: ReportItem, owners: Mapping[int, str]) -> str:
    """Name who owes an item's total: its assigned departments, or the planning staff."""
    names = sorted({owners[i] for i in item.assigned if i in owners})
    return "・".join(names) if names else PLANNING_STAFF


def build_board(items: Sequence[ReportItem], members: Sequence[Municipality], chosen: BoardFilter,
                visible_codes: frozenset[str] | None = None, owners: Mapping[int, str] | None = None) -> Board:
    """Build the board from a round's items.

    ``visible_codes``: the municipalities a user may see (None: all); ``owners``: the assigned departments'
    names by user id.
    """
    kept = [i for i in items if chosen.keeps(i)]
    shown_members = [m for m in members if visible_codes is None or m.code in visible_codes]
    by_municipality = tuple(
        Tally.of(m.name, m.code, ((i.status_of(m.code), i.share_overdue(m.code)) for i in kept if i.owes_share(m.code)),
                 unasked=sum(1 for i in kept if m.code in i.shares and not i.owes_share(m.code)))
        for m in shown_members)
    projects: dict[str, list[ReportItem]] = {}
    for item in kept:
        projects.setdefault(item.project.slug, []).append(item)
    by_project = tuple(Tally.of(group[0].project.name, slug, ((i.status, i.overdue) for i in group))
                       for slug, group in projects.items())
    by_owner: tuple[Tally, ...] = ()
    if visible_codes is None:
        groups: dict[str, list[ReportItem]] = {}
        for item in kept:
            if owes_total(item):
                groups.setdefault(owner_of(item, owners or {}), []).append(item)
        by_owner = tuple(Tally.of(name, name, ((i.total.status, i.overdue) for i in group))
                         for name, group in sorted(groups.items()))
    overall = Tally.of("合計", "", ((i.status, i.overdue) for i in kept))
    return Board(tuple(kept), overall, by_municipality, by_project, by_owner)


CSV_COLUMNS = ("事業 / project", "指標 / indicator", "年度 / fiscal_year", "状態 / status", "status",
               "期限超過 / overdue", "集計方法 / rule", "実績値 / figure", "値の出所 / source",
               "内訳の報告 / shares reported", "内訳 / shares", "評価 / assessment", "前年度 / last_year",
               "目標値 / target", "入力者 / entered_by", "差し戻し理由 / review_comment", "連携市町 / partners")


def _number(value: float | None) -> float | int | None:
    """Keep a figure a number in the CSV (a whole one without ``.0``): only text cells are neutralised."""
    if value is None:
        return None
    return int(value) if value.is_integer() else value


def board_csv(board: Board, names: Mapping[str, str] | None = None) -> str:
    """Return the board's items as CSV (UTF-8 with BOM, so that Excel opens it as it is; no text cell a formula)."""
    named = names or {}
    buffer = io.StringIO()
    writer = csv_writer(buffer)  # names, indicators and comments are typed text: never a formula in a spreadsheet
    writer.writerow(CSV_COLUMNS)
    for i in board.items:
        figure = i.figure
        last = i.last_year.value if i.last_year else None
        owed = len(i.rule.owed)
        reported = f"{len(i.shares)}/{owed}" if owed else str(len(i.shares))
        shares = " ".join(f"{named.get(code, code)}={value:g}" for code, value in figure.shares)
        writer.writerow([
            i.project.name, i.kpi.indicator, i.fiscal_year, i.status.label_ja, i.status.value,
            "超過" if i.overdue else "", i.rule.mode.value, _number(figure.value), figure.source.value, reported,
            shares, i.word or "", _number(last), i.kpi.target.text, i.entered_by or "", i.review_comment or "",
            " ".join(sorted(i.partner_codes)),
        ])
    return "\ufeff" + buffer.getvalue()
