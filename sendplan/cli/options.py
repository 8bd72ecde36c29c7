"""What every command shares: the clock, exit codes, parameter types, options declared once with
what shell completion offers for them, and handing a command's rows to an output (`show`,
`write_output`).

`today()` is the one place sendplan reads the real clock, and only to fill in --as-of when it
is not given (a test checks no other module calls date.today). Heavy modules are imported
inside the functions, so `sendplan --help` imports little beyond click and the format names.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING, Any, TypeVar

import click

# Only the format names at start-up: dates, errors and the writers are imported where they
# are used, so `sendplan --help` imports little beyond click.
from sendplan.outputs.registry import EXTENSIONS, OutputFormat, format_for, format_named, write_text
from sendplan.outputs.registry import write_bytes as save_bytes

if TYPE_CHECKING:
    from sendplan.outputs.rows import Report
    from sendplan.plan.load import LoadedPlan
    from sendplan.query import ItemRow

    # click's parameter types are generic from click 8.4; older clicks cannot subscript them.
    DateType = click.ParamType[date]
    PeriodType = click.ParamType[tuple[int, str]]
    TextType = click.ParamType[str]
else:
    DateType = PeriodType = TextType = click.ParamType

EXIT_OK = 0
EXIT_PROBLEMS = 1
EXIT_USAGE = 2

F = TypeVar("F", bound=Callable[..., Any])


def today() -> date:
    """The real clock, read only to fill in --as-of. Tests replace this and never reach it."""
    return date.today()


def day_or_today(as_of: date | None) -> date:
    """--as-of if given, else the real clock's day."""
    return as_of if as_of is not None else today()


def day_or_clock(as_of: date | None) -> date | Callable[[], date]:
    """--as-of if given, else the clock itself, for work that reads the day only if it needs it."""
    return as_of if as_of is not None else today


class DayParam(DateType):
    """A day written in any deadline spelling. *bound* says which end of a month it means."""

    name = "DATE"

    def __init__(self, bound: str = "end") -> None:
        self.bound = bound

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> date:
        from sendplan.outputs.text import visible
        from sendplan.plan.dates import DeadlineError, first_day, parse_day, parse_deadline

        if isinstance(value, date):
            return value
        try:
            if self.bound == "start":
                return first_day(parse_deadline(value))
            return parse_day(value)
        except DeadlineError as error:
            self.fail(visible(str(error)), param, ctx)


class PeriodParam(PeriodType):
    name = "PERIOD"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> tuple[int, str]:
        from sendplan.outputs.text import visible
        from sendplan.plan.dates import DeadlineError, parse_period

        if isinstance(value, tuple):
            return value
        try:
            return parse_period(value)
        except DeadlineError as error:
            self.fail(visible(str(error)), param, ctx)


class DeadlineTextParam(TextType):
    """A deadline in any spelling, kept as written (a revised deadline reads like the plan's own)."""

    name = "DATE"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> str:
        from sendplan.plan.dates import DeadlineError, parse_deadline

        try:
            return parse_deadline(value).text
        except DeadlineError as error:
            self.fail(str(error), param, ctx)


# A plan file on the command line: no checks here (the loader locates every problem), and
# shells complete file names. One instance for every such parameter (each costs a gettext).
PLAN_PATH = click.Path(allow_dash=True)


# Shell completion reads the plan the command would read; any failure means no completions,
# never a traceback in the middle of someone's command line.
COMPLETE_VAR = "_SENDPLAN_COMPLETE"
COMPLETION_SHELLS = ("bash", "zsh", "fish")


def completion_plans(ctx: click.Context) -> Any:
    """The plans chosen by --plan / $SENDPLAN_PLAN / ./plan.yaml / bundled (a Portfolio), or
    None if any is unusable."""
    try:
        from sendplan.cli.plans import plan_paths
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
    """Lead codes from the plans (each key, then codes only items use), for CODE and --lead."""
    plans = completion_plans(ctx)
    if plans is None:
        return []
    from sendplan.plan.codes import normalise_lead_code
    from sendplan.portfolio import lead_codes, lead_names, names_text

    prefix = normalise_lead_code(incomplete)
    return _offer([(code, names_text(lead_names(plans, code))) for code in lead_codes(plans) if code.startswith(prefix)])


def complete_item_ids(ctx: click.Context, param: click.Parameter, incomplete: str) -> list[Any]:
    """Item ids from the plan (PLAN:ID when several are open), each with its action as the
    description (zsh and fish show it)."""
    plans = completion_plans(ctx)
    if plans is None:
        return []
    from sendplan.plan.portfolio import ref

    wanted = incomplete.lower()
    offered = [
        (ref(member.name, item.id) if plans.several else item.id, item.action)
        for member in plans.members
        for _, _, item in member.loaded.plan.iter_items()
    ]
    return _offer([(value, action) for value, action in offered if value.lower().startswith(wanted)])


