"""The columns of each kind of report, for the table and the Markdown table: header, accessor,
wrapping and alignment, and how each shows in the one-line view a terminal gets. JSON, TSV, CSV
and the workbook use the row's fields instead.

A column is one entry in TABLE_COLUMNS: adding one (a plan's name, when several plans are
shown at once) is one line there, with the row field it shows as its *key* so that a command
can hide it when its title already says it (by-lead hides the lead).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from sendplan.outputs.rows import Report, chosen_names, flat_text
from sendplan.outputs.text import one_line


@dataclass(frozen=True, slots=True)
class Column:
    """One column: its header and text, and how it wraps; the rest is for the one-line view.

    *key* is the row field it shows, so a report can hide it (Report.hide). *brief* is its text
    in the one-line view (default: *value*), under *brief_header* if given; the column with a
    *ratio* takes the width that is left there, cut with "…". *unless_blank* drops the column
    when no row has anything to show in it (Late, when nothing is late). A *spare* column is
    the first left out of a one-line view too narrow for every column (the RAG says enough).
    *note* explains the column under the table, from the rows shown.
    """

    header: str
    value: Callable[[Any], str]
    no_wrap: bool = False
    justify: str = "left"
    ratio: int | None = None
    max_width: int | None = None
    key: str | None = None
    brief: Callable[[Any], str] | None = None
    brief_header: str | None = None
    unless_blank: bool = False
    spare: bool = False
    # What the column's words mean, printed under the table when it is shown ("Late = …"); None
    # when the rows shown need no explaining.
    note: Callable[[Sequence[Any]], str | None] | None = None

    def text(self, row: Any, one_line: bool) -> str:
        """The cell's text: the brief text in the one-line view, else the full one."""
        return (self.brief or self.value)(row) if one_line else self.value(row)


def _text(value: str | None) -> str:
    return "" if value is None else value


def _item_text(row: Any) -> str:
    parts = [row.action] if row.action else []
    parts += [f"✓ {criterion}" for criterion in row.success_criteria if criterion.strip()]
    return "\n".join(parts) or "—"


def _due_text(row: Any) -> str:
    due = row.due_date
    if due is None:
        return row.deadline_text or "no deadline"  # "Ongoing", kept as written
    text: str = due.isoformat()
    if row.precision == "recurring":
        text += " ↻"
    if row.revised_deadline:
        text += " (rev.)"
    return text


def _code_counts(counts: dict[str, int]) -> str:
    return ", ".join(code if count == 1 else f"{code} ×{count}" for code, count in counts.items())


def lateness(days: int) -> str:
    """How late, in a unit people read at a glance: "32d" up to three months, then "14mo",
    and "6y" from two years (whole units, rounded down, as an age is), written alike: no space."""
    if days < 92:
        return f"{days}d"
    if days < 730:
        return f"{days * 12 // 365}mo"
    return f"{days // 365}y"


def _late_text(row: Any) -> str:
    return lateness(row.days_overdue) if row.overdue and row.days_overdue is not None else ""


def _headline(row: Any) -> str:
    return one_line(row.headline) or "—"


def _due_note(rows: Sequence[Any]) -> str | None:
    marks = [
        *(["↻ = recurs every year"] if any(row.precision == "recurring" for row in rows) else []),
        *(["(rev.) = a revised deadline"] if any(row.revised_deadline for row in rows) else []),
    ]
    return "Due: " + "; ".join(marks) + "." if marks else None


def _rag_note(rows: Sequence[Any]) -> str:
    from sendplan.query import AMBER_WINDOW_DAYS, RAG_LEGEND

    return RAG_LEGEND.format(window=AMBER_WINDOW_DAYS)


LATE_NOTE = "Late = time overdue: d days, mo months, y years."


def _late_note(rows: Sequence[Any]) -> str:
    return LATE_NOTE


BAR_WIDTH = 6
# Task titles are cut to this in the status table, so the numbers fit 80 columns.
STATUS_NAME_WIDTH = 23


def progress_bar(percent: int | None, width: int = BAR_WIDTH) -> str:
    """"██░░░░  40%": the bar is full only at 100%."""
    if percent is None:
        return "—"
    filled = percent * width // 100
    return "█" * filled + "░" * (width - filled) + f" {percent:>3}%"


