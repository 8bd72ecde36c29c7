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

# Only the format names at start-up: dates, errors and the renderers are imported where they
# are used, so `sendplan --help` imports little beyond click.
from sendplan.formats import PROBLEM_FORMAT_ALIASES, OutputFormat, ProblemFormat

if TYPE_CHECKING:
    from sendplan.load import LoadedPlan
    from sendplan.query import ItemRow
    from sendplan.render import Report

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
        from sendplan.dates import DeadlineError, first_day, parse_day, parse_deadline
        from sendplan.render import visible

        if isinstance(value, date):
            return value
        try:
            if self.bound == "start":
                return first_day(parse_deadline(value))
            return parse_day(value)
        except DeadlineError as error:
            self.fail(visible(str(error)), param, ctx)


class PeriodParam(click.ParamType):
    name = "PERIOD"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> tuple[int, str]:
        from sendplan.dates import DeadlineError, parse_period
        from sendplan.render import visible

        if isinstance(value, tuple):
            return value
        try:
            return parse_period(value)
        except DeadlineError as error:
            self.fail(visible(str(error)), param, ctx)


class SendplanGroup(click.Group):
    """Turns a PlanError into located messages on stderr and exit 1: the only such place."""

    def invoke(self, ctx: click.Context) -> Any:
        from sendplan.errors import PlanError
        from sendplan.render import format_problem

        try:
            return super().invoke(ctx)
        except PlanError as error:
            for problem in error.problems:
                click.echo(format_problem(problem), err=True)
            ctx.exit(EXIT_PROBLEMS)


def _plan_option(help_text: str) -> Callable[[F], F]:
    return click.option(
        "--plan",
        "plan_path",
        metavar="FILE",
        type=click.Path(allow_dash=True),  # no checks here (the loader locates them); shells complete file names
        envvar="SENDPLAN_PLAN",
        show_envvar=True,
        help=help_text,
    )


plan_option = _plan_option(
    "The plan file; '-' reads standard input. Default: ./plan.yaml, else the nearest one in the "
    "folders above within the git repository, else the bundled plan."
)
# An edit needs a file to write back to, so standard input is not offered.
edited_plan_option = _plan_option(
    "The plan file to edit. Default: ./plan.yaml, else the nearest one in the folders above "
    "within the git repository."
)


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


def _keep(key: str) -> Callable[[click.Context, click.Parameter, Any], Any]:
    def callback(ctx: click.Context, param: click.Parameter, value: Any) -> Any:
        if value is not None:
            ctx.meta[key] = value
        return value

    return callback


def output_options(function: F) -> F:
    """-o/--output and --fields; show() reads them, so command signatures stay as they are."""
    function = click.option(
        "--fields",
        metavar="NAMES",
        expose_value=False,
        callback=_keep("sendplan.fields"),
        help="Only these columns, in this order, comma-separated (e.g. id,lead,deadline).",
    )(function)
    return click.option(
        "-o",
        "--output",
        metavar="FILE",
        expose_value=False,
        callback=_keep("sendplan.output"),
        help="Write to FILE (replacing it) instead of the screen; the format follows its extension: "
        ".csv .json .jsonl .md .tsv .txt .xlsx.",
    )(function)


def common_options(function: F) -> F:
    """--plan, --as-of, --format/--json, -o and --fields, which every listing command takes."""
    return plan_option(as_of_option(format_options(output_options(function))))


# Shell completion reads the plan the command would read; any failure means no completions,
# never a traceback in the middle of someone's command line.
COMPLETE_VAR = "_SENDPLAN_COMPLETE"
COMPLETION_SHELLS = ("bash", "zsh", "fish")


def completion_plan(ctx: click.Context) -> Any:
    """The Plan chosen by --plan / $SENDPLAN_PLAN / ./plan.yaml / bundled, or None if unusable."""
    try:
        from sendplan.load import STDIN, choose_plan, load_plan

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

    from sendplan.render import one_line

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
    from sendplan.codes import normalise_lead_code
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
    from sendplan.model import Status

    return _offer([(status.value, None) for status in Status if status.value.startswith(incomplete.lower())])


