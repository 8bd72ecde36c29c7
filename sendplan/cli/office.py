"""Office round trips: `sendplan import` (a tracker kept in Excel, CSV or Word → a plan file),
and the monthly update round: `request` (a return workbook and a draft email for each lead) and
`collect` (their answers back into the plan, in one checked write).

Each command parses its options, calls sendplan.office (and sendplan.plan.edit), and says what
happened in plain words.
"""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path
from typing import Any

import click

from sendplan.cli.inputs import refuse_inputs
from sendplan.cli.options import (
    EXIT_PROBLEMS,
    DayParam,
    PeriodParam,
    as_of_option,
    complete_item_ids,
    complete_lead_codes,
    day_or_today,
    load,
    one_edited_plan_option,
    one_plan_option,
)


def _leads(loaded: Any, codes: tuple[str, ...]) -> list[str]:
    from sendplan.plan.codes import normalise_lead_code
    from sendplan.query import known_leads

    known = known_leads(loaded.plan)
    wanted = [normalise_lead_code(code) for code in codes]
    unknown = [code for code in wanted if code not in known]
    if unknown:
        raise click.BadParameter(
            f'"{unknown[0]}" is not a lead in this plan. Known leads: {", ".join(known)}.', param_hint="'--lead'"
        )
    return list(dict.fromkeys(wanted))


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"


@click.command("request", short_help="Write a return workbook for each lead, and an email to send.")
@one_plan_option
@as_of_option
@click.option(
    "--lead", "leads", metavar="CODE", multiple=True, shell_complete=complete_lead_codes,
    help="Only this lead (repeatable). Default: every lead with open items.",
)  # fmt: skip
@click.option(
    "--within", type=PeriodParam(), metavar="PERIOD",
    help='Only items overdue or falling due within this period ("3m", "6w"); it is also what "due soon" '
    "means in the message. Default: every open item, and due soon = 30 days.",
)  # fmt: skip
@click.option("--return-by", type=DayParam(), metavar="DATE", help="The day answers are due back. Default: two weeks after --as-of.")
@click.option(
    "--from", "sender", metavar="ADDRESS", envvar="SENDPLAN_FROM", show_envvar=True,
    help='You, as "Name <address>": the drafts come from you and ask for the workbooks back to you.',
)  # fmt: skip
@click.option("-o", "--output", "folder", metavar="DIR", required=True,
              help="The folder to write the workbooks and drafts in (made if missing).")  # fmt: skip
@click.option("--force", is_flag=True, help="Replace workbooks and drafts in DIR that differ from the new ones "
              "(a lead's filled-in return among them).")  # fmt: skip
