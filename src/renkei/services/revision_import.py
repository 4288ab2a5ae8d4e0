"""A revision of the vision (一部改正) imported from the staff workspace: read the form, preview, then confirm.

The preview is the import itself run as a dry run (:func:`renkei.services.plan_import.import_plan` with
``dry_run``): what it lists is exactly what the confirmation writes. The confirmation carries the document's
SHA-256 and the plan version the preview saw; a document that differs, or a plan changed meanwhile, is refused
(:class:`StalePreview`) and nothing is written.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from sqlalchemy.orm import Session

from renkei.domain.finding import Severity
from renkei.domain.fiscal import fiscal_year_of
from renkei.domain.revision import KpiChange, KpiRevision, Revision
from renkei.reading.calendar_date import DATE_EXAMPLES, read_date
from renkei.reading.fiscal_year import read_fiscal_year
from renkei.reading.sheet import read_plan
from renkei.services.areas import area_for_document
from renkei.services.plan_import import ImportResult, PlanImportError, import_plan
from renkei.services.workflow import FormErrors
from renkei.store.repository import PlanSummary

#: Largest document the confirmation can carry back (a form field); a larger one is imported with the command.
CONFIRMABLE_BYTES = 1024 * 1024 - 4096


class StalePreview(ValueError):
    """The document or the plan changed after the preview: nothing was written, preview again."""


@dataclass(frozen=True, slots=True)
class RevisionLine:
    """One KPI the revision adds, changes or drops, as its history will say it."""

    sheet: str
    indicator: str
    change: KpiChange
    description_ja: str
    description_en: str


@dataclass(frozen=True, slots=True)
class RevisionPreview:
    """What confirming would write: the revision, each KPI's change, the document's digest and the plan version."""

    revision: Revision
    result: ImportResult
    lines: tuple[RevisionLine, ...]
    digest: str
    plan_version: int
    errors: int
    confirmable: bool

    @property
    def records(self) -> bool:
        """Tell whether confirming records a revision (some KPI changes)."""
        return bool(self.lines)


def read_revision_form(*, label: str, revised_on: str, in_force_from: str, reason: str, first_year: int,
                       last_year: int) -> Revision:
    """Return the revision a form describes; raise :class:`FormErrors` naming each field that does not read.

    >>> read_revision_form(label="一部改正", revised_on="令和9年10月", in_force_from="", reason="",
    ...                    first_year=2026, last_year=2030).in_force_from
    2027
    >>> read_revision_form(label="", revised_on="来年", in_force_from="R20", reason="", first_year=2026,
    ...                    last_year=2030)
    Traceback (most recent call last):
    ...
    renkei.services.workflow.FormErrors: label: 改正の名称（一部改正など）を書いてください / name the revision (e.g. 一部改正); revised_on: 「来年」を日付として読めません（2027-10-01、令和9年10月、令和9年10月1日、R9.10.1 のように書きます） / not a date: '来年' (write 2027-10-01, 令和9年10月, 令和9年10月1日 or R9.10.1); in_force_from: 適用年度は計画期間（2026〜2030）の年度を 2027・令和9年度・R9 のように書いてください / the first fiscal year in force must be within the plan period 2026-2030
    """  # noqa: E501
    errors: dict[str, str] = {}
    if not label.strip():
        errors["label"] = "改正の名称（一部改正など）を書いてください / name the revision (e.g. 一部改正)"
    day = read_date(revised_on) if revised_on.strip() else None
    if day is None:
        errors["revised_on"] = (f"「{revised_on.strip()}」を日付として読めません（{DATE_EXAMPLES[0]} のように"
                                f"書きます） / not a date: {revised_on.strip()!r} (write {DATE_EXAMPLES[1]})")
    year = read_fiscal_year(in_force_from) if in_force_from.strip() else (
        fiscal_year_of(day.year, day.month) if day is not None else None)
    if (in_force_from.strip() or day is not None) and (year is None or not first_year <= year <= last_year):
        errors["in_force_from"] = (f"適用年度は計画期間（{first_year}〜{last_year}）の年度を 2027・令和9年度・R9 の"
                                   f"ように書いてください / the first fiscal year in force must be within the plan "
                                   f"period {first_year}-{last_year}")
    if errors or day is None or year is None:
        raise FormErrors(errors)
    written = revised_on.strip()
    return Revision(label=label.strip(), revised_on=day, in_force_from=year, reason=reason.strip(),
                    date_text=written if not written[:1].isdigit() else "")


def _run(session: Session, summary: PlanSummary, text: str, revision: Revision, actor: str, *,
         dry_run: bool) -> tuple[ImportResult, int]:
    """Read the document for the plan's area and import it as the revision; return the result and its error count."""
    from renkei.lint import lint_plan

    area = area_for_document(session=session, slug=summary.area_slug)
    plan, findings = read_plan(text, area=area)
    if plan.area_slug != summary.area_slug:
        raise FormErrors({"file": f"この文書は圏域「{plan.area_slug}」の計画です。この計画の圏域は"
                                  f"「{summary.area_slug}」です / the document is for {plan.area_slug!r}, "
                                  f"this plan's area is {summary.area_slug!r}"})
    findings = sorted([*findings, *lint_plan(plan)], key=lambda f: f.line or 0)
    try:
        result = import_plan(session=session, plan=plan, findings=findings, source_text=text,
                             plan_key=summary.plan_key, dry_run=dry_run, area=area, actor=actor, revision=revision)
    except PlanImportError as exc:
        field = {"revision": "label", "revision_from": "in_force_from"}.get(exc.field, "file")
        raise FormErrors({field: str(exc)}) from None
    return result, sum(1 for f in findings if f.severity is Severity.ERROR)


