"""The monthly highlight report for an improvement board or Schools Forum, as data and as Markdown.

`board_report(...)` gathers the sections councils put in a highlight report (header, headline
figures, RAG by task, exceptions, progress since the last report, look-ahead by lead,
dependencies, plan health, legend and glossary) into one BoardReport. `to_markdown` writes it
with render.py's Markdown pieces; report_html.py writes the same data as one HTML page.
Pure: the day arrives as `as_of`; nothing here reads the clock or prints.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sendplan.dates import add_months, period_end
from sendplan.errors import Problem
from sendplan.glossary import GlossaryRow, glossary_rows
from sendplan.load import display_name
from sendplan.query import AMBER_WINDOW_DAYS, RAG_LEGEND, ItemRow, due_within
from sendplan.render import md_escape, md_table

STATUS_ORDER = ("not_started", "on_track", "at_risk", "off_track", "complete", "dropped")
RAG_ORDER = ("red", "amber", "green", "blue")
# The worst rating in a group colours the group: a task with one red item is red.
RAG_RANK = {"red": 0, "amber": 1, "green": 2, "blue": 3}
STATUS_LEGEND = (
    "Status: not started; on track (in progress); at risk; off track (behind schedule); "
    "complete; dropped (cancelled or withdrawn)."
)
DATE_LEGEND = (
    'Deadlines: a month ("Mar 2022") falls due on its last day; an item is overdue from the day after. '
    "A revised deadline is shown beside the original, which never changes. ↻ = recurs every year."
)


def label(status: str | None) -> str:
    return (status or "none").replace("_", " ")


def long_date(day: date | str | None) -> str:
    """"1 Dec 2021": the way a board paper writes a date."""
    if day is None:
        return ""
    if isinstance(day, str):
        day = date.fromisoformat(day)
    return f"{day.day} {day:%b %Y}"


@dataclass(frozen=True, slots=True)
class Figures:
    total: int
    by_status: dict[str, int]
    by_rag: dict[str, int]
    percent_complete: int
    overdue: int
    due_ahead: int


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
    progress: list[Progress]
    ahead: list[tuple[str, list[ItemRow]]]  # (lead label, items due) in lead-key order
    waiting: list[Waiting]
    health: list[Problem]
    rows: list[ItemRow]
    glossary: list[GlossaryRow]
    legend: list[str] = field(default_factory=list)


def worst_rag(ratings: Sequence[str | None]) -> str | None:
    rated = [rating for rating in ratings if rating in RAG_RANK]
    return min(rated, key=RAG_RANK.__getitem__) if rated else None


def figures(rows: Sequence[ItemRow], as_of: date, ahead_end: date) -> Figures:
    by_status = {status: sum(row.status == status for row in rows) for status in STATUS_ORDER}
    by_rag = {rag: sum(row.rag == rag for row in rows) for rag in RAG_ORDER}
    by_rag["none"] = sum(row.rag is None for row in rows)
    live = len(rows) - by_status["dropped"]
    percent = round(100 * by_status["complete"] / live) if live else 0
    return Figures(
        total=len(rows),
        by_status=by_status,
        by_rag=by_rag,
        percent_complete=percent,
        overdue=sum(row.overdue for row in rows),
        due_ahead=len(due_within(rows, as_of, ahead_end)),
    )


def _plural(count: int, word: str) -> str:
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
            parts.append(f"{_plural(len(late), 'item')} overdue, the longest {worst.id} by {worst.days_overdue} days")
        off = [row.id for row in group if row.rag == "red" and not row.overdue]
        if off:
            parts.append(f"rated red: {', '.join(off)}")
        return "; ".join(parts) + "."
    if rag == "amber":
        risky = [row.id for row in group if row.rag == "amber"]
        return f"At risk or due within {AMBER_WINDOW_DAYS} days and not started: {', '.join(risky)}."
    if rag is None:
        return "All items dropped."
    done = sum(row.status == "complete" for row in group)
    coming = [row for row in group if not row.finished and row.due_date and row.due_date >= as_of]
    if rag == "blue" or not coming:
        return f"All {_plural(done, 'item')} complete." if done == len(group) else "On course."
    nxt = min(coming, key=lambda row: row.due_date or as_of)
    return f"On course; {done} of {len(group)} complete; next due {long_date(nxt.due_date)} ({nxt.id})."


def task_lines(plan: Any, rows: Sequence[ItemRow], as_of: date) -> list[TaskLine]:
    result = []
    for task in plan.tasks:
        group = [row for row in rows if row.task == task.number]
        rag = worst_rag([row.rag for row in group])
        counts = {name: sum(row.rag == name for row in group) for name in RAG_ORDER}
        result.append(TaskLine(task.number, task.title, rag, counts, len(group), task_reason(group, rag, as_of)))
    return result


def _items_by_id(plan: Any) -> dict[str, Any]:
    return {item.id: item for _, _, item in plan.iter_items()}


def exception_lines(plan: Any, rows: Sequence[ItemRow]) -> list[ExceptionLine]:
    """Every red or overdue item, most overdue first, then the other red ones in plan order."""
    items = _items_by_id(plan)
    chosen = [row for row in rows if row.overdue or row.rag == "red"]
    chosen.sort(key=lambda row: -(row.days_overdue or 0))
    lines = []
    for row in chosen:
        item = items[row.id]
        lines.append(
            ExceptionLine(row, item.rag_reason, item.revision_reason, item.recovery, item.impact, item.decision)
        )
    return lines


def progress_since(plan: Any, rows: Sequence[ItemRow], since: date, as_of: date) -> list[Progress]:
    """Items completed, or given a dated update, from *since* to *as_of* inclusive."""
    items = _items_by_id(plan)
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
    order = list(plan.leads)
    order += [code for code in dict.fromkeys(row.lead for row in coming) if code and code not in order]
    groups = []
    for code in order:
        group = [row for row in coming if row.lead == code]
        if group:
            lead = plan.leads.get(code)
            groups.append((f"{code} ({lead.name})" if lead else f"{code} (not in the leads key)", group))
    unowned = [row for row in coming if row.lead is None]
    if unowned:
        groups.append(("No lead named", unowned))
    return groups


def waiting_on_others(plan: Any, rows: Sequence[ItemRow]) -> list[Waiting]:
    items = _items_by_id(plan)
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
    from sendplan.checks import run_checks

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
        exceptions=exception_lines(plan, rows),
        progress=progress_since(plan, rows, since, as_of),
        ahead=look_ahead(plan, rows, as_of, ahead_end),
        waiting=waiting_on_others(plan, rows),
        health=health_findings(loaded, as_of),
        rows=rows,
        glossary=glossary_rows(plan),
        legend=[RAG_LEGEND.format(window=AMBER_WINDOW_DAYS), STATUS_LEGEND, DATE_LEGEND],
    )


# ---------------------------------------------------------------------------------------
# Shared wording, so the Markdown and HTML reports say the same thing


def header_fields(report: BoardReport) -> list[tuple[str, str]]:
    """The header's (label, value) pairs; absent values are left out."""
    pairs = [
        ("Organisation", ", ".join(part for part in (report.organisation, report.service) if part)),
        ("Plan dated", report.plan_date or ""),
        ("As of", long_date(report.as_of)),
        ("Period covered", f"{long_date(report.since)} to {long_date(report.as_of)}"),
        ("Look-ahead to", long_date(report.ahead_end)),
        ("Author", report.author or ""),
        ("Audience", report.audience or ""),
        ("Plan file", report.source),
    ]
    return [(name, value) for name, value in pairs if value]


