"""The board report (Markdown and HTML), the timeline, iCalendar, JSON Schema and glossary commands."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from datetime import date, datetime
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import icalendar
import jsonschema
import pytest
import yaml
from click.testing import Result
from helpers import MINIMAL_PLAN

from sendplan.outputs.timeline import CELL_WIDTH, LABEL_WIDTH, year_row
from sendplan.plan.glossary import abbreviations_in, undefined_abbreviations
from sendplan.plan.load import parse_plan
from sendplan.plan.parse import compose, to_data
from sendplan.plan.read import load_plan

AS_OF = "2021-12-01"

# A small plan with progress: one item done in the period, one updated, one red by hand,
# one overdue, one waiting on another, one recurring, and hostile text.
PROGRESS_PLAN = """\
plan:
  title: Test recovery plan
  organisation: Testshire Council
  date: Nov 2021
leads:
  AG:
    name: Anthony Giles
  CK:
    name: Chris Kiernan
glossary:
  EHCP: education, health and care plan
tasks:
  - number: 1
    title: First task
    deliverables:
      - title: A deliverable
        items:
          - id: "1.1"
            action: Draft the EHCP guide
            deadline: Nov 2021
            lead: AG
            status: complete
            completed: 2021-11-20
          - id: "1.2"
            action: "<script>alert('x')</script> & **bold** | pipe"
            success_criteria:
              - "=HYPERLINK(\\"http://evil\\")"
            deadline: Oct 2021
            lead: CK
            status: on_track
            updates:
              - date: 2021-10-02
                by: CK
                text: Old news
              - date: 2021-11-15
                by: CK
                text: Meeting held with SENDCOs
          - id: "1.3"
            action: Agree the budget with the DSG team
            deadline: Mar 2022
            lead: AG
            status: at_risk
            rag: red
            rag_reason: Funding decision delayed
            recovery: Interim budget from reserves
            impact: Training stops in April
            decision: Approve the use of reserves
  - number: 2
    title: Second task
    deliverables:
      - title: Another deliverable
        items:
          - id: "2.1"
            action: Run the annual review
            deadline: every January
            lead: AG
            status: not_started
          - id: "2.2"
            action: Publish the results
            deadline: Dec 2021
            revised_deadline: Feb 2022
            revision_reason: Waiting for the review
            lead: ZZ
            status: not_started
            depends_on: "2.1"
          - id: "2.3"
            action: Tell everyone
            status: not_started
"""


class Page(HTMLParser):
    """Collects tags, attributes and text of an HTML page."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.attrs: list[tuple[str, str | None]] = []
        self.text: list[str] = []
        self.headings: list[str] = []
        self._in_h2 = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.attrs += attrs
        self._in_h2 = tag == "h2"

    def handle_endtag(self, tag: str) -> None:
        if tag == "h2":
            self._in_h2 = False

    def handle_data(self, data: str) -> None:
        self.text.append(data)
        if self._in_h2:
            self.headings.append(data)


def parse_html(text: str) -> Page:
    page = Page()
    page.feed(text)
    page.close()
    return page


def md_tables(text: str) -> list[list[list[str]]]:
    """Every pipe table in a Markdown text, as rows of cells (alignment rows dropped)."""
    tables: list[list[list[str]]] = []
    current: list[list[str]] = []
    for line in [*text.splitlines(), ""]:
        if line.startswith("| "):
            cells = [cell.strip() for cell in re.split(r"(?<!\\)\|", line.strip())[1:-1]]
            if not all(set(cell) <= set("-:") for cell in cells):
                current.append(cells)
        elif current:
            tables.append(current)
            current = []
    return tables


@pytest.fixture
def progress_plan(write_plan: Callable[..., Path]) -> Path:
    return write_plan(PROGRESS_PLAN)


# --- report: Markdown ---------------------------------------------------------------------------


def test_markdown_report_sections_in_order(run: Callable[..., Result], bundled_plan: Path) -> None:
    """The Markdown report carries every section of a highlight report, in the usual order."""
    result = run("report", "--plan", str(bundled_plan), "--as-of", AS_OF)
    assert result.exit_code == 0
    headings = [line for line in result.stdout.splitlines() if line.startswith("## ")]
    assert headings == [
        "## Headline figures",
        "## RAG by task",
        "## Exceptions",
        "## Revised deadlines",
        "## Progress since 1 Nov 2021",
        "## Look-ahead to 1 Jan 2022, by lead",
        "## Dependencies",
        "## Legend",
        "## Glossary",
        "## Appendix: plan health",
    ]
    assert result.stdout.startswith("# Highlight report: SEND recovery plan\n")
    assert "- **As of:** 1 Dec 2021" in result.stdout


