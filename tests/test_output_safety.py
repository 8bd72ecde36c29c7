"""Plan text is data: never read as rich markup, never a raw control character on stdout or stderr."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result

from sendplan.errors import Location, Problem
from sendplan.outputs.problems import format_problem
from sendplan.outputs.text import visible

AS_OF = "2022-06-01"
RAW_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
# rich's own colour codes when it thinks it writes to a terminal; nothing else may use ESC.
RICH_STYLE = re.compile(r"\x1b\[[0-9;]*m")

# YAML escapes put the control characters in: YAML itself refuses them raw (see the corpus).
HOSTILE_PLAN = r"""plan:
  title: "[bold red]Plan[/] \e[31mred\a \x9b2J"
leads:
  AG:
    name: "[link=https://example.org]Anthony[/link] \e]8;;https://evil.example\e\\x\e]8;;\e\\ \x9b31m"
tasks:
  - number: 1
    title: "Task [bold]one[/bold] \e[5m"
    deliverables:
      - title: "Deliverable \a\x00\x7f"
        items:
          - id: "1.1"
            action: "[bold red]x[/] \e[31mred\e[0m bell\a csi\x9b31m"
            success_criteria: ["[i]crit[/i] \e[2J"]
            deadline: Mar 2022
            lead: AG
"""

ACTION = "[bold red]x[/] \x1b[31mred\x1b[0m bell\x07 csi\x9b31m"
LEAD_NAME = "[link=https://example.org]Anthony[/link] \x1b]8;;https://evil.example\x1b\\x\x1b]8;;\x1b\\ \x9b31m"

COMMANDS = [
    ["list", "--as-of", AS_OF],
    ["by-lead", "ag", "--as-of", AS_OF],
    ["overdue", "--as-of", AS_OF],
    ["due", "--within", "3m", "--as-of", "2022-01-01"],
    ["leads", "--as-of", AS_OF],
    ["tasks", "--as-of", AS_OF],
]


@pytest.fixture
def hostile(write_plan: Callable[..., Path]) -> Path:
    return write_plan(HOSTILE_PLAN)


@pytest.mark.parametrize("fmt", ["table", "tsv", "json"])
@pytest.mark.parametrize("command", COMMANDS, ids=[command[0] for command in COMMANDS])
def test_no_raw_control_characters_on_stdout(
    command: list[str], fmt: str, hostile: Path, run: Callable[..., Result]
) -> None:
    """Every command in every format writes plan text without ESC, BEL, NUL, DEL or C1 characters."""
    result = run(*command, "--plan", str(hostile), "--format", fmt)
    assert result.exit_code == 0, result.output
    assert result.stdout
    assert not RAW_CONTROL.search(result.stdout.replace("\t", " "))
    assert result.stderr == ""


@pytest.mark.parametrize("command", COMMANDS, ids=[command[0] for command in COMMANDS])
def test_table_on_a_colour_terminal_has_only_rich_styles(
    command: list[str], hostile: Path, run: Callable[..., Result]
) -> None:
    """With colour forced on, the only escape sequences are rich's own colours, none from the plan."""
    result = run(
        *command, "--plan", str(hostile), "--format", "table",
        env={"FORCE_COLOR": "1", "TERM": "xterm-256color", "NO_COLOR": None},  # type: ignore[dict-item]
    )
    assert result.exit_code == 0
    assert RICH_STYLE.search(result.stdout)  # colour really is on
    assert not RAW_CONTROL.search(RICH_STYLE.sub("", result.stdout))


def test_markup_shows_literally_in_the_table(hostile: Path, run: Callable[..., Result]) -> None:
    """Square-bracket markup in plan text is printed as written, with only the control characters gone."""
    result = run("list", "--plan", str(hostile), "--as-of", AS_OF, "--format", "table")
    flat = " ".join(result.stdout.split())
    assert "[bold red]x[/] [31mred[0m bell csi31m" in flat
    assert "[i]crit[/i] [2J" in flat
    assert "[bold red]Plan[/] [31mred 2J" in flat


def test_tsv_keeps_markup_and_drops_control_characters(hostile: Path, run: Callable[..., Result]) -> None:
    """TSV cells carry the text with control characters removed, one row per line."""
    result = run("by-lead", "AG", "--plan", str(hostile), "--as-of", AS_OF, "--format", "tsv")
    header, row = result.stdout.splitlines()
    cells = dict(zip(header.split("\t"), row.split("\t"), strict=True))
    assert cells["action"] == "[bold red]x[/] [31mred[0m bell csi31m"
    assert cells["lead_name"] == "[link=https://example.org]Anthony[/link] ]8;;https://evil.example\\x]8;;\\ 31m"
    assert cells["deliverable"] == "Deliverable"


