"""Listing commands: list, by-lead, overdue, due, show, leads, tasks and the status dashboard.

Each parses its options, asks sendplan.query (or sendplan.summary) for rows as of the day and
hands them to `show`, which writes them in the format asked for. A filter value the plan does
not have (a lead code, a task number) is a usage error naming the ones it does have, never an
empty answer that looks like good news.
"""

from __future__ import annotations

import sys
from datetime import date
from typing import TYPE_CHECKING, Any

import click

from sendplan.cli.filters import lead_codes, lead_filter_option, task_numbers
from sendplan.cli.options import (
    EXIT_PROBLEMS,
    DayParam,
    PeriodParam,
    common_options,
    complete_item_ids,
    complete_lead_codes,
    complete_statuses,
    complete_task_numbers,
    day_or_today,
    resolve_format,
    screen,
    show,
    wrap_option,
)
from sendplan.cli.plans import (
    each_plan_row,
    find_item,
    lead_label,
    open_plans,
    plan_name,
    plan_rows,
    plans_name,
    rows_of,
)

if TYPE_CHECKING:
    from sendplan.outputs.rows import Report
    from sendplan.plan.portfolio import Portfolio
    from sendplan.query import ItemRow


def items_report(
    title: str, rows: list[ItemRow], plans: Portfolio, as_of: date, empty: str, hide: frozenset[str] = frozenset()
) -> Report:
    from sendplan.outputs.rows import Report

    count = f"{len(rows)} item{'s' if len(rows) != 1 else ''}"
    # With several plans open the ID column shows PLAN:ID, and the rows carry `plan`.
    return Report(
        kind="items",
        rows=rows,
        title=f"{title} as of {as_of.isoformat()} · {plans_name(plans)} · {count}",
        empty=empty,
        highlight=lambda row: row.overdue,
        hide=hide,
        row_type=_row_type(plans, "items"),
    )


def _row_type(plans: Portfolio, kind: str) -> type | None:
    """The row type of an empty listing (its TSV header and --fields): the kind's own, or the
    one that carries the plan when several plans are open."""
    if not plans.several:
        return None
    from sendplan.portfolio import PlanItemRow, PlanReturnLine, PlanTaskRow, PortfolioLeadRow

    return {"items": PlanItemRow, "leads": PortfolioLeadRow, "tasks": PlanTaskRow, "returns": PlanReturnLine}.get(kind)


@click.command("list", short_help="List items, filtered by lead, task, status or date.")
@common_options
@wrap_option
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
    plan_path: tuple[str, ...],
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
    from sendplan.query import ItemFilter, select

    wanted_statuses: frozenset[str] = frozenset()
    if statuses:  # the models (and pydantic) only when a status must be read
        from sendplan.plan.codes import parse_status

        try:
            wanted_statuses = frozenset(parse_status(status).value for status in statuses)
        except ValueError as error:
            raise click.BadParameter(str(error), param_hint="'--status'") from None
    day = day_or_today(as_of)
    plans = open_plans(plan_path)
    flt = ItemFilter(
        leads=lead_codes(plans, leads),
        tasks=task_numbers(plans, tasks),
        statuses=wanted_statuses,
        due_before=due_before,
        due_after=due_after,
        overdue_only=overdue_only,
    )
    chosen = select(plan_rows(plans, day), flt)
    show(items_report("Items", chosen, plans, day, "No items match."), output_format)


@click.command("by-lead")
@click.argument("code", shell_complete=complete_lead_codes)
@common_options
@wrap_option
def by_lead_command(code: str, plan_path: tuple[str, ...], as_of: date | None, output_format: str | None) -> None:
    """List the items one lead owns (CODE is case-insensitive).

    \b
    Example:
      sendplan by-lead AG
    """
    from sendplan.query import ItemFilter, select

    day = day_or_today(as_of)
    plans = open_plans(plan_path)
    (wanted,) = lead_codes(plans, (code,), hint="CODE")
    chosen = select(plan_rows(plans, day), ItemFilter(leads=frozenset([wanted])))
    who = lead_label(plans, wanted)  # with each plan's name for them, where the plans differ
    # The title names the lead, so the table leaves out a column that would repeat it.
    report = items_report(f"Items led by {who}", chosen, plans, day, f"{who} owns no items.", frozenset({"lead"}))
    show(report, output_format)


