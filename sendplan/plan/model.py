"""The plan as typed data: pydantic models for shape and per-value rules.

No I/O and no clock here. Positions in the file live beside the model (see load.py), so
that the models describe the plan, not the file, and give a clean JSON Schema.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Annotated, Any

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainSerializer,
    PlainValidator,
    WithJsonSchema,
    field_validator,
    model_validator,
)

from sendplan.errors import quoted

# The vocabulary lives in codes.py (no pydantic there); it can still be imported from here.
from sendplan.plan.codes import ITEM_ID, LEAD_CODE, normalise_lead_code, parse_rag
from sendplan.plan.codes import STATUS_ALIASES as STATUS_ALIASES  # noqa: PLC0414 - re-exported
from sendplan.plan.codes import Rag as Rag  # noqa: PLC0414 - re-exported
from sendplan.plan.codes import Status as Status  # noqa: PLC0414 - re-exported
from sendplan.plan.codes import parse_status as parse_status  # noqa: PLC0414 - re-exported
from sendplan.plan.dates import Deadline, DeadlineError, first_day, parse_day, parse_deadline


class Strict(BaseModel):
    # Unknown keys are errors: a typo such as "deadine" must never drop a deadline silently.
    model_config = ConfigDict(extra="forbid")


def _deadline(value: Any) -> Deadline:
    if isinstance(value, Deadline):
        return value
    if isinstance(value, date):
        return parse_deadline(value.isoformat())
    if not isinstance(value, str):
        raise DeadlineError(f"a deadline must be text such as \"Mar 2022\", not {_kind(value)}.")
    return parse_deadline(value)


def _day(value: Any) -> date:
    if isinstance(value, date):
        return value
    if not isinstance(value, str):
        raise DeadlineError(f'a date must be text such as "2022-03-31", not {_kind(value)}.')
    return parse_day(value)


def _kind(value: Any) -> str:
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return "an empty value" if value is None else type(value).__name__


DeadlineText = Annotated[
    Deadline,
    PlainValidator(_deadline),
    PlainSerializer(lambda deadline: deadline.text, return_type=str),
    WithJsonSchema(
        {
            "type": "string",
            "description": 'A deadline: "Mar 2022", "29 Oct 21", "2022-03-31", "2022-03" or "every January".',
        }
    ),
]

Day = Annotated[
    date,
    PlainValidator(_day),
    PlainSerializer(lambda day: day.isoformat(), return_type=str),
    WithJsonSchema({"type": "string", "description": 'One day: "2022-03-31" or "31 Mar 2022".'}),
]

def _lead_code(value: Any) -> str:
    value = normalise_lead_code(value)
    if not isinstance(value, str):
        raise ValueError(f"a lead must be a code such as AG, not {_kind(value)}.")
    if not LEAD_CODE.fullmatch(value):
        raise ValueError(
            f'{quoted(value)} is not a lead code: write one code of capital letters such as AG '
            "(one lead per item; split the item if it has two)."
        )
    return value


LeadCode = Annotated[
    str,
    BeforeValidator(_lead_code),
    WithJsonSchema({"type": "string", "pattern": "^[A-Za-z][A-Za-z0-9]{0,11}$"}),
]

def _item_id(value: Any) -> str:
    if not isinstance(value, str) or not ITEM_ID.fullmatch(value.strip()):
        raise ValueError(
            f'{quoted(value)} is not an item id: use letters, digits and dots such as "4.7".'
        )
    return value.strip()


ItemId = Annotated[
    str,
    BeforeValidator(_item_id),
    WithJsonSchema({"type": "string", "pattern": "^[A-Za-z0-9][A-Za-z0-9._-]*$"}),
]


def _text_list(value: Any) -> Any:
    # One criterion may be written without the list dashes.
    return [value] if isinstance(value, str) else value


# JSON Schema: one text or a list of texts; editors then accept what the loader accepts.
TextList = Annotated[
    list[str],
    BeforeValidator(_text_list),
    WithJsonSchema({"anyOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}}]}),
]


StatusField = Annotated[
    Status,
    PlainValidator(parse_status),
    PlainSerializer(lambda status: status.value, return_type=str),
    WithJsonSchema(
        {
            "type": "string",
            "description": "not_started, on_track, at_risk, off_track, complete or dropped "
            "(done, in progress, behind schedule, blocked, cancelled… are read as these).",
        }
    ),
]


RagField = Annotated[
    Rag,
    PlainValidator(parse_rag),
    PlainSerializer(lambda rag: rag.value, return_type=str),
    WithJsonSchema({"type": "string", "enum": [rag.value for rag in Rag]}),
]


class PlanInfo(Strict):
    title: str
    organisation: str | None = None
    service: str | None = None
    date: DeadlineText | None = Field(
        default=None, description='The plan\'s date, such as "Nov 2021".'
    )

    @field_validator("date")
    @classmethod
    def _one_date(cls, value: Deadline | None) -> Deadline | None:
        if value is not None and value.recurs:
            raise ValueError(f'the plan\'s date "{value.text}" recurs; give a month such as "Nov 2021".')
        return value


class Lead(Strict):
    name: str
    title: str | None = None
    email: str | None = Field(
        default=None, description="Where `sendplan request` addresses the lead's draft email (SP117 checks it)."
    )


class Update(Strict):
    """A dated progress note, newest last."""

    date: Day
    by: LeadCode | None = None
    text: str


class CheckSettings(Strict):
    """Plan health check settings kept in the plan itself."""

    ignore: list[str] = Field(default_factory=list, description="Check codes to silence, e.g. SP104.")
    # Bounded so that counting back from the plan's date stays inside the calendar sendplan uses.
    grace_months: int = Field(
        default=3, ge=0, le=1200, description="A deadline this many months before the plan's date is recent work, not a slip (SP107)."
    )
    horizon_years: int = Field(
        default=5, ge=1, le=100, description="A deadline more than this many years after the plan's date is implausible (SP108)."
    )


class Item(Strict):
    """The tracked unit: one deadline with its lead, action and success criteria."""

    id: ItemId
    action: str | None = None
    success_criteria: TextList = Field(default_factory=list)
    deadline: DeadlineText | None = None
    # Imported trackers say "Ongoing", "TBC" or "Spring term 2025": kept as written, never guessed.
    deadline_note: str | None = Field(
        default=None,
        description='A deadline written in words that name no date ("Ongoing", "TBC", "Spring term 2025"), '
        "kept as written. The item cannot fall due until it is given a deadline.",
    )
    lead: LeadCode | None = None
    status: StatusField = Status.NOT_STARTED
    completed: Day | None = None
    rag: RagField | None = None
    rag_reason: str | None = None
    revised_deadline: DeadlineText | None = None
    revision_reason: str | None = None
    # The exception note a board reads beside a red or overdue item.
    recovery: str | None = Field(default=None, description="What is being done to bring the item back on course.")
    impact: str | None = Field(default=None, description="What happens if nothing is done.")
    decision: str | None = Field(default=None, description="What the board is asked to decide, if anything.")
    updates: list[Update] = Field(default_factory=list)
    evidence: TextList = Field(default_factory=list)
    depends_on: Annotated[
        list[ItemId],
        BeforeValidator(_text_list),
        WithJsonSchema({"anyOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}}]}),
    ] = Field(default_factory=list)

    @model_validator(mode="after")
    def _reasons_given(self) -> Item:
        # The loader words each missing reason on its own line (load.py, from the plain data).
        reasons = missing_reasons(self.id, self.rag, self.rag_reason, self.revised_deadline, self.revision_reason)
        if reasons:
            raise ValueError(" ".join(reasons))
        return self


def missing_reasons(item_id: str, rag: Rag | None, rag_reason: Any, revised: Any, revision_reason: Any) -> list[str]:
    """What an item must say and does not: why its RAG is set by hand, why its deadline moved."""
    reasons = []
    if rag is not None and not rag_reason:
        reasons.append(f'item {item_id} sets rag: {rag.value} by hand, so it needs a "rag_reason" saying why.')
    if revised is not None and not revision_reason:
        reasons.append(f'item {item_id} has a revised_deadline, so it needs a "revision_reason" saying why.')
    return reasons


class Deliverable(Strict):
    title: str
    items: list[Item] = Field(default_factory=list)


class Task(Strict):
    # The loader hands pydantic "1" (every scalar a string) and an editor sees 1: accept both.
    number: Annotated[int, WithJsonSchema({"anyOf": [{"type": "integer"}, {"type": "string", "pattern": "^[0-9]+$"}]})]
    title: str
    deliverables: list[Deliverable] = Field(default_factory=list)


class Plan(Strict):
    plan: PlanInfo
    leads: dict[LeadCode, Lead] = Field(default_factory=dict)
    glossary: dict[str, str] = Field(default_factory=dict)
    checks: CheckSettings = Field(default_factory=CheckSettings)
    tasks: list[Task] = Field(default_factory=list)

    def iter_items(self) -> Iterator[tuple[Task, Deliverable, Item]]:
        for task in self.tasks:
            for deliverable in task.deliverables:
                for item in deliverable.items:
                    yield task, deliverable, item

    @property
    def plan_date(self) -> date | None:
        """The first day of the plan's month (or its day): recurring deadlines start then."""
        deadline = self.plan.date
        if deadline is None or deadline.due_date is None:
            return None
        return first_day(deadline)