def test_json_round_trips_the_text_exactly(hostile: Path, run: Callable[..., Result]) -> None:
    """JSON escapes control characters, so parsing it back gives the plan's text unchanged."""
    result = run("list", "--plan", str(hostile), "--as-of", AS_OF, "--json")
    assert not RAW_CONTROL.search(result.stdout)
    [item] = json.loads(result.stdout)
    assert item["action"] == ACTION
    assert item["lead_name"] == LEAD_NAME
    assert item["success_criteria"] == ["[i]crit[/i] \x1b[2J"]
    assert item["deliverable"] == "Deliverable \x07\x00\x7f"
    assert item["task_title"] == "Task [bold]one[/bold] \x1b[5m"


def test_validate_json_escapes_quoted_plan_text(write_plan: Callable[..., Path], run: Callable[..., Result]) -> None:
    """`validate --json` on a bad deadline holding ESC shows it as the human message does: \\x1b."""
    path = write_plan(HOSTILE_PLAN.replace("deadline: Mar 2022", 'deadline: "\\e[2J"'))
    result = run("validate", str(path), "--json")
    assert result.exit_code == 1
    assert not RAW_CONTROL.search(result.stdout)
    [problem] = json.loads(result.stdout)
    assert problem["message"].startswith('"deadline" in item 1.1: "\\x1b[2J" is not a date.')


def test_error_message_shows_control_characters_as_escapes(
    write_plan: Callable[..., Path], run: Callable[..., Result]
) -> None:
    """A message quoting plan text with ESC and BEL shows them as \\x1b and \\x07, never raw."""
    path = write_plan(HOSTILE_PLAN.replace("deadline: Mar 2022", 'deadline: "\\e[2J\\a\\x9b"'))
    result = run("validate", str(path))
    assert result.exit_code == 1
    assert not RAW_CONTROL.search(result.stderr)
    assert result.stderr.startswith(f'{path}:15:23: "deadline" in item 1.1: "\\x1b[2J\\x07\\x9b" is not a date.')


@pytest.mark.parametrize(
    ("args", "shown"),
    [
        (["by-lead", "Z\x1b[2J\x07\x9b"], '"Z\\x1b[2J\\x07\\x9b" is not a lead in this plan.'),
        (["list", "--as-of", "a\x07\x9bb"], '"a\\x07\\x9bb" is not a date.'),
        (["list", "--due-before", "\x1b[2J"], '"\\x1b[2J" is not a date.'),
        (["due", "--within", "\x07\x9b"], '"\\x07\\x9b" is not a period.'),
        (["list", "--status", "\x1b[2J"], '"\\x1b[2J" is not a status.'),
        (["list", "--format", "\x1b[31m"], "'\\x1b[31m' is not one of"),
    ],
    ids=["by-lead code", "as-of", "due-before", "within", "status", "format"],
)
def test_usage_errors_never_echo_control_characters(
    args: list[str], shown: str, run: Callable[..., Result], bundled_plan: Path
) -> None:
    """Bad command-line values are quoted with their control characters escaped, and exit 2."""
    extra = [] if "--as-of" in args else ["--as-of", AS_OF]
    result = run(*args, *extra, "--plan", str(bundled_plan))
    assert result.exit_code == 2
    assert shown in result.stderr
    assert not RAW_CONTROL.search(result.stderr)


def test_format_problem_escapes_every_part() -> None:
    """File name, message and item id all pass through the escaping, and the result is one line."""
    problem = Problem("bad \x1b[2J value\nsecond line", Location("plan\x07.yaml", 3, 4), "4\x9b7")
    assert format_problem(problem) == "plan\\x07.yaml:3:4: bad \\x1b[2J value second line (item 4\\x9b7)"


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("plain £ text", "plain £ text"),
        ("esc\x1b[31m", "esc\\x1b[31m"),
        ("bell\x07", "bell\\x07"),
        ("csi\x9b", "csi\\x9b"),
        ("del\x7f", "del\\x7f"),
        ("right-to-left\u202eoverride", "right-to-left\\u202eoverride"),
        ("zero\u200bwidth", "zero\\u200bwidth"),
        ("tab\tand\r\nbreaks", "tab and breaks"),
    ],
)
def test_visible(text: str, shown: str) -> None:
    """Messages show invisible and control characters as escapes and keep ordinary text as it is."""
    assert visible(text) == shown


