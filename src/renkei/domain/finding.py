"""Findings: what the reader and the lint rules say about a document."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


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
    """

    rule: str
    severity: Severity
    message: str
    line: int | None = None
    project: str | None = None
    suggestion: str | None = None

    def to_dict(self) -> dict[str, object]:
        """Return the JSON form."""
        return {
            "rule": self.rule,
            "severity": self.severity.value,
            "message": self.message,
            "line": self.line,
            "project": self.project,
            "suggestion": self.suggestion,
        }


def has_errors(findings: list[Finding]) -> bool:
    """Tell whether any finding is an error."""
    return any(f.severity is Severity.ERROR for f in findings)
