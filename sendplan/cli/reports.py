"""Report and file commands: the board report, the timeline and the calendar.

Each gathers rows as of the day and hands them to a writer in sendplan/outputs (Markdown or
HTML, the terminal timeline, iCalendar).
"""

from __future__ import annotations

import os
from datetime import date
from typing import TYPE_CHECKING

import click

from sendplan.cli.filters import lead_codes, lead_filter_option
from sendplan.cli.options import (
    DayParam,
    PeriodParam,
    as_of_option,
    day_or_today,
    no_pager_option,
    plan_option,
    screen,
    to_terminal,
    write_bytes,
    write_output,
)
from sendplan.cli.plans import open_plans, plan_rows, plans_name, rows_of
from sendplan.outputs.registry import REPORT_EXTENSIONS, REPORT_FORMATS, ReportFormat

if TYPE_CHECKING:
    from sendplan.plan.portfolio import Portfolio


@click.command("report", short_help="The monthly highlight report for a board or Schools Forum.")
@plan_option
@as_of_option
@no_pager_option
@click.option("--since", type=DayParam("start"), help="Show progress from this day on. Default: a month before --as-of.")
@click.option("--ahead", type=PeriodParam(), default="1m", show_default=True, help='Look-ahead period: "1m", "6w", "30d".')
@click.option(
    "--format", "report_format", type=click.Choice([fmt.value for fmt in ReportFormat]),
    help="Default: from -o's extension, else markdown.",
)
@click.option("-o", "--output", metavar="FILE", help="Write to FILE (.md, .html or .docx) instead of the screen.")
@click.option("--author", metavar="NAME", help="Who the report is from, for its header.")
@click.option("--audience", metavar="TEXT", help='Who it is for, e.g. "Improvement board".')
def report_command(
    plan_path: tuple[str, ...],
    as_of: date | None,
    since: date | None,
    ahead: tuple[int, str],
    report_format: str | None,
    output: str | None,
    author: str | None,
    audience: str | None,
) -> None:
    """The monthly highlight report for a board or Schools Forum: Markdown, HTML or Word.

    Sections: headline figures, RAG by task, a chart of deadlines (HTML, Word), exceptions
    (every red or overdue item), revised deadlines, progress since --since, look-ahead by
    lead, dependencies, legend, glossary and a plan health appendix. As of a day past, an
    item completed after that day counts as in progress. The HTML is one file with no
    scripts; it and the Word document print on A4 with page numbers. On several plans
    (--plan FOLDER): a summary with a row per plan, then each plan's exceptions.

    \b
    Example:
      sendplan report --as-of 2021-12-01 --since 2021-11-01 -o board.html
      sendplan report --as-of 2021-12-01 -o board.docx
    """
    from sendplan.outputs.registry import writer_of
    from sendplan.report import board_report

    to_file = bool(output) and output != "-"
    fmt = REPORT_FORMATS[report_format] if report_format else None
    if fmt is None and output and to_file:
        fmt = REPORT_EXTENSIONS.get(os.path.splitext(output)[1].lower())
        if fmt is None:
            raise click.BadParameter(
                f'cannot tell the format from the name "{output}". End it with .md, .html or .docx, or give --format.',
                param_hint="'-o' / '--output'",
            )
    fmt = fmt or ReportFormat.MARKDOWN
    if fmt.binary and not to_file and to_terminal():
        raise click.UsageError(f"{fmt.value} is a file, not text for the screen: add -o FILE.{fmt.value}.")
    day = day_or_today(as_of)
    plans = open_plans(plan_path)
    if plans.several:
        _portfolio_report(plans, day, fmt, output, since=since, ahead=ahead, author=author, audience=audience)
        return
    loaded = plans.only.with_records()  # first: the rows are then made from them, sharing their text
    board = board_report(
        loaded, plan_rows(plans, day), day, since=since, ahead=ahead, author=author, audience=audience
    )
    content = writer_of(fmt)(board)
    detail = ""
    if to_file:
        from sendplan.outputs.board import written

        detail = written(board, len(content.encode() if isinstance(content, str) else content))
    if isinstance(content, bytes):
        write_bytes(output, content, detail)
    else:
        write_output(output, content, detail)


