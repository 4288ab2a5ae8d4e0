"""Findings: what the reader and the lint rules say about a document."""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from enum import StrEnum

#: Rules whose finding records a correction the reader made to the text (a misspelt member read as the member).
#: A public page says so in a plain note; every other finding is for staff (the staff workspace and `renkei lint`).
CORRECTION_RULES = frozenset({"municipality.misspelt"})


class Severity(StrEnum):
    """How serious a finding is."""

    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


@dataclass(frozen=True, slots=True)
class Finding:
    """One thing wrong, doubtful or noteworthy in a document.

    ``rule`` is a stable dotted id (``municipality.misspelt``), ``line`` the 1-based line of the
    source document, ``project`` the name of the project concerned, ``suggestion`` a fix in words.
    ``project_key`` names the very sheet (a 【再掲】 copy has the name of its original but a key of its own);
    it is set at import (`with_project_keys`) and is not part of the document's JSON form.
    """

    rule: str
    severity: Severity
    message: str
    line: int | None = None
    project: str | None = None
    suggestion: str | None = None
    project_key: str | None = None

    @property
    def is_correction(self) -> bool:
        """Tell whether the finding records a correction of the text, which the public is told about."""
        return self.rule in CORRECTION_RULES

    def message_in(self, lang: str) -> str:
        """Return the message in one language: a half of 「日本語 / English」, or the whole when it has one language.

        >>> f = Finding("municipality.misspelt", Severity.ERROR, "荻田町を苅田町と読みました / read 荻田町 as 苅田町")
        >>> f.message_in("ja"), f.message_in("en"), Finding("r", Severity.INFO, "一つだけ").message_in("en")
        ('荻田町を苅田町と読みました', 'read 荻田町 as 苅田町', '一つだけ')
        """
        ja, slash, en = self.message.partition(" / ")
        return en if slash and lang == "en" else ja

    def to_dict(self) -> dict[str, object]:
        """Return the JSON form."""
        return {
            "rule": self.rule,
            "severity": self.severity._value_,  # not .value: the enum property costs more than the dict
            "message": self.message,
            "line": self.line,
            "project": self.project,
            "suggestion": self.suggestion,
        }


def with_project_keys(findings: Iterable[Finding], sheets: Sequence[tuple[str, str, int | None]]) -> list[Finding]:
    """Name each finding's sheet by key, from the sheets' ``(name, key, first line)`` in document order.

    A finding about a project belongs to the sheet of that name whose lines hold the finding's line (the
    last such sheet starting at or before it); without a line, to the first sheet of that name (the original
    before its 【再掲】 copy). A finding about no project keeps no key.

    >>> sheets = [("A", "a", 10), ("B", "b", 40), ("A", "a-2", 70)]
    >>> [f.project_key for f in with_project_keys(
    ...     [Finding("r", Severity.INFO, "m", 75, "A"), Finding("r", Severity.INFO, "m", 12, "A"),
    ...      Finding("r", Severity.INFO, "m", None, "A"), Finding("r", Severity.INFO, "m", 5, None)], sheets)]
    ['a-2', 'a', 'a', None]
    """
    by_name: dict[str, list[tuple[int, str]]] = {}
    first: dict[str, str] = {}
    for name, sheet_key, line in sheets:
        first.setdefault(name, sheet_key)
        if line is not None:
            by_name.setdefault(name, []).append((line, sheet_key))
    for starts in by_name.values():
        starts.sort()
    result = []
    for finding in findings:
        key: str | None = None
        if finding.project is not None:
            key = first.get(finding.project)
            starts = by_name.get(finding.project, [])
            if finding.line is not None and starts:
                at = bisect_right(starts, (finding.line, "\U0010ffff")) - 1
                if at >= 0:
                    key = starts[at][1]
        result.append(replace(finding, project_key=key))
    return result


def has_errors(findings: list[Finding]) -> bool:
    """Tell whether any finding is an error."""
    return any(f.severity is Severity.ERROR for f in findings)