def resolve_format(output_format: str | None) -> OutputFormat:
    """--json, else --format, else the -o file's extension, else table on a terminal and tsv in a pipe."""
    from sendplan.render import EXTENSIONS, format_for

    ctx = click.get_current_context()
    if ctx.meta.get("sendplan.json"):
        return OutputFormat.JSON
    if output_format:
        return OutputFormat(output_format)
    path = ctx.meta.get("sendplan.output")
    if path and path != "-":
        chosen = format_for(path)
        if chosen is None:
            known = " ".join(EXTENSIONS)
            raise click.BadParameter(
                f'cannot tell the format from the name "{path}". End it with one of {known}, or give --format.',
                param_hint="'-o' / '--output'",
            )
        return chosen
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
    from sendplan.render import Report

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
    """Hand *report* to the renderer with the format, --fields and -o file the user chose."""
    from sendplan.render import BINARY_FORMATS, FieldError, check_fields, emit, parse_fields

    ctx = click.get_current_context()
    fmt = resolve_format(output_format)
    if "sendplan.fields" in ctx.meta:
        try:
            report.fields = check_fields(report, parse_fields(ctx.meta["sendplan.fields"]))
        except FieldError as error:
            raise click.BadParameter(str(error), param_hint="'--fields'") from None
    path = ctx.meta.get("sendplan.output")
    if path is None or path == "-":
        if fmt in BINARY_FORMATS and sys.stdout.isatty():
            raise click.UsageError(f"{fmt.value} is a file, not text for the screen: add -o FILE.{fmt.value}.")
        emit(report, fmt)
        return
    try:
        emit(report, fmt, path=path)
    except OSError as error:
        raise click.FileError(path, hint=error.strerror or str(error)) from None


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


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"


def _warnings(findings: Any) -> str:
    """ "21 warnings (3 more ignored)", "no warnings (3 ignored)" or "no warnings"."""
    count, ignored = len(findings.shown), len(findings.ignored)
    if not count:
        return f"no warnings ({ignored} ignored)" if ignored else "no warnings"
    return f"{count} warning{'s' if count != 1 else ''}" + (f" ({ignored} more ignored)" if ignored else "")


