"""One item in full, for `sendplan show ID` on a terminal: every field, labelled, wrapped.

The listings give a line an item; this is where the rest of it is read: all its success
criteria, its deadline as written and as it falls due, why it has its rating, the exception
note, every progress update. Plan text goes through clean() into rich Text, never markup.
"""

from __future__ import annotations

from typing import IO, Any

from sendplan.outputs.columns import lateness
from sendplan.outputs.table import make_console
from sendplan.outputs.text import clean


def _day(iso: str | None) -> str:
    from datetime import date

    if not iso:
        return ""
    day = date.fromisoformat(iso)
    return f"{day.day} {day:%b %Y}"


def _deadline(row: Any, item: Any) -> str:
    if row.deadline_text is None:
        return "none: it can never fall due or be overdue"
    text = f"{row.deadline_text} (falls due {_day(row.deadline)})"
    if row.precision == "recurring":
        text += ", every year"
    return text


def _revised(row: Any, item: Any) -> str:
    if not row.revised_deadline:
        return ""
    written = item.revised_deadline.text if item.revised_deadline else ""
    slip = f", {row.slip_days:+d} days" if row.slip_days is not None else ""
    reason = f": {item.revision_reason}" if item.revision_reason else ""
    return f"{written} (falls due {_day(row.revised_deadline)}{slip}){reason}"


def _lead(row: Any, lead: Any) -> str:
    if row.lead is None:
        return "none named"
    if lead is None:
        return f"{row.lead} (not in the plan's leads)"
    return f"{row.lead} ({', '.join(part for part in (lead.name, lead.title) if part)})"


def _rating(row: Any, item: Any) -> str:
    if row.rag is None:
        return f"none ({row.rag_reason})" if row.rag_reason else "none"
    why = f"set by hand: {row.rag_reason}" if item.rag else row.rag_reason
    return f"{row.rag} ({why})" if why else row.rag


def _late(row: Any) -> str:
    if not row.overdue or row.days_overdue is None:
        return "no"
    days = f"{row.days_overdue} day{'' if row.days_overdue == 1 else 's'}"
    brief = lateness(row.days_overdue)
    return f"yes, by {days}" + (f" ({brief})" if not brief.endswith("d") else "")


def item_fields(row: Any, item: Any, lead: Any) -> list[tuple[str, str]]:
    """(label, text) for each part of the item worth showing, in the order a reader asks."""
    fields = [
        ("Task", f"{row.task} {row.task_title}"),
        ("Deliverable", row.deliverable),
        ("Action", row.action or "none written"),
        ("Success criteria", "\n".join(f"✓ {text}" for text in row.success_criteria if text.strip()) or "none written"),
        ("Lead", _lead(row, lead)),
        ("Deadline", _deadline(row, item)),
        ("Revised deadline", _revised(row, item)),
        ("Status", row.status.replace("_", " ")),
        ("RAG", _rating(row, item)),
        ("Overdue", _late(row)),
        ("Completed", _day(row.completed)),
        ("Depends on", ", ".join(item.depends_on)),
        ("Evidence", "\n".join(item.evidence)),
        ("Recovery", item.recovery or ""),
        ("Impact", item.impact or ""),
        ("Decision", item.decision or ""),
        (
            "Updates",
            "\n".join(
                f"{_day(update.date.isoformat())}{f' {update.by}' if update.by else ''}: {update.text}"
                for update in item.updates
            ),
        ),
    ]
    return [(label, text) for label, text in fields if text]


# The keys `show ID --json` adds after the listing's (docs/json.md), in this order.
DETAIL_KEYS = (
    "rag_set_by_hand", "revision_reason", "recovery", "impact", "decision", "depends_on", "evidence", "updates",
)  # fmt: skip


def item_record(row_data: dict[str, Any], item: Any) -> dict[str, Any]:
    """What `show ID` prints, as JSON: the listing's object for the item (*row_data*, every key
    in its order, so a script written for `list --json` reads it alike), then the rest."""
    return {
        **row_data,
        "rag_set_by_hand": item.rag is not None,
        "revision_reason": item.revision_reason,
        "recovery": item.recovery,
        "impact": item.impact,
        "decision": item.decision,
        "depends_on": list(item.depends_on),
        "evidence": list(item.evidence),
        "updates": [{"date": update.date.isoformat(), "by": update.by, "text": update.text} for update in item.updates],
    }


def render_item(title: str, fields: list[tuple[str, str]], out: IO[str] | None = None, *, width: int | None = None) -> None:
    """*title*, then each field's label beside its text, wrapped to the terminal."""
    from rich import box
    from rich.table import Table
    from rich.text import Text

    console = make_console(out, width)
    table = Table(title=Text(clean(title)), box=box.SIMPLE, show_header=False, title_justify="left", pad_edge=False)
    table.add_column(no_wrap=True, style="bold")
    table.add_column(overflow="fold", ratio=1)
    for label, text in fields:
        table.add_row(Text(label), Text(clean(text)))
    console.print(table)
