"""The one exception type for problems a user can fix, and the located problem it carries.

Nothing here prints or exits: only the CLI edge turns a PlanError into a message and an exit code.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass


class Severity(enum.StrEnum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, slots=True)
class Location:
    """A place in a plan file. Line and column are 1-based, as editors count them."""

    file: str
    line: int | None = None
    column: int | None = None

    def __str__(self) -> str:
        if self.line is None:
            return self.file
        return f"{self.file}:{self.line}:{self.column or 1}"


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with a plan: plain-English message, where it is, which item."""

    message: str
    location: Location | None = None
    item_id: str | None = None
    code: str | None = None
    severity: Severity = Severity.ERROR


def _file_order(problem: Problem) -> tuple[str, int, int]:
    location = problem.location
    if location is None:
        return ("", 0, 0)
    return (location.file, location.line or 0, location.column or 0)


def sort_problems(problems: Sequence[Problem]) -> tuple[Problem, ...]:
    """Problems in the order they appear in the file (stable for equal positions)."""
    return tuple(sorted(problems, key=_file_order))


class PlanError(Exception):
    """The plan could not be used. Carries every problem found, in file order."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        if not problems:
            raise ValueError("PlanError needs at least one problem")
        self.problems = sort_problems(problems)
        super().__init__(self.problems[0].message)

    @classmethod
    def single(
        cls, message: str, location: Location | None = None, item_id: str | None = None
    ) -> PlanError:
        return cls([Problem(message, location, item_id)])
