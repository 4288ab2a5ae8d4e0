"""The plan as JSON: {"plan", "findings", "projects"}, as described by schemas/plan.schema.json."""

from __future__ import annotations

import gc
import json
from importlib import resources
from typing import Any

import orjson

from renkei.domain.finding import Finding
from renkei.domain.plan import Plan


def plan_to_dict(plan: Plan, findings: list[Finding]) -> dict[str, Any]:
    """Return the JSON document for a plan and its findings."""
    return {
        "plan": plan.to_dict(),
        "findings": [f.to_dict() for f in findings],
        "projects": [p.to_dict() for p in plan.projects],
    }


def plan_to_json_bytes(plan: Plan, findings: list[Finding], *, indent: int | None = 2) -> bytes:
    """Return the JSON document for a plan and its findings as UTF-8 bytes (orjson: 50 MB in a tenth of a second)."""
    option = orjson.OPT_INDENT_2 if indent else 0
    collecting = gc.isenabled()
    gc.disable()  # millions of small dicts and no cycles: see renkei.reading.sheet.read_plan
    try:
        return orjson.dumps(plan_to_dict(plan, findings), option=option)
    finally:
        if collecting:
            gc.enable()


def plan_to_json(plan: Plan, findings: list[Finding], *, indent: int | None = 2) -> str:
    """Return the JSON text for a plan and its findings (UTF-8, Japanese kept as is)."""
    return plan_to_json_bytes(plan, findings, indent=indent).decode("utf-8")


def load_plan_schema() -> dict[str, Any]:
    """Return the published JSON Schema of the plan document."""
    text = resources.files("renkei").joinpath("schemas/plan.schema.json").read_text(encoding="utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema
