"""The highlight report as a Word document, opened again with python-docx as a user's program would."""

from __future__ import annotations

import io
import re
import sys
import zipfile
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import click
import docx
import pytest
from click.testing import CliRunner, Result
from docx.oxml.ns import qn
from helpers import MINIMAL_PLAN, REPO
from hypothesis import given
from hypothesis import strategies as st

from sendplan import cli
from sendplan.outputs.board import Column, bands, grid_columns
from sendplan.outputs.docx import rag_cell
from sendplan.outputs.wordml import plain
from sendplan.plan.read import load_plan
from sendplan.query import rows
from sendplan.timeline import grid

AS_OF = date(2021, 12, 1)
RAG_FILLS = {"RED": "C62828", "AMBER": "EF8F00", "GREY": "9E9E9E", "GREEN": "2E7D32", "BLUE": "1565C0", "NONE": "9E9E9E"}
FIELD_TAGS = ("w:fldChar", "w:fldSimple", "w:instrText", "w:hyperlink")


def write_docx(plan: Path, target: Path, *args: str) -> Result:
    """`sendplan report ... -o target.docx`, as a user runs it (with no plan cache, as it may run
    outside a test's own cache folder)."""
    command = ["report", "--plan", str(plan), "--as-of", AS_OF.isoformat(), "-o", str(target), *args]
    result = CliRunner().invoke(cli.cli, command, env={"SENDPLAN_NO_CACHE": "1"}, catch_exceptions=False)
    assert result.exit_code == 0, result.stderr
    return result


def open_docx(data: bytes) -> Any:
    return docx.Document(io.BytesIO(data))


@pytest.fixture(scope="module")
def bundled_docx(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    target = tmp_path_factory.mktemp("docx") / "report.docx"
    write_docx(REPO / "plan.yaml", target)
    return target.read_bytes()


@pytest.fixture
def document(bundled_docx: bytes) -> Any:
    return open_docx(bundled_docx)


def caption(table: Any) -> str:
    element = table._tbl.tblPr.find(qn("w:tblCaption"))
    return "" if element is None else str(element.get(qn("w:val")))


def described(table: Any) -> str:
    element = table._tbl.tblPr.find(qn("w:tblDescription"))
    return "" if element is None else str(element.get(qn("w:val")))


def table(document: Any, name: str) -> Any:
    found = [t for t in document.tables if caption(t) == name]
    assert len(found) == 1, [caption(t) for t in document.tables]
    return found[0]


def fill(cell: Any) -> str | None:
    shading = cell._tc.tcPr.find(qn("w:shd")) if cell._tc.tcPr is not None else None
    return None if shading is None else str(shading.get(qn("w:fill")))


def texts(table: Any) -> list[list[str]]:
    return [[cell.text for cell in row.cells] for row in table.rows]


def parts_xml(data: bytes) -> dict[str, str]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name).decode("utf-8") for name in archive.namelist() if name.endswith((".xml", ".rels"))}


# --- structure ---------------------------------------------------------------------------------


def test_headings_are_word_heading_styles(document: Any) -> None:
    """The title and every section heading use Word's own Title and Heading 1/2 styles, in order."""
    by_style: dict[str, list[str]] = {}
    for paragraph in document.paragraphs:
        by_style.setdefault(paragraph.style.name, []).append(paragraph.text)
    assert by_style["Title"] == ["Highlight report: SEND recovery plan"]
    assert by_style["Heading 1"] == [
        "Headline figures",
        "RAG by task",
        "Deadlines by task",
        "Exceptions",
        "Revised deadlines",
        "Progress since 1 Nov 2021",
        "Look-ahead to 1 Jan 2022, by lead",
        "Dependencies",
        "Legend",
        "Glossary",
        "Appendix: plan health",
    ]
    assert by_style["Heading 2"] == ["CK (Chris Kiernan)"]


def test_every_table_uses_a_named_style_and_has_alt_text(document: Any) -> None:
    """Tables are in Word's "Table Grid" style (a template restyles them) and each has a caption and description."""
    assert document.tables
    for each in document.tables:
        assert each.style.name == "Table Grid"
        assert caption(each)
        assert described(each)


