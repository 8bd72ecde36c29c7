"""The board report's wording, shared by its Markdown (markdown.py) and HTML (html.py) writers,
so both say the same thing: header lines, headline figures, deadlines, leads, exception notes,
revised deadlines; and the columns of the deadlines chart (the Word grid and the HTML chart)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sendplan.errors import Problem
from sendplan.query import RAG_OVERRIDE, ItemRow
from sendplan.report import BoardReport, ExceptionLine, long_date, plural
from sendplan.timeline import Grid, Month, month_of

NO_EXCEPTIONS = "No item is red or overdue."


def label(status: str | None) -> str:
    return (status or "none").replace("_", " ")


def empty_section(report: BoardReport, section: str) -> str | None:
    """What a section says when it has nothing to show ("No item is red or overdue."), or None
    when it has something. *section* is "exceptions", "revisions", "progress", "ahead",
    "waiting", "health" or "glossary"."""
    content: dict[str, tuple[object, str]] = {
        "exceptions": (report.exceptions, NO_EXCEPTIONS),
        "progress": (
            report.progress,
            f"No item was completed or updated from {long_date(report.since)} to {long_date(report.as_of)}.",
        ),
        "ahead": (report.ahead, f"Nothing unfinished falls due by {long_date(report.ahead_end)}."),
        "waiting": (report.waiting, "No unfinished item is waiting on another."),
        "revisions": (report.revisions, "No unfinished item has a revised deadline."),
        "health": (report.health, "No gaps found."),
        "glossary": (report.glossary, 'The plan has no glossary yet (add one under "glossary:").'),
    }
    shown, nothing = content[section]
    return None if shown else nothing


def made_by(report: BoardReport) -> str:
    """Where the paper came from, for the foot of every printed page: the plan file by its name
    alone (a folder path says nothing to a board and may say too much)."""
    from pathlib import PurePath

    from sendplan import __version__

    return f"Made by sendplan {__version__} from {PurePath(report.source).name} as of {long_date(report.as_of)}"


def lanes(report: BoardReport) -> list[tuple[int, str]]:
    """(number, title) of each task in plan order: the rows of the deadlines chart."""
    return [(line.task, line.title) for line in report.tasks]


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
        ("Deadlines moved", str(f.revised)),
    ]


def as_of_note(report: BoardReport) -> str | None:
    """What the figures make of items completed after the as-of day, or None when there are none."""
    later = report.completed_later
    if not later:
        return None
    which = ", ".join(later)
    return (
        f"{plural(len(later), 'item')} ({which}) {'was' if len(later) == 1 else 'were'} completed after "
        f"{long_date(report.as_of)}, so {'it is' if len(later) == 1 else 'they are'} counted here as in progress "
        "on that day. Other statuses are as the plan records them now."
    )


REVISIONS_TITLE = "Revised deadlines"
REVISIONS_HEADERS = ["ID", "Lead", "Original deadline", "Revised deadline", "Slip", "Reason"]


def revisions_intro(report: BoardReport) -> str:
    count = len(report.revisions)
    order = ", the longest slip first" if count > 1 else ""
    return (
        f"{plural(count, 'unfinished item')} {'has' if count == 1 else 'have'} a revised deadline{order}. "
        "The original deadline is kept; the item is now measured against the revised one."
    )


def revision_cells(report: BoardReport) -> list[list[str]]:
    """The rows of "Revised deadlines" as text (the writers add the RAG in their own way)."""
    return [
        [
            r.row.id,
            lead_text(r.row),
            long_date(r.row.deadline) if r.row.deadline else (r.row.deadline_text or "none"),
            long_date(r.row.revised_deadline),
            r.slip,
            r.reason or "",
        ]
        for r in report.revisions
    ]


def due_text(row: ItemRow) -> str:
    """The deadline as the plan wrote it, its day, and the revised day beside it."""
    if row.deadline is None:
        return row.deadline_text or "no deadline"  # "Ongoing", kept as written
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


def exception_update(line: ExceptionLine) -> str:
    """An exception's latest update, or what is missing in one phrase."""
    if line.row.last_update is not None:
        return update_text(line.row)
    return "No update recorded." if line.recovery else "No update or recovery step recorded."


