"""sendplan in a team's workflow: the pre-commit hook, several files to validate, plans on stdin."""

from __future__ import annotations

import json
import re
import shlex
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml
from click.testing import Result
from helpers import MINIMAL_PLAN, REPO

AS_OF = "2021-11-01"
BROKEN_DEADLINE = MINIMAL_PLAN.replace("deadline: Mar 2022", "deadline: Smarch 2022")
HOOKS = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))


def hook() -> dict[str, object]:
    (found,) = [entry for entry in HOOKS if entry["id"] == "sendplan-validate"]
    return found


def hook_command(filenames: list[str]) -> list[str]:
    """The arguments pre-commit gives sendplan: the entry's own words, the hook's args, then the files."""
    definition = hook()
    words = shlex.split(str(definition["entry"]))
    assert words[0] == "sendplan"
    extra = [str(arg) for arg in definition.get("args", [])]  # type: ignore[attr-defined]
    return [*words[1:], *extra, *(filenames if definition.get("pass_filenames", True) else [])]


def test_hook_definition_is_what_pre_commit_needs() -> None:
    """The hook is a python hook named sendplan-validate that runs `sendplan validate` on the changed files."""
    definition = hook()
    assert definition["language"] == "python"
    assert definition["entry"] == "sendplan validate"
    assert definition["pass_filenames"] is True
    assert {"id", "name", "entry", "language"} <= definition.keys()


@pytest.mark.parametrize(
    ("path", "matched"),
    [
        ("plan.yaml", True),
        ("plan.yml", True),
        ("docs/send/plan.yaml", True),
        ("myplan.yaml", False),
        ("plan.yaml.bak", False),
        ("plans/other.yaml", False),
    ],
)
def test_hook_files_pattern(path: str, matched: bool) -> None:
    """The hook runs on files called plan.yaml or plan.yml in any folder, and on nothing else."""
    assert bool(re.search(str(hook()["files"]), path)) is matched


def test_hook_passes_a_good_plan(run: Callable[..., Result], write_plan: Callable[..., Path]) -> None:
    """The hook's command on a valid plan exits 0, so the commit goes ahead."""
    path = write_plan(MINIMAL_PLAN)
    result = run(*hook_command([str(path)]))
    assert result.exit_code == 0
    assert result.stdout == f"{path}: valid (1 task, 1 item)\n"
    assert result.stderr == ""


def test_hook_refuses_a_broken_deadline(run: Callable[..., Result], write_plan: Callable[..., Path]) -> None:
    """The hook's command on a plan with a broken deadline exits 1 with a located message."""
    good = write_plan(MINIMAL_PLAN, "good.yaml")
    bad = write_plan(BROKEN_DEADLINE, "plan.yaml")
    result = run(*hook_command([str(good), str(bad)]))
    assert result.exit_code == 1
    assert result.stdout == f"{good}: valid (1 task, 1 item)\n"
    assert result.stderr.startswith(f'{bad}:17:23: "deadline" in item 1.1: "Smarch 2022" is not a date')


def test_validate_several_files_reports_each(run: Callable[..., Result], write_plan: Callable[..., Path]) -> None:
    """validate takes several files, reports each, and exits 1 if any is invalid."""
    first = write_plan(MINIMAL_PLAN, "a.yaml")
    second = write_plan(MINIMAL_PLAN.replace("Test plan", "Second plan"), "b.yaml")
    both_good = run("validate", str(first), str(second))
    assert both_good.exit_code == 0
    assert both_good.stdout.splitlines() == [f"{first}: valid (1 task, 1 item)", f"{second}: valid (1 task, 1 item)"]
    broken = write_plan(BROKEN_DEADLINE, "c.yaml")
    mixed = run("validate", str(broken), str(first))
    assert mixed.exit_code == 1
    assert mixed.stdout == f"{first}: valid (1 task, 1 item)\n"
    assert [line.split(": ", 1)[0] for line in mixed.stderr.splitlines()] == [f"{broken}:17:23"]


