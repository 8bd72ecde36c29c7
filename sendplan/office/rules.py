"""An import rules file: which column is which field, and what a tracker's words mean.

Written once and rerun, like hledger's CSV rules:

    sheet: Action tracker          # or  table: 3  for a Word document
    columns:                       # column heading (or letter) → field; "ignore" leaves it out
      Owner: lead
      Budget: ignore
    statuses:                      # the tracker's word → not_started, on_track, at_risk, off_track,
      Awaiting sign-off: at_risk   #   complete or dropped
    rag:                           # the tracker's word → blue, green, amber or red
      Amber/Green: green
    owners:                        # the tracker's owner text → a lead code, or code, name and title
      Head of SEND: HS
      Jo B:
        code: JB
        name: Jo Bloggs

The file is read like a plan (every value text, no aliases, duplicate keys refused) and every
mistake is located as FILE:LINE:COL.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from sendplan.errors import Location, PlanError, Problem, quoted
from sendplan.office.headers import FIELDS, ColumnRule
from sendplan.office.values import Owner, fold

SECTIONS = ("sheet", "table", "columns", "statuses", "rag", "owners")
IGNORE_WORDS = frozenset(["ignore", "-", "none", "skip"])
STATUSES = ("not_started", "on_track", "at_risk", "off_track", "complete", "dropped")
RAGS = ("blue", "green", "amber", "red")
OWNER_KEYS = ("code", "name", "title")


@dataclass
class Rules:
    """What a rules file says; empty rules change nothing."""

    sheet: str | None = None
    table: int | None = None
    columns: list[ColumnRule] = field(default_factory=list)
    statuses: dict[str, str] = field(default_factory=dict)  # folded word → status
    rag: dict[str, str] = field(default_factory=dict)  # folded word → colour
    owners: dict[str, Owner] = field(default_factory=dict)  # folded owner text → lead


def read_rules(text: str, name: str) -> Rules:
    """Parse the text of a rules file, or raise PlanError with every problem located."""
    from sendplan.plan.codes import LEAD_CODE
    from sendplan.plan.locate import PositionsBuilder
    from sendplan.plan.parse import compose, to_data

    root = compose(text, name)
    if root is None:
        return Rules()
    builder = PositionsBuilder(name)
    data, problems = to_data(root, name, text=text, positions=builder)
    positions = builder.done()
    rules = Rules()

    def problem(path: tuple[str | int, ...], message: str, *, key: bool = False) -> None:
        problems.append(Problem(message, positions.locate(path, key=key)))

    if not isinstance(data, dict):
        raise PlanError.single("a rules file is a mapping with sections such as columns:, statuses: and owners:.",
                               Location(name, 1, 1))
    for section, value in data.items():
        if section not in SECTIONS:
            guess = difflib.get_close_matches(section, SECTIONS, n=1)
            hint = f' — did you mean "{guess[0]}"?' if guess else f". The sections are: {', '.join(SECTIONS)}."
            problem((section,), f"unknown section {quoted(section)}{hint}", key=True)
        elif section == "sheet":
            if isinstance(value, str) and value.strip():
                rules.sheet = value
            else:
                problem((section,), '"sheet" should be the name of a sheet, such as "Action tracker".')
        elif section == "table":
            if isinstance(value, str) and value.strip().isdigit() and int(value) >= 1:
                rules.table = int(value)
            else:
                problem((section,), '"table" should be a table\'s number in the document, such as 3.')
        elif not isinstance(value, dict):
            problem((section,), f'"{section}" should be a mapping (lines of "text: value").')
        else:
            for path, message in _section(section, value, rules, LEAD_CODE.fullmatch):
                problem((section, *path), message)
    if problems:
        raise PlanError(problems)
    return rules


def _section(section: str, values: dict[str, Any], rules: Rules, is_code: Any) -> Iterator[tuple[tuple[str], str]]:
    """Read one section of value maps into *rules*, yielding (path, message) for each mistake."""
    for text, value in values.items():
        if section == "columns":
            target = value.strip().lower() if isinstance(value, str) else ""
            if value is None or target in IGNORE_WORDS:
                rules.columns.append(ColumnRule(None, text, "rules file"))
            elif target in FIELDS:
                rules.columns.append(ColumnRule(target, text, "rules file"))
            else:
                guess = difflib.get_close_matches(target, FIELDS, n=1)
                hint = f' — did you mean "{guess[0]}"?' if guess else ""
                yield (text,), f"{_shown(value)} is not a field{hint} Fields: {', '.join(FIELDS)}, or ignore."
        elif section in ("statuses", "rag"):
            allowed = STATUSES if section == "statuses" else RAGS
            target = value.strip().lower().replace(" ", "_") if isinstance(value, str) else ""
            if section == "rag":
                target = target.replace("_", "")
            if target in allowed:
                (rules.statuses if section == "statuses" else rules.rag)[fold(text)] = target
            else:
                yield (text,), f"{_shown(value)} is not one of {', '.join(allowed)}."
        else:
            owner = _owner(value, is_code)
            if owner is None:
                yield (text,), (f'{_shown(value)} is not a lead code: give capital letters such as HS, or a '
                                'mapping with "code", "name" and "title".')
            else:
                rules.owners[fold(text)] = owner


def _owner(value: Any, is_code: Any) -> Owner | None:
    if isinstance(value, str):
        code = value.strip().upper()
        return Owner(code) if is_code(code) else None
    if isinstance(value, dict) and set(value) <= set(OWNER_KEYS) and isinstance(value.get("code"), str):
        code = value["code"].strip().upper()
        texts = [value.get(key) for key in ("name", "title")]
        if is_code(code) and all(text is None or isinstance(text, str) for text in texts):
            return Owner(code, texts[0], texts[1])
    return None


def _shown(value: Any) -> str:
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return "an empty value" if value is None else quoted(value)
