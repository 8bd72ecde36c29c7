"""The command line: the `sendplan` group, the one error edge and the entry point.

Commands live one family to a module beside this one (listings, editing, reports, checking,
setup); each parses its options, calls the library and hands rows to an output.
COMMANDS below says where each one is, and a command's module is imported only when the
command is run or listed, so `sendplan overdue` never loads the editing or report commands.
This module turns a PlanError into messages on stderr and exit 1, the only such place.
Heavy modules (pydantic, rich, yaml) are imported inside the commands, so `sendplan --help`
starts fast.
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Iterator, MutableMapping
from typing import Any

import click

from sendplan import __version__
from sendplan.cli.options import EXIT_INTERRUPTED, EXIT_PROBLEMS

# Every command: its name and its function, as "module:function" in sendplan/cli. A new command
# is one function in one of those modules and one line here.
COMMANDS = {
    "by-lead": "listings:by_lead_command",
    "completion": "setup:completion_command",
    "diff": "checking:diff_command",
    "done": "editing:done_command",
    "due": "listings:due_command",
    "glossary": "setup:glossary_command",
    "ics": "reports:ics_command",
    "init": "setup:init_command",
    "leads": "listings:leads_command",
    "list": "listings:list_command",
    "overdue": "listings:overdue_command",
    "report": "reports:report_command",
    "schema": "setup:schema_command",
    "status": "listings:status_command",
    "tasks": "listings:tasks_command",
    "timeline": "reports:timeline_command",
    "update": "editing:update_command",
    "validate": "checking:validate_command",
}


# The first paragraph of each command's help, for the list `sendplan --help` prints: listing
# them from here imports no command module (they are a third of --help's time).
# tests/test_help.py checks each against its command's own help.
SUMMARIES = {
    "by-lead": "List the items one lead owns (CODE is case-insensitive).",
    "completion": "Print the script that lets bash, zsh or fish complete sendplan's commands.",
    "diff": "What changed between two versions of a plan, item by item.",
    "done": "Mark an item complete, completed on --as-of (a shortcut for update).",
    "due": "List unfinished items that fall due in the coming period, soonest first.",
    "glossary": 'The plan\'s abbreviations and their meanings (the "glossary:" section of the plan).',
    "ics": "Every dated item as an all-day calendar event (iCalendar), for Outlook or Google.",
    "init": "Start a plan file: a small commented plan to fill in, or a copy of the example.",
    "leads": "One row per lead: items, finished, overdue and the next deadline.",
    "list": "List items, optionally filtered.",
    "overdue": "List items past due and not finished, most overdue first.",
    "report": "The monthly highlight report for a board or Schools Forum, in Markdown or HTML.",
    "schema": "The plan file's JSON Schema, so editors can check plan.yaml as you type.",
    "status": "The dashboard: per task and per lead, items by status and RAG, overdue, due soon, % complete.",
    "tasks": "One row per task: items, finished, overdue and the next deadline.",
    "timeline": "Deadlines month by month: a row per task, a column per month, overdue marked.",
    "update": "Record progress on one item, editing the plan file in place.",
    "validate": "Check plan files: errors stop a plan being read; warnings are gaps in a readable plan.",
}


class LazyCommands(MutableMapping[str, click.Command]):
    """The group's commands by name; each command's module is imported when it is first looked up."""

    def __init__(self, where: dict[str, str]) -> None:
        self._where = where
        self._loaded: dict[str, click.Command] = {}

    def __getitem__(self, name: str) -> click.Command:
        if name not in self._loaded:
            module, _, function = self._where[name].partition(":")  # KeyError: no such command
            # __import__, not importlib: the same work, without importing importlib.
            found: click.Command = getattr(__import__(f"sendplan.cli.{module}", fromlist=[function]), function)
            self._loaded[name] = found
        return self._loaded[name]

    def __setitem__(self, name: str, command: click.Command) -> None:
        self._loaded[name] = command

    def __delitem__(self, name: str) -> None:
        self._where.pop(name, None)
        del self._loaded[name]

    def __iter__(self) -> Iterator[str]:
        return iter({**self._where, **self._loaded})

    def __len__(self) -> int:
        return len({**self._where, **self._loaded})

    def for_listing(self, name: str) -> click.Command:
        """The command, or, if its module is not imported yet, a stand-in with its summary."""
        if name not in self._loaded and name in SUMMARIES:
            return click.Command(name, help=SUMMARIES[name])
        return self[name]


def interrupted() -> None:
    """One line for Ctrl-C, never a traceback; then exit 130, as shells expect of an interrupt."""
    # On a terminal the line starts after the "^C" the terminal has echoed.
    start = "\n" if sys.stderr is not None and sys.stderr.isatty() else ""
    with contextlib.suppress(Exception):
        sys.stderr.write(f"{start}sendplan: interrupted.\n")
        sys.stderr.flush()
    sys.exit(EXIT_INTERRUPTED)


class SendplanGroup(click.Group):
    """Turns a PlanError into located messages on stderr and exit 1, and Ctrl-C into one line
    and exit 130: the only such place."""

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """The list of commands, as click writes it, from SUMMARIES where it can."""
        found = self.commands
        lister = found.for_listing if isinstance(found, LazyCommands) else found.__getitem__
        commands = [(name, lister(name)) for name in self.list_commands(ctx)]
        commands = [(name, command) for name, command in commands if not command.hidden]
        if commands:
            limit = formatter.width - 6 - max(len(name) for name, _ in commands)
            with formatter.section("Commands"):
                formatter.write_dl([(name, command.get_short_help_str(limit)) for name, command in commands])

    def make_context(self, *args: Any, **kwargs: Any) -> click.Context:
        try:
            return super().make_context(*args, **kwargs)
        except KeyboardInterrupt:
            interrupted()
            raise  # pragma: no cover - interrupted() exits

    def invoke(self, ctx: click.Context) -> Any:
        from sendplan.errors import PlanError

        try:
            return super().invoke(ctx)
        except PlanError as error:
            from sendplan.outputs.problems import format_problem

            for problem in error.problems:
                click.echo(format_problem(problem), err=True)
            ctx.exit(EXIT_PROBLEMS)
        except KeyboardInterrupt:
            interrupted()


@click.group(
    cls=SendplanGroup, commands=LazyCommands(COMMANDS), context_settings={"help_option_names": ["-h", "--help"]}
)


@click.version_option(__version__, "--version", prog_name="sendplan")
def cli() -> None:
    """Answer questions about an action plan kept in a YAML file.

    \b
    Examples:
      sendplan overdue                 what is past due and not finished
      sendplan by-lead AG              what AG owns
      sendplan due --within 30d        what falls due in the next 30 days
      sendplan validate plan.yaml      check the file
    """


def main() -> None:
    """Entry point: run the CLI, and stay quiet when a pipe such as `| head` closes early."""
    try:
        cli(prog_name="sendplan")
    except KeyboardInterrupt:  # outside a command: while click starts or Python flushes output
        interrupted()
    except BrokenPipeError:
        # Python would print a traceback while flushing stdout at exit; point it at devnull.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        sys.exit(EXIT_PROBLEMS)


if __name__ == "__main__":  # pragma: no cover
    main()
