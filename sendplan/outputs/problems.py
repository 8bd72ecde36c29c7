"""Problems as text: "FILE:LINE:COL: message" lines, and the machine formats of `validate`
(JSON, GitHub Actions annotations, yamllint's parsable lines), one function per format.

The human text goes to stderr (stdout stays free for results); the machine formats are the
command's output and go to stdout. File names and quoted plan text can hold control
characters: they are shown as escapes, never sent to the terminal.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from typing import IO, Any

from sendplan.errors import Problem, Severity
from sendplan.outputs.registry import PROBLEM_FORMAT_ALIASES, ProblemFormat
from sendplan.outputs.text import visible


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
    from sendplan.outputs.json import to_json

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
