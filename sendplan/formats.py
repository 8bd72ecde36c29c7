"""The names of the output formats, by themselves: the CLI builds its --format choices from
these at start-up, and `--help` must not pay for importing the renderers."""

from __future__ import annotations

import enum


class OutputFormat(enum.StrEnum):
    TABLE = "table"
    TSV = "tsv"
    JSON = "json"
    JSONL = "jsonl"
    CSV = "csv"
    MARKDOWN = "markdown"
    XLSX = "xlsx"


# What `-o FILE` writes when --format is not given, by the file's extension.
EXTENSIONS: dict[str, OutputFormat] = {
    ".txt": OutputFormat.TABLE,
    ".tsv": OutputFormat.TSV,
    ".tab": OutputFormat.TSV,
    ".json": OutputFormat.JSON,
    ".jsonl": OutputFormat.JSONL,
    ".ndjson": OutputFormat.JSONL,
    ".csv": OutputFormat.CSV,
    ".md": OutputFormat.MARKDOWN,
    ".markdown": OutputFormat.MARKDOWN,
    ".xlsx": OutputFormat.XLSX,
}
# Formats that are bytes, not text: never written to a terminal.
BINARY_FORMATS = frozenset({OutputFormat.XLSX})


class ProblemFormat(enum.StrEnum):
    TEXT = "text"
    JSON = "json"
    GITHUB = "github"
    PARSABLE = "parsable"


# Every other command takes --format table/tsv; for problems both mean the human lines, so one
# --format can be passed to any command.
PROBLEM_FORMAT_ALIASES: dict[str, ProblemFormat] = {"table": ProblemFormat.TEXT, "tsv": ProblemFormat.TEXT}