@cli.command("validate")
@click.argument("files", nargs=-1, metavar="[FILE]...", type=click.Path(allow_dash=True))
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
    files: tuple[str, ...],
    plan_path: str | None,
    as_of: date | None,
    output_format: str | None,
    strict: bool,
    ignore: tuple[str, ...],
    summary: bool,
) -> None:
    """Check plan files: errors stop a plan being read; warnings are gaps in a readable plan.

    With no FILE, checks the plan chosen by --plan; several files may be named, as a
    pre-commit hook does. Every finding is reported at once as FILE:LINE:COL with a
    check code (see the README's table of plan health checks). Exits 1 on errors, and
    on warnings only with --strict; otherwise 0. Text goes to stderr; json (one array),
    github and parsable to stdout. Silence a check with --ignore CODE or the plan's
    "checks: ignore:" list.

    \b
    Examples:
      sendplan validate plan.yaml
      sendplan validate --summary --as-of 2021-11-01
      sendplan validate --strict --ignore SP110 --format github
    """
    from sendplan.checks import run_checks, summarise
    from sendplan.errors import PlanError
    from sendplan.load import choose_plan, load_plan
    from sendplan.render import Report, emit_problems, problem_format, record, to_json, visible

    ctx = click.get_current_context()
    fmt = ProblemFormat.JSON if ctx.meta.get("sendplan.json") else problem_format(output_format or "text")
    paths = [choose_plan(file) for file in files] or [choose_plan(plan_path)]
    if summary and (fmt not in (ProblemFormat.TEXT, ProblemFormat.JSON) or len(paths) > 1):
        raise click.BadParameter(
            "--summary counts the findings of one plan, as text or json; name one file and leave out --format "
            "or use json.",
            param_hint="--summary",
        )
    reported: list[Any] = []  # every problem, for the machine formats: one array or stream
    failed = unreadable = False
    for path in paths:
        try:
            loaded = load_plan(path)
        except PlanError as error:
            failed = unreadable = True
            reported += error.problems
            if fmt is ProblemFormat.TEXT:
                emit_problems(error.problems, fmt)
            continue
        # The clock is passed, not read: only a check that needs the day reads it.
        findings = run_checks(loaded, as_of if as_of is not None else today, ignore)
        failed = failed or bool(strict and findings.shown)
        reported += findings.shown
        if summary:
            by_check, by_task = summarise(loaded, findings, ignore)
            if fmt is ProblemFormat.JSON:
                click.echo(to_json({"checks": record(by_check), "tasks": record(by_task)}))
            else:
                table = OutputFormat.TSV if output_format == "tsv" else OutputFormat.TABLE
                heading = f"{plan_name(loaded)} · {_warnings(findings)}"
                show(Report("checks", by_check, f"Plan health by check · {heading}"), table.value)
                show(Report("task_findings", by_task, f"Plan health by task · {heading}"), table.value)
        elif fmt is ProblemFormat.TEXT:
            emit_problems(findings.shown, fmt)
            items = sum(1 for _ in loaded.plan.iter_items())
            # A healthy plan's verdict stays as it was before the checks: "valid (8 tasks, 57 items)".
            healthy = not findings.shown and not findings.ignored
            click.echo(
                f"{visible(loaded.source)}: valid ({_count(len(loaded.plan.tasks), 'task')}, {_count(items, 'item')})"
                + ("" if healthy else f", {_warnings(findings)}")
            )
    # A summary replaces the list of findings, unless a plan could not be read at all.
    if fmt is not ProblemFormat.TEXT and not (summary and not unreadable):
        emit_problems(reported, fmt)
    sys.exit(EXIT_PROBLEMS if failed else EXIT_OK)


@cli.command("list")
@common_options
@click.option(
    "--lead", "leads", metavar="CODE", multiple=True, shell_complete=complete_lead_codes,
    help="Only this lead's items (repeatable).",
)  # fmt: skip
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
    from sendplan.codes import normalise_lead_code
    from sendplan.query import ItemFilter, select

    wanted_statuses: frozenset[str] = frozenset()
    if statuses:  # the models (and pydantic) only when a status must be read
        from sendplan.model import parse_status

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
@click.argument("code", shell_complete=complete_lead_codes)
@common_options
def by_lead_command(code: str, plan_path: str | None, as_of: date | None, output_format: str | None) -> None:
    """List the items one lead owns (CODE is case-insensitive).

    \b
    Example:
      sendplan by-lead AG
    """
    from sendplan.codes import normalise_lead_code
    from sendplan.query import ItemFilter, known_leads, select
    from sendplan.render import visible

    day = _as_of(as_of)
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
    from sendplan.dates import period_end
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
    from sendplan.render import Report

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
    from sendplan.render import Report

    day = _as_of(as_of)
    loaded = load(plan_path)
    summary = task_summaries(loaded.plan, item_rows(loaded, day), day)
    show(Report("tasks", summary, f"Tasks as of {day.isoformat()} · {plan_name(loaded)}"), output_format)


# --- plan health commands (checks) ---


# --- progress commands (update, done, status) ---


class DeadlineTextParam(click.ParamType):
    """A deadline in any spelling, kept as written (a revised deadline reads like the plan's own)."""

    name = "DATE"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> str:
        from sendplan.dates import DeadlineError, parse_deadline

        try:
            return parse_deadline(value).text
        except DeadlineError as error:
            self.fail(str(error), param, ctx)


