"""The report on several plans at once, as Markdown and as one HTML page: a summary with a row
per plan (items, percent complete, overdue, due in the look-ahead, the RAG mix), then each
plan's exceptions, drawn by the same code as the one-plan report's. Word is portfolio_docx.py.

Plan text is escaped as in the one-plan report (md_escape, html.escape), and the wording the
three formats share is here.
"""

from __future__ import annotations

from pathlib import PurePath

from sendplan import __version__
from sendplan.outputs.board import label, size_text
from sendplan.outputs.html import chip, e, exceptions_html, html_page, legend_html, rag_bar, table
from sendplan.outputs.markdown import md_escape, md_exceptions, md_table
from sendplan.portfolio_report import PlanLine, PortfolioReport
from sendplan.report import RAG_ORDER, Figures, long_date, plural

TOTAL_NAME = "All plans"
SUMMARY_INTRO = (
    "One row per plan. Complete counts complete items out of those not dropped; RAG is the "
    "worst rating among a plan's items. Each plan's red and overdue items follow, under its name "
    "(item ids there are the plan's own)."
)


def summary_title(report: PortfolioReport) -> str:
    return f"Portfolio report: {report.title}"


def made_by(report: PortfolioReport) -> str:
    """The foot of every printed page: what made the paper, from how many plans, as of when."""
    return f"Made by sendplan {__version__} from {plural(len(report.plans), 'plan')} as of {long_date(report.as_of)}"


def header_fields(report: PortfolioReport) -> list[tuple[str, str]]:
    """The header's (label, value) pairs; absent values are left out."""
    pairs = [
        ("As of", long_date(report.as_of)),
        ("Look-ahead to", long_date(report.ahead_end)),
        ("Author", report.author or ""),
        ("Audience", report.audience or ""),
        ("Plans", ", ".join(f"{line.plan} ({PurePath(line.source).name})" for line in report.plans)),
    ]
    return [(name, value) for name, value in pairs if value]


def headline_pairs(report: PortfolioReport) -> list[tuple[str, str]]:
    """The headline figures across the plans, (name, value): plans, items, complete, overdue, due."""
    total = report.total
    return [
        ("Plans", str(len(report.plans))),
        ("Items", str(total.total)),
        ("Complete", f"{total.percent_complete}%"),
        ("Overdue", str(total.overdue)),
        (f"Due by {long_date(report.ahead_end)}", str(total.due_ahead)),
    ]


def rag_mix(figures: Figures) -> str:
    """ "13 red · 3 amber · 41 green": the items of each rating, the worst first, none left out
    but the ratings no item has."""
    names = [*RAG_ORDER, "none", *(name for name in figures.by_rag if name not in (*RAG_ORDER, "none"))]
    parts = [f"{figures.by_rag[name]} {label(name)}" for name in names if figures.by_rag.get(name)]
    return " · ".join(parts) or "no items"


def summary_headers(report: PortfolioReport) -> list[str]:
    return ["Plan", "Title", "RAG", "Items", "Complete", "Overdue", f"Due by {long_date(report.ahead_end)}", "RAG mix"]


def figure_cells(figures: Figures) -> list[str]:
    """Items, percent complete, overdue and due in the look-ahead, as text."""
    return [str(figures.total), f"{figures.percent_complete}%", str(figures.overdue), str(figures.due_ahead)]


def written(report: PortfolioReport, size: int) -> str:
    """What `report -o FILE` on several plans confirms it wrote."""
    return (
        f"{size_text(size)}: {plural(len(report.plans), 'plan')}, {plural(report.total.total, 'item')}, "
        f"{report.exception_count} red or overdue"
    )


def section_title(line: PlanLine) -> str:
    return f"{line.plan}: {line.title}"


def exceptions_count(line_count: int) -> str:
    return "no exceptions" if not line_count else plural(line_count, "exception")


# ---------------------------------------------------------------------------------------
# Markdown


def to_markdown(report: PortfolioReport) -> str:
    """The whole report as GitHub/CommonMark Markdown."""
    header = "\n".join(f"- **{name}:** {md_escape(value)}" for name, value in header_fields(report))
    body = [
        [line.plan, line.title, label(line.rag).upper(), *figure_cells(line.figures), rag_mix(line.figures)]
        for line in report.plans
    ]
    body.append([TOTAL_NAME, "", "", *figure_cells(report.total), rag_mix(report.total)])
    align = ["left", "left", "left", "right", "right", "right", "right", "left"]
    parts = [
        f"# {md_escape(summary_title(report))}",
        header,
        "## Summary",
        SUMMARY_INTRO,
        md_table(summary_headers(report), body, align),
    ]
    for section in report.sections:
        parts += [f"## {md_escape(section_title(section.line))}", md_exceptions(section.exceptions)]
    parts += ["## Legend", "\n".join(f"- {md_escape(line)}" for line in report.legend)]
    return "\n\n".join(parts) + "\n"


# ---------------------------------------------------------------------------------------
# HTML


PORTFOLIO_CSS = """
td.mix { width: 34mm; }
td.mix .bar { height: 3mm; margin: 0.6mm 0 0.8mm; }
tr.total td { font-weight: 700; border-top: 1.5px solid #1a1a1a; }
"""


def _html_summary(report: PortfolioReport) -> str:
    classes = ["id", "", "nowrap", "num", "num", "num", "num", "mix small"]

    def cells(plan: str, title: str, rag: str, figures: Figures) -> list[str]:
        mix = rag_bar(figures.by_rag) + e(rag_mix(figures))
        return [plan, title, rag, *(e(cell) for cell in figure_cells(figures)), mix]

    rows = [cells(e(line.plan), e(line.title), chip(line.rag), line.figures) for line in report.plans]
    body = table(summary_headers(report), rows, classes, raw=True)
    total = "".join(
        f'<td class="{css}">{cell}</td>' for css, cell in zip(classes, cells(e(TOTAL_NAME), "", "", report.total), strict=True)
    )
    return body.replace("</tbody>", f'<tr class="total">{total}</tr></tbody>')


def to_html(report: PortfolioReport) -> str:
    """The whole report as one self-contained HTML document."""
    title = summary_title(report)
    meta = "".join(f"<dt>{e(name)}</dt><dd>{e(value)}</dd>" for name, value in header_fields(report))
    cards = headline_pairs(report)
    card_html = "".join(
        f'<div class="card{" alert" if name == "Overdue" and value != "0" else ""}">'
        f'<div class="value">{e(value)}</div><div class="name">{e(name)}</div></div>'
        for name, value in cards
    )
    sections = [
        f"<h1>{e(title)}</h1>",
        f'<dl class="meta">{meta}</dl>',
        "<h2>Summary</h2>",
        f'<div class="cards">{card_html}</div>',
        f"<p>{e(SUMMARY_INTRO)}</p>",
        _html_summary(report),
    ]
    for section in report.sections:
        sections += [
            (
                f"<h2>{e(section_title(section.line))} <span class=\"muted small\">"
                f"({e(exceptions_count(len(section.exceptions)))})</span></h2>"
            ),
            exceptions_html(section.exceptions, notes_heading="h3"),
        ]
    sections += [
        '<div class="legend"><h2>Legend</h2>',
        legend_html(report.rag_key, report.legend) + "</div>",
    ]
    return html_page(title, report.as_of, made_by(report), sections, PORTFOLIO_CSS)
