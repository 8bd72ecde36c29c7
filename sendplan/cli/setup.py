"""Setting up: init (a new plan file), schema (its JSON Schema for editors), the glossary, and
the shell completion script."""

from __future__ import annotations

from datetime import date

import click

from sendplan.cli.options import (
    COMPLETE_VAR,
    COMPLETION_SHELLS,
    as_of_option,
    day_or_today,
    format_options,
    load,
    no_pager_option,
    one_plan_option,
    output_options,
    show,
    write_output,
)
from sendplan.cli.plans import plan_name


@click.command("init", short_help="Start a plan file: a starter to fill in, or the example.")
@click.argument("file", default="plan.yaml", type=click.Path(dir_okay=False))
@click.option("--example", is_flag=True, help="Copy the bundled West Northamptonshire plan instead.")
@click.option("--force", is_flag=True, help="Replace FILE if it exists.")
@as_of_option
def init_command(file: str, example: bool, force: bool, as_of: date | None) -> None:
    """Start a plan file: a small commented plan to fill in, or a copy of the example.

    Writes FILE (default: plan.yaml in this folder), dated --as-of's month (default: this
    month). An existing file is never replaced unless --force is given.

    \b
    Examples:
      sendplan init                  writes plan.yaml, ready to fill in
      sendplan init --example        a copy of the bundled plan, to try updates on
    """
    from sendplan.outputs.text import visible
    from sendplan.plan.starter import example_text, starter_text
    from sendplan.plan.write import create_plan

    text = example_text() if example else starter_text(day_or_today(as_of))
    try:
        create_plan(file, text, force=force)
    except OSError as error:
        raise click.FileError(file, hint=error.strerror or str(error)) from None
    what = "a copy of the example plan bundled with sendplan" if example else "a new plan with one item to fill in"
    click.echo(f"Wrote {visible(file)}: {what}. Edit it, then check it with: sendplan validate {visible(file)}")


@click.command("schema", short_help="The plan file's JSON Schema, for editors that check YAML.")
@click.option("-o", "--output", metavar="FILE", help="Write to FILE (e.g. plan.schema.json) instead of the screen.")
@no_pager_option
def schema_command(output: str | None) -> None:
    """The plan file's JSON Schema, so editors can check plan.yaml as you type.

    \b
    Example:
      sendplan schema -o plan.schema.json
    """
    import json

    from sendplan.plan.schema import plan_schema

    write_output(output, json.dumps(plan_schema(), ensure_ascii=False, indent=2) + "\n")


@click.command("glossary", short_help="The plan's abbreviations and what they mean.")
@one_plan_option
@format_options
@output_options
@no_pager_option
def glossary_command(plan_path: tuple[str, ...], output_format: str | None) -> None:
    """The plan's abbreviations and their meanings (the "glossary:" section of the plan).

    Abbreviations used in the plan's text but missing from the glossary are listed on stderr.

    \b
    Example:
      sendplan glossary
    """
    from sendplan.outputs.problems import format_problem
    from sendplan.outputs.rows import Report
    from sendplan.plan.glossary import glossary_rows, undefined_abbreviations

    loaded = load(plan_path)
    rows = glossary_rows(loaded.plan)
    show(Report("glossary", rows, f"Glossary · {plan_name(loaded)}", empty='The plan has no "glossary:" section.'), output_format)
    for problem in undefined_abbreviations(loaded):
        click.echo(format_problem(problem), err=True)


@click.command("completion", short_help="Print the shell script that completes sendplan's commands.")
@click.argument("shell", type=click.Choice(COMPLETION_SHELLS))
def completion_command(shell: str) -> None:
    """Print the script that lets bash, zsh or fish complete sendplan's commands.

    It completes commands, options, lead codes, task numbers and statuses, reading
    the lead codes from the plan the command would use. Load it from your shell's
    start-up file:

    \b
      bash, in ~/.bashrc:
        eval "$(sendplan completion bash)"
      zsh, in ~/.zshrc (after compinit):
        eval "$(sendplan completion zsh)"
      fish, once:
        sendplan completion fish > ~/.config/fish/completions/sendplan.fish

    \b
    Example:
      sendplan completion bash
    """
    from click.shell_completion import get_completion_class

    complete_class = get_completion_class(shell)
    assert complete_class is not None  # every choice is one of click's built-in shells
    # The group this command belongs to (sendplan itself), without importing it: it imports us.
    root = click.get_current_context().find_root().command
    # The installed command is called sendplan, whatever this process was started as.
    click.echo(complete_class(root, {}, "sendplan", COMPLETE_VAR).source())


@click.command("help", short_help="How to use sendplan, or one of its commands.")
@click.argument("command_name", metavar="[COMMAND]", required=False)
def help_command(command_name: str | None) -> None:
    """How to use sendplan, or one of its commands (the same as COMMAND --help).

    \b
    Example:
      sendplan help overdue
    """
    from sendplan.outputs.text import visible

    root = click.get_current_context().find_root()
    group = root.command
    if command_name is None:
        click.echo(root.get_help())
        return
    command = group.get_command(root, command_name) if isinstance(group, click.Group) else None
    if command is None:
        names = ", ".join(group.list_commands(root)) if isinstance(group, click.Group) else ""
        raise click.BadParameter(f'"{visible(command_name)}" is not a command. Commands: {names}.', param_hint="COMMAND")
    with click.Context(command, info_name=command_name, parent=root) as sub:
        click.echo(command.get_help(sub))
