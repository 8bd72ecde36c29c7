"""The highlight report as a Word document: the same sections as the HTML page, for committee papers.

`to_docx(report)` returns the bytes of a .docx built from a BoardReport: Title and
Heading 1/2 styles, tables in "Table Grid" with repeated header rows, RAG cells shaded in
their colour with the word in them, A4 with the plan in the header and "Page N of M" in the
footer, and the deadlines as a month-by-month grid (a table, with alt text). Plan text is only
ever the text of a run (see wordml.py). Pure: the day arrives in the report; nothing here
reads the clock, and the same report gives the same bytes.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, time
from typing import Any

from docx.shared import Mm, Pt

from sendplan import __version__
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
    lanes,
    lead_text,
    legend_notes,
    made_by,
    note_parts,
    progress_cells,
    revision_cells,
    revisions_intro,
    show_why,
    without_note,
)
from sendplan.outputs.colours import rag_colour, rag_ink
from sendplan.outputs.docx_grid import deadline_grid
from sendplan.outputs.wordml import (
    TABLE_TEXT,
    TEXT_WIDTH_MM,
    Cell,
    add_table,
    add_text,
    columns,
    document_bytes,
    new_document,
    paragraph,
)
from sendplan.report import BoardReport, ExceptionLine, long_date

# About what one character of a 9 pt id takes, and the cell's padding either side.
ID_MM_PER_CHAR = 1.8
ID_PADDING_MM = 3.2


def rag_cell(rating: str | None, text: str | None = None) -> Cell:
    """A RAG cell: filled in the rating's colour, with the word in it (colour is never the only
    signal), or *text*. A rating this module does not know is grey, with its own word."""
    fill, ink = rag_colour(rating).lstrip("#").upper(), rag_ink(rating).lstrip("#").upper()
    return Cell(label(rating).upper() if text is None else text, fill=fill, colour=ink, bold=True)


def to_docx(report: BoardReport) -> bytes:
    """The whole report as a .docx."""
    title = f"Highlight report: {report.title}"
    document = new_paper(
        title,
        report.as_of,
        made_by(report),
        header_fields(report),
        "The plan, organisation, as-of day, period covered and look-ahead of this report.",
    )
    set_properties(
        document,
        title,
        ", ".join(part for part in (report.organisation, report.service) if part),
        report.author,
        f"Made by sendplan {__version__} from {report.source} as of {report.as_of.isoformat()}.",
        "highlight report",
        report.as_of,
    )
    _headline(document, report)
    paragraph(document, "RAG by task", "Heading 1")
    add_table(
        document,
        ["Task", "Title", "RAG", "Items", "Reason"],
        [[str(t.task), t.title, rag_cell(t.rag), str(t.items), t.reason] for t in report.tasks],
        [12, 62, 17, 13, 66],
        caption="RAG by task",
        description="Each task's rating (the worst of its items), its number of items and why it is rated so.",
        align=["right", "left", "center", "right"],
    )
    paragraph(document, "Deadlines by task", "Heading 1")
    deadline_grid(document, lanes(report), report.rows, report.as_of)
    _exceptions(document, report)
    _revisions(document, report)
    _progress(document, report)
    _ahead(document, report)
    _waiting(document, report)
    _legend(document, report)
    _glossary(document, report)
    _health(document, report)
    return document_bytes(document, datetime.combine(report.as_of, time()))


def _heading(document: Any, title: str, report: BoardReport, section: str) -> bool:
    """A section's heading; then, if it has nothing to show, the line that says so, and False."""
    paragraph(document, title, "Heading 1")
    empty = empty_section(report, section)
    if empty is not None:
        paragraph(document, empty)
    return empty is None


def new_paper(title: str, as_of: date, footer: str, details: Sequence[tuple[str, str]], description: str) -> Any:
    """A new paper: the A4 page with *title* and the as-of day at its head and *footer* at its
    foot, then the title and a table of the paper's *details* ((label, value) pairs)."""
    document = new_document(title, f"As of {long_date(as_of)}", footer, f"sendplan {__version__}")
    paragraph(document, title, "Title")
    add_table(
        document,
        None,
        [[Cell(name, bold=True), value] for name, value in details],
        [38, TEXT_WIDTH_MM - 38],
        caption="Report details",
        description=description,
    )
    return document


