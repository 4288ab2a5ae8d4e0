"""Rendering staff pages: the staff messages first, the user and CSRF token in every template, never cached."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from fastapi import Request
from starlette.responses import Response

from renkei.domain.permission import Action, Role, may_ever
from renkei.domain.workflow import ReviewStatus
from renkei.presentation.i18n import translate
from renkei.services.accounts import StaffUser
from renkei.services.evaluations import DIRECTION_LABELS
from renkei.store.rows import as_utc
from renkei.web.rendering import get_language, render_page
from renkei.web.staff.auth import form_csrf, set_cookie
from renkei.web.staff.history import FIELD_LABELS, readable, typed_fields
from renkei.web.staff.messages import MESSAGES
from renkei.web.staff.workspace import AREA_COOKIE

NO_STORE = "private, no-store"
#: Times are shown in Japan's time zone (stored in UTC).
JAPAN = ZoneInfo("Asia/Tokyo")

#: The staff menu: (path, message key, action needed to see it).
NAV: tuple[tuple[str, str, Action], ...] = (
    ("/staff", "staff.todo", Action.VIEW_WORKSPACE),
    ("/staff/board", "staff.board", Action.VIEW_BOARD),
    ("/staff/projects", "staff.projects", Action.VIEW_DRAFTS),
    ("/staff/upload", "staff.upload", Action.UPLOAD_ACTUALS),
    ("/staff/mapping", "staff.mapping", Action.UPLOAD_ACTUALS),
    ("/staff/preview", "staff.preview", Action.VIEW_DRAFTS),
    ("/staff/admin/rounds", "staff.rounds", Action.MANAGE_ROUNDS),
    ("/staff/admin/revision", "staff.revision", Action.IMPORT_REVISION),
    ("/staff/admin/users", "staff.users", Action.MANAGE_USERS),
)


def staff_translate(key: str, lang: str, **values: object) -> str:
    """Return a staff message (or a portal one) in the language."""
    if key in MESSAGES:
        ja, en = MESSAGES[key]
        text = en if lang == "en" else ja
        return text.format(**values) if values else text
    return translate(key, lang, **values)


def _labels(lang: str) -> dict[str, Any]:
    def status_name(status: ReviewStatus | str) -> str:
        chosen = ReviewStatus(status)
        return chosen.label_en if lang == "en" else chosen.label_ja

    def direction_name(direction: str | None) -> str:
        if not direction:
            return "—"
        ja, en = DIRECTION_LABELS[direction]
        return en if lang == "en" else ja

    def role_name(role: Role | str) -> str:
        chosen = Role(role)
        return chosen.value if lang == "en" else chosen.label_ja

    def field_label(name: str) -> str:
        if name.startswith("share_"):
            return ("share " if lang == "en" else "市町村別 ") + name.removeprefix("share_")
        extra = {"word": ("評価", "assessment"), "own_duties": ("役割", "role"), "total": ("合計", "total"),
                 "shares": ("市町村別", "by municipality"), "entered_by": ("入力者", "entered by")}
        ja, en = FIELD_LABELS.get(name) or extra.get(name) or (name, name)
        return en if lang == "en" else ja

    def change_text(field: str | None, value: str) -> str:
        if field == "review_status" and value in {s.value for s in ReviewStatus}:
            return status_name(value)
        if field == "direction" and value in DIRECTION_LABELS:
            return direction_name(value)
        return value

    def when(moment: datetime | None) -> str:
        aware = as_utc(moment)
        return aware.astimezone(JAPAN).strftime("%Y-%m-%d %H:%M") if aware else "—"

    return {"when": when, "review_label": status_name, "direction_label": direction_name, "role_label": role_name,
            "statuses": list(ReviewStatus), "directions": list(DIRECTION_LABELS), "field_label": field_label,
            "readable": readable, "typed_fields": typed_fields, "change_text": change_text}


def render_staff(request: Request, template: str, context: Mapping[str, Any], user: StaffUser | None, *,
                 status_code: int = 200) -> Response:
    """Render a staff page for a user (None on the sign-in page); the response is never stored by anyone."""
    lang = get_language(request)

    def t(key: str, **values: object) -> str:
        return staff_translate(key, lang, **values)

    nav = [(path, key) for path, key, action in NAV if user is not None and may_ever(user.role, action)]
    response = render_page(request, template, {
        "t": t, "user": user, "csrf_token": form_csrf(request) if user else "", "staff_nav": nav,
        "may": (lambda action: user is not None and may_ever(user.role, Action(action))), **_labels(lang),
        **context,
    }, status_code=status_code)
    response.headers["Cache-Control"] = NO_STORE
    space = context.get("space")
    if user is not None and user.every_area and request.query_params.get("area") and space is not None:
        # An admin of every area switched area: remember the one now shown (a view choice, not a permission).
        set_cookie(response, request, AREA_COOKIE, space.plan.area_slug)
    return response
