"""Every command's --help ends with a real example: one that names the command and parses."""

from __future__ import annotations

import inspect
import re
import shlex
from collections.abc import Iterator

import click
import pytest

from sendplan import cli


def every_command(group: click.Group, path: tuple[str, ...] = ()) -> Iterator[tuple[tuple[str, ...], click.Command]]:
    """Each command under *group*, with the words that name it, sub-groups included."""
    for name, command in sorted(group.commands.items()):
        yield (*path, name), command
        if isinstance(command, click.Group):
            yield from every_command(command, (*path, name))


COMMANDS = list(every_command(cli.cli))


def example_line(help_text: str) -> str:
    """The last line of the help text, without a trailing description or a pipe into another program."""
    last = [line.strip() for line in inspect.cleandoc(help_text).splitlines() if line.strip()][-1]
    return re.split(r"\s{2,}| \| ", last, maxsplit=1)[0]


def test_commands_are_found() -> None:
    """The walk sees the core commands, so the test below cannot pass by checking nothing."""
    names = {" ".join(path) for path, _ in COMMANDS}
    assert {"validate", "list", "by-lead", "overdue", "due", "leads", "tasks", "diff", "completion"} <= names


@pytest.mark.parametrize(("path", "command"), COMMANDS, ids=[" ".join(path) for path, _ in COMMANDS])
def test_help_ends_with_a_real_example(path: tuple[str, ...], command: click.Command) -> None:
    """The help says "Example", its last line runs this command, and click accepts that command line."""
    assert command.help, f"{' '.join(path)} has no help text"
    assert "Example" in command.help
    line = example_line(command.help)
    words = shlex.split(line)
    assert words[: len(path) + 1] == ["sendplan", *path], f"help for {' '.join(path)} ends with {line!r}"
    # Parse the example's options and arguments (converting dates, periods, choices) without running it.
    group: click.Group = cli.cli
    context = click.Context(group, info_name="sendplan")
    for name in path[:-1]:
        group = group.commands[name]  # type: ignore[assignment]
        context = click.Context(group, info_name=name, parent=context)
    with command.make_context(path[-1], words[len(path) + 1 :], parent=context) as parsed:
        assert parsed.command is command


def test_group_help_shows_examples_and_version() -> None:
    """`sendplan --help` itself gives examples, and --version is available."""
    assert cli.cli.help is not None and "Examples:" in cli.cli.help
    assert any("--version" in param.opts for param in cli.cli.params)


def test_every_command_has_its_summary_for_the_list() -> None:
    """SUMMARIES (what `sendplan --help` lists without importing a command) is each command's
    own short help, or first paragraph: a new command adds its line, an edited one its words."""
    assert set(cli.SUMMARIES) == set(cli.COMMANDS)
    for name in cli.COMMANDS:
        command = cli.cli.commands[name]
        own = ("short", command.short_help) if command.short_help else ("help", (command.help or "").partition("\n\n")[0])
        assert cli.SUMMARIES[name] == own, name


@pytest.mark.parametrize("width", ["80", "60", "200"])
def test_the_list_reads_the_same_from_the_summaries(width: str) -> None:
    """`sendplan --help` from the summaries is exactly the help click writes from the commands."""
    from click.testing import CliRunner

    group = cli.SendplanGroup(name="sendplan", commands=cli.LazyCommands(dict(cli.COMMANDS)), help=cli.cli.help)
    group.params = cli.cli.params
    from_summaries = CliRunner().invoke(group, ["--help"], env={"COLUMNS": width}).output
    for name in cli.COMMANDS:
        group.commands[name]  # load every command: the list then comes from them
    from_commands = CliRunner().invoke(group, ["--help"], env={"COLUMNS": width}).output
    assert from_summaries == from_commands
    assert re.search(r"\n  overdue +List items past due", from_summaries)
