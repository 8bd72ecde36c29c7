"""The highlight report as one self-contained HTML page: inline CSS and SVG, no scripts, no network.

It prints on A4 (print CSS with @page), and every piece of plan text goes through
html.escape, so nothing in the plan can add markup, scripts or links.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Sequence
from datetime import date

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
from sendplan.outputs.chart import chart_grid, quiet_note, timeline_svg
from sendplan.outputs.colours import rag_colour, rag_ink
from sendplan.outputs.text import clean
from sendplan.report import BoardReport, ExceptionLine, long_date

CSS = """
@page { size: A4; margin: 14mm 12mm 16mm 12mm; }
* { box-sizing: border-box; }
html { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
body { font-family: "Segoe UI", Arial, "Liberation Sans", Helvetica, sans-serif; font-size: 10pt;
       color: #1a1a1a; line-height: 1.35; margin: 0 auto; max-width: 186mm; padding: 8mm 0; }
h1 { font-size: 18pt; margin: 0 0 2mm; }
h2 { font-size: 13pt; margin: 7mm 0 2mm; padding-bottom: 1mm; border-bottom: 2px solid #1a1a1a;
     break-after: avoid; page-break-after: avoid; }
h3 { font-size: 11pt; margin: 4mm 0 1.5mm; break-after: avoid; page-break-after: avoid; }
p { margin: 1.5mm 0; }
table { border-collapse: collapse; width: 100%; margin: 1mm 0 2mm; }
thead { display: table-header-group; }
tr { break-inside: avoid; page-break-inside: avoid; }
th, td { text-align: left; vertical-align: top; padding: 1.2mm 1.6mm; border-bottom: 1px solid #d0d0d0; }
th { background: #eceff1; font-weight: 600; }
td.num, th.num { text-align: right; white-space: nowrap; }
td.id, td.nowrap { white-space: nowrap; }
.small { font-size: 8.5pt; }
ul.notes li { margin-bottom: 1.5mm; }
.muted { color: #555; }
dl.meta { display: grid; grid-template-columns: max-content 1fr; gap: 0.6mm 5mm; margin: 3mm 0; }
dl.meta dt { font-weight: 600; }
dl.meta dd { margin: 0; }
.cards { display: flex; gap: 3mm; margin: 2mm 0 3mm; }
.card { flex: 1 1 0; min-width: 0; border: 1px solid #c7ccd1; border-radius: 2mm; padding: 2mm 3mm; }
.card .value { font-size: 20pt; font-weight: 700; line-height: 1.1; }
.card .name { color: #444; }
.card.alert .value { color: #c62828; }
.split { display: flex; gap: 5mm; }
.split > div { flex: 1; }
.bar { display: flex; height: 5mm; border-radius: 1mm; overflow: hidden; margin: 1mm 0 2mm; }
.bar span { display: block; height: 100%; }
.chip { display: inline-block; min-width: 13mm; padding: 0.2mm 1.5mm; border-radius: 1mm;
        font-weight: 700; font-size: 8pt; text-align: center; text-transform: uppercase; }
ul.key { list-style: none; padding: 0; margin: 1mm 0; display: flex; flex-wrap: wrap; gap: 1mm 5mm; }
td.update { width: 30mm; }
dl.glossary { columns: 2; column-gap: 8mm; margin: 1mm 0; font-size: 9pt; line-height: 1.3; }
dl.glossary div { break-inside: avoid; page-break-inside: avoid; padding: 0.4mm 0; border-bottom: 1px solid #e3e6e8; }
dl.glossary dt { display: inline; font-weight: 600; }
dl.glossary dt::after { content: " – "; font-weight: 400; }
dl.glossary dd { display: inline; margin: 0; }
figure { margin: 2mm 0; break-inside: avoid; page-break-inside: avoid; }
figure svg { width: 100%; height: auto; display: block; }
figcaption { font-size: 8.5pt; color: #444; }
footer { margin-top: 8mm; font-size: 8pt; color: #666; border-top: 1px solid #d0d0d0; padding-top: 2mm; }
div.legend { break-inside: avoid; page-break-inside: avoid; }
/* Printed, the footer's words are at the foot of every page (see page_css). */
@media print { body { padding: 0; max-width: none; } footer { display: none; } }
"""


def e(text: object) -> str:
    """Plan text made safe for HTML: control characters removed, <, >, & and quotes escaped."""
    return html.escape(clean(str(text)), quote=True)


def multiline(text: str) -> str:
    return "<br>".join(e(line) for line in clean(text).splitlines())


def chip(rag: str | None) -> str:
    """A rating as a coloured chip with its word; a rating not known here is grey."""
    return (
        f'<span class="chip {e(rag or "none")}" style="background:{rag_colour(rag)};color:{rag_ink(rag)}">'
        f"{e(label(rag))}</span>"
    )


def css_string(text: str) -> str:
    """Text as a CSS string literal: everything but letters, digits and spaces as a hex escape,
    so no plan text can end the string, the rule or the <style> element."""
    # An escape ends at the space after it (which CSS drops), so a real space can follow.
    return '"' + "".join(ch if ch.isalnum() or ch == " " else f"\\{ord(ch):x} " for ch in clean(text)) + '"'


def page_css(header_left: str, header_right: str, footer_left: str) -> str:
    """The printed page's margin boxes: the plan at the top, where it came from and "Page N of M"
    at the foot."""
    box = "font-family: Arial, 'Liberation Sans', sans-serif; font-size: 8.5pt; color: #555;"
    return (
        f"@page {{ @top-left {{ content: {css_string(header_left)}; {box} }} "
        f"@top-right {{ content: {css_string(header_right)}; {box} }} "
        f"@bottom-left {{ content: {css_string(footer_left)}; {box} }} "
        f'@bottom-right {{ content: "Page " counter(page) " of " counter(pages); {box} }} }}'
    )


def table(headers: Sequence[str], rows: Iterable[Sequence[str]], classes: Sequence[str] = (), *, raw: bool = False) -> str:
    """A table; cells are escaped unless *raw* (then the caller has escaped them)."""
    head = "".join(
        f'<th class="{classes[i]}">{e(header)}</th>' if i < len(classes) and classes[i] else f"<th>{e(header)}</th>"
        for i, header in enumerate(headers)
    )
    body = []
    for row in rows:
        cells = []
        for i, cell in enumerate(row):
            css = f' class="{classes[i]}"' if i < len(classes) and classes[i] else ""
            cells.append(f"<td{css}>{cell if raw else multiline(cell)}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"


def rag_bar(counts: dict[str, int]) -> str:
    total = sum(counts.values()) or 1
    parts = [
        f'<span style="width:{100 * count / total:.2f}%;background:{rag_colour(name)}" title="{e(name)}: {count}"></span>'
        for name, count in counts.items()
        if count
    ]
    return f'<div class="bar" role="img" aria-label="items by RAG">{"".join(parts)}</div>'


# ---------------------------------------------------------------------------------------
# The page


def to_html(report: BoardReport) -> str:
    """The whole report as one HTML document."""
    f = report.figures
    title = f"Highlight report: {report.title}"
    meta = "".join(f"<dt>{e(name)}</dt><dd>{e(value)}</dd>" for name, value in header_fields(report))
    cards = "".join(
        f'<div class="card{" alert" if name == "Overdue" and value != "0" else ""}">'
        f'<div class="value">{e(value)}</div><div class="name">{e(name)}</div></div>'
        for name, value in headline_pairs(report)
    )
    status_table = table(["Status", "Items"], [[label(name), str(count)] for name, count in f.by_status.items()], ["", "num"])
    rag_table = table(
        ["RAG", "Items"], [[chip(None if name == "none" else name), str(count)] for name, count in f.by_rag.items()],
        ["", "num"], raw=True,
    )
    sections = [
        f"<h1>{e(title)}</h1>",
        f'<dl class="meta">{meta}</dl>',
        "<h2>Headline figures</h2>",
        f'<div class="cards">{cards}</div>',
        rag_bar(f.by_rag),
        *([f"<p>{e(note)}</p>"] if (note := as_of_note(report)) else []),
        f'<div class="split"><div>{status_table}</div><div>{rag_table}</div></div>',
        "<h2>RAG by task</h2>",
        table(
            ["Task", "Title", "RAG", "Items", "Reason"],
            [
                [e(t.task), e(t.title), chip(t.rag), e(t.items), e(t.reason)]
                for t in report.tasks
            ],
            ["num", "", "nowrap", "num", ""],
            raw=True,
        ),
        "<h2>Deadlines by task</h2>",
        (f"<figure>{timeline_svg(lanes(report), report.rows, report.as_of, [name for name, _ in report.rag_key])}"
        f"<figcaption>Each dot is a month's deadlines for a task (revised deadlines where there are any); "
        f"the dashed line is the as-of day, in the month headed in black. "
        f"{e(quiet_note(chart_grid(lanes(report), report.rows, report.as_of)[1]))} "
        f"Items with no deadline are not shown.</figcaption></figure>"),
        "<h2>Exceptions</h2>",
        _exceptions(report),
        f"<h2>{e(REVISIONS_TITLE)}</h2>",
        _revisions(report),
        f"<h2>Progress since {e(long_date(report.since))}</h2>",
        _progress(report),
        f"<h2>Look-ahead to {e(long_date(report.ahead_end))}, by lead</h2>",
        _ahead(report),
        "<h2>Dependencies</h2>",
        _waiting(report),
        '<div class="legend"><h2>Legend</h2>',
        _legend(report) + "</div>",
        "<h2>Glossary</h2>",
        _glossary(report),
        f"<h2>{e(HEALTH_TITLE)}</h2>",
        _health(report),
    ]
    return html_page(title, report.as_of, made_by(report), sections)


def html_page(title: str, as_of: date, footer: str, sections: Sequence[str], css: str = "") -> str:
    """A whole HTML document: *sections* (already escaped) under *title*, the foot of every
    printed page saying *footer*, and the report's style sheet with *css* added."""
    page = page_css(title, f"As of {long_date(as_of)}", footer)
    body = "\n".join([*sections, f"<footer>{e(footer)}.</footer>"])
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en-GB">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{e(title)} · {e(long_date(as_of))}</title>\n"
        f"<style>{CSS}{css}{page}\n</style>\n</head>\n<body>\n" + body + "\n</body>\n</html>\n"
    )


def _exceptions(report: BoardReport) -> str:
    if (empty := empty_section(report, "exceptions")) is not None:
        return f"<p>{e(empty)}</p>"
    return exceptions_html(report.exceptions)


def exceptions_html(exceptions: Sequence[ExceptionLine], notes_heading: str = "h3") -> str:
    """The exceptions table, then their recovery, impact and decision notes under a
    *notes_heading* (a report's section, or one plan's in a report on several)."""
    if not exceptions:
        return f"<p>{e(NO_EXCEPTIONS)}</p>"
    intro = f"<p>{e(exceptions_intro(exceptions))}</p>"
    why = show_why(exceptions)
    headers = ["ID", "Lead", "Deadline", "Days late", *(["Why"] if why else []), "Action", "Latest update"]
    rows = [
        [
            e(line.row.id),
            e(lead_text(line.row)),
            e(due_text(line.row)),
            e(line.row.days_overdue if line.row.overdue else ""),
            *([e(exception_note(line))] if why else []),
            multiline(line.row.headline),
            e(exception_update(line)),
        ]
        for line in exceptions
    ]
    classes = ["id", "", "nowrap", "num", *(["small"] if why else []), "small", "small update"]
    notes = "".join(
        f"<li><b>{e(line.row.id)}</b>, {e(lead_text(line.row))}"
        + "".join(f"<br><i>{e(heading)}:</i> {e(text)}" for heading, text in note_parts(line))
        + "</li>"
        for line in exceptions
        if line.has_note
    )
    extra = (
        f"<{notes_heading}>Recovery, impact and decisions</{notes_heading}><ul class=\"notes\">{notes}</ul>"
        if notes
        else ""
    )
    missing = without_note(exceptions)
    if missing:
        extra += f"<p class=\"small\">No recovery step is recorded yet for {e(', '.join(missing))}.</p>"
    return intro + table(headers, rows, classes, raw=True) + extra


def _revisions(report: BoardReport) -> str:
    if (empty := empty_section(report, "revisions")) is not None:
        return f"<p>{e(empty)}</p>"
    body = [
        [*(e(cell) for cell in cells), chip(r.row.rag)]
        for cells, r in zip(revision_cells(report), report.revisions, strict=True)
    ]
    return f"<p>{e(revisions_intro(report))}</p>" + table(
        [*REVISIONS_HEADERS, "RAG"], body, ["id", "", "nowrap", "nowrap", "nowrap", "", "nowrap"], raw=True
    )


def _progress(report: BoardReport) -> str:
    returns = f"\n<p>{e(report.returns)}</p>" if report.returns else ""
    if (empty := empty_section(report, "progress")) is not None:
        return f"<p>{e(empty)}</p>{returns}"
    return table(PROGRESS_HEADERS, progress_cells(report), ["id", "", "nowrap", "nowrap", "small"]) + returns


def _ahead(report: BoardReport) -> str:
    if (empty := empty_section(report, "ahead")) is not None:
        return f"<p>{e(empty)}</p>"
    parts = []
    for lead, group in report.ahead:
        parts.append(f"<h3>{e(lead)}</h3>")
        parts.append(
            table(
                ["ID", "Due", "Status", "Action"],
                [[row.id, due_text(row), label(row.status), row.headline] for row in group],
                ["id", "nowrap", "nowrap", "small"],
            )
        )
    return "".join(parts)


def _waiting(report: BoardReport) -> str:
    if (empty := empty_section(report, "waiting")) is not None:
        return f"<p>{e(empty)}</p>"
    return table(
        ["ID", "Lead", "Waiting on"],
        [[w.row.id, lead_text(w.row), ", ".join(f"{dep} ({label(s)})" for dep, s in w.blockers)] for w in report.waiting],
        ["id", "", ""],
    )


def _health(report: BoardReport) -> str:
    if (empty := empty_section(report, "health")) is not None:
        return f"<p>{e(empty)}</p>"
    return f"<p>{e(HEALTH_INTRO)}</p>" + table(HEALTH_HEADERS, health_lines(report), ["", ""])


def _legend(report: BoardReport) -> str:
    return legend_html(report.rag_key, report.legend)


def legend_html(rag_key: Sequence[tuple[str, str]], legend: Sequence[str]) -> str:
    """The RAG key (each rating's chip and meaning), then the other notes of the *legend*."""
    key = "".join(f"<li>{chip(name)} {e(meaning)}</li>" for name, meaning in rag_key)
    return f'<ul class="key">{key}</ul><ul>' + "".join(f"<li>{e(line)}</li>" for line in legend_notes(legend)) + "</ul>"


def _glossary(report: BoardReport) -> str:
    if (empty := empty_section(report, "glossary")) is not None:
        return f"<p>{e(empty)}</p>"
    # Two columns, one entry never split: a long glossary takes half the height.
    entries = "".join(f"<div><dt>{e(g.abbreviation)}</dt><dd>{e(g.meaning)}</dd></div>" for g in report.glossary)
    return f'<dl class="glossary">{entries}</dl>'