def test_validate_several_files_as_one_json_array(run: Callable[..., Result], write_plan: Callable[..., Path]) -> None:
    """With --json, the problems of every file named come as one array on stdout."""
    good = write_plan(MINIMAL_PLAN, "a.yaml")
    bad = write_plan(BROKEN_DEADLINE, "b.yaml")
    worse = write_plan(BROKEN_DEADLINE.replace("lead: AG", "lead: A G"), "c.yaml")
    result = run("validate", str(good), str(bad), str(worse), "--json")
    assert result.exit_code == 1
    records = json.loads(result.stdout)
    assert [(record["file"], record["line"], record["column"]) for record in records] == [
        (str(bad), 17, 23),
        (str(worse), 17, 23),
        (str(worse), 18, 19),
    ]
    assert json.loads(run("validate", str(good), "--json").stdout) == []


def test_validate_with_no_file_still_uses_the_chosen_plan(
    run: Callable[..., Result], write_plan: Callable[..., Path]
) -> None:
    """With no FILE, validate checks the plan --plan (or ./plan.yaml) chooses, as before."""
    path = write_plan(MINIMAL_PLAN, "chosen.yaml")
    assert run("validate", "--plan", str(path)).stdout == f"{path}: valid (1 task, 1 item)\n"
    write_plan(MINIMAL_PLAN)
    assert run("validate").stdout == "plan.yaml: valid (1 task, 1 item)\n"


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["list"], "1.1"),
        (["by-lead", "ag"], "1.1"),
        (["overdue", "--as-of", "2022-04-01"], "1.1"),
        (["due", "--within", "6m"], "1.1"),
        (["leads"], "Anthony Giles"),
        (["tasks"], "First task"),
    ],
    ids=["list", "by-lead", "overdue", "due", "leads", "tasks"],
)
def test_every_command_reads_the_plan_from_stdin(run: Callable[..., Result], args: list[str], expected: str) -> None:
    """`--plan -` reads the plan from standard input for every plan command."""
    as_of = [] if "--as-of" in args else ["--as-of", AS_OF]
    result = run(*args, "--plan", "-", *as_of, input=MINIMAL_PLAN)
    assert result.exit_code == 0, result.stderr
    assert expected in result.stdout


def test_validate_reads_stdin_as_file_or_plan(run: Callable[..., Result]) -> None:
    """`validate -` and `validate --plan -` both check standard input and call it <stdin>."""
    assert run("validate", "-", input=MINIMAL_PLAN).stdout == "<stdin>: valid (1 task, 1 item)\n"
    assert run("validate", "--plan", "-", input=MINIMAL_PLAN).stdout == "<stdin>: valid (1 task, 1 item)\n"


def test_stdin_problems_are_located_as_stdin(run: Callable[..., Result]) -> None:
    """A broken plan on standard input is reported as <stdin>:LINE:COL, for validate and the rest."""
    result = run("overdue", "--plan", "-", "--as-of", AS_OF, input=BROKEN_DEADLINE)
    assert result.exit_code == 1
    assert result.stderr.startswith('<stdin>:17:23: "deadline" in item 1.1: "Smarch 2022" is not a date')
    checked = run("validate", "-", input=BROKEN_DEADLINE.encode("utf-8"))
    assert checked.exit_code == 1
    assert checked.stderr.startswith("<stdin>:17:23: ")


def test_stdin_that_is_not_utf8_is_located(run: Callable[..., Result]) -> None:
    """Bytes from a pipe are decoded as UTF-8, and a bad byte is reported at its line and column."""
    data = MINIMAL_PLAN.encode("utf-8").replace(b"Do the thing", b"Do the \x92thing")  # Windows-1252 quote
    result = run("list", "--plan", "-", "--as-of", AS_OF, input=data)
    assert result.exit_code == 1
    assert result.stderr.startswith("<stdin>:14:28: byte 0x92 is not UTF-8 text")
