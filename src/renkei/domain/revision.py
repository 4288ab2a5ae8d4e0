"""Revisions of a vision mid-period (一部改正): a KPI's history, and which target is in force in a fiscal year.

A revised edition of the vision (KPIs added, targets or baselines changed, KPIs dropped) is stored as a
:class:`Revision` with one :class:`KpiRevision` per KPI it touched. The stored KPI always holds its latest form; its
history says what it was before each revision. :func:`kpi_in_force` is the one rule that picks the form in force in
an evaluation year: the form set by the last revision in force by that year (the original before any), so a year
before a revision is judged against the old target and the revision's year and later against the new one.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date
from enum import StrEnum
from typing import assert_never

from renkei.domain.fiscal import FiscalYearError, format_wareki_date, wareki_fiscal_year
from renkei.domain.plan import KPI
from renkei.domain.quantity import Quantity

__all__ = ["KpiChange", "KpiHistory", "KpiRevision", "Revision", "TargetInForce", "describe_quantity", "kpi_in_force"]


class KpiChange(StrEnum):
    """What a revision did to one KPI."""

    ADDED = "added"  # 追加: the KPI is new in the revised edition
    CHANGED = "changed"  # 変更: its baseline, target or direction changed
    DROPPED = "dropped"  # 削除: the revised edition no longer has it (kept, with its actuals)


def _era_year(fiscal_year: int) -> str:
    """Name a fiscal year in the era alone (令和9年度), falling back to the western year.

    >>> _era_year(2027), _era_year(1800)
    ('令和9年度', '1800年度')
    """
    try:
        return wareki_fiscal_year(fiscal_year)
    except FiscalYearError:
        return f"{fiscal_year}年度"


@dataclass(frozen=True, slots=True)
class Revision:
    """A revised edition of the vision: its label (一部改正), date, reason and the fiscal year it is in force from.

    ``date_text`` keeps the date as the area wrote it (令和9年10月); without it the date is written in the era.

    >>> r = Revision("一部改正", date(2027, 10, 1), 2027, date_text="令和9年10月")
    >>> r.date_label, r.title("ja"), r.title("en")
    ('令和9年10月', '令和9年度の改正（一部改正、令和9年10月）', 'the FY2027 revision (一部改正, 令和9年10月)')
    >>> Revision("改定", date(2028, 4, 1), 2028).date_label
    '令和10年4月1日'
    """

    label: str
    revised_on: date
    in_force_from: int
    reason: str = ""
    date_text: str = ""

    @property
    def date_label(self) -> str:
        """Return the date as people read it: as written, else in the Japanese era."""
        if self.date_text:
            return self.date_text
        try:
            return format_wareki_date(self.revised_on.year, self.revised_on.month, self.revised_on.day)
        except FiscalYearError:
            return self.revised_on.isoformat()

    def title(self, lang: str = "ja") -> str:
        """Name the revision: 令和9年度の改正（一部改正、令和9年10月） / the FY2027 revision (一部改正, 令和9年10月)."""
        if lang == "en":
            return f"the FY{self.in_force_from} revision ({self.label}, {self.date_label})"
        return f"{_era_year(self.in_force_from)}の改正（{self.label}、{self.date_label}）"

    def to_dict(self) -> dict[str, object]:
        """Return the JSON form."""
        return {
            "label": self.label,
            "date": self.revised_on.isoformat(),
            "date_text": self.date_label,
            "in_force_from": self.in_force_from,
            "reason": self.reason,
        }


def describe_quantity(quantity: Quantity | None) -> str:
    """Write a baseline or target as the document did, or ― when there is none.

    >>> from renkei.domain.quantity import QuantityKind
    >>> describe_quantity(Quantity("40件", QuantityKind.POINT, value=40, unit="件")), describe_quantity(None)
    ('40件', '―')
    """
    return quantity.text if quantity is not None and quantity.text else "―"


@dataclass(frozen=True, slots=True)
class KpiRevision:
    """What one revision did to one KPI, with its baseline and target before and after.

    ``fields`` names the changed fields of a CHANGED KPI (``baseline``, ``target``, ``direction``, ``indicator``).
    """

    revision: Revision
    change: KpiChange
    fields: tuple[str, ...] = ()
    old_baseline: Quantity | None = None
    old_target: Quantity | None = None
    new_baseline: Quantity | None = None
    new_target: Quantity | None = None

    @property
    def moves_target(self) -> bool:
        """Tell whether the revision changed what the KPI is judged against (its baseline or target)."""
        return self.change is KpiChange.CHANGED and bool({"baseline", "target"} & set(self.fields))

    def describe(self, lang: str = "ja") -> str:
        """Say what the revision did, as the KPI page shows it.

        >>> from renkei.domain.quantity import QuantityKind
        >>> r = Revision("一部改正", date(2027, 10, 1), 2027, date_text="令和9年10月")
        >>> q = lambda n: Quantity(f"{n}件", QuantityKind.POINT, value=n, unit="件")
        >>> KpiRevision(r, KpiChange.CHANGED, ("target",), q(1), q(30), q(1), q(40)).describe()
        '令和9年度の改正（一部改正、令和9年10月）で目標を30件から40件に変更'
        >>> KpiRevision(r, KpiChange.CHANGED, ("target",), q(1), q(30), q(1), q(40)).describe("en")
        'The FY2027 revision (一部改正, 令和9年10月) changed the target from 30件 to 40件'
        >>> KpiRevision(r, KpiChange.ADDED).describe()
        '令和9年度の改正（一部改正、令和9年10月）で追加'
        >>> KpiRevision(r, KpiChange.DROPPED).describe()
        '令和9年度の改正（一部改正、令和9年10月）で削除（令和9年度から）'
        >>> KpiRevision(r, KpiChange.DROPPED).describe("en")
        'Dropped by the FY2027 revision (一部改正, 令和9年10月), from FY2027'
        """
        title = self.revision.title(lang)
        match self.change:
            case KpiChange.ADDED:
                return f"{title}で追加" if lang != "en" else f"Added by {title}"
            case KpiChange.DROPPED:
                if lang == "en":
                    return f"Dropped by {title}, from FY{self.revision.in_force_from}"
                return f"{title}で削除（{_era_year(self.revision.in_force_from)}から）"
            case KpiChange.CHANGED:
                parts = self._changed_parts(lang)
                if lang == "en":
                    return f"{title[0].upper()}{title[1:]} changed {' and '.join(parts)}"
                return f"{title}で{'、'.join(parts)}"
            case _:
                assert_never(self.change)

    def _changed_parts(self, lang: str) -> list[str]:
        names = {"baseline": ("現状値", "the baseline"), "target": ("目標", "the target"),
                 "direction": ("方向", "the direction"), "indicator": ("指標名", "the indicator")}
        parts = []
        for name in ("baseline", "target"):
            if name in self.fields:
                old, new = (describe_quantity(getattr(self, f"{age}_{name}")) for age in ("old", "new"))
                ja, en = names[name]
                parts.append(f"{en} from {old} to {new}" if lang == "en" else f"{ja}を{old}から{new}に変更")
        for name in self.fields:
            if name in ("direction", "indicator"):
                parts.append(names[name][1] if lang == "en" else f"{names[name][0]}を変更")
        return parts or (["the KPI"] if lang == "en" else ["内容を変更"])

    def to_dict(self) -> dict[str, object]:
        """Return the JSON form (the API and the open data)."""
        return {
            **self.revision.to_dict(),
            "change": self.change.value,
            "fields": list(self.fields),
            "old_baseline": self.old_baseline.text if self.old_baseline is not None else None,
            "old_target": self.old_target.text if self.old_target is not None else None,
            "new_baseline": self.new_baseline.text if self.new_baseline is not None else None,
            "new_target": self.new_target.text if self.new_target is not None else None,
            "description": {"ja": self.describe("ja"), "en": self.describe("en")},
        }


@dataclass(frozen=True, slots=True)
class KpiHistory:
    """A KPI's revisions in the order they were made, with its indicator (a dropped KPI is no longer in the plan).

    ``last_form`` is a dropped KPI's form as last stored (its baseline and target before the drop), so a year before
    the drop can still judge it; ``position`` its place on its sheet then (None for a KPI still in the plan).
    ``withdrawn_sheet`` names the sheet (事業名) when a revision withdrew the whole sheet, which the plan no longer
    lists.
    """

    indicator: str
    entries: tuple[KpiRevision, ...]
    last_form: KPI | None = None
    position: int | None = None
    withdrawn_sheet: str | None = None

    @property
    def dropped(self) -> KpiRevision | None:
        """Return the revision that dropped the KPI, when its latest revision did."""
        return self.entries[-1] if self.entries and self.entries[-1].change is KpiChange.DROPPED else None

    @property
    def added(self) -> KpiRevision | None:
        """Return the revision that (last) added the KPI, when one did."""
        return next((e for e in reversed(self.entries) if e.change is KpiChange.ADDED), None)

    def in_force(self, year: int) -> bool:
        """Tell whether the KPI is part of the vision in a fiscal year, so that year evaluates and counts it.

        The last revision in force by the year that added or dropped it decides; before any, the KPI was in the
        original edition unless a revision added it.

        >>> r9, r11 = (Revision("一部改正", date(y, 10, 1), y) for y in (2027, 2029))
        >>> dropped = KpiHistory("件数", (KpiRevision(r9, KpiChange.DROPPED),))
        >>> [dropped.in_force(y) for y in (2026, 2027, 2030)]
        [True, False, False]
        >>> added = KpiHistory("人数", (KpiRevision(r9, KpiChange.ADDED),))
        >>> [added.in_force(y) for y in (2026, 2027, 2030)]
        [False, True, True]
        >>> back = KpiHistory("件数", (KpiRevision(r9, KpiChange.DROPPED), KpiRevision(r11, KpiChange.ADDED)))
        >>> [back.in_force(y) for y in (2026, 2027, 2028, 2029)]
        [True, False, False, True]
        """
        membership = [e for e in self.entries if e.change is not KpiChange.CHANGED]
        decided = [e for e in membership if e.revision.in_force_from <= year]
        if decided:
            return max(decided, key=lambda e: e.revision.in_force_from).change is KpiChange.ADDED
        return not membership or membership[0].change is KpiChange.DROPPED

    def status_note(self, year: int, lang: str = "ja") -> str:
        """Say why a KPI not in force in a year is listed apart, or, for a dropped KPI still judged, until when.

        >>> r9 = Revision("一部改正", date(2027, 10, 1), 2027, date_text="令和9年10月")
        >>> dropped = KpiHistory("件数", (KpiRevision(r9, KpiChange.DROPPED),))
        >>> dropped.status_note(2026)
        '令和9年度の改正（一部改正、令和9年10月）で削除された指標で、令和8年度までは評価の対象です。'
        >>> dropped.status_note(2026, "en")
        'Dropped by the FY2027 revision (一部改正, 令和9年10月); judged up to FY2026. '
        >>> dropped.status_note(2027)
        '令和9年度の改正（一部改正、令和9年10月）で削除（令和9年度から）'
        >>> KpiHistory("人数", (KpiRevision(r9, KpiChange.ADDED),)).status_note(2026)
        '令和9年度の改正（一部改正、令和9年10月）で追加（令和9年度から）'
        >>> KpiHistory("人数", (KpiRevision(r9, KpiChange.ADDED),)).status_note(2026, "en")
        'Added by the FY2027 revision (一部改正, 令和9年10月), from FY2027'
        """
        later = [e for e in self.entries if e.change is not KpiChange.CHANGED and e.revision.in_force_from > year]
        if self.in_force(year):
            drop = next((e for e in later if e.change is KpiChange.DROPPED), None)
            if drop is None:
                return ""
            title = drop.revision.title(lang)
            last = drop.revision.in_force_from - 1
            if lang == "en":
                return f"Dropped by {title}; judged up to FY{last}. "
            return f"{title}で削除された指標で、{_era_year(last)}までは評価の対象です。"
        entry = next((e for e in later if e.change is KpiChange.ADDED), None)
        if entry is None:  # dropped by a revision in force by the year
            return max((e for e in self.entries if e.change is KpiChange.DROPPED and e.revision.in_force_from <= year),
                       key=lambda e: e.revision.in_force_from).describe(lang)
        title = entry.revision.title(lang)
        if lang == "en":
            return f"Added by {title}, from FY{entry.revision.in_force_from}"
        return f"{title}で追加（{_era_year(entry.revision.in_force_from)}から）"

    def to_list(self) -> list[dict[str, object]]:
        """Return the JSON form: one record per revision, oldest first."""
        return [entry.to_dict() for entry in self.entries]


@dataclass(frozen=True, slots=True)
class TargetInForce:
    """The form of a KPI in force in one fiscal year, and the revisions on either side of it.

    ``set_by`` is the last revision in force by the year that changed the baseline or target (None: the original);
    ``replaced_by`` the first later one that changes it again (None: it is still in force).
    """

    kpi: KPI
    year: int
    set_by: KpiRevision | None = None
    replaced_by: KpiRevision | None = None

    def note(self, lang: str = "ja") -> str:
        """Say which target the verdict used, when a revision makes it matter ("" otherwise).

        >>> from renkei.domain.quantity import QuantityKind
        >>> r = Revision("一部改正", date(2027, 10, 1), 2027, date_text="令和9年10月")
        >>> q = lambda n: Quantity(f"{n}件", QuantityKind.POINT, value=n, unit="件")
        >>> h = [KpiRevision(r, KpiChange.CHANGED, ("target",), q(1), q(30), q(1), q(40))]
        >>> kpi = KPI("件数", q(1), q(40), None)
        >>> kpi_in_force(kpi, h, 2027).note()
        '令和9年度の改正後の目標（40件）に対して判定しています。'
        >>> kpi_in_force(kpi, h, 2026).note()
        '令和9年度の改正前の目標（30件）に対して判定しています。'
        >>> kpi_in_force(kpi, h, 2026).note("en")
        'Judged against the target before the FY2027 revision (30件). '
        >>> kpi_in_force(kpi, [], 2026).note()
        ''
        """
        if self.set_by is None and self.replaced_by is None:
            return ""
        if self.set_by is not None:
            when, year, fields = "after", self.set_by.revision.in_force_from, self.set_by.fields
        else:
            assert self.replaced_by is not None
            when, year, fields = "before", self.replaced_by.revision.in_force_from, self.replaced_by.fields
        target, baseline = describe_quantity(self.kpi.target), describe_quantity(self.kpi.baseline)
        if "target" in fields and "baseline" in fields:
            ja, en, value = "現状値と目標", "the baseline and target", f"{baseline}、{target}"
        elif "baseline" in fields:
            ja, en, value = "現状値", "the baseline", baseline
        else:
            ja, en, value = "目標", "the target", target
        if lang == "en":
            return f"Judged against {en} {when} the FY{year} revision ({value}). "
        return f"{_era_year(year)}の改正{'後' if when == 'after' else '前'}の{ja}（{value}）に対して判定しています。"


def kpi_in_force(kpi: KPI, history: Sequence[KpiRevision], year: int) -> TargetInForce:
    """Return the KPI as in force in a fiscal year: ``kpi`` is its latest form, ``history`` its revisions in the
    order they were made.

    The baseline and target in force are those of the first later revision (in force after ``year``) that changed
    them, as they were before it; with none, the latest ones.

    >>> from renkei.domain.quantity import QuantityKind
    >>> q = lambda n: Quantity(f"{n}件", QuantityKind.POINT, value=n, unit="件")
    >>> r9, r11 = (Revision("一部改正", date(y, 10, 1), y) for y in (2027, 2029))
    >>> h = [KpiRevision(r9, KpiChange.CHANGED, ("target",), q(1), q(30), q(1), q(40)),
    ...      KpiRevision(r11, KpiChange.CHANGED, ("target",), q(1), q(40), q(1), q(50))]
    >>> kpi = KPI("件数", q(1), q(50), None)
    >>> [kpi_in_force(kpi, h, y).kpi.target.text for y in (2026, 2027, 2028, 2029, 2030)]
    ['30件', '40件', '40件', '50件', '50件']
    >>> kpi_in_force(kpi, h, 2026).kpi.indicator, kpi_in_force(kpi, h, 2028).set_by is h[0]
    ('件数', True)
    """
    set_by: KpiRevision | None = None
    replaced_by: KpiRevision | None = None
    form = kpi
    for entry in reversed(history):  # undo, latest first, every revision not yet in force in the year
        if not entry.moves_target:
            continue
        if entry.revision.in_force_from > year:
            if "baseline" in entry.fields and entry.old_baseline is not None:
                form = replace(form, baseline=entry.old_baseline)
            if "target" in entry.fields and entry.old_target is not None:
                form = replace(form, target=entry.old_target)
            replaced_by = entry
        elif set_by is None:
            set_by = entry
    return TargetInForce(form, year, set_by=set_by, replaced_by=replaced_by)