def test_markdown_report_figures_for_the_seed(run: Callable[..., Result], bundled_plan: Path) -> None:
    """Headline figures, task ratings and exceptions match the seed as of 1 Dec 2021."""
    tables = md_tables(run("report", "--plan", str(bundled_plan), "--as-of", AS_OF).stdout)
    headline, statuses, rags, tasks, exceptions = tables[:5]
    assert headline[1:] == [
        ["Items", "57"], ["Complete", "0%"], ["Overdue", "13"], ["Due by 1 Jan 2022", "3"], ["Deadlines moved", "0"]
    ]
    assert statuses[1] == ["not started", "57"]
    # 4.5 and 4.6 have no lead, 7.7 and 7.8 neither lead nor deadline: grey, not green.
    assert dict(row for row in rags[1:]) == {"red": "13", "amber": "3", "grey": "4", "green": "37", "blue": "0", "none": "0"}
    assert [(row[0], row[2]) for row in tasks[1:]] == [
        ("1", "GREEN"), ("2", "GREEN"), ("3", "GREEN"), ("4", "RED"),
        ("5", "RED"), ("6", "RED"), ("7", "GREY"), ("8", "GREEN"),
    ]
    assert tasks[7][-1] == "Cannot be called on course: 7.7 (no deadline or lead), 7.8 (no deadline or lead)."
    assert tasks[4][-1] == "1 item overdue, the longest 4.2 by 396 days."
    assert exceptions[0] == ["ID", "Lead", "Deadline", "Days late", "Action", "Latest update"]
    assert [row[0] for row in exceptions[1:]] == [
        "4.2", "5.1", "5.2", "6.1", "6.2", "5.3", "6.3", "6.4", "6.5", "5.4", "5.5", "5.6", "5.7",
    ]
    assert exceptions[1][:4] == ["4.2", "BB (Beth Bains)", "31 Oct 2020", "396"]


def test_markdown_report_health_and_glossary(run: Callable[..., Result], bundled_plan: Path) -> None:
    """The plan health appendix counts each kind of gap in a board's words, with the items, and no file
    lines; the glossary is printed."""
    text = run("report", "--plan", str(bundled_plan), "--as-of", AS_OF).stdout
    appendix = text.split("## Appendix: plan health")[1]
    assert appendix.strip().startswith("Gaps in the plan itself, by kind.")
    assert md_tables(appendix)[0] == [
        ["What needs attention", "Which"],
        ["5 actions have no named lead", "4.5, 4.6, 6.4, 7.7, 7.8"],
        ["2 actions have no deadline", "7.7, 7.8"],
        ["1 action has no success criterion", "6.7"],
        ["4 items say what should be achieved but not what will be done", "4.8, 7.7, 7.8, 8.6"],
        ["1 action is led by someone not in the leads key", "8.6"],
        ["1 deadline is well before the plan's date (probably the wrong year)", "4.2"],
        ["3 entries are placeholders or left empty", "3.2, 3.3, 6.6"],
        ["4 entries repeat others", "5.2, 8.4, a deliverable of task 8, 8.5"],
    ]  # the 21 warnings of sendplan validate on the bundled plan, by kind
    assert not re.search(r"line \d|SP1\d\d", text)  # file lines and check codes are for sendplan validate
    glossary = md_tables(text.split("## Glossary")[1])[0]
    assert ["NMI", "non-maintained and independent (special schools or placements)"] in glossary
    assert "RAG: blue = complete; red = overdue or off track" in text


def test_report_progress_since(run: Callable[..., Result], progress_plan: Path) -> None:
    """--since lists items completed or updated from that day on, and only those updates."""
    text = run("report", "--plan", str(progress_plan), "--as-of", AS_OF, "--since", "2021-11-01").stdout
    progress = md_tables(text.split("## Progress since 1 Nov 2021")[1].split("## ")[0])[0]
    assert progress[1][:4] == ["1.1", "AG (Anthony Giles)", "complete", "20 Nov 2021"]
    assert progress[2][0] == "1.2"
    assert progress[2][4] == "15 Nov 2021 CK: Meeting held with SENDCOs"
    assert len(progress) == 3
    later = run("report", "--plan", str(progress_plan), "--as-of", AS_OF, "--since", "2021-11-21").stdout
    assert "No item was completed or updated from 21 Nov 2021 to 1 Dec 2021." in later


def test_report_exceptions_with_reasons(run: Callable[..., Result], progress_plan: Path) -> None:
    """Red-by-hand and overdue items are exceptions, with their reasons and latest update."""
    text = run("report", "--plan", str(progress_plan), "--as-of", AS_OF).stdout
    exceptions = md_tables(text.split("## Exceptions")[1].split("## ")[0])[0]
    assert exceptions[0][4] == "Why"
    assert [row[0] for row in exceptions[1:]] == ["1.2", "1.3"]
    assert exceptions[1][3] == "31"
    assert exceptions[1][6] == "15 Nov 2021 CK: Meeting held with SENDCOs"
    assert exceptions[2][4] == "at risk; rated red: Funding decision delayed"