@click.command("overdue")
@common_options
@wrap_option
@lead_filter_option
@click.option("--exit-status", is_flag=True, help="Exit 1 when anything is overdue (for cron and CI).")
def overdue_command(
    plan_path: tuple[str, ...], as_of: date | None, output_format: str | None, leads: tuple[str, ...], exit_status: bool
) -> None:
    """List items past due and not finished, most overdue first.

    An item is overdue from the day after it falls due; "Mar 2022" falls due on 31 March 2022.

    \b
    Example:
      sendplan overdue --as-of 2022-06-01
      sendplan overdue --lead AG
    """
    from sendplan.query import ItemFilter, matching, overdue

    day = day_or_today(as_of)
    plans = open_plans(plan_path)
    wanted = lead_codes(plans, leads)
    late = overdue(matching(each_plan_row(plans, day), ItemFilter(leads=wanted)))
    title = "Overdue" + (f" for {', '.join(sorted(wanted))}" if wanted else "")
    show(items_report(title, late, plans, day, f"Nothing is overdue as of {day.isoformat()}."), output_format)
    if exit_status and late:
        sys.exit(EXIT_PROBLEMS)


@click.command("due", short_help="List unfinished items falling due soon, soonest first.")
@common_options
@wrap_option
@lead_filter_option
@click.option("--within", type=PeriodParam(), default="30d", show_default=True, help='A period: "30d", "6w", "3m".')
def due_command(
    plan_path: tuple[str, ...],
    as_of: date | None,
    output_format: str | None,
    leads: tuple[str, ...],
    within: tuple[int, str],
) -> None:
    """List unfinished items that fall due in the coming period, soonest first.

    \b
    Example:
      sendplan due --within 3m --as-of 2022-01-01
    """
    from sendplan.plan.dates import period_end
    from sendplan.query import ItemFilter, due_within, matching

    day = day_or_today(as_of)
    end = period_end(day, within)
    plans = open_plans(plan_path)
    wanted = lead_codes(plans, leads)
    coming = due_within(matching(each_plan_row(plans, day), ItemFilter(leads=wanted)), day, end)
    title = f"Due by {end.isoformat()}" + (f" for {', '.join(sorted(wanted))}" if wanted else "")
    show(items_report(title, coming, plans, day, f"Nothing falls due from {day} to {end}."), output_format)


@click.command("show", short_help="One item in full: criteria, deadline, rating, updates.")
@click.argument("item_id", metavar="ID", shell_complete=complete_item_ids)
@common_options
def show_command(item_id: str, plan_path: tuple[str, ...], as_of: date | None, output_format: str | None) -> None:
    """One item in full: every criterion, the deadline, why it has its rating, every update.

    On a terminal the item is laid out field by field. Piped, or with -o, it is the same
    record as `sendplan list` gives; with --json that record goes on with the rest of what
    the item's page shows (updates, evidence, the exception note, whether the rating is set
    by hand). With several plans open, ID may be PLAN:ID
    (needed when more than one plan has the id).

    \b
    Example:
      sendplan show 4.7 --as-of 2022-06-01
    """
    from sendplan.outputs.registry import OutputFormat
    from sendplan.portfolio import item_ref, rows_of_member

    day = day_or_today(as_of)
    plans = open_plans(plan_path)
    member, wanted = find_item(plans, item_id)
    loaded = member.loaded
    row = next(row for row in rows_of_member(member, day, plans.several) if row.id == wanted)
    title = f"Item {item_ref(row)} as of {day.isoformat()} · {plan_name(loaded)}"
    ctx = click.get_current_context()
    plain = "sendplan.output" not in ctx.meta and "sendplan.fields" not in ctx.meta
    fmt = resolve_format(output_format)
    path = loaded.item_path(row.id)
    assert path is not None  # the row came from this plan
    _, t, _, d, _, i = path
    item = loaded.plan.tasks[t].deliverables[d].items[i]
    if plain and fmt is OutputFormat.TABLE:
        from sendplan.outputs.detail import item_fields, render_item

        with screen() as out:
            render_item(title, item_fields(row, item, loaded.plan.leads.get(row.lead or "")), out)
        return
    report = items_report(f"Item {item_ref(row)}", [row], plans, day, "")
    if fmt in (OutputFormat.JSON, OutputFormat.JSONL) and "sendplan.fields" not in ctx.meta:
        # JSON carries everything the item's page shows; the other formats keep the listing's columns.
        from sendplan.outputs.detail import item_record
        from sendplan.outputs.rows import record

        report.rows = [item_record(record(row), item)]
    show(report, output_format)


@click.command("leads", short_help="One row per lead: items, done, overdue, next deadline.")
@common_options
def leads_command(plan_path: tuple[str, ...], as_of: date | None, output_format: str | None) -> None:
    """One row per lead: items, finished, overdue and the next deadline.

    \b
    Example:
      sendplan leads --as-of 2022-04-01
    """
    from sendplan.outputs.rows import Report
    from sendplan.query import lead_summaries

    day = day_or_today(as_of)
    plans = open_plans(plan_path)
    title = f"Leads as of {day.isoformat()} · {plans_name(plans)}"
    if plans.several:
        from sendplan.cli.messages import tell_problems
        from sendplan.plan.portfolio import lead_name_problems
        from sendplan.portfolio import lead_summaries_across

        across = lead_summaries_across(plans, plan_rows(plans, day), day)
        notes = ["Next = the next item due, as PLAN:ID. A name differing between plans is shown with each."]
        show(Report("portfolio_leads", across, title, notes=notes, row_type=_row_type(plans, "leads")), output_format)
        tell_problems(lead_name_problems(plans))  # after the table, where a reader's eye ends
        return
    summary = lead_summaries(plans.only.flat, plan_rows(plans, day), day)
    show(Report("leads", summary, title), output_format)


