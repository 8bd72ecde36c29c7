"""The workbook of `list -o tracker.xlsx` reads and prints like a council tracker, every `-o`
says what it wrote, and a rating says what is known (7.7 is not green). Workbooks are read
back with openpyxl, as a user's program would."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from click.testing import Result

from sendplan.outputs import tracker
from sendplan.outputs.colours import RAG_COLOURS

AS_OF = "2021-12-01"


@pytest.fixture
def workbook(run: Callable[..., Result], bundled_plan: Path, tmp_path: Path) -> tuple[Any, Result]:
    """The bundled plan's workbook as of 1 Dec 2021, and the run that wrote it."""
    from openpyxl import load_workbook

    target = tmp_path / "tracker.xlsx"
    result = run("list", "--plan", str(bundled_plan), "--as-of", AS_OF, "-o", str(target))
    assert result.exit_code == 0
    return load_workbook(target), result


def test_tracker_sheet_first_with_an_officers_columns(workbook: tuple[Any, Result]) -> None:
    """The workbook opens on the Tracker: headers, statuses and ratings in words, real dates and TRUE/FALSE."""
    book, _ = workbook
    assert book.sheetnames == ["Tracker", "Items"]
    assert book.active.title == "Tracker"
    sheet = book["Tracker"]
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert rows[0] == ["ID", "Lead", "Deadline", "Status", "RAG", "Overdue", "Action", "Success criteria", "Latest update"]
    first = dict(zip(rows[0], rows[1], strict=True))
    assert first["ID"] == "1.1" and first["Lead"] == "AG" and first["Status"] == "Not started"
    assert first["Deadline"].date() == date(2022, 3, 31)
    assert first["Overdue"] is False and first["RAG"] == "Green"
    late = dict(zip(rows[0], next(row for row in rows if row[0] == "4.2"), strict=True))
    assert (late["Overdue"], late["RAG"]) == (True, "Red")
    assert late["Success criteria"].startswith("✓ Prior to consultation")
    by_id = {row[0]: dict(zip(rows[0], row, strict=True)) for row in rows[1:]}
    assert (by_id["7.7"]["RAG"], by_id["7.7"]["Deadline"], by_id["7.7"]["Lead"]) == ("Grey", None, None)
    assert [row[0] for row in rows[1:]] == [row[0] for row in [[c.value for c in r] for r in book["Items"].iter_rows()][1:]]


def test_rag_cells_are_coloured_by_rule(workbook: tuple[Any, Result]) -> None:
    """Conditional formatting colours the RAG column by its word, so a rating typed later re-colours."""
    sheet = workbook[0]["Tracker"]
    rules = {str(area.sqref): area.rules for area in sheet.conditional_formatting}
    assert list(rules) == ["E2:E58"]
    colours = {rule.formula[0].strip('"'): rule.dxf.fill.bgColor.rgb[-6:] for rule in rules["E2:E58"]}
    assert colours == {
        word: RAG_COLOURS[word.lower()].lstrip("#").upper() for word in ("Red", "Amber", "Grey", "Green", "Blue")
    }
    lists = {str(check.sqref): check.formula1 for check in sheet.data_validations.dataValidation}
    assert lists["D2:D58"] == '"Not started,On track,At risk,Off track,Complete,Dropped"'
    assert lists["E2:E58"] == '"Red,Amber,Grey,Green,Blue"'


def test_tracker_prints_one_page_wide_with_ids_on_every_page(workbook: tuple[Any, Result]) -> None:
    """A4 landscape, one page wide, header row and id column repeated, page numbers, and page
    breaks placed between rows: the pages `list -o` reports are the pages that print."""
    book, result = workbook
    sheet = book["Tracker"]
    assert sheet.page_setup.orientation == "landscape"
    assert str(sheet.page_setup.paperSize) == sheet.PAPERSIZE_A4
    assert (sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight) == (1, 0)
    assert sheet.sheet_properties.pageSetUpPr.fitToPage is True
    assert (sheet.print_title_rows, sheet.print_title_cols) == ("$1:$1", "$A:$A")
    assert sheet.oddFooter.right.text == "Page &P of &N"
    breaks = [brk.id for brk in sheet.row_breaks.brk]
    pages = len(breaks) + 1
    assert 4 <= pages <= 8  # a handful
    assert result.stderr == f"Wrote {Path(result.stderr.split()[1])} (57 items, the Tracker sheet prints on {pages} pages)\n"
    data = book["Items"]
    assert (data.print_title_cols, data.page_setup.fitToWidth) == ("$A:$A", 2)