def headline_pairs(report: BoardReport) -> list[tuple[str, str]]:
    f = report.figures
    return [
        ("Items", str(f.total)),
        ("Complete", f"{f.percent_complete}%"),
        ("Overdue", str(f.overdue)),
        ("Due by " + long_date(report.ahead_end), str(f.due_ahead)),
    ]


def due_text(row: ItemRow) -> str:
    """The deadline as the plan wrote it, its day, and the revised day beside it."""
    if row.deadline is None:
        return "no deadline"
    text = long_date(row.deadline)
    if row.precision == "recurring":
        text += " ↻"
    if row.revised_deadline:
        text += f" → revised {long_date(row.revised_deadline)}"
    return text


def lead_text(row: ItemRow) -> str:
    if row.lead is None:
        return "no lead"
    return f"{row.lead} ({row.lead_name})" if row.lead_name else row.lead


def update_text(row: ItemRow) -> str:
    update = row.last_update
    if update is None:
        return "no update recorded"
    who = f" {update.by}" if update.by else ""
    return f"{long_date(update.date)}{who}: {update.text}"


def exception_note(line: ExceptionLine) -> str:
    """Why it is an exception: overdue or off track, and the reasons recorded in the plan."""
    parts = []
    if line.row.overdue:
        parts.append("overdue")
    if line.row.status in ("off_track", "at_risk"):
        parts.append(label(line.row.status))
    if line.rag_reason:
        parts.append(f"rated {line.row.rag}: {line.rag_reason}")
    if line.revision_reason:
        parts.append(f"deadline revised: {line.revision_reason}")
    return "; ".join(parts) or f"rated {line.row.rag}"


