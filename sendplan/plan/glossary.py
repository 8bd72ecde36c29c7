"""The plan's glossary: its rows for `sendplan glossary`, and abbreviations the text uses but never defines.

Pure: reads a loaded plan, prints nothing. `undefined_abbreviations` is written as a plan
health check (it yields warning Problems located in the file), so the checks registry can
register it under a code of its own.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from sendplan.errors import Problem, Severity

# Two or more capitals (digits and & allowed inside), with an optional plural "s": EHCP,
# SENDCOs, HNB. Lower-case words and "I" or "A" are not abbreviations.
ABBREVIATION = re.compile(r"(?<![\w&])([A-Z][A-Z0-9&]*[A-Z0-9])(?:s|'s)?(?![\w&])")


@dataclass(frozen=True, slots=True)
class GlossaryRow:
    """One glossary entry: the JSON keys of `sendplan glossary --json`."""

    abbreviation: str
    meaning: str


def glossary_rows(plan: Any) -> list[GlossaryRow]:
    """The glossary in alphabetical order, ignoring case (as a printed glossary is)."""
    entries = sorted(plan.glossary.items(), key=lambda entry: (entry[0].casefold(), entry[0]))
    return [GlossaryRow(abbreviation, meaning) for abbreviation, meaning in entries]


def _item_texts(item: Any) -> Iterator[tuple[tuple[str | int, ...], str]]:
    """(path within the item, text) for every free-text field of an item."""
    for name in ("action", "rag_reason", "revision_reason"):
        value = getattr(item, name)
        if value:
            yield (name,), value
    for name in ("success_criteria", "evidence"):
        for index, value in enumerate(getattr(item, name)):
            yield (name, index), value
    for index, update in enumerate(item.updates):
        yield ("updates", index, "text"), update.text


def plan_texts(plan: Any) -> Iterator[tuple[str, tuple[str | int, ...]]]:
    """Every piece of free text in the plan with its YAML path, in file order."""
    for code, lead in plan.leads.items():
        if lead.title:
            yield lead.title, ("leads", code, "title")
    for t, task in enumerate(plan.tasks):
        yield task.title, ("tasks", t, "title")
        for d, deliverable in enumerate(task.deliverables):
            yield deliverable.title, ("tasks", t, "deliverables", d, "title")
            for i, item in enumerate(deliverable.items):
                base = ("tasks", t, "deliverables", d, "items", i)
                for path, text in _item_texts(item):
                    yield text, base + path


def defined_terms(plan: Any) -> set[str]:
    """Words a reader can look up: glossary entries (each word of "SEN Panel" too) and lead codes."""
    terms = set(plan.leads)
    for key in plan.glossary:
        terms.add(key)
        terms.update(ABBREVIATION.findall(key))
    return terms


# Placeholders are reported as such (SP109), not as words missing from the glossary.
NOT_ABBREVIATIONS = frozenset({"TBC", "TBD", "TBA"})


def abbreviations_in(text: str) -> list[str]:
    """The upper-case abbreviations in *text*, in order, plural "s" dropped: "SENDCOs" → "SENDCO"."""
    return [word for word in ABBREVIATION.findall(text) if word not in NOT_ABBREVIATIONS]


def undefined_abbreviations(loaded: Any) -> Iterator[Problem]:
    """Warn once for each upper-case abbreviation used in the text but missing from the glossary.

    A board member outside the council cannot ask what "NCFT" means; the plan should say.
    The warning points at the first use and counts the others.
    """
    known = defined_terms(loaded.plan)
    first: dict[str, tuple[str | int, ...]] = {}
    uses: dict[str, int] = {}
    for text, path in plan_texts(loaded.plan):
        for word in abbreviations_in(text):
            if word in known:
                continue
            first.setdefault(word, path)
            uses[word] = uses.get(word, 0) + 1
    # Positions are looked up only for the words reported: that may mean parsing the YAML again.
    for word, path in first.items():
        location = loaded.locate(path)
        more = uses[word] - 1
        also = f" (and {more} more time{'s' if more != 1 else ''})" if more else ""
        yield Problem(
            f'the abbreviation "{word}" is used here{also} but is not in the glossary. '
            f'Add it under "glossary:" with its meaning, for example "{word}: what it stands for".',
            location,
            code="SP115",
            severity=Severity.WARNING,
            subject=word,
        )
