"""Earlier years' figures from an area's own sheet: the proposed (or saved) mapping, the preview, the import, saving.

The preview is the import itself, run without writing (:func:`renkei.services.actuals.import_actuals` with
``dry_run``): every check a figure meets on its way in — the KPI's years, an open reporting round for the year,
its unit, a plausible value, the user's rights, a record under review — is met in the preview too, and what it
refuses is named by the cell it came from. The import then stores the figures the preview showed: submitted for
review (never approved), marked as historical (:data:`~renkei.domain.actual.HISTORICAL`), each with an internal
note saying which file and cell it came from and the grade the area gave then; pending cells (集計中) are stored
without a value, so progress sees no figure for that year.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from renkei.domain.actuals_mapping import ActualsMapping, KpiChoice, column_letter, kpi_choices, mapping_from_dict
from renkei.domain.permission import Action
from renkei.reading.actuals import RowError
from renkei.reading.actuals_mapping import (
    CellRefusal,
    MappedFigure,
    MappedSheet,
    fingerprint_of,
    propose_mapping,
    read_mapped,
)
from renkei.reading.sheet_table import Table
from renkei.services.accounts import StaffUser
from renkei.services.actuals import ActualsImportReport, RowOutcome, import_actuals
from renkei.services.workflow import require
from renkei.store import actuals_mappings as store
from renkei.store import repository

#: The longest name a saved mapping takes.
NAME_LIMIT = 100


class MappingNameError(ValueError):
    """A name a mapping cannot be saved under (empty or too long), in Japanese and English."""

    field = "name"


@dataclass(frozen=True, slots=True)
class PreviewLine:
    """A figure the import stores (or, after it, stored): the cell it came from and what happens to its record."""

    figure: MappedFigure
    outcome: RowOutcome

    def to_dict(self) -> dict[str, object]:
        """Return the JSON form."""
        f = self.figure
        return {"cell": f.cell, "row": f.row, "project": f.kpi.project, "indicator": f.kpi.indicator,
                "fiscal_year": f.fiscal_year, "value": f.value, "pending": f.pending, "grade": f.grade,
                "assessment": f.assessment, "comment": f.comment, "score": f.score, "outcome": self.outcome.value}


@dataclass(frozen=True, slots=True)
class MappingPreview:
    """What a sheet gives under a mapping: the figures stored, the cells refused and why, and whether it wrote."""

    mapping: ActualsMapping
    header: tuple[str, ...]
    fingerprint: str
    sheet: MappedSheet
    lines: tuple[PreviewLine, ...]
    refused: tuple[CellRefusal, ...]
    written: bool
    #: The saved mapping the proposal came from, when the file's header was known.
    saved_name: str | None = None

    @property
    def pending(self) -> tuple[PreviewLine, ...]:
        """Return the figures stored as pending (集計中 …), without a value."""
        return tuple(line for line in self.lines if line.figure.pending is not None)

    def to_dict(self) -> dict[str, Any]:
        """Return the JSON form (``renkei actuals map --json``)."""
        return {
            "mapping": self.mapping.to_dict(), "fingerprint": self.fingerprint, "saved_name": self.saved_name,
            "stored": [line.to_dict() for line in self.lines],
            "refused": [{"row": r.row, "column": column_letter(r.column) if r.column is not None else None,
                         "message": r.message} for r in self.refused],
            "blank_cells": self.sheet.blank_cells, "written": self.written,
        }


def plan_kpis(session: Session, plan_id: int) -> tuple[KpiChoice, ...]:
    """Return the KPIs a sheet's rows may mean (LookupError when there is no such plan)."""
    return kpi_choices(repository.load_plan(session=session, plan_id=plan_id))


def propose(*, session: Session, plan_id: int, table: Table,
            kpis: Sequence[KpiChoice] | None = None) -> tuple[ActualsMapping, str | None]:
    """Return the mapping to show first: the area's saved mapping of this header, else a fresh proposal.

    A saved mapping is found by the fingerprint of the header row it names (the most recently saved wins).
    """
    area_id = store.area_id_of_plan(session=session, plan_id=plan_id)
    for saved in sorted(store.list_mappings(session=session, area_id=area_id), key=lambda r: r.updated_at,
                        reverse=True):
        mapping = mapping_from_dict(saved.mapping)
        if fingerprint_of(table, mapping) == saved.fingerprint and not mapping.problems():
            if mapping.sheet is not None and table.sheet is not None and mapping.sheet != table.sheet:
                continue
            notes = (f"保存済みの対応表「{saved.name}」と同じ見出しです / the header matches saved mapping "
                     f"{saved.name!r}",)
            return ActualsMapping(mapping.header_row, mapping.columns, mapping.grade_year, mapping.matches,
                                  mapping.sheet, notes), saved.name
    return propose_mapping(table, kpis if kpis is not None else plan_kpis(session, plan_id)), None