def lead_filter_option(function: F) -> F:
    return click.option(
        "--lead", "leads", metavar="CODE", multiple=True, shell_complete=complete_lead_codes,
        help="Only this lead's items (repeatable).",
    )(function)  # fmt: skip


def _one_line_option(value: str | None, option: str) -> str | None:
    if value is None:
        return None
    from sendplan.render import clean

    text = clean(value).strip()
    if not text:
        raise click.BadParameter("is empty; write a few words.", param_hint=option)
    return text


def _edit_target(plan_path: str | None) -> str:
    from sendplan.load import STDIN, choose_plan

    path = choose_plan(plan_path)
    if path == STDIN:
        raise click.BadParameter(
            "a plan read from standard input cannot be updated; name the plan file, e.g. --plan plan.yaml.",
            param_hint="--plan",
        )
    return path


def _report_update(result: Any, dry_run: bool) -> None:
    from sendplan.render import one_line

    if dry_run:
        if result.diff:
            click.echo(result.diff, nl=False)
        else:
            click.echo(f"Item {result.item_id} already has these values; nothing would change.", err=True)
        return
    if not result.changes:
        click.echo(f"Item {result.item_id} already has these values; {result.path} is unchanged.")
        return
    click.echo(f"Updated item {result.item_id} in {result.path}:")
    for change in result.changes:
        if change.field == "updates":
            click.echo(f"  note added: {one_line(change.after)}")
        else:
            before = "not set" if change.before is None else one_line(change.before)
            click.echo(f"  {change.field}: {before} → {one_line(change.after)}")


def _apply_update(plan_path: str | None, item_id: str, dry_run: bool, **values: Any) -> None:
    from sendplan.edit import ItemEdit, unknown_item_message, update_item, writable_path
    from sendplan.load import load_plan

    path = _edit_target(plan_path)
    writable_path(path)
    loaded = load_plan(path)
    if loaded.item_path(item_id) is None:
        raise click.BadParameter(unknown_item_message(item_id, loaded), param_hint="ID")
    result = update_item(path, ItemEdit(item_id, **values), dry_run=dry_run)
    _report_update(result, dry_run)


def _note(note: str | None, by: str | None, day: date) -> Any:
    from sendplan.edit import Note
    from sendplan.model import LEAD_CODE, normalise_lead_code

    if note is None and by is None:
        return None
    if note is None:
        raise click.BadParameter("goes with --note: give the note too.", param_hint="--by")
    if by is None:
        raise click.BadParameter("a note needs --by CODE: who reports it (a lead code such as AG).", param_hint="--note")
    code = normalise_lead_code(by)
    if not LEAD_CODE.fullmatch(code):
        raise click.BadParameter(f'"{by}" is not a lead code: write capital letters such as AG.', param_hint="--by")
    return Note(day, code, _one_line_option(note, "--note") or "")


def dry_run_option(function: F) -> F:
    return click.option("--dry-run", is_flag=True, help="Print the change as a diff; do not write the file.")(function)


def note_options(function: F) -> F:
    function = click.option(
        "--by", metavar="CODE", shell_complete=complete_lead_codes,
        help="Who reports the note (a lead code); needed with --note.",
    )(function)  # fmt: skip
    return click.option("--note", metavar="TEXT", help="Add a dated progress note (dated --as-of).")(function)


@cli.command("update")
@click.argument("item_id", metavar="ID", shell_complete=complete_item_ids)
@click.option("--status", metavar="STATUS", shell_complete=complete_statuses,
              help="not_started, on_track, at_risk, off_track, complete or dropped "
              "(done, in progress, behind schedule, blocked, cancelled… are accepted).")
@click.option("--completed", type=DayParam(), help="The day it was completed (sets status complete).")
@note_options
@click.option("--rag", type=click.Choice(["blue", "green", "amber", "red"], case_sensitive=False),
              help="Set the RAG rating by hand, overriding the derived one; needs --reason.")
@click.option("--revise", type=DeadlineTextParam(), metavar="DATE",
              help="A revised deadline (the baseline deadline is kept); needs --reason.")