def test_header_block_and_headline_figures(document: Any) -> None:
    """The header block and headline figures carry the bundled plan's facts as of 1 Dec 2021."""
    details = dict(texts(table(document, "Report details")))
    assert details["Organisation"] == "West Northamptonshire Council, Education service"
    assert details["As of"] == "1 Dec 2021"
    assert details["Period covered"] == "1 Nov 2021 to 1 Dec 2021"
    assert details["Look-ahead to"] == "1 Jan 2022"
    assert texts(table(document, "Headline figures")) == [
        ["Items", "Complete", "Overdue", "Due by 1 Jan 2022", "Deadlines moved"],
        ["57", "0%", "13", "3", "0"],
    ]
    ratings = table(document, "Items by RAG")
    # 4.5 and 4.6 (no lead), 7.7 and 7.8 (no lead, no deadline) are grey, not green.
    assert texts(ratings) == [["RED", "AMBER", "GREY", "GREEN", "BLUE", "NONE"], ["13", "3", "4", "37", "0", "0"]]
    assert [fill(cell) for cell in ratings.rows[0].cells] == list(RAG_FILLS.values())


def test_thirteen_red_exceptions_in_red_cells(document: Any) -> None:
    """The exceptions table lists the 13 red items, most overdue first, each with a red RED cell."""
    exceptions = table(document, "Exceptions")
    header, *body = texts(exceptions)
    assert header[:5] == ["ID", "RAG", "Lead", "Deadline", "Days late"]
    assert [row[0] for row in body] == ["4.2", "5.1", "5.2", "6.1", "6.2", "5.3", "6.3", "6.4", "6.5", "5.4", "5.5", "5.6", "5.7"]
    assert body[0][2:5] == ["BB (Beth Bains)", "31 Oct 2020", "396"]
    rag_cells = [row.cells[1] for row in exceptions.rows[1:]]
    assert {cell.text for cell in rag_cells} == {"RED"}
    assert {fill(cell) for cell in rag_cells} == {"C62828"}


def test_rag_cells_are_filled_in_their_colour_with_the_word(document: Any) -> None:
    """Wherever a RAG word stands alone in a cell, the cell is filled in that rating's colour."""
    seen = set()
    for each in document.tables:
        for row in each.rows:
            for cell in row.cells:
                if cell.text in RAG_FILLS:
                    seen.add(cell.text)
                    assert fill(cell) == RAG_FILLS[cell.text], (caption(each), cell.text)
    assert seen == set(RAG_FILLS)


def test_legend_is_a_key_of_shaded_ratings(document: Any) -> None:
    """The legend's RAG key gives each rating its shaded cell and meaning, then the other notes as bullets."""
    key = table(document, "RAG key")
    assert texts(key) == [
        ["RAG", "Meaning"],
        ["BLUE", "complete"],
        ["RED", "overdue or off track"],
        ["AMBER", "at risk, or not started and due within 30 days"],
        ["GREEN", "on course"],
        ["GREY", "no deadline or no lead, so not known to be on course"],
        ["NONE", "dropped"],
    ]
    bullets = [p.text for p in document.paragraphs if p.style.name == "List Bullet"]
    assert bullets[0] == "A rating set by hand in the plan overrides this."
    assert bullets[1].startswith("Status: not started; on track (in progress)")


def test_plan_health_appendix_for_a_board(document: Any) -> None:
    """The appendix counts each kind of gap in words, with the items, and leaves file lines to validate."""
    health = texts(table(document, "Plan health"))
    assert health[:2] == [["What needs attention", "Which"], ["5 actions have no named lead", "4.5, 4.6, 6.4, 7.7, 7.8"]]
    everything = "\n".join(p.text for p in document.paragraphs) + "\n".join(
        cell.text for t in document.tables for row in t.rows for cell in row.cells
    )
    assert "line 220" not in everything
    assert "SP101" not in everything


def test_exception_with_no_update_says_what_is_missing(document: Any) -> None:
    """An exception with no update and no recovery step says both are missing, in its own row."""
    body = texts(table(document, "Exceptions"))[1:]
    assert {row[-1] for row in body} == {"No update or recovery step recorded."}


def test_progress_says_who_has_returned(document: Any) -> None:
    """Progress since the last report ends with the update round: who has returned a note, who still owes one."""
    texts_ = [p.text for p in document.paragraphs]
    start = texts_.index("Progress since 1 Nov 2021")
    assert texts_[start + 1 : start + 3] == [
        "No item was completed or updated from 1 Nov 2021 to 1 Dec 2021.",
        "Returned since 1 Nov 2021: none yet. Still to return: CK, AG, CW, BB, DA.",
    ]


