"""What sendplan says on stderr: the bundled example announced, problems, and every file written.

Messages go to stderr, so standard output holds only the answer. On a terminal a long message
wraps at words to its width (a problem continues under an indent); into a pipe or a file each
stays on one line, as editors, CI logs and scripts read them.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Any

import click

if TYPE_CHECKING:
    from sendplan.plan.load import LoadedPlan


def announce_example(loaded: LoadedPlan) -> None:
    """One line on stderr when the bundled example answers, so nobody takes it for their plan."""
    from sendplan.plan.source import is_bundled

    if not is_bundled(loaded.source):
        return
    flat = loaded.flat  # the listings read only this: the plan's own records are not needed
    what = ", ".join(part for part in (flat.organisation, flat.date_text) if part)
    tell(f"Using the example plan bundled with sendplan{f' ({what})' if what else ''}. Start your own with: sendplan init")


def tell(message: str, indent: str = "", *, err: bool = True) -> None:
    """A message on stderr (or stdout, with *err* False): one line when it goes to a pipe or a
    file (for logs and editors), wrapped at words to the width of a terminal, continuing under
    *indent*."""
    from sendplan.cli.pager import is_terminal, terminal_size

    if is_terminal(sys.stderr if err else sys.stdout):
        import textwrap

        width = max(terminal_size().columns - 1, 40)
        message = textwrap.fill(message, width, subsequent_indent=indent, break_on_hyphens=False, break_long_words=False)
    click.echo(message, err=err)


def tell_problems(problems: Any) -> None:
    """Problems on stderr as FILE:LINE:COL lines; on a terminal each wraps under an indent."""
    from sendplan.outputs.problems import format_problem

    for problem in problems:
        tell(format_problem(problem), indent="    ")


# What a report's rows are, for "Wrote tracker.csv (57 items)".
ROW_NOUNS = {
    "items": "item", "leads": "lead", "tasks": "task", "glossary": "abbreviation", "changes": "change",
    "portfolio_leads": "lead", "plan_tasks": "task",
}  # fmt: skip


def count(number: int, noun: str) -> str:
    """ "1 item", "57 items"."""
    return f"{number} {noun}{'' if number == 1 else 's'}"


def confirm_written(path: str, *details: str) -> None:
    """ "Wrote tracker.xlsx (57 items, the Tracker sheet prints on 7 pages)" on stderr: every -o FILE says what
    it wrote, so a write that succeeds is not mistaken for one that did nothing."""
    from sendplan.outputs.text import visible

    said = ", ".join(detail for detail in details if detail)
    click.echo(f"Wrote {visible(path)}{f' ({said})' if said else ''}", err=True)


def printed_pages(pages: int | None) -> str:
    """ "the Tracker sheet prints on 7 pages", or "" when the pages are not known (only a printer
    lays out text). Only a workbook's Tracker sheet knows its pages; the sheet is named because
    a program that prints every sheet (LibreOffice) prints the others too."""
    return f"the Tracker sheet prints on {count(pages, 'page')}" if pages else ""


