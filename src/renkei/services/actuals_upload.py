"""Actuals sent by a staff member (the upload form, ``renkei actuals import --user``): rows checked for rights.

An upload enters the review workflow: a row is accepted only when the permission matrix lets the user enter
each record it makes. The KPI's own figure (合計) and an assessment need the right to enter the total (the lead
city or the assigned department, never a partner municipality); each municipality's share needs the right to
enter that share (a municipality user: its own only). A record already submitted or approved with other figures
cannot be changed. Every other row is rejected by its row number.
"""

from __future__ import annotations

from dataclasses import replace

from sqlalchemy.orm import Session

from renkei.domain.actual import Actual
from renkei.domain.permission import Action, is_allowed
from renkei.domain.plan import Plan
from renkei.domain.relisting import Relisting
from renkei.domain.workflow import ReviewStatus, is_editable
from renkei.reading.actuals import RowError
from renkei.services.accounts import StaffUser
from renkei.services.actuals import ActualsValidation, ValidRow
from renkei.store import accounts as account_store
from renkei.store import repository
from renkei.store.actuals import find_assessment, find_current_actual, read_actual

_TOTAL_DENIED = ("合計（実績値の列）と評価は中心市・担当課が入力します。"
                 "自団体の値は「実績値:団体名」の列に入力してください",
                 "the total and assessments are entered by the lead city; enter your own figure in your "
                 "municipality's column (実績値:name)")


def _locked(session: Session, kpi_id: int, record: Actual) -> ReviewStatus | None:
    """Return the status of a stored record this one would change while it cannot be changed, else None."""
    row = find_current_actual(session=session, kpi_id=kpi_id, fiscal_year=record.fiscal_year, month=record.month,
                              municipality=record.municipality)
    if row is None:
        return None
    status = ReviewStatus(row.review_status)
    stored = read_actual(session=session, row=row)
    def content(a: Actual) -> tuple[object, ...]:
        return a.value, a.note, a.comment, a.evidence

    return status if not is_editable(status) and content(stored) != content(record) else None


def _refusal(session: Session, plan_id: int, plan: Plan, valid: ValidRow, user: StaffUser) -> RowError | None:
    kpi_row = repository.find_kpi(session=session, plan_id=plan_id, project=valid.project.key,
                                  indicator=valid.kpi.indicator)
    if kpi_row is None or not Relisting.of(plan).kpi_counts(valid.project.key, valid.kpi.key):
        return RowError(valid.row, "indicator", "この指標の実績は原掲の事業シートで報告します",
                        "this KPI is reported on its original sheet")
    target = account_store.project_target(session=session, project_id=kpi_row.project_id, plan_id=plan_id)
    if not is_allowed(user.subject, Action.UPLOAD_ACTUALS, target) or not is_allowed(
            user.subject, Action.ENTER_ACTUAL, target):
        return RowError(valid.row, "project", f"事業「{valid.project.name}」の実績を報告する権限がありません",
                        f"you may not report the actuals of {valid.project.name!r}")
    gives_total = valid.assessment is not None or valid.actual.value is not None or valid.pending is not None
    if gives_total and not is_allowed(user.subject, Action.ENTER_TOTAL, target):
        return RowError(valid.row, "value", *_TOTAL_DENIED)
    for share in valid.shares:
        code = share.municipality or ""
        if not is_allowed(user.subject, Action.ENTER_SHARE, replace(target, municipality_code=code)):
            return RowError(valid.row, f"value:{code}",
                            f"団体コード {code} の実績は入力できません（自団体の分だけ入力できます）",
                            f"you may not enter the share of {code} (only your own)")
    if valid.assessment is not None:
        judged = find_assessment(session=session, kpi_id=kpi_row.id, fiscal_year=valid.actual.fiscal_year)
        status = ReviewStatus(judged.review_status) if judged else ReviewStatus.NOT_STARTED
        locked = status if judged is not None and not is_editable(status) and judged.status != valid.assessment \
            else None
    else:
        locked = next((s for s in (_locked(session, kpi_row.id, r) for r in valid.records) if s is not None), None)
    if locked is not None:
        return RowError(valid.row, "value",
                        f"この実績は「{locked.label_ja}」のため変更できません（担当課に差し戻しを依頼してください）",
                        f"this record is {locked.label_en} and cannot be changed (ask for it to be returned)")
    return None


def check_upload(*, session: Session, plan_id: int, plan: Plan, validation: ActualsValidation,
                 user: StaffUser) -> ActualsValidation:
    """Move the rows the user may not send from the valid rows to the errors, by row number.

    The KPIs' rows are locked first (PostgreSQL; in id order, as every writer takes them), so what is checked here
    (a record that is submitted or approved cannot be changed) still holds when the rows are written: a form or
    another upload on the same KPI waits for this transaction and then meets what it wrote.
    """
    kpi_ids = sorted({row.id for valid in validation.valid if (row := repository.find_kpi(
        session=session, plan_id=plan_id, project=valid.project.key, indicator=valid.kpi.indicator)) is not None})
    repository.lock_kpis(session=session, kpi_ids=kpi_ids)
    refused: list[RowError] = []
    kept: list[ValidRow] = []
    for valid in validation.valid:
        problem = _refusal(session, plan_id, plan, valid, user)
        if problem is None:
            kept.append(valid)
        else:
            refused.append(problem)
    errors = tuple(sorted((*validation.errors, *refused), key=lambda e: e.row))
    return replace(validation, valid=tuple(kept), errors=errors)