def set_properties(
    document: Any, title: str, subject: str, author: str | None, comments: str, keywords: str, as_of: date
) -> None:
    """File → Properties: what Word and a records system show about the paper."""
    properties = document.core_properties
    properties.title = title
    properties.subject = subject
    properties.author = author or ""
    properties.last_modified_by = author or ""
    properties.comments = comments
    properties.keywords = keywords
    properties.language = "en-GB"
    properties.revision = 1
    properties.created = properties.modified = datetime.combine(as_of, time())


def one_row(document: Any, caption: str, headers: Sequence[str | Cell], values: Sequence[str | Cell], words: str) -> None:
    """A row of figures under their names, across the page; *words* says them for the alt text."""
    add_table(
        document,
        headers,
        [values],
        [TEXT_WIDTH_MM / len(headers)] * len(headers),
        caption=caption,
        description=words,
        align=["center"] * len(headers),
    )


def _headline(document: Any, report: BoardReport) -> None:
    f = report.figures
    paragraph(document, "Headline figures", "Heading 1")
    pairs = headline_pairs(report)
    alert = {"Overdue"} if f.overdue else set()
    one_row(
        document,
        "Headline figures",
        [name for name, _ in pairs],
        [Cell(value, bold=True, size=16, colour="C62828" if name in alert else None) for name, value in pairs],
        "; ".join(f"{name}: {value}" for name, value in pairs),
    )
    if (note := as_of_note(report)) is not None:
        paragraph(document, note)
    for caption, counts, header in (
        ("Items by status", f.by_status, label),
        ("Items by RAG", f.by_rag, lambda name: rag_cell(None if name == "none" else name)),
    ):
        one_row(
            document,
            caption,
            [header(name) for name in counts],
            [str(count) for count in counts.values()],
            "; ".join(f"{label(name)}: {count}" for name, count in counts.items()),
        )


def _exceptions(document: Any, report: BoardReport) -> None:
    if _heading(document, "Exceptions", report, "exceptions"):
        exceptions_section(document, report.exceptions)


def exceptions_section(
    document: Any, exceptions: Sequence[ExceptionLine], caption: str = "Exceptions", notes_style: str = "Heading 2"
) -> None:
    """The exceptions table, then their recovery, impact and decision notes under a heading in
    *notes_style* (a report's section, or one plan's in a report on several)."""
    if not exceptions:
        paragraph(document, NO_EXCEPTIONS)
        return
    paragraph(document, exceptions_intro(exceptions), keep_with_next=True)
    why = show_why(exceptions)
    headers = ["ID", "RAG", "Lead", "Deadline", "Days late", *(["Why"] if why else []), "Action", "Latest update"]
    widths: list[float] = [9, 14, 21, 21, 11, *([25, 41, 28] if why else [54, 40])]
    # Ids longer than "4.11" (an imported tracker's "D2.1a") get their width from the action.
    wider = max(0.0, ID_MM_PER_CHAR * max(len(line.row.id) for line in exceptions) + ID_PADDING_MM - widths[0])
    widths[0] += wider
    widths[-2] -= wider
    rows: list[list[str | Cell]] = [
        [
            line.row.id,
            rag_cell(line.row.rag),
            lead_text(line.row),
            due_text(line.row),
            str(line.row.days_overdue) if line.row.overdue else "",
            *([exception_note(line)] if why else []),
            line.row.headline,
            exception_update(line),
        ]
        for line in exceptions
    ]
    add_table(
        document,
        headers,
        rows,
        widths,
        caption=caption,
        description="Every red or overdue item with its lead, deadline, days late, action and latest update.",
        align=["left", "center", "left", "left", "right"],
    )
    noted = [line for line in exceptions if line.has_note]
    if noted:
        paragraph(document, "Recovery, impact and decisions", notes_style)
        for line in noted:
            item = paragraph(document, keep_with_next=True)
            add_text(item, line.row.id, bold=True)
            add_text(item, f", {lead_text(line.row)}")
            parts = note_parts(line)
            for index, (heading, text) in enumerate(parts):
                part = paragraph(document, keep_with_next=index < len(parts) - 1)
                part.paragraph_format.left_indent = Mm(6)
                add_text(part, f"{heading}: ", italic=True)
                add_text(part, text)
    missing = without_note(exceptions)
    if missing:
        paragraph(document, f"No recovery step is recorded yet for {', '.join(missing)}.")