def load_saved(*, session: Session, plan_id: int, name: str) -> ActualsMapping:
    """Return the area's saved mapping of this name; LookupError naming it when there is none."""
    area_id = store.area_id_of_plan(session=session, plan_id=plan_id)
    row = store.find_mapping(session=session, area_id=area_id, name=name)
    if row is None:
        names = "、".join(r.name for r in store.list_mappings(session=session, area_id=area_id)) or "なし / none"
        raise LookupError(f"対応表「{name}」は保存されていません（保存済み: {names}） / no saved mapping {name!r}")
    return mapping_from_dict(row.mapping)


def saved_mappings(*, session: Session, plan_id: int) -> list[tuple[str, str, str]]:
    """Return the area's saved mappings as (name, who saved it, when), by name."""
    area_id = store.area_id_of_plan(session=session, plan_id=plan_id)
    return [(r.name, r.updated_by, r.updated_at.strftime("%Y-%m-%d %H:%M"))
            for r in store.list_mappings(session=session, area_id=area_id)]


def check_name(name: str) -> str:
    """Return a mapping's name as saved (trimmed); an empty or overlong one raises MappingNameError.

    >>> check_name(" 瀬戸・高松 様式1 ")
    '瀬戸・高松 様式1'
    """
    kept = " ".join(name.split())
    if not kept:
        raise MappingNameError("対応表の名前を入力してください / give the mapping a name")
    if len(kept) > NAME_LIMIT:
        raise MappingNameError(f"対応表の名前は{NAME_LIMIT}字以内です / a mapping's name takes at most "
                               f"{NAME_LIMIT} characters")
    return kept


def save(*, session: Session, plan_id: int, name: str, table: Table, mapping: ActualsMapping, actor: str,
         user: StaffUser | None = None) -> str:
    """Save a mapping for the plan's area under a name, keyed by the table's header (committed); return the name.

    A staff ``user`` needs the right to keep the area's mappings (:attr:`Action.SAVE_MAPPING`, an administrator).
    """
    if user is not None:
        require(user, Action.SAVE_MAPPING)
    kept = check_name(name)
    mapping.check()
    area_id = store.area_id_of_plan(session=session, plan_id=plan_id)
    store.save_mapping(session=session, area_id=area_id, name=kept, fingerprint=fingerprint_of(table, mapping),
                       header=list(table.header(mapping.header_row)), mapping=mapping.to_dict(),
                       actor=user.username if user is not None else actor)
    session.commit()
    return kept


def _refusal_of(error: RowError, figure: MappedFigure) -> CellRefusal:
    return CellRefusal(figure.row, figure.column, error.message_ja, error.message_en)


def run_mapping(*, session: Session, plan_id: int, table: Table, mapping: ActualsMapping, file_name: str,
                actor: str, user: StaffUser | None = None, write: bool = False, saved_name: str | None = None,
                today: date | None = None) -> MappingPreview:
    """Preview (``write`` False: nothing is written) or import a sheet's figures under a mapping.

    The figures the checks refuse are reported by cell and the others are stored (or would be): the preview has
    shown which, so an import never stops at a refused cell.
    """
    kpis = plan_kpis(session, plan_id)
    mapped = read_mapped(table, mapping, kpis)
    sheet = mapped.actuals_sheet(lambda f: f"過年度の実績（{file_name[:200]} {f.cell}）"
                                 + (f"。値は未確定（{f.pending}）" if f.pending else ""))
    source = f"{file_name[:200]}" + (f"（対応表「{saved_name}」）" if saved_name else "")
    report: ActualsImportReport = import_actuals(session=session, plan_id=plan_id, sheet=sheet, actor=actor,
                                                 skip_invalid=True, dry_run=not write, user=user, today=today,
                                                 historical=source)
    by_number = dict(enumerate(mapped.figures, start=1))
    lines = tuple(PreviewLine(by_number[result.row], result.outcome) for result in report.results)
    refused = sorted((*mapped.refusals, *(_refusal_of(e, by_number[e.row]) for e in report.rejected)),
                     key=lambda r: (r.row, -1 if r.column is None else r.column))
    return MappingPreview(mapping, table.header(mapping.header_row), fingerprint_of(table, mapping), mapped, lines,
                          tuple(refused), report.written, saved_name)