def test_report_exception_notes(run: Callable[..., Result], progress_plan: Path, tmp_path: Path) -> None:
    """Recovery, impact and decision follow the exceptions table; exceptions without them are named."""
    text = run("report", "--plan", str(progress_plan), "--as-of", AS_OF).stdout
    section = text.split("## Exceptions")[1].split("## ")[0]
    assert (
        "- **1.3**, AG (Anthony Giles)\n  - _Recovery:_ Interim budget from reserves\n"
        "  - _Impact if nothing is done:_ Training stops in April\n  - _Decision needed:_ Approve the use of reserves"
    ) in section
    assert section.rstrip().endswith("No recovery step is recorded yet for 1.2.")
    target = tmp_path / "report.html"
    run("report", "--plan", str(progress_plan), "--as-of", AS_OF, "-o", str(target))
    page = parse_html(target.read_text(encoding="utf-8"))
    words = " ".join(page.text)
    assert "Recovery, impact and decisions" in words
    assert "Approve the use of reserves" in words


def test_report_look_ahead_dependencies_and_health(run: Callable[..., Result], progress_plan: Path) -> None:
    """Look-ahead groups by lead; a waiting item names its blocker; an unknown lead is a finding."""
    text = run("report", "--plan", str(progress_plan), "--as-of", AS_OF, "--ahead", "3m").stdout
    ahead = text.split("## Look-ahead to 1 Mar 2022, by lead")[1].split("## Dependencies")[0]
    assert "### AG (Anthony Giles)" in ahead
    assert "### ZZ (not in the leads key)" in ahead
    assert "1 Feb 2022" not in ahead  # the look-ahead stops at 1 Mar 2022, so 2.2 (28 Feb) is in
    assert "31 Dec 2021 → revised 28 Feb 2022" in ahead
    waiting = md_tables(text.split("## Dependencies")[1].split("## ")[0])[0]
    assert waiting[1] == ["2.2", "ZZ", "2.1 (not started)"]
    health = md_tables(text.split("## Appendix: plan health")[1])[0]
    assert ["1 action has no named lead", "2.3"] in health
    assert ["1 action is led by someone not in the leads key", "2.2"] in health
    assert ["3 abbreviations are not in the glossary", "HYPERLINK, SENDCO, DSG"] in health


def test_report_markdown_escapes_plan_text(run: Callable[..., Result], progress_plan: Path) -> None:
    """Markup in plan text stays literal in the Markdown report."""
    text = run("report", "--plan", str(progress_plan), "--as-of", AS_OF).stdout
    assert r"\<script\>alert('x')\</script\> \& \*\*bold\*\* \| pipe" in text
    assert "<script>" not in text


# --- report: HTML -------------------------------------------------------------------------------


def test_html_report_is_self_contained(run: Callable[..., Result], bundled_plan: Path, tmp_path: Path) -> None:
    """-o report.html writes one HTML page with inline CSS and SVG, no script and no outside resource."""
    target = tmp_path / "board.html"
    result = run("report", "--plan", str(bundled_plan), "--as-of", AS_OF, "-o", str(target))
    assert result.exit_code == 0
    assert result.stdout == ""
    text = target.read_text(encoding="utf-8")
    page = parse_html(text)
    assert text.startswith("<!DOCTYPE html>")
    assert "script" not in page.tags
    assert {"html", "head", "style", "body", "svg", "table", "h1"} <= set(page.tags)
    assert not {"link", "img", "iframe", "object", "embed"} & set(page.tags)
    urls = [value for name, value in page.attrs if name in ("src", "href") and value]
    assert urls == []
    assert "http://" not in text.replace("http://www.w3.org/2000/svg", "")
    assert "https://" not in text
    assert "@page { size: A4;" in text
    assert '@bottom-right { content: "Page " counter(page) " of " counter(pages);' in text
    assert page.headings == [
        "Headline figures", "RAG by task", "Deadlines by task", "Exceptions", "Revised deadlines",
        "Progress since 1 Nov 2021", "Look-ahead to 1 Jan 2022, by lead", "Dependencies", "Legend", "Glossary", "Appendix: plan health",
    ]
    assert result.stderr == f"Wrote {target} (34 KB: 57 items, 13 red or overdue, 3 due by 1 Jan 2022)\n"


def test_html_timeline_marks_as_of_and_overdue(run: Callable[..., Result], bundled_plan: Path) -> None:
    """The SVG chart has a lane per task, the as-of day labelled, and overdue dots ringed."""
    text = run("report", "--plan", str(bundled_plan), "--as-of", AS_OF, "--format", "html").stdout
    svg = text[text.index("<svg") : text.index("</svg>")]
    assert "as of 1 Dec 2021" in svg
    assert svg.count('stroke="#000" stroke-width="1.4"><title>') == 6  # task-months with overdue items
    for task in range(1, 9):
        assert f'<tspan font-weight="bold">{task}</tspan>' in svg
    assert "<title>4.2 (31 Oct 2020) (overdue)</title>" in svg


