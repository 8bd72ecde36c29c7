"""The board paper's revised deadlines, its counting of completions as of the day, and the HTML
chart's layout: the bundled plan edited with sendplan, as a programme manager would."""

from __future__ import annotations

import io
import itertools
import re
import shutil
from collections.abc import Callable
from pathlib import Path

import docx
import pytest
from click.testing import Result
from helpers import REPO

from sendplan.report import slip_text


@pytest.fixture
def edited(tmp_path: Path, run: Callable[..., Result]) -> Callable[..., Path]:
    """The bundled plan copied to tmp_path, then changed by each `sendplan update` given (on 10 Dec
    2021 unless it says)."""

    def make(*edits: tuple[str, ...]) -> Path:
        plan = tmp_path / "plan.yaml"
        shutil.copyfile(REPO / "plan.yaml", plan)
        for edit in edits:
            day = () if "--as-of" in edit else ("--as-of", "2021-12-10")
            result = run("update", *edit, *day, "--plan", str(plan))
            assert result.exit_code == 0, result.stderr
        return plan

    return make


REVISED = (
    ("5.3", "--status", "at_risk", "--revise", "31/10/2024", "--reason", "Forum asked for a fuller consultation first"),
    ("6.1", "--revise", "Jan 2022", "--reason", "Data from providers late"),
)


def md_section(text: str, heading: str) -> str:
    return text.split(f"## {heading}\n")[1].split("\n## ")[0].strip()


def md_rows(section: str) -> list[list[str]]:
    """A Markdown table's rows, split at the pipes that are not escaped."""
    return [
        [cell.strip() for cell in re.split(r"(?<!\\)\|", line[1:-1])] for line in section.splitlines() if line.startswith("|")
    ]


def test_slip_in_the_units_a_board_reads() -> None:
    """Days, weeks, months and years, and a deadline brought forward, written out in words."""
    assert slip_text(1) == "1 day"
    assert slip_text(13) == "13 days"
    assert slip_text(35) == "5 weeks"
    assert slip_text(94) == "3 months"
    assert slip_text(1096) == "3 years"
    assert slip_text(852) == "2 years 4 months"
    assert slip_text(-31) == "brought forward 4 weeks"


def test_markdown_lists_every_moved_deadline_longest_slip_first(edited: Callable[..., Path], run: Callable[..., Result]) -> None:
    """A deadline moved by three years is in its own table with the original, the revised day, the slip and why."""
    plan = edited(*REVISED)
    text = run("report", "--plan", str(plan), "--as-of", "2021-12-10", "--since", "2021-11-01").stdout
    section = md_section(text, "Revised deadlines")
    assert section.startswith(
        "2 unfinished items have a revised deadline, the longest slip first. The original deadline is kept; "
        "the item is now measured against the revised one."
    )
    assert md_rows(section) == [
        ["ID", "Lead", "Original deadline", "Revised deadline", "Slip", "Reason", "RAG"],
        ["---"] * 7,
        ["5.3", "CK (Chris Kiernan)", "31 Oct 2021", "31 Oct 2024", "3 years", "Forum asked for a fuller consultation first", "AMBER"],
        ["6.1", "CK (Chris Kiernan)", "29 Oct 2021", "31 Jan 2022", "3 months", "Data from providers late", "GREEN"],
    ]
    assert "| Deadlines moved | 2 |" in md_section(text, "Headline figures")


def test_no_moved_deadline_says_so(run: Callable[..., Result]) -> None:
    """The bundled plan has no revised deadline: the section says so in a sentence, and the figure is 0."""
    text = run("report", "--plan", str(REPO / "plan.yaml"), "--as-of", "2021-12-01").stdout
    assert md_section(text, "Revised deadlines").strip() == "No unfinished item has a revised deadline."


def test_a_finished_item_with_a_moved_deadline_is_not_listed(edited: Callable[..., Path], run: Callable[..., Result]) -> None:
    """Once an item with a revised deadline is complete, it leaves the list and the count."""
    plan = edited(*REVISED, ("6.1", "--completed", "2021-12-05"))
    text = run("report", "--plan", str(plan), "--as-of", "2021-12-10").stdout
    assert [row[0] for row in md_rows(md_section(text, "Revised deadlines"))[2:]] == ["5.3"]
    assert "| Deadlines moved | 1 |" in text