def test_rag_by_task(document: Any) -> None:
    """RAG by task gives each task its worst rating and a one-line reason."""
    body = texts(table(document, "RAG by task"))[1:]
    assert [(row[0], row[2]) for row in body] == [
        ("1", "GREEN"), ("2", "GREEN"), ("3", "GREEN"), ("4", "RED"),
        ("5", "RED"), ("6", "RED"), ("7", "GREY"), ("8", "GREEN"),
    ]  # fmt: skip
    assert body[4][4] == "7 items overdue, the longest 5.1 by 62 days."


def test_header_rows_repeat_and_rows_never_split(document: Any) -> None:
    """Each table with a header row repeats it on every page, and no row breaks across a page."""
    for each in document.tables:
        properties = [row._tr.trPr for row in each.rows]
        assert all(p is not None and p.find(qn("w:cantSplit")) is not None for p in properties), caption(each)
        if caption(each) != "Report details":
            assert properties[0].find(qn("w:tblHeader")) is not None, caption(each)


def test_a4_with_margins_title_in_header_and_page_n_of_m(document: Any) -> None:
    """The page is A4 with 20 mm sides; the header names the plan; the footer says "Page N of M"."""
    section = document.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    assert round(section.left_margin.mm) == round(section.right_margin.mm) == 20
    assert section.header.paragraphs[0].text == "Highlight report: SEND recovery plan\tAs of 1 Dec 2021"
    footer = section.footer.paragraphs[0]
    codes = [element.text.strip() for element in footer._p.iter(qn("w:instrText"))]
    assert codes == ["PAGE", "NUMPAGES"]
    # 1 and 1 are the values Word and LibreOffice replace as they lay out the pages.
    assert footer.text == "Made by sendplan 0.1.0 from plan.yaml as of 1 Dec 2021\tPage 1 of 1"


def assert_no_fields_or_links(data: bytes) -> None:
    for name, xml in parts_xml(data).items():
        assert "/relationships/hyperlink" not in xml, name
        assert "<w:hyperlink" not in xml, name
        if "footer" not in name:
            assert not any(f"<{tag}" in xml for tag in FIELD_TAGS), name


def test_the_only_fields_are_page_numbers(bundled_docx: bytes) -> None:
    """No part of the document but the footer holds a field, and nothing holds a hyperlink."""
    assert_no_fields_or_links(bundled_docx)


def test_no_blank_thumbnail_or_compatibility_mode(bundled_docx: bytes) -> None:
    """The file carries no thumbnail of a blank page, names sendplan as its program and opens in Word's
    current mode, not "Compatibility Mode"."""
    xml = parts_xml(bundled_docx)
    assert not [name for name in xml if "thumbnail" in name]
    assert "thumbnail" not in xml["_rels/.rels"]
    assert "<Application>sendplan " in xml["docProps/app.xml"]
    assert 'w:name="compatibilityMode" w:uri="http://schemas.microsoft.com/office/word" w:val="15"' in xml["word/settings.xml"]


def test_grid_of_deadlines_with_alt_text(document: Any) -> None:
    """The deadline chart is a month grid: a row per task, overdue counts marked "!", the as-of month in black."""
    chart = table(document, "Deadlines by task")
    assert "Task 5: 11 items due Sep 2021 to Jan 2022, 7 overdue." in described(chart)
    years, months, *lanes = texts(chart)
    assert years[0] == months[0] == "Task"
    assert "2021" in years and "2022" in years
    assert months[1:7] == ["O", "…", "S", "O", "N", "D"]
    assert fill(chart.rows[1].cells[6]) == "1A1A1A"  # December 2021, the as-of month
    assert lanes[4][0] == "5 propose the funding of both outreach services through a top-slice to mainstream schools' budgets"
    assert lanes[4][3:8] == ["2!", "1!", "4!", "3", "1"]
    assert lanes[3][1] == "1!"  # 4.2, Oct 2020


def test_glossary_in_two_columns(document: Any) -> None:
    """The glossary flows in two columns, one entry a paragraph, and the page returns to one column after it."""
    body = document.element.body
    columns = [int(cols.get(qn("w:num"), "1")) for cols in body.iter(qn("w:cols"))]
    assert columns == [1, 2, 1]
    entries = [p.text for p in document.paragraphs if p.text.startswith("EHCP – ")]
    assert entries == ["EHCP – education, health and care plan (statutory, 0-25), issued by the LA after an EHC needs assessment"]


