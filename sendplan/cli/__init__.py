"""The command line: the `sendplan` group, the one error edge and the entry point.

Commands live one family to a module beside this one (listings, editing, reports, checking,
setup, office); each parses its options, calls the library and hands rows to an output.
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
from sendplan.cli.options import EXIT_INTERRUPTED, EXIT_PROBLEMS, group_options

# Every command: its name and its function, as "module:function" in sendplan/cli. A new command
# is one function in one of those modules and one line here.
COMMANDS = {
    "by-lead": "listings:by_lead_command",
    "collect": "office:collect_command",
    "completion": "setup:completion_command",
    "diff": "checking:diff_command",
    "done": "editing:done_command",
    "due": "listings:due_command",
    "glossary": "setup:glossary_command",
    "help": "setup:help_command",
    "ics": "reports:ics_command",
    "import": "office:import_command",
    "init": "setup:init_command",
    "leads": "listings:leads_command",
    "list": "listings:list_command",
    "overdue": "listings:overdue_command",
    "report": "reports:report_command",
    "request": "office:request_command",
    "schema": "setup:schema_command",
    "show": "listings:show_command",
    "status": "listings:status_command",
    "tasks": "listings:tasks_command",
    "timeline": "reports:timeline_command",
    "update": "editing:update_command",
    "validate": "checking:validate_command",
}


# What `sendplan --help` lists for each command: its short help ("short"), or else the first
# paragraph of its help ("help"), which click shortens to fit. Listing from here imports no
# command module (they are a third of --help's time); tests/test_help.py keeps each the
# command's own.
SUMMARIES: dict[str, tuple[str, str]] = {
    "by-lead": ("help", 'List the items one lead owns (CODE is case-insensitive).'),
    "collect": ("short", 'Record the answers of returned workbooks in the plan.'),
    "completion": ("short", "Print the shell script that completes sendplan's commands."),
    "diff": ("help", 'What changed between two versions of a plan, item by item.'),
    "done": ("short", 'Mark an item complete, completed on --as-of.'),
    "due": ("short", 'List unfinished items falling due soon, soonest first.'),
    "glossary": ("short", "The plan's abbreviations and what they mean."),
    "help": ("short", 'How to use sendplan, or one of its commands.'),
    "ics": ("short", 'Dated items as calendar events (iCalendar), for Outlook.'),
    "import": ("short", 'Make a plan from an Excel, CSV or Word tracker.'),
    "init": ("short", 'Start a plan file: a starter to fill in, or the example.'),
    "leads": ("short", 'One row per lead: items, done, overdue, next deadline.'),
    "list": ("short", 'List items, filtered by lead, task, status or date.'),
    "overdue": ("help", 'List items past due and not finished, most overdue first.'),
    "report": ("short", 'The monthly highlight report for a board or Schools Forum.'),
    "request": ("short", 'Write a return workbook for each lead, and an email to send.'),
    "schema": ("short", "The plan file's JSON Schema, for editors that check YAML."),
    "show": ("short", 'One item in full: criteria, deadline, rating, updates.'),
    "status": ("short", 'The dashboard: items by status and RAG, per task and lead.'),
    "tasks": ("short", 'One row per task: items, done, overdue, next deadline.'),
    "timeline": ("short", 'Deadlines month by month: a row per task, a column a month.'),
    "update": ("help", 'Record progress on one item, editing the plan file in place.'),
    "validate": ("short", 'Check plan files: errors, and warnings about gaps.'),
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
            kind, text = SUMMARIES[name]
            return click.Command(name, short_help=text) if kind == "short" else click.Command(name, help=text)
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
            from sendplan.cli.messages import tell_problems

            tell_problems(error.problems)
            ctx.exit(EXIT_PROBLEMS)
        except KeyboardInterrupt:
            interrupted()
        except click.NoSuchOption as error:
            raise wrapped(self._better_guess(error)) from None
        except click.UsageError as error:
            raise wrapped(error) from None

    def _better_guess(self, error: click.NoSuchOption) -> click.NoSuchOption:
        """click suggests any option that looks a little alike (`overdue --lead` got "Did you mean
        --plan?"); suggest only a close match among the command's own options, and name the
        commands that do take the option."""
        import difflib

        command = error.ctx.command if error.ctx is not None else None
        if command is None or error.ctx is None or error.ctx.parent is None:
            return error
        own = [name for param in command.params for name in (*param.opts, *param.secondary_opts)]
        close = difflib.get_close_matches(error.option_name, own, n=1, cutoff=0.75)
        others = []
        for name in self.list_commands(error.ctx.parent):
            other = self.get_command(error.ctx.parent, name)
            if other is not None and other is not command and any(
                error.option_name in (*param.opts, *param.secondary_opts) for param in other.params
            ):
                others.append(f"sendplan {name}")
        message = f"No such option {error.option_name!r} for sendplan {error.ctx.info_name}."
        if close:
            message += f" Did you mean {close[0]!r}?"
        if others:
            shown = ", ".join(others[:4]) + (", …" if len(others) > 4 else "")
            message += f" {error.option_name} is an option of {shown}."
        return click.NoSuchOption(error.option_name, message=message, ctx=error.ctx)


class WrappedUsageError(click.UsageError):
    """A usage error whose message is already wrapped at words for the terminal it goes to."""

    def __init__(self, text: str, ctx: click.Context | None) -> None:
        super().__init__(text, ctx)

    def format_message(self) -> str:
        return self.message


def wrapped(error: click.UsageError) -> click.UsageError:
    """*error* with its message wrapped at words when stderr is a terminal (click would let the
    terminal break it mid-word); otherwise as it is, one line for logs and scripts."""
    from sendplan.cli.pager import is_terminal, terminal_size

    if not is_terminal(sys.stderr):
        return error
    import textwrap

    prefix = "Error: "  # what click prints before the message
    width = max(terminal_size().columns - 1, 40)
    text = textwrap.fill(prefix + error.format_message(), width, break_on_hyphens=False, break_long_words=False)
    return WrappedUsageError(text.removeprefix(prefix), error.ctx)  # exit 2, as every usage error


@click.group(
    cls=SendplanGroup, commands=LazyCommands(COMMANDS), context_settings={"help_option_names": ["-h", "--help"]}
)
@group_options
@click.version_option(__version__, "--version", prog_name="sendplan")
def cli() -> None:
    """Answer questions about an action plan kept in a YAML file.

    \b
    Examples:
      sendplan overdue                 what is past due and not finished
      sendplan by-lead AG              what AG owns
      sendplan show 4.7                one item in full
      sendplan due --within 30d        what falls due in the next 30 days
      sendplan validate plan.yaml      check the file
      sendplan help overdue            how a command works
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
