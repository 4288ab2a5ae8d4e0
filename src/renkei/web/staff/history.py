"""A project's history for staff: every audited change, field by field, with the old and new text compared."""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from renkei.store.audit import list_audit_events
from renkei.store.rows import as_utc

#: Audited field → (Japanese, English).
FIELD_LABELS: dict[str, tuple[str, str]] = {
    "value": ("実績値", "actual"), "by_municipality": ("市町村別の実績", "by municipality"),
    "note": ("備考", "note"), "evidence": ("根拠", "evidence"), "review_status": ("状態", "status"),
    "review_comment": ("審査のコメント", "review comment"), "status": ("評価", "assessment"),
    "comment": ("コメント", "comment"), "direction": ("方向性", "direction"),
    "description": ("事業内容", "description"), "effects": ("効果", "effects"), "roles": ("役割分担", "roles"),
    "project": ("担当事業", "assigned project"), "grade": ("評価", "grade"),
}
#: Fields whose values are compared whole (a code or a number), not letter by letter.
WHOLE_FIELDS = frozenset({"value", "review_status", "direction", "status", "by_municipality", "disabled", "role",
                          "municipality_code", "project", "grade"})
#: Audited action → (Japanese, English).
ACTION_LABELS: dict[str, tuple[str, str]] = {
    "save": ("下書き保存", "saved"), "submit": ("提出", "submitted"), "return": ("差し戻し", "returned"),
    "approve": ("承認", "approved"), "reopen": ("再開", "reopened"), "import": ("取り込み", "imported"),
    "upload": ("ファイルで提出", "uploaded"), "draft": ("本文の下書き", "text drafted"),
    "publish": ("本文の公開", "text published"), "create": ("作成", "created"), "update": ("更新", "updated"),
    "assign": ("担当の割り当て", "assigned"), "unassign": ("担当の解除", "unassigned"),
    "historical": ("過年度の実績を取り込み", "historical figure imported"),
}
#: Audited entity → (Japanese, English).
ENTITY_LABELS: dict[str, tuple[str, str]] = {
    "actual": ("実績値", "actual"), "assessment": ("評価", "assessment"), "evaluation": ("事業評価", "evaluation"),
    "project_text": ("本文", "text"), "user": ("アカウント", "account"),
    "partner_evaluation": ("連携市町の評価", "partner evaluation"),
}


def diff_segments(old: str | None, new: str | None) -> list[tuple[str, str]]:
    """Return the change from old to new text as (kind, text) pieces: ``same``, ``removed`` or ``added``.

    >>> diff_segments("参加者 120人", "参加者 125人")
    [('same', '参加者 12'), ('removed', '0'), ('added', '5'), ('same', '人')]
    >>> diff_segments(None, "新しい")
    [('added', '新しい')]
    """
    before, after = old or "", new or ""
    pieces: list[tuple[str, str]] = []
    for tag, a0, a1, b0, b1 in difflib.SequenceMatcher(None, before, after, autojunk=False).get_opcodes():
        if tag == "equal":
            pieces.append(("same", before[a0:a1]))
            continue
        if a1 > a0:
            pieces.append(("removed", before[a0:a1]))
        if b1 > b0:
            pieces.append(("added", after[b0:b1]))
    return pieces


@dataclass(frozen=True, slots=True)
class HistoryEntry:
    """One audited change as the history tab shows it."""

    at: datetime | None
    actor: str
    entity: str
    action: str
    field: str | None
    old_value: str | None
    new_value: str | None
    reason: str | None
    entity_key: str

    @property
    def diff(self) -> list[tuple[str, str]]:
        """Return the field's change, piece by piece (whole values for codes and numbers)."""
        if self.field in WHOLE_FIELDS:
            return [(kind, text) for kind, text in (("removed", self.old_value), ("added", self.new_value)) if text]
        return diff_segments(self.old_value, self.new_value)


def project_history(*, session: Session, project_id: int) -> list[HistoryEntry]:
    """Return a project's audited changes, newest first."""
    events = list_audit_events(session=session, project_id=project_id)
    return [HistoryEntry(as_utc(e.at), e.actor, e.entity, e.action.split(".", 1)[-1], e.field, e.old_value,
                         e.new_value, e.reason, e.entity_key) for e in reversed(events)]


def readable(value: object) -> str:
    """Write a stored value for people: lists one item a line, roles as 「主体：役割」, shares as 「code: value」.

    >>> readable(["効果A", "効果B"]), readable({"402133": 3.0}), readable([{"party": "行橋市", "duties": ["周知"]}])
    ('効果A\\n効果B', '402133: 3', '行橋市：周知')
    """
    if value is None:
        return "—"
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, dict):
        return "\n".join(f"{k}: {readable(v)}" for k, v in value.items())
    if isinstance(value, list | tuple):
        return "\n".join(f"{v.get('party', '')}：{'、'.join(map(str, v.get('duties', [])))}" if isinstance(v, dict)
                         else str(v) for v in value)
    return str(value)


def typed_fields(typed: dict[str, str]) -> list[tuple[str, str]]:
    """Return what a person typed into a form as (field, text), roles gathered into one field."""
    rows = [(name, value) for name, value in typed.items()
            if name in FIELD_LABELS or name.startswith("share_") or name in ("word", "own_duties")]
    roles = [f"{typed.get(f'party_{i}', '')}：{typed.get(f'duties_{i}', '').strip()}" for i in range(60)
             if typed.get(f"party_{i}", "").strip()]
    if roles:
        rows.append(("roles", "\n".join(roles)))
    return [(name, value) for name, value in rows if value.strip()]
