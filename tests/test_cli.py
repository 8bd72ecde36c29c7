"""Commands through click's CliRunner: exit codes, streams, plan choice, filters and output modes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result
from helpers import MINIMAL_PLAN

import sendplan

AS_OF = "2021-11-01"


def ids(result: Result) -> list[str]:
    return [item["id"] for item in json.loads(result.stdout)]


def test_validate_bundled_plan(run: Callable[..., Result], bundled_plan: Path) -> None:
    """validate on the shipped plan exits 0 and says how much it read."""
    result = run("validate", str(bundled_plan))
    assert result.exit_code == 0
    assert "valid (8 tasks, 57 items)" in result.stdout


def test_validate_reports_every_error_on_stderr(run: Callable[..., Result], write_plan: Callable[..., Path]) -> None:
    """All problems at once, FILE:LINE:COL first, on stderr only, and exit 1."""
    path = write_plan(
        MINIMAL_PLAN.replace("deadline: Mar 2022", "deadine: Mar 2022").replace("lead: AG\n", "lead: AG\n            status: sort of\n", 1)
    )
    result = run("validate", str(path))
    assert result.exit_code == 1
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert lines[0] == f'{path}:17:13: unknown key "deadine" in item 1.1 — did you mean "deadline"?'
    assert lines[1] == (
        f'{path}:19:21: "status" in item 1.1: "sort of" is not a status. '
        "Use one of: not_started, on_track, at_risk, off_track, complete, dropped."
    )
    assert lines[2].startswith(f'{path}:20:13: duplicate key "status": it is already given at line 19.')
    assert len(lines) == 3


def test_bad_plan_exits_1_for_every_command(run: Callable[..., Result], write_plan: Callable[..., Path]) -> None:
    """Any command on a broken plan prints located messages and exits 1, with nothing on stdout."""
    path = write_plan(MINIMAL_PLAN.replace("Mar 2022", "Smarch 2022"))
    for command in (["list"], ["overdue"], ["due"], ["leads"], ["tasks"], ["by-lead", "AG"]):
        result = run(*command, "--plan", str(path), "--as-of", AS_OF, "--json")
        assert result.exit_code == 1, command
        assert result.stdout == ""
        assert result.stderr.startswith(f'{path}:17:23: "deadline" in item 1.1: "Smarch 2022" is not a date')


@pytest.mark.parametrize(
    "args",
    [
        ["overdue", "--as-of", "2021-13-01"],
        ["list", "--due-before", "Smarch", "--as-of", AS_OF],
        ["list", "--status", "sleeping", "--as-of", AS_OF],
        ["due", "--within", "soon", "--as-of", AS_OF],
        ["list", "--bogus"],
        ["by-lead", "ZZ", "--as-of", AS_OF],
    ],
    ids=["bad as-of", "bad due-before", "bad status", "bad period", "unknown option", "unknown lead"],
)
def test_usage_errors_exit_2(run: Callable[..., Result], bundled_plan: Path, args: list[str]) -> None:
    """A problem in the command line exits 2 with a message, never a traceback."""
    result = run(*args, "--plan", str(bundled_plan))
    assert result.exit_code == 2
    assert "Error" in result.stderr
    assert "Traceback" not in result.stderr


def test_unknown_lead_lists_known_ones(run: Callable[..., Result], bundled_plan: Path) -> None:
    """by-lead with an unknown code names the codes the plan knows."""
    result = run("by-lead", "ZZ", "--plan", str(bundled_plan), "--as-of", AS_OF)
    assert "Known leads: CK, AG, CW, BB, DA" in result.stderr


@pytest.mark.parametrize("code", ["ck", "CK", "Ck", "ск"])
def test_by_lead_is_case_insensitive(run: Callable[..., Result], bundled_plan: Path, code: str) -> None:
    """by-lead ck, CK and the Cyrillic look-alike all find CK's 14 items."""
    result = run("by-lead", code, "--plan", str(bundled_plan), "--as-of", AS_OF, "--json")
    assert result.exit_code == 0
    assert len(json.loads(result.stdout)) == 14
    assert {item["lead"] for item in json.loads(result.stdout)} == {"CK"}


