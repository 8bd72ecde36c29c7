"""`sendplan update` and `sendplan done`: in-place edits that keep every comment, checked
before they land, atomic, and serialised by a lock (sendplan.edit)."""

from __future__ import annotations

import json
import os
import re
import shutil
import stat
import subprocess
import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from click.testing import Result
from helpers import changed_lines, run_in_terminal

import sendplan
from sendplan.errors import PlanError
from sendplan.plan import edit, source, write
from sendplan.plan.edit import ItemEdit, Note, update_item
from sendplan.plan.read import load_plan

COMMENT = "            # checked with AG at the March board: keep this line\n"


@pytest.fixture
def seed_copy(tmp_path: Path, bundled_plan: Path) -> Path:
    """A copy of the bundled plan in tmp_path with a hand-written comment inside item 1.1."""
    lines = bundled_plan.read_text(encoding="utf-8").splitlines(keepends=True)
    start = lines.index('          - id: "1.1"\n')
    status = next(n for n in range(start, len(lines)) if lines[n].strip() == "status: not_started")
    lines.insert(status, COMMENT)
    path = tmp_path / "plan.yaml"
    path.write_text("".join(lines), encoding="utf-8")
    return path


def records(run: Callable[..., Result], *args: str) -> dict[str, dict[str, object]]:
    result = run(*args, "--json")
    assert result.exit_code == 0, result.stderr
    return {record["id"]: record for record in json.loads(result.stdout)}


def test_done_when(run: Callable[..., Result], seed_copy: Path) -> None:
    """The issue's test: `done 1.1` takes it off `overdue`; the diff is 1.1's lines; the comment stays."""
    before = seed_copy.read_text(encoding="utf-8")
    assert "1.1" in records(run, "overdue", "--as-of", "2022-06-01")
    result = run("done", "1.1", "--as-of", "2022-03-20")
    assert result.exit_code == 0
    assert result.stdout == (
        "Updated item 1.1 in plan.yaml:\n  status: not_started → complete\n  completed: not set → 2022-03-20\n"
    )
    assert "1.1" not in records(run, "overdue", "--as-of", "2022-06-01")
    after = seed_copy.read_text(encoding="utf-8")
    assert changed_lines(before, after) == (
        ["            status: not_started"],
        ["            status: complete", "            completed: 2022-03-20"],
    )
    assert COMMENT in after
    assert records(run, "list", "--as-of", "2022-06-01")["1.1"]["rag"] == "blue"


def test_done_with_a_note_writes_the_day_twice(run: Callable[..., Result], seed_copy: Path) -> None:
    """`done --note` dates the completion and the note the same day, written out both times
    (never as a YAML anchor and alias, which a plan may not use)."""
    result = run("done", "1.1", "--note", "Signed off", "--by", "AG", "--as-of", "2022-03-20")
    assert result.exit_code == 0, result.stderr
    text = seed_copy.read_text(encoding="utf-8")
    assert "            completed: 2022-03-20\n" in text
    assert "              - date: 2022-03-20\n" in text
    assert "&" not in text.split('id: "1.1"')[1].split('id: "1.2"')[0]


def test_revised_deadline_via_update(run: Callable[..., Result], seed_copy: Path) -> None:
    """`update --revise` takes an item off `overdue` while slip_days shows the slip."""
    assert "1.2" in records(run, "overdue", "--as-of", "2022-06-01")
    result = run("update", "1.2", "--revise", "Sep 2022", "--reason", "Board agreed a later start", "--as-of", "2022-05-01")
    assert result.exit_code == 0
    assert "  revised_deadline: not set → Sep 2022\n" in result.stdout
    assert "1.2" not in records(run, "overdue", "--as-of", "2022-06-01")
    row = records(run, "list", "--as-of", "2022-06-01")["1.2"]
    assert (row["deadline"], row["revised_deadline"], row["slip_days"]) == ("2022-04-30", "2022-09-30", 153)


