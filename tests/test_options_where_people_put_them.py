"""Options and help where a new user looks for them: --plan and --as-of before the command,
days named in words, loud filters, suggestions only among a command's own options, `sendplan
help`, summaries that fit 80 columns, `validate --explain` and `sendplan show ID`."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date
from pathlib import Path

import click
import pytest
from click.testing import CliRunner, Result

from sendplan import cli
from sendplan.cli import options

AS_OF = "2021-11-01"


def ids(result: Result) -> list[str]:
    return [item["id"] for item in json.loads(result.stdout)]


def test_plan_and_as_of_before_the_command(run: Callable[..., Result], bundled_plan: Path) -> None:
    """`sendplan --plan X --as-of D overdue` answers as `sendplan overdue --plan X --as-of D`."""
    before = run("--plan", str(bundled_plan), "--as-of", AS_OF, "overdue", "--json")
    after = run("overdue", "--plan", str(bundled_plan), "--as-of", AS_OF, "--json")
    assert before.exit_code == 0 and before.stderr == ""
    assert before.stdout == after.stdout
    assert ids(before) == ["4.2", "5.1", "5.2", "6.1", "6.2", "5.3"]


def test_the_commands_own_option_wins_and_the_groups_beats_the_environment(
    run: Callable[..., Result], bundled_plan: Path, tmp_path: Path
) -> None:
    """After the command beats before it; before it beats $SENDPLAN_PLAN."""
    missing = str(tmp_path / "missing.yaml")
    chosen = run("--plan", missing, "overdue", "--plan", str(bundled_plan), "--as-of", AS_OF, "--json")
    assert ids(chosen) == ["4.2", "5.1", "5.2", "6.1", "6.2", "5.3"]
    over_env = run("--plan", str(bundled_plan), "leads", "--as-of", AS_OF, "--json", env={"SENDPLAN_PLAN": missing})
    assert over_env.exit_code == 0
    later = run("--as-of", "2020-01-01", "overdue", "--as-of", AS_OF, "--plan", str(bundled_plan), "--json")
    assert len(ids(later)) == 6


def test_validate_and_edits_take_the_plan_before_the_command(run: Callable[..., Result], bundled_plan: Path, tmp_path: Path) -> None:
    """validate and done read --plan given before the command too."""
    copy = tmp_path / "mine.yaml"
    copy.write_bytes(bundled_plan.read_bytes())
    assert run("--plan", str(copy), "validate", "--as-of", AS_OF).stdout.startswith(f"{copy}: valid")
    done = run("--plan", str(copy), "--as-of", "2022-03-20", "done", "1.1")
    assert done.exit_code == 0, done.output
    assert "completed: 2022-03-20" in copy.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("word", "day"),
    [
        pytest.param("today", date(2022, 6, 1), id="today"),
        pytest.param("Yesterday", date(2022, 5, 31), id="yesterday, any case"),
        pytest.param(" tomorrow ", date(2022, 6, 2), id="tomorrow, spaces round it"),
    ],
)
def test_days_in_words(word: str, day: date, monkeypatch: pytest.MonkeyPatch) -> None:
    """--as-of today, yesterday and tomorrow count from the clock (here 1 June 2022)."""
    monkeypatch.setattr(options, "today", lambda: date(2022, 6, 1))
    assert options.DayParam().convert(word, None, None) == day


def test_as_of_today_on_the_command_line(run: Callable[..., Result], bundled_plan: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`--as-of today` is accepted, before the command or after it."""
    monkeypatch.setattr(options, "today", lambda: date(2021, 11, 1))
    assert ids(run("overdue", "--plan", str(bundled_plan), "--as-of", "today", "--json")) == ids(
        run("--as-of", "yesterday", "overdue", "--plan", str(bundled_plan), "--as-of", "2021-11-01", "--json")
    )


def unknown_lead(code: str) -> str:
    return f"Invalid value for '--lead': \"{code}\" is not a lead in this plan. Known leads: CK, AG, CW, BB, DA."