def test_page_breaks_fill_each_page_with_whole_rows() -> None:
    """Rows go to a page while they fit; a row taller than a page still gets one to itself."""
    room = ((tracker.PAGE_HEIGHT - 72 * (tracker.MARGIN_TOP + tracker.MARGIN_BOTTOM)) / tracker.scale()) * tracker.PAGE_FILL
    header = 15.0
    per_page = int((room - header) // 100)
    breaks = tracker.page_breaks([100.0] * (per_page * 3), header)
    assert breaks == [1 + per_page, 1 + 2 * per_page]
    assert tracker.page_breaks([2000.0, 2000.0], header) == [2]


@pytest.mark.parametrize(
    ("text", "width", "lines"),
    [
        pytest.param("short", 40, 1, id="fits"),
        pytest.param("word " * 20, 40, 3, id="wraps at words"),
        pytest.param("one\ntwo\nthree", 40, 3, id="a line each"),
        pytest.param("", 40, 1, id="empty is one line"),
    ],
)
def test_lines_needed(text: str, width: int, lines: int) -> None:
    """A cell's wrapped lines, as the row height is measured."""
    assert tracker.lines_needed(text, width) == lines


def test_data_sheet_keeps_every_field_a_line_a_row(workbook: tuple[Any, Result], run: Callable[..., Result], bundled_plan: Path) -> None:
    """The second sheet holds every field of the JSON contract, a line per item."""
    sheet = workbook[0]["Items"]
    header = [cell.value for cell in sheet[1]]
    listed = json.loads(run("list", "--plan", str(bundled_plan), "--as-of", AS_OF, "--json").stdout)
    assert header == list(listed[0])
    assert {sheet.row_dimensions[number].height for number in range(2, sheet.max_row + 1)} == {tracker.LINE_HEIGHT}


def test_other_workbooks_are_one_sheet(run: Callable[..., Result], bundled_plan: Path, tmp_path: Path) -> None:
    """leads, and items with --fields, stay one sheet: the Tracker is for the full item listing."""
    from openpyxl import load_workbook

    for args, name in ((("leads",), "Leads"), (("list", "--fields", "id,lead"), "Items")):
        target = tmp_path / f"{name}.xlsx"
        result = run(*args, "--plan", str(bundled_plan), "--as-of", AS_OF, "-o", str(target))
        assert load_workbook(target).sheetnames == [name]
        assert "prints on" not in result.stderr


@pytest.mark.parametrize(
    ("args", "said"),
    [
        pytest.param(("list", "-o", "out.csv"), "Wrote out.csv (57 items)", id="list csv"),
        pytest.param(("overdue", "-o", "out.json"), "Wrote out.json (13 items)", id="overdue json"),
        pytest.param(("leads", "-o", "out.md"), "Wrote out.md (6 leads)", id="leads markdown"),
        pytest.param(("ics", "-o", "out.ics"), "Wrote out.ics (55 events)", id="calendar"),
        pytest.param(("timeline", "-o", "out.txt"), "Wrote out.txt (31 months)", id="timeline"),
        pytest.param(("glossary", "-o", "out.tsv"), "Wrote out.tsv (29 abbreviations)", id="glossary"),
        pytest.param(("schema", "-o", "out.json"), "Wrote out.json", id="schema"),
    ],
)
def test_every_output_file_is_confirmed(
    run: Callable[..., Result], bundled_plan: Path, tmp_path: Path, args: tuple[str, ...], said: str
) -> None:
    """Each -o says on stderr what it wrote; stdout stays empty."""
    plan = ("--plan", str(bundled_plan)) if args[0] != "schema" else ()
    day = ("--as-of", AS_OF) if args[0] not in ("schema", "glossary") else ()
    result = run(*args, *plan, *day)
    assert result.exit_code == 0, result.output
    assert result.stderr.splitlines()[-1] == said
    assert result.stdout == ""
    assert (tmp_path / args[-1]).exists()


def test_timeline_file_is_the_plain_text(run: Callable[..., Result], bundled_plan: Path, tmp_path: Path) -> None:
    """timeline -o writes the text a pipe gets, 80 columns wide."""
    run("timeline", "--plan", str(bundled_plan), "--as-of", AS_OF, "-o", "timeline.txt")
    piped = run("timeline", "--plan", str(bundled_plan), "--as-of", AS_OF).stdout
    assert (tmp_path / "timeline.txt").read_text(encoding="utf-8") == piped


def test_seven_seven_is_not_green_anywhere(run: Callable[..., Result], bundled_plan: Path) -> None:
    """7.7 (no lead, no deadline) is grey with its reason in JSON, and grey in the table."""
    item = next(
        row for row in json.loads(run("list", "--plan", str(bundled_plan), "--as-of", AS_OF, "--json").stdout) if row["id"] == "7.7"
    )
    assert (item["rag"], item["rag_reason"]) == ("grey", "no deadline or lead")
    table = run("list", "--task", "7", "--plan", str(bundled_plan), "--as-of", AS_OF, "--format", "table", "--no-wrap")
    line = next(line for line in table.stdout.splitlines() if line.startswith(" 7.7 "))
    assert line.split()[:5] == ["7.7", "no", "deadline", "not", "started"] and " grey " in line