def test_note_is_dated_as_of_and_kept_in_place(run: Callable[..., Result], seed_copy: Path) -> None:
    """A note lands as the newest update, dated --as-of, and the comment after the item stays put."""
    before = seed_copy.read_text(encoding="utf-8")
    result = run("update", "1.2", "--note", 'Panel briefed: "OA" doc # 2', "--by", "ag", "--as-of", "2022-04-04")
    assert result.exit_code == 0
    assert result.stdout.endswith('  note added: 2022-04-04 by AG: Panel briefed: "OA" doc # 2\n')
    after = seed_copy.read_text(encoding="utf-8")
    removed, added = changed_lines(before, after)
    assert removed == []
    assert added == [
        "            updates:",
        "              - date: 2022-04-04",
        "                by: AG",
        '                text: "Panel briefed: \\"OA\\" doc # 2"',
    ]
    lines = after.splitlines()
    comment = next(n for n, line in enumerate(lines) if "# source: deliverable split over two lines" in line)
    assert lines[comment - 1] == '                text: "Panel briefed: \\"OA\\" doc # 2"'
    last = records(run, "list", "--as-of", "2022-04-04")["1.2"]["last_update"]
    assert last == {"date": "2022-04-04", "by": "AG", "text": 'Panel briefed: "OA" doc # 2'}


def test_second_note_appends(run: Callable[..., Result], seed_copy: Path) -> None:
    """A second note goes after the first: updates stay newest last."""
    run("update", "1.1", "--note", "first", "--by", "AG", "--as-of", "2022-02-01")
    before = seed_copy.read_text(encoding="utf-8")
    run("update", "1.1", "--note", "second", "--by", "CW", "--as-of", "2022-03-01")
    assert changed_lines(before, seed_copy.read_text(encoding="utf-8")) == (
        [],
        ["              - date: 2022-03-01", "                by: CW", '                text: "second"'],
    )
    item = next(item for _, _, item in load_plan(str(seed_copy)).plan.iter_items() if item.id == "1.1")
    assert [update.text for update in item.updates] == ["first", "second"]


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        pytest.param(("--status", "in progress"), {"status": "on_track", "completed": None}, id="alias written canonically"),
        pytest.param(("--completed", "2022-03-02"), {"status": "complete", "completed": "2022-03-02"}, id="completed implies complete"),
        pytest.param(("--status", "done"), {"status": "complete", "completed": "2022-03-10"}, id="complete records as-of"),
        pytest.param(("--rag", "Amber", "--reason", "Budget"), {"rag": "amber"}, id="rag by hand"),
    ],
)
def test_update_sets_fields(run: Callable[..., Result], seed_copy: Path, args: tuple[str, ...], expected: dict[str, object]) -> None:
    """Each option writes its field, as the JSON then shows."""
    result = run("update", "1.3", *args, "--as-of", "2022-03-10")
    assert result.exit_code == 0, result.stderr
    row = records(run, "list", "--as-of", "2022-03-10")["1.3"]
    assert {key: row[key] for key in expected} == expected


