"""Editing commands: update and done, which record progress on one item in the plan file.

The command checks its options and hands the edit to sendplan.plan.edit, the only code that
changes a plan (written through sendplan.plan.write); then it says what changed.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import click

from sendplan.cli.options import (
    DayParam,
    DeadlineTextParam,
    F,
    as_of_option,
    complete_item_ids,
    complete_lead_codes,
    complete_statuses,
    day_or_today,
    edited_plan_option,
)


def _one_line_option(value: str | None, option: str) -> str | None:
    if value is None:
        return None
    from sendplan.outputs.text import clean

    text = clean(value).strip()
    if not text:
        raise click.BadParameter("is empty; write a few words.", param_hint=option)
    return text


def _report_update(result: Any, dry_run: bool) -> None:
    from sendplan.outputs.text import one_line

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


def _apply_update(plan_path: tuple[str, ...], item_ref: str, dry_run: bool, **values: Any) -> None:
    from sendplan.cli.plans import edit_target
    from sendplan.plan.edit import ItemEdit, UnknownItem, update_item

    path, item_id = edit_target(plan_path, item_ref)  # PLAN:ID names the plan among several
    try:
        result = update_item(path, ItemEdit(item_id, **values), dry_run=dry_run)
    except UnknownItem as error:  # a mistake in the command line, not in the plan
        raise click.BadParameter(error.message, param_hint="ID") from None
    _report_update(result, dry_run)


def _note(note: str | None, by: str | None, day: date) -> Any:
    from sendplan.plan.codes import LEAD_CODE, normalise_lead_code
    from sendplan.plan.edit import Note

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


@click.command("update")
@click.argument("item_id", metavar="ID", shell_complete=complete_item_ids)
@click.option("--status", metavar="STATUS", shell_complete=complete_statuses,
              help="not_started, on_track, at_risk, off_track, complete or dropped "
              "(done, in progress, behind schedule, blocked, cancelled… are accepted).")


@click.option("--completed", type=DayParam(), help="The day it was completed (sets status complete).")
@note_options
@click.option("--rag", type=click.Choice(["blue", "green", "amber", "red", "rule"], case_sensitive=False),
              help="Set the RAG rating by hand, overriding the derived one; needs --reason. "
              "`--rag rule` removes a rating set by hand (completing an item does too).")


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
    plan_path: tuple[str, ...],
    as_of: date | None,
) -> None:
    """Record progress on one item, editing the plan file in place.

    Comments, blank lines, key order and quoting elsewhere in the file are kept, so
    `git diff` shows only the changed lines. The new file is checked before it replaces
    the old one. A note is dated --as-of; --status complete without --completed records
    --as-of as the completion day. With several plans open (--plan FOLDER), name the item
    PLAN:ID when more than one plan has its id.

    \b
    Examples:
      sendplan update 4.7 --status at_risk --note "Provider delayed" --by AG
      sendplan update 2.3 --revise "Sep 2022" --reason "Later start agreed"
      sendplan update 1.5 --rag amber --reason "Budget not yet agreed" --dry-run
      sendplan update 1.5 --rag rule
      sendplan update 5.1 --recovery "Briefings booked" --impact "Vote delayed"
    """
    from sendplan.plan.codes import Status, parse_status

    day = day_or_today(as_of)
    wanted = None
    if status is not None:
        try:
            wanted = parse_status(status).value
        except ValueError as error:
            raise click.BadParameter(str(error), param_hint="--status") from None
    rag = rag.lower() if rag else None
    by_rule = rag == "rule"
    if by_rule:
        rag = None
        if reason is not None and not revise:
            raise click.BadParameter("goes with --rag COLOUR or --revise, not --rag rule.", param_hint="--reason")
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
    if not by_rule and not any(
        value is not None for value in (wanted, completed, the_note, rag, revise, *exception_note.values())
    ):
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
        rag=rag,
        rag_reason=why if rag else None,
        clear_rag=by_rule,
        revised_deadline=revise,
        revision_reason=why if revise else None,
        note=the_note,
        completed_unless_set=completed_unless_set,
        **exception_note,
    )


@click.command("done", short_help="Mark an item complete, completed on --as-of.")
@click.argument("item_id", metavar="ID", shell_complete=complete_item_ids)
@note_options
@dry_run_option
@edited_plan_option
@as_of_option
def done_command(
    item_id: str, note: str | None, by: str | None, dry_run: bool, plan_path: tuple[str, ...], as_of: date | None
) -> None:
    """Mark an item complete, completed on --as-of (a shortcut for update).

    A yearly item marked done falls due again at its next occurrence.

    \b
    Example:
      sendplan done 1.1 --as-of 2022-03-20
    """
    day = day_or_today(as_of)
    _apply_update(plan_path, item_id, dry_run, status="complete", completed=day, note=_note(note, by, day))