def _revisions(document: Any, report: BoardReport) -> None:
    if not _heading(document, REVISIONS_TITLE, report, "revisions"):
        return
    paragraph(document, revisions_intro(report), keep_with_next=True)
    rows: list[list[str | Cell]] = [
        [*cells, rag_cell(r.row.rag)] for cells, r in zip(revision_cells(report), report.revisions, strict=True)
    ]
    add_table(
        document,
        [*REVISIONS_HEADERS, "RAG"],
        rows,
        [11, 27, 22, 22, 20, 52, 16],
        caption=REVISIONS_TITLE,
        description="Every unfinished item whose deadline has moved: its lead, original and revised deadlines, "
        "how far it slipped, why, and its rating.",
        align=["left", "left", "left", "left", "left", "left", "center"],
    )


def _progress(document: Any, report: BoardReport) -> None:
    if _heading(document, f"Progress since {long_date(report.since)}", report, "progress"):
        add_table(
            document,
            PROGRESS_HEADERS,
            progress_cells(report),
            [11, 30, 22, 22, 85],
            caption=f"Progress since {long_date(report.since)}",
            description="Items completed or given an update in the period, with the updates.",
        )
    if report.returns:
        paragraph(document, report.returns)  # the update round: who has sent a note, who owes one


def _ahead(document: Any, report: BoardReport) -> None:
    if not _heading(document, f"Look-ahead to {long_date(report.ahead_end)}, by lead", report, "ahead"):
        return
    for lead, group in report.ahead:
        paragraph(document, lead, "Heading 2")
        add_table(
            document,
            ["ID", "Due", "Status", "Action"],
            [[row.id, due_text(row), label(row.status), row.headline] for row in group],
            [11, 36, 24, 99],
            caption=f"Due by {long_date(report.ahead_end)}: {lead}",
            description="The unfinished items this lead has falling due in the look-ahead period.",
        )


def _waiting(document: Any, report: BoardReport) -> None:
    if not _heading(document, "Dependencies", report, "waiting"):
        return
    add_table(
        document,
        ["ID", "Lead", "Waiting on"],
        [[w.row.id, lead_text(w.row), ", ".join(f"{dep} ({label(s)})" for dep, s in w.blockers)] for w in report.waiting],
        [11, 45, 114],
        caption="Dependencies",
        description="Unfinished items waiting on items that are not complete yet.",
    )


def _legend(document: Any, report: BoardReport) -> None:
    legend_section(document, report.rag_key, report.legend)


def legend_section(document: Any, rag_key: Sequence[tuple[str, str]], legend: Sequence[str]) -> None:
    """The legend: the RAG key as a table of shaded cells, then the other notes of the *legend*."""
    paragraph(document, "Legend", "Heading 1")
    add_table(
        document,
        ["RAG", "Meaning"],
        [[rag_cell(name), meaning] for name, meaning in rag_key],
        [20, TEXT_WIDTH_MM - 20],
        caption="RAG key",
        description="What each RAG rating means.",
        align=["center"],
    )
    for line in legend_notes(legend):
        paragraph(document, line, "List Bullet")


def _health(document: Any, report: BoardReport) -> None:
    if not _heading(document, HEALTH_TITLE, report, "health"):
        return
    paragraph(document, HEALTH_INTRO, keep_with_next=True)
    add_table(
        document,
        HEALTH_HEADERS,
        health_lines(report),
        [110, TEXT_WIDTH_MM - 110],
        caption="Plan health",
        description="Gaps found in the plan itself, by kind, with the items concerned.",
    )


def _glossary(document: Any, report: BoardReport) -> None:
    if not _heading(document, "Glossary", report, "glossary"):
        return
    # Two columns on the page, in reading order: a long glossary then takes half the height.
    columns(document, 2)
    for row in report.glossary:
        entry = paragraph(document, style=TABLE_TEXT)
        entry.paragraph_format.space_after = Pt(2)
        add_text(entry, row.abbreviation, bold=True)
        add_text(entry, f" – {row.meaning}")
    columns(document, 1)