def legend_notes(legend: Sequence[str]) -> list[str]:
    """The legend's notes for a writer that shows the RAG key as its own list (report.rag_key):
    what a rating set by hand means, then every other line of the *legend*."""
    return [RAG_OVERRIDE, *(line for line in legend if not line.startswith("RAG:"))]


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


def without_note(exceptions: Sequence[ExceptionLine]) -> list[str]:
    """Ids of exceptions with an update but no recovery step recorded yet (an impact or decision
    alone does not say what is being done); those with no update say so in their row."""
    return [line.row.id for line in exceptions if not line.recovery and line.row.last_update is not None]


def show_why(exceptions: Sequence[ExceptionLine]) -> bool:
    """A "Why" column only when some exception has more to say than "overdue"."""
    return any(exception_note(line) != "overdue" for line in exceptions)


def exceptions_intro(exceptions: Sequence[ExceptionLine]) -> str:
    return f"{plural(len(exceptions), 'item')} red or overdue, most overdue first."


def problem_where(problem: Problem) -> str:
    location = problem.location
    if location is None:
        return ""
    return f"line {location.line}" if location.line else location.file


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


# Plan health in a board's words: what each check finds, counted ("5 actions have no named
# lead"). Where in the file each one is, and how to fix it, is for `sendplan validate`.
HEALTH_WORDING: dict[str, tuple[str, str]] = {
    "SP101": ("{n} action has no named lead", "{n} actions have no named lead"),
    "SP102": ("{n} action has no deadline", "{n} actions have no deadline"),
    "SP103": ("{n} action has no success criterion", "{n} actions have no success criterion"),
    "SP104": (
        "{n} item says what should be achieved but not what will be done",
        "{n} items say what should be achieved but not what will be done",
    ),
    "SP105": ("{n} action is led by someone not in the leads key", "{n} actions are led by someone not in the leads key"),
    "SP106": ("{n} lead in the leads key owns no action", "{n} leads in the leads key own no action"),
    "SP107": (
        "{n} deadline is well before the plan's date (probably the wrong year)",
        "{n} deadlines are well before the plan's date (probably the wrong year)",
    ),
    "SP108": ("{n} deadline is implausibly far ahead", "{n} deadlines are implausibly far ahead"),
    "SP109": ("{n} entry is a placeholder or left empty", "{n} entries are placeholders or left empty"),
    "SP110": ("{n} entry repeats another", "{n} entries repeat others"),
    "SP111": ("{n} code or date has letters from another alphabet", "{n} codes or dates have letters from another alphabet"),
    "SP112": ("{n} complete action has no completion date", "{n} complete actions have no completion date"),
    "SP113": ("{n} completion date is in the future", "{n} completion dates are in the future"),
    "SP114": ("{n} check the plan turns off does not exist", "{n} checks the plan turns off do not exist"),
    "SP115": ("{n} abbreviation is not in the glossary", "{n} abbreviations are not in the glossary"),
    "SP116": ("{n} task or deliverable holds no actions", "{n} tasks or deliverables hold no actions"),
    "SP117": ("{n} lead's email cannot be an address", "{n} leads' emails cannot be addresses"),
    "SP118": ("{n} lead code has another name in another plan", "{n} lead codes have other names in other plans"),
    "SP119": (
        "{n} rating set by hand is overtaken by the facts (done or overdue since)",
        "{n} ratings set by hand are overtaken by the facts (done or overdue since)",
    ),
}
HEALTH_TITLE = "Appendix: plan health"
HEALTH_HEADERS = ["What needs attention", "Which"]
HEALTH_INTRO = (
    "Gaps in the plan itself, by kind. Whoever keeps the plan can list each one, with its place "
    "in the file, by running sendplan validate."
)


def health_phrase(code: str | None, count: int, message: str) -> str:
    """ "5 actions have no named lead": one kind of finding, counted, in words a board reads."""
    wording = HEALTH_WORDING.get(code or "")
    if wording is not None:
        return wording[count != 1].format(n=count)
    if code is not None:
        from sendplan.plan.checks.registry import CHECKS

        if code in CHECKS:
            return f"{count} × {CHECKS[code].headline.rstrip('.').lower()}"
    return message[:1].upper() + message[1:]


