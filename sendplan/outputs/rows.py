"""What a command hands to an output: a Report of rows, and the rows as JSON-contract records.

Rows are dataclasses; a record is the dataclass as a dict in field order, which is the order
the JSON contract documents. `--fields` picks and orders the columns of any format.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, fields, is_dataclass
from datetime import date
from operator import attrgetter
from typing import IO, Any

from sendplan.outputs.text import one_line


@dataclass
class Report:
    """What a command shows: rows of one kind, a title, and notes printed under a table."""

    kind: str  # "items", "leads" or "tasks": picks the table columns
    rows: Sequence[Any]
    title: str
    empty: str = "Nothing to show."
    notes: list[str] = field(default_factory=list)
    fields: Sequence[str] | None = None  # --fields: these columns, in this order
    highlight: Callable[[Any], bool] = lambda row: False
    # Rows whose section differs from the next row's end a section (a rule in the table).
    section: Callable[[Any], Any] | None = None
    # Table columns (by the row field they show) a command leaves out: by-lead's title names the lead.
    hide: frozenset[str] = frozenset()
    # A terminal's view: a line per row, the widest column cut to fit ("…"); else wrapped in full.
    one_line: bool = False
    # The rows' dataclass when it is not the kind's usual one (rows that carry their plan), so
    # an empty report still has its columns (a TSV header, --fields).
    row_type: type | None = None


_SCALARS = frozenset({str, int, bool, type(None), float})
# Per dataclass: its field names and a function reading them all at once (attrgetter, in C).
_FIELDS: dict[type, tuple[tuple[str, ...], Callable[[Any], Any]]] = {}


def _one_field(names: tuple[str, ...]) -> Callable[[Any], tuple[Any, ...]]:
    """attrgetter of one name gives the value, not a tuple of one; of none, it cannot be made."""
    get = attrgetter(*names) if names else (lambda value: None)
    return lambda value: (get(value),) if names else ()


def record(row: Any) -> Any:
    """A dataclass as a dict in field order (the JSON contract's order), recursively."""
    kind = type(row)
    if kind in _SCALARS:
        return row
    found = _FIELDS.get(kind)
    if found is None and is_dataclass(row) and not isinstance(row, type):
        names = tuple(f.name for f in fields(row))
        read: Callable[[Any], Any] = attrgetter(*names) if len(names) > 1 else _one_field(names)
        found = _FIELDS[kind] = (names, read)
    if found is not None:
        names, read = found
        values = read(row)
        data = dict(zip(names, values, strict=True))
        # Most fields are scalars, or lists of text: kept as they are (10,000 rows × 19 fields).
        scalars = _SCALARS
        for name, value in zip(names, values, strict=True):
            kind = type(value)
            if kind not in scalars and not (kind is list and all(type(part) is str for part in value)):
                data[name] = record(value)
        return data
    if isinstance(row, list):
        return [record(value) for value in row]
    if isinstance(row, date):
        return row.isoformat()
    return row


def out_stream(out: IO[str] | None) -> IO[str]:
    """*out*, or standard output (looked up when writing, so a test's capture is honoured)."""
    return out if out is not None else sys.stdout


class FieldError(ValueError):
    """--fields named a column the report does not have. The message lists the valid ones."""


def _row_type(kind: str) -> Any:
    from sendplan.plan.glossary import GlossaryRow
    from sendplan.query import ItemRow, LeadRow, TaskRow

    return {"items": ItemRow, "leads": LeadRow, "tasks": TaskRow, "glossary": GlossaryRow}.get(kind)


def field_names(report: Report) -> list[str]:
    """Every column a report can show: its row dataclass's fields, in JSON-contract order."""
    if report.rows:
        return [f.name for f in fields(report.rows[0])]
    row_type = report.row_type or _row_type(report.kind)
    return [f.name for f in fields(row_type)] if row_type is not None else []


def parse_fields(text: str) -> list[str]:
    """ "id, lead,deadline" → ["id", "lead", "deadline"]."""
    return [name.strip() for name in text.split(",") if name.strip()]


def check_fields(report: Report, wanted: Sequence[str]) -> list[str]:
    """*wanted* if every name is a column of *report*, else FieldError naming the valid ones."""
    valid = field_names(report)
    unknown = [name for name in wanted if name not in valid]
    if unknown or not wanted:
        what = ", ".join(f'"{name}"' for name in unknown) or "no field"
        raise FieldError(f"{what}: not a field here. Choose from: {','.join(valid)}.")
    return list(wanted)


def chosen_names(report: Report) -> list[str]:
    return list(report.fields) if report.fields else field_names(report)


def chosen_record(report: Report, row: Any) -> Any:
    """One row as the JSON contract's dict, or only the --fields keys in the order given."""
    data = record(row)
    return {name: data[name] for name in report.fields} if report.fields else data


# Annotations of fields whose values are JSON as they are (text, numbers, null, lists of text).
_PLAIN_ANNOTATIONS = frozenset({"str", "int", "bool", "float", "None", "list[str]"})


def _nested(kind: type) -> list[str]:
    """The fields of a dataclass that may hold something record() must turn into JSON (a
    dataclass, a date), told from their annotations; a field annotated otherwise counts."""
    return [
        f.name
        for f in fields(kind)
        if not isinstance(f.type, str) or not {part.strip() for part in f.type.split("|")} <= _PLAIN_ANNOTATIONS
    ]


def chosen_records(report: Report) -> list[Any]:
    """chosen_record of every row, in bulk: for rows of one dataclass, each row's dict is made by
    C code (attrgetter, zip, dict) and only the fields that need it are turned into JSON."""
    rows = report.rows
    kind = type(rows[0]) if rows else None
    if kind is None or not is_dataclass(kind) or any(type(row) is not kind for row in rows):
        return [chosen_record(report, row) for row in rows]
    record(rows[0])  # the field names and their reader, once
    names, read = _FIELDS[kind]
    made = [dict(zip(names, read(row), strict=True)) for row in rows]
    for name in _nested(kind):
        for data in made:
            value = data[name]
            if type(value) not in _SCALARS:
                data[name] = record(value)
    if report.fields:
        wanted = list(report.fields)
        return [{name: data[name] for name in wanted} for data in made]
    return made


def flat_text(value: Any) -> str:
    """Any value of a row as one line of text: a TSV cell, or a --fields column of a table."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return " | ".join(one_line(str(part)) for part in value)
    if isinstance(value, dict):
        return " ".join(f"{one_line(str(key))}={one_line(str(part))}" for key, part in value.items())
    if is_dataclass(value) and not isinstance(value, type):
        return " ".join(one_line(str(part)) for part in record(value).values() if part)
    return one_line(str(value))