def complete_task_numbers(ctx: click.Context, param: click.Parameter, incomplete: str) -> list[Any]:
    """Task numbers from the plans, with each task's title (the first plan's, where several have one)."""
    plans = completion_plans(ctx)
    if plans is None:
        return []
    titles: dict[int, str] = {}
    for member in plans.members:
        for task in member.loaded.plan.tasks:
            titles.setdefault(task.number, task.title)
    return _offer([(str(number), title) for number, title in titles.items() if str(number).startswith(incomplete)])


def complete_statuses(ctx: click.Context, param: click.Parameter, incomplete: str) -> list[Any]:
    """The six statuses (the aliases are accepted too, but not offered)."""
    from sendplan.plan.model import Status

    return _offer([(status.value, None) for status in Status if status.value.startswith(incomplete.lower())])


def _plan_option(help_text: str) -> Callable[[F], F]:
    # Several --plan values, or a folder, open several plans at once; $SENDPLAN_PLAN may hold
    # several paths separated by os.pathsep (click splits a Path's variable there).
    return click.option(
        "--plan",
        "plan_path",
        metavar="PATH",
        type=PLAN_PATH,
        multiple=True,
        envvar="SENDPLAN_PLAN",
        show_envvar=True,
        help=help_text,
    )


plan_option = _plan_option(
    "The plan file, or a folder of plans (repeatable: several plans at once); '-' reads standard "
    "input. Default: ./plan.yaml, else the nearest one in the folders above within the git "
    "repository, else the bundled plan."
)
# An edit needs a file to write back to, so standard input is not offered.
edited_plan_option = _plan_option(
    "The plan file to edit, or a folder of plans (then name the item PLAN:ID if several have its "
    "id). Default: ./plan.yaml, else the nearest one in the folders above within the git repository."
)


def as_of_option(function: F) -> F:
    return click.option(
        "--as-of",
        "as_of",
        type=DayParam(),
        help='The day to answer as of, in any deadline spelling ("2022-03-01", "Mar 2022"). Default: today.',
    )(function)


def set_json(ctx: click.Context, param: click.Parameter, value: bool) -> bool:
    if value:
        ctx.meta["sendplan.json"] = True
    return value


def format_options(function: F) -> F:
    function = click.option(
        "--json",
        "as_json",
        is_flag=True,
        expose_value=False,
        callback=set_json,
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


def lead_filter_option(function: F) -> F:
    return click.option(
        "--lead", "leads", metavar="CODE", multiple=True, shell_complete=complete_lead_codes,
        help="Only this lead's items (repeatable).",
    )(function)  # fmt: skip


def resolve_format(output_format: str | None) -> OutputFormat:
    """--json, else --format, else the -o file's extension, else table on a terminal and tsv in a pipe."""
    ctx = click.get_current_context()
    if ctx.meta.get("sendplan.json"):
        return OutputFormat.JSON
    if output_format:
        return format_named(output_format)
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


def load(plan_path: tuple[str, ...]) -> LoadedPlan:
    """The one plan a command reads; a usage error if --plan names several (see cli/plans.py)."""
    from sendplan.cli.plans import command_name, refuse_several
    from sendplan.plan.read import load_plan

    return load_plan(refuse_several(plan_path, command_name()))


def item_rows(loaded: LoadedPlan, as_of: date) -> list[ItemRow]:
    from sendplan.query import rows

    return rows(loaded.plan, as_of)


def show(report: Report, output_format: str | None) -> None:
    """Hand *report* to the renderer with the format, --fields and -o file the user chose."""
    from sendplan.outputs.registry import emit
    from sendplan.outputs.rows import FieldError, check_fields, parse_fields

    ctx = click.get_current_context()
    fmt = resolve_format(output_format)
    if "sendplan.fields" in ctx.meta:
        try:
            report.fields = check_fields(report, parse_fields(ctx.meta["sendplan.fields"]))
        except FieldError as error:
            raise click.BadParameter(str(error), param_hint="'--fields'") from None
    path = ctx.meta.get("sendplan.output")
    if path is None or path == "-":
        if fmt.binary and sys.stdout.isatty():
            raise click.UsageError(f"{fmt.value} is a file, not text for the screen: add -o FILE.{fmt.value}.")
        emit(report, fmt)
        return
    try:
        emit(report, fmt, path=path)
    except OSError as error:
        raise click.FileError(path, hint=error.strerror or str(error)) from None


def write_output(path: str | None, text: str) -> None:
    """Text to stdout, or all at once to the file *path* (replacing it)."""
    if path is None or path == "-":
        click.echo(text, nl=False)
        return
    try:
        write_text(path, text)
    except OSError as error:
        raise click.FileError(path, hint=error.strerror or str(error)) from None


def write_bytes(path: str | None, data: bytes) -> None:
    """Bytes (a Word document) to stdout, or all at once to the file *path* (replacing it)."""
    if path is None or path == "-":
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
        return
    try:
        save_bytes(path, data)
    except OSError as error:
        raise click.FileError(path, hint=error.strerror or str(error)) from None