@click.option("--reason", metavar="TEXT", help="Why the RAG is set by hand, or why the deadline is revised.")
@click.option("--recovery", metavar="TEXT", help="For the exception report: what is being done to recover.")
@click.option("--impact", metavar="TEXT", help="For the exception report: what happens if nothing is done.")
@click.option("--decision", metavar="TEXT", help="For the exception report: what the board is asked to decide.")
@dry_run_option
@edited_plan_option
@as_of_option
def update_command(
    item_id: str,
    status: str | None,
    completed: date | None,
    note: str | None,
    by: str | None,
    rag: str | None,
    revise: str | None,
    reason: str | None,
    recovery: str | None,
    impact: str | None,
    decision: str | None,
    dry_run: bool,
    plan_path: str | None,
    as_of: date | None,
) -> None:
    """Record progress on one item, editing the plan file in place.

    Comments, blank lines, key order and quoting elsewhere in the file are kept, so
    `git diff` shows only the changed lines. The new file is checked before it replaces
    the old one. A note is dated --as-of; --status complete without --completed records
    --as-of as the completion day.

    \b
    Examples:
      sendplan update 4.7 --status at_risk --note "Provider delayed" --by AG
      sendplan update 2.3 --revise "Sep 2022" --reason "Later start agreed"
      sendplan update 1.5 --rag amber --reason "Budget not yet agreed" --dry-run
      sendplan update 5.1 --recovery "Briefings booked" --impact "Vote delayed"
    """
    from sendplan.model import Status, parse_status

    day = _as_of(as_of)
    wanted = None
    if status is not None:
        try:
            wanted = parse_status(status).value
        except ValueError as error:
            raise click.BadParameter(str(error), param_hint="--status") from None
    if rag and revise:
        raise click.UsageError("--rag and --revise each need their own --reason: run update once for each.")
    if reason is not None and not (rag or revise):
        raise click.BadParameter("goes with --rag or --revise.", param_hint="--reason")
    if (rag or revise) and reason is None:
        option = "--rag" if rag else "--revise"
        raise click.BadParameter("needs --reason TEXT saying why.", param_hint=option)
    the_note = _note(note, by, day)
    if completed is not None and wanted is None:
        wanted = Status.COMPLETE.value
    # Completing an item records --as-of as its completion day, unless it already has one.
    completed_unless_set = day if wanted == Status.COMPLETE.value and completed is None else None
    exception_note = {
        "recovery": _one_line_option(recovery, "--recovery"),
        "impact": _one_line_option(impact, "--impact"),
        "decision": _one_line_option(decision, "--decision"),
    }
    if not any(value is not None for value in (wanted, completed, the_note, rag, revise, *exception_note.values())):
        raise click.UsageError(
            "nothing to change: give --status, --completed, --note, --rag, --revise, --recovery, --impact or --decision."
        )
    why = _one_line_option(reason, "--reason")
    _apply_update(
        plan_path,
        item_id,
        dry_run,
        status=wanted,
        completed=completed,
        rag=rag.lower() if rag else None,
        rag_reason=why if rag else None,
        revised_deadline=revise,
        revision_reason=why if revise else None,
        note=the_note,
        completed_unless_set=completed_unless_set,
        **exception_note,
    )


@cli.command("done")
@click.argument("item_id", metavar="ID", shell_complete=complete_item_ids)
@note_options
@dry_run_option
@edited_plan_option
@as_of_option
def done_command(
    item_id: str, note: str | None, by: str | None, dry_run: bool, plan_path: str | None, as_of: date | None
) -> None:
    """Mark an item complete, completed on --as-of (a shortcut for update).

    A yearly item marked done falls due again at its next occurrence.

    \b
    Example:
      sendplan done 1.1 --as-of 2022-03-20
    """
    day = _as_of(as_of)
    _apply_update(plan_path, item_id, dry_run, status="complete", completed=day, note=_note(note, by, day))


