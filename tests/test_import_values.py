"""The pieces of an import, tested directly: headings, cells, owners, statuses, RAG, encodings."""

from __future__ import annotations

import codecs
from datetime import date
from pathlib import Path

import pytest

from sendplan.errors import PlanError
from sendplan.office.grid import Cell, column_index, column_letter
from sendplan.office.headers import guess_field
from sendplan.office.tables import decode_csv, read_tables, sheet_cell, sniff
from sendplan.office.values import (
    LeadBook,
    fill_rag,
    owner_parts,
    read_deadline,
    read_rag,
    read_status,
    split_bullets,
)


@pytest.mark.parametrize(
    ("heading", "field"),
    [
        ("Ref", "id"), ("No.", "id"), ("Priority", "task"), ("Workstream", "task"), ("Theme", "task"),
        ("Objective", "task"), ("Deliverable", "deliverable"), ("Outcome", "deliverable"),
        ("Milestone group", "deliverable"), ("What we will do", "action"), ("Activity", "action"),
        ("Lead officer(s)", "lead"), ("Owner", "lead"), ("Responsible officer / team", "lead"), ("By whom", "lead"),
        ("Target date", "deadline"), ("Target date (dd/mm/yyyy)", "deadline"), ("By when?", "deadline"),
        ("Timescale", "deadline"), ("Completion date", "deadline"), ("Due", "deadline"),
        ("Success criteria", "success_criteria"), ("Impact measure", "success_criteria"),
        ("KPI", "success_criteria"), ("How we will know", "success_criteria"), ("Milestones", "milestones"),
        ("Status", "status"), ("R.A.G.", "rag"), ("RAG rating", "rag"), ("Latest update", "update"),
        ("Progress", "update"), ("Comments", "update"), ("Date updated", "updated"), ("Last updated", "updated"),
        ("Budget", None), ("Number of pupils", None), ("", None),
    ],
)
def test_headings_are_read_in_the_spellings_councils_use(heading: str, field: str | None) -> None:
    """Each council spelling of a heading names its plan field; other headings name none."""
    assert guess_field(heading) == field


def test_column_letters_run_past_z() -> None:
    """Columns are A…Z, AA…: letters and numbers convert both ways."""
    assert [column_letter(i) for i in (0, 25, 26, 701, 702)] == ["A", "Z", "AA", "ZZ", "AAA"]
    assert all(column_index(column_letter(i)) == i for i in range(2000))


@pytest.mark.parametrize(
    ("value", "number_format", "expected"),
    [
        (date(2024, 10, 31), "DD/MM/YYYY", Cell("2024-10-31", date(2024, 10, 31))),
        (date(2025, 9, 1), "MMM-YY", Cell("Sep 2025", date(2025, 9, 1), month_only=True)),
        (date(2025, 9, 1), '[$-809]mmmm yyyy;@', Cell("Sep 2025", date(2025, 9, 1), month_only=True)),
        (1.1, "General", Cell("1.1")),
        (2.0, "General", Cell("2")),
        (1.1, "0.00", Cell("1.10")),
        (True, "General", Cell("TRUE")),
        ("Ongoing", "@", Cell("Ongoing")),
    ],
    ids=["day", "month format", "month with locale", "number", "whole number", "fixed decimals", "boolean", "text"],
)
def test_worksheet_values_become_cells_as_excel_shows_them(value: object, number_format: str, expected: Cell) -> None:
    """A date cell is a day, or a month when its format shows no day; numbers read as Excel shows them."""
    assert sheet_cell(value, number_format) == expected


