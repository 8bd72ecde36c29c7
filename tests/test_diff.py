"""`sendplan diff`: what changed between two versions of a plan, from files, stdin and git."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import textwrap
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import Result

from sendplan.outputs.rows import record
from sendplan.plan.diff import compare, id_order
from sendplan.plan.load import parse_plan

BASE = textwrap.dedent(
    """\
    plan:
      title: Test plan
      date: Nov 2021
    leads:
      AG:
        name: Anthony Giles
      CK:
        name: Chris Kiernan
    tasks:
      - number: 1
        title: First task
        deliverables:
          - title: A deliverable
            items:
              - id: "1.1"
                action: Do the thing
                success_criteria:
                  - The thing is done
                deadline: Mar 2022
                lead: AG
                status: not_started
              - id: "1.2"
                action: Check the thing
                success_criteria:
                  - The thing is checked
                deadline: Jun 2022
                lead: CK
                status: on_track
      - number: 2
        title: Second task
        deliverables:
          - title: Another deliverable
            items:
              - id: "2.1"
                action: Report on the thing
                deadline: every January
                lead: AG
    """
)
ITEM_1_2_TAIL = "    lead: CK\n            status: on_track\n"
ITEM_1_2 = """\
          - id: "1.2"
            action: Check the thing
            success_criteria:
              - The thing is checked
            deadline: Jun 2022
            lead: CK
            status: on_track
"""
ITEM_2_1 = """\
          - id: "2.1"
            action: Report on the thing
            deadline: every January
            lead: AG
"""


def changes(*edits: tuple[str, str]) -> list[tuple[Any, ...]]:
    """The changes from BASE to BASE with each (old text, new text) edit made once."""
    text = BASE
    for before, after in edits:
        assert before in text, before
        text = text.replace(before, after, 1)
    old, new = parse_plan(BASE, "old.yaml"), parse_plan(text, "new.yaml")
    return [tuple(record(change).values()) for change in compare(old.plan, new.plan)]


@pytest.mark.parametrize(
    ("edits", "expected"),
    [
        ([], []),
        ([("deadline: Mar 2022", "deadline: 31 March 2022")], []),
        ([("action: Do the thing", 'action: "Do   the\\n thing"')], []),
        ([("status: on_track", "status: in progress")], []),
        ([("deadline: Mar 2022", "deadline: Apr 2022")], [("1.1", 1, "re-dated", "deadline", "Mar 2022", "Apr 2022", 30, None)]),
        ([("deadline: Jun 2022", "deadline: May 2022")], [("1.2", 1, "re-dated", "deadline", "Jun 2022", "May 2022", -30, None)]),
        (
            [(ITEM_1_2_TAIL, ITEM_1_2_TAIL + "            revised_deadline: Sep 2022\n            revision_reason: Staff left\n")],
            [("1.2", 1, "re-dated", "revised_deadline", "Jun 2022", "Sep 2022", 92, None)],
        ),
        ([("every January", "every April")], [("2.1", 2, "re-dated", "deadline", "every January", "every April", None, None)]),
        ([("lead: CK", "lead: AG")], [("1.2", 1, "re-assigned", "lead", "CK", "AG", None, None)]),
        (
            [("lead: AG\n            status: not_started", "lead: AG\n            status: done\n            completed: 14 Mar 2022")],
            [("1.1", 1, "completed", "status", "not_started", "complete", None, "2022-03-14")],
        ),
        ([("status: on_track", "status: at risk")], [("1.2", 1, "status", "status", "on_track", "at_risk", None, None)]),
        (
            [("status: on_track", "status: on_track\n            rag: red\n            rag_reason: No staff")],
            [("1.2", 1, "rag", "rag", None, "red", None, None)],
        ),
        (
            [(ITEM_1_2_TAIL, ITEM_1_2_TAIL + "            updates:\n              - {date: 2022-02-01, by: CK, text: Met the team}\n")],
            [("1.2", 1, "update", "updates", None, "CK: Met the team", None, "2022-02-01")],
        ),
        ([("Check the thing", "Check the thing twice")], [("1.2", 1, "text", "action", "Check the thing", "Check the thing twice", None, None)]),
        (
            [("- The thing is done", "- The thing is done\n              - Everyone knows")],
            [("1.1", 1, "text", "success_criteria", "The thing is done", "The thing is done | Everyone knows", None, None)],
        ),
        (
            [(ITEM_1_2_TAIL, ITEM_1_2_TAIL + "            recovery: Agency staff start in May\n")],
            [("1.2", 1, "text", "recovery", None, "Agency staff start in May", None, None)],
        ),
        ([("number: 2", "number: 3")], [("2.1", 3, "moved", "task", "2", "3", None, None)]),
        ([(ITEM_1_2, "")], [("1.2", 1, "removed", None, "Check the thing", None, None, None)]),
        (
            [(ITEM_2_1, ITEM_2_1 + '          - id: "2.10"\n            action: Report again\n')],
            [("2.10", 2, "added", None, None, "Report again", None, None)],
        ),
    ],
    ids=[
        "nothing changed",
        "respelled deadline on the same day is not a change",
        "re-wrapped words are not a change",
        "a status alias for the same status is not a change",
        "re-dated later",
        "re-dated earlier",
        "revised deadline slips against the baseline",
        "recurring month changed has no slip",
        "re-assigned",
        "completed with a date",
        "status changed",
        "rag set by hand",
        "update added",
        "action reworded",
        "criterion added",
        "exception note added",
        "moved to another task",
        "removed",
        "added",
    ],
)
def test_compare_finds_each_kind_of_change(edits: list[tuple[str, str]], expected: list[tuple[Any, ...]]) -> None:
    """Each edit to the plan gives exactly the change a board would want to see, and no other."""
    assert changes(*edits) == expected


def test_several_changes_come_in_id_order() -> None:
    """Changes are listed by item id (1.2 before 2.1), and one item's changes in a fixed order."""
    found = changes(
        ("every January", "every February"),
        ("lead: CK", "lead: AG"),
        ("deadline: Jun 2022", "deadline: Jul 2022"),
        ("Check the thing", "Check it"),
    )
    assert [(change[0], change[2], change[3]) for change in found] == [
        ("1.2", "re-assigned", "lead"),
        ("1.2", "re-dated", "deadline"),
        ("1.2", "text", "action"),
        ("2.1", "re-dated", "deadline"),
    ]


