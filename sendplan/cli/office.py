"""Office round trips: `sendplan import` (a tracker kept in Excel, CSV or Word → a plan file)."""

from __future__ import annotations

import os
from typing import Any

import click

from sendplan.cli.options import refuse_inputs


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


@click.command("import")
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
