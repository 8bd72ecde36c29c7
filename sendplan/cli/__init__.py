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

import os
import sys
from collections.abc import Iterator, MutableMapping
from typing import Any

import click

from sendplan import __version__
from sendplan.cli.options import EXIT_PROBLEMS, group_options

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


class SendplanGroup(click.Group):
    """Turns a PlanError into located messages on stderr and exit 1: the only such place."""

    def invoke(self, ctx: click.Context) -> Any:
        from sendplan.errors import PlanError

        try:
            return super().invoke(ctx)
        except PlanError as error:
            from sendplan.cli.messages import tell_problems

            tell_problems(error.problems)
            ctx.exit(EXIT_PROBLEMS)
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
    except BrokenPipeError:
        # Python would print a traceback while flushing stdout at exit; point it at devnull.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        sys.exit(EXIT_PROBLEMS)


if __name__ == "__main__":  # pragma: no cover
    main()