def test_id_order_is_natural() -> None:
    """Ids sort as people read them: 4.2 before 4.10, and 10.1 last."""
    assert sorted(["4.10", "10.1", "4.2", "4.10a", "4.1"], key=id_order) == ["4.1", "4.2", "4.10", "4.10a", "10.1"]


def test_diff_two_files_as_a_table(run: Callable[..., Result], write_plan: Callable[..., Path]) -> None:
    """Two plan files give a table of changes that fits 80 columns, with the slip in days."""
    old = write_plan(BASE, "old.yaml")
    new = write_plan(BASE.replace("deadline: Jun 2022", "deadline: Aug 2022").replace("lead: CK", "lead: AG"), "new.yaml")
    result = run("diff", old.name, new.name, "--format", "table", env={"COLUMNS": "80", "NO_COLOR": "1"})
    assert result.exit_code == 0
    lines = [line.rstrip() for line in result.stdout.splitlines()]
    assert lines[0] == "Changes from old.yaml to new.yaml · 2 changes"
    assert lines[2:6] == [
        " ID    Change        What       Was        Now        Slip",
        " ─────────────────────────────────────────────────────────",
        " 1.2   re-assigned   lead       CK         AG",
        " 1.2   re-dated      deadline   Jun 2022   Aug 2022   +62d",
    ]
    assert lines[-1] == "Slip = days later (+) or earlier (-) than the item fell due before."


def test_diff_with_no_changes_says_so(run: Callable[..., Result], write_plan: Callable[..., Path]) -> None:
    """Identical plans: the table says there are no changes, JSON is an empty array, exit 0."""
    old = write_plan(BASE, "old.yaml")
    new = write_plan(BASE.replace("Mar 2022", "MARCH 2022"), "new.yaml")
    assert run("diff", old.name, new.name, "--format", "table").stdout.strip() == (
        "No changes to items from old.yaml to new.yaml."
    )
    assert json.loads(run("diff", str(old), str(new), "--json").stdout) == []


