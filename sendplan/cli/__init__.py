"""The command line: the `sendplan` group, the one error edge and the entry point.

Commands live one family to a module beside this one (listings, editing, reports, checking,
setup, completion); each parses its options, calls the library and hands rows to an output.
This module turns a PlanError into messages on stderr and exit 1, the only such place.
Heavy modules (pydantic, rich, yaml) are imported inside the commands, so `sendplan --help`
starts fast.
"""

from __future__ import annotations

import os
import sys
from typing import Any

import click

from sendplan import __version__
from sendplan.cli import checking, completion, editing, listings, reports, setup
from sendplan.cli.options import EXIT_PROBLEMS


class SendplanGroup(click.Group):
    """Turns a PlanError into located messages on stderr and exit 1: the only such place."""

    def invoke(self, ctx: click.Context) -> Any:
        from sendplan.errors import PlanError
        from sendplan.outputs.problems import format_problem

        try:
            return super().invoke(ctx)
        except PlanError as error:
            for problem in error.problems:
                click.echo(format_problem(problem), err=True)
            ctx.exit(EXIT_PROBLEMS)


@click.group(cls=SendplanGroup, context_settings={"help_option_names": ["-h", "--help"]})
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


for command in (
    *checking.COMMANDS,
    *listings.COMMANDS,
    *editing.COMMANDS,
    *reports.COMMANDS,
    *setup.COMMANDS,
    completion.completion_command,
):
    cli.add_command(command)


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