def request_command(
    plan_path: tuple[str, ...],
    as_of: date | None,
    leads: tuple[str, ...],
    within: tuple[int, str] | None,
    return_by: date | None,
    sender: str | None,
    folder: str,
    force: bool,
) -> None:
    """Write a return workbook for each lead to fill in, and a draft email to send it with.

    For each lead with open items (or each --lead): DIR/<plan>-<LEAD>-<date>.xlsx, listing
    their open items with columns to fill in (new status, progress note, revised deadline
    and reason, completed on, evidence), and, where the plan has the lead's email, a draft
    DIR/<plan>-<LEAD>-<date>.eml with the workbook attached that Outlook opens ready to send.
    Collect the answers with `sendplan collect`. A file in DIR that differs from the one
    about to be written (a lead's return, saved under the name it was sent with) is never
    replaced unless --force is given: then nothing is written.

    \b
    Example:
      sendplan request --as-of 2021-12-01 -o returns
    """
    from sendplan import __version__
    from sendplan.errors import Location, PlanError
    from sendplan.office.mail import address, draft_message
    from sendplan.office.returns import build_requests, file_stem, short_day
    from sendplan.office.returns_book import request_workbook
    from sendplan.office.returns_guard import refuse_replacing
    from sendplan.plan.checks.leads import plausible_email
    from sendplan.plan.dates import period_end
    from sendplan.query import rows

    day = day_or_today(as_of)
    if sender is not None:
        try:
            address(sender)
        except ValueError:
            raise click.BadParameter(
                f'"{sender}" is not an email address: write it as "Jo Bloggs <jo.bloggs@council.gov.uk>".',
                param_hint="'--from'",
            ) from None
    if return_by is not None and return_by < day:
        raise click.BadParameter(f"{return_by.isoformat()} is before --as-of {day.isoformat()}.", param_hint="'--return-by'")
    loaded = load(plan_path)
    chosen = _leads(loaded, leads)
    end = period_end(day, within) if within else None
    requests = build_requests(
        loaded.plan, rows(loaded.plan, day), as_of=day, leads=chosen, return_by=return_by,
        soon_end=end, due_by=end, reply_to=sender,
    )  # fmt: skip
    out = Path(folder)
    if out.exists() and not out.is_dir():
        raise PlanError.single(
            "this is a file, not a folder: -o names the folder the workbooks and drafts go in "
            "(for example -o returns). Nothing was written.",
            Location(folder),
        )
    files: list[tuple[Path, bytes]] = []
    written, no_address, bad_address, nothing = [], [], [], []
    for request in requests:
        if not request.rows:
            nothing.append(request.who)
            continue
        stem = file_stem(request)
        workbook = request_workbook(request, version=__version__)
        files.append((out / f"{stem}.xlsx", workbook))
        counts = [_count(len(request.rows), "item")]
        counts += [f"{request.overdue} overdue"] if request.overdue else []
        counts += [f"{request.due_soon} due soon"] if request.due_soon else []
        written.append(f"  {request.lead:<4} {stem}.xlsx: {', '.join(counts)}")
        if request.email and plausible_email(request.email):
            files.append((out / f"{stem}.eml", draft_message(request, workbook, f"{stem}.xlsx", sender=sender)))
            written.append(f"  {'':<4} {stem}.eml: a draft to {request.email}")
        elif request.email:
            bad_address.append(f"{request.who} ({request.email!r})")
        else:
            no_address.append(request.who)
    if not force:
        refuse_replacing(files)
    if files:
        try:
            out.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise PlanError.single(f"cannot make this folder: {error.strerror or error}. Nothing was written.",
                                   Location(folder)) from None
    for path, data in files:
        _write(path, data)
    made = [request for request in requests if request.rows]
    if made:
        due = short_day(made[0].return_by)
        click.echo(f"Wrote {_count(len(made), 'return')} in {folder}, as of {day.isoformat()}, due back by {due}:")
        for line in written:
            click.echo(line)
    else:
        click.echo("No returns written: no lead has an open item.")
    if no_address:
        click.echo(
            f"No email address for {', '.join(no_address)}: send their workbooks yourself, or add "
            '"email:" under their code in "leads:".',
            err=True,
        )
    if bad_address:
        click.echo(f"No draft for {', '.join(bad_address)}: that is not an email address (sendplan validate says where).", err=True)
    for who in nothing:
        click.echo(f"No return for {who}: no open items.", err=True)


def _write(path: Path, data: bytes) -> None:
    from sendplan.errors import Location, PlanError
    from sendplan.outputs.registry import write_bytes

    try:
        write_bytes(str(path), data)
    except OSError as error:
        raise PlanError.single(f"cannot write this file: {error.strerror or error}.", Location(str(path))) from None


# --- collect ---------------------------------------------------------------------------------


def _read_all(files: tuple[str, ...]) -> tuple[list[Any], list[Any]]:
    """Every return that could be read, and every problem of those that could not."""
    import os

    from sendplan.errors import PlanError
    from sendplan.office.returns_read import read_return

    returns: list[Any] = []
    problems: list[Any] = []
    seen: set[str] = set()
    for name in files:
        real = os.path.realpath(name)
        if real in seen:
            continue
        seen.add(real)
        try:
            returns.append(read_return(name))
        except PlanError as error:
            problems.extend(error.problems)
    return returns, problems


def _say(source: Any, outcomes: list[Any]) -> None:
    from sendplan.office.returns import short_day

    record = source.record
    who = f"{record.lead_name} ({record.lead})" if record.lead_name else record.lead
    answered = [outcome for outcome in outcomes if outcome.source == source.name]
    click.echo(f"{source.name}: return from {who}, sent {short_day(record.as_of)}: {_count(len(answered), 'row')} answered")
    for outcome in answered:
        lead = f"  {outcome.item_id:<6}"
        pad = " " * len(lead)
        if outcome.kind == "already":
            click.echo(f"{lead}already in the plan: nothing to change")
        elif outcome.kind == "repeat":
            click.echo(f"{lead}the same as in {outcome.words[0]}: collected once")
        elif outcome.kind == "conflict":
            click.echo(f"{lead}NOT APPLIED: the item changed in the plan after this form was made")
            for difference in outcome.differences:
                click.echo(f"{pad}plan: {difference}")
            for words in outcome.words:
                click.echo(f"{pad}return says: {words}")
            if outcome.wanted is not None:
                click.echo(f"{pad}to apply it anyway: --force {outcome.item_id}")
        else:
            forced = " (forced over a change in the plan)" if outcome.kind == "forced" else ""
            for n, words in enumerate(outcome.words):
                click.echo(f"{lead if n == 0 else pad}{words}{forced if n == 0 else ''}")


