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
from sendplan.cli.inputs import reads, refuse_inputs
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
EXIT_INTERRUPTED = 130  # 128 + SIGINT, as shells report a command stopped by Ctrl-C

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


# Days named relative to today, which every date option accepts ("--as-of yesterday").
DAY_WORDS = {"today": 0, "yesterday": -1, "tomorrow": 1}
# The advice for a day that cannot be read (a plan's deadline advice names yearly deadlines).
DAY_EXAMPLES = 'Write a day such as 31/03/2022 (day first), "31 Mar 2022" or 2022-03-31, or a month such as "Mar 2022".'


class DayParam(DateType):
    """A day written in any deadline spelling. *bound* says which end of a month it means."""

    name = "DATE"

    def __init__(self, bound: str = "end") -> None:
        self.bound = bound

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> date:
        from sendplan.outputs.text import visible
        from sendplan.plan.dates import EXAMPLES, DeadlineError, first_day, parse_day, parse_deadline

        if isinstance(value, date):
            return value
        word = str(value).strip().lower()
        if word in DAY_WORDS:
            from datetime import timedelta

            return today() + timedelta(days=DAY_WORDS[word])
        try:
            if self.bound == "start":
                return first_day(parse_deadline(value))
            return parse_day(value)
        except DeadlineError as error:
            # The plan's advice names yearly deadlines, which mean nothing for one day.
            message = str(error)
            if message.endswith(EXAMPLES):
                message = message.removesuffix(EXAMPLES) + DAY_EXAMPLES
            self.fail(visible(message), param, ctx)


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
    from sendplan.cli.plans import completion_plans, offered_lead_codes

    plans = completion_plans(ctx)
    return _offer(offered_lead_codes(plans, incomplete)) if plans is not None else []


def complete_item_ids(ctx: click.Context, param: click.Parameter, incomplete: str) -> list[Any]:
    """Item ids from the plans (PLAN:ID when several are open), each with its action as the
    description (zsh and fish show it)."""
    from sendplan.cli.plans import completion_plans, offered_item_ids

    plans = completion_plans(ctx)
    return _offer(offered_item_ids(plans, incomplete)) if plans is not None else []


def complete_task_numbers(ctx: click.Context, param: click.Parameter, incomplete: str) -> list[Any]:
    """Task numbers from the plans, with each task's title (the first plan's, where several have one)."""
    from sendplan.cli.plans import completion_plans, offered_task_numbers

    plans = completion_plans(ctx)
    return _offer(offered_task_numbers(plans, incomplete)) if plans is not None else []


def complete_statuses(ctx: click.Context, param: click.Parameter, incomplete: str) -> list[Any]:
    """The six statuses (the aliases are accepted too, but not offered)."""
    from sendplan.plan.codes import Status

    return _offer([(status.value, None) for status in Status if status.value.startswith(incomplete.lower())])


# --plan, --as-of and --no-pager may come before the command too (`sendplan --plan x.yaml
# overdue`, as hledger takes them): the group keeps them here in ctx.meta, which every nested
# context shares, and the command's own option takes the group's value unless given itself.
GROUP_PLAN = "sendplan.group.plan"
GROUP_AS_OF = "sendplan.group.as_of"
NO_PAGER = "sendplan.no_pager"


def _keep_for_commands(key: str) -> Callable[[click.Context, click.Parameter, Any], Any]:
    def callback(ctx: click.Context, param: click.Parameter, value: Any) -> Any:
        if value is not None and value is not False and value != ():  # () = a repeatable option not given
            ctx.meta[key] = value
        return value

    return callback


def _or_before_command(key: str) -> Callable[[click.Context, click.Parameter, Any], Any]:
    """The command's option if given on its command line, else the one given before the command
    (which beats $SENDPLAN_PLAN, as a command-line option should), else its env or default."""

    def callback(ctx: click.Context, param: click.Parameter, value: Any) -> Any:
        from click.core import ParameterSource

        if param.name and ctx.get_parameter_source(param.name) is ParameterSource.COMMANDLINE:
            return value
        return ctx.meta.get(key, value)

    return callback


def group_options(function: F) -> F:
    """The options `sendplan` itself takes before a command: --plan, --as-of and --no-pager."""
    function = click.option(
        "--no-pager", is_flag=True, expose_value=False, callback=_keep_for_commands(NO_PAGER),
        help="Never page long output (see SENDPLAN_PAGER).",
    )(function)  # fmt: skip
    function = click.option(
        "--as-of", type=DayParam(), expose_value=False, callback=_keep_for_commands(GROUP_AS_OF),
        help="The day to answer as of, for any command (also accepted after it).",
    )(function)  # fmt: skip
    return click.option(
        "--plan", metavar="PATH", type=PLAN_PATH, multiple=True, expose_value=False,
        callback=_keep_for_commands(GROUP_PLAN),
        help="The plan file or folder of plans (repeatable), for any command (also accepted after it).",
    )(function)  # fmt: skip


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
        callback=_or_before_command(GROUP_PLAN),
        help=help_text,
    )