def _status_name(row: Any) -> str:
    """The task or lead on the first line, then a line per status it has items in."""
    if row.group == "plan" and row.key is None:
        name = "All items"
    elif row.group == "portfolio":  # several plans: a line per plan, then this one for them all
        name = "All plans"
    elif row.group == "lead" and row.key is None:
        name = "(no lead)"
    else:
        title = row.title or ("not in the key" if row.group == "lead" else "")
        name = f"{row.key} {title}".strip()
    name = one_line(name)
    if len(name) > STATUS_NAME_WIDTH:
        name = name[: STATUS_NAME_WIDTH - 1].rstrip() + "…"
    return "\n  ".join([name, *_status_counts(row).split(", ")])


def _status_counts(row: Any) -> str:
    from sendplan.summary import STATUSES

    parts = [f"{getattr(row, status)} {status.replace('_', ' ')}" for status in STATUSES if getattr(row, status)]
    return ", ".join(parts) or "no items"


def _count(header: str, name: str) -> Column:
    return Column(header, lambda row: str(getattr(row, name)), no_wrap=True, justify="right")


def _item_id(row: Any) -> str:
    """The item's id, as PLAN:ID when the row carries its plan (several plans are open)."""
    plan = getattr(row, "plan", None)
    return f"{plan}:{row.id}" if plan else str(row.id)


def _id_note(rows: Sequence[Any]) -> str | None:
    if not any(getattr(row, "plan", None) for row in rows):
        return None
    return "ID = PLAN:ID, the plan's short name and the item's id in it (sendplan show and done take it)."


TABLE_COLUMNS: dict[str, list[Column]] = {
    "items": [
        Column("ID", _item_id, no_wrap=True, key="id", note=_id_note),
        Column("Due", _due_text, no_wrap=True, key="deadline", note=_due_note),
        Column("Late", _late_text, no_wrap=True, justify="right", key="days_overdue", unless_blank=True, note=_late_note),
        Column("Lead", lambda row: _text(row.lead), no_wrap=True, key="lead"),
        Column("Status", lambda row: row.status.replace("_", " "), key="status", spare=True),
        Column("RAG", lambda row: _text(row.rag), no_wrap=True, key="rag", note=_rag_note),
        Column("Action / ✓ criteria", _item_text, ratio=1, key="action", brief=_headline, brief_header="Action"),
    ],
    "leads": [
        Column("Lead", lambda row: row.lead or "(none)", no_wrap=True),
        Column("Name", lambda row: _text(row.name) or ("items with no lead" if row.lead is None else "not in the key")),
        Column("Items", lambda row: str(row.items), justify="right"),
        Column("Done", lambda row: str(row.finished), justify="right"),
        Column("Overdue", lambda row: str(row.overdue), justify="right"),
        Column("Next due", lambda row: _text(row.next_deadline), no_wrap=True),
        Column("Next", lambda row: _text(row.next_item), no_wrap=True),
    ],
    # validate --summary: findings per check and per task (rows from sendplan.plan.checks.summary)
    "checks": [
        Column("Code", lambda row: row.code, no_wrap=True),
        Column("Check", lambda row: row.name, no_wrap=True),
        Column("Found", lambda row: "ignored" if row.ignored else str(row.findings), justify="right"),
        Column("Meaning", lambda row: row.meaning, ratio=1),
    ],
    "task_findings": [
        Column("Task", lambda row: "—" if row.task is None else str(row.task), no_wrap=True, justify="right"),
        Column("Title", lambda row: row.title, ratio=1),
        Column("Found", lambda row: str(row.findings), justify="right"),
        Column("By check", lambda row: _code_counts(row.checks)),
    ],
    "tasks": [
        Column("Task", lambda row: str(row.task), no_wrap=True, justify="right"),
        Column("Title", lambda row: row.title, ratio=1),
        Column("Items", lambda row: str(row.items), justify="right"),
        Column("Done", lambda row: str(row.finished), justify="right"),
        Column("Overdue", lambda row: str(row.overdue), justify="right"),
        Column("Next due", lambda row: _text(row.next_deadline), no_wrap=True),
    ],
    "status": [
        Column("Task / lead", _status_name, max_width=STATUS_NAME_WIDTH),
        _count("Items", "items"),
        Column("Complete", lambda row: progress_bar(row.percent_complete), no_wrap=True),
        # One letter each: the RAG legend under the table says what the colours mean.
        _count("B", "blue"),
        _count("G", "green"),
        _count("A", "amber"),
        _count("R", "red"),
        _count("Grey", "grey"),
        _count("Late", "overdue"),
        _count("Soon", "due_soon"),
    ],
}
# status --returns-since: who has sent a return in the update round (rows from sendplan.summary)
TABLE_COLUMNS["returns"] = [
    Column("Lead", lambda row: row.lead, no_wrap=True),
    Column("Name", lambda row: _text(row.name) or "not in the key"),
    _count("Open items", "open_items"),
    Column("Returned", lambda row: row.returned or "not yet", no_wrap=True),
    _count("Items updated", "items_updated"),
]
# Kinds whose columns sit closer together (two spaces apart, not three): the dashboard's nine
# columns of counts fit 80 columns that way.
DENSE_KINDS = frozenset({"status", "portfolio_status"})
TABLE_COLUMNS["glossary"] = [
    Column("Abbreviation", lambda row: row.abbreviation, no_wrap=True),
    Column("Meaning", lambda row: row.meaning, ratio=1),
]


