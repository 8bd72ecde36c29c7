"""Plan health checks: gaps a reviewer would find in a plan that loads without errors.

One function per check, registered in CHECKS under a stable code (SP101…). Each yields
`Problem`s with severity WARNING, the FILE:LINE:COL of the offending value and the item id.
A check's docstring is its documentation: the first paragraph says what it finds and the
paragraph starting "Fix:" says what to do; the README's table of codes is built from them.
Pure: the reference day arrives as `as_of`; nothing here prints or reads the clock.
"""

from __future__ import annotations

import difflib
import inspect
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import yaml

from sendplan.dates import add_months, has_lookalikes, without_lookalikes
from sendplan.errors import Location, Problem, Severity, quoted, sort_problems
from sendplan.load import LoadedPlan

Path_ = tuple[str | int, ...]


@dataclass
class CheckContext:
    """What every check may look at: the loaded plan, its settings and the day of the check.

    *when* is the day, or a function that gives it: the CLI passes its clock so that today's
    date is read only if a check needs it (only SP113 does, and only for completed items).
    """

    loaded: LoadedPlan
    when: date | Callable[[], date]

    @property
    def as_of(self) -> date:
        if not isinstance(self.when, date):
            self.when = self.when()
        return self.when

    @property
    def plan(self) -> Any:
        return self.loaded.plan

    @property
    def settings(self) -> Any:
        return self.loaded.plan.checks

    def items(self) -> Iterator[tuple[Path_, Any, Any, Any]]:
        """(YAML path, task, deliverable, item) for every item, in file order."""
        for t, task in enumerate(self.plan.tasks):
            for d, deliverable in enumerate(task.deliverables):
                for i, item in enumerate(deliverable.items):
                    yield ("tasks", t, "deliverables", d, "items", i), task, deliverable, item


CheckFunction = Callable[[CheckContext], Iterable[Problem]]


@dataclass(frozen=True, slots=True)
class Check:
    code: str
    name: str
    function: CheckFunction
    severity: Severity = Severity.WARNING

    def _paragraphs(self) -> list[str]:
        text = inspect.getdoc(self.function) or ""
        return [" ".join(part.split()) for part in text.split("\n\n") if part.strip()]

    @property
    def meaning(self) -> str:
        """The docstring but its "Fix:" paragraph: what the check finds."""
        return " ".join(part for part in self._paragraphs() if not part.startswith("Fix:"))

    @property
    def headline(self) -> str:
        """The meaning's first sentence, without Markdown backticks, for the summary table."""
        return self.meaning.split(". ")[0].rstrip(".").replace("`", "") + "."

    @property
    def fix(self) -> str:
        """The docstring's "Fix:" paragraph: what to do about a finding."""
        found = [part for part in self._paragraphs() if part.startswith("Fix:")]
        text = found[0].removeprefix("Fix:").strip() if found else ""
        return text[:1].upper() + text[1:]


CHECKS: dict[str, Check] = {}


def check(code: str, name: str) -> Callable[[CheckFunction], CheckFunction]:
    """Register a check function under *code* and a short kebab-case *name*."""

    def register(function: CheckFunction) -> CheckFunction:
        CHECKS[code] = Check(code, name, function)
        return function

    return register


def _finding(code: str, message: str, location: Location, item_id: str | None = None) -> Problem:
    return Problem(message, location, item_id, code, Severity.WARNING)


def _active(item: Any) -> bool:
    # A dropped item needs no lead, deadline or criterion any more.
    return item.status.value != "dropped"


def _month_year(day: date) -> str:
    return day.strftime("%b %Y")


def _day_text(day: date) -> str:
    return f"{day.day} {day:%b %Y}"


def _excerpt(text: str, width: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1].rstrip() + "…"


# ---------------------------------------------------------------------------------------
# The YAML node behind a value, for exact columns and the raw spelling of codes


