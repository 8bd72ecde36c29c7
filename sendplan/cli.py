"""The command line: click commands that parse options, call a query and hand rows to render.

This is the one place that reads today's date (to fill in --as-of) and the one place that
turns a PlanError into messages on stderr and exit 1. Heavy modules (pydantic, rich, yaml)
are imported inside the commands, so `sendplan --help` starts fast.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING, Any, TypeVar

import click

from sendplan import __version__
from sendplan.dates import DeadlineError, first_day, parse_day, parse_deadline, parse_period, period_end
from sendplan.errors import PlanError
from sendplan.render import PROBLEM_FORMAT_ALIASES, OutputFormat, ProblemFormat, Report

if TYPE_CHECKING:
    from sendplan.load import LoadedPlan
    from sendplan.query import ItemRow

EXIT_OK = 0
EXIT_PROBLEMS = 1
EXIT_USAGE = 2

F = TypeVar("F", bound=Callable[..., Any])


def today() -> date:
    """The real clock, read only to fill in --as-of. Tests replace this and never reach it."""
    return date.today()


class DayParam(click.ParamType):
    """A day written in any deadline spelling. *bound* says which end of a month it means."""

    name = "DATE"

    def __init__(self, bound: str = "end") -> None:
        self.bound = bound

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> date:
        if isinstance(value, date):
            return value
        try:
            if self.bound == "start":
                return first_day(parse_deadline(value))
            return parse_day(value)
        except DeadlineError as error:
            self.fail(str(error), param, ctx)


class PeriodParam(click.ParamType):
    name = "PERIOD"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> tuple[int, str]:
        if isinstance(value, tuple):
            return value
        try:
            return parse_period(value)
        except DeadlineError as error:
            self.fail(str(error), param, ctx)


class SendplanGroup(click.Group):
    """Turns a PlanError into located messages on stderr and exit 1: the only such place."""

    def invoke(self, ctx: click.Context) -> Any:
        from sendplan.render import format_problem

        try:
            return super().invoke(ctx)
        except PlanError as error:
            for problem in error.problems:
                click.echo(format_problem(problem), err=True)
            ctx.exit(EXIT_PROBLEMS)


def plan_option(function: F) -> F:
    return click.option(
        "--plan",
        "plan_path",
        metavar="FILE",
        envvar="SENDPLAN_PLAN",
        show_envvar=True,
        help="The plan file; '-' reads standard input. Default: ./plan.yaml, else the bundled plan.",
    )(function)


def as_of_option(function: F) -> F:
    return click.option(
        "--as-of",
        "as_of",
        type=DayParam(),
        help='The day to answer as of, in any deadline spelling ("2022-03-01", "Mar 2022"). Default: today.',
    )(function)


def _set_json(ctx: click.Context, param: click.Parameter, value: bool) -> bool:
    if value:
        ctx.meta["sendplan.json"] = True
    return value


def format_options(function: F) -> F:
    function = click.option(
        "--json",
        "as_json",
        is_flag=True,
        expose_value=False,
        callback=_set_json,
        help="Shorthand for --format json.",
    )(function)
    return click.option(
        "--format",
        "output_format",
        type=click.Choice([fmt.value for fmt in OutputFormat]),
        help="Output format. Default: table on a terminal, tsv when piped.",
    )(function)


def common_options(function: F) -> F:
    """--plan, --as-of and --format/--json, which every plan command takes."""
    return plan_option(as_of_option(format_options(function)))


def resolve_format(output_format: str | None) -> OutputFormat:
    ctx = click.get_current_context()
    if ctx.meta.get("sendplan.json"):
        return OutputFormat.JSON
    if output_format:
        return OutputFormat(output_format)
    return OutputFormat.TABLE if sys.stdout.isatty() else OutputFormat.TSV


def load(plan_path: str | None) -> LoadedPlan:
    from sendplan.load import choose_plan, load_plan

    return load_plan(choose_plan(plan_path))


def item_rows(loaded: LoadedPlan, as_of: date) -> list[ItemRow]:
    from sendplan.query import rows

    return rows(loaded.plan, as_of)


def plan_name(loaded: LoadedPlan) -> str:
    return str(loaded.plan.plan.title)


def items_report(title: str, rows: list[ItemRow], loaded: LoadedPlan, as_of: date, empty: str) -> Report:
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


def show(report: Report, output_format: str | None) -> None:
    from sendplan.render import emit

    emit(report, resolve_format(output_format))


def _as_of(as_of: date | None) -> date:
    return as_of if as_of is not None else today()


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


def _check_codes(ctx: click.Context, param: click.Parameter, values: tuple[str, ...]) -> tuple[str, ...]:
    from sendplan.checks import CHECKS, normalise_code, suggest_code

    codes = []
    for value in values:
        code = normalise_code(value)
        if code not in CHECKS:
            raise click.BadParameter(
                f'"{value}" is not a check code.{suggest_code(value)} Checks are {min(CHECKS)} to {max(CHECKS)}.'
            )
        codes.append(code)
    return tuple(codes)


def _warnings(findings: Any) -> str:
    """ "21 warnings (3 more ignored)" or "no warnings"."""
    count = len(findings.shown)
    text = f"{count} warning{'s' if count != 1 else ''}" if count else "no warnings"
    return text + (f" ({len(findings.ignored)} more ignored)" if findings.ignored else "")


@cli.command("validate")
@click.argument("file", required=False, metavar="[FILE]")
@plan_option
@as_of_option
@click.option("--json", "as_json", is_flag=True, expose_value=False, callback=_set_json, help="Shorthand for --format json.")
@click.option(
    "--format",
    "output_format",
    type=click.Choice([*(fmt.value for fmt in ProblemFormat), *PROBLEM_FORMAT_ALIASES]),
    help="text (FILE:LINE:COL lines; table and tsv mean the same), json, github (Actions annotations) "
    "or parsable (as yamllint). Default: text.",
)
@click.option("--strict", is_flag=True, help="Exit 1 on warnings too, not only on errors.")
@click.option(
    "--ignore", "ignore", metavar="CODE", multiple=True, callback=_check_codes,
    help="Silence a check by code (SP104) or name (no-action); repeatable.",
)  # fmt: skip
@click.option("--summary", is_flag=True, help="Count findings per check and per task instead of listing them.")
def validate_command(
    file: str | None,
    plan_path: str | None,
    as_of: date | None,
    output_format: str | None,
    strict: bool,
    ignore: tuple[str, ...],
    summary: bool,
) -> None:
    """Check a plan file: errors stop it being read; warnings are gaps in a readable plan.

    Every finding is reported at once as FILE:LINE:COL with a check code (see the
    README's table of plan health checks). Exits 1 on errors, and on warnings only with
    --strict; otherwise 0. Text goes to stderr; json, github and parsable to stdout.
    Silence a check with --ignore CODE or the plan's "checks: ignore:" list.

    \b
    Examples:
      sendplan validate plan.yaml
      sendplan validate --summary --as-of 2021-11-01
      sendplan validate --strict --ignore SP110 --format github
    """
    from sendplan.checks import run_checks, summarise
    from sendplan.load import choose_plan, load_plan
    from sendplan.render import emit_problems, problem_format, record, to_json

    ctx = click.get_current_context()
    fmt = ProblemFormat.JSON if ctx.meta.get("sendplan.json") else problem_format(output_format or "text")
    if summary and fmt not in (ProblemFormat.TEXT, ProblemFormat.JSON):
        raise click.BadParameter("--summary prints counts, as text or json; leave out --format or use json.", param_hint="--format")
    try:
        loaded = load_plan(choose_plan(file or plan_path))
    except PlanError as error:
        emit_problems(error.problems, fmt)
        sys.exit(EXIT_PROBLEMS)
    findings = run_checks(loaded, _as_of(as_of), ignore)
    if summary:
        by_check, by_task = summarise(loaded, findings, ignore)
        if fmt is ProblemFormat.JSON:
            click.echo(to_json({"checks": record(by_check), "tasks": record(by_task)}))
        else:
            table = OutputFormat.TSV if output_format == "tsv" else OutputFormat.TABLE
            heading = f"{plan_name(loaded)} · {_warnings(findings)}"
            show(Report("checks", by_check, f"Plan health by check · {heading}"), table.value)
            show(Report("task_findings", by_task, f"Plan health by task · {heading}"), table.value)
    else:
        emit_problems(findings.shown, fmt)
        if fmt is ProblemFormat.TEXT:
            items = sum(1 for _ in loaded.plan.iter_items())
            click.echo(f"{loaded.source}: valid ({len(loaded.plan.tasks)} tasks, {items} items), {_warnings(findings)}")
    sys.exit(EXIT_PROBLEMS if strict and findings.shown else EXIT_OK)


@cli.command("list")
@common_options
@click.option("--lead", "leads", metavar="CODE", multiple=True, help="Only this lead's items (repeatable).")
@click.option("--task", "tasks", type=int, metavar="N", multiple=True, help="Only task N (repeatable).")
@click.option("--status", "statuses", metavar="STATUS", multiple=True, help="Only items with this status (repeatable).")
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
    from sendplan.model import normalise_lead_code, parse_status
    from sendplan.query import ItemFilter, select

    try:
        wanted_statuses = frozenset(parse_status(status).value for status in statuses)
    except ValueError as error:
        raise click.BadParameter(str(error), param_hint="--status") from None
    day = _as_of(as_of)
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


@cli.command("by-lead")
@click.argument("code")
@common_options
def by_lead_command(code: str, plan_path: str | None, as_of: date | None, output_format: str | None) -> None:
    """List the items one lead owns (CODE is case-insensitive).

    \b
    Example:
      sendplan by-lead AG
    """
    from sendplan.model import normalise_lead_code
    from sendplan.query import ItemFilter, known_leads, select

    day = _as_of(as_of)
    loaded = load(plan_path)
    wanted = normalise_lead_code(code)
    codes = known_leads(loaded.plan)
    if wanted not in codes:
        raise click.BadParameter(
            f'"{code}" is not a lead in this plan. Known leads: {", ".join(codes)}.', param_hint="CODE"
        )
    chosen = select(item_rows(loaded, day), ItemFilter(leads=frozenset([wanted])))
    lead = loaded.plan.leads.get(wanted)
    who = f"{wanted} ({lead.name})" if lead else wanted
    show(items_report(f"Items led by {who}", chosen, loaded, day, f"{who} owns no items."), output_format)


@cli.command("overdue")
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

    day = _as_of(as_of)
    loaded = load(plan_path)
    late = overdue(item_rows(loaded, day))
    show(items_report("Overdue", late, loaded, day, f"Nothing is overdue as of {day.isoformat()}."), output_format)
    if exit_status and late:
        sys.exit(EXIT_PROBLEMS)


@cli.command("due")
@common_options
@click.option("--within", type=PeriodParam(), default="30d", show_default=True, help='A period: "30d", "6w", "3m".')
def due_command(plan_path: str | None, as_of: date | None, output_format: str | None, within: tuple[int, str]) -> None:
    """List unfinished items that fall due in the coming period, soonest first.

    \b
    Example:
      sendplan due --within 3m --as-of 2022-01-01
    """
    from sendplan.query import due_within

    day = _as_of(as_of)
    end = period_end(day, within)
    loaded = load(plan_path)
    coming = due_within(item_rows(loaded, day), day, end)
    title = f"Due by {end.isoformat()}"
    show(items_report(title, coming, loaded, day, f"Nothing falls due from {day} to {end}."), output_format)


@cli.command("leads")
@common_options
def leads_command(plan_path: str | None, as_of: date | None, output_format: str | None) -> None:
    """One row per lead: items, finished, overdue and the next deadline.

    \b
    Example:
      sendplan leads --as-of 2022-04-01
    """
    from sendplan.query import lead_summaries

    day = _as_of(as_of)
    loaded = load(plan_path)
    summary = lead_summaries(loaded.plan, item_rows(loaded, day), day)
    show(Report("leads", summary, f"Leads as of {day.isoformat()} · {plan_name(loaded)}"), output_format)


@cli.command("tasks")
@common_options
def tasks_command(plan_path: str | None, as_of: date | None, output_format: str | None) -> None:
    """One row per task: items, finished, overdue and the next deadline.

    \b
    Example:
      sendplan tasks --as-of 2022-04-01
    """
    from sendplan.query import task_summaries

    day = _as_of(as_of)
    loaded = load(plan_path)
    summary = task_summaries(loaded.plan, item_rows(loaded, day), day)
    show(Report("tasks", summary, f"Tasks as of {day.isoformat()} · {plan_name(loaded)}"), output_format)


# --- plan health commands (checks) ---


# --- progress commands (update, done, status) ---


# --- report commands (report, timeline, ics, schema, glossary) ---


# --- team workflow commands (diff, completion) ---


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
