"""Shell completion through click's own completion API: commands, lead codes, item ids, tasks."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import click
import pytest
from click.shell_completion import ShellComplete
from click.testing import CliRunner, Result
from helpers import MINIMAL_PLAN

from sendplan import cli

SEED_LEADS = ["CK", "AG", "CW", "BB", "DA"]


def complete(runner: CliRunner, shell: str, words: str, cword: int | str, env: dict[str, str] | None = None) -> Result:
    """What the shell script gets back on TAB; *cword* is the word's index (fish: the word itself)."""
    completion_env = {"_SENDPLAN_COMPLETE": f"{shell}_complete", "COMP_WORDS": words, "COMP_CWORD": str(cword)}
    return runner.invoke(cli.cli, [], prog_name="sendplan", env={**completion_env, **(env or {})})


def values(args: list[str], incomplete: str, command: click.Command = cli.cli) -> list[str]:
    return [item.value for item in ShellComplete(command, {}, "sendplan", "_SENDPLAN_COMPLETE").get_completions(args, incomplete)]


def test_by_lead_tab_offers_the_plans_lead_codes(
    runner: CliRunner, bundled_plan: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """`sendplan by-lead <TAB>` in bash offers the bundled plan's lead codes, key first."""
    monkeypatch.chdir(tmp_path)  # no ./plan.yaml here, so the bundled plan is read
    result = complete(runner, "bash", "sendplan by-lead ", 2)
    assert result.exit_code == 0
    assert result.stdout.splitlines() == [f"plain,{code}" for code in SEED_LEADS]
    assert values(["by-lead"], "") == SEED_LEADS


def test_lead_codes_come_from_the_chosen_plan(
    runner: CliRunner, write_plan: Callable[..., Path], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Codes are read from --plan, else $SENDPLAN_PLAN, else ./plan.yaml, and match case-insensitively."""
    monkeypatch.chdir(tmp_path)
    other = write_plan(MINIMAL_PLAN.replace("AG", "ZZ"), "other.yaml")
    write_plan(MINIMAL_PLAN)
    assert values(["by-lead"], "") == ["AG"]
    assert values(["by-lead", "--plan", str(other)], "") == ["ZZ"]
    assert values(["list", "--plan", str(other), "--lead"], "z") == ["ZZ"]
    result = complete(runner, "bash", "sendplan by-lead ", 2, env={"SENDPLAN_PLAN": str(other)})
    assert result.stdout == "plain,ZZ\n"


def test_lead_codes_show_names_in_zsh(runner: CliRunner, write_plan: Callable[..., Path]) -> None:
    """zsh and fish show each code's lead name beside it."""
    path = write_plan(MINIMAL_PLAN)
    result = complete(runner, "zsh", f"sendplan list --plan {path} --lead ", 5)
    assert result.stdout.splitlines() == ["plain", "AG", "Anthony Giles"]
    fish = complete(runner, "fish", f"sendplan by-lead --plan {path} A", "A")
    assert fish.stdout == "plain,AG\tAnthony Giles\n"


@pytest.mark.parametrize(
    "plan_text",
    [MINIMAL_PLAN.replace("Mar 2022", "Smarch 2022"), "tasks: [", "\x00", ""],
    ids=["bad deadline", "bad yaml", "binary", "empty"],
)
def test_broken_plan_completes_nothing_quietly(
    runner: CliRunner, write_plan: Callable[..., Path], plan_text: str
) -> None:
    """A plan that does not load gives no completions and no traceback, and the shell is not disturbed."""
    path = write_plan(plan_text)
    result = complete(runner, "bash", f"sendplan by-lead --plan {path} ", 4)
    assert result.exit_code == 0
    assert result.stdout.strip() == ""
    assert result.stderr == ""


def test_missing_plan_and_stdin_complete_nothing(runner: CliRunner, tmp_path: Path) -> None:
    """A missing file or `--plan -` gives no completions; completion never waits on standard input."""
    assert complete(runner, "bash", f"sendplan by-lead --plan {tmp_path / 'gone.yaml'} ", 4).stdout.strip() == ""
    assert values(["by-lead", "--plan", "-"], "") == []


def test_commands_and_options_complete(runner: CliRunner) -> None:
    """Command names and option names complete as click provides them."""
    assert values([], "d") == ["diff", "done", "due"]
    assert "--due-before" in values(["list"], "--due")
    assert complete(runner, "bash", "sendplan comp", 1).stdout == "plain,completion\n"


def test_task_numbers_and_statuses_complete(write_plan: Callable[..., Path]) -> None:
    """`list --task` offers the plan's task numbers and `list --status` the six statuses."""
    path = str(write_plan(MINIMAL_PLAN))
    assert values(["list", "--plan", path, "--task"], "") == ["1"]
    assert values(["list", "--status"], "o") == ["on_track", "off_track"]


def test_done_and_update_complete_item_ids(write_plan: Callable[..., Path]) -> None:
    """`sendplan done <TAB>` and `sendplan update <TAB>` offer the plan's ids, each with its action."""
    plan = MINIMAL_PLAN + '          - id: "1.10"\n            action: Another thing\n'
    path = str(write_plan(plan))
    for command in ("done", "update"):
        found = ShellComplete(cli.cli, {}, "sendplan", "_X").get_completions([command, "--plan", path], "1.")
        assert [(item.value, item.help) for item in found] == [("1.1", "Do the thing"), ("1.10", "Another thing")]
        assert values([command, "--plan", path], "2") == []


def test_update_options_complete(write_plan: Callable[..., Path]) -> None:
    """update's --status offers the statuses, --by and the --lead of timeline and ics the lead codes."""
    path = str(write_plan(MINIMAL_PLAN))
    assert values(["update", "1.1", "--status"], "a") == ["at_risk"]
    assert values(["update", "1.1", "--plan", path, "--by"], "") == ["AG"]
    assert values(["timeline", "--plan", path, "--lead"], "a") == ["AG"]
    assert values(["ics", "--plan", path, "--lead"], "") == ["AG"]


@pytest.mark.parametrize("shell", ["bash", "zsh", "fish"])
def test_completion_command_prints_the_script(run: Callable[..., Result], shell: str) -> None:
    """`sendplan completion SHELL` prints click's script for that shell, wired to the sendplan command."""
    result = run("completion", shell)
    assert result.exit_code == 0
    assert f"_SENDPLAN_COMPLETE={shell}_complete" in result.stdout
    assert "_sendplan_completion" in result.stdout


def test_completion_command_refuses_other_shells(run: Callable[..., Result]) -> None:
    """An unsupported shell is a usage error naming the supported ones."""
    result = run("completion", "powershell")
    assert result.exit_code == 2
    assert "'bash', 'zsh', 'fish'" in result.stderr


def test_source_env_var_prints_the_script(runner: CliRunner) -> None:
    """click's own `_SENDPLAN_COMPLETE=bash_source sendplan` works too, as docs/team.md says."""
    result = runner.invoke(cli.cli, [], prog_name="sendplan", env={"_SENDPLAN_COMPLETE": "bash_source"})
    assert result.exit_code == 0
    assert "complete -o nosort -F _sendplan_completion sendplan" in result.stdout


@pytest.mark.parametrize(
    ("args", "incomplete"),
    [(["list", "--plan"], "pl"), (["validate"], "pl"), (["diff"], "pl"), (["diff", "--rev", "HEAD"], "pl")],
    ids=["--plan", "validate FILE", "diff OLD", "diff --rev FILE"],
)
def test_plan_file_arguments_complete_file_names(args: list[str], incomplete: str) -> None:
    """Where a plan file is expected, the shell is asked to complete file names."""
    found = ShellComplete(cli.cli, {}, "sendplan", "_SENDPLAN_COMPLETE").get_completions(args, incomplete)
    assert [(item.type, item.value) for item in found] == [("file", incomplete)]


def test_several_plans_offer_plan_and_id(plans: Path) -> None:
    """With a folder of plans, ids are offered as PLAN:ID and lead codes from every plan."""
    offered = values(["done", "--plan", str(plans)], "dsg:")
    assert offered == ["dsg:1.1", "dsg:1.2", "dsg:D2.1", "dsg:D2.2", "dsg:D2.3"]
    assert "recovery:4.11" in values(["show", "--plan", str(plans)], "recovery:4.1")
    assert values(["by-lead", "--plan", str(plans)], "") == ["AG", "CK", "FP", "CW", "BB", "DA"]
