"""The plan file's JSON Schema, from the pydantic models, for editors and other tools."""

from __future__ import annotations

from typing import Any

SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"


def plan_schema() -> dict[str, Any]:
    """JSON Schema (draft 2020-12) of plan.yaml, as pydantic derives it from model.Plan."""
    from sendplan.plan.model import Plan

    schema = Plan.model_json_schema()
    return {
        "$schema": SCHEMA_DIALECT,
        "title": "sendplan plan file",
        "description": "An action plan for sendplan: plan details, leads, glossary and tasks of "
        "deliverables and items. Check a file fully with `sendplan validate`.",
        **{key: value for key, value in schema.items() if key != "title"},
    }