def test_html_revised_deadlines_table(edited: Callable[..., Path], run: Callable[..., Result]) -> None:
    """The HTML paper has the same table, its RAG as a chip with the word, and the headline card."""
    plan = edited(*REVISED)
    text = run("report", "--plan", str(plan), "--as-of", "2021-12-10", "--format", "html").stdout
    section = text.split("<h2>Revised deadlines</h2>")[1].split("<h2>")[0]
    cells = [re.sub(r"<[^>]+>", "", cell) for cell in re.findall(r"<td[^>]*>(.*?)</td>", section)]
    assert cells == [
        "5.3", "CK (Chris Kiernan)", "31 Oct 2021", "31 Oct 2024", "3 years", "Forum asked for a fuller consultation first", "amber",
        "6.1", "CK (Chris Kiernan)", "29 Oct 2021", "31 Jan 2022", "3 months", "Data from providers late", "green",
    ]  # fmt: skip
    assert '<div class="value">2</div><div class="name">Deadlines moved</div>' in text


def test_word_revised_deadlines_table(edited: Callable[..., Path], run: Callable[..., Result], tmp_path: Path) -> None:
    """The Word paper has a "Revised deadlines" heading and table, the RAG cell filled in its colour."""
    plan = edited(*REVISED)
    target = tmp_path / "board.docx"
    assert run("report", "--plan", str(plan), "--as-of", "2021-12-10", "-o", str(target)).exit_code == 0
    document = docx.Document(io.BytesIO(target.read_bytes()))
    headings = [p.text for p in document.paragraphs if p.style.name == "Heading 1"]
    assert headings[headings.index("Exceptions") + 1] == "Revised deadlines"
    (table,) = [t for t in document.tables if "Revised deadlines" in t._tbl.xml and t.rows[0].cells[0].text == "ID"
                and t.rows[0].cells[2].text == "Original deadline"]  # fmt: skip
    assert [[cell.text for cell in row.cells] for row in table.rows] == [
        ["ID", "Lead", "Original deadline", "Revised deadline", "Slip", "Reason", "RAG"],
        ["5.3", "CK (Chris Kiernan)", "31 Oct 2021", "31 Oct 2024", "3 years", "Forum asked for a fuller consultation first", "AMBER"],
        ["6.1", "CK (Chris Kiernan)", "29 Oct 2021", "31 Jan 2022", "3 months", "Data from providers late", "GREEN"],
    ]
    assert 'w:fill="EF8F00"' in table.rows[1].cells[6]._tc.xml


def test_a_completion_after_the_as_of_day_is_not_counted(edited: Callable[..., Path], run: Callable[..., Result]) -> None:
    """As of 1 Dec 2021, 1.1 completed on 20 Mar 2022 is in progress, not complete, and the paper says so."""
    plan = edited(("1.1", "--completed", "2022-03-20"))
    text = run("report", "--plan", str(plan), "--as-of", "2021-12-01", "--since", "2021-11-01").stdout
    figures = md_section(text, "Headline figures")
    assert "| Complete | 0% |" in figures
    assert "| complete | 0 |" in figures and "| on track | 1 |" in figures and "| blue | 0 |" in figures
    assert (
        "1 item (1.1) was completed after 1 Dec 2021, so it is counted here as in progress on that day. "
        "Other statuses are as the plan records them now."
    ) in figures
    assert md_section(text, "Progress since 1 Nov 2021").startswith("No item was completed or updated")
    # Reported as of a day after the completion, it is complete, and nothing needs saying.
    later = run("report", "--plan", str(plan), "--as-of", "2022-03-31", "--since", "2022-03-01").stdout
    assert "| complete | 1 |" in later and "counted here as in progress" not in later


def test_a_late_completion_is_overdue_on_the_day_before_it(edited: Callable[..., Path], run: Callable[..., Result]) -> None:
    """4.2 (due Oct 2020) completed in Jan 2022 was 396 days late on 1 Dec 2021: still an exception then."""
    plan = edited(("4.2", "--completed", "2022-01-15"))
    text = run("report", "--plan", str(plan), "--as-of", "2021-12-01").stdout
    exceptions = md_rows(md_section(text, "Exceptions"))
    assert exceptions[2][:4] == ["4.2", "BB (Beth Bains)", "31 Oct 2020", "396"]
    assert "| Overdue | 13 |" in text


def test_an_update_after_the_as_of_day_is_not_its_latest(edited: Callable[..., Path], run: Callable[..., Result]) -> None:
    """A note dated 20 Dec 2021 is not 5.1's latest update as of 1 Dec 2021, and is as of 31 Dec."""
    plan = edited(("5.1", "--note", "Briefings booked", "--by", "CK", "--as-of", "2021-12-20"))
    before = md_rows(md_section(run("report", "--plan", str(plan), "--as-of", "2021-12-01").stdout, "Exceptions"))
    assert [row[-1] for row in before if row[0] == "5.1"] == ["No update or recovery step recorded."]
    after = md_rows(md_section(run("report", "--plan", str(plan), "--as-of", "2021-12-31").stdout, "Exceptions"))
    assert [row[-1] for row in after if row[0] == "5.1"] == ["20 Dec 2021 CK: Briefings booked"]