def test_html_pages_are_numbered_and_headed_with_the_plan(run: Callable[..., Result], bundled_plan: Path) -> None:
    """Printed, each page names the plan at the top and says "Page N of M" at the foot (CSS margin boxes,
    which Chromium prints in place of its own header and footer)."""
    text = run("report", "--plan", str(bundled_plan), "--as-of", AS_OF, "--format", "html").stdout
    css = text[text.index("<style>") : text.index("</style>")]
    assert '@top-left { content: "Highlight report\\3a  SEND recovery plan";' in css
    assert '@top-right { content: "As of 1 Dec 2021";' in css
    assert '@bottom-right { content: "Page " counter(page) " of " counter(pages);' in css
    assert '@bottom-left { content: "Made by sendplan 0\\2e 1\\2e 0 from plan\\2e yaml as of 1 Dec 2021";' in css


def test_css_string_leaves_plan_text_no_way_out() -> None:
    """Plan text in the page's CSS is one string literal: quotes, backslashes and "</style>" are escapes."""
    from sendplan.outputs.html import css_string

    assert css_string('a "b" \\ </style>') == '"a \\22 b\\22  \\5c  \\3c \\2f style\\3e "'


def test_hostile_title_stays_inside_the_page_css(run: Callable[..., Result], write_plan: Callable[..., Path]) -> None:
    """A plan title that tries to end the CSS string, the rule or the style element changes nothing."""
    hostile = "\"; } body { color: hotpink } </style><script>alert(1)</script>"
    path = write_plan(MINIMAL_PLAN.replace("title: Test plan", "title: '" + hostile + "'"))
    text = run("report", "--plan", str(path), "--as-of", "2022-06-01", "--format", "html").stdout
    page = parse_html(text)
    assert page.tags.count("style") == 1
    assert "script" not in page.tags
    from sendplan.outputs.html import css_string

    css = text[text.index("<style>") : text.index("</style>")]
    assert "<" not in css.removeprefix("<style>")
    literal = css_string(f"Highlight report: {hostile}")
    assert f"@top-left {{ content: {literal};" in css
    assert "hotpink" not in css.replace(literal, "")  # only ever inside the one string


def test_chart_prints_at_9pt_with_titles_wrapped(run: Callable[..., Result], bundled_plan: Path) -> None:
    """Printed 186 mm wide, no text in the chart is under 9 pt, and no task title is cut: each wraps whole."""
    text = run("report", "--plan", str(bundled_plan), "--as-of", AS_OF, "--format", "html").stdout
    svg = text[text.index("<svg") : text.index("</svg>")]
    width = float(re.search(r'viewBox="0 0 ([\d.]+) ', svg)[1])
    smallest = min(float(size) for size in re.findall(r'font-size="([\d.]+)"', svg))
    assert smallest * 186 / width / 25.4 * 72 >= 9  # points, on A4 less 12 mm margins
    lanes = re.findall(r'<text font-size="[\d.]+" fill="#1a1a1a">(.*?)<title>', svg)
    assert not any("…" in lane for lane in lanes)
    words = [" ".join(re.sub(r"<[^>]+>", " ", lane).split()) for lane in lanes]
    assert words[4] == "5 propose the funding of both outreach services through a top- slice to mainstream schools&#x27; budgets"
    assert lanes[4].count("<tspan x=") == 4


def test_html_glossary_in_two_columns(run: Callable[..., Result], bundled_plan: Path) -> None:
    """The glossary is a definition list set in two columns, no entry split, so its tail never takes a page."""
    text = run("report", "--plan", str(bundled_plan), "--as-of", AS_OF, "--format", "html").stdout
    assert "dl.glossary { columns: 2;" in text
    assert "<div><dt>NMI</dt><dd>non-maintained and independent (special schools or placements)</dd></div>" in text


def test_html_report_escapes_plan_text(run: Callable[..., Result], progress_plan: Path) -> None:
    """Plan text that looks like HTML comes out as text: no script element, the words intact."""
    text = run("report", "--plan", str(progress_plan), "--as-of", AS_OF, "--format", "html").stdout
    page = parse_html(text)
    assert "script" not in page.tags
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; &amp; **bold** | pipe" in text
    assert "<script>alert('x')</script> & **bold** | pipe" in "".join(page.text)


def test_report_format_from_extension(run: Callable[..., Result], bundled_plan: Path, tmp_path: Path) -> None:
    """-o x.md writes Markdown; an extension the report cannot write is a usage error."""
    target = tmp_path / "board.md"
    assert run("report", "--plan", str(bundled_plan), "--as-of", AS_OF, "-o", str(target)).exit_code == 0
    assert target.read_text(encoding="utf-8").startswith("# Highlight report: SEND recovery plan")
    result = run("report", "--plan", str(bundled_plan), "--as-of", AS_OF, "-o", str(tmp_path / "board.pdf"))
    assert result.exit_code == 2
    assert "End it with .md, .html or .docx" in result.stderr