@pytest.mark.parametrize("fmt", ["table", "tsv", "json"])
def test_diff_shows_hostile_text_safely(
    fmt: str, hostile: Path, write_plan: Callable[..., Path], run: Callable[..., Result]
) -> None:
    """`sendplan diff` reporting an added item keeps its markup literal and drops or escapes control characters."""
    empty = write_plan("plan:\n  title: Empty\ntasks: []\n", name="empty.yaml")
    result = run("diff", str(empty), str(hostile), "--format", fmt)
    assert result.exit_code == 0, result.output
    assert not RAW_CONTROL.search(result.stdout.replace("\t", " "))
    if fmt == "json":
        [change] = json.loads(result.stdout)
        assert (change["change"], change["new"]) == ("added", ACTION)
    else:
        assert "[bold red]x[/] [31mred[0m bell csi31m" in " ".join(result.stdout.split())


# Bidirectional controls and zero-width characters: escaped where a terminal draws them,
# kept as text in documents for other programs (see sendplan/outputs/text.py).
INVISIBLE = ["\u202a", "\u202b", "\u202c", "\u202d", "\u202e", "\u2066", "\u2067", "\u2068", "\u2069",
             "\u200e", "\u200f", "\u061c", "\u200b", "\u200c", "\u200d", "\u2060", "\ufeff"]  # fmt: skip
TRICKY_ACTION = "Pay \u202eetelpmoc\u202c the \u2066invoice\u2069 zero\u200bwidth \u200f\u061c\u2060\ufeff"


@pytest.fixture
def tricky(write_plan: Callable[..., Path]) -> Path:
    text = HOSTILE_PLAN.replace(
        '"[bold red]x[/] \\e[31mred\\e[0m bell\\a csi\\x9b31m"',
        '"' + TRICKY_ACTION.encode("unicode_escape").decode() + '"',
    )
    return write_plan(text)


def raw_invisible(text: str) -> list[str]:
    return [char for char in INVISIBLE if char in text]


@pytest.mark.parametrize("command", COMMANDS, ids=[command[0] for command in COMMANDS])
@pytest.mark.parametrize("fmt", ["table", "tsv"])
def test_terminal_and_tsv_escape_bidi_and_zero_width(
    command: list[str], fmt: str, tricky: Path, run: Callable[..., Result]
) -> None:
    """Table and TSV never carry a raw bidirectional control or zero-width character."""
    result = run(*command, "--plan", str(tricky), "--format", fmt)
    assert result.exit_code == 0
    assert raw_invisible(result.stdout) == []


def test_tsv_shows_the_escapes(tricky: Path, run: Callable[..., Result]) -> None:
    """In TSV each one reads as its escape, so the reader sees that something is there."""
    result = run("list", "--plan", str(tricky), "--as-of", AS_OF, "--format", "tsv")
    header, row = result.stdout.splitlines()
    cells = dict(zip(header.split("\t"), row.split("\t"), strict=True))
    assert cells["action"] == (
        "Pay \\u202eetelpmoc\\u202c the \\u2066invoice\\u2069 zero\\u200bwidth \\u200f\\u061c\\u2060\\ufeff"
    )


def test_json_escapes_them_and_round_trips(tricky: Path, run: Callable[..., Result]) -> None:
    """JSON writes them as \\u escapes: nothing raw on a terminal, the exact text for a JSON reader."""
    for fmt in ("json", "jsonl"):
        result = run("list", "--plan", str(tricky), "--as-of", AS_OF, "--format", fmt)
        assert raw_invisible(result.stdout) == []
        assert "\\u202e" in result.stdout
        assert json.loads(result.stdout.splitlines()[0] if fmt == "jsonl" else result.stdout)
        record = json.loads(result.stdout) if fmt == "json" else [json.loads(result.stdout)]
        assert record[0]["action"] == TRICKY_ACTION


def test_documents_keep_them_as_text(tricky: Path, run: Callable[..., Result], tmp_path: Path) -> None:
    """CSV, the workbook and the calendar keep the text exactly: those programs lay it out themselves."""
    import csv
    import io

    import openpyxl
    from icalendar import Calendar

    result = run("list", "--plan", str(tricky), "--as-of", AS_OF, "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(result.stdout.removeprefix("\ufeff"))))
    assert rows[0]["action"] == TRICKY_ACTION
    workbook = tmp_path / "items.xlsx"
    assert run("list", "--plan", str(tricky), "--as-of", AS_OF, "-o", str(workbook)).exit_code == 0
    sheet = openpyxl.load_workbook(workbook).active
    assert sheet is not None
    assert TRICKY_ACTION in [cell.value for row in sheet.iter_rows() for cell in row]
    result = run("ics", "--plan", str(tricky), "--as-of", AS_OF)
    [event] = Calendar.from_ical(result.stdout_bytes).walk("VEVENT")
    assert TRICKY_ACTION in str(event["DESCRIPTION"])
