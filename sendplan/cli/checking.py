"""Checking commands: validate (errors and plan health warnings) and diff (what changed).

validate turns each plan's problems into lines (or JSON, GitHub annotations, parsable lines)
and decides the exit code itself, once, from every file it was given.
"""

from __future__ import annotations

import sys
from datetime import date
from typing import Any

import click

from sendplan.cli.messages import count, tell, tell_problems
from sendplan.cli.options import (
    EXIT_OK,
    EXIT_PROBLEMS,
    PLAN_PATH,
    as_of_option,
    day_or_clock,
    format_options,
    no_pager_option,
    one_plan_option,
    plan_option,
    set_json,
    show,
)
from sendplan.cli.plans import plan_name
from sendplan.outputs.registry import PROBLEM_FORMAT_ALIASES, OutputFormat, ProblemFormat


def _check_codes(ctx: click.Context, param: click.Parameter, values: tuple[str, ...]) -> tuple[str, ...]:
    from sendplan.plan.checks.registry import CHECKS, normalise_code, suggest_code

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
    """ "21 warnings (3 more ignored)", "no warnings (3 ignored)" or "no warnings"."""
    count, ignored = len(findings.shown), len(findings.ignored)
    if not count:
        return f"no warnings ({ignored} ignored)" if ignored else "no warnings"
    return f"{count} warning{'s' if count != 1 else ''}" + (f" ({ignored} more ignored)" if ignored else "")


def _across_plans(readable: list[tuple[str, Any]], ignore: tuple[str, ...]) -> list[Any]:
    """The checks that span plans (a lead code named differently in two of them, SP118), less
    those the command line, or the plan the finding is in, silences."""
    from sendplan.plan.checks.registry import ignored_codes
    from sendplan.plan.portfolio import Member, Portfolio, lead_name_problems, short_names

    names = short_names([path for path, _ in readable])
    portfolio = Portfolio([Member(name, loaded) for name, (_, loaded) in zip(names, readable, strict=True)], True)
    silenced = {loaded.source: ignored_codes(loaded, ignore) for _, loaded in readable}
    return [
        problem
        for problem in lead_name_problems(portfolio)
        if problem.location is None or problem.code not in silenced.get(problem.location.file, frozenset())
    ]


def _explain(codes: tuple[str, ...]) -> None:
    """Each check's code, name and kind, what it finds, and how to fix a finding."""
    from sendplan.plan.checks.registry import CHECKS

    for index, code in enumerate(codes):
        check = CHECKS[code]
        if index:
            click.echo()
        click.echo(f"{check.code} {check.name} ({check.severity.value})")
        # The docstrings are Markdown (docs/checks.md is built from them): `code` reads as "code".
        click.echo(_wrapped(check.meaning.replace("`", '"')))
        if check.fix:
            click.echo(_wrapped("Fix: " + check.fix.replace("`", '"')))


def _wrapped(text: str) -> str:
    import textwrap

    from sendplan.cli.pager import terminal_size

    return textwrap.fill(text, min(terminal_size().columns - 1, 79), break_on_hyphens=False)