def health_lines(report: BoardReport) -> list[tuple[str, str]]:
    """The plan health appendix: one (what needs attention, which) row per kind of finding, in
    check order, naming the items (or the abbreviations, leads, tasks) concerned; findings with
    no code (none today) each get a row of their own."""
    groups: dict[str, list[Problem]] = {}
    for problem in report.health:
        groups.setdefault(problem.code or f"\0{len(groups)}", []).append(problem)
    lines = []
    for key in sorted(groups):
        problems = groups[key]
        which = dict.fromkeys(problem.item_id or problem.subject for problem in problems)
        lines.append(
            (health_phrase(problems[0].code, len(problems), problems[0].message), ", ".join(w for w in which if w))
        )
    return lines


def size_text(size: int) -> str:
    """ "46 KB", "1.2 MB": a file's size as people read it."""
    if size < 1000:
        return f"{size} bytes"
    if size < 1_000_000:
        return f"{round(size / 1000)} KB"
    return f"{size / 1_000_000:.1f} MB"


def written(report: BoardReport, size: int) -> str:
    """What `report -o FILE` confirms it wrote: the size and what a reader finds first. Pages
    are not counted: only the program that prints the file lays them out."""
    f = report.figures
    return (
        f"{size_text(size)}: {plural(f.total, 'item')}, {len(report.exceptions)} red or overdue, "
        f"{f.due_ahead} due by {long_date(report.ahead_end)}"
    )


# ---------------------------------------------------------------------------------------
# The deadlines chart's columns, for the Word grid (docx_grid.py) and the HTML chart (html.py)

QUIET_RUN = 3  # this many empty months in a row share one column
GAP_MARK = "…"


@dataclass(frozen=True, slots=True)
class Column:
    """One column of the chart: a month, or a quiet stretch of months shown as one."""

    months: tuple[Month, ...]

    @property
    def quiet(self) -> bool:
        return len(self.months) > 1


def grid_columns(the_grid: Grid) -> list[Column]:
    """Months as columns, each stretch of QUIET_RUN or more empty months (never the as-of
    month) folded into one."""
    busy = {month for lane in the_grid.tasks for month, cell in lane.cells.items() if cell.items}
    busy.add(month_of(the_grid.as_of))
    result: list[Column] = []
    run: list[Month] = []

    def close_run() -> None:
        if len(run) >= QUIET_RUN:
            result.append(Column(tuple(run)))
        else:
            result.extend(Column((month,)) for month in run)
        run.clear()

    for month in the_grid.months:
        if month in busy:
            close_run()
            result.append(Column((month,)))
        else:
            run.append(month)
    close_run()
    return result


def bands(columns: Sequence[Column], per_band: int) -> list[list[Column]]:
    """Columns split into nearly equal bands of at most *per_band*."""
    count = max(1, math.ceil(len(columns) / per_band))
    size = math.ceil(len(columns) / count)
    return [list(columns[start : start + size]) for start in range(0, len(columns), size)]


def months_of(band: Sequence[Column]) -> list[Month]:
    return [month for column in band for month in column.months]


def span_text(months: Sequence[Month]) -> str:
    """ "Nov 2020 to Aug 2021"."""
    first, last = months[0], months[-1]
    return f"{date(*first, 1):%b %Y} to {date(*last, 1):%b %Y}"


def year_groups(band: Sequence[Column], short_single: bool) -> list[tuple[int, int, str]]:
    """(first column, last column, text) for the year row: one group per year's run of months;
    a quiet column stands alone with no year. With *short_single*, a year over one column
    alone is written short ("’21"), so it fits a narrow column."""
    groups: list[tuple[int, int, str]] = []
    for index, column in enumerate(band):
        year = None if column.quiet else column.months[0][0]
        if groups and year is not None and groups[-1][2] == str(year) and groups[-1][1] == index - 1:
            groups[-1] = (groups[-1][0], index, str(year))
        else:
            groups.append((index, index, "" if year is None else str(year)))
    return [(a, b, f"’{text[2:]}" if a == b and text and short_single else text) for a, b, text in groups]