plan_option = _plan_option(
    "The plan file, or a folder of plans (repeatable: several plans at once); '-' reads standard "
    "input. Default: ./plan.yaml, else the nearest one in the folders above within the git "
    "repository, else the bundled plan."
)
# diff, glossary and request work on one plan (given several, they say so).
one_plan_option = _plan_option(
    "The plan file; '-' reads standard input. Default: ./plan.yaml, else the nearest one in the "
    "folders above within the git repository, else the bundled plan."
)
# collect records returns in one plan file.
one_edited_plan_option = _plan_option(
    "The plan file to edit. Default: ./plan.yaml, else the nearest one in the folders above "
    "within the git repository."
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
        callback=_or_before_command(GROUP_AS_OF),
        help='The day to answer as of: "2022-03-01", "Mar 2022" (its last day), yesterday… Default: today.',
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


def no_pager_option(function: F) -> F:
    return click.option(
        "--no-pager", is_flag=True, expose_value=False, callback=_keep_for_commands(NO_PAGER),
        help="Print long output straight out, never through a pager.",
    )(function)  # fmt: skip


def common_options(function: F) -> F:
    """--plan, --as-of, --format/--json, -o, --fields and --no-pager, which every listing takes."""
    return plan_option(as_of_option(format_options(output_options(no_pager_option(function)))))


WRAP = "sendplan.wrap"


def wrap_option(function: F) -> F:
    """--wrap (or --full): every item in full, wrapped, instead of a line each on a terminal."""
    return click.option(
        "--wrap/--no-wrap", "--full", default=None, expose_value=False, callback=_keep(WRAP),
        help="Each item in full, wrapped (--wrap or --full), not cut to a line each as a terminal "
        "shows it; --no-wrap gives a line each anywhere.",
    )(function)  # fmt: skip


def to_terminal() -> bool:
    """Whether standard output is a terminal (a person reading), not a pipe or a file."""
    from sendplan.cli.pager import is_terminal

    return is_terminal(sys.stdout)


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
    return OutputFormat.TABLE if to_terminal() else OutputFormat.TSV


def load(plan_path: tuple[str, ...]) -> LoadedPlan:
    """The one plan a command reads: --plan (before or after the command), $SENDPLAN_PLAN,
    ./plan.yaml, the nearest one up the git repository, else the bundled example; a usage
    error if --plan names several (see cli/plans.py)."""
    from sendplan.cli.messages import announce_example
    from sendplan.cli.plans import command_name, refuse_several
    from sendplan.plan.read import load_plan

    loaded = load_plan(reads(refuse_several(plan_path, command_name())))  # noted, so -o may not name it
    announce_example(loaded)
    return loaded


def item_rows(loaded: LoadedPlan, as_of: date) -> list[ItemRow]:
    from sendplan.query import rows

    return rows(loaded.flat, as_of)


def show(report: Report, output_format: str | None) -> None:
    """Hand *report* to the renderer with the format, --fields and -o file the user chose.

    On a terminal, a table of items takes a line per item (unless --wrap) and long output goes
    through the pager; piped or to a file, everything is written in full as it always was.
    """
    from sendplan.cli.messages import ROW_NOUNS, confirm_written, count, printed_pages
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
    refuse_inputs(path)
    if path is None or path == "-":
        terminal = to_terminal()
        if fmt.binary and terminal:
            raise click.UsageError(f"{fmt.value} is a file, not text for the screen: add -o FILE.{fmt.value}.")
        if fmt.binary:  # bytes into a pipe
            emit(report, fmt)
            return
        wrap = ctx.meta.get(WRAP)
        report.one_line = fmt is OutputFormat.TABLE and (wrap is False or (terminal and wrap is None))
        with screen() as out:
            emit(report, fmt, out)
        return
    try:
        pages = emit(report, fmt, path=path)
    except OSError as error:
        raise click.FileError(path, hint=error.strerror or str(error)) from None
    confirm_written(path, count(len(report.rows), ROW_NOUNS.get(report.kind, "row")), printed_pages(pages))


def screen() -> Any:
    """The stream for output to the screen: through the pager when long, unless --no-pager."""
    from sendplan.cli.pager import paged

    return paged(enabled=not click.get_current_context().meta.get(NO_PAGER))


def write_output(path: str | None, text: str, *details: str) -> None:
    """Text to stdout (paged when long, on a terminal), or all at once to the file *path*
    (replacing it, unless the command reads it), then said on stderr with *details*."""
    refuse_inputs(path)
    if path is None or path == "-":
        with screen() as out:
            out.write(text)
        return
    try:
        write_text(path, text)
    except OSError as error:
        raise click.FileError(path, hint=error.strerror or str(error)) from None
    from sendplan.cli.messages import confirm_written

    confirm_written(path, *details)


def write_bytes(path: str | None, data: bytes, *details: str) -> None:
    """Bytes (a Word document) to stdout, or all at once to the file *path* (replacing it,
    unless the command reads it), then said on stderr with *details*."""
    refuse_inputs(path)
    if path is None or path == "-":
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
        return
    try:
        save_bytes(path, data)
    except OSError as error:
        raise click.FileError(path, hint=error.strerror or str(error)) from None
    from sendplan.cli.messages import confirm_written

    confirm_written(path, *details)
