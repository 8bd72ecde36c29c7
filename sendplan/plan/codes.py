"""Lead codes as people type them. Free of pydantic, so commands can use it before (or without)
importing the models: a plan read from the cache never needs them."""

from __future__ import annotations

from typing import Any

from sendplan.plan.dates import without_lookalikes


def normalise_lead_code(value: Any) -> Any:
    """Lead codes are Latin capitals: "ск" (Cyrillic) and "cw" both become Latin upper case."""
    if isinstance(value, str):
        return without_lookalikes(value.strip()).upper()
    return value