@cli.command("status")
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
    from sendplan.dates import period_end
    from sendplan.query import RAG_LEGEND, rows
    from sendplan.render import Report
    from sendplan.summary import status_rows

    day = _as_of(as_of)
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


# --- report commands (report, timeline, ics, schema, glossary) ---

REPORT_FORMATS = {".md": "markdown", ".markdown": "markdown", ".html": "html", ".htm": "html"}


def write_output(path: str | None, text: str) -> None:
    """Text to stdout, or all at once to the file *path* (replacing it)."""
    from sendplan.render import write_file

    if path is None or path == "-":
        click.echo(text, nl=False)
        return
    try:
        write_file(path, lambda handle: handle.write(text))
    except OSError as error:
        raise click.FileError(path, hint=error.strerror or str(error)) from None


def _lead_filter(loaded: LoadedPlan, codes: tuple[str, ...]) -> frozenset[str]:
    from sendplan.model import normalise_lead_code
    from sendplan.query import known_leads

    known = known_leads(loaded.plan)
    wanted = frozenset(normalise_lead_code(code) for code in codes)
    unknown = sorted(wanted - set(known))
    if unknown:
        raise click.BadParameter(
            f'"{unknown[0]}" is not a lead in this plan. Known leads: {", ".join(known)}.', param_hint="'--lead'"
        )
    return wanted


@cli.command("report")
@plan_option
@as_of_option
@click.option("--since", type=DayParam("start"), help="Show progress from this day on. Default: a month before --as-of.")
@click.option("--ahead", type=PeriodParam(), default="1m", show_default=True, help='Look-ahead period: "1m", "6w", "30d".')
@click.option("--format", "report_format", type=click.Choice(["markdown", "html"]), help="Default: from -o's extension, else markdown.")
@click.option("-o", "--output", metavar="FILE", help="Write to FILE (.md or .html) instead of the screen.")
@click.option("--author", metavar="NAME", help="Who the report is from, for its header.")
@click.option("--audience", metavar="TEXT", help='Who it is for, e.g. "Improvement board".')
def report_command(
    plan_path: str | None,
    as_of: date | None,
    since: date | None,
    ahead: tuple[int, str],
    report_format: str | None,
    output: str | None,
    author: str | None,
    audience: str | None,
) -> None:
    """The monthly highlight report for a board or Schools Forum, in Markdown or HTML.

    Sections: headline figures, a timeline chart (HTML), RAG by task, exceptions (every red
    or overdue item), progress since --since, look-ahead by lead, dependencies, plan health,
    legend and glossary. The HTML is one file with no scripts that prints on A4.

    \b
    Example:
      sendplan report --as-of 2021-12-01 --since 2021-11-01 -o board.html
    """
    from sendplan.report import board_report, to_markdown

    fmt = report_format
    if fmt is None and output and output != "-":
        fmt = REPORT_FORMATS.get(os.path.splitext(output)[1].lower())
        if fmt is None:
            raise click.BadParameter(
                f'cannot tell the format from the name "{output}". End it with .md or .html, or give --format.',
                param_hint="'-o' / '--output'",
            )
    day = _as_of(as_of)
    loaded = load(plan_path)
    board = board_report(
        loaded, item_rows(loaded, day), day, since=since, ahead=ahead, author=author, audience=audience
    )
    if fmt == "html":
        from sendplan.report_html import to_html

        text = to_html(board, [(task.number, task.title) for task in loaded.plan.tasks])
    else:
        text = to_markdown(board)
    write_output(output, text)


