"""Plan health checks on the plan's words: placeholders and empty text (SP109), repeats (SP110),
look-alike letters in codes and dates (SP111), abbreviations missing from the glossary (SP115)."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from itertools import filterfalse
from typing import Any

from sendplan.errors import Location, Problem, quoted
from sendplan.plan.checks.base import CheckContext, check, excerpt, finding, lead_keys, located
from sendplan.plan.dates import has_lookalikes, without_lookalikes
from sendplan.plan.locate import Path_

PLACEHOLDER = re.compile(
    r"(?<![^\W_])x{3,}(?![^\W_])"  # xxx, XXXX
    r"|[£$€]\s?x+(?:\s?(?:m|k|bn))?(?![^\W_])"  # £x, £x m, $xxk
    r"|(?<![^\W_])TB[CDA](?![^\W_])"  # TBC, TBD, TBA
    r"|\?{2,}",  # ??
    re.IGNORECASE,
)


# Where a piece of free text is, compactly: (kind, task index, deliverable index, item index,
# index in a list or field name, code). Its YAML path and its description in a message are
# made from this only when there is something to say about it (a plan of 100,000 items has
# some 250,000 pieces of text, nearly all fine).
_Where = tuple[str, int, int, int, "int | str", "str | None"]


def _may_hold_placeholder(text: str) -> bool:
    """Whether PLACEHOLDER could match: every placeholder holds one of these (a quick test in C
    for the 250,000 texts of a big plan; the pattern itself is ten times slower)."""
    low = text.lower()
    return "xxx" in low or "tb" in low or "??" in text or "£" in text or "$" in text or "€" in text


def _texts(ctx: CheckContext) -> Iterator[tuple[str, _Where]]:
    """(text, where) for every piece of free text in the plan, in file order."""
    plan = ctx.plan
    yield plan.plan.title, ("plan", 0, 0, 0, 0, None)
    for code, lead in plan.leads.items():
        yield lead.name, ("lead name", 0, 0, 0, 0, code)
        if lead.title is not None:
            yield lead.title, ("lead title", 0, 0, 0, 0, code)
    for t, task in enumerate(plan.tasks):
        yield task.title, ("task", t, 0, 0, 0, None)
        for d, deliverable in enumerate(task.deliverables):
            yield deliverable.title, ("deliverable", t, d, 0, 0, None)
            for i, item in enumerate(deliverable.items):
                if item.action is not None:
                    yield item.action, ("action", t, d, i, 0, None)
                for k, text in enumerate(item.success_criteria):
                    yield text, ("success_criteria", t, d, i, k, None)
                for k, text in enumerate(item.evidence):
                    yield text, ("evidence", t, d, i, k, None)
                for name in ("rag_reason", "revision_reason", "recovery", "impact", "decision"):
                    text = getattr(item, name)
                    if text is not None:
                        yield text, ("field", t, d, i, name, None)
                for k, update in enumerate(item.updates):
                    yield update.text, ("updates", t, d, i, k, None)


def _path(where: _Where) -> Path_:
    kind, t, d, i, k, code = where
    if kind == "plan":
        return ("plan", "title")
    if kind in ("lead name", "lead title"):
        return ("leads", str(code), kind.removeprefix("lead "))
    if kind == "task":
        return ("tasks", t, "title")
    if kind == "deliverable":
        return ("tasks", t, "deliverables", d, "title")
    item: Path_ = ("tasks", t, "deliverables", d, "items", i)
    if kind == "action":
        return (*item, "action")
    if kind == "field":
        return (*item, k)
    if kind == "updates":
        return (*item, "updates", k, "text")
    return (*item, kind, k)


def _item_of(ctx: CheckContext, where: _Where) -> Any:
    _kind, t, d, i, _k, _code = where
    return ctx.plan.tasks[t].deliverables[d].items[i]


def _what(ctx: CheckContext, where: _Where) -> str:
    """What the text is, for a message: "the action of item 4.7", "task 3's title"."""
    kind, t, _d, _i, k, code = where
    if kind == "plan":
        return "the plan's title"
    if kind in ("lead name", "lead title"):
        return f"lead {code}'s {kind.removeprefix('lead ')}"
    if kind == "task":
        return f"task {ctx.plan.tasks[t].number}'s title"
    if kind == "deliverable":
        return f"a deliverable of task {ctx.plan.tasks[t].number}"
    item_id = _item_of(ctx, where).id
    if kind == "action":
        return f"the action of item {item_id}"
    if kind == "success_criteria":
        return f"success criterion {int(k) + 1} of item {item_id}"
    if kind == "evidence":
        return f"evidence {int(k) + 1} of item {item_id}"
    if kind == "field":
        return f"the {str(k).replace('_', ' ')} of item {item_id}"
    return f"update {int(k) + 1} of item {item_id}"


def _item_id(ctx: CheckContext, where: _Where) -> str | None:
    return None if where[0] in ("plan", "lead name", "lead title", "task", "deliverable") else str(_item_of(ctx, where).id)


def _lead_path(keys: dict[str, tuple[str, Location]], path: Path_) -> Path_:
    # Lead codes are normalised at load; the file may spell the key otherwise ("cw", "ск").
    if path[:1] == ("leads",) and len(path) > 1:
        key = keys.get(str(path[1]))
        if key is not None:
            return ("leads", key[0], *path[2:])
    return path


@check("SP109", "placeholder")
def placeholder(ctx: CheckContext) -> Iterator[Problem]:
    """Text holds a placeholder or is empty. Placeholders are `xxx`, `£x` (`£x m`), `TBC`, `TBD`, `TBA` and `??`.

    An empty bullet (`- ""`) in the success criteria or evidence counts, as does an empty
    action or title. Titles, actions, criteria, evidence, reasons and updates are all read.

    Fix: write the real figure, name or words, or delete the empty line.
    """
    keys = lead_keys(ctx)
    search = PLACEHOLDER.search
    for text, where in _texts(ctx):
        empty = not text or text.isspace()
        if not empty and (not _may_hold_placeholder(text) or search(text) is None):
            continue
        yaml_path = _lead_path(keys, _path(where))
        what, item_id = _what(ctx, where), _item_id(ctx, where)
        if empty:
            kind = "an empty bullet" if isinstance(yaml_path[-1], int) else "empty"
            yield finding("SP109", f"{what} is {kind}. Write it, or delete the line.", located(ctx, yaml_path), item_id)
            continue
        for match in PLACEHOLDER.finditer(text):
            yield finding(
                "SP109",
                f'{what} holds the placeholder "{excerpt(match[0], 20)}". Write the real figure or words.',
                located(ctx, yaml_path, match.start()),
                item_id,
            )


# Words folded away when comparing text, beside case, spacing and punctuation: "WN LA is able
# to evidence" repeats "WN LA able to evidence".
FILLER_WORDS = frozenset({"a", "an", "the", "is", "are", "be", "been", "being", "was", "were", "will"})
_WORD = re.compile(r"[^\W_]+")


def fold(text: str) -> str:
    """Text reduced for comparison: case, spacing, punctuation and the filler words folded."""
    words = _WORD.findall(without_lookalikes(text).casefold())
    return " ".join(filterfalse(FILLER_WORDS.__contains__, words))


class _Repeats:
    """Texts of one kind seen so far, folded, each with where it was first; with
    *across_deliverables_only*, a text repeated inside one deliverable is allowed (one action
    shared by an item per deadline).

    Only what a repeat needs is kept: the hash of each folded text with where it was first (a
    plan of 100,000 items has 250,000 texts: their folded words would be 40 MB more), and the
    deliverables a text was seen in once it is seen twice. A hash seen again is checked against
    the first text itself, so two texts that only share a hash are never called a repeat.
    """

    def __init__(self, ctx: CheckContext, *, across_deliverables_only: bool) -> None:
        self.ctx = ctx
        self.across = across_deliverables_only
        self.first: dict[int, _Where] = {}
        self.collided: dict[str, _Where] = {}  # texts whose hash another text had first
        self.groups: dict[_Where, set[tuple[int, int]]] = {}

    def repeat_of(self, text: str, where: _Where) -> _Where | None:
        """Where *text* was first seen, if this is a repeat to report; else None (and it is noted)."""
        key = fold(text)
        if not key:
            return None  # empty text is a placeholder (SP109), not a repeat
        first = self.first.setdefault(hash(key), where)
        if first is where:
            return None
        if fold(_text_at(self.ctx, first)) != key:  # another text with the same hash
            first = self.collided.setdefault(key, where)
            if first is where:
                return None
        groups = self.groups.get(first)
        if groups is None:
            groups = self.groups[first] = {(first[1], first[2])}
        group = (where[1], where[2])
        reported = not (self.across and group in groups)
        groups.add(group)
        return first if reported else None


def _text_at(ctx: CheckContext, where: _Where) -> str:
    """The text of a deliverable title, an action or a success criterion at *where*."""
    kind, t, d, _i, k, _code = where
    if kind == "deliverable":
        return str(ctx.plan.tasks[t].deliverables[d].title)
    item = _item_of(ctx, where)
    return str(item.action) if kind == "action" else str(item.success_criteria[int(k)])


@check("SP110", "duplicate-text")
def duplicate_text(ctx: CheckContext) -> Iterator[Problem]:
    """A deliverable, action or criterion is repeated. The same text appears twice.

    Text is compared with case, spacing, punctuation and filler words (a, an, the, is, are, be,
    was, were, will) folded, so "WN LA is able to…" repeats "WN LA able to…".

    An action shared by the items of one deliverable (one action with several deadlines) is not
    reported; the same action under another deliverable is.

    Fix: delete the repeat, or reword one of them to say what is different.
    """
    kinds = {
        "deliverable": _Repeats(ctx, across_deliverables_only=False),
        "action": _Repeats(ctx, across_deliverables_only=True),
        "success_criteria": _Repeats(ctx, across_deliverables_only=False),
    }
    for text, repeat in _texts(ctx):
        seen = kinds.get(repeat[0])
        first = seen.repeat_of(text, repeat) if seen is not None else None
        if first is None:
            continue
        item_id = _item_id(ctx, repeat)
        yield finding(
            "SP110",
            # The first place is in the same file: its line is enough, and reads well in a report.
            f'{_repeat_what(ctx, repeat)} ("{excerpt(text)}") repeats {_repeat_what(ctx, first)} at line '
            f"{located(ctx, _path(first)).line}. Delete the repeat, or reword one to say what is different.",
            located(ctx, _path(repeat)),
            item_id,
            None if item_id else _repeat_what(ctx, repeat),
        )


def _repeat_what(ctx: CheckContext, where: _Where) -> str:
    if where[0] == "success_criteria":
        return f"a success criterion of item {_item_of(ctx, where).id}"
    return _what(ctx, where)


# Values that are codes, dates or ids: a Cyrillic "С" in one of these breaks searching and
# sorting even where sendplan itself reads it as Latin.
CODE_FIELDS = frozenset({"id", "lead", "deadline", "revised_deadline", "completed", "date", "by", "number", "depends_on", "ignore"})
CODE_KEY_SECTIONS = frozenset({"leads", "glossary"})


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
            item_id: str = ctx.plan.tasks[path[1]].deliverables[path[3]].items[path[5]].id
            return item_id
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
    positions = ctx.loaded.positions
    # The index keeps every key and text with such a letter as written (the plan keeps codes
    # only as Latin capitals).
    for path, text, is_key, line, column in positions.lookalikes if positions is not None else ():
        if is_key:
            relevant = len(path) == 2 and path[0] in CODE_KEY_SECTIONS
        else:
            names = [part for part in path if isinstance(part, str)]
            relevant = bool(names) and names[-1] in CODE_FIELDS
        if not relevant:
            continue
        if is_key:
            field_name = "lead code" if path[0] == "leads" else "glossary term"
        else:
            field_name = str([part for part in path if isinstance(part, str)][-1]).replace("_", " ")
        item_id = _item_id_at(ctx, path)
        where = f" in item {item_id}" if item_id else ""
        latin = without_lookalikes(text)
        yield finding(
            "SP111",
            f'the {field_name} {quoted(text)}{where} has letters that only look Latin: {_letters(text)}. '
            f'Retype it in Latin letters: "{latin}".',
            Location(ctx.loaded.source, line + 1, column + 1),
            item_id,
        )


@check("SP115", "undefined-abbreviation")
def undefined_abbreviation(ctx: CheckContext) -> Iterator[Problem]:
    """An abbreviation is not in the glossary. An upper-case abbreviation is used in the text
    but the plan's `glossary:` does not say what it means.

    A board member outside the council cannot ask what "NCFT" means; the plan should say. The
    finding points at the first use and counts the others.

    Fix: add the abbreviation under `glossary:` with its meaning (`NCFT: what it stands for`).
    """
    from sendplan.plan.glossary import undefined_abbreviations

    yield from undefined_abbreviations(ctx.loaded)