@pytest.mark.parametrize(
    ("args", "message"),
    [
        pytest.param(("list", "--lead", "ZZ"), unknown_lead("ZZ"), id="list --lead ZZ"),
        pytest.param(("overdue", "--lead", "zz"), unknown_lead("zz"), id="overdue --lead zz"),
        pytest.param(("due", "--lead", "XY"), unknown_lead("XY"), id="due --lead XY"),
        pytest.param(
            ("list", "--task", "99"),
            "Invalid value for '--task': there is no task 99 in this plan. Tasks: 1, 2, 3, 4, 5, 6, 7, 8.",
            id="list --task 99",
        ),
        pytest.param(
            ("list", "--status", "finshed"), "Invalid value for '--status': \"finshed\" is not a status.",
            id="list --status finshed",
        ),
    ],
)
def test_a_filter_the_plan_cannot_match_is_a_usage_error(
    run: Callable[..., Result], bundled_plan: Path, args: tuple[str, ...], message: str
) -> None:
    """A lead code, task number or status the plan does not have exits 2 naming those it has,
    never an empty table and exit 0."""
    result = run(*args, "--plan", str(bundled_plan), "--as-of", AS_OF)
    assert result.exit_code == 2
    assert message in result.stderr
    assert result.stdout == ""


def test_a_known_status_no_item_has_is_an_empty_answer(run: Callable[..., Result], bundled_plan: Path) -> None:
    """A real status that no item has yet is a true answer (nothing is off track), not an error."""
    result = run("list", "--status", "off track", "--plan", str(bundled_plan), "--as-of", AS_OF, "--json")
    assert result.exit_code == 0
    assert json.loads(result.stdout) == []


def test_overdue_and_due_take_a_lead(run: Callable[..., Result], bundled_plan: Path) -> None:
    """overdue --lead and due --lead keep that lead's items."""
    assert ids(run("overdue", "--lead", "bb", "--plan", str(bundled_plan), "--as-of", AS_OF, "--json")) == ["4.2"]
    assert ids(run("due", "--lead", "CW", "--within", "6m", "--plan", str(bundled_plan), "--as-of", AS_OF, "--json")) == ["2.1"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        pytest.param(("overdue", "--led", "AG"), "No such option '--led' for sendplan overdue. Did you mean '--lead'?", id="close"),
        pytest.param(
            ("leads", "--lead", "AG"),
            "No such option '--lead' for sendplan leads. --lead is an option of sendplan due, sendplan ics, "
            "sendplan list, sendplan overdue, …",
            id="another command's option, no look-alike",
        ),
        pytest.param(
            ("overdue", "--task", "4"),
            "No such option '--task' for sendplan overdue. --task is an option of sendplan list.",
            id="only list has --task",
        ),
    ],
)
def test_suggestions_only_among_the_commands_own_options(
    run: Callable[..., Result], bundled_plan: Path, args: tuple[str, ...], message: str
) -> None:
    """An unknown option suggests only a close match the command has, and names the commands
    that do take it (click suggested --plan for `overdue --lead`)."""
    result = run(*args, "--plan", str(bundled_plan))
    assert result.exit_code == 2
    assert message in result.stderr
    assert "'--plan'" not in result.stderr


def test_help_command_is_the_help_option(run: Callable[..., Result]) -> None:
    """`sendplan help CMD` prints what `sendplan CMD --help` does; `sendplan help` the group's."""
    assert run("help", "overdue").stdout == run("overdue", "--help").stdout
    assert run("help").stdout == run("--help").stdout
    wrong = run("help", "ovedue")
    assert wrong.exit_code == 2
    assert '"ovedue" is not a command. Commands: by-lead,' in wrong.stderr


@pytest.mark.parametrize("columns", [80, 120])
def test_command_summaries_fit_80_columns_uncut(columns: int) -> None:
    """`sendplan --help` lists every command with its whole summary, a line each, never cut with
    "..."; at 80 columns no line is wider."""
    result = CliRunner().invoke(cli.cli, ["--help"], env={"COLUMNS": str(columns)}, terminal_width=columns)
    commands = result.stdout.split("Commands:", 1)[1]
    assert "..." not in commands
    assert len(commands.strip().splitlines()) == len(cli.cli.commands)
    assert all(len(line) <= columns for line in result.stdout.splitlines())


