"""The monthly highlight report for an improvement board or Schools Forum, as data.

`board_report(...)` gathers the sections councils put in a highlight report (header, headline
figures, RAG by task, exceptions, revised deadlines, progress since the last report, look-ahead
by lead, dependencies, plan health, legend and glossary) into one BoardReport. A report as of a
day past counts an item completed after that day as not yet complete (`as_on_day`). The writers are in
sendplan/outputs: markdown.py and html.py, with the wording they share in board.py.
Pure: the day arrives as `as_of`; nothing here reads the clock or prints.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

from sendplan.errors import Problem
from sendplan.plan.dates import add_months, period_end
from sendplan.plan.glossary import GlossaryRow, glossary_rows
from sendplan.plan.source import display_name
from sendplan.query import (
    AMBER_WINDOW_DAYS,
    RAG_LEGEND,
    RAG_MEANINGS,
    RAGS,
    ItemRow,
    LastUpdate,
    completed_after,
    due_within,
    group_by,
)
from sendplan.summary import returns_sentence, returns_since

STATUS_ORDER = ("not_started", "on_track", "at_risk", "off_track", "complete", "dropped")
RAG_ORDER = RAGS  # worst first: red, amber, grey, green, blue
# The worst rating in a group colours the group: a task with one red item is red, and one with
# an item nobody can call on course (grey) is not green.
RAG_RANK = {name: rank for rank, name in enumerate(RAG_ORDER)}
STATUS_LEGEND = (
    "Status: not started; on track (in progress); at risk; off track (behind schedule); "
    "complete; dropped (cancelled or withdrawn)."
)
DATE_LEGEND = (
    'Deadlines: a month ("Mar 2022") falls due on its last day; an item is overdue from the day after. '
    "A revised deadline is shown beside the original, which never changes. ↻ = recurs every year."
)


def legend_lines() -> list[str]:
    """The legend every report prints: the RAG rule, the statuses, how deadlines are read."""
    return [RAG_LEGEND.format(window=AMBER_WINDOW_DAYS), STATUS_LEGEND, DATE_LEGEND]


def rag_key() -> list[tuple[str, str]]:
    """(rating, what it means) for each rating, in the legend's order."""
    return [(name, meaning.format(window=AMBER_WINDOW_DAYS)) for name, meaning in RAG_MEANINGS]


def long_date(day: date | str | None) -> str:
    """"1 Dec 2021": the way a board paper writes a date."""
    if day is None:
        return ""
    if isinstance(day, str):
        day = date.fromisoformat(day)
    return f"{day.day} {day:%b %Y}"


def slip_text(days: int) -> str:
    """How far a deadline moved, in the units a board reads: "12 days", "5 weeks", "7 months",
    "3 years", "2 years 4 months"; a deadline brought forward says so."""
    if days < 0:
        return f"brought forward {slip_text(-days)}"
    if days < 14:
        return plural(days, "day")
    if days < 61:
        return plural(round(days / 7), "week")
    months = round(days / 30.44)
    if months < 24:
        return plural(months, "month")
    years, months = divmod(months, 12)
    return plural(years, "year") + (f" {plural(months, 'month')}" if months else "")


@dataclass(frozen=True, slots=True)
class Figures:
    total: int
    by_status: dict[str, int]
    by_rag: dict[str, int]
    percent_complete: int
    overdue: int
    due_ahead: int
    revised: int = 0  # unfinished items whose deadline has moved


@dataclass(frozen=True, slots=True)
class TaskLine:
    """One task's row in "RAG by task": its worst rating and a one-line reason."""

    task: int
    title: str
    rag: str | None
    by_rag: dict[str, int]
    items: int
    reason: str


@dataclass(frozen=True, slots=True)
class ExceptionLine:
    """A red or overdue item, with what the board needs to see beside it."""

    row: ItemRow
    rag_reason: str | None
    revision_reason: str | None
    recovery: str | None = None
    impact: str | None = None
    decision: str | None = None

    @property
    def has_note(self) -> bool:
        return bool(self.recovery or self.impact or self.decision)