def _was_now(row: Any, value: str | None) -> str:
    if value is None:
        return "—"
    return value.replace("_", " ") if row.field in ("status", "lead") else value


def _now_text(row: Any) -> str:
    text = _was_now(row, row.new)
    if row.date and row.change in ("completed", "update") and row.new is not None:
        text += f" ({row.date})"
    return text


def _slip_text(row: Any) -> str:
    return "" if row.slip_days is None else f"{row.slip_days:+d}d"


# Columns for `diff` (sendplan.plan.diff.Change rows).
TABLE_COLUMNS["changes"] = [
    Column("ID", lambda row: row.id, no_wrap=True),
    Column("Change", lambda row: row.change, no_wrap=True),
    Column("What", lambda row: (row.field or "item").replace("_", " ")),
    Column("Was", lambda row: _was_now(row, row.old), ratio=1),
    Column("Now", _now_text, ratio=1),
    Column("Slip", _slip_text, no_wrap=True, justify="right"),
]


# Several plans at once (sendplan/portfolio.py's rows): leads matched by code across the plans,
# and tasks and the update round plan by plan.
def _lead_names(row: Any) -> str:
    from sendplan.portfolio import names_text

    return names_text(row.names) or ("items with no lead" if row.lead is None else "not in any key")


# The plans a lead works in are in the JSON (`plans`); at 80 columns the table has room for
# their names only where the plans disagree on them.
TABLE_COLUMNS["portfolio_leads"] = [
    Column("Lead", lambda row: row.lead or "(none)", no_wrap=True),
    Column("Name", _lead_names, ratio=1),
    Column("Items", lambda row: str(row.items), justify="right"),
    Column("Done", lambda row: str(row.finished), justify="right"),
    Column("Overdue", lambda row: str(row.overdue), justify="right"),
    Column("Next due", lambda row: _text(row.next_deadline), no_wrap=True),
    Column("Next", lambda row: _text(row.next_item), no_wrap=True),
]
TABLE_COLUMNS["portfolio_status"] = [
    Column("Plan / lead", _status_name, max_width=STATUS_NAME_WIDTH),
    *TABLE_COLUMNS["status"][1:],
]
TABLE_COLUMNS["plan_tasks"] = [Column("Plan", lambda row: row.plan, no_wrap=True), *TABLE_COLUMNS["tasks"]]
TABLE_COLUMNS["plan_returns"] = [Column("Plan", lambda row: row.plan, no_wrap=True), *TABLE_COLUMNS["returns"]]


def _field_column(name: str) -> Column:
    """A column that shows one field of the row as one line of text."""
    return Column(name, lambda row: flat_text(getattr(row, name)))


def report_notes(report: Report, columns: Sequence[Column]) -> list[str]:
    """What goes under a table: what its columns mean (for those shown), then the report's own
    notes; nothing with --fields, whose columns are the user's choice."""
    if report.fields:
        return []
    explained = [column.note(report.rows) for column in columns if column.note is not None]
    return [note for note in explained if note] + list(report.notes)


def report_columns(report: Report) -> list[Column]:
    """The columns a report shows: its kind's spec less the columns it hides and those that
    would be blank; with --fields (or a kind with no spec), one column per field, as asked."""
    if report.fields or report.kind not in TABLE_COLUMNS:
        return [_field_column(name) for name in chosen_names(report)]
    return [
        column
        for column in TABLE_COLUMNS[report.kind]
        if column.key not in report.hide
        and not (column.unless_blank and not any(column.value(row) for row in report.rows))
    ]
