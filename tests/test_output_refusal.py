"""`-o` never replaces a file the command reads: the plan, by any path to it, or an imported
tracker. A usage error (exit 2) with a plain message; the file is left byte for byte."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result

AS_OF = ("--as-of", "2022-06-01")
COMMANDS = [
    pytest.param(("list", "--format", "csv", *AS_OF), id="list"),
    pytest.param(("overdue", "--json", *AS_OF), id="overdue"),
    pytest.param(("by-lead", "AG", "--format", "tsv", *AS_OF), id="by-lead"),
    pytest.param(("due", "--within", "30d", "--format", "tsv", *AS_OF), id="due"),
    pytest.param(("leads", "--format", "tsv", *AS_OF), id="leads"),
    pytest.param(("tasks", "--format", "tsv", *AS_OF), id="tasks"),
    pytest.param(("status", "--format", "tsv", *AS_OF), id="status"),
    pytest.param(("ics", *AS_OF), id="ics"),
    pytest.param(("report", "--format", "markdown", *AS_OF), id="report"),
    pytest.param(("glossary", "--format", "json"), id="glossary"),
]


@pytest.fixture
def folder(tmp_path: Path, bundled_plan: Path) -> Path:
    """A folder holding plan.yaml, a symbolic link and a hard link to it."""
    shutil.copy(bundled_plan, tmp_path / "plan.yaml")
    (tmp_path / "link.yaml").symlink_to("plan.yaml")
    os.link(tmp_path / "plan.yaml", tmp_path / "hard.yaml")
    return tmp_path


@pytest.mark.parametrize("command", COMMANDS)
@pytest.mark.parametrize(
    ("plan_args", "output"),
    [
        pytest.param(("--plan", "plan.yaml"), "plan.yaml", id="same name"),
        pytest.param((), "plan.yaml", id="the plan found in the folder"),
        pytest.param(("--plan", "./plan.yaml"), "{folder}/plan.yaml", id="relative and absolute"),
        pytest.param(("--plan", "plan.yaml"), "link.yaml", id="a symbolic link to it"),
        pytest.param(("--plan", "link.yaml"), "plan.yaml", id="read through a symbolic link"),
        pytest.param(("--plan", "plan.yaml"), "hard.yaml", id="a hard link to it"),
    ],
)
def test_output_naming_the_plan_is_refused(
    run: Callable[..., Result], folder: Path, monkeypatch: pytest.MonkeyPatch,
    command: tuple[str, ...], plan_args: tuple[str, ...], output: str,
) -> None:  # fmt: skip
    """Every command with -o refuses to write over the plan it reads, however it is named."""
    monkeypatch.chdir(folder)
    before = (folder / "plan.yaml").read_bytes()
    target = output.format(folder=folder)
    result = run(*command, *plan_args, "-o", target)
    assert result.exit_code == 2, result.output
    assert "is the plan this command reads, so writing there would replace it. Give another file name." in result.stderr
    assert (folder / "plan.yaml").read_bytes() == before
    assert sorted(path.name for path in folder.iterdir()) == ["hard.yaml", "link.yaml", "plan.yaml"]


def test_output_to_another_file_still_works(run: Callable[..., Result], folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A different file is written as before."""
    monkeypatch.chdir(folder)
    result = run("ics", "--plan", "plan.yaml", *AS_OF, "-o", "deadlines.ics")
    assert result.exit_code == 0, result.stderr
    assert (folder / "deadlines.ics").read_bytes().startswith(b"BEGIN:VCALENDAR")


def test_import_refuses_to_write_over_the_tracker_it_reads(
    run: Callable[..., Result], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`sendplan import tracker.csv -o tracker.csv --force` would destroy the tracker: refused."""
    monkeypatch.chdir(tmp_path)
    tracker = tmp_path / "tracker.csv"
    tracker.write_text("Ref,Action,Owner,Target date\n1.1,Do it,AG,Mar 2022\n", encoding="utf-8")
    before = tracker.read_bytes()
    result = run("import", "tracker.csv", "-o", "./tracker.csv", "--force")
    assert result.exit_code == 2
    assert "is a file this command reads, so writing there would replace it" in result.stderr
    assert tracker.read_bytes() == before