def test_diff_tsv_when_piped(run: Callable[..., Result], write_plan: Callable[..., Path]) -> None:
    """Piped, diff prints a header and one tab-separated line per change."""
    old = write_plan(BASE, "old.yaml")
    new = write_plan(BASE.replace("deadline: Mar 2022", "deadline: Feb 2022"), "new.yaml")
    assert run("diff", str(old), str(new)).stdout.splitlines() == [
        "id\ttask\tchange\tfield\told\tnew\tslip_days\tdate",
        "1.1\t1\tre-dated\tdeadline\tMar 2022\tFeb 2022\t-31\t",
    ]


def test_diff_reads_one_side_from_stdin(run: Callable[..., Result], write_plan: Callable[..., Path]) -> None:
    """Either side may be '-', so `git show REV:plan.yaml | sendplan diff - plan.yaml` works."""
    new = write_plan(BASE.replace("lead: CK", "lead: AG"))
    result = run("diff", "-", str(new), "--json", input=BASE)
    assert [(change["id"], change["change"]) for change in json.loads(result.stdout)] == [("1.2", "re-assigned")]


def test_diff_locates_problems_in_either_plan(run: Callable[..., Result], write_plan: Callable[..., Path]) -> None:
    """A broken plan on either side stops diff with its located problems and exit 1."""
    good = write_plan(BASE, "good.yaml")
    result = run("diff", "-", str(good), input=BASE.replace("Jun 2022", "Smarch 2022"))
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.startswith('<stdin>:26:23: "deadline" in item 1.2: "Smarch 2022" is not a date')


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ([], "give two plan files to compare"),
        (["old.yaml"], "give two plan files to compare"),
        (["old.yaml", "new.yaml", "third.yaml"], "give two plan files to compare"),
        (["-", "-"], "only one of OLD and NEW can be '-'"),
        (["--rev", "HEAD", "old.yaml", "new.yaml"], "with --rev, give at most one plan file"),
        (["--rev", "HEAD", "-"], "--rev reads the file's history from git, so name the file"),
    ],
    ids=["nothing", "one file", "three files", "stdin twice", "rev and two files", "rev and stdin"],
)
def test_diff_usage_errors_exit_2(run: Callable[..., Result], args: list[str], message: str) -> None:
    """A diff command line that cannot work says what to give instead and exits 2."""
    result = run("diff", *args)
    assert result.exit_code == 2
    assert message in result.stderr
    assert "Traceback" not in result.stderr


# ---------------------------------------------------------------------------------------
# diff --rev against a real git repository


def git(repo: Path, *args: str) -> bytes:
    return subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True).stdout


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A git repository in tmp_path holding BASE as plan.yaml in one commit; the user's git config unread."""
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", os.devnull)
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))
    for role in ("AUTHOR", "COMMITTER"):
        monkeypatch.setenv(f"GIT_{role}_NAME", "Programme Manager")
        monkeypatch.setenv(f"GIT_{role}_EMAIL", "pm@example.org")
    path = tmp_path / "repo"
    path.mkdir()
    git(path, "init", "--quiet")
    (path / "plan.yaml").write_text(BASE, encoding="utf-8")
    git(path, "add", "plan.yaml")
    git(path, "commit", "--quiet", "-m", "Plan as agreed")
    return path


def test_diff_rev_reports_exactly_the_two_changes(run: Callable[..., Result], repo: Path) -> None:
    """After a commit that completes 1.1 and re-dates 1.2, `diff --rev HEAD~1` reports exactly those two changes."""
    plan = repo / "plan.yaml"
    text = plan.read_text(encoding="utf-8")
    text = text.replace("status: not_started", "status: complete\n            completed: 2022-03-14", 1)
    text = text.replace("deadline: Jun 2022", "deadline: Sep 2022", 1)
    plan.write_text(text, encoding="utf-8")
    git(repo, "commit", "--quiet", "-am", "1.1 done; 1.2 slips to September")
    result = run("diff", "--rev", "HEAD~1", "--plan", str(plan), "--json")
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout) == [
        {
            "id": "1.1", "task": 1, "change": "completed", "field": "status", "old": "not_started",
            "new": "complete", "slip_days": None, "date": "2022-03-14",
        },
        {
            "id": "1.2", "task": 1, "change": "re-dated", "field": "deadline", "old": "Jun 2022",
            "new": "Sep 2022", "slip_days": 92, "date": None,
        },
    ]  # fmt: skip
    # The file may also be named as an argument, from any folder, and HEAD has no changes to itself.
    assert json.loads(run("diff", "--rev", "HEAD", str(plan), "--json").stdout) == []