def test_list_filters_combine(run: Callable[..., Result], bundled_plan: Path) -> None:
    """--lead, --task, --due-after and --due-before narrow together; month bounds are inclusive."""
    result = run(
        "list", "--plan", str(bundled_plan), "--as-of", AS_OF, "--json",
        "--lead", "ag", "--lead", "CW", "--task", "2", "--due-after", "Jan 2022", "--due-before", "Jul 2022",
    )  # fmt: skip
    assert ids(result) == ["2.1", "2.2", "2.5"]


def test_list_overdue_flag_and_status(run: Callable[..., Result], bundled_plan: Path) -> None:
    """--overdue keeps only overdue items; --status accepts the aliases people use."""
    result = run("list", "--plan", str(bundled_plan), "--as-of", AS_OF, "--overdue", "--json")
    assert ids(result) == ["4.2", "5.1", "5.2", "5.3", "6.1", "6.2"]
    result = run("list", "--plan", str(bundled_plan), "--as-of", AS_OF, "--status", "Not started", "--task", "3", "--json")
    assert ids(result) == ["3.1", "3.2", "3.3"]
    result = run("list", "--plan", str(bundled_plan), "--as-of", AS_OF, "--status", "done", "--json")
    assert ids(result) == []


def test_overdue_exit_status(run: Callable[..., Result], bundled_plan: Path) -> None:
    """--exit-status exits 1 when something is overdue, 0 when nothing is; without it, always 0."""
    assert run("overdue", "--plan", str(bundled_plan), "--as-of", AS_OF).exit_code == 0
    assert run("overdue", "--plan", str(bundled_plan), "--as-of", AS_OF, "--exit-status").exit_code == 1
    assert run("overdue", "--plan", str(bundled_plan), "--as-of", "2020-10-01", "--exit-status").exit_code == 0


def test_overdue_the_day_after(run: Callable[..., Result], write_plan: Callable[..., Path]) -> None:
    """"Mar 2022" is not overdue on 31 March and is one day overdue on 1 April."""
    path = write_plan(MINIMAL_PLAN)
    assert ids(run("overdue", "--plan", str(path), "--as-of", "2022-03-31", "--json")) == []
    result = run("overdue", "--plan", str(path), "--as-of", "2022-04-01", "--json")
    assert [(item["id"], item["days_overdue"]) for item in json.loads(result.stdout)] == [("1.1", 1)]


def test_due_within(run: Callable[..., Result], bundled_plan: Path) -> None:
    """due --within 30d from 1 Nov 2021 lists 6.3–6.5 and the November items, soonest first."""
    result = run("due", "--within", "30d", "--plan", str(bundled_plan), "--as-of", AS_OF, "--json")
    assert ids(result) == ["6.3", "6.4", "6.5", "5.4", "5.5", "5.6", "5.7"]
    result = run("due", "--within", "2m", "--plan", str(bundled_plan), "--as-of", AS_OF, "--json")
    assert ids(result)[-3:] == ["5.8", "5.9", "5.10"]


def test_tasks_summary(run: Callable[..., Result], bundled_plan: Path) -> None:
    """tasks gives one row per task with items, overdue and the next deadline."""
    rows = json.loads(run("tasks", "--plan", str(bundled_plan), "--as-of", AS_OF, "--json").stdout)
    assert [(row["task"], row["items"], row["overdue"]) for row in rows] == [
        (1, 6, 0), (2, 5, 0), (3, 3, 0), (4, 11, 1), (5, 11, 3), (6, 7, 2), (7, 8, 0), (8, 6, 0),
    ]  # fmt: skip
    assert rows[5]["next_deadline"] == "2021-11-05"
    assert list(rows[0]) == ["task", "title", "items", "finished", "overdue", "next_deadline", "next_item"]


