"""Deadlines as an iCalendar file, for Outlook, Google and Apple calendars.

Each dated item becomes an all-day event on the day it falls due. UIDs are built from the
item id and the plan's name, so importing a newer file updates events instead of adding
copies; DTSTAMP is the as-of day, so the same plan gives the same file (no clock here).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sendplan import __version__
from sendplan.outputs.text import clean
from sendplan.plan.dates import month_end
from sendplan.query import ItemRow

SUMMARY_ACTION_CHARS = 60


def slug(text: str) -> str:
    """"West Northamptonshire Council SEND recovery plan" → "west-northamptonshire-council-send-recovery-plan"."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "plan"


def plan_slug(plan: Any) -> str:
    info = plan.plan
    return slug(" ".join(part for part in (info.organisation, info.title) if part))


def uid(item_id: str, plan: Any, prefix: str = "") -> str:
    """Stable across runs and edits of the text: only the id and the plan's name go in (and
    *prefix*, the plan's short name, when two open plans have the same name)."""
    return f"{item_id}@{prefix}{plan_slug(plan)}.sendplan"


def _shorten(text: str, limit: int) -> str:
    text = " ".join(clean(text).split())
    return text if len(text) <= limit else text[: limit - 1].rstrip(" ,;:") + "…"


def summary(row: ItemRow, plan: str | None = None) -> str:
    """"4.2 (BB): complete an exercise to ensure that…": id (PLAN:ID when several plans are open)
    and lead first, as calendars cut it short."""
    lead = row.lead or "no lead"
    name = f"{plan}:{row.id}" if plan else row.id
    return f"{name} ({lead}): {_shorten(row.headline, SUMMARY_ACTION_CHARS)}"


def description(row: ItemRow, plan_title: str | None = None) -> str:
    lines = [f"Plan: {clean(plan_title)}"] if plan_title else []
    lines.append(f"Action: {clean(row.action or '(none given)')}")
    if row.success_criteria:
        lines.append("Success criteria:")
        lines += [f"- {clean(criterion)}" for criterion in row.success_criteria]
    lines.append(f"Task {row.task}: {clean(row.task_title)}")
    lines.append(f"Deliverable: {clean(row.deliverable)}")
    who = f"{row.lead} ({row.lead_name})" if row.lead and row.lead_name else row.lead or "none named"
    lines.append(f"Lead: {clean(who)}")
    lines.append(f"Deadline as written: {clean(row.deadline_text or '')}")
    if row.revised_deadline:
        lines.append(f"Revised deadline: {row.revised_deadline}")
    lines.append(f"Status: {row.status.replace('_', ' ')}")
    return "\n".join(lines)


def first_occurrence(month: int, plan_date: date | None, as_of: date) -> date:
    """The first yearly occurrence on or after the plan's date (or the as-of day)."""
    start = plan_date or as_of
    first = month_end(start.year, month)
    return first if first >= start else month_end(start.year + 1, month)


def calendar(plan: Any, rows: Sequence[ItemRow], as_of: date, name: str) -> bytes:
    """An iCalendar file (RFC 5545) with one all-day event per dated item in *rows*."""
    return plans_calendar([(None, plan, rows)], as_of, name)


def plans_calendar(parts: Sequence[tuple[str | None, Any, Sequence[ItemRow]]], as_of: date, name: str) -> bytes:
    """An iCalendar file with the events of several plans: *parts* are (short name, plan, rows),
    the short name None for the one plan open. Each event keeps the UID it has in its own plan's
    calendar, so importing either updates the same events."""
    from icalendar import Calendar

    cal = Calendar()
    cal.add("prodid", f"-//sendplan//sendplan {__version__}//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", clean(name))
    stamp = datetime(as_of.year, as_of.month, as_of.day, tzinfo=UTC)
    slugs = [plan_slug(plan) for _, plan, _ in parts]
    for short, plan, rows in parts:
        # Two open plans with the same name would give their items the same UIDs.
        prefix = f"{slug(short)}." if short and slugs.count(plan_slug(plan)) > 1 else ""
        _add_events(cal, plan, rows, as_of, stamp, short, prefix)
    data: bytes = cal.to_ical()
    return data


def _add_events(
    cal: Any, plan: Any, rows: Sequence[ItemRow], as_of: date, stamp: datetime, short: str | None, prefix: str
) -> None:
    from icalendar import Event

    items = {item.id: item for _, _, item in plan.iter_items()}
    for row in rows:
        if row.due_date is None:
            continue
        deadline = items[row.id].deadline
        recurring = row.precision == "recurring" and not row.revised_deadline
        due = first_occurrence(deadline.month, plan.plan_date, as_of) if recurring else row.due_date
        event = Event()
        event.add("uid", uid(row.id, plan, prefix))
        event.add("dtstamp", stamp)
        event.add("dtstart", due)
        event.add("dtend", due + timedelta(days=1))
        event.add("summary", summary(row, short))
        event.add("description", description(row, plan.plan.title if short else None))
        event.add("categories", [f"Task {row.task}", *([short] if short else [])])
        event.add("transp", "TRANSPARENT")  # a deadline does not make anyone busy
        if row.status == "dropped":
            event.add("status", "CANCELLED")
        if recurring:
            # The month's last day every year (BYMONTHDAY=-1 keeps February right in leap years).
            event.add("rrule", {"freq": "yearly", "bymonth": deadline.month, "bymonthday": -1})
        cal.add_component(event)
