"""Every --format, -o FILE and --fields, each output parsed back with a real parser."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import click
import pytest
from click.testing import Result
from helpers import MINIMAL_PLAN
from hypothesis import given
from hypothesis import strategies as st

import sendplan
from sendplan import cli
from sendplan.cli import options
from sendplan.outputs.delimited import BOM, neutralise, render_csv
from sendplan.outputs.markdown import md_escape, md_table
from sendplan.outputs.registry import RENDERERS, OutputFormat
from sendplan.outputs.rows import Report

AS_OF = "2021-12-01"
LISTING = [["list"], ["by-lead", "CK"], ["overdue"], ["due", "--within", "3m"], ["leads"], ["tasks"]]


def read_csv(text: str) -> list[dict[str, str]]:
    assert text.startswith(BOM), "Excel needs the BOM to read UTF-8"
    return list(csv.DictReader(io.StringIO(text.removeprefix(BOM), newline="")))


def markdown_table(text: str) -> list[list[str]]:
    """The cells of the first pipe table in *text*, header first, separator row dropped."""
    rows = [line for line in text.splitlines() if line.startswith("|")]
    cells = [[cell.strip() for cell in line.strip("|").split(" | ")] for line in rows]
    assert set("".join(cells[1])) <= set("-: "), "second row is the alignment row"
    return [cells[0], *cells[2:]]


def test_every_format_is_a_choice(run: Callable[..., Result]) -> None:
    """The --format choices are exactly the renderer registry."""
    assert set(RENDERERS) == set(OutputFormat)
    result = run("list", "--help")
    for fmt in ("table", "tsv", "json", "jsonl", "csv", "markdown"):
        assert fmt in result.stdout


@pytest.mark.parametrize("command", LISTING, ids=lambda command: command[0])
def test_each_listing_command_in_each_format(run: Callable[..., Result], bundled_plan: Path, command: list[str]) -> None:
    """json, jsonl, csv and markdown of one command agree on the rows they carry."""
    base = [*command, "--plan", str(bundled_plan), "--as-of", AS_OF]
    as_json = json.loads(run(*base, "--json").stdout)
    assert as_json, "the seed gives rows for every listing"
    key = next(iter(as_json[0]))
    lines = run(*base, "--format", "jsonl").stdout.splitlines()
    assert [json.loads(line) for line in lines] == as_json
    rows = read_csv(run(*base, "--format", "csv").stdout)
    assert [row[key] for row in rows] == [str(item[key]) if item[key] is not None else "" for item in as_json]
    table = markdown_table(run(*base, "--format", "markdown").stdout)
    assert len(table) == len(as_json) + 1


def test_csv_row_per_item_with_lists_in_cell(run: Callable[..., Result], bundled_plan: Path) -> None:
    """CSV has one row per item; several criteria share one cell, one per line."""
    result = run("list", "--plan", str(bundled_plan), "--as-of", AS_OF, "--format", "csv")
    rows = read_csv(result.stdout)
    assert len(rows) == 57
    recurring = next(row for row in rows if row["id"] == "4.11")
    assert recurring["success_criteria"] == "adequate funding for all EHCPs;\nappropriate cost inflation built in."
    assert recurring["overdue"] == "FALSE"
    assert result.stdout_bytes.count(b"\r\n") == 58  # Excel's own line ends after each row


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("=HYPERLINK(\"http://x\")", "'=HYPERLINK(\"http://x\")"),
        ("+44 1604", "'+44 1604"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1+1", "'\t=1+1"),
        ("\r=1+1", "'\r=1+1"),
        ("Brief managers", "Brief managers"),
        ("a = b", "a = b"),
    ],
    ids=["equals", "plus", "minus", "at", "tab", "carriage-return", "plain", "equals-inside"],
)
def test_neutralise(text: str, expected: str) -> None:
    """Only a cell that starts with a formula character gets the leading apostrophe."""
    assert neutralise(text) == expected


def test_csv_from_a_hostile_plan_runs_no_formula(run: Callable[..., Result], write_plan: Callable[..., Path]) -> None:
    """Formula-like text in actions, criteria and titles comes back from csv with a leading apostrophe."""
    path = write_plan(
        MINIMAL_PLAN.replace("Do the thing", '"=cmd|\' /C calc\'!A0"')
        .replace("- The thing is done", '- "@SUM(1+1)"\n              - "-1+2"')
        .replace("title: First task", 'title: "+ task"')
    )
    rows = read_csv(run("list", "--plan", str(path), "--as-of", AS_OF, "--format", "csv").stdout)
    assert rows[0]["action"] == "'=cmd|' /C calc'!A0"
    assert rows[0]["success_criteria"] == "'@SUM(1+1)\n-1+2"
    assert rows[0]["task_title"] == "'+ task"
    assert rows[0]["task"] == "1"


def test_csv_negative_numbers_stay_numbers() -> None:
    """Numbers sendplan computed (such as negative slip days) are written as numbers, not neutralised."""
    from dataclasses import dataclass

    @dataclass
    class Row:
        id: str
        slip_days: int

    out = io.StringIO()
    render_csv(Report("other", [Row("-x", -3)], "t"), out)
    assert read_csv(out.getvalue()) == [{"id": "'-x", "slip_days": "-3"}]


def test_empty_csv_still_has_its_header(run: Callable[..., Result], bundled_plan: Path) -> None:
    """A CSV with no rows keeps its header, so a spreadsheet still shows the columns."""
    result = run("overdue", "--plan", str(bundled_plan), "--as-of", "2020-01-01", "--format", "csv")
    assert result.stdout.removeprefix(BOM).splitlines()[0].startswith("id,task,task_title,")
    assert read_csv(result.stdout) == []


def test_fields_choose_and_order_columns(run: Callable[..., Result], bundled_plan: Path) -> None:
    """--fields keeps only the named keys, in the order given, in every format."""
    base = ["overdue", "--plan", str(bundled_plan), "--as-of", AS_OF, "--fields", "id, lead,days_overdue"]
    rows = json.loads(run(*base, "--json").stdout)
    assert list(rows[0]) == ["id", "lead", "days_overdue"]
    assert rows[0] == {"id": "4.2", "lead": "BB", "days_overdue": 396}
    assert run(*base, "--format", "tsv").stdout.splitlines()[:2] == ["id\tlead\tdays_overdue", "4.2\tBB\t396"]
    assert list(read_csv(run(*base, "--format", "csv").stdout)[0]) == ["id", "lead", "days_overdue"]
    assert markdown_table(run(*base, "--format", "markdown").stdout)[:2] == [
        ["id", "lead", "days\\_overdue"],
        ["4.2", "BB", "396"],
    ]
    table = run(*base, "--format", "table").stdout
    assert "days_overdue" in table
    assert "Action and success criteria" not in table


@pytest.mark.parametrize("command", [["list"], ["tasks"], ["leads"]], ids=lambda command: command[0])
def test_unknown_field_is_a_usage_error(run: Callable[..., Result], bundled_plan: Path, command: list[str]) -> None:
    """An unknown --fields name exits 2 and lists the valid names for that command."""
    result = run(*command, "--plan", str(bundled_plan), "--as-of", AS_OF, "--fields", "id,bogus")
    assert result.exit_code == 2
    assert '"bogus": not a field here. Choose from: ' in result.stderr
    assert result.stdout == ""
    valid = {"list": "id,task,task_title,", "tasks": "task,title,items,", "leads": "lead,name,title,"}[command[0]]
    assert valid in result.stderr


@pytest.mark.parametrize(
    ("name", "check"),
    [
        ("out.csv", lambda text: read_csv(text)[0]["id"] == "4.2"),
        ("out.json", lambda text: json.loads(text)[0]["id"] == "4.2"),
        ("out.jsonl", lambda text: json.loads(text.splitlines()[0])["id"] == "4.2"),
        ("out.md", lambda text: markdown_table(text)[1][0] == "4.2"),
        ("out.tsv", lambda text: text.splitlines()[1].startswith("4.2\t")),
        ("out.txt", lambda text: "Overdue as of 2021-12-01" in text and "\x1b" not in text),
    ],
    ids=["csv", "json", "jsonl", "markdown", "tsv", "table"],
)
def test_output_file_format_follows_extension(
    run: Callable[..., Result], bundled_plan: Path, tmp_path: Path, name: str, check: Callable[[str], bool]
) -> None:
    """-o FILE writes the format its extension names, and nothing to stdout."""
    target = tmp_path / name
    result = run("overdue", "--plan", str(bundled_plan), "--as-of", AS_OF, "-o", str(target))
    assert result.exit_code == 0
    assert result.stdout == ""
    text = target.read_bytes().decode("utf-8")
    assert check(text)
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == [], "no temporary file left"


def test_output_file_is_replaced_and_format_wins(run: Callable[..., Result], bundled_plan: Path, tmp_path: Path) -> None:
    """An existing -o file is overwritten, and an explicit --format beats the extension."""
    target = tmp_path / "out.txt"
    target.write_text("old contents that are much longer than what replaces them " * 100, encoding="utf-8")
    result = run("tasks", "--plan", str(bundled_plan), "--as-of", AS_OF, "--format", "json", "-o", str(target))
    assert result.exit_code == 0
    assert [row["task"] for row in json.loads(target.read_text(encoding="utf-8"))] == list(range(1, 9))


def test_output_file_unknown_extension_is_a_usage_error(run: Callable[..., Result], bundled_plan: Path, tmp_path: Path) -> None:
    """-o with an extension sendplan cannot write exits 2 and names the ones it can."""
    result = run("tasks", "--plan", str(bundled_plan), "--as-of", AS_OF, "-o", str(tmp_path / "out.docx"))
    assert result.exit_code == 2
    assert "End it with one of .txt .tsv" in result.stderr
    assert not (tmp_path / "out.docx").exists()


def test_output_file_in_missing_folder_exits_1(run: Callable[..., Result], bundled_plan: Path, tmp_path: Path) -> None:
    """A file that cannot be written is reported in plain words, without a traceback."""
    result = run("tasks", "--plan", str(bundled_plan), "--as-of", AS_OF, "-o", str(tmp_path / "no" / "out.csv"))
    assert result.exit_code == 1
    assert "No such file or directory" in result.stderr


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("**bold** and [link](http://x)", r"\*\*bold\*\* and \[link\](http://x)"),
        ("a | b", r"a \| b"),
        ("<script>alert(1)</script>", r"\<script\>alert(1)\</script\>"),
        ("line one\nline two", "line one<br>line two"),
        ("bell\x07 and \x1b[31mred", r"bell and \[31mred"),
    ],
    ids=["emphasis-and-link", "pipe", "html", "newline", "controls"],
)
def test_md_escape(text: str, expected: str) -> None:
    """Plan text in Markdown is literal: no emphasis, links, HTML, new cells or control characters."""
    assert md_escape(text) == expected


def test_md_table_shape() -> None:
    """md_table writes a header, an alignment row and one escaped row per body row."""
    text = md_table(["ID", "Count"], [["4.1", "3"], ["a|b", ""]], ["left", "right"])
    assert text.splitlines() == ["| ID | Count |", "| --- | ---: |", "| 4.1 | 3 |", r"| a\|b |   |"]


def test_csv_and_json_paths_do_not_import_rich(bundled_plan: Path, tmp_path: Path) -> None:
    """The machine formats never import rich (it is slow to import and not needed)."""
    code = (
        "import sys; from sendplan.cli import cli\n"
        "for fmt in ('csv', 'json', 'jsonl', 'tsv', 'markdown'):\n"
        f"    try: cli(['list', '--plan', {str(bundled_plan)!r}, '--as-of', '{AS_OF}', '--format', fmt])\n"
        "    except SystemExit: pass\n"
        "print('rich' in sys.modules, file=sys.stderr)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=tmp_path,
        env={"PYTHONPATH": str(Path(sendplan.__file__).resolve().parent.parent), "PATH": ""},
    )
    assert result.stderr.strip() == "False"


@pytest.mark.parametrize("command", [*LISTING, ["glossary"]], ids=lambda command: command[0])
def test_every_listing_takes_output_and_fields(
    run: Callable[..., Result], bundled_plan: Path, tmp_path: Path, command: list[str]
) -> None:
    """-o and --fields come with the shared options, so every listing command has them."""
    first = {"leads": "lead", "tasks": "task", "glossary": "abbreviation"}.get(command[0], "id")
    target = tmp_path / "out.jsonl"
    extra = [] if command[0] == "glossary" else ["--as-of", AS_OF]
    result = run(*command, "--plan", str(bundled_plan), *extra, "--fields", first, "-o", str(target))
    assert result.exit_code == 0
    records = [json.loads(line) for line in target.read_text(encoding="utf-8").splitlines()]
    assert records
    assert all(list(record) == [first] for record in records)


@pytest.mark.parametrize("fmt", ["csv", "jsonl", "markdown"])
def test_new_formats_never_print_control_characters(
    run: Callable[..., Result], write_plan: Callable[..., Path], fmt: str
) -> None:
    """ESC and BEL in plan text never reach the screen: stripped in csv and markdown, escaped in jsonl."""
    path = write_plan(MINIMAL_PLAN.replace("Do the thing", '"Do \\x1b[31mthe\\x07 thing"'))
    result = run("list", "--plan", str(path), "--as-of", AS_OF, "--format", fmt)
    assert result.exit_code == 0
    assert "\x1b" not in result.stdout
    assert "\x07" not in result.stdout
    if fmt == "jsonl":
        assert json.loads(result.stdout)["action"] == "Do \x1b[31mthe\x07 thing"
    else:
        assert "[31mthe thing" in result.stdout


@given(st.text())
def test_neutralised_text_never_starts_a_formula(text: str) -> None:
    """Whatever the text, the neutralised cell does not start with a formula character."""
    cell = neutralise(text)
    assert not cell.startswith(("=", "+", "-", "@", "\t", "\r"))
    assert cell.removeprefix("'") == text or cell == text


def read_xlsx(path: Path, sheet_name: str | None = None) -> list[list[Any]]:
    """The cells of a workbook's sheet (the one it opens on, unless named), row by row."""
    from openpyxl import load_workbook

    book = load_workbook(path)
    sheet = book[sheet_name] if sheet_name else book.active
    assert sheet is not None
    return [[cell.value for cell in row] for row in sheet.iter_rows()]


