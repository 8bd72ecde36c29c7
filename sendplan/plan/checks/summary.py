"""The plan health summary (`validate --summary`): findings counted per check and per task."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sendplan.plan.checks.registry import CHECKS, Findings, ignored_codes
from sendplan.plan.load import LoadedPlan


@dataclass(frozen=True, slots=True)
class CheckCount:
    """One row of the summary by check (JSON keys in this order)."""

    code: str
    name: str
    severity: str
    findings: int
    ignored: bool
    meaning: str


@dataclass(frozen=True, slots=True)
class TaskCount:
    """One row of the summary by task; task is null for findings outside any task (leads, checks)."""

    task: int | None
    title: str
    findings: int
    checks: dict[str, int] = field(default_factory=dict)


def _task_spans(loaded: LoadedPlan) -> list[tuple[int, int, Any]]:
    """(first line, last line, task) of each task in the file."""
    positions = loaded.positions
    spans = positions.spans(("tasks",)) if positions is not None else []
    return [(first, last, task) for (first, last), task in zip(spans, loaded.plan.tasks, strict=False)]


def summarise(loaded: LoadedPlan, findings: Findings, ignore: Sequence[str] = ()) -> tuple[list[CheckCount], list[TaskCount]]:
    """Findings counted per check (every check; ignored ones marked) and per task (every task;
    ignored findings left out)."""
    skip = ignored_codes(loaded, ignore)
    per_code: dict[str, int] = {}
    for problem in (*findings.shown, *findings.ignored):
        if problem.code:
            per_code[problem.code] = per_code.get(problem.code, 0) + 1
    by_check = [
        CheckCount(code, c.name, c.severity.value, per_code.get(code, 0), code in skip, c.headline)
        for code, c in CHECKS.items()
    ]
    spans = _task_spans(loaded)
    counts: list[dict[str, int]] = [{} for _span in spans]
    outside: dict[str, int] = {}
    for problem in findings.shown:
        line = problem.location.line if problem.location else None
        index = next((n for n, (first, last, _task) in enumerate(spans) if line is not None and first <= line <= last), None)
        bucket = counts[index] if index is not None else outside
        code = problem.code or "error"
        bucket[code] = bucket.get(code, 0) + 1
    by_task = [
        TaskCount(task.number, task.title, sum(counts[n].values()), dict(sorted(counts[n].items())))
        for n, (_first, _last, task) in enumerate(spans)
    ]
    if outside:
        by_task.append(
            TaskCount(None, "outside the tasks (plan details, leads, checks)", sum(outside.values()), dict(sorted(outside.items())))
        )
    return by_check, by_task