def test_document_properties(document: Any) -> None:
    """File properties name the report and its day, in British English."""
    properties = document.core_properties
    assert properties.title == "Highlight report: SEND recovery plan"
    assert properties.language == "en-GB"
    assert properties.created == datetime(2021, 12, 1, tzinfo=UTC)


def test_same_report_same_bytes(bundled_docx: bytes, tmp_path: Path) -> None:
    """The same plan and day give a byte-identical file (zip members are dated by the as-of day)."""
    write_docx(REPO / "plan.yaml", tmp_path / "again.docx")
    assert (tmp_path / "again.docx").read_bytes() == bundled_docx


def test_writing_a_docx_says_what_was_written(tmp_path: Path) -> None:
    """`report -o FILE.docx` confirms on stderr with the size and the figures a reader sees first;
    nothing goes to stdout."""
    target = tmp_path / "board.docx"
    result = write_docx(REPO / "plan.yaml", target)
    assert result.stdout == ""
    size = round(target.stat().st_size / 1000)
    assert result.stderr == f"Wrote {target} ({size} KB: 57 items, 13 red or overdue, 3 due by 1 Jan 2022)\n"


def test_docx_by_format_and_through_a_pipe(run: Callable[..., Result], bundled_plan: Path, tmp_path: Path) -> None:
    """--format docx wins over the file's name, and piped to a program the document's bytes go to stdout."""
    target = tmp_path / "board.txt"
    result = run("report", "--plan", str(bundled_plan), "--as-of", "2021-12-01", "--format", "docx", "-o", str(target))
    assert result.exit_code == 0
    assert open_docx(target.read_bytes()).paragraphs[0].text == "Highlight report: SEND recovery plan"
    piped = run("report", "--plan", str(bundled_plan), "--as-of", "2021-12-01", "--format", "docx")
    assert open_docx(piped.stdout_bytes).paragraphs[0].style.name == "Title"