@click.command("collect", short_help="Record the answers of returned workbooks in the plan.")
@click.argument("files", nargs=-1, required=True, metavar="FILE.xlsx...", type=click.Path())
@one_edited_plan_option
@as_of_option
@click.option("--dry-run", is_flag=True, help="Say what would change; do not write the plan.")
@click.option("--force", "forced", metavar="ID", multiple=True, shell_complete=complete_item_ids,
              help="Apply this item's answers even though it changed in the plan after the form was made (repeatable).")
@click.option("--all-or-nothing", is_flag=True, help="Apply nothing if any row conflicts.")
def collect_command(
    files: tuple[str, ...],
    plan_path: tuple[str, ...],
    as_of: date | None,
    dry_run: bool,
    forced: tuple[str, ...],
    all_or_nothing: bool,
) -> None:
    """Read returned workbooks and record their answers in the plan, in one checked write.

    Each answer goes in as `update` would put it (comments and layout kept): New status, a
    revised deadline with its reason, the completion day, evidence, and the progress note as
    an update by the lead dated --as-of. A return already collected changes nothing. An item
    changed in the plan after its form was made is a conflict: not applied (unless --force
    ID), while the other rows still are (unless --all-or-nothing). A return that cannot be
    used is refused with its cell, and then nothing is written.

    \b
    Example:
      sendplan collect returns/*.xlsx --dry-run
    """
    from sendplan.cli.plans import refuse_several
    from sendplan.errors import PlanError
    from sendplan.office.collect import plan_collect
    from sendplan.outputs.problems import emit_problems
    from sendplan.outputs.registry import ProblemFormat
    from sendplan.plan.edit import update_items
    from sendplan.plan.read import load_plan
    from sendplan.plan.source import STDIN
    from sendplan.plan.write import writable_path

    path = refuse_several(plan_path, "collect")
    if path == STDIN:
        raise click.BadParameter("a plan read from standard input cannot be updated; name the plan file.", param_hint="--plan")
    writable_path(path)
    day = day_or_today(as_of)
    returns, problems = _read_all(files)
    loaded = load_plan(path)
    warnings = [warning for source in returns for warning in source.warnings]
    try:
        plan = plan_collect(loaded, returns, as_of=day, force=frozenset(forced))
    except PlanError as error:
        problems.extend(error.problems)
    if problems:
        # Every problem of every file at once: those read well are checked against the plan too.
        raise PlanError([*problems, *warnings])
    for source in returns:
        _say(source, plan.outcomes)
    conflicts = [outcome.item_id for outcome in plan.conflicts]
    unused = sorted(set(forced) - {outcome.item_id for outcome in plan.of_kind("forced")})
    for item_id in unused:
        click.echo(f"--force {item_id}: item {item_id} has no conflict in these returns; nothing was forced.", err=True)
    edits = [outcome.wanted.edit(day) for outcome in plan.to_apply if outcome.wanted is not None]
    if conflicts and all_or_nothing:
        emit_problems(warnings, ProblemFormat.TEXT)
        click.echo(
            f"Nothing applied: {_count(len(conflicts), 'conflict')} ({', '.join(conflicts)}) and --all-or-nothing. "
            f"{path} is unchanged.",
            err=True,
        )
        click.get_current_context().exit(EXIT_PROBLEMS)
    if not edits:
        if plan.of_kind("already", "repeat") and not conflicts:
            click.echo(f"Nothing to change: {path} already holds every answer (collected before?).")
        elif not conflicts:
            click.echo(f"Nothing to change: no row of these returns is filled in. {path} is unchanged.")
    elif dry_run:
        click.echo(f"Dry run: {_count(len(edits), 'item')} would change; {path} is unchanged.")
    else:
        result = update_items(path, edits)
        click.echo(f"Updated {path}: {_count(sum(bool(r.changes) for r in result.results), 'item')} changed.")
    emit_problems(warnings, ProblemFormat.TEXT)
    if conflicts:
        click.echo(
            f"{_count(len(conflicts), 'conflict')} not applied ({', '.join(conflicts)}): check each with the lead, "
            "then run again with --force ID, or record it with `sendplan update`.",
            err=True,
        )
        click.get_current_context().exit(EXIT_PROBLEMS)


# --- import ---------------------------------------------------------------------------------


def _maps(ctx: click.Context, param: click.Parameter, values: tuple[str, ...]) -> list[Any]:
    from sendplan.office.headers import FIELDS, ColumnRule

    rules = []
    for value in values:
        name, equals, column = value.partition("=")
        name = name.strip().lower().replace("-", "_")
        if not equals or name not in FIELDS:
            raise click.BadParameter(
                f"{value!r}: write FIELD=COLUMN, where FIELD is one of {', '.join(FIELDS)} and COLUMN a "
                "heading or a column letter (--map lead=Owner, --map deadline=F); FIELD= leaves a field out.",
                ctx, param,
            )
        rules.append(ColumnRule(name, column, "--map"))
    return rules


