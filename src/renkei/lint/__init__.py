"""Lint: rules over a Plan, each finding with an id, severity, message, line, project and suggestion."""

from renkei.lint.rules import RULES, lint_plan

__all__ = ["RULES", "lint_plan"]