def test_report_header_author_and_audience(run: Callable[..., Result], bundled_plan: Path) -> None:
    """--author and --audience appear in the header of both formats."""
    args = ["report", "--plan", str(bundled_plan), "--as-of", AS_OF, "--author", "Programme office", "--audience", "Improvement board"]
    assert "- **Audience:** Improvement board" in run(*args).stdout
    page = parse_html(run(*args, "--format", "html").stdout)
    assert "Programme office" in page.text


# --- timeline -----------------------------------------------------------------------------------


def test_timeline_piped_is_plain_and_fits_80(run: Callable[..., Result], bundled_plan: Path) -> None:
    """Piped, the timeline has no escape codes, fits 80 columns, and wraps months into bands."""
    result = run("timeline", "--plan", str(bundled_plan), "--as-of", AS_OF)
    assert result.exit_code == 0
    assert "\x1b" not in result.stdout
    lines = result.stdout.splitlines()
    assert max(len(line) for line in lines) <= 80
    headers = [line for line in lines if line.startswith("Task ")]
    assert len(headers) == 3  # Oct 2020 to Apr 2023 is 31 months: three bands
    assert headers[0].split()[1:3] == ["Oct", "Nov"]
    assert headers[-1].split()[-1] == "Apr"


def test_timeline_marks_overdue_and_as_of(run: Callable[..., Result], bundled_plan: Path) -> None:
    """Cells with overdue items carry "!", and the as-of month has the ▼ marker above it."""
    lines = run("timeline", "--plan", str(bundled_plan), "--as-of", AS_OF).stdout.splitlines()
    header_at = next(i for i, line in enumerate(lines) if line.startswith("Task ") and "Dec" in line and "Sep" in line)
    header = lines[header_at]
    months = header[LABEL_WIDTH:].split()
    task5 = next(line for line in lines[header_at:] if line.startswith("5 "))
    cells = dict(zip(months, task5[LABEL_WIDTH:].split(), strict=True))
    assert cells["Sep"] == "2!" and cells["Nov"] == "4!" and cells["Dec"] == "3"
    marker = lines[header_at - 2]
    assert marker.index("▼") == header.index("Dec") + 1
    assert "2 items have no deadline and are not shown." in lines


def test_timeline_lead_filter(run: Callable[..., Result], bundled_plan: Path) -> None:
    """--lead keeps that lead's items and only the tasks where they have some."""
    lines = run("timeline", "--plan", str(bundled_plan), "--as-of", AS_OF, "--lead", "cw").stdout.splitlines()
    assert " ".join(lines[:2]).strip().endswith(" · CW")
    lanes = {line.split()[0] for line in lines if line[:1].isdigit()}
    assert lanes == {"2", "3"}
    assert run("timeline", "--plan", str(bundled_plan), "--as-of", AS_OF, "--lead", "XX").exit_code == 2


def test_timeline_json(run: Callable[..., Result], bundled_plan: Path) -> None:
    """--format json gives one record per task and month with its item ids and overdue count."""
    result = run("timeline", "--plan", str(bundled_plan), "--as-of", AS_OF, "--format", "json")
    cells = json.loads(result.stdout)
    assert {"task": 5, "month": "2021-11", "items": ["5.4", "5.5", "5.6", "5.7"], "overdue": 4, "finished": False} in cells
    assert sum(len(cell["items"]) for cell in cells) == 55


@pytest.mark.parametrize(
    ("band", "expected"),
    [
        ([(2021, 10), (2021, 11), (2021, 12), (2022, 1)], "2021        2022"),
        ([(2021, 12), (2022, 1), (2022, 2)], "'21 2022"),
        ([(2022, 3), (2022, 4)], "2022"),
    ],
    ids=["room-for-both", "december-start-shortened", "one-year"],
)
def test_year_row(band: list[tuple[int, int]], expected: str) -> None:
    """Each year sits over its first month; a year with one month of room is shortened to '21."""
    assert year_row(band) == expected
    assert CELL_WIDTH == 4


# --- iCalendar ----------------------------------------------------------------------------------


def read_calendar(data: bytes) -> Any:
    return icalendar.Calendar.from_ical(data)


def test_ics_parses_back_with_every_dated_item(run: Callable[..., Result], bundled_plan: Path) -> None:
    """Every dated item is an all-day event on its due day, with id and lead in the summary."""
    result = run("ics", "--plan", str(bundled_plan), "--as-of", AS_OF)
    assert result.exit_code == 0
    events = read_calendar(result.stdout_bytes).walk("VEVENT")
    assert len(events) == 55  # 57 items, two without a deadline
    first = events[0]
    assert first.decoded("dtstart") == date(2022, 3, 31)
    assert first.decoded("dtend") == date(2022, 4, 1)
    assert str(first["summary"]).startswith("1.1 (AG): Creation of a working group")
    description = str(first["description"])
    assert "Action: Creation of a working group to include SENDCOs" in description
    assert "- All EHCP assessment requests are appropriate" in description
    assert first.decoded("dtstamp") == datetime.fromisoformat("2021-12-01T00:00:00+00:00")
    uids = [str(event["uid"]) for event in events]
    assert len(set(uids)) == len(uids)
    assert uids[0] == "1.1@west-northamptonshire-council-send-recovery-plan.sendplan"