def test_plan_choice_precedence(run: Callable[..., Result], write_plan: Callable[..., Path], tmp_path: Path) -> None:
    """--plan beats $SENDPLAN_PLAN, which beats ./plan.yaml, which beats the bundled plan."""
    bundled = run("list", "--as-of", AS_OF, "--json")
    assert len(json.loads(bundled.stdout)) == 57  # empty folder: the bundled plan
    write_plan(MINIMAL_PLAN)  # ./plan.yaml in the current folder
    assert ids(run("list", "--as-of", AS_OF, "--json")) == ["1.1"]
    other = write_plan(MINIMAL_PLAN.replace('"1.1"', '"9.9"'), name="other.yaml")
    env_result = run("list", "--as-of", AS_OF, "--json", env={"SENDPLAN_PLAN": str(other)})
    assert ids(env_result) == ["9.9"]
    third = write_plan(MINIMAL_PLAN.replace('"1.1"', '"7.7"'), name="third.yaml")
    result = run("list", "--plan", str(third), "--as-of", AS_OF, "--json", env={"SENDPLAN_PLAN": str(other)})
    assert ids(result) == ["7.7"]


def test_plan_found_at_the_top_of_a_git_repository(
    run: Callable[..., Result], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """In a subfolder of a repository, the repository's plan.yaml is used, not the bundled one."""
    repo = tmp_path / "team"
    (repo / ".git").mkdir(parents=True)
    (repo / "plan.yaml").write_text(MINIMAL_PLAN, encoding="utf-8")
    deep = repo / "docs" / "minutes"
    deep.mkdir(parents=True)
    monkeypatch.chdir(deep)
    assert ids(run("list", "--as-of", AS_OF, "--json")) == ["1.1"]
    # A nearer plan.yaml, in a folder between, wins.
    (repo / "docs" / "plan.yaml").write_text(MINIMAL_PLAN.replace('"1.1"', '"2.2"'), encoding="utf-8")
    assert ids(run("list", "--as-of", AS_OF, "--json")) == ["2.2"]


def test_plan_not_sought_outside_the_repository(
    run: Callable[..., Result], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A plan.yaml above the repository's top, or above a folder not in git, is never picked up."""
    (tmp_path / "plan.yaml").write_text(MINIMAL_PLAN, encoding="utf-8")
    (tmp_path / "repo" / ".git").mkdir(parents=True)
    (tmp_path / "loose").mkdir()
    for folder in ("repo", "loose"):
        monkeypatch.chdir(tmp_path / folder)
        assert len(json.loads(run("list", "--as-of", AS_OF, "--json").stdout)) == 57  # the bundled plan


def test_piped_output_is_tsv(run: Callable[..., Result], bundled_plan: Path) -> None:
    """Not a terminal: a header and one tab-separated line per item, nothing cut, no escapes."""
    result = run("by-lead", "BB", "--plan", str(bundled_plan), "--as-of", AS_OF)
    lines = result.stdout.splitlines()
    assert lines[0].split("\t")[:4] == ["id", "task", "task_title", "deliverable"]
    assert [line.split("\t")[0] for line in lines[1:]] == ["4.2", "4.3", "4.4", "4.7", "5.11"]
    assert "\x1b" not in result.stdout
    assert "Bureaucratic process for putting in place the top-slice completed" in lines[-1]
    assert all(len(line.split("\t")) == len(lines[0].split("\t")) for line in lines)


def test_table_at_80_columns(run: Callable[..., Result], bundled_plan: Path) -> None:
    """--format table fits 80 columns, keeps ids and dates whole, and names the as-of day."""
    result = run(
        "overdue", "--plan", str(bundled_plan), "--as-of", AS_OF, "--format", "table",
        env={"COLUMNS": "80", "NO_COLOR": "1"},
    )  # fmt: skip
    lines = result.stdout.splitlines()
    assert all(len(line) <= 80 for line in lines)
    assert "as of 2021-11-01" in result.stdout
    assert any(line.split()[:3] == ["4.2", "2020-10-31", "12mo"] for line in lines)
    assert "\x1b" not in result.stdout
    assert "RAG: blue = complete" in result.stdout


def test_empty_results_say_so(run: Callable[..., Result], bundled_plan: Path) -> None:
    """A table with nothing in it says so in words; JSON is an empty array."""
    result = run("overdue", "--plan", str(bundled_plan), "--as-of", "2020-10-01", "--format", "table")
    assert result.stdout.strip() == "Nothing is overdue as of 2020-10-01."
    assert json.loads(run("overdue", "--plan", str(bundled_plan), "--as-of", "2020-10-01", "--json").stdout) == []
    piped = run("overdue", "--plan", str(bundled_plan), "--as-of", "2020-10-01")  # tab-separated: the header alone
    assert piped.stdout.splitlines() == ["\t".join(json.loads(run("list", "--as-of", AS_OF, "--json").stdout)[0])]


def test_plan_text_is_never_markup_or_escapes(run: Callable[..., Result], write_plan: Callable[..., Path]) -> None:
    """"[bold]" prints literally and ESC/BEL never reach the output, in every format."""
    path = write_plan(MINIMAL_PLAN.replace("Do the thing", r'"[bold]Do[/bold] \e[31mthe\a thing\x9b"'))
    for fmt in ("table", "tsv", "json"):
        result = run("list", "--plan", str(path), "--as-of", AS_OF, "--format", fmt, env={"COLUMNS": "200"})
        assert result.exit_code == 0
        for control in ("\x1b", "\x07", "\x9b"):
            assert control not in result.stdout, fmt
        if fmt != "json":
            assert "[bold]Do[/bold] [31mthe thing" in result.stdout
    data = json.loads(run("list", "--plan", str(path), "--as-of", AS_OF, "--json").stdout)
    assert data[0]["action"] == "[bold]Do[/bold] \x1b[31mthe\x07 thing\x9b"


def test_version_and_help(run: Callable[..., Result]) -> None:
    """--version names the version; --help lists every command."""
    assert run("--version").stdout.strip() == f"sendplan, version {sendplan.__version__}"
    help_text = run("--help").stdout
    for command in ("validate", "list", "by-lead", "overdue", "due", "leads", "tasks"):
        assert command in help_text


def test_installed_entry_point_from_empty_folder(tmp_path: Path) -> None:
    """`python -m sendplan overdue` works from an empty folder, on the bundled plan."""
    env = {**os.environ, "PYTHONPATH": str(Path(sendplan.__file__).parent.parent)}
    env.pop("SENDPLAN_PLAN", None)
    result = subprocess.run(
        [sys.executable, "-m", "sendplan", "overdue", "--as-of", AS_OF, "--json"],
        cwd=tmp_path, capture_output=True, text=True, env=env, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert [item["id"] for item in json.loads(result.stdout)] == ["4.2", "5.1", "5.2", "6.1", "6.2", "5.3"]


def test_bundled_copy_is_identical_to_plan_yaml(bundled_plan: Path) -> None:
    """The plan inside the package is byte-for-byte the repository's plan.yaml."""
    from sendplan.plan.source import bundled_plan as packaged

    assert packaged().read_bytes() == bundled_plan.read_bytes()


def test_init_writes_a_starter_plan_that_validates_cleanly(run: Callable[..., Result], tmp_path: Path) -> None:
    """`sendplan init` writes plan.yaml here: dated the as-of month, one item, no warnings."""
    result = run("init", "--as-of", "2026-11-29")
    assert result.exit_code == 0
    assert result.stdout == (
        "Wrote plan.yaml: a new plan with one item to fill in. Edit it, then check it with: sendplan validate plan.yaml\n"
    )
    text = (tmp_path / "plan.yaml").read_text(encoding="utf-8")
    assert "  date: Nov 2026  #" in text
    assert "            deadline: Feb 2027  #" in text
    checked = run("validate", "--as-of", "2026-11-29")
    assert (checked.exit_code, checked.stdout, checked.stderr) == (0, "plan.yaml: valid (1 task, 1 item)\n", "")
    assert run("validate", "--strict", "--as-of", "2026-11-29").exit_code == 0


def test_init_never_replaces_a_file_unless_forced(run: Callable[..., Result], tmp_path: Path) -> None:
    """An existing plan is left alone (exit 1, located message); --force replaces it; --example copies."""
    mine = tmp_path / "plan.yaml"
    mine.write_text(MINIMAL_PLAN, encoding="utf-8")
    refused = run("init", "--as-of", AS_OF)
    assert refused.exit_code == 1
    assert refused.stderr.startswith("plan.yaml: this file already exists, so nothing was written.")
    assert mine.read_text(encoding="utf-8") == MINIMAL_PLAN
    assert run("init", "--example", "--force").exit_code == 0
    assert mine.read_bytes() == (Path(sendplan.__file__).parent / "data" / "plan.yaml").read_bytes()