@click.command("timeline", short_help="Deadlines month by month: a row per task, a column a month.")
@plan_option
@as_of_option
@no_pager_option
@lead_filter_option
@click.option("--width", type=click.IntRange(40), help="Columns to fit. Default: the terminal's width, or 80.")
@click.option(
    "--format", "timeline_format", type=click.Choice(["table", "json"]), default="table", show_default=True,
    help="json: one record per task and month with items due.",
)
@click.option("-o", "--output", metavar="FILE", help="Write to FILE (e.g. timeline.txt) instead of the screen.")
def timeline_command(
    plan_path: tuple[str, ...],
    as_of: date | None,
    leads: tuple[str, ...],
    width: int | None,
    timeline_format: str,
    output: str | None,
) -> None:
    """Deadlines month by month: a row per task, a column per month, overdue marked.

    Each cell counts the items due that month; "!" means some are overdue and "✓" that all
    are finished. Long plans wrap into bands of months. On several plans, a row per plan.

    \b
    Example:
      sendplan timeline --as-of 2021-12-01
    """
    import shutil

    from sendplan.query import ItemFilter, select
    from sendplan.timeline import grid, records

    day = day_or_today(as_of)
    plans = open_plans(plan_path)
    wanted = lead_codes(plans, leads)
    per_member = rows_of(plans, day)
    chosen = select([row for _, found in per_member for row in found], ItemFilter(leads=wanted))
    to_file = output is not None and output != "-"
    terminal = not to_file and to_terminal()
    columns = width or (shutil.get_terminal_size((80, 24)).columns if terminal else 80)
    if plans.several:  # a row per plan
        from sendplan.portfolio import plan_grid, plan_records

        the_grid = plan_grid(per_member, chosen, day)
        cells = plan_records
    else:
        # With --lead, only the tasks where that lead has items.
        used = {row.task for row in chosen}
        lanes = [(number, title) for number, title in plans.only.flat.tasks if not wanted or number in used]
        the_grid = grid(lanes, chosen, day)
        cells = records
    who = f" · {', '.join(sorted(wanted))}" if wanted else ""
    title = f"Deadlines by month as of {day.isoformat()} · {plans_name(plans)}{who}"
    months = f"{len(the_grid.months)} month{'' if len(the_grid.months) == 1 else 's'}"
    if timeline_format == "json":
        from sendplan.outputs.json import to_json

        write_output(output, to_json(cells(the_grid)) + "\n", months)
        return
    from sendplan.outputs.timeline import write_timeline

    if to_file:
        import io

        text = io.StringIO()
        write_timeline(the_grid, title, columns, terminal=False, out=text)
        write_output(output, text.getvalue(), months)
        return
    with screen() as out:
        write_timeline(the_grid, title, columns, terminal=terminal, out=out)


@click.command("ics", short_help="Dated items as calendar events (iCalendar), for Outlook.")
@plan_option
@as_of_option
@lead_filter_option
@click.option("-o", "--output", metavar="FILE", help="Write to FILE (e.g. deadlines.ics) instead of the screen.")
def ics_command(plan_path: tuple[str, ...], as_of: date | None, leads: tuple[str, ...], output: str | None) -> None:
    """Every dated item as an all-day calendar event (iCalendar), for Outlook or Google.

    Events keep the same UID from one export to the next, so importing again updates them;
    yearly items repeat every year. --as-of sets the time stamp, so the file is reproducible.

    \b
    Example:
      sendplan ics --lead AG -o ag-deadlines.ics
    """
    from sendplan.cli.plans import plan_title
    from sendplan.outputs.ics import plans_calendar
    from sendplan.query import ItemFilter, select

    day = day_or_today(as_of)
    plans = open_plans(plan_path)
    wanted = lead_codes(plans, leads)
    flt = ItemFilter(leads=wanted)
    # Each event says its plan (PLAN:ID, a category) when several plans are open.
    parts = [
        (member.name if plans.several else None, member.loaded.plan, select(found, flt))
        for member, found in rows_of(plans, day)
    ]
    name = (plans_name(plans) if plans.several else plan_title(plans.only)) + (
        f" · {', '.join(sorted(wanted))}" if wanted else ""
    )
    data = plans_calendar(parts, day, name)
    if output is None or output == "-":
        click.echo(data, nl=False)  # bytes go to the binary stream: the CRLF line ends stay
    else:
        events = data.count(b"BEGIN:VEVENT")
        write_output(output, data.decode("utf-8"), f"{events} event{'' if events == 1 else 's'}")


def _portfolio_report(
    plans: Portfolio,
    day: date,
    fmt: ReportFormat,
    output: str | None,
    *,
    since: date | None,
    ahead: tuple[int, str],
    author: str | None,
    audience: str | None,
) -> None:
    """The report on several plans: the summary by plan, then each plan's exceptions."""
    from sendplan.outputs.portfolio import written
    from sendplan.outputs.registry import portfolio_writer_of
    from sendplan.portfolio_report import portfolio_report

    if since is not None:
        raise click.BadParameter(
            "the report on several plans has no progress section, so it takes no --since. "
            "Leave it out, or name one plan.",
            param_hint="'--since'",
        )
    report = portfolio_report(rows_of(plans, day), day, ahead=ahead, author=author, audience=audience)
    content = portfolio_writer_of(fmt)(report)
    detail = written(report, len(content.encode() if isinstance(content, str) else content)) if output else ""
    if isinstance(content, bytes):
        write_bytes(output, content, detail)
    else:
        write_output(output, content, detail)