def note_parts(line: ExceptionLine) -> list[tuple[str, str]]:
    """The exception note's parts a board reads, labelled, in the order they are asked about."""
    parts = [("Recovery", line.recovery), ("Impact if nothing is done", line.impact), ("Decision needed", line.decision)]
    return [(heading, text) for heading, text in parts if text]


def without_note(report: BoardReport) -> list[str]:
    """Ids of exceptions with no recovery step recorded yet (an impact or decision alone does
    not say what is being done)."""
    return [line.row.id for line in report.exceptions if not line.recovery]


def show_why(report: BoardReport) -> bool:
    """A "Why" column only when some exception has more to say than "overdue"."""
    return any(exception_note(line) != "overdue" for line in report.exceptions)


def problem_where(problem: Problem) -> str:
    location = problem.location
    if location is None:
        return ""
    return f"line {location.line}" if location.line else location.file


# ---------------------------------------------------------------------------------------
# Markdown


def _section(title: str, *parts: str) -> str:
    return "\n\n".join([f"## {title}", *parts])


def to_markdown(report: BoardReport) -> str:
    """The whole report as GitHub/CommonMark Markdown (it pastes into Word and Teams too)."""
    title = f"# Highlight report: {md_escape(report.title)}"
    header = "\n".join(f"- **{name}:** {md_escape(value)}" for name, value in header_fields(report))
    f = report.figures
    headline = md_table(["Measure", "Value"], headline_pairs(report), ["left", "right"])
    statuses = md_table(
        ["Status", "Items"], [[label(name), str(count)] for name, count in f.by_status.items()], ["left", "right"]
    )
    rags = md_table(["RAG", "Items"], [[label(name), str(count)] for name, count in f.by_rag.items()], ["left", "right"])
    tasks = md_table(
        ["Task", "Title", "RAG", "Red", "Amber", "Green", "Blue", "Reason"],
        [
            [str(t.task), t.title, label(t.rag).upper(), *(str(t.by_rag[name]) for name in RAG_ORDER), t.reason]
            for t in report.tasks
        ],
        ["right", "left", "left", "right", "right", "right", "right", "left"],
    )
    parts = [
        title,
        header,
        _section("Headline figures", headline, statuses, rags),
        _section("RAG by task", tasks),
        _section("Exceptions", _md_exceptions(report)),
        _section(f"Progress since {long_date(report.since)}", _md_progress(report)),
        _section(f"Look-ahead to {long_date(report.ahead_end)}, by lead", _md_ahead(report)),
        _section("Dependencies", _md_waiting(report)),
        _section("Plan health", _md_health(report)),
        _section("Legend", "\n".join(f"- {md_escape(line)}" for line in report.legend)),
        _section("Glossary", _md_glossary(report)),
    ]
    return "\n\n".join(parts) + "\n"