def node_at(root: yaml.Node | None, path: Path_) -> yaml.Node | None:
    """The node at *path*, or None when the file does not hold it there."""
    node = root
    for part in path:
        if isinstance(node, yaml.MappingNode) and isinstance(part, str):
            node = next((v for k, v in node.value if isinstance(k, yaml.ScalarNode) and k.value == part), None)
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and 0 <= part < len(node.value):
            node = node.value[part]
        else:
            return None
    return node


def _located(ctx: CheckContext, path: Path_, offset: int | None = None) -> Location:
    """Where the value at *path* is; with *offset*, the column of that character inside it.

    The column is exact only for a one-line scalar with no escapes, where the file holds the
    text character for character; otherwise the value's start is close enough.
    """
    node = node_at(ctx.loaded.root, path)
    if node is None:
        return ctx.loaded.locate(path)
    location = Location(ctx.loaded.source, node.start_mark.line + 1, node.start_mark.column + 1)
    if offset is None or not isinstance(node, yaml.ScalarNode) or node.start_mark.line != node.end_mark.line:
        return location
    # Plain scalars have style None (pure-Python loader) or "" (libyaml).
    quotes = 0 if not node.style else 2
    if node.style not in (None, "", '"', "'") or node.end_mark.column - node.start_mark.column != len(node.value) + quotes:
        return location
    return Location(location.file, location.line, (location.column or 1) + offset + quotes // 2)


# ---------------------------------------------------------------------------------------
# SMART gaps


@check("SP101", "no-lead")
def no_lead(ctx: CheckContext) -> Iterator[Problem]:
    """An item has no lead. Nobody is accountable for it.

    Fix: add `lead: CODE` with a code from the plan's `leads:` key.
    """
    for _path, _task, _deliverable, item in ctx.items():
        if item.lead is None and _active(item):
            yield _finding(
                "SP101",
                f'item {item.id} has no lead, so nobody is accountable for it. Add "lead:" with a code from the plan\'s leads.',
                ctx.loaded.where(item.id),
                item.id,
            )


@check("SP102", "no-deadline")
def no_deadline(ctx: CheckContext) -> Iterator[Problem]:
    """An item has no deadline. It can never show as due or overdue.

    Fix: add `deadline:` with a month such as `Mar 2022`, or a day.
    """
    for _path, _task, _deliverable, item in ctx.items():
        if item.deadline is None and _active(item):
            yield _finding(
                "SP102",
                f'item {item.id} has no deadline, so it can never show as due or overdue. Add "deadline:" '
                'with a month such as "Mar 2022".',
                ctx.loaded.where(item.id),
                item.id,
            )


@check("SP103", "no-success-criterion")
def no_success_criterion(ctx: CheckContext) -> Iterator[Problem]:
    """An item has no success criterion. Nobody can say when it is achieved.

    An empty bullet is reported as a placeholder (SP109) instead.

    Fix: add `success_criteria:` with at least one measurable outcome.
    """
    for _path, _task, _deliverable, item in ctx.items():
        if not item.success_criteria and _active(item):
            yield _finding(
                "SP103",
                f'item {item.id} has no success criterion, so nobody can say when it is achieved. '
                'Add "success_criteria:" with a measurable outcome.',
                ctx.loaded.where(item.id),
                item.id,
            )


@check("SP104", "no-action")
def no_action(ctx: CheckContext) -> Iterator[Problem]:
    """An item has no action. It says what should be achieved but not what will be done.

    Fix: add `action:` saying what will be done, or merge the item into the one it belongs to.
    """
    for _path, _task, _deliverable, item in ctx.items():
        if item.action is None and _active(item):
            yield _finding(
                "SP104",
                f'item {item.id} has no action: it says what should be achieved but not what will be done. '
                'Add "action:".',
                ctx.loaded.where(item.id),
                item.id,
            )


# ---------------------------------------------------------------------------------------
# Leads


@check("SP105", "unknown-lead")
def unknown_lead(ctx: CheckContext) -> Iterator[Problem]:
    """An item's lead is not in the key. The code is not under `leads:`, so nobody knows who it is.

    Fix: add the code under `leads:` with the person's name, or correct the code.
    """
    known = sorted(ctx.plan.leads)
    for _path, _task, _deliverable, item in ctx.items():
        if item.lead is not None and item.lead not in ctx.plan.leads:
            listed = ", ".join(known) if known else "none"
            yield _finding(
                "SP105",
                f'item {item.id} is led by "{item.lead}", who is not in the plan\'s leads (known: {listed}). '
                f'Add {item.lead} under "leads:" with a name, or correct the code.',
                ctx.loaded.where(item.id, "lead"),
                item.id,
            )


def _lead_key_nodes(ctx: CheckContext) -> dict[str, yaml.Node]:
    """The key node of each lead under `leads:`, by its code in Latin capitals."""
    leads = node_at(ctx.loaded.root, ("leads",))
    if not isinstance(leads, yaml.MappingNode):
        return {}
    return {
        without_lookalikes(key.value.strip()).upper(): key for key, _value in leads.value if isinstance(key, yaml.ScalarNode)
    }


@check("SP106", "idle-lead")
def idle_lead(ctx: CheckContext) -> Iterator[Problem]:
    """A lead in the key owns no item. The code under `leads:` is on no item.

    Fix: give them the items they lead, or remove them from `leads:`.
    """
    owners = {item.lead for _path, _task, _deliverable, item in ctx.items()}
    keys = _lead_key_nodes(ctx)
    for code, lead in ctx.plan.leads.items():
        if code in owners:
            continue
        node = keys.get(code)
        location = (
            Location(ctx.loaded.source, node.start_mark.line + 1, node.start_mark.column + 1)
            if node is not None
            else ctx.loaded.locate(("leads",))
        )
        yield _finding(
            "SP106",
            f'lead {code} ({lead.name}) owns no item. Give them the items they lead, or remove them from "leads:".',
            location,
        )


# ---------------------------------------------------------------------------------------
# Dates


def _months_between(earlier: date, later: date) -> int:
    return (later.year - earlier.year) * 12 + later.month - earlier.month


def _deadlines(ctx: CheckContext) -> Iterator[tuple[Any, str, Any]]:
    """(item, field name, Deadline) for each dated baseline and revised deadline of a live item."""
    for _path, _task, _deliverable, item in ctx.items():
        if item.status.value == "dropped":
            continue
        for name in ("deadline", "revised_deadline"):
            deadline = getattr(item, name)
            if deadline is not None and deadline.due_date is not None:
                yield item, name, deadline


@check("SP107", "deadline-before-plan")
def deadline_before_plan(ctx: CheckContext) -> Iterator[Problem]:
    """A deadline is well before the plan's date. This usually means a wrong year.

    Deadlines up to `grace_months` (default 3) before the plan's month count as recent work the
    plan records, and are not reported.

    Fix: check the year. If the date is right, mark the item complete; to allow older
    deadlines set `checks: grace_months:`.
    """
    plan_date = ctx.plan.plan_date
    if plan_date is None:
        return
    grace = ctx.settings.grace_months
    cutoff = add_months(plan_date, -grace)
    for item, name, deadline in _deadlines(ctx):
        due = deadline.due_date
        if due < cutoff:
            months = _months_between(due, plan_date)
            what = "revised deadline" if name == "revised_deadline" else "deadline"
            yield _finding(
                "SP107",
                f'item {item.id}\'s {what} "{deadline.text}" ({_day_text(due)}) is {months} months before the '
                f"plan's date ({_month_year(plan_date)}). Check the year; if it is right, mark the item complete.",
                ctx.loaded.where(item.id, name),
                item.id,
            )


@check("SP108", "deadline-beyond-horizon")
def deadline_beyond_horizon(ctx: CheckContext) -> Iterator[Problem]:
    """A deadline is implausibly far after the plan's date.

    Implausibly far means more than `horizon_years` (default 5) after the plan's month.

    Fix: check the year (2032 for 2023?). If the plan really runs that long, raise
    `checks: horizon_years:`.
    """
    plan_date = ctx.plan.plan_date
    if plan_date is None:
        return
    horizon = ctx.settings.horizon_years
    limit = add_months(plan_date, 12 * horizon)
    for item, name, deadline in _deadlines(ctx):
        due = deadline.due_date
        if due >= limit:
            what = "revised deadline" if name == "revised_deadline" else "deadline"
            yield _finding(
                "SP108",
                f'item {item.id}\'s {what} "{deadline.text}" ({_day_text(due)}) is more than {horizon} years after '
                f"the plan's date ({_month_year(plan_date)}). Check the year; if the plan really runs that long, "
                "raise checks: horizon_years.",
                ctx.loaded.where(item.id, name),
                item.id,
            )


# ---------------------------------------------------------------------------------------
# Unfinished text

PLACEHOLDER = re.compile(
    r"(?<![^\W_])x{3,}(?![^\W_])"  # xxx, XXXX
    r"|[£$€]\s?x+(?:\s?(?:m|k|bn))?(?![^\W_])"  # £x, £x m, $xxk
    r"|(?<![^\W_])TB[CDA](?![^\W_])"  # TBC, TBD, TBA
    r"|\?{2,}",  # ??
    re.IGNORECASE,
)


def _texts(ctx: CheckContext) -> Iterator[tuple[Path_, str, str, str | None]]:
    """(YAML path, what it is, text, item id) for every piece of free text in the plan."""
    plan = ctx.plan
    yield ("plan", "title"), "the plan's title", plan.plan.title, None
    for code, lead in plan.leads.items():
        yield ("leads", code, "name"), f"lead {code}'s name", lead.name, None
        if lead.title is not None:
            yield ("leads", code, "title"), f"lead {code}'s title", lead.title, None
    for t, task in enumerate(plan.tasks):
        yield ("tasks", t, "title"), f"task {task.number}'s title", task.title, None
        for d, deliverable in enumerate(task.deliverables):
            yield ("tasks", t, "deliverables", d, "title"), f"a deliverable of task {task.number}", deliverable.title, None
            for i, item in enumerate(deliverable.items):
                path: Path_ = ("tasks", t, "deliverables", d, "items", i)
                if item.action is not None:
                    yield (*path, "action"), f"the action of item {item.id}", item.action, item.id
                for k, text in enumerate(item.success_criteria):
                    yield (*path, "success_criteria", k), f"success criterion {k + 1} of item {item.id}", text, item.id
                for k, text in enumerate(item.evidence):
                    yield (*path, "evidence", k), f"evidence {k + 1} of item {item.id}", text, item.id
                for name in ("rag_reason", "revision_reason", "recovery", "impact", "decision"):
                    text = getattr(item, name)
                    if text is not None:
                        yield (*path, name), f"the {name.replace('_', ' ')} of item {item.id}", text, item.id
                for k, update in enumerate(item.updates):
                    yield (*path, "updates", k, "text"), f"update {k + 1} of item {item.id}", update.text, item.id


def _lead_path(keys: dict[str, yaml.Node], path: Path_) -> Path_:
    # Lead codes are normalised at load; the file may spell the key otherwise ("cw", "ск").
    if path[:1] == ("leads",) and len(path) > 1:
        key = keys.get(str(path[1]))
        if key is not None:
            return ("leads", key.value, *path[2:])
    return path


@check("SP109", "placeholder")
def placeholder(ctx: CheckContext) -> Iterator[Problem]:
    """Text holds a placeholder or is empty. Placeholders are `xxx`, `£x` (`£x m`), `TBC`, `TBD`, `TBA` and `??`.

    An empty bullet (`- ""`) in the success criteria or evidence counts, as does an empty
    action or title. Titles, actions, criteria, evidence, reasons and updates are all read.

    Fix: write the real figure, name or words, or delete the empty line.
    """
    keys = _lead_key_nodes(ctx)
    for path, what, text, item_id in _texts(ctx):
        yaml_path = _lead_path(keys, path)
        if not text.strip():
            kind = "an empty bullet" if isinstance(path[-1], int) else "empty"
            yield _finding(
                "SP109",
                f"{what} is {kind}. Write it, or delete the line.",
                _located(ctx, yaml_path),
                item_id,
            )
            continue
        for match in PLACEHOLDER.finditer(text):
            yield _finding(
                "SP109",
                f'{what} holds the placeholder "{_excerpt(match[0], 20)}". Write the real figure or words.',
                _located(ctx, yaml_path, match.start()),
                item_id,
            )


# Words folded away when comparing text, beside case, spacing and punctuation: "WN LA is able
# to evidence" repeats "WN LA able to evidence".
FILLER_WORDS = frozenset({"a", "an", "the", "is", "are", "be", "been", "being", "was", "were", "will"})
_WORD = re.compile(r"[^\W_]+")


def fold(text: str) -> str:
    """Text reduced for comparison: case, spacing, punctuation and the filler words folded."""
    words = _WORD.findall(without_lookalikes(text).casefold())
    return " ".join(word for word in words if word not in FILLER_WORDS)


@dataclass(frozen=True, slots=True)
class _Place:
    what: str
    path: Path_
    item_id: str | None
    group: tuple[int, int]  # (task index, deliverable index)
    text: str


def _repeats(places: Iterable[_Place], *, across_deliverables_only: bool) -> Iterator[tuple[_Place, _Place]]:
    """(repeat, first) for each text seen before; with *across_deliverables_only*, a text
    repeated inside one deliverable is allowed (one action shared by an item per deadline)."""
    seen: dict[str, tuple[_Place, set[tuple[int, int]]]] = {}
    for place in places:
        key = fold(place.text)
        if not key:
            continue  # empty text is a placeholder (SP109), not a repeat
        if key not in seen:
            seen[key] = (place, {place.group})
            continue
        first, groups = seen[key]
        if not (across_deliverables_only and place.group in groups):
            yield place, first
        groups.add(place.group)


@check("SP110", "duplicate-text")
def duplicate_text(ctx: CheckContext) -> Iterator[Problem]:
    """A deliverable, action or criterion is repeated. The same text appears twice.

    Text is compared with case, spacing, punctuation and filler words (a, an, the, is, are, be,
    was, were, will) folded, so "WN LA is able to…" repeats "WN LA able to…".

    An action shared by the items of one deliverable (one action with several deadlines) is not
    reported; the same action under another deliverable is.

    Fix: delete the repeat, or reword one of them to say what is different.
    """
    deliverables: list[_Place] = []
    actions: list[_Place] = []
    criteria: list[_Place] = []
    for t, task in enumerate(ctx.plan.tasks):
        for d, deliverable in enumerate(task.deliverables):
            path: Path_ = ("tasks", t, "deliverables", d)
            deliverables.append(_Place(f"a deliverable of task {task.number}", (*path, "title"), None, (t, d), deliverable.title))
            for i, item in enumerate(deliverable.items):
                item_path = (*path, "items", i)
                if item.action is not None:
                    actions.append(_Place(f"the action of item {item.id}", (*item_path, "action"), item.id, (t, d), item.action))
                for k, text in enumerate(item.success_criteria):
                    criteria.append(
                        _Place(f"a success criterion of item {item.id}", (*item_path, "success_criteria", k), item.id, (t, d), text)
                    )
    found = [
        *_repeats(deliverables, across_deliverables_only=False),
        *_repeats(actions, across_deliverables_only=True),
        *_repeats(criteria, across_deliverables_only=False),
    ]
    for repeat, first in found:
        yield _finding(
            "SP110",
            # The first place is in the same file: its line is enough, and reads well in a report.
            f'{repeat.what} ("{_excerpt(repeat.text)}") repeats {first.what} at line {_located(ctx, first.path).line}. '
            "Delete the repeat, or reword one to say what is different.",
            _located(ctx, repeat.path),
            repeat.item_id,
        )


# ---------------------------------------------------------------------------------------
# Look-alike letters

# Values that are codes, dates or ids: a Cyrillic "С" in one of these breaks searching and
# sorting even where sendplan itself reads it as Latin.
CODE_FIELDS = frozenset({"id", "lead", "deadline", "revised_deadline", "completed", "date", "by", "number", "depends_on", "ignore"})
CODE_KEY_SECTIONS = frozenset({"leads", "glossary"})


def _scalars(node: yaml.Node | None, path: Path_ = ()) -> Iterator[tuple[Path_, yaml.ScalarNode, bool]]:
    """(path, scalar node, is a key) for every scalar in the tree, keys included."""
    if isinstance(node, yaml.ScalarNode):
        yield path, node, False
    elif isinstance(node, yaml.SequenceNode):
        for index, child in enumerate(node.value):
            yield from _scalars(child, (*path, index))
    elif isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            if isinstance(key, yaml.ScalarNode):
                yield (*path, key.value), key, True
                yield from _scalars(value, (*path, key.value))


def _letters(text: str) -> str:
    found = []
    for char in dict.fromkeys(text):
        if has_lookalikes(char):
            script = unicodedata.name(char, "").split(" ")[0].capitalize()
            found.append(f"{script} {char} (U+{ord(char):04X})")
    return ", ".join(found)


def _item_id_at(ctx: CheckContext, path: Path_) -> str | None:
    if len(path) >= 6 and path[0] == "tasks" and path[2] == "deliverables" and path[4] == "items":
        try:
            return ctx.plan.tasks[path[1]].deliverables[path[3]].items[path[5]].id
        except (IndexError, TypeError):
            return None
    return None


@check("SP111", "lookalike-letters")
def lookalike_letters(ctx: CheckContext) -> Iterator[Problem]:
    """A code or date has look-alike letters. They are Cyrillic or Greek letters that look like Latin ones.

    Text copied from a PDF often has them (`СК` for CK, `Ост` for Oct). sendplan reads them as
    the Latin letters, but searches, sorting and other tools do not. Codes are lead codes (in
    `leads:` and on items and updates) and glossary terms; dates are deadlines, completed and
    update dates and the plan's date. An item id with such letters is refused when the plan is
    read.

    Fix: retype the value in Latin letters, as the message suggests.
    """
    for path, node, is_key in _scalars(ctx.loaded.root):
        if is_key:
            relevant = len(path) == 2 and path[0] in CODE_KEY_SECTIONS
        else:
            names = [part for part in path if isinstance(part, str)]
            relevant = bool(names) and names[-1] in CODE_FIELDS
        if not relevant or not has_lookalikes(node.value):
            continue
        if is_key:
            field_name = "lead code" if path[0] == "leads" else "glossary term"
        else:
            field_name = str([part for part in path if isinstance(part, str)][-1]).replace("_", " ")
        item_id = _item_id_at(ctx, path)
        where = f" in item {item_id}" if item_id else ""
        latin = without_lookalikes(node.value)
        yield _finding(
            "SP111",
            f'the {field_name} {quoted(node.value)}{where} has letters that only look Latin: {_letters(node.value)}. '
            f'Retype it in Latin letters: "{latin}".',
            Location(ctx.loaded.source, node.start_mark.line + 1, node.start_mark.column + 1),
            item_id,
        )


# ---------------------------------------------------------------------------------------
# Completion


@check("SP112", "complete-without-date")
def complete_without_date(ctx: CheckContext) -> Iterator[Problem]:
    """A complete item has no completed date. Nobody can tell whether it was done on time.

    Fix: add `completed:` with the day it was done, such as `2022-03-31`.
    """
    for _path, _task, _deliverable, item in ctx.items():
        if item.status.value == "complete" and item.completed is None:
            yield _finding(
                "SP112",
                f'item {item.id} is complete but has no completed date. Add "completed:" with the day it was done, '
                'such as "2022-03-31".',
                ctx.loaded.where(item.id, "status"),
                item.id,
            )


@check("SP113", "completed-in-future")
def completed_in_future(ctx: CheckContext) -> Iterator[Problem]:
    """A completed date is in the future. It is after the day of the check (`--as-of`, default today).

    Fix: correct the date; an item can only be completed on a day that has passed.
    """
    for _path, _task, _deliverable, item in ctx.items():
        if item.completed is not None and item.completed > ctx.as_of:
            yield _finding(
                "SP113",
                f"item {item.id} was completed on {item.completed.isoformat()}, after the day of this check "
                f"({ctx.as_of.isoformat()}). Correct the date.",
                ctx.loaded.where(item.id, "completed"),
                item.id,
            )


# ---------------------------------------------------------------------------------------
# The checks section itself


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
            yield _finding(
                "SP114",
                f'"checks: ignore" names {quoted(text)}, which is not a check, so it silences nothing.{suggest_code(text)} '
                f"Checks are {min(CHECKS)} to {max(CHECKS)}.",
                _located(ctx, ("checks", "ignore", index)),
            )


@check("SP115", "undefined-abbreviation")
def undefined_abbreviation(ctx: CheckContext) -> Iterator[Problem]:
    """An abbreviation is not in the glossary. An upper-case abbreviation is used in the text
    but the plan's `glossary:` does not say what it means.

    A board member outside the council cannot ask what "NCFT" means; the plan should say. The
    finding points at the first use and counts the others.

    Fix: add the abbreviation under `glossary:` with its meaning (`NCFT: what it stands for`).
    """
    from sendplan.glossary import undefined_abbreviations

    yield from undefined_abbreviations(ctx.loaded)


@check("SP116", "nothing-tracked")
def nothing_tracked(ctx: CheckContext) -> Iterator[Problem]:
    """A plan, task or deliverable holds no items. Nothing in it can fall due, be overdue or be done.

    A plan with only its title is valid YAML, and a half-written task is easy to miss among
    many; either way every question sendplan answers about it comes back empty.

    Fix: add the items (each with an id, action, success criteria, deadline and lead), or delete the empty task or deliverable.
    """
    tasks = ctx.loaded.plan.tasks
    if not tasks:
        yield _finding(
            "SP116",
            'the plan has no tasks, so nothing in it can fall due. Add "tasks:" with deliverables and items.',
            ctx.loaded.locate(("tasks",), key=True),
            None,
        )
    for t, task in enumerate(tasks):
        if not task.deliverables:
            yield _finding(
                "SP116",
                f'task {task.number} has no deliverables, so nothing in it can fall due. Add "deliverables:" with items, '
                "or delete the task.",
                ctx.loaded.locate(("tasks", t)),
                None,
            )
        for d, deliverable in enumerate(task.deliverables):
            if not deliverable.items:
                yield _finding(
                    "SP116",
                    f'a deliverable of task {task.number} ("{_excerpt(deliverable.title)}") has no items. Add "items:", '
                    "or delete the deliverable.",
                    ctx.loaded.locate(("tasks", t, "deliverables", d)),
                    None,
                )


# ---------------------------------------------------------------------------------------
# Running the checks


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


# ---------------------------------------------------------------------------------------
# The health summary: counts per check and per task


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
    tasks = node_at(loaded.root, ("tasks",))
    if not isinstance(tasks, yaml.SequenceNode):
        return []
    return [
        (node.start_mark.line + 1, node.end_mark.line + 1, task)
        for node, task in zip(tasks.value, loaded.plan.tasks, strict=False)
    ]


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
