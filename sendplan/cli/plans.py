"""Which plans a command reads, and what several plans open at once change on the command line.

--plan may be given more than once and may name a folder ($SENDPLAN_PLAN too, several paths
separated by os.pathsep, ":" on Linux and macOS, ";" on Windows); sendplan/plan/portfolio.py
says which files a folder holds. A command that reads one plan (diff, glossary, request…)
refuses several with a usage error; one that edits takes PLAN:ID. Notes about files left out of
a folder go to stderr here; nothing else prints.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import TYPE_CHECKING, Any

import click

if TYPE_CHECKING:
    from sendplan.plan.load import LoadedPlan
    from sendplan.plan.portfolio import Member, Portfolio
    from sendplan.query import ItemRow


def plan_paths(plan_path: tuple[str, ...]) -> list[str]:
    """The --plan values, or the one plan chosen when none is given (./plan.yaml, the nearest one
    up the git repository, else the bundled example)."""
    from sendplan.plan.source import choose_plan

    return list(plan_path) if plan_path else [choose_plan(None)]


def tell_notes(portfolio: Portfolio) -> None:
    if portfolio.notes:
        from sendplan.cli.messages import tell_problems

        tell_problems(portfolio.notes)


def open_plans(plan_path: tuple[str, ...]) -> Portfolio:
    """Every plan --plan names (one, or several), each read as one plan is; a broken one stops
    the command with its own FILE:LINE:COL (a PlanError)."""
    from sendplan.cli.inputs import reads
    from sendplan.cli.messages import announce_example
    from sendplan.plan.portfolio import open_portfolio

    portfolio = open_portfolio(plan_paths(plan_path))
    tell_notes(portfolio)
    for member in portfolio.members:
        reads(member.loaded.source)  # noted, so -o may not name it
        announce_example(member.loaded)  # says so when it is the bundled example
    return portfolio


def refuse_several(plan_path: tuple[str, ...], command: str) -> str:
    """The one plan file a one-plan command reads, or a usage error if --plan names several."""
    from sendplan.plan.portfolio import is_folder, is_portfolio

    paths = plan_paths(plan_path)
    if is_portfolio(paths):
        what = "a folder" if any(is_folder(path) for path in paths) else f"{len(paths)} plans"
        raise click.BadParameter(
            f"`sendplan {command}` works on one plan, and this names {what}. Name one plan file.",
            param_hint="'--plan'",
        )
    return paths[0]


def command_name() -> str:
    ctx = click.get_current_context()
    return ctx.info_name or ctx.command.name or "sendplan"


def rows_of(portfolio: Portfolio, as_of: date, amber_window: int | None = None) -> list[tuple[Member, list[ItemRow]]]:
    """Each open plan with its rows as of *as_of*, carrying their plan when several are open."""
    from sendplan.query import AMBER_WINDOW_DAYS

    window = AMBER_WINDOW_DAYS if amber_window is None else amber_window
    if not portfolio.several:  # one plan: its own rows, without importing what several need
        from sendplan.query import rows

        member = portfolio.members[0]
        return [(member, rows(member.loaded.flat, as_of, amber_window=window))]
    from sendplan.portfolio import member_rows

    return member_rows(portfolio, as_of, amber_window=window)


def each_plan_row(portfolio: Portfolio, as_of: date) -> Iterable[ItemRow]:
    """plan_rows(); for one plan, a row at a time, so a filter keeps only the rows it wants alive
    (at 100,000 items, the rows of a whole plan are 30 MB)."""
    if not portfolio.several:
        from sendplan.query import each_row

        return each_row(portfolio.only.flat, as_of)
    return plan_rows(portfolio, as_of)


def plan_rows(portfolio: Portfolio, as_of: date) -> list[ItemRow]:
    """Every open plan's rows as of *as_of*, carrying their plan when several are open."""
    per_member = rows_of(portfolio, as_of)
    return per_member[0][1] if len(per_member) == 1 else [row for _, found in per_member for row in found]


EXAMPLE_MARK = " (bundled example)"


def plan_name(loaded: LoadedPlan) -> str:
    """The plan's title, for a heading; marked when it is the bundled example."""
    from sendplan.plan.source import is_bundled

    return str(loaded.flat.title) + (EXAMPLE_MARK if is_bundled(loaded.source) else "")


def plan_title(loaded: LoadedPlan) -> str:
    """The plan's title alone, for data (a calendar's name) rather than a heading."""
    return str(loaded.flat.title)