def preview_revision(*, session: Session, plan: PlanSummary, text: str, revision: Revision,
                     actor: str) -> RevisionPreview:
    """Run the import of the stored ``plan`` as a dry run and say, KPI by KPI, what the revision would record
    (nothing is written)."""
    text = normalise_newlines(text)
    result, errors = _run(session, plan, text, revision, actor, dry_run=True)
    lines = tuple(RevisionLine(
        entry.sheet, entry.indicator, entry.change, *(KpiRevision(
            revision, entry.change, entry.fields, entry.old_baseline, entry.old_target, entry.new_baseline,
            entry.new_target).describe(lang) for lang in ("ja", "en")))
        for entry in result.revision_entries)
    return RevisionPreview(revision, result, lines, document_digest(text), plan.version, errors,
                           len(text.encode("utf-8")) <= CONFIRMABLE_BYTES)


def confirm_revision(*, session: Session, plan: PlanSummary, text: str, revision: Revision, digest: str,
                     plan_version: int, actor: str) -> ImportResult:
    """Import the previewed document as the revision of the stored ``plan`` (read in this request; committed);
    refuse a changed document or plan."""
    text = normalise_newlines(text)  # a browser sends a form's text back with CRLF line ends
    if document_digest(text) != digest:
        raise StalePreview("文書がプレビューしたものと違います。もう一度プレビューしてください / "
                           "the document is not the one previewed: preview it again")
    if plan.version != plan_version:
        raise StalePreview("プレビューの後に計画が更新されました。もう一度プレビューしてください / "
                           "the plan changed after the preview: preview it again")
    result, _ = _run(session, plan, text, revision, actor, dry_run=False)
    return result


def normalise_newlines(text: str) -> str:
    r"""Write every line end as LF: a preview and its confirmation see the same text, whatever a browser sends back.

    >>> normalise_newlines("a\r\nb\rc\n")
    'a\nb\nc\n'
    """
    return text.replace("\r\n", "\n").replace("\r", "\n")


def document_digest(text: str) -> str:
    """Return the SHA-256 of a document's text, as the preview shows it and the confirmation checks it.

    >>> document_digest("")[:12]
    'e3b0c44298fc'
    """
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