def test_item_with_no_action_is_named_by_its_criterion(run: Callable[..., Result], bundled_plan: Path) -> None:
    """8.6 has no action in the seed: its calendar entry and report line use its criterion."""
    events = read_calendar(run("ics", "--plan", str(bundled_plan), "--as-of", AS_OF).stdout_bytes).walk("VEVENT")
    entry = next(event for event in events if str(event["uid"]).startswith("8.6@"))
    assert str(entry["summary"]).startswith("8.6 (DA): ✓ Any unsatisfactory placements are remedied")
    assert "Action: (none given)" in str(entry["description"])
    report = run("report", "--plan", str(bundled_plan), "--as-of", "2022-03-01").stdout
    [line] = [line for line in report.splitlines() if line.startswith("| 8.6 |")]
    assert "✓ Any unsatisfactory placements are remedied" in line


def test_ics_recurring_item_repeats_yearly(run: Callable[..., Result], bundled_plan: Path) -> None:
    """The "every January" item repeats on the last day of January each year."""
    events = read_calendar(run("ics", "--plan", str(bundled_plan), "--as-of", AS_OF).stdout_bytes).walk("VEVENT")
    review = next(event for event in events if str(event["uid"]).startswith("4.11@"))
    assert review.decoded("dtstart") == date(2022, 1, 31)
    rule = review["rrule"]
    assert rule["FREQ"] == ["YEARLY"]
    assert rule["BYMONTH"] == [1]
    assert rule["BYMONTHDAY"] == [-1]
    assert sum("rrule" in event for event in events) == 1


def test_ics_is_reproducible_and_stable(run: Callable[..., Result], bundled_plan: Path, write_plan: Callable[..., Path]) -> None:
    """The same plan and --as-of give the same bytes; editing text keeps the UID."""
    once = run("ics", "--plan", str(bundled_plan), "--as-of", AS_OF).stdout_bytes
    assert run("ics", "--plan", str(bundled_plan), "--as-of", AS_OF).stdout_bytes == once
    before = read_calendar(run("ics", "--plan", str(write_plan(MINIMAL_PLAN)), "--as-of", AS_OF).stdout_bytes)
    edited = write_plan(MINIMAL_PLAN.replace("Do the thing", "Do the other thing").replace("Mar 2022", "Apr 2022"), "b.yaml")
    after = read_calendar(run("ics", "--plan", str(edited), "--as-of", AS_OF).stdout_bytes)
    old, new = before.walk("VEVENT")[0], after.walk("VEVENT")[0]
    assert old["uid"] == new["uid"]
    assert new.decoded("dtstart") == date(2022, 4, 30)


def test_ics_lead_filter_and_file(run: Callable[..., Result], bundled_plan: Path, tmp_path: Path) -> None:
    """--lead keeps one officer's items; -o writes the file with CRLF line ends."""
    target = tmp_path / "cw.ics"
    result = run("ics", "--plan", str(bundled_plan), "--as-of", AS_OF, "--lead", "CW", "-o", str(target))
    assert result.exit_code == 0
    data = target.read_bytes()
    assert b"\r\n" in data
    assert b"\n" not in data.replace(b"\r\n", b"")
    events = read_calendar(data).walk("VEVENT")
    assert sorted(str(event["uid"]).split("@")[0] for event in events) == ["2.1", "3.1", "3.3"]
    assert all("(CW)" in str(event["summary"]) for event in events)


def test_ics_revised_deadline_and_dropped(run: Callable[..., Result], progress_plan: Path) -> None:
    """An event falls on the revised deadline; the description keeps the baseline as written."""
    events = read_calendar(run("ics", "--plan", str(progress_plan), "--as-of", AS_OF).stdout_bytes).walk("VEVENT")
    published = next(event for event in events if str(event["uid"]).startswith("2.2@"))
    assert published.decoded("dtstart") == date(2022, 2, 28)
    assert "Deadline as written: Dec 2021" in str(published["description"])
    assert "Revised deadline: 2022-02-28" in str(published["description"])


# --- JSON Schema --------------------------------------------------------------------------------


@pytest.fixture
def schema(run: Callable[..., Result]) -> dict[str, Any]:
    result = run("schema")
    assert result.exit_code == 0
    return json.loads(result.stdout)


def test_schema_is_a_valid_json_schema(schema: dict[str, Any]) -> None:
    """sendplan schema prints a draft 2020-12 schema that a validator accepts."""
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    jsonschema.Draft202012Validator.check_schema(schema)
    assert set(schema["properties"]) == {"plan", "leads", "glossary", "checks", "tasks"}


def test_bundled_plan_validates_against_schema(schema: dict[str, Any], bundled_plan: Path) -> None:
    """The bundled plan, read as the loader reads it (every scalar a string), is valid."""
    data, problems = to_data(compose(bundled_plan.read_text(encoding="utf-8"), "plan.yaml"), "plan.yaml")
    assert problems == []
    jsonschema.Draft202012Validator(schema).validate(data)