def test_docx_never_written_to_a_terminal(bundled_plan: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """On a terminal, --format docx without -o is a usage error that says to add -o."""

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    monkeypatch.setattr(sys, "stdout", Terminal())
    args = ["report", "--plan", str(bundled_plan), "--as-of", "2021-12-01", "--format", "docx"]
    with pytest.raises(click.UsageError, match=r"add -o FILE\.docx"):
        cli.cli.main(args, standalone_mode=False)


# --- plan text is only text --------------------------------------------------------------------

HOSTILE = {
    "field": "{ PAGE } and { HYPERLINK \"http://evil.example\" }",
    "dde": "=cmd|' /C calc'!A0",
    "xml": '<w:fldSimple w:instr="PAGE"/><w:hyperlink r:id="rId1">x</w:hyperlink>',
    "bidi": "abc\u202edcba\u2066x\u2069",
    "controls": "bell\x07 escape\x1b[31m nul-free",
}


def hostile_plan(write_plan: Callable[..., Path]) -> Path:
    def quoted(text: str) -> str:
        return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\x07", "\\a").replace("\x1b", "\\e") + '"'

    return write_plan(
        MINIMAL_PLAN.replace("title: Test plan", f"title: {quoted(HOSTILE['field'])}")
        .replace("name: Anthony Giles", f"name: {quoted(HOSTILE['xml'])}")
        .replace("title: First task", f"title: {quoted(HOSTILE['bidi'])}")
        .replace("action: Do the thing", f"action: {quoted(HOSTILE['dde'])}")
        .replace("deadline: Mar 2022", "deadline: Oct 2021")
        .replace("status: not_started", f"status: not_started\n            updates:\n              - date: 2021-11-02\n                text: {quoted(HOSTILE['controls'])}")
        .replace("tasks:", f"glossary:\n  ABC: {quoted(HOSTILE['xml'])}\ntasks:")
    )


def test_hostile_plan_text_stays_text(write_plan: Callable[..., Path], tmp_path: Path) -> None:
    """Field codes, DDE formulas, WordprocessingML, bidi overrides and control characters in a plan come out as
    plain text: no field, hyperlink or element is made from them, and the controls are gone."""
    write_docx(hostile_plan(write_plan), tmp_path / "hostile.docx")
    data = (tmp_path / "hostile.docx").read_bytes()
    document = open_docx(data)
    assert_no_fields_or_links(data)
    for name, xml in parts_xml(data).items():
        assert not re.search("[\u202a-\u202e\u2066-\u2069\x00-\x08\x1b]", xml), name
    everything = "\n".join(
        [p.text for p in document.paragraphs]
        + [cell.text for t in document.tables for row in t.rows for cell in row.cells]
        + [document.sections[0].header.paragraphs[0].text]
    )
    assert HOSTILE["field"] in everything
    assert HOSTILE["dde"] in everything
    assert HOSTILE["xml"] in everything
    assert "abcdcbax" in everything
    assert "bell escape[31m nul-free" in everything
    assert document.core_properties.title == f"Highlight report: {HOSTILE['field']}"


@given(st.text())
def test_any_text_is_fit_for_a_run(text: str) -> None:
    """Whatever the plan holds, plain() leaves text Word XML accepts, with no bidi overrides."""
    paragraph = docx.Document().add_paragraph()
    paragraph.add_run(plain(text))
    assert not re.search("[\u202a-\u202e\u2066-\u2069]", paragraph.text)


def test_unknown_rating_is_grey_with_its_word() -> None:
    """A rating this version does not know (a later "grey") is shown grey, with its own word."""
    cell = rag_cell("grey")
    assert (cell.text, cell.fill, cell.colour) == ("GREY", "9E9E9E", "1A1A1A")
    assert rag_cell(None).text == "NONE"


# --- the month grid, as data -------------------------------------------------------------------


def test_quiet_months_share_a_column(bundled_plan: Path) -> None:
    """Ten months with no deadline (Nov 2020 to Aug 2021) become one column; two quiet months stay two."""
    loaded = load_plan(str(bundled_plan))
    the_grid = grid([(t.number, t.title) for t in loaded.plan.tasks], rows(loaded.plan, AS_OF), AS_OF)
    columns = grid_columns(the_grid)
    assert len(the_grid.months) == 31
    assert len(columns) == 22
    assert columns[1] == Column(tuple((2020, m) for m in (11, 12)) + tuple((2021, m) for m in range(1, 9)))
    assert [c.months for c in columns if c.months[0] in ((2023, 1), (2023, 2))] == [((2023, 1),), ((2023, 2),)]


@pytest.mark.parametrize(
    ("count", "per_band", "sizes"),
    [(22, 22, [22]), (23, 22, [12, 11]), (45, 22, [15, 15, 15]), (1, 22, [1])],
    ids=["fits", "just over: two even bands", "three bands", "one month"],
)
def test_bands_are_even(count: int, per_band: int, sizes: list[int]) -> None:
    """Columns that do not fit are split into bands of nearly equal size."""
    columns = [Column(((2021, 1),)) for _ in range(count)]
    assert [len(band) for band in bands(columns, per_band)] == sizes



def test_a_rating_this_version_does_not_know_is_counted_and_grey(bundled_plan: Path) -> None:
    """Items with a newer rating ("purple", say) are counted under it in every format, in a grey cell with the word."""
    from dataclasses import replace

    from sendplan.outputs.docx import to_docx
    from sendplan.outputs.html import to_html
    from sendplan.outputs.markdown import to_markdown
    from sendplan.report import board_report

    loaded = load_plan(str(bundled_plan))
    marked = [replace(row, rag="purple") if row.id in ("7.7", "7.8") else row for row in rows(loaded.plan, AS_OF)]
    report = board_report(loaded, marked, AS_OF)
    assert report.figures.by_rag == {"red": 13, "amber": 3, "grey": 2, "green": 37, "blue": 0, "none": 0, "purple": 2}
    ratings = table(open_docx(to_docx(report)), "Items by RAG")
    assert texts(ratings) == [
        ["RED", "AMBER", "GREY", "GREEN", "BLUE", "NONE", "PURPLE"], ["13", "3", "2", "37", "0", "0", "2"],
    ]  # fmt: skip
    assert fill(ratings.rows[0].cells[6]) == "9E9E9E"
    assert '<span class="chip purple" style="background:#9e9e9e;color:#1a1a1a">purple</span>' in to_html(report)
    assert "| purple | 2 |" in to_markdown(report)