def plans_name(portfolio: Portfolio) -> str:
    """What a title calls the plans: the one plan's title, or "3 plans"."""
    if not portfolio.several:
        return plan_name(portfolio.only)
    count = len(portfolio.members)
    return f"{count} plan{'s' if count != 1 else ''}"


def lead_label(portfolio: Portfolio, code: str) -> str:
    """ "AG (Anthony Giles)", with each plan's name when they differ; the code alone if no plan names it."""
    if not portfolio.several:
        lead = portfolio.only.flat.leads.get(code)
        return f"{code} ({lead[0]})" if lead else code
    from sendplan.portfolio import lead_names, names_text

    names = names_text(lead_names(portfolio, code))
    return f"{code} ({names})" if names else code


def find_item(portfolio: Portfolio, text: str) -> tuple[Member, str]:
    """The plan and id of the item *text* names (PLAN:ID, or an id one open plan has), or a
    usage error saying which plans have it."""
    from sendplan.outputs.text import visible
    from sendplan.plan.edit import unknown_item_message
    from sendplan.plan.portfolio import ItemRefError
    from sendplan.plan.portfolio import find_item as find

    try:
        return find(portfolio, text, unknown_item_message)
    except ItemRefError as error:  # file names in it are shown, never sent to the terminal
        raise click.BadParameter(visible(str(error)), param_hint="ID") from None


def edit_target(plan_path: tuple[str, ...], text: str) -> tuple[str, str]:
    """(plan file, item id) for an edit of the item *text* names: PLAN:ID, or an id that one
    open plan has. A plan is found by its short name without reading any plan; only an id
    without one, with several plans open, reads them all to find which plan has it. Whether
    the id is in the plan is the edit's to check."""
    from sendplan.plan.portfolio import is_portfolio, plan_files, short_names, split_ref
    from sendplan.plan.source import STDIN

    paths = plan_paths(plan_path)
    if STDIN in paths:
        raise click.BadParameter(
            "a plan read from standard input cannot be updated; name the plan file, e.g. --plan plan.yaml.",
            param_hint="--plan",
        )
    plan, item_id = split_ref(text)
    if plan is None and not is_portfolio(paths):
        return paths[0], item_id
    if plan is None:
        member, item_id = find_item(open_plans(plan_path), text)
        return member.loaded.source, item_id
    files = [file.path for file in plan_files(paths)]
    names = short_names(files)
    for path, name in zip(files, names, strict=True):
        if name.casefold() == plan.casefold():
            return path, item_id
    from sendplan.outputs.text import visible

    raise click.BadParameter(
        visible(f'no open plan is called "{plan}". The plans are: {", ".join(names)}.'), param_hint="ID"
    )


# ---------------------------------------------------------------------------------------
# Shell completion: what --plan (or $SENDPLAN_PLAN, ./plan.yaml, the bundled plan) holds


def completion_plans(ctx: click.Context) -> Portfolio | None:
    """The plans the command being completed would read, or None if any is unusable."""
    try:
        from sendplan.plan.portfolio import open_portfolio
        from sendplan.plan.source import STDIN

        chosen: tuple[str, ...] = ()
        node: click.Context | None = ctx
        while node is not None and not chosen:
            chosen = tuple(node.params.get("plan_path") or ())
            node = node.parent
        paths = plan_paths(chosen)
        if STDIN in paths:  # completing must never wait on standard input
            return None
        return open_portfolio(paths)
    except Exception:  # noqa: BLE001 - any broken or missing plan: offer nothing, never a traceback
        return None


def offered_lead_codes(plans: Portfolio, incomplete: str) -> list[tuple[str, str | None]]:
    from sendplan.plan.codes import normalise_lead_code
    from sendplan.portfolio import lead_codes, lead_names, names_text

    prefix = normalise_lead_code(incomplete)
    return [(code, names_text(lead_names(plans, code))) for code in lead_codes(plans) if code.startswith(prefix)]


def offered_item_ids(plans: Portfolio, incomplete: str) -> list[tuple[str, Any]]:
    from sendplan.plan.portfolio import ref

    wanted = incomplete.lower()
    offered = [
        (ref(member.name, item.id) if plans.several else item.id, item.action)
        for member in plans.members
        for _, _, item in member.loaded.plan.iter_items()
    ]
    return [(value, action) for value, action in offered if value.lower().startswith(wanted)]


def offered_task_numbers(plans: Portfolio, incomplete: str) -> list[tuple[str, Any]]:
    titles: dict[int, str] = {}
    for member in plans.members:
        for task in member.loaded.plan.tasks:
            titles.setdefault(task.number, task.title)
    return [(str(number), title) for number, title in titles.items() if str(number).startswith(incomplete)]