@dataclass(frozen=True, slots=True)
class Progress:
    """An item that moved since the last report: completed, or with dated updates."""

    row: ItemRow
    completed: bool
    updates: list[tuple[str, str | None, str]]  # (ISO date, by, text), oldest first


@dataclass(frozen=True, slots=True)
class Revision:
    """An unfinished item whose deadline has moved: the original stays, the revised one counts."""

    row: ItemRow
    reason: str | None

    @property
    def slip(self) -> str:
        return slip_text(self.row.slip_days) if self.row.slip_days is not None else ""


@dataclass(frozen=True, slots=True)
class Waiting:
    """An unfinished item that depends on items not yet complete."""

    row: ItemRow
    blockers: list[tuple[str, str]]  # (item id, status)


@dataclass
class BoardReport:
    title: str
    organisation: str | None
    service: str | None
    plan_date: str | None
    source: str
    as_of: date
    since: date
    ahead_end: date
    author: str | None
    audience: str | None
    figures: Figures
    tasks: list[TaskLine]
    exceptions: list[ExceptionLine]
    revisions: list[Revision]
    progress: list[Progress]
    ahead: list[tuple[str, list[ItemRow]]]  # (lead label, items due) in lead-key order
    waiting: list[Waiting]
    health: list[Problem]
    rows: list[ItemRow]
    glossary: list[GlossaryRow]
    legend: list[str] = field(default_factory=list)
    # The update round: who has sent a progress note since *since*, and who still owes one.
    returns: str = ""
    rag_key: list[tuple[str, str]] = field(default_factory=list)  # (rating, what it means), from RAG_MEANINGS
    # Items completed after *as_of*, counted as not yet complete on that day (see as_on_day).
    completed_later: list[str] = field(default_factory=list)


def worst_rag(ratings: Sequence[str | None]) -> str | None:
    rated = [rating for rating in ratings if rating in RAG_RANK]
    return min(rated, key=RAG_RANK.__getitem__) if rated else None


def figures(rows: Sequence[ItemRow], as_of: date, ahead_end: date) -> Figures:
    by_status = {status: sum(row.status == status for row in rows) for status in STATUS_ORDER}
    by_rag = {rag: sum(row.rag == rag for row in rows) for rag in RAG_ORDER}
    by_rag["none"] = sum(row.rag is None for row in rows)
    # A rating this version does not order (a newer one) is still counted, under its own name.
    for rag in dict.fromkeys(row.rag for row in rows if row.rag is not None and row.rag not in by_rag):
        by_rag[rag] = sum(row.rag == rag for row in rows)
    live = len(rows) - by_status["dropped"]
    percent = round(100 * by_status["complete"] / live) if live else 0
    return Figures(
        total=len(rows),
        by_status=by_status,
        by_rag=by_rag,
        percent_complete=percent,
        overdue=sum(row.overdue for row in rows),
        due_ahead=len(due_within(rows, as_of, ahead_end)),
        revised=sum(row.revised_deadline is not None and not row.finished for row in rows),
    )


def plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def task_reason(group: Sequence[ItemRow], rag: str | None, as_of: date) -> str:
    """Why a task has its rating, in one line a board member can read."""
    late = sorted((row for row in group if row.overdue), key=lambda row: -(row.days_overdue or 0))
    if not group:
        return "No items."
    if rag == "red":
        parts = []
        if late:
            worst = late[0]
            parts.append(f"{plural(len(late), 'item')} overdue, the longest {worst.id} by {worst.days_overdue} days")
        off = [row.id for row in group if row.rag == "red" and not row.overdue]
        if off:
            parts.append(f"rated red: {', '.join(off)}")
        return "; ".join(parts) + "."
    if rag == "amber":
        risky = [row.id for row in group if row.rag == "amber"]
        return f"At risk or due within {AMBER_WINDOW_DAYS} days and not started: {', '.join(risky)}."
    if rag is None:
        return "All items dropped."
    if rag == "grey":
        unknown = [f"{row.id} ({row.rag_reason})" for row in group if row.rag == "grey"]
        return f"Cannot be called on course: {', '.join(unknown)}."
    done = sum(row.status == "complete" for row in group)
    coming = [row for row in group if not row.finished and row.due_date and row.due_date >= as_of]
    if rag == "blue" or not coming:
        return f"All {plural(done, 'item')} complete." if done == len(group) else "On course."
    nxt = min(coming, key=lambda row: row.due_date or as_of)
    return f"On course; {done} of {len(group)} complete; next due {long_date(nxt.due_date)} ({nxt.id})."