def test_portfolio_counts_completions_as_of_the_day(
    edited: Callable[..., Path], run: Callable[..., Result], tmp_path: Path
) -> None:
    """The report on several plans counts a completion after the as-of day as not complete, as one plan's does."""
    plan = edited(("4.2", "--completed", "2022-01-15"))
    folder = tmp_path / "plans"
    folder.mkdir()
    shutil.copyfile(plan, folder / "recovery.yaml")
    shutil.copyfile(REPO / "plan.yaml", folder / "bundled.yaml")
    text = run("report", "--plan", str(folder), "--as-of", "2021-12-01").stdout
    # Both plans have 13 overdue items as of that day: 4.2 among them in each.
    assert text.count("| 4.2 |") == 2


def circles(svg: str) -> list[tuple[float, float, float]]:
    """(cx, cy, r) of each dot in the lanes (the key's dots have no <title>)."""
    found = re.findall(r'<circle cx="([\d.]+)" cy="([\d.]+)" r="([\d.]+)"[^>]*><title>', svg)
    return [(float(x), float(y), float(r)) for x, y, r in found]


def assert_dots_apart(svg: str) -> None:
    by_lane: dict[float, list[tuple[float, float]]] = {}
    for x, y, r in circles(svg):
        by_lane.setdefault(y, []).append((x, r))
    assert by_lane
    for dots in by_lane.values():
        dots.sort()
        for (x1, r1), (x2, r2) in itertools.pairwise(dots):
            assert x2 - x1 >= r1 + r2 + 1.4, (x1, x2)  # room for an overdue dot's black ring


def years(svg: str) -> list[tuple[float, float, str]]:
    """(x, y, text) of the year labels over the months."""
    found = re.findall(r'<text x="([\d.]+)" y="([\d.]+)" font-size="[\d.]+" font-weight="bold" fill="#222">([^<]+)</text>', svg)
    return [(float(x), float(y), text) for x, y, text in found]


def test_chart_dots_and_years_never_collide(edited: Callable[..., Path], run: Callable[..., Result]) -> None:
    """With 5.3 moved to 2024 (four years of months), no two dots touch and the years do not run together."""
    plan = edited(*REVISED)
    text = run("report", "--plan", str(plan), "--as-of", "2021-12-10", "--format", "html").stdout
    svg = text[text.index("<svg") : text.index("</svg>")]
    assert_dots_apart(svg)
    labels = years(svg)
    assert [label for _, _, label in labels] == ["’20", "2021", "2022", "2023", "’24"]
    for (x1, _, a), (x2, _, _) in itertools.pairwise(labels):
        assert x2 - x1 >= len(a) * 0.56 * 10 + 3  # a bold digit at 10 units is about 5.6 wide
    # The quiet months share a column each way, and the caption says which months they are.
    assert "… = months in which nothing falls due (Nov 2020 to Aug 2021; May 2023 to Sep 2024)." in text
    # 5.3 is in the chart, in its revised month.
    assert "<title>5.3 (31 Oct 2024)</title>" in svg


def test_a_long_plan_is_charted_in_bands(write_plan: Callable[..., Path], run: Callable[..., Result]) -> None:
    """Sixty busy months do not fit across the page: the chart draws them in bands, every dot apart."""
    items = "\n".join(
        f'          - id: "1.{n + 1}"\n            deadline: {["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"][n % 12]} {2022 + n // 12}\n            lead: AG'
        for n in range(60)
    )
    plan = write_plan(
        "plan:\n  title: Long plan\nleads:\n  AG:\n    name: A G\ntasks:\n  - number: 1\n    title: One task\n"
        f"    deliverables:\n      - title: Things\n        items:\n{items}\n"
    )
    text = run("report", "--plan", str(plan), "--as-of", "2022-01-15", "--format", "html").stdout
    svg = text[text.index("<svg") : text.index("</svg>")]
    assert len(circles(svg)) == 60
    assert len({y for _, y, _ in circles(svg)}) == 3  # three bands of the one task's lane
    assert_dots_apart(svg)


def test_a_reason_is_printed_literally(edited: Callable[..., Path], run: Callable[..., Result]) -> None:
    """A revision reason with markup stays text: escaped in HTML, backslashed in Markdown."""
    plan = edited(("5.3", "--revise", "Mar 2022", "--reason", "<b>late</b> | *vote* moved"))
    page = run("report", "--plan", str(plan), "--as-of", "2021-12-10", "--format", "html").stdout
    assert "<td>&lt;b&gt;late&lt;/b&gt; | *vote* moved</td>" in page
    text = run("report", "--plan", str(plan), "--as-of", "2021-12-10").stdout
    assert md_rows(md_section(text, "Revised deadlines"))[2][5] == "\\<b\\>late\\</b\\> \\| \\*vote\\* moved"