def _md_exceptions(report: BoardReport) -> str:
    if not report.exceptions:
        return "No item is red or overdue."
    intro = f"{_plural(len(report.exceptions), 'item')} red or overdue, most overdue first."
    why = show_why(report)
    table = md_table(
        ["ID", "Lead", "Deadline", "Days late", *(["Why"] if why else []), "Action", "Latest update"],
        [
            [
                line.row.id,
                lead_text(line.row),
                due_text(line.row),
                str(line.row.days_overdue or ""),
                *([exception_note(line)] if why else []),
                line.row.headline,
                update_text(line.row),
            ]
            for line in report.exceptions
        ],
        ["left", "left", "left", "right", *(["left"] if why else []), "left", "left"],
    )
    notes = [
        f"- **{md_escape(line.row.id)}**, {md_escape(lead_text(line.row))}"
        + "".join(f"\n  - _{heading}:_ {md_escape(text)}" for heading, text in note_parts(line))
        for line in report.exceptions
        if line.has_note
    ]
    parts = [intro, table]
    if notes:
        parts.append("**Recovery, impact and decisions**\n\n" + "\n".join(notes))
    missing = without_note(report)
    if missing:
        parts.append(f"No recovery step is recorded yet for {md_escape(', '.join(missing))}.")
    return "\n\n".join(parts)


PROGRESS_HEADERS = ["ID", "Lead", "Status", "Completed", "Updates"]


def progress_cells(report: BoardReport) -> list[list[str]]:
    """The rows of "progress since", as text: one table for Markdown and HTML alike."""
    return [
        [
            p.row.id,
            lead_text(p.row),
            label(p.row.status),
            long_date(p.row.completed) if p.completed else "",
            "\n".join(f"{long_date(day)}{f' {by}' if by else ''}: {text}" for day, by, text in p.updates),
        ]
        for p in report.progress
    ]


def _md_progress(report: BoardReport) -> str:
    if not report.progress:
        return f"No item was completed or updated from {long_date(report.since)} to {long_date(report.as_of)}."
    return md_table(PROGRESS_HEADERS, progress_cells(report))


def _md_ahead(report: BoardReport) -> str:
    if not report.ahead:
        return f"Nothing unfinished falls due by {long_date(report.ahead_end)}."
    parts = []
    for lead, group in report.ahead:
        table = md_table(
            ["ID", "Due", "Status", "Action"],
            [[row.id, due_text(row), label(row.status), row.headline] for row in group],
        )
        parts.append(f"### {md_escape(lead)}\n\n{table}")
    return "\n\n".join(parts)


def _md_waiting(report: BoardReport) -> str:
    if not report.waiting:
        return "No unfinished item is waiting on another."
    return md_table(
        ["ID", "Lead", "Waiting on"],
        [
            [w.row.id, lead_text(w.row), ", ".join(f"{dep} ({label(status)})" for dep, status in w.blockers)]
            for w in report.waiting
        ],
    )


def health_table(report: BoardReport) -> tuple[list[str], list[list[str]]]:
    """Headers and rows of the plan health table; a Check column only when findings have codes."""
    coded = any(problem.code for problem in report.health)
    headers = ["Where", *(["Check"] if coded else []), "Finding"]
    rows = [
        [problem_where(problem), *([problem.code or ""] if coded else []), problem.message]
        for problem in report.health
    ]
    return headers, rows


def _md_health(report: BoardReport) -> str:
    if not report.health:
        return "No gaps found."
    return md_table(*health_table(report))


def _md_glossary(report: BoardReport) -> str:
    if not report.glossary:
        return 'The plan has no glossary yet (add one under "glossary:").'
    return md_table(["Abbreviation", "Meaning"], [[row.abbreviation, row.meaning] for row in report.glossary])
