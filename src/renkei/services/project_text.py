"""Project text drafts: staff edit a project's description, effects and roles (役割分担), then publish.

Edits go into one draft per project; the public page keeps the published text (the document's, until staff
text is first published) until an admin publishes the draft. A municipality user edits only its own
municipality's role entry. Two people saving the same draft never overwrite each other: the second save is
refused with both versions, and what the second person typed is kept for them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from sqlalchemy.orm import Session

from renkei.domain.permission import Action
from renkei.domain.plan import Role as PartyRole
from renkei.domain.workflow import ReviewStatus
from renkei.services.accounts import StaffUser
from renkei.services.evaluations import project_target
from renkei.services.workflow import ConflictError, FormErrors, clean_text, require
from renkei.store import accounts as account_store
from renkei.store.audit import record_changes
from renkei.store.project_text import document_text, find_text, roles_from_json, roles_to_json
from renkei.store.tables import now_utc
from renkei.store.workspace_tables import ProjectTextRow

MAX_LINES = 50


@dataclass(frozen=True, slots=True)
class TextContent:
    """A project's editable text: description, effects and each party's duties."""

    description: str
    effects: tuple[str, ...]
    roles: tuple[PartyRole, ...]

    def to_dict(self) -> dict[str, object]:
        """Return the fields the audit trail compares."""
        return {"description": self.description, "effects": list(self.effects), "roles": roles_to_json(self.roles)}


@dataclass(frozen=True, slots=True)
class ProjectText:
    """The three texts of a project: the document's, the published one and the draft, and the draft's version."""

    document: TextContent
    published: TextContent | None
    draft: TextContent | None
    pending: bool
    version: int

    @property
    def public(self) -> TextContent:
        """Return what the public page shows."""
        return self.published or self.document

    @property
    def working(self) -> TextContent:
        """Return what the editor starts from: the draft, else the public text."""
        return self.draft or self.public


def _content(row: ProjectTextRow) -> TextContent:
    return TextContent(row.description or "", tuple(str(e) for e in row.effects or []), roles_from_json(row.roles))


def load_project_text(*, session: Session, project_id: int) -> ProjectText:
    """Return a project's document, published and draft text."""
    description, effects, roles = document_text(session=session, project_id=project_id)
    published = find_text(session=session, project_id=project_id, kind="published")
    draft = find_text(session=session, project_id=project_id, kind="draft")
    return ProjectText(
        document=TextContent(description or "", effects, roles),
        published=_content(published) if published else None,
        draft=_content(draft) if draft else None,
        pending=bool(draft and draft.pending),
        version=draft.version if draft else 0,
    )


def lines(text: str) -> tuple[str, ...]:
    """Split a text area into its non-empty lines, each cleaned (markup removed).

    >>> lines(" 一つ目\\n\\n<b>二つ目</b> \\r\\n")
    ('一つ目', '二つ目')
    """
    return tuple(c for c in (clean_text(line, "line") for line in text.splitlines()) if c)[:MAX_LINES]


def _save(session: Session, project_id: int, content: TextContent, actor: str, version: int,
          before: TextContent) -> None:
    row = find_text(session=session, project_id=project_id, kind="draft")
    if row is None:
        row = ProjectTextRow(project_id=project_id, kind="draft", version=0, updated_by=actor)
        session.add(row)
    row.description, row.effects, row.roles = content.description, list(content.effects), roles_to_json(content.roles)
    row.pending, row.version, row.updated_by, row.updated_at = True, version + 1, actor, now_utc()
    session.flush()
    record_changes(session=session, actor=actor, action="project_text.draft", entity="project_text",
                   entity_key=str(project_id), before=before.to_dict(), after=content.to_dict(),
                   project_id=project_id)


def _conflict(text: ProjectText, expected: int) -> None:
    if text.version != expected:
        raise ConflictError(ReviewStatus.DRAFT, text.version, text.working.to_dict())


def save_text_draft(*, session: Session, user: StaffUser, project_id: int, description: str, effects: str,
                    roles: Sequence[tuple[str, str]], expected_version: int) -> int:
    """Save an editor's draft of a project's whole text (committed); return the draft's new version."""
    _, target = project_target(session, project_id, lock=True)
    require(user, Action.EDIT_PROJECT_TEXT, target)
    text = load_project_text(session=session, project_id=project_id)
    _conflict(text, expected_version)
    parties = tuple(PartyRole(clean_text(party, "party"), lines(duties)) for party, duties in roles)
    if any(not p.party and p.duties for p in parties):
        raise FormErrors({"roles": "役割の主体（市町名など）を入力してください / name the party of each role"})
    content = TextContent(clean_text(description, "description"), lines(effects),
                          tuple(p for p in parties if p.party))
    if content == text.working:
        return text.version
    _save(session, project_id, content, user.username, text.version, text.working)
    session.commit()
    return text.version + 1


def save_role_draft(*, session: Session, user: StaffUser, project_id: int, duties: str,
                    expected_version: int, municipality_code: str | None = None) -> int:
    """Save the draft of one municipality's role text (committed); return the draft's new version.

    A municipality user edits its own (``municipality_code`` is its own or None); an admin or the assigned editor
    names the municipality.
    """
    _, target = project_target(session, project_id, lock=True)
    code = municipality_code or user.municipality_code
    require(user, Action.EDIT_ROLE_TEXT, replace(target, municipality_code=code))
    name = account_store.municipality_name(session=session, code=code or "")
    if not name:
        raise FormErrors({"own_duties": "役割を書く市町村を選んでください / choose the municipality"})
    text = load_project_text(session=session, project_id=project_id)
    _conflict(text, expected_version)
    wanted = lines(duties)
    roles = [r for r in text.working.roles if r.party != name]
    if wanted:
        position = next((i for i, r in enumerate(text.working.roles) if r.party == name), len(roles))
        roles.insert(position, PartyRole(name, wanted))
    content = TextContent(text.working.description, text.working.effects, tuple(roles))
    if content == text.working:
        return text.version
    _save(session, project_id, content, user.username, text.version, text.working)
    session.commit()
    return text.version + 1


def publish_text(*, session: Session, user: StaffUser, project_id: int, expected_version: int) -> None:
    """Publish a project's draft text (committed): the public page shows it from now on."""
    _, target = project_target(session, project_id, lock=True)
    require(user, Action.PUBLISH_PROJECT_TEXT, target)
    text = load_project_text(session=session, project_id=project_id)
    _conflict(text, expected_version)
    if not text.pending or text.draft is None:
        raise FormErrors({"status": "公開する未公開の変更がありません / there are no unpublished changes"})
    published = find_text(session=session, project_id=project_id, kind="published")
    if published is None:
        published = ProjectTextRow(project_id=project_id, kind="published", version=0, updated_by=user.username)
        session.add(published)
    draft = text.draft
    published.description, published.effects = draft.description, list(draft.effects)
    published.roles = roles_to_json(draft.roles)
    published.version += 1
    published.updated_by, published.updated_at = user.username, now_utc()
    row = find_text(session=session, project_id=project_id, kind="draft")
    assert row is not None
    row.pending, row.version = False, row.version + 1
    session.flush()
    record_changes(session=session, actor=user.username, action="project_text.publish", entity="project_text",
                   entity_key=str(project_id), before=text.public.to_dict(), after=draft.to_dict(),
                   project_id=project_id)
    session.commit()


__all__ = ["ProjectText", "TextContent", "load_project_text", "publish_text", "save_role_draft",
           "save_text_draft"]