@cli.command("timeline")
@plan_option
@as_of_option
@lead_filter_option
@click.option("--width", type=click.IntRange(40), help="Columns to fit. Default: the terminal's width, or 80.")
@click.option(
    "--format", "timeline_format", type=click.Choice(["table", "json"]), default="table", show_default=True,
    help="json: one record per task and month with items due.",
)
def timeline_command(
    plan_path: str | None, as_of: date | None, leads: tuple[str, ...], width: int | None, timeline_format: str
) -> None:
    """Deadlines month by month: a row per task, a column per month, overdue marked.

    Each cell counts the items due that month; "!" means some are overdue and "✓" that all
    are finished. Long plans wrap into bands of months.

    \b
    Example:
      sendplan timeline --as-of 2021-12-01
    """
    import shutil
    import textwrap

    from sendplan.query import ItemFilter, select
    from sendplan.timeline import grid, legend, lines, plain_text, records

    day = _as_of(as_of)
    loaded = load(plan_path)
    wanted = _lead_filter(loaded, leads)
    chosen = select(item_rows(loaded, day), ItemFilter(leads=wanted))
    terminal = sys.stdout.isatty()
    columns = width or (shutil.get_terminal_size((80, 24)).columns if terminal else 80)
    # With --lead, only the tasks where that lead has items.
    lanes = [(task.number, task.title) for task in loaded.plan.tasks if not wanted or any(row.task == task.number for row in chosen)]
    the_grid = grid(lanes, chosen, day)
    who = f" · {', '.join(sorted(wanted))}" if wanted else ""
    title = f"Deadlines by month as of {day.isoformat()} · {plan_name(loaded)}{who}"
    if timeline_format == "json":
        from sendplan.render import to_json

        click.echo(to_json(records(the_grid)))
        return
    body = lines(the_grid, columns)
    if not terminal:
        heading = textwrap.wrap(title, columns)
        click.echo("\n".join([*heading, "", plain_text(body), "", *legend(the_grid, columns)]))
        return
    from rich.text import Text

    from sendplan.render import clean, make_console

    console = make_console(width=columns)
    console.print(Text(clean(title), style="bold"), "")
    for segments in body:
        console.print(Text.assemble(*segments), no_wrap=True, overflow="ignore", crop=False)
    console.print("")
    for note in legend(the_grid, columns):
        console.print(Text(note, style="dim"))


@cli.command("ics")
@plan_option
@as_of_option
@lead_filter_option
@click.option("-o", "--output", metavar="FILE", help="Write to FILE (e.g. deadlines.ics) instead of the screen.")
def ics_command(plan_path: str | None, as_of: date | None, leads: tuple[str, ...], output: str | None) -> None:
    """Every dated item as an all-day calendar event (iCalendar), for Outlook or Google.

    Events keep the same UID from one export to the next, so importing again updates them;
    yearly items repeat every year. --as-of sets the time stamp, so the file is reproducible.

    \b
    Example:
      sendplan ics --lead AG -o ag-deadlines.ics
    """
    from sendplan.ics import calendar
    from sendplan.query import ItemFilter, select

    day = _as_of(as_of)
    loaded = load(plan_path)
    wanted = _lead_filter(loaded, leads)
    chosen = select(item_rows(loaded, day), ItemFilter(leads=wanted))
    name = plan_name(loaded) + (f" · {', '.join(sorted(wanted))}" if wanted else "")
    data = calendar(loaded.plan, chosen, day, name)
    if output is None or output == "-":
        click.echo(data, nl=False)  # bytes go to the binary stream: the CRLF line ends stay
    else:
        write_output(output, data.decode("utf-8"))


@cli.command("init")
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
    from sendplan.errors import Location, PlanError
    from sendplan.render import visible, write_file
    from sendplan.starter import example_text, starter_text

    if os.path.exists(file) and not force:
        raise PlanError.single(
            "this file already exists, so nothing was written. Give another name, or add --force to replace it.",
            Location(file),
        )
    text = example_text() if example else starter_text(_as_of(as_of))
    try:
        write_file(file, lambda handle: handle.write(text))
    except OSError as error:
        raise click.FileError(file, hint=error.strerror or str(error)) from None
    what = "a copy of the example plan bundled with sendplan" if example else "a new plan with one item to fill in"
    click.echo(f"Wrote {visible(file)}: {what}. Edit it, then check it with: sendplan validate {visible(file)}")