def test_diff_rev_compares_uncommitted_edits(run: Callable[..., Result], repo: Path) -> None:
    """`diff --rev HEAD` shows edits not yet committed, reading ./plan.yaml by default."""
    plan = repo / "plan.yaml"
    plan.write_text(plan.read_text(encoding="utf-8").replace("lead: CK", "lead: AG"), encoding="utf-8")
    os.chdir(repo)
    result = run("diff", "--rev", "HEAD")
    assert result.stdout.splitlines()[1:] == ["1.2\t1\tre-assigned\tlead\tCK\tAG\t\t"]


def test_git_show_piped_into_any_command(run: Callable[..., Result], repo: Path) -> None:
    """`git show HEAD~1:plan.yaml | sendplan overdue --plan -` answers as of that commit."""
    plan = repo / "plan.yaml"
    plan.write_text(plan.read_text(encoding="utf-8").replace("status: not_started", "status: complete"), encoding="utf-8")
    git(repo, "commit", "--quiet", "-am", "1.1 done")
    before = run("overdue", "--plan", "-", "--as-of", "2022-04-01", "--json", input=git(repo, "show", "HEAD~1:plan.yaml"))
    now = run("overdue", "--plan", "-", "--as-of", "2022-04-01", "--json", input=git(repo, "show", "HEAD:plan.yaml"))
    assert "1.1" in [item["id"] for item in json.loads(before.stdout)]
    assert "1.1" not in [item["id"] for item in json.loads(now.stdout)]


def test_diff_rev_locates_problems_in_the_old_version(run: Callable[..., Result], repo: Path) -> None:
    """A plan that was broken at REV is reported as REV:FILE:LINE:COL."""
    plan = repo / "plan.yaml"
    plan.write_text(BASE.replace("Jun 2022", "Smarch 2022"), encoding="utf-8")
    git(repo, "commit", "--quiet", "-am", "typo")
    plan.write_text(BASE, encoding="utf-8")
    result = run("diff", "--rev", "HEAD", "--plan", str(plan))
    assert result.exit_code == 1
    assert result.stderr.startswith(f'HEAD:{plan}:26:23: "deadline" in item 1.2: "Smarch 2022" is not a date')


def test_diff_rev_unknown_revision_is_a_usage_error(run: Callable[..., Result], repo: Path) -> None:
    """A revision git does not know exits 2 and says what to try; a leading dash never reaches git."""
    plan = str(repo / "plan.yaml")
    result = run("diff", "--rev", "no-such-branch", plan)
    assert result.exit_code == 2
    assert '"no-such-branch" is not a commit in this repository. Try HEAD~1' in result.stderr
    dashed = run("diff", "--rev=--output=stolen", plan)
    assert dashed.exit_code == 2
    assert '"--output=stolen" is not a revision' in dashed.stderr
    assert not (repo / "stolen").exists()


def test_diff_rev_file_not_in_revision(run: Callable[..., Result], repo: Path) -> None:
    """A file that was not committed at REV gets a located message and exit 1."""
    other = repo / "other.yaml"
    other.write_text(BASE, encoding="utf-8")
    result = run("diff", "--rev", "HEAD", str(other))
    assert result.exit_code == 1
    assert result.stderr == (
        f"{other}: this file is not in revision HEAD: it was added, moved or renamed since. "
        "Pick an older or newer revision from `git log -- FILE`.\n"
    )


def test_diff_rev_outside_a_repository(run: Callable[..., Result], repo: Path, tmp_path: Path) -> None:
    """A plan outside any git repository gets a located message and exit 1, never a traceback."""
    loose = tmp_path / "loose"
    loose.mkdir()
    plan = loose / "plan.yaml"
    plan.write_text(BASE, encoding="utf-8")
    result = run("diff", "--rev", "HEAD~1", str(plan))
    assert result.exit_code == 1
    assert result.stderr.startswith(f"{plan}: this file is not in a git repository, so it has no history for --rev.")


def test_diff_rev_without_git_installed(
    run: Callable[..., Result], repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With no git on PATH, --rev says so and suggests comparing two files."""
    monkeypatch.setenv("PATH", str(repo))
    result = run("diff", "--rev", "HEAD", str(repo / "plan.yaml"))
    assert result.exit_code == 1
    assert result.stderr.startswith("git is not installed (or not on PATH)")