def test_xlsx_keeps_each_cell_its_type(run: Callable[..., Result], bundled_plan: Path, tmp_path: Path) -> None:
    """-o items.xlsx: on the data sheet ids stay text (4.10 is not 4.1), days are dates, counts
    are numbers and overdue is a real TRUE/FALSE."""
    target = tmp_path / "items.xlsx"
    result = run("list", "--plan", str(bundled_plan), "--as-of", AS_OF, "-o", str(target))
    assert result.exit_code == 0
    rows = read_xlsx(target, "Items")
    header, body = rows[0], rows[1:]
    as_json = json.loads(run("list", "--plan", str(bundled_plan), "--as-of", AS_OF, "--json").stdout)
    assert header == list(as_json[0])
    assert [row[0] for row in body] == [item["id"] for item in as_json]
    assert "4.10" in [row[0] for row in body]
    item = dict(zip(header, body[[row[0] for row in body].index("4.2")], strict=True))
    assert item["deadline"].date() == date(2020, 10, 31)  # a real date cell, not text
    assert item["deadline_text"] == "Oct 2020"
    assert item["days_overdue"] == 396 and item["task"] == 4
    assert item["overdue"] is True
    recurring = dict(zip(header, body[[row[0] for row in body].index("4.11")], strict=True))
    assert recurring["success_criteria"] == "adequate funding for all EHCPs;\nappropriate cost inflation built in."