@pytest.mark.parametrize(
    ("cell", "text", "note"),
    [
        (Cell("2024-10-31", date(2024, 10, 31)), "2024-10-31", None),
        (Cell("31/10/2024"), "31/10/2024", None),
        (Cell(" March 2024 "), "March 2024", None),
        (Cell("Q2 2024/25"), "Q2 2024/25", None),
        (Cell("End of March 2025"), "End of March 2025", None),
        (Cell("Sep-25"), "Sep-25", None),
        (Cell("Ongoing"), None, "Ongoing"),
        (Cell("TBC"), None, "TBC"),
        (Cell("Spring term 2025"), None, "Spring term 2025"),
        (Cell("10/31/2024"), None, "10/31/2024"),
        (Cell("Mar 2022\nJul 2022"), None, "Mar 2022\nJul 2022"),
        (Cell(""), None, None),
    ],
)
def test_deadline_cells_are_read_or_kept_as_written(cell: Cell, text: str | None, note: str | None) -> None:
    """Dates sendplan reads stay as written; anything else is a note, never a guess (10/31 is no UK date)."""
    value = read_deadline(cell)
    assert (value.text, value.note) == (text, note)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("• First\n• Second", ["First", "Second"]),
        ("- First\n- Second\n", ["First", "Second"]),
        ("First line\nSecond line", ["First line", "Second line"]),
        ("• A long bullet that\ncontinues here\n• Next", ["A long bullet that\ncontinues here", "Next"]),
        ("One criterion only", ["One criterion only"]),
        ("  \n\n", []),
        ("-1 fewer exclusions", ["-1 fewer exclusions"]),
    ],
)
def test_criteria_split_one_per_bullet_or_line(text: str, expected: list[str]) -> None:
    """A criteria cell gives one criterion per bullet (or per line); words are never changed."""
    assert split_bullets(text) == expected


@pytest.mark.parametrize(
    ("text", "status"),
    [("In progress", "on_track"), ("On track", "on_track"), ("Ongoing", "on_track"), ("Not started", "not_started"),
     ("At risk", "at_risk"), ("Behind schedule", "off_track"), ("Delayed", "off_track"), ("Complete", "complete"),
     ("Done", "complete"), ("Closed", "complete"), ("Cancelled", "dropped"), ("Awaiting DfE", None)],
)
def test_status_words_map_to_plan_statuses(text: str, status: str | None) -> None:
    """Council status words become plan statuses; an unknown one is None (kept and warned about)."""
    assert read_status(text, {}) == status


def test_rules_file_status_words_come_first() -> None:
    """A rules file's statuses: map wins over the built-in words."""
    assert read_status("Awaiting DfE", {"awaiting dfe": "at_risk"}) == "at_risk"


@pytest.mark.parametrize(
    ("text", "rag"),
    [("Red", "red"), ("A", "amber"), ("green", "green"), ("Blue", "blue"), ("Amber – awaiting data", "amber"),
     ("Amber/Green", None), ("Purple", None)],
)
def test_rag_words(text: str, rag: str | None) -> None:
    """One colour named gives that rating; two colours (a five-point scale) or none give None."""
    assert read_rag(text, {}) == rag


def test_rag_from_a_cell_colour() -> None:
    """A RAG cell coloured rather than written is read from its fill, when clearly one colour."""
    assert [fill_rag(colour) for colour in ("FF0000", "FFC000", "00B050", "0070C0", "FFFFFF", None)] == [
        "red", "amber", "green", "blue", None, None,
    ]


@pytest.mark.parametrize(
    ("text", "parts"),
    [
        ("CW / AG", ["CW", "AG"]),
        ("Chris Wickens & Anthony Giles", ["Chris Wickens", "Anthony Giles"]),
        ("Chris Wickens and Anthony Giles", ["Chris Wickens", "Anthony Giles"]),
        ("Head of SEND and Inclusion", ["Head of SEND and Inclusion"]),
        ("Finance business partner, business support department", ["Finance business partner, business support department"]),
    ],
)
def test_owner_cells_naming_two_people_are_told_apart_from_long_roles(text: str, parts: list[str]) -> None:
    """ "A / B" and "A and B" name two people; a role with "and" or a comma is one owner."""
    assert owner_parts(text) == parts


