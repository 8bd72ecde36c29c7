"""The coded words of a plan as people type them: lead codes, statuses and RAG ratings, and the
patterns of lead codes and item ids.

Free of pydantic, so commands can use them before (or without) importing the models: a plan
read from the cache never needs them, and neither does an edit (plan/edit.py). model.py builds
its fields from these.
"""

from __future__ import annotations

import enum
import re
from typing import Any

from sendplan.errors import quoted
from sendplan.plan.dates import without_lookalikes

LEAD_CODE = re.compile(r"[A-Z][A-Z0-9]{0,11}")
ITEM_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")


def normalise_lead_code(value: Any) -> Any:
    """Lead codes are Latin capitals: "ск" (Cyrillic) and "cw" both become Latin upper case."""
    if isinstance(value, str):
        return without_lookalikes(value.strip()).upper()
    return value


class Status(enum.StrEnum):
    NOT_STARTED = "not_started"
    ON_TRACK = "on_track"
    AT_RISK = "at_risk"
    OFF_TRACK = "off_track"
    COMPLETE = "complete"
    DROPPED = "dropped"

    @property
    def finished(self) -> bool:
        """Complete and dropped items are never overdue."""
        return self in (Status.COMPLETE, Status.DROPPED)

    @property
    def label(self) -> str:
        return self.value.replace("_", " ")


STATUS_ALIASES: dict[str, Status] = {
    **{status.value: status for status in Status},
    "todo": Status.NOT_STARTED,
    "open": Status.NOT_STARTED,
    "in_progress": Status.ON_TRACK,
    "started": Status.ON_TRACK,
    "pending": Status.AT_RISK,
    "blocked": Status.AT_RISK,
    "behind": Status.OFF_TRACK,
    "behind_schedule": Status.OFF_TRACK,
    "slipped": Status.OFF_TRACK,
    "late": Status.OFF_TRACK,
    "done": Status.COMPLETE,
    "completed": Status.COMPLETE,
    "achieved": Status.COMPLETE,
    "finished": Status.COMPLETE,
    "cancelled": Status.DROPPED,
    "canceled": Status.DROPPED,
    "withdrawn": Status.DROPPED,
}


def parse_status(value: Any) -> Status:
    """A status as people write it: "done", "In progress", "behind schedule", "on-track"…"""
    if isinstance(value, Status):
        return value
    if isinstance(value, str):
        key = re.sub(r"[\s-]+", "_", value.strip().lower())
        if key in STATUS_ALIASES:
            return STATUS_ALIASES[key]
    allowed = ", ".join(status.value for status in Status)
    raise ValueError(f'{quoted(value)} is not a status. Use one of: {allowed}.')


class Rag(enum.StrEnum):
    BLUE = "blue"
    GREEN = "green"
    AMBER = "amber"
    RED = "red"


def parse_rag(value: Any) -> Rag:
    """A RAG rating in any case: "Amber" is amber."""
    if isinstance(value, str) and value.strip().lower() in Rag.__members__.values():
        return Rag(value.strip().lower())
    raise ValueError(f'{quoted(value)} is not a RAG rating. Use blue, green, amber or red.')