def test_editor_view_validates_against_schema(schema: dict[str, Any], bundled_plan: Path) -> None:
    """The plan as an editor reads YAML (numbers as numbers) is valid too."""
    data = yaml.safe_load(bundled_plan.read_text(encoding="utf-8"))
    assert isinstance(data["tasks"][0]["number"], int)
    jsonschema.Draft202012Validator(schema).validate(data)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda data: data["tasks"][0]["deliverables"][0]["items"][0].update(deadine="Mar 2022"), "deadine"),
        (lambda data: data["tasks"][0].update(number="one"), "one"),
        (lambda data: data["plan"].pop("title"), "'title' is a required property"),
        (lambda data: data["tasks"][0]["deliverables"][0]["items"][0].update(rag="purple"), "purple"),
        (lambda data: data.update(glossary={"EHCP": ["a", "list"]}), "['a', 'list']"),
    ],
    ids=["unknown-key", "task-number-not-a-number", "missing-title", "bad-rag", "glossary-not-text"],
)
def test_broken_plans_fail_the_schema(schema: dict[str, Any], change: Callable[[dict[str, Any]], Any], message: str) -> None:
    """A plan with a typo, a wrong type or a missing key does not validate."""
    data, _ = to_data(compose(MINIMAL_PLAN, "plan.yaml"), "plan.yaml")
    jsonschema.Draft202012Validator(schema).validate(data)
    change(data)
    errors = list(jsonschema.Draft202012Validator(schema).iter_errors(data))
    assert errors
    assert any(message in error.message for error in errors)


def test_schema_to_file(run: Callable[..., Result], tmp_path: Path) -> None:
    """schema -o FILE writes the same JSON to a file."""
    target = tmp_path / "plan.schema.json"
    assert run("schema", "-o", str(target)).exit_code == 0
    assert json.loads(target.read_text(encoding="utf-8")) == json.loads(run("schema").stdout)


# --- glossary -----------------------------------------------------------------------------------


def test_glossary_of_the_bundled_plan(run: Callable[..., Result], bundled_plan: Path) -> None:
    """The bundled plan's glossary holds the seed's abbreviations, alphabetically, with nothing undefined."""
    result = run("glossary", "--plan", str(bundled_plan), "--json")
    assert result.exit_code == 0
    assert result.stderr == ""
    rows = json.loads(result.stdout)
    terms = [row["abbreviation"] for row in rows]
    assert terms == sorted(terms, key=str.casefold)
    for term in ("SEND", "SENDCO", "EHCP", "LA", "WN", "HN", "HNB", "DSG", "OA", "NCFT", "NHCP", "SENDIST", "CYP",
                 "SEMH", "ASD", "SLD", "PMLD", "VFM", "NMI", "ESFA", "DCS", "AP", "SF", "QA", "fy", "SEN Panel", "CE",
                 "Spires"):
        assert term in terms
    meanings = {row["abbreviation"]: row["meaning"] for row in rows}
    assert meanings["NCFT"].startswith("not confirmed")
    assert list(rows[0]) == ["abbreviation", "meaning"]


def test_glossary_table_and_csv(run: Callable[..., Result], bundled_plan: Path) -> None:
    """The glossary renders as a table and as CSV like any listing."""
    table = run("glossary", "--plan", str(bundled_plan), "--format", "table").stdout
    assert "Abbreviation" in table and "Dedicated Schools Grant" in table
    csv_bytes = run("glossary", "--plan", str(bundled_plan), "--format", "csv").stdout_bytes
    assert csv_bytes.startswith("\ufeffabbreviation,meaning\r\n".encode())


def test_glossary_warns_about_undefined_abbreviations(run: Callable[..., Result], progress_plan: Path) -> None:
    """An abbreviation used in the text but missing from the glossary is a located warning on stderr."""
    result = run("glossary", "--plan", str(progress_plan), "--format", "tsv")
    assert result.exit_code == 0
    assert result.stdout == "abbreviation\tmeaning\nEHCP\teducation, health and care plan\n"
    lines = result.stderr.splitlines()
    assert [line.split(" is used here")[0] for line in lines] == [
        f'{progress_plan}:27:17: warning: the abbreviation "HYPERLINK"',
        f'{progress_plan}:37:23: warning: the abbreviation "SENDCO"',
        f'{progress_plan}:39:21: warning: the abbreviation "DSG"',
    ]