def test_xlsx_text_is_never_a_formula(run: Callable[..., Result], write_plan: Callable[..., Path], tmp_path: Path) -> None:
    """Plan text that starts with =, +, - or @ is stored as text, exactly as written."""
    path = write_plan(
        MINIMAL_PLAN.replace("Do the thing", '"=cmd|\' /C calc\'!A0"').replace("- The thing is done", '- "@SUM(1+1)"')
    )
    target = tmp_path / "out.xlsx"
    assert run("list", "--plan", str(path), "--as-of", AS_OF, "-o", str(target)).exit_code == 0
    from openpyxl import load_workbook

    book = load_workbook(target)
    action, criteria = book["Items"]["E2"], book["Items"]["F2"]
    assert (action.value, action.data_type) == ("=cmd|' /C calc'!A0", "s")
    assert (criteria.value, criteria.data_type) == ("@SUM(1+1)", "s")
    tracker_action, tracker_criteria = book["Tracker"]["G2"], book["Tracker"]["H2"]
    assert (tracker_action.value, tracker_action.data_type) == ("=cmd|' /C calc'!A0", "s")
    assert (tracker_criteria.value, tracker_criteria.data_type) == ("✓ @SUM(1+1)", "s")


def test_xlsx_never_goes_to_a_terminal(run: Callable[..., Result], bundled_plan: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A workbook is bytes: on a terminal --format xlsx asks for -o; piped, the bytes flow."""
    piped = run("leads", "--plan", str(bundled_plan), "--as-of", AS_OF, "--format", "xlsx")
    assert piped.exit_code == 0
    assert piped.stdout_bytes.startswith(b"PK")  # a zip, as every .xlsx is

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    monkeypatch.setattr(sys, "stdout", Terminal())
    with click.Context(cli.cli), pytest.raises(click.UsageError, match=r"add -o FILE\.xlsx"):
        options.show(Report(kind="leads", rows=[], title="x"), "xlsx")