@click.command("import", short_help="Make a plan from an Excel, CSV or Word tracker.")
@click.argument("file", metavar="FILE", type=click.Path(dir_okay=False))
@click.option("-o", "--output", metavar="PLAN", type=click.Path(dir_okay=False),
              help="Write the plan to PLAN (e.g. plan.yaml) instead of standard output. An existing file is "
                   "never replaced unless --force is given.")
@click.option("--sheet", metavar="NAME", help="The workbook's sheet that holds the plan (default: the best match).")
@click.option("--table", "table_number", type=click.IntRange(min=1), metavar="N",
              help="The Word document's table that holds the plan, counting from 1 (default: the best match).")
@click.option("--map", "maps", multiple=True, metavar="FIELD=COLUMN", callback=_maps,
              help="Read FIELD from COLUMN (a heading or a letter), e.g. --map lead=Owner. Repeatable.")
@click.option("--rules", "rules_path", metavar="FILE", type=click.Path(dir_okay=False),
              help="A YAML rules file: column → field, and maps for statuses, RAG and owners (see docs/import.md).")
@click.option("--dry-run", is_flag=True, help="Show the mapping and the first rows; write nothing.")
@click.option("--force", is_flag=True, help="Replace PLAN if it exists.")
def import_command(
    file: str, output: str | None, sheet: str | None, table_number: int | None, maps: list[Any],
    rules_path: str | None, dry_run: bool, force: bool,
) -> None:
    """Make a plan from a tracker kept in Excel (.xlsx), CSV (.csv) or Word (.docx).

    Finds the table whose header best matches plan columns (Ref, Priority, Action, Owner,
    Target date, Success measure, Status, RAG, Latest update...), says which it chose and
    how it read each column, and writes the plan as YAML to standard output, or to PLAN
    with -o. Deadlines that name no date ("Ongoing", "TBC") are kept as written and listed
    as warnings; every item's comment names the cell it came from.

    \b
    Examples:
      sendplan import tracker.xlsx --dry-run
      sendplan import tracker.xlsx -o plan.yaml
      sendplan import plan.docx --table 3 --map lead=Owner -o plan.yaml
    """
    from sendplan.errors import Location, PlanError
    from sendplan.office.draft import plan_text
    from sendplan.office.importer import import_tracker
    from sendplan.office.rules import Rules, read_rules
    from sendplan.office.summary import mapping_lines, preview_lines, source_lines, summary_lines
    from sendplan.outputs.problems import emit_problems
    from sendplan.outputs.registry import ProblemFormat
    from sendplan.outputs.text import visible
    from sendplan.plan.load import parse_plan
    from sendplan.plan.source import read_source
    from sendplan.plan.write import create_plan

    extension = os.path.splitext(file)[1].lower()
    if sheet is not None and table_number is not None:
        raise click.UsageError("give --sheet (for a workbook) or --table (for a Word document), not both.")
    if sheet is not None and extension not in (".xlsx", ".xlsm"):
        raise click.BadParameter("--sheet chooses a sheet of an Excel workbook (.xlsx).", param_hint="--sheet")
    if table_number is not None and extension != ".docx":
        raise click.BadParameter("--table chooses a table of a Word document (.docx).", param_hint="--table")
    refuse_inputs(output, [file, rules_path or ""])
    if output is not None and not dry_run and os.path.exists(output) and not force:
        raise PlanError.single(
            "this file already exists, so nothing was written. Give another name, or add --force to replace it.",
            Location(output),
        )
    rules = Rules()
    if rules_path is not None:
        name, text = read_source(rules_path)
        rules = read_rules(text, name)
    imported = import_tracker(file, sheet=sheet, table=table_number, maps=maps, rules=rules)
    text = plan_text(imported.draft)
    parse_plan(text, output or "<import>")  # the plan must load before anything is written
    to_stdout = output is None and not dry_run
    report = [*source_lines(imported), *mapping_lines(imported)]
    if dry_run:
        report += preview_lines(imported)
    report += summary_lines(imported)
    for line in report:
        indent = line[: len(line) - len(line.lstrip(" "))]
        click.echo(indent + visible(line), err=to_stdout)
    if dry_run:
        click.echo("Nothing was written (--dry-run).")
    elif output is None:
        click.echo(text, nl=False)
    else:
        try:
            create_plan(output, text, force=force)
        except OSError as error:
            raise PlanError.single(f"cannot write the plan: {error.strerror or error}. Nothing was written.",
                                   Location(output)) from None
        click.echo(f"Wrote {visible(output)}. Check it with: sendplan validate {visible(output)}")
    # Last, so a terminal shows them in the order a log of both streams does.
    emit_problems(imported.warnings, ProblemFormat.TEXT)
