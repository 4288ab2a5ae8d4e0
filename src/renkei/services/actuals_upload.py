"""Actuals sent by a staff member (the upload form, ``renkei actuals import --user``): rows checked for rights.

An upload enters the review workflow: a row is accepted only when the permission matrix lets the user enter
that KPI's actual (for a municipality user, a KPI of a project its municipality takes part in) and each
municipality's share it gives (a municipality user: its own only), and when the record is not already
submitted or approved with other figures. Every other row is rejected by its row number.
"""

from __future__ import annotations

from dataclasses import replace

from sqlalchemy.orm import Session

from renkei.domain.permission import Action, Target, is_allowed
from renkei.domain.plan import Plan
from renkei.domain.relisting import Relisting
from renkei.domain.workflow import ReviewStatus, is_editable
from renkei.reading.actuals import RowError
from renkei.services.accounts import StaffUser
from renkei.services.actuals import ActualsValidation, ValidRow
from renkei.store import accounts as account_store
from renkei.store import repository
from renkei.store.actuals import find_assessment, find_current_actual, read_actual


def _refusal(session: Session, plan_id: int, plan: Plan, valid: ValidRow, user: StaffUser) -> RowError | None:
    kpi_row = repository.find_kpi(session=session, plan_id=plan_id, project=valid.project.key,
                                  indicator=valid.kpi.indicator)
    if kpi_row is None or not Relisting.of(plan).kpi_counts(valid.project.key, valid.kpi.key):
        return RowError(valid.row, "indicator", "この指標の実績は原掲の事業シートで報告します",
                        "this KPI is reported on its original sheet")
    target = Target(kpi_row.project_id, account_store.partner_codes(session=session, project_id=kpi_row.project_id),
                    account_store.assigned_user_ids(session=session, project_id=kpi_row.project_id))
    if not is_allowed(user.subject, Action.UPLOAD_ACTUALS, target) or not is_allowed(
            user.subject, Action.ENTER_ACTUAL, target):
        return RowError(valid.row, "project", f"事業「{valid.project.name}」の実績を報告する権限がありません",
                        f"you may not report the actuals of {valid.project.name!r}")
    for code, _ in valid.actual.by_municipality:
        share = Target(target.project_id, target.partner_codes, target.assigned_user_ids, code)
        if not is_allowed(user.subject, Action.ENTER_SHARE, share):
            return RowError(valid.row, f"value:{code}",
                            f"団体コード {code} の実績は入力できません（自団体の分だけ入力できます）",
                            f"you may not enter the share of {code} (only your own)")
    if valid.assessment is not None:
        judged = find_assessment(session=session, kpi_id=kpi_row.id, fiscal_year=valid.actual.fiscal_year)
        locked = judged is not None and not is_editable(ReviewStatus(judged.review_status)) and judged.status != \
            valid.assessment
        status = ReviewStatus(judged.review_status) if judged else ReviewStatus.NOT_STARTED
    else:
        row = find_current_actual(session=session, kpi_id=kpi_row.id, fiscal_year=valid.actual.fiscal_year,
                                  month=valid.actual.month)
        status = ReviewStatus(row.review_status) if row else ReviewStatus.NOT_STARTED
        stored = read_actual(session=session, row=row) if row is not None else None
        locked = stored is not None and not is_editable(status) and (
            stored.total != valid.actual.total or stored.by_municipality != tuple(
                (c, float(v)) for c, v in valid.actual.by_municipality))
    if locked:
        return RowError(valid.row, "value",
                        f"この実績は「{status.label_ja}」のため変更できません（担当課に差し戻しを依頼してください）",
                        f"this record is {status.label_en} and cannot be changed (ask for it to be returned)")
    return None


def check_upload(*, session: Session, plan_id: int, plan: Plan, validation: ActualsValidation,
                 user: StaffUser) -> ActualsValidation:
    """Move the rows the user may not send from the valid rows to the errors, by row number."""
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