def task_lines(plan: Any, rows: Sequence[ItemRow], as_of: date) -> list[TaskLine]:
    """A line per task in plan order (the rows grouped once, not scanned again for each task)."""
    by_task = group_by(rows, lambda row: row.task)
    result = []
    for task in plan.tasks:
        group = by_task.get(task.number, [])
        rag = worst_rag([row.rag for row in group])
        counts = {name: sum(row.rag == name for row in group) for name in RAG_ORDER}
        result.append(TaskLine(task.number, task.title, rag, counts, len(group), task_reason(group, rag, as_of)))
    return result


def items_by_id(plan: Any) -> dict[str, Any]:
    """Each item of *plan* by its id (the first, if an id repeats)."""
    found: dict[str, Any] = {}
    for _, _, item in plan.iter_items():
        found.setdefault(item.id, item)
    return found


def exception_lines(plan: Any, rows: Sequence[ItemRow], items: dict[str, Any] | None = None) -> list[ExceptionLine]:
    """Every red or overdue item, most overdue first, then the other red ones in plan order."""
    items = items if items is not None else items_by_id(plan)
    chosen = [row for row in rows if row.overdue or row.rag == "red"]
    chosen.sort(key=lambda row: -(row.days_overdue or 0))
    lines = []
    for row in chosen:
        item = items[row.id]
        lines.append(
            ExceptionLine(row, item.rag_reason, item.revision_reason, item.recovery, item.impact, item.decision)
        )
    return lines


def revisions(rows: Sequence[ItemRow], items: dict[str, Any]) -> list[Revision]:
    """Every unfinished item with a revised deadline, the longest slip first (then in plan order).

    All of them, not only those revised in the period: a plan records a revised deadline
    without the day it was agreed, and a board asks each month which deadlines stand moved.
    """
    moved = [row for row in rows if row.revised_deadline is not None and not row.finished]
    moved.sort(key=lambda row: -(row.slip_days or 0))
    return [Revision(row, items[row.id].revision_reason) for row in moved]


def as_on_day(rows: Sequence[ItemRow], items: dict[str, Any], as_of: date) -> tuple[list[ItemRow], list[str]]:
    """The rows as they stood on *as_of*, as far as the plan can tell, and the ids of the items
    completed after that day.

    The plan keeps an item's status as it is now, and the day it was completed. An item
    completed after *as_of* was not complete on that day: the rows (query.row_values) already
    count it in progress (on track), late if it was past due then, and rated by the rule
    unless the plan rates it by hand. Updates dated after *as_of* are not its latest update on
    that day, which only the items themselves can tell.
    """
    day = as_of.isoformat()
    result: list[ItemRow] = []
    later: list[str] = []
    for original in rows:
        row, item = original, items[original.id]
        if row.last_update is not None and row.last_update.date > day:
            earlier = [u for u in item.updates if u.date <= as_of]
            last = earlier[-1] if earlier else None
            row = replace(row, last_update=LastUpdate(last.date.isoformat(), last.by, last.text) if last else None)
        completed_day = item.completed.toordinal() if item.completed is not None else None
        if completed_after(str(item.status), completed_day, row.precision == "recurring", as_of.toordinal()):
            later.append(row.id)
        result.append(row)
    return result, later