@cli.command("schema")
@click.option("-o", "--output", metavar="FILE", help="Write to FILE (e.g. plan.schema.json) instead of the screen.")
def schema_command(output: str | None) -> None:
    """The plan file's JSON Schema, so editors can check plan.yaml as you type.

    \b
    Example:
      sendplan schema -o plan.schema.json
    """
    import json

    from sendplan.schema import plan_schema

    write_output(output, json.dumps(plan_schema(), ensure_ascii=False, indent=2) + "\n")


@cli.command("glossary")
@plan_option
@format_options
@output_options
def glossary_command(plan_path: str | None, output_format: str | None) -> None:
    """The plan's abbreviations and their meanings (the "glossary:" section of the plan).

    Abbreviations used in the plan's text but missing from the glossary are listed on stderr.

    \b
    Example:
      sendplan glossary
    """
    from sendplan.glossary import glossary_rows, undefined_abbreviations
    from sendplan.render import Report, format_problem

    loaded = load(plan_path)
    rows = glossary_rows(loaded.plan)
    show(Report("glossary", rows, f"Glossary · {plan_name(loaded)}", empty='The plan has no "glossary:" section.'), output_format)
    for problem in undefined_abbreviations(loaded):
        click.echo(format_problem(problem), err=True)



# --- team workflow commands (diff, completion) ---


@cli.command("diff")
@click.argument("files", nargs=-1, metavar="[OLD NEW]", type=click.Path(allow_dash=True))
@click.option(
    "--rev", metavar="REV",
    help="Compare the plan file as committed at this git revision (HEAD~1, a tag, a commit) with the file now.",
)  # fmt: skip
@plan_option
@format_options
def diff_command(files: tuple[str, ...], rev: str | None, plan_path: str | None, output_format: str | None) -> None:
    """What changed between two versions of a plan, item by item.

    Reports items added and removed, re-dated (with the slip in days), re-assigned,
    completed, status and RAG changes, progress updates, and changes to the words of
    an action or its success criteria. Give two plan files (either may be '-' for
    standard input), or --rev REV to compare a file with its version in git; with
    --rev the file is FILE or the plan chosen by --plan.

    \b
    Example:
      sendplan diff --rev HEAD~1 plan.yaml
    """
    from sendplan.diff import compare
    from sendplan.load import STDIN, choose_plan, load_plan
    from sendplan.render import Report

    if rev is None:
        if len(files) != 2:
            raise click.UsageError(
                "give two plan files to compare (sendplan diff OLD NEW), "
                "or --rev REV to compare a plan file with its version in git."
            )
        if files == (STDIN, STDIN):
            raise click.UsageError("only one of OLD and NEW can be '-' (standard input).")
        old, new = load_plan(files[0]), load_plan(files[1])
    else:
        from sendplan.history import RevisionError, load_at_revision

        if len(files) > 1:
            raise click.UsageError("with --rev, give at most one plan file: the one to compare with its history.")
        path = files[0] if files else choose_plan(plan_path)
        if path == STDIN:
            raise click.UsageError("--rev reads the file's history from git, so name the file; '-' has none.")
        new = load_plan(path)
        try:
            old = load_at_revision(path, rev)
        except RevisionError as error:
            raise click.BadParameter(str(error), param_hint="--rev") from None
    changes = compare(old.plan, new.plan)
    count = f"{len(changes)} change{'s' if len(changes) != 1 else ''}"
    report = Report(
        "changes",
        changes,
        f"Changes from {old.source} to {new.source} · {count}",
        empty=f"No changes to items from {old.source} to {new.source}.",
        notes=["Slip = days later (+) or earlier (-) than the item fell due before."],
    )
    show(report, output_format)


@cli.command("completion")
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
    # The installed command is called sendplan, whatever this process was started as.
    click.echo(complete_class(cli, {}, "sendplan", COMPLETE_VAR).source())


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
