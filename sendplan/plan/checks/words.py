"""Plan health checks on the plan's words: placeholders and empty text (SP109), repeats (SP110),
look-alike letters in codes and dates (SP111), abbreviations missing from the glossary (SP115)."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import yaml

from sendplan.errors import Problem, quoted
from sendplan.plan.checks.base import CheckContext, check, excerpt, finding, lead_key_nodes, located
from sendplan.plan.dates import has_lookalikes, without_lookalikes
from sendplan.plan.locate import Path_, node_location

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
    keys = lead_key_nodes(ctx)
    for path, what, text, item_id in _texts(ctx):
        yaml_path = _lead_path(keys, path)
        if not text.strip():
            kind = "an empty bullet" if isinstance(path[-1], int) else "empty"
            yield finding(
                "SP109",
                f"{what} is {kind}. Write it, or delete the line.",
                located(ctx, yaml_path),
                item_id,
            )
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
        yield finding(
            "SP110",
            # The first place is in the same file: its line is enough, and reads well in a report.
            f'{repeat.what} ("{excerpt(repeat.text)}") repeats {first.what} at line {located(ctx, first.path).line}. '
            "Delete the repeat, or reword one to say what is different.",
            located(ctx, repeat.path),
            repeat.item_id,
            None if repeat.item_id else repeat.what,
        )


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
        yield finding(
            "SP111",
            f'the {field_name} {quoted(node.value)}{where} has letters that only look Latin: {_letters(node.value)}. '
            f'Retype it in Latin letters: "{latin}".',
            node_location(ctx.loaded.source, node),
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