def progress_since(
    plan: Any, rows: Sequence[ItemRow], since: date, as_of: date, items: dict[str, Any] | None = None
) -> list[Progress]:
    """Items completed, or given a dated update, from *since* to *as_of* inclusive."""
    items = items if items is not None else items_by_id(plan)
    result = []
    for row in rows:
        item = items[row.id]
        done = item.completed is not None and since <= item.completed <= as_of
        notes = [(u.date.isoformat(), u.by, u.text) for u in item.updates if since <= u.date <= as_of]
        if done or notes:
            result.append(Progress(row, done, notes))
    return result


def look_ahead(plan: Any, rows: Sequence[ItemRow], as_of: date, end: date) -> list[tuple[str, list[ItemRow]]]:
    """Unfinished items due from *as_of* to *end*, grouped by lead in the order of the leads key."""
    coming = due_within(rows, as_of, end)
    by_lead = group_by(coming, lambda row: row.lead)
    order = dict.fromkeys(plan.leads)
    order.update(dict.fromkeys(code for code in by_lead if code))
    groups = []
    for code in order:
        group = by_lead.get(code)
        if group:
            lead = plan.leads.get(code)
            groups.append((f"{code} ({lead.name})" if lead else f"{code} (not in the leads key)", group))
    unowned = by_lead.get(None)
    if unowned:
        groups.append(("No lead named", unowned))
    return groups


def waiting_on_others(plan: Any, rows: Sequence[ItemRow], items: dict[str, Any] | None = None) -> list[Waiting]:
    items = items if items is not None else items_by_id(plan)
    by_id = {row.id: row for row in rows}
    result = []
    for row in rows:
        if row.finished:
            continue
        blockers = [
            (dep, by_id[dep].status) for dep in items[row.id].depends_on if dep in by_id and by_id[dep].status != "complete"
        ]
        if blockers:
            result.append(Waiting(row, blockers))
    return result


def health_findings(loaded: Any, as_of: date) -> list[Problem]:
    """Plan health for the report, in file order: every plan health check's findings (those the
    plan does not silence), and abbreviations used but missing from the glossary."""
    from sendplan.plan.checks.registry import run_checks

    return list(run_checks(loaded, as_of).shown)


def board_report(
    loaded: Any,
    rows: list[ItemRow],
    as_of: date,
    *,
    since: date | None = None,
    ahead: tuple[int, str] = (1, "months"),
    author: str | None = None,
    audience: str | None = None,
) -> BoardReport:
    """Everything the highlight report shows, as of *as_of*, with progress since *since*.

    *since* defaults to a month before *as_of* (the last monthly report); the look-ahead runs
    for the period *ahead* (count, unit) from *as_of*.
    """
    plan = loaded.plan
    items = items_by_id(plan)
    rows, later = as_on_day(rows, items, as_of)
    since = since if since is not None else add_months(as_of, -1)
    ahead_end = period_end(as_of, ahead)
    info = plan.plan
    return BoardReport(
        title=info.title,
        organisation=info.organisation,
        service=info.service,
        plan_date=info.date.text if info.date else None,
        source=display_name(loaded.source),
        as_of=as_of,
        since=since,
        ahead_end=ahead_end,
        author=author,
        audience=audience,
        figures=figures(rows, as_of, ahead_end),
        tasks=task_lines(plan, rows, as_of),
        exceptions=exception_lines(plan, rows, items),
        revisions=revisions(rows, items),
        progress=progress_since(plan, rows, since, as_of, items),
        ahead=look_ahead(plan, rows, as_of, ahead_end),
        waiting=waiting_on_others(plan, rows, items),
        health=health_findings(loaded, as_of),
        rows=rows,
        glossary=glossary_rows(plan),
        legend=legend_lines(),
        returns=returns_sentence(returns_since(plan, rows, since, as_of), since),
        rag_key=rag_key(),
        completed_later=later,
    )
