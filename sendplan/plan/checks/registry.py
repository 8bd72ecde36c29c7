"""The registry of plan health checks, and running them.

Importing this module loads every family of checks (each registers its own with `@check`);
CHECKS lists them in code order. The one check that needs the whole registry, SP114 (a code in
the plan's `checks: ignore:` that is no check), lives here. Pure: the reference day arrives
as `as_of`; nothing here prints or reads the clock.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date

from sendplan.errors import Problem, quoted, sort_problems

# Each family registers its checks when imported.
from sendplan.plan.checks import across, dates, gaps, leads, rating, words
from sendplan.plan.checks.base import REGISTERED, Check, CheckContext, check, finding, located
from sendplan.plan.dates import without_lookalikes
from sendplan.plan.load import LoadedPlan

FAMILIES = (gaps, leads, dates, words, rating, across)


def normalise_code(text: str) -> str:
    """A check code or name as people type it: "sp101", "SР101" (Cyrillic Р) and "no-lead" all name SP101."""
    folded = without_lookalikes(text.strip())
    for code, registered in CHECKS.items():
        if folded.upper() == code or folded.lower() == registered.name:
            return code
    return folded.upper()


def suggest_code(text: str) -> str:
    """ " Did you mean SP110?" for a mistyped code or name, or ""."""
    choices = [*CHECKS, *(c.name for c in CHECKS.values())]
    # Letters typed for digits: "SP1O1" and "SP1l0" mean SP101 and SP110.
    code = normalise_code(text)
    digits = code[:2] + code[2:].translate(str.maketrans("OIL", "011"))
    if digits in CHECKS:
        return f" Did you mean {digits}?"
    guess = difflib.get_close_matches(normalise_code(text), choices, n=1, cutoff=0.6)
    if not guess:
        guess = difflib.get_close_matches(text.strip().lower(), choices, n=1, cutoff=0.6)
    return f" Did you mean {guess[0]}?" if guess else ""


@check("SP114", "unknown-check-code")
def unknown_check_code(ctx: CheckContext) -> Iterator[Problem]:
    """The plan ignores an unknown check. A code in `checks: ignore:` is not a check, so it silences nothing.

    Fix: use a code from this table (or a check's name, such as `no-lead`), or delete the line.
    """
    for index, text in enumerate(ctx.settings.ignore):
        if normalise_code(text) not in CHECKS:
            yield finding(
                "SP114",
                f'"checks: ignore" names {quoted(text)}, which is not a check, so it silences nothing.{suggest_code(text)} '
                f"Checks are {min(CHECKS)} to {max(CHECKS)}.",
                located(ctx, ("checks", "ignore", index)),
                subject=text,
            )


# Every check, in code order (the families register theirs as they are imported above).
CHECKS: dict[str, Check] = dict(sorted(REGISTERED.items()))


def ignored_codes(loaded: LoadedPlan, ignore: Sequence[str] = ()) -> frozenset[str]:
    """Codes silenced by the command line and by the plan's `checks: ignore:` list."""
    return frozenset(normalise_code(text) for text in (*ignore, *loaded.plan.checks.ignore))


@dataclass(frozen=True, slots=True)
class Findings:
    """The findings of a run, in file order: those shown and those silenced by --ignore or the plan."""

    shown: tuple[Problem, ...]
    ignored: tuple[Problem, ...] = ()


def run_checks(loaded: LoadedPlan, as_of: date | Callable[[], date], ignore: Sequence[str] = ()) -> Findings:
    """Run every check; split the findings into shown and ignored."""
    ctx = CheckContext(loaded, as_of)
    skip = ignored_codes(loaded, ignore)
    found: list[Problem] = []
    for registered in CHECKS.values():
        found.extend(registered.function(ctx))
    ordered = sort_problems(found)
    return Findings(
        tuple(problem for problem in ordered if problem.code not in skip),
        tuple(problem for problem in ordered if problem.code in skip),
    )
