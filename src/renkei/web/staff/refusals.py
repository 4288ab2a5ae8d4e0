"""How the staff workspace answers a step it cannot take, written once for every staff route.

A staff step (a save, a review, an account or round change, an upload) is refused in a few ways, each answered the
same way wherever it happens:

- not allowed (:class:`WorkflowDenied`): 403 and nothing written; an account of another area (:class:`AccountDenied`):
  the page again with the message beside its field, 403;
- nothing to act on (:class:`LookupError`): 404, with what was missing;
- input that does not validate (:class:`FormErrors`, an account or round change's field, a file that cannot be read):
  the page again with the messages beside the fields and what was typed, 422 (413 for a file over a limit);
- someone else saved first (:class:`ConflictError`): the page again with both versions to compare, 409.

The transaction is rolled back before answering. A route gives :func:`answer_refusal` the step and a function that
draws its page again from an :class:`EntryState` and a status code. The bilingual messages of a malformed request
(an unknown step, a field that is not a number) are here too.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from enum import Enum
from typing import TypeVar

from fastapi import HTTPException
from sqlalchemy.orm import Session
from starlette.datastructures import FormData
from starlette.responses import Response

from renkei.reading.actuals import ActualsReadError
from renkei.reading.document_text import PlanReadError
from renkei.reading.input_limits import InputTooLarge
from renkei.services.accounts import AccountDenied, AccountError
from renkei.services.rounds import RoundError
from renkei.services.workflow import ConflictError, FormErrors, WorkflowDenied

#: What a refused step is told, in Japanese and English.
FORBIDDEN = "この操作の権限がありません / you may not do this"
UNKNOWN_STEP = "操作が分かりません / unknown step"
NO_PROJECT = "事業が見つかりません / no such project"
NO_FIGURE = "この指標の報告はありません / no such figure"
NO_ACCOUNT = "アカウントまたは事業が見つかりません / no such account or project"
#: The field a file's refusal is shown beside.
FILE_FIELD = "file"

S = TypeVar("S", bound=Enum)
T = TypeVar("T")


@dataclass
class EntryState:
    """What a form shows again besides the record: what was typed, the errors by field and a conflict."""

    typed: dict[str, str] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)
    conflict: ConflictError | None = None


#: Draws a page again with the refusal's state, answering with the status code given.
PageAgain = Callable[[EntryState, int], Response]


def answer_refusal(session: Session, step: Callable[[], object], page: PageAgain, *,
                   typed: dict[str, str] | None = None, missing: str = NO_PROJECT) -> Response | None:
    """Take a step; answer its refusal as every staff page does (see the module), or None when it was taken.

    ``missing`` is the 404's message; ``typed`` what the form held (shown again beside the errors).
    """
    kept = dict(typed or {})
    try:
        step()
    except WorkflowDenied:
        session.rollback()
        raise HTTPException(status_code=403, detail=FORBIDDEN) from None
    except AccountDenied as exc:  # an account of another area: refused as any forbidden step, on the form
        session.rollback()
        return page(EntryState(kept, {exc.field: str(exc)}), 403)
    except LookupError:
        session.rollback()
        raise HTTPException(status_code=404, detail=missing) from None
    except FormErrors as exc:
        session.rollback()
        return page(EntryState(kept, dict(exc.errors)), 422)
    except (AccountError, RoundError) as exc:
        session.rollback()
        return page(EntryState(kept, {exc.field: str(exc)}), 422)
    except InputTooLarge as exc:  # the message states the limit
        session.rollback()
        return page(EntryState(kept, {FILE_FIELD: str(exc)}), 413)
    except (ActualsReadError, PlanReadError) as exc:  # the message says what the file is
        session.rollback()
        return page(EntryState(kept, {FILE_FIELD: str(exc)}), 422)
    except ConflictError as exc:
        session.rollback()
        return page(EntryState(kept, conflict=exc), 409)
    return None


def found(read: Callable[[], T], missing: str = NO_PROJECT) -> T:
    """Return what a page reads; nothing there (:class:`LookupError`) is a 404 saying what was missing."""
    try:
        return read()
    except LookupError:
        raise HTTPException(status_code=404, detail=missing) from None


def typed_fields(form: FormData, *, hidden: Collection[str] = ()) -> dict[str, str]:
    """Return the text fields of a form as typed, without its CSRF token (and the ``hidden`` ones: passwords)."""
    left_out = {"csrf_token", *hidden}
    return {k: str(v) for k, v in form.items() if isinstance(v, str) and k not in left_out}


def read_number(form: FormData, name: str) -> int:
    """Return a whole-number field of a form (0 when absent); anything else is a malformed request (400)."""
    try:
        return int(str(form.get(name, "0")))
    except ValueError:
        raise HTTPException(status_code=400, detail=f"{name} は整数で送ってください / {name} must be a whole number") \
            from None


def read_step(form: FormData, allowed: tuple[S, ...]) -> S:
    """Return the form's ``step`` among those a route takes; any other is a malformed request (400)."""
    value = str(form.get("step", ""))
    step = next((s for s in allowed if s.value == value), None)
    if step is None:
        raise HTTPException(status_code=400, detail=UNKNOWN_STEP)
    return step