def test_empty_glossary(run: Callable[..., Result], write_plan: Callable[..., Path]) -> None:
    """A plan with no glossary says so."""
    result = run("glossary", "--plan", str(write_plan(MINIMAL_PLAN)), "--format", "table")
    assert 'The plan has no "glossary:" section.' in result.stdout


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("SENDCOs from all phases and NCFT", ["SENDCO", "NCFT"]),
        ("the LA's panel", ["LA"]),
        ("Key Stage 4 and KS4 pupils", ["KS4"]),
        ("A plan; I agree", []),
        ("non-EHCP top-up", ["EHCP"]),
        ("GBPx m and xxx", []),
    ],
    ids=["plural-and-plain", "possessive", "digits", "single-letters", "after-hyphen", "placeholders"],
)
def test_abbreviations_in(text: str, expected: list[str]) -> None:
    """Abbreviations are runs of two or more capitals, with a plural or possessive dropped."""
    assert abbreviations_in(text) == expected


def test_undefined_abbreviations_counts_uses(write_plan: Callable[..., Path]) -> None:
    """One warning per abbreviation, at its first use, counting the others; lead codes are known."""
    path = write_plan(
        MINIMAL_PLAN.replace("Do the thing", "Tell the DSG team and AG")
        .replace("The thing is done", "DSG agrees")
    )
    problems = list(undefined_abbreviations(load_plan(str(path))))
    assert len(problems) == 1
    assert problems[0].message.startswith('the abbreviation "DSG" is used here (and 1 more time)')
    assert (problems[0].location.line, problems[0].location.column) == (14, 21)
    assert problems[0].severity.value == "warning"


def test_parse_plan_keeps_glossary(bundled_plan: Path) -> None:
    """The glossary is part of the typed plan."""
    plan = parse_plan(bundled_plan.read_text(encoding="utf-8"), "plan.yaml").plan
    assert plan.glossary["EHCP"].startswith("education, health and care plan")


def test_html_report_escapes_every_kind_of_plan_text(run: Callable[..., Result], write_plan: Callable[..., Path]) -> None:
    """Title, organisation, task titles, lead names and glossary entries are all escaped in HTML."""
    hostile = "<b onmouseover=alert(1)>x</b>"
    path = write_plan(
        MINIMAL_PLAN.replace("title: Test plan", f'title: "{hostile}"\n  organisation: "<i>Org</i>"')
        .replace("name: Anthony Giles", 'name: "<img src=x>"')
        .replace("title: First task", 'title: "<svg onload=alert(1)>"')
        .replace("tasks:", 'glossary:\n  "<u>AB</u>": "<style>body{}</style>"\ntasks:')
    )
    text = run("report", "--plan", str(path), "--as-of", "2022-06-01", "--format", "html").stdout
    page = parse_html(text)
    assert not {"b", "i", "img", "u", "script"} & set(page.tags)
    assert page.tags.count("svg") == 1  # only the chart
    assert page.tags.count("style") == 1  # only the page's own CSS
    assert not [name for name, _ in page.attrs if name.startswith("on")]
    assert hostile in "".join(page.text)


def test_health_lines_count_each_kind_in_words() -> None:
    """Findings are grouped by check and counted in words; a code the wording table lacks falls back to the
    check's own headline, and a finding with no code keeps its message."""
    from sendplan.errors import Location, Problem, Severity
    from sendplan.outputs.board import health_lines
    from sendplan.report import BoardReport

    def finding(code: str | None, item: str | None, message: str = "x") -> Problem:
        return Problem(message, Location("plan.yaml", 1, 1), item, code, Severity.WARNING)

    report = BoardReport.__new__(BoardReport)
    report.health = [
        finding("SP101", "1.1"), finding("SP102", "1.1"), finding("SP101", "2.3"),
        Problem("x", None, None, "SP116", Severity.WARNING, "task 9"),
    ]  # fmt: skip
    assert health_lines(report) == [
        ("2 actions have no named lead", "1.1, 2.3"),
        ("1 action has no deadline", "1.1"),
        ("1 task or deliverable holds no actions", "task 9"),
    ]
    report.health = [finding(None, None, "a problem of some new kind")]
    assert health_lines(report) == [("A problem of some new kind", "")]


def test_every_check_has_board_wording() -> None:
    """Each registered check has its sentence for the board's appendix, in the singular and the plural."""
    from sendplan.outputs.board import HEALTH_WORDING
    from sendplan.plan.checks.registry import CHECKS

    assert set(HEALTH_WORDING) == set(CHECKS)
    for one, many in HEALTH_WORDING.values():
        assert one.startswith("{n} ") and many.startswith("{n} ")


def test_a_decision_alone_is_not_a_recovery_step(run: Callable[..., Result], write_plan: Callable[..., Path]) -> None:
    """An exception with only a decision recorded is still listed as having no recovery step."""
    path = write_plan(PROGRESS_PLAN.replace("            recovery: Interim budget from reserves\n", ""))
    text = run("report", "--plan", str(path), "--as-of", AS_OF).stdout
    section = text.split("## Exceptions")[1].split("## ")[0]
    assert "  - _Decision needed:_ Approve the use of reserves" in section
    assert section.rstrip().endswith("No recovery step is recorded yet for 1.2.")
    row_13 = next(row for row in md_tables(section)[0] if row[0] == "1.3")
    assert row_13[-1] == "No update or recovery step recorded."  # what is missing, in its own row