def test_lead_codes_are_initials_kept_distinct_with_names_under_leads() -> None:
    """Names become initials, codes as written keep their letters (and a place in the key), clashes a number."""
    book = LeadBook()
    book.build(["Anthony Giles", "ck", "Chris Kiernan", "Claire Kelly", "Head of SEND", "CW / AG", "anthony giles ",
                "Élodie Durand", "Sarah"])
    codes = {text: book.code_for(text) for text in ["Anthony Giles", "anthony giles", "ck", "Chris Kiernan",
                                                    "Claire Kelly", "Head of SEND", "CW / AG", "Élodie Durand", "Sarah"]}
    assert {text: value.code for text, value in codes.items() if value} == {
        "Anthony Giles": "AG2", "anthony giles": "AG2", "ck": "CK", "Chris Kiernan": "CK2", "Claire Kelly": "CK3",
        "Head of SEND": "HS", "CW / AG": "CWAG", "Élodie Durand": "ED", "Sarah": "SA",
    }
    assert codes["CW / AG"] is not None and codes["CW / AG"].joint
    assert {code: lead.name for code, lead in book.leads.items()} == {
        "AG2": "Anthony Giles", "CK2": "Chris Kiernan", "CK3": "Claire Kelly", "HS": "Head of SEND",
        "CWAG": "CW / AG", "ED": "Élodie Durand", "SA": "Sarah", "CK": None,
    }


@pytest.mark.parametrize(
    ("data", "text", "encoding"),
    [
        ("Lead,£\n".encode(), "Lead,£\n", "UTF-8"),
        (codecs.BOM_UTF8 + "Lead,£\n".encode(), "Lead,£\n", "UTF-8 (with a byte-order mark)"),
        ("Lead,£ – •\n".encode("cp1252"), "Lead,£ – •\n", "Windows-1252"),
        ("Lead,£\n".encode("utf-16"), "Lead,£\n", "UTF-16"),
        (b"Lead,AG\n", "Lead,AG\n", "UTF-8"),
    ],
    ids=["utf-8", "utf-8 with bom", "windows-1252", "utf-16", "ascii"],
)
def test_csv_encodings_are_detected_and_named(data: bytes, text: str, encoding: str) -> None:
    """UTF-8 with or without a BOM, UTF-16 and Windows-1252 decode correctly, and say which they were."""
    assert decode_csv(data, "in.csv") == (text, encoding)


def test_csv_bytes_that_are_no_known_encoding_are_located() -> None:
    """A byte Windows-1252 does not define (0x81) is an error with its line, not mojibake."""
    with pytest.raises(PlanError) as caught:
        decode_csv(b"Action\n\x81\n", "in.csv")
    assert caught.value.problems[0].message.startswith("line 2: byte 7 (0x81) is not UTF-8 or Windows-1252 text")


@pytest.mark.parametrize(
    ("data", "kind"),
    [(b"", "empty"), (b"Ref,Action\n", "text"), (b"%PDF-1.4", "pdf"), (b"\x89PNG\r\n", "image"),
     (b"PK\x03\x04broken", "damaged"), (b"\x00\x01\x02", "binary")],
)
def test_files_are_known_by_their_bytes(data: bytes, kind: str) -> None:
    """What a file really is comes from its first bytes, whatever its name says."""
    assert sniff(data) == kind


@pytest.mark.parametrize(
    ("text", "delimiter"),
    [("Ref;Action;Lead\n1.1;Do it, then more;AG\n", ";"), ("Ref\tAction\n1.1\tDo it; now\n", "\t"),
     ("Ref,Action\n1.1,Do it; then; more\n", ",")],
    ids=["semicolon", "tab", "comma"],
)
def test_csv_delimiter_is_the_one_that_splits_rows_evenly(text: str, delimiter: str, tmp_path: Path) -> None:
    """Excel writes semicolons where the comma is the decimal mark; the reader finds which was used."""
    path = tmp_path / "in.csv"
    path.write_text(text, encoding="utf-8")
    assert read_tables(str(path)).delimiter == delimiter
