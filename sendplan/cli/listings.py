"""Listing commands: list, by-lead, overdue, due, leads, tasks and the status dashboard.

Each parses its options, asks sendplan.query (or sendplan.summary) for rows as of the day and
hands them to `show`, which writes them in the format asked for.
"""

from __future__ import annotations

import sys
from datetime import date
from typing import TYPE_CHECKING

import click

from sendplan.cli.options import (
    EXIT_PROBLEMS,
    DayParam,
    PeriodParam,
    common_options,
    complete_lead_codes,
    complete_statuses,
    complete_task_numbers,
    day_or_today,
    item_rows,
    lead_filter_option,
    load,
    plan_name,
    show,
)

if TYPE_CHECKING:
    from sendplan.outputs.rows import Report
    from sendplan.plan.load import LoadedPlan
    from sendplan.query import ItemRow


def items_report(title: str, rows: list[ItemRow], loaded: LoadedPlan, as_of: date, empty: str) -> Report:
    from sendplan.outputs.rows import Report
    from sendplan.query import AMBER_WINDOW_DAYS, RAG_LEGEND

    count = f"{len(rows)} item{'s' if len(rows) != 1 else ''}"
    return Report(
        kind="items",
        rows=rows,
        title=f"{title} as of {as_of.isoformat()} · {plan_name(loaded)} · {count}",
        empty=empty,
        notes=["Late = days overdue. ↻ = recurs yearly.", RAG_LEGEND.format(window=AMBER_WINDOW_DAYS)],
        highlight=lambda row: row.overdue,
    )


@click.command("list")
@common_options
@lead_filter_option
@click.option(
    "--task", "tasks", type=int, metavar="N", multiple=True, shell_complete=complete_task_numbers,
    help="Only task N (repeatable).",
)  # fmt: skip


@click.option(
    "--status", "statuses", metavar="STATUS", multiple=True, shell_complete=complete_statuses,
    help="Only items with this status (repeatable).",
)  # fmt: skip


@click.option("--due-before", type=DayParam("end"), help='Due on or before (inclusive): "Sep 2022" means by 30 Sep 2022.')
@click.option("--due-after", type=DayParam("start"), help='Due on or after (inclusive): "Sep 2022" means from 1 Sep 2022.')
@click.option("--overdue", "overdue_only", is_flag=True, help="Only overdue items.")
def list_command(
    plan_path: str | None,
    as_of: date | None,
    output_format: str | None,
    leads: tuple[str, ...],
    tasks: tuple[int, ...],
    statuses: tuple[str, ...],
    due_before: date | None,
    due_after: date | None,
    overdue_only: bool,
) -> None:
    """List items, optionally filtered.

    \b
    Example:
      sendplan list --due-before "Dec 2021" --as-of 2021-11-01
    """
    from sendplan.plan.codes import normalise_lead_code
    from sendplan.query import ItemFilter, select

    wanted_statuses: frozenset[str] = frozenset()
    if statuses:  # the models (and pydantic) only when a status must be read
        from sendplan.plan.codes import parse_status

        try:
            wanted_statuses = frozenset(parse_status(status).value for status in statuses)
        except ValueError as error:
            raise click.BadParameter(str(error), param_hint="--status") from None
    day = day_or_today(as_of)
    loaded = load(plan_path)
    flt = ItemFilter(
        leads=frozenset(normalise_lead_code(lead) for lead in leads),
        tasks=frozenset(tasks),
        statuses=wanted_statuses,
        due_before=due_before,
        due_after=due_after,
        overdue_only=overdue_only,
    )
    chosen = select(item_rows(loaded, day), flt)
    show(items_report("Items", chosen, loaded, day, "No items match."), output_format)


@click.command("by-lead")
@click.argument("code", shell_complete=complete_lead_codes)
@common_options
def by_lead_command(code: str, plan_path: str | None, as_of: date | None, output_format: str | None) -> None:
    """List the items one lead owns (CODE is case-insensitive).

    \b
    Example:
      sendplan by-lead AG
    """
    from sendplan.outputs.text import visible
    from sendplan.plan.codes import normalise_lead_code
    from sendplan.query import ItemFilter, known_leads, select

    day = day_or_today(as_of)
    loaded = load(plan_path)
    wanted = normalise_lead_code(code)
    codes = known_leads(loaded.plan)
    if wanted not in codes:
        raise click.BadParameter(
            f'"{visible(code)}" is not a lead in this plan. Known leads: {", ".join(codes)}.', param_hint="CODE"
        )
    chosen = select(item_rows(loaded, day), ItemFilter(leads=frozenset([wanted])))
    lead = loaded.plan.leads.get(wanted)
    who = f"{wanted} ({lead.name})" if lead else wanted
    show(items_report(f"Items led by {who}", chosen, loaded, day, f"{who} owns no items."), output_format)