@click.command("validate", short_help="Check plan files: errors, and warnings about gaps.")
@click.argument("files", nargs=-1, metavar="[FILE]...", type=PLAN_PATH)
@plan_option
@as_of_option
@no_pager_option
@click.option("--json", "as_json", is_flag=True, expose_value=False, callback=set_json, help="Shorthand for --format json.")
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
@click.option(
    "--explain", "explain", metavar="CODE", multiple=True, callback=_check_codes,
    help="Say what a check (SP101, or its name: no-lead) finds and how to fix it; reads no plan.",
)  # fmt: skip
def validate_command(
    files: tuple[str, ...],
    plan_path: tuple[str, ...],
    as_of: date | None,
    output_format: str | None,
    strict: bool,
    ignore: tuple[str, ...],
    summary: bool,
    explain: tuple[str, ...],
) -> None:
    """Check plan files: errors stop a plan being read; warnings are gaps in a readable plan.

    With no FILE, checks the plan chosen by --plan; several files may be named, as a
    pre-commit hook does, and a FILE may be a folder of plans (then a lead code with
    another name in another plan is a warning too, SP118). Every finding is reported at once as FILE:LINE:COL with a
    check code such as SP101; `sendplan validate --explain SP101` says what that check
    finds and how to fix it. A plan with errors gets no warnings: they come once the
    errors are fixed. Exits 1 on errors, and on warnings only with --strict;
    otherwise 0. Text goes to stderr (wrapped on a terminal, a line a finding otherwise);
    json (one array), github and parsable to stdout. Silence a check with --ignore CODE
    or the plan's "checks: ignore:" list.

    \b
    Examples:
      sendplan validate plan.yaml
      sendplan validate --explain SP101
      sendplan validate --summary --as-of 2021-11-01
      sendplan validate --strict --ignore SP110 --format github
    """
    if explain:
        _explain(explain)
        return
    from sendplan.cli.plans import plan_paths
    from sendplan.errors import PlanError
    from sendplan.outputs.json import to_json
    from sendplan.outputs.problems import emit_problems, problem_format
    from sendplan.outputs.rows import Report, record
    from sendplan.outputs.text import visible
    from sendplan.plan.checks.registry import run_checks
    from sendplan.plan.portfolio import is_folder, is_portfolio, meant_as_plan, not_a_plan, plan_files
    from sendplan.plan.read import load_plan
    from sendplan.plan.source import display_name

    ctx = click.get_current_context()
    fmt = ProblemFormat.JSON if ctx.meta.get("sendplan.json") else problem_format(output_format or "text")
    named = list(files) or plan_paths(plan_path)
    # Files named one by one (as a pre-commit hook names them) are checked each on its own; a
    # folder, or several --plan values, is a portfolio, checked across its plans too.
    several = any(is_folder(path) for path in named) or (not files and is_portfolio(named))
    if summary and (fmt not in (ProblemFormat.TEXT, ProblemFormat.JSON) or several or len(named) > 1):
        raise click.BadParameter(
            "--summary counts the findings of one plan, as text or json; name one file and leave out --format "
            "or use json.",
            param_hint="--summary",
        )
    reported: list[Any] = []  # every problem, for the machine formats: one array or stream
    failed = unreadable = False
    readable: list[tuple[str, Any]] = []
    for file in plan_files(named):
        path = file.path
        try:
            loaded = load_plan(path)
        except PlanError as error:
            if file.found and not meant_as_plan(path):  # a docker-compose.yml in a folder of plans
                failed = failed or strict
                reported.append(not_a_plan(path))
                if fmt is ProblemFormat.TEXT:
                    tell_problems([not_a_plan(path)])
                continue
            failed = unreadable = True
            reported += error.problems
            if fmt is ProblemFormat.TEXT:
                tell_problems(error.problems)
            continue
        readable.append((path, loaded))
        # The clock is passed, not read: only a check that needs the day reads it.
        findings = run_checks(loaded, day_or_clock(as_of), ignore)
        failed = failed or bool(strict and findings.shown)
        reported += findings.shown
        if summary:
            from sendplan.plan.checks.summary import summarise  # only with --summary

            by_check, by_task = summarise(loaded, findings, ignore)
            if fmt is ProblemFormat.JSON:
                click.echo(to_json({"checks": record(by_check), "tasks": record(by_task)}))
            else:
                table = OutputFormat.TSV if output_format == "tsv" else OutputFormat.TABLE
                heading = f"{plan_name(loaded)} · {_warnings(findings)}"
                show(Report("checks", by_check, f"Plan health by check · {heading}"), table.value)
                show(Report("task_findings", by_task, f"Plan health by task · {heading}"), table.value)
        elif fmt is ProblemFormat.TEXT:
            tell_problems(findings.shown)
            items = sum(1 for _ in loaded.plan.iter_items())
            # A healthy plan's verdict stays as it was before the checks: "valid (8 tasks, 57 items)".
            healthy = not findings.shown and not findings.ignored
            tell(
                f"{visible(display_name(loaded.source))}: valid ({count(len(loaded.plan.tasks), 'task')}, {count(items, 'item')})"
                + ("" if healthy else f", {_warnings(findings)}"),
                err=False,
            )
    if several and len(readable) > 1:
        across = _across_plans(readable, ignore)
        failed = failed or bool(strict and across)
        reported += across
        if fmt is ProblemFormat.TEXT:
            tell_problems(across)
            tell(f"across {count(len(readable), 'plan')}: {count(len(across), 'warning') if across else 'no warnings'}", err=False)
    # A summary replaces the list of findings, unless a plan could not be read at all.
    if fmt is not ProblemFormat.TEXT and not (summary and not unreadable):
        emit_problems(reported, fmt)
    sys.exit(EXIT_PROBLEMS if failed else EXIT_OK)


@click.command("diff")
@click.argument("files", nargs=-1, metavar="[OLD NEW]", type=PLAN_PATH)
@click.option(
    "--rev", metavar="REV",
    help="Compare the plan file as committed at this git revision (HEAD~1, a tag, a commit) with the file now.",
)  # fmt: skip


@one_plan_option
@format_options
def diff_command(
    files: tuple[str, ...], rev: str | None, plan_path: tuple[str, ...], output_format: str | None
) -> None:
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
    from sendplan.cli.plans import refuse_several
    from sendplan.outputs.rows import Report
    from sendplan.plan.diff import compare
    from sendplan.plan.read import load_plan
    from sendplan.plan.source import STDIN

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
        from sendplan.plan.history import RevisionError, load_at_revision

        if len(files) > 1:
            raise click.UsageError("with --rev, give at most one plan file: the one to compare with its history.")
        path = files[0] if files else refuse_several(plan_path, "diff")
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
