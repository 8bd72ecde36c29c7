"""The board report's wording, shared by its Markdown (markdown.py) and HTML (html.py) writers,
so both say the same thing: header lines, headline figures, deadlines, leads, exception notes."""

from __future__ import annotations

from sendplan.errors import Problem
from sendplan.query import ItemRow
from sendplan.report import BoardReport, ExceptionLine, long_date


def label(status: str | None) -> str:
    return (status or "none").replace("_", " ")


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


def health_table(report: BoardReport) -> tuple[list[str], list[list[str]]]:
    """Headers and rows of the plan health table; a Check column only when findings have codes."""
    coded = any(problem.code for problem in report.health)
    headers = ["Where", *(["Check"] if coded else []), "Finding"]
    rows = [
        [problem_where(problem), *([problem.code or ""] if coded else []), problem.message]
        for problem in report.health
    ]
    return headers, rows