@click.command("tasks", short_help="One row per task: items, done, overdue, next deadline.")
@common_options
def tasks_command(plan_path: tuple[str, ...], as_of: date | None, output_format: str | None) -> None:
    """One row per task: items, finished, overdue and the next deadline.

    \b
    Example:
      sendplan tasks --as-of 2022-04-01
    """
    from sendplan.outputs.rows import Report
    from sendplan.query import task_summaries

    day = day_or_today(as_of)
    plans = open_plans(plan_path)
    title = f"Tasks as of {day.isoformat()} · {plans_name(plans)}"
    if plans.several:
        from sendplan.portfolio import task_summaries_across

        across = task_summaries_across(rows_of(plans, day), day)
        show(Report("plan_tasks", across, title, row_type=_row_type(plans, "tasks"), section=_plan_of), output_format)
        return
    summary = task_summaries(plans.only.flat, plan_rows(plans, day), day)
    show(Report("tasks", summary, title), output_format)


def _plan_of(row: Any) -> str:
    return str(row.plan)


@click.command("status", short_help="The dashboard: items by status and RAG, per task and lead.")
@common_options
@click.option("--within", type=PeriodParam(), default="30d", show_default=True,
              help='"Soon" means falling due within this period: "30d", "6w", "3m".')


@click.option("--amber-days", type=click.IntRange(min=0), default=30, show_default=True,
              help="A not-started item due within this many days is amber.")
@click.option("--returns-since", type=DayParam("start"), metavar="DATE",
              help="Instead: which leads with open items have sent a progress note since DATE (the update round).")
def status_command(
    plan_path: tuple[str, ...],
    as_of: date | None,
    output_format: str | None,
    within: tuple[int, str],
    amber_days: int,
    returns_since: date | None,
) -> None:
    """The dashboard: per task and per lead, items by status and RAG, overdue, due soon, % complete.

    With --returns-since DATE, the update round instead: per lead with open items, the day of
    their latest progress note since DATE, or that they still owe a return.

    \b
    Examples:
      sendplan status --as-of 2022-06-01
      sendplan status --returns-since 2021-12-01
    """
    from sendplan.outputs.rows import Report
    from sendplan.plan.dates import period_end
    from sendplan.query import RAG_LEGEND
    from sendplan.summary import status_rows

    day = day_or_today(as_of)
    end = period_end(day, within)
    plans = open_plans(plan_path)
    if returns_since is not None:
        _returns(plans, day, returns_since, output_format)
        return
    per_member = rows_of(plans, day, amber_window=amber_days)
    if plans.several:  # a line per plan, per lead code across them, then all of them
        from sendplan.portfolio import status_across

        lines = status_across(per_member, plans, day, end)
    else:
        lines = status_rows(plans.only.flat, per_member[0][1], day, end)
    report = Report(
        "portfolio_status" if plans.several else "status",
        lines,
        f"Status as of {day.isoformat()} · {plans_name(plans)}",
        notes=[
            (
                "B, G, A, R, Grey = items rated blue, green, amber, red, grey. Complete = complete items out of those "
                f"not dropped. Late = overdue. Soon = due by {end.isoformat()}."
            ),
            RAG_LEGEND.format(window=amber_days),
        ],
        section=lambda line: line.group,
    )
    show(report, output_format)


def _returns(plans: Portfolio, day: date, since: date, output_format: str | None) -> None:
    """status --returns-since: who has sent a progress note since *since*, plan by plan."""
    from sendplan.outputs.rows import Report
    from sendplan.summary import returns_sentence, returns_since

    title = f"Returns since {since.isoformat()} as of {day.isoformat()} · {plans_name(plans)}"
    if plans.several:
        from sendplan.portfolio import returns_across

        back: list[Any] = returns_across(rows_of(plans, day), since, day)
        notes = [f"{plan}: {returns_sentence([line for line in back if line.plan == plan], since)}" for plan in plans.names]
    else:
        back = returns_since(plans.only.plan, plan_rows(plans, day), since, day)
        notes = [returns_sentence(back, since)]
    report = Report(
        "plan_returns" if plans.several else "returns",
        back,
        title,
        empty="No lead has an open item.",
        notes=[*notes, "Returned = the day of the lead's latest progress note."],
        row_type=_row_type(plans, "returns"),
        section=_plan_of if plans.several else None,
    )
    show(report, output_format)
