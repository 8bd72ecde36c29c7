"""Markdown: a listing as a GitHub/CommonMark table, and the whole board report.

Plan text is escaped so it can never turn into emphasis, links, HTML or a new cell.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import IO

from sendplan.outputs.board import (
    HEALTH_HEADERS,
    HEALTH_INTRO,
    HEALTH_TITLE,
    NO_EXCEPTIONS,
    PROGRESS_HEADERS,
    REVISIONS_HEADERS,
    REVISIONS_TITLE,
    as_of_note,
    due_text,
    empty_section,
    exception_note,
    exception_update,
    exceptions_intro,
    header_fields,
    headline_pairs,
    health_lines,
    label,
    lead_text,
    note_parts,
    progress_cells,
    revision_cells,
    revisions_intro,
    show_why,
    without_note,
)
from sendplan.outputs.columns import report_columns, report_notes
from sendplan.outputs.rows import Report, out_stream
from sendplan.outputs.text import LINE_BREAKS, clean
from sendplan.report import RAG_ORDER, BoardReport, ExceptionLine, long_date

# Markdown punctuation that could turn plan text into emphasis, links, HTML or a new cell.
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>|~&#!])")


def _backslashed(match: re.Match[str]) -> str:
    return "\\" + match[1]


def md_escape(text: str) -> str:
    """Plan text as literal Markdown on one line (newlines become <br>)."""
    text = clean(text).strip()
    # Most cells need nothing: a search is cheaper than a substitution that finds nothing.
    if _MARKDOWN_SPECIAL.search(text):
        text = _MARKDOWN_SPECIAL.sub(_backslashed, text)
    return LINE_BREAKS.sub("<br>", text) if LINE_BREAKS.search(text) else text


def md_table(headers: Sequence[str], body: Sequence[Sequence[str]], align: Sequence[str] = ()) -> str:
    """A GitHub/CommonMark table. Cells are escaped here; *align* holds "left" or "right"."""
    marks = ["---:" if (align[i] if i < len(align) else "left") == "right" else "---" for i in range(len(headers))]
    lines = ["| " + " | ".join(md_escape(header) for header in headers) + " |", "| " + " | ".join(marks) + " |"]
    lines += ["| " + " | ".join(md_escape(cell) or " " for cell in cells) + " |" for cells in body]
    return "\n".join(lines)


def render_markdown(report: Report, out: IO[str] | None = None) -> None:
    """A heading, a Markdown table from the report's column spec, and the notes as a legend."""
    stream = out_stream(out)
    parts = [f"### {md_escape(report.title)}"]
    if report.rows:
        columns = report_columns(report)
        parts.append(
            md_table(
                [column.header for column in columns],
                [[column.value(row) for column in columns] for row in report.rows],
                [column.justify for column in columns],
            )
        )
        # The notes explain the standard columns; with --fields they may not be there.
        parts += [f"_{md_escape(note)}_" for note in report_notes(report, columns)]
    else:
        parts.append(md_escape(report.empty))
    stream.write("\n\n".join(parts) + "\n")


# ---------------------------------------------------------------------------------------
# The board report


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
        ["Task", "Title", "RAG", *(name.capitalize() for name in RAG_ORDER), "Reason"],
        [
            [str(t.task), t.title, label(t.rag).upper(), *(str(t.by_rag[name]) for name in RAG_ORDER), t.reason]
            for t in report.tasks
        ],
        ["right", "left", "left", *(["right"] * len(RAG_ORDER)), "left"],
    )
    parts = [
        title,
        header,
        _section("Headline figures", headline, *_as_of_note(report), statuses, rags),
        _section("RAG by task", tasks),
        _section("Exceptions", _md_exceptions(report)),
        _section(REVISIONS_TITLE, _md_revisions(report)),
        _section(f"Progress since {long_date(report.since)}", _md_progress(report)),
        _section(f"Look-ahead to {long_date(report.ahead_end)}, by lead", _md_ahead(report)),
        _section("Dependencies", _md_waiting(report)),
        _section("Legend", "\n".join(f"- {md_escape(line)}" for line in report.legend)),
        _section("Glossary", _md_glossary(report)),
        _section(HEALTH_TITLE, _md_health(report)),
    ]
    return "\n\n".join(parts) + "\n"


def _md_exceptions(report: BoardReport) -> str:
    if (empty := empty_section(report, "exceptions")) is not None:
        return empty
    return md_exceptions(report.exceptions)


def md_exceptions(exceptions: Sequence[ExceptionLine]) -> str:
    """The exceptions table, then their recovery, impact and decision notes (a report's section,
    or one plan's in a report on several)."""
    if not exceptions:
        return NO_EXCEPTIONS
    why = show_why(exceptions)
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
                exception_update(line),
            ]
            for line in exceptions
        ],
        ["left", "left", "left", "right", *(["left"] if why else []), "left", "left"],
    )
    notes = [
        f"- **{md_escape(line.row.id)}**, {md_escape(lead_text(line.row))}"
        + "".join(f"\n  - _{heading}:_ {md_escape(text)}" for heading, text in note_parts(line))
        for line in exceptions
        if line.has_note
    ]
    parts = [exceptions_intro(exceptions), table]
    if notes:
        parts.append("**Recovery, impact and decisions**\n\n" + "\n".join(notes))
    missing = without_note(exceptions)
    if missing:
        parts.append(f"No recovery step is recorded yet for {md_escape(', '.join(missing))}.")
    return "\n\n".join(parts)


def _as_of_note(report: BoardReport) -> list[str]:
    note = as_of_note(report)
    return [md_escape(note)] if note else []


def _md_revisions(report: BoardReport) -> str:
    if (empty := empty_section(report, "revisions")) is not None:
        return empty
    table = md_table(
        [*REVISIONS_HEADERS, "RAG"],
        [[*cells, label(r.row.rag).upper()] for cells, r in zip(revision_cells(report), report.revisions, strict=True)],
    )
    return revisions_intro(report) + "\n\n" + table


def _md_progress(report: BoardReport) -> str:
    returns = f"\n\n{md_escape(report.returns)}" if report.returns else ""
    if (empty := empty_section(report, "progress")) is not None:
        return empty + returns
    return md_table(PROGRESS_HEADERS, progress_cells(report)) + returns


def _md_ahead(report: BoardReport) -> str:
    if (empty := empty_section(report, "ahead")) is not None:
        return empty
    parts = []
    for lead, group in report.ahead:
        table = md_table(
            ["ID", "Due", "Status", "Action"],
            [[row.id, due_text(row), label(row.status), row.headline] for row in group],
        )
        parts.append(f"### {md_escape(lead)}\n\n{table}")
    return "\n\n".join(parts)


def _md_waiting(report: BoardReport) -> str:
    if (empty := empty_section(report, "waiting")) is not None:
        return empty
    return md_table(
        ["ID", "Lead", "Waiting on"],
        [
            [w.row.id, lead_text(w.row), ", ".join(f"{dep} ({label(status)})" for dep, status in w.blockers)]
            for w in report.waiting
        ],
    )


def _md_health(report: BoardReport) -> str:
    if (empty := empty_section(report, "health")) is not None:
        return empty
    return HEALTH_INTRO + "\n\n" + md_table(HEALTH_HEADERS, health_lines(report))


def _md_glossary(report: BoardReport) -> str:
    if (empty := empty_section(report, "glossary")) is not None:
        return empty
    return md_table(["Abbreviation", "Meaning"], [[row.abbreviation, row.meaning] for row in report.glossary])
