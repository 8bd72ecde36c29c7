"""Shell completion: the lead codes, item ids, task numbers and statuses offered on <TAB>, and
the `sendplan completion SHELL` command that prints the script.

Completion reads the plan the command would read; any failure means no completions, never a
traceback in the middle of someone's command line.
"""

from __future__ import annotations

from typing import Any

import click

COMPLETE_VAR = "_SENDPLAN_COMPLETE"
COMPLETION_SHELLS = ("bash", "zsh", "fish")


def completion_plan(ctx: click.Context) -> Any:
    """The Plan chosen by --plan / $SENDPLAN_PLAN / ./plan.yaml / bundled, or None if unusable."""
    try:
        from sendplan.plan.read import load_plan
        from sendplan.plan.source import STDIN, choose_plan

        chosen = None
        node: click.Context | None = ctx
        while node is not None and chosen is None:
            chosen = node.params.get("plan_path")
            node = node.parent
        path = choose_plan(chosen)
        if path == STDIN:  # completing must never wait on standard input
            return None
        return load_plan(path).plan
    except Exception:  # noqa: BLE001 - any broken or missing plan: offer nothing, never a traceback
        return None


def _offer(values: list[tuple[str, str | None]]) -> list[Any]:
    from click.shell_completion import CompletionItem

    from sendplan.outputs.text import one_line

    def short(text: str | None) -> str | None:
        if not text:
            return None
        text = one_line(text)
        return text if len(text) <= 60 else text[:59] + "…"

    return [CompletionItem(value, help=short(description)) for value, description in values]


def complete_lead_codes(ctx: click.Context, param: click.Parameter, incomplete: str) -> list[Any]:
    """Lead codes from the plan (its key, then codes only items use), for CODE and --lead."""
    plan = completion_plan(ctx)
    if plan is None:
        return []
    from sendplan.plan.codes import normalise_lead_code
    from sendplan.query import known_leads

    prefix = normalise_lead_code(incomplete)
    leads = plan.leads
    return _offer(
        [(code, leads[code].name if code in leads else None) for code in known_leads(plan) if code.startswith(prefix)]
    )


def complete_item_ids(ctx: click.Context, param: click.Parameter, incomplete: str) -> list[Any]:
    """Item ids from the plan, each with its action as the description (zsh and fish show it)."""
    plan = completion_plan(ctx)
    if plan is None:
        return []
    wanted = incomplete.lower()
    return _offer([(item.id, item.action) for _, _, item in plan.iter_items() if item.id.lower().startswith(wanted)])


def complete_task_numbers(ctx: click.Context, param: click.Parameter, incomplete: str) -> list[Any]:
    """Task numbers from the plan, with each task's title."""
    plan = completion_plan(ctx)
    if plan is None:
        return []
    return _offer([(str(task.number), task.title) for task in plan.tasks if str(task.number).startswith(incomplete)])


def complete_statuses(ctx: click.Context, param: click.Parameter, incomplete: str) -> list[Any]:
    """The six statuses (the aliases are accepted too, but not offered)."""
    from sendplan.plan.model import Status

    return _offer([(status.value, None) for status in Status if status.value.startswith(incomplete.lower())])


@click.command("completion")
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