def test_exception_note_fields(run: Callable[..., Result], seed_copy: Path) -> None:
    """--recovery, --impact and --decision add exactly three lines to the item, in field order."""
    before = seed_copy.read_text(encoding="utf-8").splitlines()
    result = run(
        "update", "5.1", "--recovery", "Briefings booked", "--impact", "Vote slips to April",
        "--decision", "Agree the later vote", "--as-of", "2022-01-05",
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines()[1:] == [
        "  recovery: not set → Briefings booked",
        "  impact: not set → Vote slips to April",
        "  decision: not set → Agree the later vote",
    ]
    after = seed_copy.read_text(encoding="utf-8").splitlines()
    added = [line for line in after if line not in before]
    assert added == [
        '            recovery: "Briefings booked"',
        '            impact: "Vote slips to April"',
        '            decision: "Agree the later vote"',
    ]
    assert len(after) == len(before) + 3
    item = next(item for _, _, item in load_plan(str(seed_copy)).plan.iter_items() if item.id == "5.1")
    assert (item.recovery, item.impact, item.decision) == ("Briefings booked", "Vote slips to April", "Agree the later vote")


def test_marking_complete_again_keeps_the_completion_day(run: Callable[..., Result], seed_copy: Path) -> None:
    """`update --status complete` on a completed item leaves its completion day alone."""
    run("done", "1.1", "--as-of", "2022-03-20")
    before = seed_copy.read_bytes()
    result = run("update", "1.1", "--status", "complete", "--as-of", "2022-05-01")
    assert result.stdout == "Item 1.1 already has these values; plan.yaml is unchanged.\n"
    assert seed_copy.read_bytes() == before


def test_dry_run_prints_diff_and_writes_nothing(run: Callable[..., Result], seed_copy: Path) -> None:
    """--dry-run prints a unified diff and leaves the file as it was."""
    before = seed_copy.read_bytes()
    result = run("done", "1.1", "--dry-run", "--as-of", "2022-03-20")
    assert result.exit_code == 0
    assert result.stdout.startswith("--- a/plan.yaml\n+++ b/plan.yaml\n@@ ")
    assert "\n-            status: not_started\n+            status: complete\n+            completed: 2022-03-20\n" in result.stdout
    assert seed_copy.read_bytes() == before


def test_unknown_id_suggests_nearest(run: Callable[..., Result], seed_copy: Path) -> None:
    """An id not in the plan is a usage error naming the nearest ids."""
    before = seed_copy.read_bytes()
    result = run("done", "4.17", "--as-of", "2022-03-20")
    assert result.exit_code == 2
    assert 'there is no item "4.17" in plan.yaml. Did you mean 4.7, 4.1, 4.11?' in result.stderr
    assert result.stdout == ""
    assert seed_copy.read_bytes() == before


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        pytest.param((), "nothing to change", id="nothing given"),
        pytest.param(("--note", "x"), "a note needs --by CODE", id="note without by"),
        pytest.param(("--by", "AG"), "goes with --note", id="by without note"),
        pytest.param(("--note", "x", "--by", "A G"), "is not a lead code", id="bad lead code"),
        pytest.param(("--rag", "red"), "needs --reason", id="rag without reason"),
        pytest.param(("--revise", "Sep 2022"), "needs --reason", id="revise without reason"),
        pytest.param(("--reason", "why"), "goes with --rag or --revise", id="reason alone"),
        pytest.param(("--rag", "red", "--revise", "Sep 2022", "--reason", "x"), "each need their own --reason", id="both"),
        pytest.param(("--revise", "Smarch 2022", "--reason", "x"), '"smarch" is not a month', id="bad revised date"),
        pytest.param(("--status", "sort of"), "is not a status", id="bad status"),
        pytest.param(("--rag", "purple", "--reason", "x"), "'purple' is not one of", id="bad colour"),
        pytest.param(("--note", " \x1b ", "--by", "AG"), "is empty", id="empty note"),
        pytest.param(("--recovery", "  "), "is empty", id="empty recovery"),
    ],
)
def test_update_usage_errors(run: Callable[..., Result], seed_copy: Path, args: tuple[str, ...], fragment: str) -> None:
    """Bad option combinations exit 2 with a message and change nothing."""
    before = seed_copy.read_bytes()
    result = run("update", "1.1", *args, "--as-of", "2022-03-20")
    assert result.exit_code == 2
    assert fragment in result.stderr
    assert seed_copy.read_bytes() == before


def test_stdin_plan_cannot_be_updated(run: Callable[..., Result], seed_copy: Path) -> None:
    """--plan - is refused with a clear usage error."""
    result = run("done", "1.1", "--plan", "-", "--as-of", "2022-03-20", input=seed_copy.read_text(encoding="utf-8"))
    assert result.exit_code == 2
    assert "a plan read from standard input cannot be updated" in result.stderr


def test_bundled_plan_is_not_edited(run: Callable[..., Result]) -> None:
    """With no plan of its own, `done` refuses to edit the copy inside the package."""
    bundled = Path(sendplan.__file__).parent / "data" / "plan.yaml"
    before = bundled.read_bytes()
    result = run("done", "1.1", "--as-of", "2022-03-20")
    assert result.exit_code == 1
    assert "this is the example plan bundled with sendplan" in result.stderr
    assert "sendplan init --example" in result.stderr
    assert bundled.read_bytes() == before


def test_failed_validation_leaves_file_byte_identical(seed_copy: Path) -> None:
    """An edit whose result would not load is refused and the file is untouched."""
    before = seed_copy.read_bytes()
    with pytest.raises(PlanError) as caught:
        update_item(str(seed_copy), ItemEdit("1.1", rag="red"))
    messages = [problem.message for problem in caught.value.problems]
    assert messages[0].startswith("item 1.1 was not changed: the result would not be a valid plan.")
    assert any('needs a "rag_reason"' in message for message in messages)
    assert seed_copy.read_bytes() == before
    assert sorted(path.name for path in seed_copy.parent.iterdir()) == ["plan.yaml"]


