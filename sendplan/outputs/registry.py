"""The output formats: their names, the file extensions that choose them, and the one `emit`.

Each OutputFormat (a listing's format) and ReportFormat (the board report's) member names its
writer ("module:function" under sendplan/outputs/) and the extensions `-o FILE` recognises, so a
new format is one new module plus one line here. The CLI
builds its --format choices from this module at start-up, and `--help` must not pay for
importing the writers: they are imported only when `emit` (or RENDERERS[fmt]) needs one.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterator, Mapping
from typing import IO, TYPE_CHECKING, Any, Self

if TYPE_CHECKING:
    from sendplan.outputs.rows import Report

Writer = Callable[..., Any]  # returns None, or the pages it takes printed


class _Format(enum.StrEnum):
    """A format: its name, its writer ("module:function" under sendplan/outputs), the file
    extensions `-o FILE` recognises, and whether it is bytes rather than text."""

    _value_: str
    writer: str
    extensions: tuple[str, ...]
    binary: bool

    def __new__(cls, name: str, writer: str, extensions: tuple[str, ...] = (), binary: bool = False) -> Self:
        member = str.__new__(cls, name)
        member._value_ = name
        member.writer = writer
        member.extensions = extensions
        member.binary = binary  # bytes, not text: never written to a terminal
        return member


class OutputFormat(_Format):
    """A listing's output format: its writer takes a Report and the stream to write to."""

    # name, "module:function" in sendplan/outputs, extensions -o recognises, binary
    TABLE = "table", "table:render_table", (".txt",)
    TSV = "tsv", "delimited:render_tsv", (".tsv", ".tab")
    JSON = "json", "json:render_json", (".json",)
    JSONL = "jsonl", "json:render_jsonl", (".jsonl", ".ndjson")
    CSV = "csv", "delimited:render_csv", (".csv",)
    MARKDOWN = "markdown", "markdown:render_markdown", (".md", ".markdown")
    XLSX = "xlsx", "xlsx:render_xlsx", (".xlsx",), True


_BY_NAME: dict[str, OutputFormat] = {fmt.value: fmt for fmt in OutputFormat}


def format_named(name: str) -> OutputFormat:
    """The format called *name* ("json"), as OutputFormat(name) would give it; ValueError otherwise."""
    try:
        return _BY_NAME[name]
    except KeyError:
        raise ValueError(f"{name!r} is not an output format") from None


# What `-o FILE` writes when --format is not given, by the file's extension.
EXTENSIONS: dict[str, OutputFormat] = {extension: fmt for fmt in OutputFormat for extension in fmt.extensions}
# Formats that are bytes, not text: never written to a terminal.
BINARY_FORMATS = frozenset(fmt for fmt in OutputFormat if fmt.binary)


class ReportFormat(_Format):
    """A format of the board report: its writer takes a BoardReport and returns text or bytes."""

    # name, "module:function" in sendplan/outputs, extensions -o recognises, binary
    MARKDOWN = "markdown", "markdown:to_markdown", (".md", ".markdown")
    HTML = "html", "html:to_html", (".html", ".htm")
    DOCX = "docx", "docx:to_docx", (".docx",), True


REPORT_FORMATS: dict[str, ReportFormat] = {fmt.value: fmt for fmt in ReportFormat}
REPORT_EXTENSIONS: dict[str, ReportFormat] = {ext: fmt for fmt in ReportFormat for ext in fmt.extensions}
# The report on several plans at once, in each report format: its writer takes a PortfolioReport.
PORTFOLIO_WRITERS: dict[ReportFormat, str] = {
    ReportFormat.MARKDOWN: "portfolio:to_markdown",
    ReportFormat.HTML: "portfolio:to_html",
    ReportFormat.DOCX: "portfolio_docx:to_docx",
}


def writer_of(fmt: _Format) -> Callable[..., Any]:
    """The function that writes *fmt*, imported now (not when the registry is)."""
    return _imported(fmt.writer)


def portfolio_writer_of(fmt: ReportFormat) -> Callable[..., Any]:
    """The function that writes the report on several plans in *fmt*, imported now."""
    return _imported(PORTFOLIO_WRITERS[fmt])


def _imported(where: str) -> Callable[..., Any]:
    module, _, function = where.partition(":")
    # __import__, not importlib: importlib.import_module is no faster and is one more import.
    found: Callable[..., Any] = getattr(__import__(f"sendplan.outputs.{module}", fromlist=[function]), function)
    return found


class ProblemFormat(enum.StrEnum):
    TEXT = "text"
    JSON = "json"
    GITHUB = "github"
    PARSABLE = "parsable"


# Every other command takes --format table/tsv; for problems both mean the human lines, so one
# --format can be passed to any command.
PROBLEM_FORMAT_ALIASES: dict[str, ProblemFormat] = {"table": ProblemFormat.TEXT, "tsv": ProblemFormat.TEXT}


class _Writers(Mapping[OutputFormat, Writer]):
    """Each format's writer function, imported the first time it is looked up."""

    def __getitem__(self, fmt: OutputFormat) -> Writer:
        return writer_of(format_named(fmt))

    def __iter__(self) -> Iterator[OutputFormat]:
        return iter(OutputFormat)

    def __len__(self) -> int:
        return len(OutputFormat)


RENDERERS: Mapping[OutputFormat, Writer] = _Writers()


def format_for(path: str) -> OutputFormat | None:
    """The format a file name asks for by its extension (".csv" → csv), or None."""
    from pathlib import PurePath

    return EXTENSIONS.get(PurePath(path).suffix.lower())


def emit(report: Report, fmt: OutputFormat, out: IO[Any] | None = None, *, path: str | None = None) -> int | None:
    """Write *report* in *fmt* to *out* (default stdout), or to the file *path* when given.

    Returns the pages it takes printed, from a writer that lays out its own pages (the
    workbook), else None.
    """
    writer = RENDERERS[fmt]
    import gc

    # Output makes many short-lived containers and no cycles: the collector would only walk
    # the plan again and again (a fifth of a big JSON listing's time).
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        if path is None or path == "-":
            pages: int | None = writer(report, out)
            return pages
        from sendplan.files import write_file

        counted: list[int | None] = []
        write_file(path, lambda handle: counted.append(writer(report, handle)), binary=fmt.binary)
        return counted[0] if counted else None
    finally:
        if was_enabled:
            gc.enable()


def write_bytes(path: str, data: bytes) -> None:
    """*data* written to the file *path* all at once, replacing it (a return workbook, a draft
    email, a Word report)."""
    from sendplan.files import write_file

    write_file(path, lambda handle: handle.write(data), binary=True)


def write_text(path: str, text: str) -> None:
    """*text* written to the file *path* all at once, replacing it (a report, a calendar, a schema)."""
    from sendplan.files import write_file

    write_file(path, lambda handle: handle.write(text))
