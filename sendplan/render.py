"""Every output format, in one place: the only module that writes results to stdout.

Commands hand over data (rows of dataclasses) and a format; the registry RENDERERS maps each
OutputFormat to its function, and the CLI's --format choices are derived from it. Text from
the plan is data: it goes through clean() and into rich Text objects, never into markup.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, fields, is_dataclass
from datetime import date
from pathlib import Path
from typing import IO, Any

from sendplan.errors import Problem, Severity

# The format names live in a module of their own so that `--help` needs nothing else.
from sendplan.formats import BINARY_FORMATS, EXTENSIONS, PROBLEM_FORMAT_ALIASES, OutputFormat, ProblemFormat

# C0 controls but tab and newline, DEL, and C1 controls: ESC, BEL, CSI and friends must never
# reach a terminal from plan text.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_C1 = re.compile(r"[\x7f-\x9f]")
_LINE_BREAKS = re.compile(r"[\t\r\n]+")
# Invisible format characters (zero-width, bidirectional overrides) are escaped in messages too.
_INVISIBLE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2066-\u2069\ufeff]")


def clean(text: str) -> str:
    """Plan text with control characters removed (newline and tab kept)."""
    return _CONTROL.sub("", text)


def one_line(text: str) -> str:
    """Clean text on one line, for TSV cells and messages."""
    return _LINE_BREAKS.sub(" ", clean(text)).strip()


def visible(text: str) -> str:
    """Text for a message on one line, with each control character shown as an escape such as \\x1b.

    Messages quote what the user wrote; a stray control character is then both harmless to the
    terminal and visible as the reason a deadline or code was not understood.
    """
    flat = _LINE_BREAKS.sub(" ", text).strip()
    return _INVISIBLE.sub(lambda match: repr(match[0])[1:-1], flat)


@dataclass(frozen=True, slots=True)
class Column:
    header: str
    value: Callable[[Any], str]
    no_wrap: bool = False
    justify: str = "left"
    ratio: int | None = None
    max_width: int | None = None


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


def _text(value: str | None) -> str:
    return "" if value is None else value


def _item_text(row: Any) -> str:
    parts = [row.action] if row.action else []
    parts += [f"✓ {criterion}" for criterion in row.success_criteria if criterion.strip()]
    return "\n".join(parts) or "—"


def _due_text(row: Any) -> str:
    due = row.due_date
    if due is None:
        return "no deadline"
    text = due.isoformat()
    if row.precision == "recurring":
        text += " ↻"
    if row.revised_deadline:
        text += " (rev.)"
    return text


def _code_counts(counts: dict[str, int]) -> str:
    return ", ".join(code if count == 1 else f"{code} ×{count}" for code, count in counts.items())


def _late_text(row: Any) -> str:
    return f"{row.days_overdue}d" if row.overdue else ""


BAR_WIDTH = 6
# Task titles are cut to this in the status table, so the numbers fit 80 columns.
STATUS_NAME_WIDTH = 23


def progress_bar(percent: int | None, width: int = BAR_WIDTH) -> str:
    """"██░░░░  40%": the bar is full only at 100%."""
    if percent is None:
        return "—"
    filled = percent * width // 100
    return "█" * filled + "░" * (width - filled) + f" {percent:>3}%"


def _status_name(row: Any) -> str:
    """The task or lead on the first line, then a line per status it has items in."""
    if row.group == "plan":
        name = "All items"
    elif row.group == "lead" and row.key is None:
        name = "(no lead)"
    else:
        title = row.title or ("not in the key" if row.group == "lead" else "")
        name = f"{row.key} {title}".strip()
    name = one_line(name)
    if len(name) > STATUS_NAME_WIDTH:
        name = name[: STATUS_NAME_WIDTH - 1].rstrip() + "…"
    return "\n  ".join([name, *_status_counts(row).split(", ")])


def _status_counts(row: Any) -> str:
    from sendplan.summary import STATUSES

    parts = [f"{getattr(row, status)} {status.replace('_', ' ')}" for status in STATUSES if getattr(row, status)]
    return ", ".join(parts) or "no items"


def _count(header: str, name: str) -> Column:
    return Column(header, lambda row: str(getattr(row, name)), no_wrap=True, justify="right")


TABLE_COLUMNS: dict[str, list[Column]] = {
    "items": [
        Column("ID", lambda row: row.id, no_wrap=True),
        Column("Due", _due_text, no_wrap=True),
        Column("Late", _late_text, no_wrap=True, justify="right"),
        Column("Lead", lambda row: _text(row.lead), no_wrap=True),
        Column("Status", lambda row: row.status.replace("_", " ")),
        Column("RAG", lambda row: _text(row.rag), no_wrap=True),
        Column("Action / ✓ criteria", _item_text, ratio=1),
    ],
    "leads": [
        Column("Lead", lambda row: row.lead or "(none)", no_wrap=True),
        Column("Name", lambda row: _text(row.name) or ("items with no lead" if row.lead is None else "not in the key")),
        Column("Items", lambda row: str(row.items), justify="right"),
        Column("Done", lambda row: str(row.finished), justify="right"),
        Column("Overdue", lambda row: str(row.overdue), justify="right"),
        Column("Next due", lambda row: _text(row.next_deadline), no_wrap=True),
        Column("Next", lambda row: _text(row.next_item), no_wrap=True),
    ],
    # validate --summary: findings per check and per task (rows from sendplan.checks)
    "checks": [
        Column("Code", lambda row: row.code, no_wrap=True),
        Column("Check", lambda row: row.name, no_wrap=True),
        Column("Found", lambda row: "ignored" if row.ignored else str(row.findings), justify="right"),
        Column("Meaning", lambda row: row.meaning, ratio=1),
    ],
    "task_findings": [
        Column("Task", lambda row: "—" if row.task is None else str(row.task), no_wrap=True, justify="right"),
        Column("Title", lambda row: row.title, ratio=1),
        Column("Found", lambda row: str(row.findings), justify="right"),
        Column("By check", lambda row: _code_counts(row.checks)),
    ],
    "tasks": [
        Column("Task", lambda row: str(row.task), no_wrap=True, justify="right"),
        Column("Title", lambda row: row.title, ratio=1),
        Column("Items", lambda row: str(row.items), justify="right"),
        Column("Done", lambda row: str(row.finished), justify="right"),
        Column("Overdue", lambda row: str(row.overdue), justify="right"),
        Column("Next due", lambda row: _text(row.next_deadline), no_wrap=True),
    ],
    "status": [
        Column("Task / lead", _status_name, max_width=STATUS_NAME_WIDTH),
        _count("Items", "items"),
        Column("Complete", lambda row: progress_bar(row.percent_complete), no_wrap=True),
        # One letter each: the RAG legend under the table says what the colours mean.
        _count("B", "blue"),
        _count("G", "green"),
        _count("A", "amber"),
        _count("R", "red"),
        _count("Late", "overdue"),
        _count("Soon", "due_soon"),
    ],
}
TABLE_COLUMNS["glossary"] = [
    Column("Abbreviation", lambda row: row.abbreviation, no_wrap=True),
    Column("Meaning", lambda row: row.meaning, ratio=1),
]


def _was_now(row: Any, value: str | None) -> str:
    if value is None:
        return "—"
    return value.replace("_", " ") if row.field in ("status", "lead") else value


def _now_text(row: Any) -> str:
    text = _was_now(row, row.new)
    if row.date and row.change in ("completed", "update") and row.new is not None:
        text += f" ({row.date})"
    return text


def _slip_text(row: Any) -> str:
    return "" if row.slip_days is None else f"{row.slip_days:+d}d"


# Columns for `diff` (sendplan.diff.Change rows).
TABLE_COLUMNS["changes"] = [
    Column("ID", lambda row: row.id, no_wrap=True),
    Column("Change", lambda row: row.change, no_wrap=True),
    Column("What", lambda row: (row.field or "item").replace("_", " ")),
    Column("Was", lambda row: _was_now(row, row.old), ratio=1),
    Column("Now", _now_text, ratio=1),
    Column("Slip", _slip_text, no_wrap=True, justify="right"),
]


_SCALARS = frozenset({str, int, bool, type(None), float})
_FIELD_NAMES: dict[type, tuple[str, ...]] = {}


def record(row: Any) -> Any:
    """A dataclass as a dict in field order (the JSON contract's order), recursively."""
    kind = type(row)
    if kind in _SCALARS:
        return row
    names = _FIELD_NAMES.get(kind)
    if names is None and is_dataclass(row) and not isinstance(row, type):
        names = _FIELD_NAMES[kind] = tuple(f.name for f in fields(row))
    if names is not None:
        # Most fields are scalars: keep them without a call each (10,000 rows × 19 fields).
        scalars = _SCALARS
        data = {}
        for name in names:
            value = getattr(row, name)
            data[name] = value if type(value) in scalars else record(value)
        return data
    if isinstance(row, list):
        return [record(value) for value in row]
    if isinstance(row, date):
        return row.isoformat()
    return row


def _escape_c1(text: str) -> str:
    # json escapes C0 controls itself; escape C1 too so no raw control byte reaches a terminal.
    return _C1.sub(lambda match: f"\\u{ord(match[0]):04x}", text)


def to_json(value: Any) -> str:
    from sendplan.fastjson import dumps  # json.dumps(..., ensure_ascii=False, indent=2), faster

    return _escape_c1(dumps(record(value)))


def _out(out: IO[str] | None) -> IO[str]:
    return out if out is not None else sys.stdout


class FieldError(ValueError):
    """--fields named a column the report does not have. The message lists the valid ones."""


def _row_type(kind: str) -> Any:
    from sendplan.glossary import GlossaryRow
    from sendplan.query import ItemRow, LeadRow, TaskRow

    return {"items": ItemRow, "leads": LeadRow, "tasks": TaskRow, "glossary": GlossaryRow}.get(kind)


def field_names(report: Report) -> list[str]:
    """Every column a report can show: its row dataclass's fields, in JSON-contract order."""
    if report.rows:
        return [f.name for f in fields(report.rows[0])]
    row_type = _row_type(report.kind)
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


def _chosen(report: Report, row: Any) -> Any:
    """One row as the JSON contract's dict, or only the --fields keys in the order given."""
    data = record(row)
    return {name: data[name] for name in report.fields} if report.fields else data


def render_json(report: Report, out: IO[str] | None = None) -> None:
    """The same text as to_json(rows), written a row at a time so 100,000 rows never sit in memory twice."""
    from sendplan.fastjson import dumps

    stream = _out(out)
    if not report.rows:
        stream.write("[]\n")
        return
    separator = "[\n  "
    for row in report.rows:
        stream.write(separator + _escape_c1(dumps(_chosen(report, row), pad="  ")))
        separator = ",\n  "
    stream.write("\n]\n")


def to_json_line(value: Any) -> str:
    """Compact JSON on one line (newlines in text are escaped), C1 controls escaped as in to_json."""
    import json as json_module  # a local name: this module's json import may change

    text = json_module.dumps(record(value), ensure_ascii=False)
    return _C1.sub(lambda match: f"\\u{ord(match[0]):04x}", text)


def render_jsonl(report: Report, out: IO[str] | None = None) -> None:
    """JSON Lines: one compact object per line, for streaming into jq, pandas or a database."""
    stream = _out(out)
    for row in report.rows:
        stream.write(to_json_line(_chosen(report, row)) + "\n")


def _tsv_cell(value: Any) -> str:
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


def render_tsv(report: Report, out: IO[str] | None = None) -> None:
    """Tab-separated, a header then one row per line, every field in full, no colour.

    With no rows the header is still written, as the CSV does: a script reading the columns by
    name, or a person checking a cron mail, can tell "nothing matched" from "nothing ran".
    """
    stream = _out(out)
    names = chosen_names(report)
    lines = ["\t".join(names)]
    lines += ["\t".join(_tsv_cell(getattr(row, name)) for name in names) for row in report.rows]
    stream.write("\n".join(lines) + "\n")


# A spreadsheet runs a cell that starts with one of these as a formula (OWASP "CSV injection").
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_NEWLINES = re.compile(r"\r\n?")
BOM = "\ufeff"


def neutralise(text: str) -> str:
    """Text a spreadsheet shows as written: a leading ' stops =, +, -, @, tab and CR starting a formula."""
    return "'" + text if text.startswith(_FORMULA_START) else text


def _spreadsheet_text(value: Any) -> str:
    """A text cell of a CSV or a workbook: plan text cleaned, lists and records on one cell."""
    if isinstance(value, list):
        # One entry per line inside the cell: Excel shows them as a wrapped list, and the
        # semicolons the plan's own text ends with stay unambiguous.
        return "\n".join(clean(str(part)).strip() for part in value)
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
    return neutralise(_NEWLINES.sub("\n", _spreadsheet_text(value)))


def render_csv(report: Report, out: IO[str] | None = None) -> None:
    """CSV that opens cleanly in Excel: UTF-8 BOM, a header row, one row per item, no formulas."""
    import csv

    stream = _out(out)
    names = chosen_names(report)
    stream.write(BOM)
    writer = csv.writer(stream, lineterminator="\r\n")
    writer.writerow(names)
    for row in report.rows:
        writer.writerow([_csv_cell(getattr(row, name)) for name in names])


# Fields that hold an ISO day: real dates in a spreadsheet, so they sort and filter as dates.
_DAY_FIELDS = frozenset({"deadline", "revised_deadline", "completed", "next_deadline", "date"})
_XLSX_WIDEST = 60  # characters; longer text wraps inside its cell


def _xlsx_value(name: str, value: Any) -> Any:
    """A cell's value: numbers and days as themselves, booleans and everything else as text."""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"  # as in the CSV; spreadsheets disagree on showing booleans
    if value is None or isinstance(value, int | float):
        return value
    if name in _DAY_FIELDS and isinstance(value, str):
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    if isinstance(value, date):
        return value
    return _spreadsheet_text(value)


def _wrapped_lines(value: Any, width: int) -> int:
    if not isinstance(value, str):
        return 1
    return sum(max(1, -(-len(line) // max(width, 1))) for line in value.split("\n"))


def render_xlsx(report: Report, out: IO[bytes] | None = None) -> None:
    """An Excel workbook, for the spreadsheets councils run on.

    A CSV leaves every cell to the spreadsheet's guessing: opened in Excel or LibreOffice, the
    id 4.10 becomes the number 4.1 and "Sep 2021" the date 1 September. Here each cell has its
    type: ids and plan text are text (never a formula, whatever they start with), counts are
    numbers and days are dates. The header row is frozen and filtered, long text wraps.
    """
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    names = chosen_names(report)
    book = Workbook()
    sheet = book.active
    sheet.title = report.kind.capitalize()[:31]
    sheet.append(names)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    widths = [len(name) for name in names]
    wrap = Alignment(wrap_text=True, vertical="top")
    top = Alignment(vertical="top")
    for row in report.rows:
        values = [_xlsx_value(name, getattr(row, name)) for name in names]
        sheet.append(values)
        for column, (cell, value) in enumerate(zip(sheet[sheet.max_row], values, strict=True)):
            if isinstance(value, str):
                cell.data_type = "s"  # text that starts with "=" stays text, not a formula
                longest = max((len(line) for line in value.split("\n")), default=0)
                cell.alignment = wrap if longest > _XLSX_WIDEST or "\n" in value else top
            elif isinstance(value, date):
                cell.number_format = "d mmm yyyy"
                cell.alignment = top
                longest = 11
            else:
                cell.alignment = top
                longest = len(str(value)) if value is not None else 0
            widths[column] = max(widths[column], min(longest, _XLSX_WIDEST))
    for column, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(column)].width = width + 2
    # Spreadsheets do not always grow a row to fit wrapped text when they open a file (LibreOffice
    # does not), so each row is given the height of its tallest cell.
    for number, cells in enumerate(sheet.iter_rows(min_row=2), start=2):
        lines = max((_wrapped_lines(cell.value, widths[i]) for i, cell in enumerate(cells)), default=1)
        if lines > 1:
            sheet.row_dimensions[number].height = min(15 * lines, 409)  # points; 409 is Excel's most
    sheet.freeze_panes = "A2"
    # Printed: landscape A4 with the header on every page (fitting 19 columns to one page's
    # width made the text too small to read).
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.print_title_rows = "1:1"
    if report.rows:
        sheet.auto_filter.ref = f"A1:{get_column_letter(len(names))}{len(report.rows) + 1}"
    book.save(out if out is not None else sys.stdout.buffer)


# Markdown punctuation that could turn plan text into emphasis, links, HTML or a new cell.
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>|~&#!])")


def md_escape(text: str) -> str:
    """Plan text as literal Markdown on one line (newlines become <br>)."""
    escaped = _MARKDOWN_SPECIAL.sub(r"\\\1", clean(text).strip())
    return _LINE_BREAKS.sub("<br>", escaped)


def md_table(headers: Sequence[str], body: Sequence[Sequence[str]], align: Sequence[str] = ()) -> str:
    """A GitHub/CommonMark table. Cells are escaped here; *align* holds "left" or "right"."""
    marks = ["---:" if (align[i] if i < len(align) else "left") == "right" else "---" for i in range(len(headers))]
    lines = ["| " + " | ".join(md_escape(header) for header in headers) + " |", "| " + " | ".join(marks) + " |"]
    lines += ["| " + " | ".join(md_escape(cell) or " " for cell in cells) + " |" for cells in body]
    return "\n".join(lines)


def _columns(report: Report) -> list[Column]:
    if report.fields or report.kind not in TABLE_COLUMNS:
        return [Column(name, lambda row, name=name: _tsv_cell(getattr(row, name))) for name in chosen_names(report)]
    return TABLE_COLUMNS[report.kind]


def render_markdown(report: Report, out: IO[str] | None = None) -> None:
    """A heading, a Markdown table from the report's column spec, and the notes as a legend."""
    stream = _out(out)
    parts = [f"### {md_escape(report.title)}"]
    if report.rows:
        columns = _columns(report)
        parts.append(
            md_table(
                [column.header for column in columns],
                [[column.value(row) for column in columns] for row in report.rows],
                [column.justify for column in columns],
            )
        )
        # The notes explain the standard columns; with --fields they may not be there.
        parts += [f"_{md_escape(note)}_" for note in report.notes if not report.fields]
    else:
        parts.append(md_escape(report.empty))
    stream.write("\n\n".join(parts) + "\n")


class _TrimmedOutput:
    """A text stream that drops the spaces rich pads each table line with to the full width,
    so a table saved to a file or pasted into an e-mail carries no trailing blanks."""

    def __init__(self, stream: IO[str]) -> None:
        self._stream = stream

    def write(self, text: str) -> int:
        # Only whole lines (the last piece may go on in the next write); rstrip, not a regex,
        # as a pattern over long runs of padding backtracks.
        lines = text.split("\n")
        lines[:-1] = [line.rstrip(" ") for line in lines[:-1]]
        return self._stream.write("\n".join(lines))

    def __getattr__(self, name: str) -> Any:  # isatty, fileno, encoding, flush…: the real stream's
        return getattr(self._stream, name)


def make_console(out: IO[str] | None = None, width: int | None = None) -> Any:
    from rich.console import Console

    # highlight=False: dates and numbers in plan text are not recoloured; rich honours NO_COLOR.
    return Console(file=_TrimmedOutput(_out(out)), width=width, highlight=False, emoji=False, soft_wrap=False)


def render_table(report: Report, out: IO[str] | None = None, *, width: int | None = None) -> None:
    from rich import box
    from rich.table import Table
    from rich.text import Text

    console = make_console(out, width)
    if not report.rows:
        console.print(Text(clean(report.empty)))
        return
    table = Table(title=Text(clean(report.title)), box=box.SIMPLE_HEAD, expand=False, title_justify="left", pad_edge=False)
    columns = _columns(report)
    for column in columns:
        table.add_column(
            column.header,
            no_wrap=column.no_wrap,
            justify=column.justify,  # type: ignore[arg-type]
            overflow="fold",
            ratio=column.ratio,
            max_width=column.max_width,
        )
    for index, row in enumerate(report.rows):
        style = "bold red" if report.highlight(row) else None
        following = report.rows[index + 1] if index + 1 < len(report.rows) else None
        end_section = (
            report.section is not None and following is not None and report.section(row) != report.section(following)
        )
        table.add_row(
            *(Text(clean(column.value(row))) for column in columns), style=style, end_section=end_section
        )
    console.print(table)
    for note in report.notes if not report.fields else ():
        console.print(Text(clean(note), style="dim"))


RENDERERS: dict[OutputFormat, Callable[..., None]] = {
    OutputFormat.TABLE: render_table,
    OutputFormat.TSV: render_tsv,
    OutputFormat.JSON: render_json,
    OutputFormat.JSONL: render_jsonl,
    OutputFormat.CSV: render_csv,
    OutputFormat.MARKDOWN: render_markdown,
    OutputFormat.XLSX: render_xlsx,
}


def format_for(path: str) -> OutputFormat | None:
    """The format a file name asks for by its extension (".csv" → csv), or None."""
    return EXTENSIONS.get(Path(path).suffix.lower())


def _file_mode(target: Path) -> int:
    """Keep an overwritten file's permissions; a new file gets the usual ones (0666 less umask)."""
    import os

    if target.exists():
        return target.stat().st_mode & 0o777
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def write_file(path: str, write: Callable[[Any], None], *, binary: bool = False) -> None:
    """Write a file all at once: into a temporary file beside it, then renamed over it.

    A reader (or Excel) never sees half a file, and a failure leaves any old file as it was.
    """
    import os
    import tempfile

    target = Path(path)
    descriptor, temporary = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        with (
            os.fdopen(descriptor, "wb") if binary else os.fdopen(descriptor, "w", encoding="utf-8", newline="")
        ) as handle:
            write(handle)
        os.chmod(temporary, _file_mode(target))
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def emit(report: Report, fmt: OutputFormat, out: IO[str] | None = None, *, path: str | None = None) -> None:
    """Render *report* in *fmt* to *out* (default stdout), or to the file *path* when given."""
    if path is None or path == "-":
        RENDERERS[fmt](report, out)
    else:
        write_file(path, lambda handle: RENDERERS[fmt](report, handle), binary=fmt in BINARY_FORMATS)


def format_problem(problem: Problem) -> str:
    """"FILE:LINE:COL: message (item 4.7)" on one line, as editors and CI logs expect."""
    parts = []
    if problem.location is not None:
        parts.append(f"{problem.location}:")
    if problem.severity is Severity.WARNING:
        parts.append("warning:")
    parts.append(problem.message)
    if problem.item_id and f"item {problem.item_id}" not in problem.message:
        parts.append(f"(item {problem.item_id})")
    if problem.code:
        parts.append(f"[{problem.code}]")
    # File names and quoted plan text can hold control characters: show them, never send them.
    return visible(" ".join(parts))


def problem_record(problem: Problem) -> dict[str, Any]:
    location = problem.location
    return {
        "code": problem.code,
        "severity": problem.severity.value,
        "message": problem.message,
        "file": location.file if location else None,
        "line": location.line if location else None,
        "column": location.column if location else None,
        "item": problem.item_id,
    }


# ---------------------------------------------------------------------------------------
# Problem formats for `validate`: one function per format, the CLI's choices derived from them.


def _github_escape(text: str, *, prop: bool = False) -> str:
    # GitHub's workflow-command escaping (visible() has already put text on one line); property
    # values also escape ":" and ",".
    text = visible(text).replace("%", "%25")
    if prop:
        text = text.replace(":", "%3A").replace(",", "%2C")
    return text


def _with_item(problem: Problem) -> str:
    message = problem.message
    if problem.item_id and f"item {problem.item_id}" not in problem.message:
        message += f" (item {problem.item_id})"
    return visible(message)


def format_github(problem: Problem) -> str:
    """A GitHub Actions annotation: "::warning file=plan.yaml,line=220,col=13,title=SP101::message"."""
    properties = []
    location = problem.location
    if location is not None:
        properties.append(f"file={_github_escape(location.file, prop=True)}")
        if location.line is not None:
            properties += [f"line={location.line}", f"col={location.column or 1}"]
    if problem.code:
        properties.append(f"title={problem.code}")
    command = problem.severity.value
    head = f"::{command} {','.join(properties)}" if properties else f"::{command}"
    return f"{head}::{_github_escape(_with_item(problem))}"


def format_parsable(problem: Problem) -> str:
    """yamllint's parsable form: "FILE:LINE:COL: [warning] message (SP101)"."""
    where = f"{visible(str(problem.location))}: " if problem.location is not None else ""
    code = f" ({problem.code})" if problem.code else ""
    return f"{where}[{problem.severity.value}] {_with_item(problem)}{code}"


def problems_text(problems: Sequence[Problem]) -> str:
    return "".join(format_problem(problem) + "\n" for problem in problems)


def problems_json(problems: Sequence[Problem]) -> str:
    """A JSON array of findings (keys: code, severity, message, file, line, column, item)."""
    return to_json([problem_record(problem) for problem in problems]) + "\n"


def problems_github(problems: Sequence[Problem]) -> str:
    return "".join(format_github(problem) + "\n" for problem in problems)


def problems_parsable(problems: Sequence[Problem]) -> str:
    return "".join(format_parsable(problem) + "\n" for problem in problems)


PROBLEM_FORMATS: dict[ProblemFormat, Callable[[Sequence[Problem]], str]] = {
    ProblemFormat.TEXT: problems_text,
    ProblemFormat.JSON: problems_json,
    ProblemFormat.GITHUB: problems_github,
    ProblemFormat.PARSABLE: problems_parsable,
}


def problem_format(name: str) -> ProblemFormat:
    """A --format value (or alias such as "table") as a ProblemFormat."""
    return PROBLEM_FORMAT_ALIASES.get(name) or ProblemFormat(name)


def emit_problems(problems: Sequence[Problem], fmt: ProblemFormat, out: IO[str] | None = None) -> None:
    """Write problems in *fmt*. The human text goes to stderr (stdout stays free for results);
    the machine formats are the command's output and go to stdout."""
    stream = out if out is not None else (sys.stderr if fmt is ProblemFormat.TEXT else sys.stdout)
    stream.write(PROBLEM_FORMATS[fmt](problems))
