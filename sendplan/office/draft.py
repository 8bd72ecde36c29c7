"""A plan made by an import, before it is a file: tasks, deliverables, items and the key of leads,
each item with the tracker cell it came from. `plan_text` writes it as YAML with the same
round-trip writer (ruamel.yaml, set up as sendplan's editor sets it up) that edits plans, with the
source of every item as a comment beside its id (plan/roundtrip.py). Pure: text out, nothing
written here; plan/write.py writes the file.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from sendplan.office.values import Owner

# Item keys in the order the plan's model lists them.
ITEM_KEYS = ("id", "action", "success_criteria", "deadline", "deadline_note", "lead", "status", "rag",
             "rag_reason", "updates")
# What a literal block (|-) can carry unchanged: no control characters, no line ending in a space,
# no leading space on the first line, no byte-order marks or line separators YAML treats specially.
_BLOCK_UNSAFE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\ufeff]|[ \t]\n|[ \t]$|^[ \t]|\n\n*$|\t")


@dataclass
class DraftItem:
    item_id: str
    source: str  # the cell the item came from: "Action tracker!C7"
    values: dict[str, Any] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)  # more comment lines: what was kept as written


@dataclass
class DraftDeliverable:
    title: str
    items: list[DraftItem] = field(default_factory=list)


@dataclass
class DraftTask:
    number: int
    title: str
    deliverables: list[DraftDeliverable] = field(default_factory=list)


@dataclass
class Draft:
    title: str
    leads: dict[str, Owner] = field(default_factory=dict)
    tasks: list[DraftTask] = field(default_factory=list)
    preamble: list[str] = field(default_factory=list)  # comment lines at the top of the file


def _prose(text: str) -> Any:
    """Text in double quotes, as the editor writes it; several lines as a literal block when
    that keeps every character."""
    from ruamel.yaml.scalarstring import LiteralScalarString

    from sendplan.plan.roundtrip import prose

    if "\n" in text and not _BLOCK_UNSAFE.search(text):
        return LiteralScalarString(text)
    return prose(text)


def _item_map(item: DraftItem) -> Any:
    from ruamel.yaml.comments import CommentedMap, CommentedSeq
    from ruamel.yaml.scalarstring import DoubleQuotedScalarString

    from sendplan.plan.roundtrip import deadline_value, word

    node = CommentedMap()
    node["id"] = DoubleQuotedScalarString(item.item_id)
    for key in ITEM_KEYS[1:]:
        if key not in item.values:
            continue
        value = item.values[key]
        if key == "success_criteria":
            node[key] = CommentedSeq(_prose(text) for text in value)
        elif key in ("deadline",):
            node[key] = deadline_value(value)
        elif key in ("lead", "status", "rag"):
            node[key] = word(value)
        elif key == "updates":
            notes = CommentedSeq()
            for update in value:
                entry = CommentedMap()
                entry["date"] = deadline_value(update["date"])
                entry["text"] = _prose(update["text"])
                notes.append(entry)
            node[key] = notes
        else:
            node[key] = _prose(value)
    node.yaml_add_eol_comment(f"from {_comment(item.source)}", "id")
    return node


def _comment(text: str) -> str:
    # A comment is one line: a cell's text can hold line breaks and control characters.
    return re.sub(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]+", " ", text).strip()


def plan_document(draft: Draft) -> Any:
    """The draft as a ruamel.yaml document (CommentedMap), comments attached."""
    from ruamel.yaml.comments import CommentedMap, CommentedSeq
    from ruamel.yaml.scalarstring import DoubleQuotedScalarString

    from sendplan.plan.roundtrip import word

    document = CommentedMap()
    info = CommentedMap()
    info["title"] = DoubleQuotedScalarString(draft.title)
    document["plan"] = info
    if draft.leads:
        leads = CommentedMap()
        for code, owner in draft.leads.items():
            entry = CommentedMap()
            entry["name"] = DoubleQuotedScalarString(owner.name or code)
            if owner.title:
                entry["title"] = DoubleQuotedScalarString(owner.title)
            leads[word(code)] = entry
        document["leads"] = leads
    tasks = CommentedSeq()
    for task in draft.tasks:
        task_node = CommentedMap()
        task_node["number"] = task.number
        task_node["title"] = _prose(task.title)
        deliverables = CommentedSeq()
        for deliverable in task.deliverables:
            deliverable_node = CommentedMap()
            deliverable_node["title"] = _prose(deliverable.title)
            items = CommentedSeq()
            for index, item in enumerate(deliverable.items):
                items.append(_item_map(item))
                if item.notes:
                    lines = "\n".join(_comment(note) for note in item.notes)
                    items.yaml_set_comment_before_after_key(index, before=lines, indent=10)
            deliverable_node["items"] = items
            deliverables.append(deliverable_node)
        task_node["deliverables"] = deliverables
        tasks.append(task_node)
    document["tasks"] = tasks
    if draft.preamble:
        document.yaml_set_start_comment("\n".join(_comment(line) for line in draft.preamble))
    return document


def plan_text(draft: Draft) -> str:
    """The draft as the text of a plan file, written as the editor writes plans."""
    from sendplan.plan.roundtrip import dump, new_plan_yaml

    return dump(new_plan_yaml(), plan_document(draft))