def test_help_names_explain_not_a_file_the_user_lacks() -> None:
    """Help text never sends a reader to the README (a pip install has none), and validate's
    points at `sendplan validate --explain CODE` for what a check means, not at docs/."""
    ctx = click.Context(cli.cli)
    for name, command in cli.cli.commands.items():
        assert "README" not in command.get_help(click.Context(command, info_name=name, parent=ctx)), name
    validate = cli.cli.commands["validate"]
    text = " ".join(validate.get_help(click.Context(validate, info_name="validate", parent=ctx)).split())
    assert "sendplan validate --explain SP101" in text
    assert "docs/" not in text


def test_validate_explain(run: Callable[..., Result]) -> None:
    """--explain says what a check finds and how to fix it, by code or by name, reading no plan."""
    result = run("validate", "--explain", "sp101", "--explain", "placeholder")
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[:3] == [
        "SP101 no-lead (warning)",
        "An item has no lead. Nobody is accountable for it.",
        'Fix: Add "lead: CODE" with a code from the plan\'s "leads:" key.',
    ]
    assert "SP109 placeholder (warning)" in lines
    assert result.stderr == ""  # no plan was read, so nothing announced
    wrong = run("validate", "--explain", "SP199")
    assert wrong.exit_code == 2
    assert "Did you mean SP119?" in wrong.stderr


def test_show_lays_out_one_item(run: Callable[..., Result], bundled_plan: Path) -> None:
    """`show ID` on a terminal (a table) gives every part of the item, labelled; 7.7 is grey."""
    result = run("show", "7.7", "--plan", str(bundled_plan), "--as-of", AS_OF, "--format", "table", env={"COLUMNS": "80"})
    lines = [line.rstrip() for line in result.stdout.splitlines()]
    assert lines[0] == "Item 7.7 as of 2021-11-01 · SEND recovery plan"
    fields = {line[1:19].strip(): line[19:].strip() for line in lines[2:] if line.strip() and not line.startswith("   ")}
    assert fields["Lead"] == "none named"
    assert fields["Deadline"] == "none: it can never fall due or be overdue"
    assert fields["RAG"] == "grey (no deadline or lead)"
    assert fields["Action"] == "none written"


def test_show_gives_the_whole_story_of_an_item(run: Callable[..., Result], bundled_plan: Path, tmp_path: Path) -> None:
    """A revised, updated, exception-noted item shows every update, the revision and the note."""
    copy = tmp_path / "plan.yaml"
    copy.write_bytes(bundled_plan.read_bytes())
    run("update", "4.2", "--note", "Exercise restarted", "--by", "BB", "--as-of", "2021-11-02")
    run("update", "4.2", "--revise", "Mar 2022", "--reason", "Data late from schools", "--as-of", "2021-11-02")
    run("update", "4.2", "--recovery", "Extra analyst from January", "--as-of", "2021-11-02")
    text = " ".join(run("show", "4.2", "--as-of", "2022-06-01", "--format", "table", env={"COLUMNS": "200"}).stdout.split())
    assert "Revised deadline Mar 2022 (falls due 31 Mar 2022, +516 days): Data late from schools" in text
    assert "Recovery Extra analyst from January" in text
    assert "Updates 2 Nov 2021 BB: Exercise restarted" in text
    assert "Overdue yes, by 62 days" in text


def test_show_piped_is_the_listing_record(run: Callable[..., Result], bundled_plan: Path) -> None:
    """Piped or as JSON, show gives the same record as list (JSON then goes on with the item's
    details, after the listing's keys), so scripts need learn nothing new."""
    shown = json.loads(run("show", "4.2", "--plan", str(bundled_plan), "--as-of", AS_OF, "--json").stdout)
    listed = json.loads(run("list", "--plan", str(bundled_plan), "--as-of", AS_OF, "--json").stdout)
    record = next(item for item in listed if item["id"] == "4.2")
    assert len(shown) == 1
    assert {key: shown[0][key] for key in record} == record
    assert list(shown[0])[: len(record)] == list(record)
    assert run("show", "4.2", "--plan", str(bundled_plan), "--as-of", AS_OF).stdout.splitlines()[1].startswith("4.2\t4\t")


def test_show_an_unknown_id(run: Callable[..., Result], bundled_plan: Path) -> None:
    """An id the plan does not have exits 2 with the nearest ids."""
    result = run("show", "4.17", "--plan", str(bundled_plan), "--as-of", AS_OF)
    assert result.exit_code == 2
    assert 'there is no item "4.17"' in result.stderr and "Did you mean 4.7, 4.1, 4.11?" in result.stderr