@click.command("overdue")
@common_options
@click.option("--exit-status", is_flag=True, help="Exit 1 when anything is overdue (for cron and CI).")
def overdue_command(plan_path: str | None, as_of: date | None, output_format: str | None, exit_status: bool) -> None:
    """List items past due and not finished, most overdue first.

    An item is overdue from the day after it falls due; "Mar 2022" falls due on 31 March 2022.

    \b
    Example:
      sendplan overdue --as-of 2022-06-01
    """
    from sendplan.query import overdue

    day = day_or_today(as_of)
    loaded = load(plan_path)
    late = overdue(item_rows(loaded, day))
    show(items_report("Overdue", late, loaded, day, f"Nothing is overdue as of {day.isoformat()}."), output_format)
    if exit_status and late:
        sys.exit(EXIT_PROBLEMS)


@click.command("due")
@common_options
@click.option("--within", type=PeriodParam(), default="30d", show_default=True, help='A period: "30d", "6w", "3m".')
def due_command(plan_path: str | None, as_of: date | None, output_format: str | None, within: tuple[int, str]) -> None:
    """List unfinished items that fall due in the coming period, soonest first.

    \b
    Example:
      sendplan due --within 3m --as-of 2022-01-01
    """
    from sendplan.plan.dates import period_end
    from sendplan.query import due_within

    day = day_or_today(as_of)
    end = period_end(day, within)
    loaded = load(plan_path)
    coming = due_within(item_rows(loaded, day), day, end)
    title = f"Due by {end.isoformat()}"
    show(items_report(title, coming, loaded, day, f"Nothing falls due from {day} to {end}."), output_format)


@click.command("leads")
@common_options
def leads_command(plan_path: str | None, as_of: date | None, output_format: str | None) -> None:
    """One row per lead: items, finished, overdue and the next deadline.

    \b
    Example:
      sendplan leads --as-of 2022-04-01
    """
    from sendplan.outputs.rows import Report
    from sendplan.query import lead_summaries

    day = day_or_today(as_of)
    loaded = load(plan_path)
    summary = lead_summaries(loaded.plan, item_rows(loaded, day), day)
    show(Report("leads", summary, f"Leads as of {day.isoformat()} · {plan_name(loaded)}"), output_format)


@click.command("tasks")
@common_options
def tasks_command(plan_path: str | None, as_of: date | None, output_format: str | None) -> None:
    """One row per task: items, finished, overdue and the next deadline.

    \b
    Example:
      sendplan tasks --as-of 2022-04-01
    """
    from sendplan.outputs.rows import Report
    from sendplan.query import task_summaries

    day = day_or_today(as_of)
    loaded = load(plan_path)
    summary = task_summaries(loaded.plan, item_rows(loaded, day), day)
    show(Report("tasks", summary, f"Tasks as of {day.isoformat()} · {plan_name(loaded)}"), output_format)


@click.command("status")
@common_options
@click.option("--within", type=PeriodParam(), default="30d", show_default=True,
              help='"Soon" means falling due within this period: "30d", "6w", "3m".')


@click.option("--amber-days", type=click.IntRange(min=0), default=30, show_default=True,
              help="A not-started item due within this many days is amber.")


def status_command(
    plan_path: str | None, as_of: date | None, output_format: str | None, within: tuple[int, str], amber_days: int
) -> None:
    """The dashboard: per task and per lead, items by status and RAG, overdue, due soon, % complete.

    \b
    Example:
      sendplan status --as-of 2022-06-01
    """
    from sendplan.outputs.rows import Report
    from sendplan.plan.dates import period_end
    from sendplan.query import RAG_LEGEND, rows
    from sendplan.summary import status_rows

    day = day_or_today(as_of)
    end = period_end(day, within)
    loaded = load(plan_path)
    lines = status_rows(loaded.plan, rows(loaded.plan, day, amber_window=amber_days), day, end)
    report = Report(
        "status",
        lines,
        f"Status as of {day.isoformat()} · {plan_name(loaded)}",
        notes=[
            (
                "B, G, A, R = items rated blue, green, amber, red. Complete = complete items out of those "
                f"not dropped. Late = overdue. Soon = due by {end.isoformat()}."
            ),
            RAG_LEGEND.format(window=amber_days),
        ],
        section=lambda line: line.group,
    )
    show(report, output_format)
