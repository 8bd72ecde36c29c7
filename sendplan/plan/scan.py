"""A fast reader for plans in the usual block style (placeholder)."""

from __future__ import annotations

from typing import Any

from sendplan.plan.locate import Positions


def scan(text: str, name: str) -> tuple[Any, Positions] | None:
    return None