def test_failed_write_leaves_file_and_no_temp(seed_copy: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """If the rename fails, the original stays and the temporary file is removed."""
    before = seed_copy.read_bytes()

    def refuse(source: str, target: str) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(write.os, "replace", refuse)
    with pytest.raises(PlanError, match=r"No space left on device\. The plan was not changed\."):
        update_item(str(seed_copy), ItemEdit("1.1", status="complete"))
    assert seed_copy.read_bytes() == before
    assert sorted(path.name for path in seed_copy.parent.iterdir()) == ["plan.yaml"]


def test_permissions_are_kept(seed_copy: Path) -> None:
    """The new file has the old file's permission bits."""
    seed_copy.chmod(0o640)
    result = update_item(str(seed_copy), ItemEdit("1.1", status="on_track"))
    assert result.written
    assert stat.S_IMODE(seed_copy.stat().st_mode) == 0o640


def test_plan_we_may_not_write_is_refused(seed_copy: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A plan file this user may not write is not replaced behind its owner's back."""
    before = seed_copy.read_bytes()
    # Tests may run as root, who may write anything: ask os.access for the answer a user gets.
    monkeypatch.setattr(write.os, "access", lambda path, mode: False)
    with pytest.raises(PlanError, match=r"the plan file is read-only for you \(you may not write it\), so it was not changed"):
        update_item(str(seed_copy), ItemEdit("1.1", status="on_track"))
    assert seed_copy.read_bytes() == before


def test_symlinked_plan_edits_the_target(tmp_path: Path, seed_copy: Path) -> None:
    """Editing through a symbolic link changes the file it points to and keeps the link."""
    link = tmp_path / "link.yaml"
    link.symlink_to(seed_copy)
    update_item(str(link), ItemEdit("1.1", status="on_track"))
    assert link.is_symlink()
    assert "status: on_track" in seed_copy.read_text(encoding="utf-8")


UNUSUAL = """\
plan:
    title: 'Other style'   # a comment
    date: Nov 2021
tasks:
- number: 1
  title: T
  deliverables:
  - title: D
    items:
    - id: A1
      deadline: Mar 2022  # due
      status: in progress   # eol
      # before B1

    - {id: B1, deadline: 2022-05-01}
    # comment before task 2
- number: 2
  title: >-
    folded
    title
  deliverables:
  - title: D2
    items:
    - id: C1
      updates: []
      evidence: [x, y]
"""


@pytest.mark.parametrize(
    ("item_edit", "removed", "added"),
    [
        pytest.param(
            ItemEdit("A1", status="complete", completed=date(2022, 3, 20)),
            ["      status: in progress   # eol"],
            ["      status: complete      # eol", "      completed: 2022-03-20"],
            id="unindented lists and trailing comments",
        ),
        pytest.param(
            ItemEdit("B1", status="at_risk"),
            ["    - {id: B1, deadline: 2022-05-01}"],
            ["    - {id: B1, deadline: 2022-05-01, status: at_risk}"],
            id="item written as a flow mapping",
        ),
        pytest.param(
            ItemEdit("C1", note=Note(date(2022, 3, 20), "AG", "n")),
            ["      updates: []"],
            ["      updates:", "      - date: 2022-03-20", "        by: AG", '        text: "n"'],
            id="empty flow list becomes a block",
        ),
        pytest.param(
            ItemEdit("C1", revised_deadline="2022-09-30", revision_reason="r"),
            [],
            ["      revised_deadline: 2022-09-30", '      revision_reason: "r"'],
            id="new keys go in field order",
        ),
    ],
)
def test_other_layouts_keep_their_style(
    write_plan: Callable[..., Path], item_edit: ItemEdit, removed: list[str], added: list[str]
) -> None:
    """A file indented and quoted differently keeps its own style; only the item's lines change."""
    path = write_plan(UNUSUAL)
    update_item(str(path), item_edit)
    assert changed_lines(UNUSUAL, path.read_text(encoding="utf-8")) == (removed, added)


def test_file_without_final_newline(tmp_path: Path) -> None:
    """A last line with no newline stays that way; wrapped text elsewhere in the item is left alone."""
    text = (
        "plan:\n  title: X\ntasks:\n  - number: 1\n    title: T\n    deliverables:\n      - title: D\n"
        '        items:\n          - id: "2"\n            action: another\n              wrapped\n'
        "            deadline: Mar 2022"
    )
    path = tmp_path / "plan.yaml"
    path.write_text(text, encoding="utf-8")
    result = update_item(str(path), ItemEdit("2", status="complete"))
    assert path.read_text(encoding="utf-8") == text + "\n            status: complete"
    assert result.diff.endswith(
        "-            deadline: Mar 2022\n\\ No newline at end of file\n"
        "+            deadline: Mar 2022\n+            status: complete\n\\ No newline at end of file\n"
    )


def test_windows_line_endings_and_bom_are_kept(tmp_path: Path) -> None:
    """CRLF line endings and a byte-order mark survive an edit."""
    text = 'plan:\r\n  title: X\r\ntasks:\r\n  - number: 1\r\n    title: T\r\n    deliverables:\r\n      - title: D\r\n        items:\r\n          - id: "1"\r\n            status: done # x\r\n'
    path = tmp_path / "plan.yaml"
    path.write_bytes(b"\xef\xbb\xbf" + text.encode())
    update_item(str(path), ItemEdit("1", completed=date(2022, 3, 20)))
    assert path.read_bytes() == b"\xef\xbb\xbf" + (text + "            completed: 2022-03-20\r\n").encode()


def test_no_lock_file_is_left_beside_the_plan(seed_copy: Path) -> None:
    """The lock is taken on the plan file itself: an edit leaves nothing else in the folder."""
    update_item(str(seed_copy), ItemEdit("1.1", status="on_track"))
    assert sorted(path.name for path in seed_copy.parent.iterdir()) == ["plan.yaml"]


def test_nearest_ids() -> None:
    """Close spellings come first; otherwise ids from the same task."""
    ids = ["1.1", "1.2", "4.1", "4.7", "4.11", "8.6"]
    assert edit.nearest_ids("4.17", ids) == ["4.7", "4.1", "4.11"]
    assert edit.nearest_ids("8.x", ids) == ["8.6"]


def test_twenty_concurrent_updates_all_land(seed_copy: Path) -> None:
    """Twenty `update` processes started together on different items each leave their note."""
    source_root = Path(sendplan.__file__).resolve().parent.parent
    env = {**os.environ, "PYTHONPATH": str(source_root)}
    env.pop("SENDPLAN_PLAN", None)
    ids = [item.id for _, _, item in load_plan(str(seed_copy)).plan.iter_items()][:20]
    processes = [
        subprocess.Popen(
            [sys.executable, "-m", "sendplan", "update", item_id, "--note", f"note for {item_id}", "--by", "AG",
             "--as-of", "2022-03-20", "--plan", str(seed_copy)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=env,
            cwd=seed_copy.parent,
        )
        for item_id in ids
    ]
    outcomes = [(process.wait(), process.stderr.read()) for process in processes if process.stderr]
    for process in processes:
        if process.stdout:
            process.stdout.close()
        if process.stderr:
            process.stderr.close()
    assert outcomes == [(0, b"")] * 20
    items = {item.id: item for _, _, item in load_plan(str(seed_copy)).plan.iter_items()}
    for item_id in ids:
        assert [update.text for update in items[item_id].updates] == [f"note for {item_id}"]
    assert COMMENT in seed_copy.read_text(encoding="utf-8")
    assert sorted(path.name for path in seed_copy.parent.iterdir()) == ["plan.yaml"]


def test_edit_works_on_a_copy_of_the_bundled_plan(tmp_path: Path) -> None:
    """A plain copy of the bundled plan is editable (only the bundled file itself is refused)."""
    copy = tmp_path / "copy.yaml"
    shutil.copy(source.bundled_plan(), copy)
    assert update_item(str(copy), ItemEdit("8.1", status="dropped")).written


def readme_session() -> list[tuple[str, str]]:
    """(command, output) pairs of docs/progress.md's examples, in order."""
    readme = (Path(__file__).resolve().parent.parent / "docs" / "progress.md").read_text(encoding="utf-8")
    section = readme.split("<!-- section: progress tracking -->", 1)[1].split("<!-- section:", 1)[0]
    pairs: list[tuple[str, str]] = []
    for block in re.findall(r"```shell-session\n(.*?)```", section, re.DOTALL):
        for chunk in re.split(r"^\$ ", block, flags=re.MULTILINE)[1:]:
            command, _, output = chunk.partition("\n")
            pairs.append((command, output))
    return pairs


def test_readme_progress_session_is_real_output(tmp_path: Path, bundled_plan: Path) -> None:
    """docs/progress.md's update/done/status examples, replayed in order on a copy of the plan, print what it shows."""
    shutil.copy(bundled_plan, tmp_path / "plan.yaml")
    source_root = Path(sendplan.__file__).resolve().parent.parent
    env = {**os.environ, "PYTHONPATH": str(source_root)}
    env.pop("SENDPLAN_PLAN", None)
    session = readme_session()
    assert len(session) >= 8
    for command, expected in session:
        script = f'sendplan() {{ "{sys.executable}" -m sendplan "$@"; }}\n{command}'
        output, error = run_in_terminal(script, tmp_path, env)  # what a terminal shows
        shown = [text.rstrip() for text in (output + error).rstrip("\n").splitlines()]
        assert shown == [text.rstrip() for text in expected.rstrip("\n").splitlines()], command
