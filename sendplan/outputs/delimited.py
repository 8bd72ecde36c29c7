"""Delimited text: TSV for other programs and pipes, CSV that opens cleanly in Excel.

TSV puts every field on one line in full; CSV keeps each cell from running as a formula.
`spreadsheet_text` is the text of a spreadsheet cell, shared with the workbook (xlsx.py).
"""

from __future__ import annotations

import re
from dataclasses import is_dataclass
from typing import IO, Any

from sendplan.outputs.rows import Report, chosen_names, flat_text, out_stream, record
from sendplan.outputs.text import clean


def render_tsv(report: Report, out: IO[str] | None = None) -> None:
    """Tab-separated, a header then one row per line, every field in full, no colour.

    With no rows the header is still written, as the CSV does: a script reading the columns by
    name, or a person checking a cron mail, can tell "nothing matched" from "nothing ran".
    """
    stream = out_stream(out)
    names = chosen_names(report)
    lines = ["\t".join(names)]
    lines += ["\t".join(flat_text(getattr(row, name)) for name in names) for row in report.rows]
    stream.write("\n".join(lines) + "\n")


# A spreadsheet runs a cell that starts with one of these as a formula (OWASP "CSV injection").
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_NEWLINES = re.compile(r"\r\n?")
BOM = "\ufeff"


def neutralise(text: str) -> str:
    """Text a spreadsheet shows as written: a leading ' stops =, +, -, @, tab and CR starting a formula."""
    return "'" + text if text.startswith(_FORMULA_START) else text


def spreadsheet_text(value: Any) -> str:
    """A text cell of a CSV or a workbook: plan text cleaned, lists and records on one cell."""
    if isinstance(value, list):
        # One entry per line inside the cell: Excel shows them as a wrapped list, and the
        # semicolons the plan's own text ends with stay unambiguous.
        return "\n".join(clean(str(part)).strip() for part in value)
    if isinstance(value, dict):  # each plan's name for a lead: a line each, "dsg: C. Kiernan"
        return "\n".join(f"{clean(str(key))}: {clean(str(part))}" for key, part in value.items())
    if is_dataclass(value) and not isinstance(value, type):
        return " ".join(clean(str(part)) for part in record(value).values() if part)
    return clean(str(value))


def _csv_cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return str(value)  # a number we computed, such as -3 slip days: never a formula
    return neutralise(_NEWLINES.sub("\n", spreadsheet_text(value)))


def render_csv(report: Report, out: IO[str] | None = None) -> None:
    """CSV that opens cleanly in Excel: UTF-8 BOM, a header row, one row per item, no formulas."""
    import csv

    stream = out_stream(out)
    names = chosen_names(report)
    stream.write(BOM)
    writer = csv.writer(stream, lineterminator="\r\n")
    writer.writerow(names)
    for row in report.rows:
        writer.writerow([_csv_cell(getattr(row, name)) for name in names])
