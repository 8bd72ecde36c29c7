"""The report on several plans at once as a Word document: the summary (a row per plan, the RAG
mix in shaded cells), then each plan's exceptions, drawn as the one-plan report draws them
(docx.py), on the same A4 page with the same styles, header, footer and page numbers.

Pure: the day arrives in the report; the same report gives the same bytes.
"""

from __future__ import annotations

from datetime import datetime, time
from typing import Any

from sendplan.outputs.docx import (
    exceptions_section,
    legend_section,
    new_paper,
    one_row,
    rag_cell,
    set_properties,
)
from sendplan.outputs.portfolio import (
    SUMMARY_INTRO,
    TOTAL_NAME,
    exceptions_count,
    figure_cells,
    header_fields,
    headline_pairs,
    made_by,
    rag_mix,
    section_title,
    summary_headers,
    summary_title,
)
from sendplan.outputs.wordml import TEXT_WIDTH_MM, Cell, add_table, document_bytes, paragraph
from sendplan.portfolio_report import PortfolioReport

# Plan, title, RAG, items, complete, overdue, due ahead; the RAG mix takes what is left.
_WIDTHS = [18.0, 38.0, 16.0, 12.0, 18.0, 16.0, 17.0]


def to_docx(report: PortfolioReport) -> bytes:
    """The whole report as a .docx."""
    title = summary_title(report)
    document = new_paper(
        title, report.as_of, made_by(report), header_fields(report), "The as-of day, look-ahead and the plans this report covers."
    )
    comments = f"{made_by(report)}: {', '.join(line.plan for line in report.plans)}."
    set_properties(document, title, report.title, report.author, comments, "highlight report, portfolio", report.as_of)
    paragraph(document, "Summary", "Heading 1")
    total = report.total
    pairs = headline_pairs(report)
    one_row(
        document,
        "Across the plans",
        [name for name, _ in pairs],
        [Cell(value, bold=True, size=16, colour="C62828" if name == "Overdue" and total.overdue else None) for name, value in pairs],
        "; ".join(f"{name}: {value}" for name, value in pairs),
    )
    paragraph(document, SUMMARY_INTRO)
    _summary(document, report)
    for section in report.sections:
        paragraph(document, f"{section_title(section.line)} ({exceptions_count(len(section.exceptions))})", "Heading 1")
        exceptions_section(document, section.exceptions, caption=f"Exceptions: {section.line.plan}")
    legend_section(document, report.rag_key, report.legend)
    return document_bytes(document, datetime.combine(report.as_of, time()))


def _summary(document: Any, report: PortfolioReport) -> None:
    rows: list[list[str | Cell]] = [
        [line.plan, line.title, rag_cell(line.rag), *figure_cells(line.figures), rag_mix(line.figures)]
        for line in report.plans
    ]
    totals = [*figure_cells(report.total), rag_mix(report.total)]
    rows.append([Cell(TOTAL_NAME, bold=True), "", "", *(Cell(text, bold=True) for text in totals)])
    add_table(
        document,
        summary_headers(report),
        rows,
        [*_WIDTHS, TEXT_WIDTH_MM - sum(_WIDTHS)],
        caption="Summary by plan",
        description="Each plan's items, percent complete, overdue, due in the look-ahead, worst rating and "
        "items by rating, then the totals across the plans.",
        align=["left", "left", "center", "right", "right", "right", "right"],
    )
