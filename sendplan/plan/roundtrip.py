"""ruamel.yaml round trips that keep a plan file's layout: set a key, append a note, splice lines.

The file is read with ruamel.yaml's round-trip loader, which keeps comments, key order and
quoting; the caller changes the tree and dumps it again. Only the lines that changed between a
dump of the untouched tree and a dump of the edited one are spliced into the original text
(`splice`), so formatting ruamel would normalise elsewhere (indentation, wrapped lines) never
reaches the file. ruamel is imported inside the functions; nothing here reads or writes files.
"""

from __future__ import annotations

import difflib
import io
import re
from datetime import date
from typing import Any

from sendplan.errors import PlanError

# Candidate (mapping, sequence, offset) indentations: the one whose dump of the untouched file
# matches it best is used, so inserted lines are indented like their neighbours.
INDENTS = ((2, 4, 2), (2, 2, 0), (4, 4, 2), (4, 4, 0), (4, 6, 4), (3, 3, 0), (2, 3, 1))
# YAML 1.1 readers take these as booleans; quote them when written as a value.
_YAML11_WORDS = frozenset(["y", "n", "yes", "no", "on", "off", "true", "false"])
_PLAIN_WORD = re.compile(r"[A-Za-z][A-Za-z0-9_]*")
_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


def _yaml(indent: tuple[int, int, int]) -> Any:
    from ruamel.yaml import YAML

    yaml = YAML(typ="rt")
    yaml.preserve_quotes = True
    yaml.width = 1 << 16  # never re-wrap a line
    mapping, sequence, offset = indent
    yaml.indent(mapping=mapping, sequence=sequence, offset=offset)
    # One value written twice (the day of `done --note`: completed and the note's date) would
    # otherwise come out as an anchor and an alias, which plans may not use.
    yaml.representer.ignore_aliases = lambda data: True
    return yaml


def new_plan_yaml() -> Any:
    """The writer set up for a plan made from scratch (sendplan import): the first indentation."""
    return _yaml(INDENTS[0])


def dump(yaml: Any, document: Any) -> str:
    out = io.StringIO()
    yaml.dump(document, out)
    return out.getvalue()


def _changed_lines(a: list[str], b: list[str]) -> int:
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    return sum(max(i2 - i1, j2 - j1) for tag, i1, i2, j1, j2 in matcher.get_opcodes() if tag != "equal")


def round_trip(text: str) -> tuple[Any, Any, str]:
    """(yaml, document, dump of the untouched document) with the best-matching indentation."""
    best: tuple[int, Any, Any, str] | None = None
    lines = text.splitlines(keepends=True)
    for indent in INDENTS:
        yaml = _yaml(indent)
        document = yaml.load(text)
        base = dump(yaml, document)
        if base == text:
            return yaml, document, base
        score = _changed_lines(lines, base.splitlines(keepends=True))
        if best is None or score < best[0]:
            best = (score, yaml, document, base)
    assert best is not None
    return best[1], best[2], best[3]


def splice(original: str, base: str, new: str, item_id: str) -> str:
    """Apply the changes from *base* to *new* onto *original*, where base matches original."""
    original_lines = original.splitlines(keepends=True)
    base_lines = base.splitlines(keepends=True)
    new_lines = new.splitlines(keepends=True)
    # Runs of lines the base dump shares with the original: (base start, base end, original start).
    shared = [
        (i1, i2, j1)
        for tag, i1, i2, j1, _ in difflib.SequenceMatcher(None, base_lines, original_lines, autojunk=False).get_opcodes()
        if tag == "equal"
    ]
    result = list(original_lines)
    hunks = difflib.SequenceMatcher(None, base_lines, new_lines, autojunk=False).get_opcodes()
    # Apply from the bottom up so earlier positions stay valid.
    for tag, i1, i2, j1, j2 in reversed(hunks):
        if tag == "equal":
            continue
        run = next(((b0, o0) for b0, b1, o0 in shared if b0 <= i1 and i2 <= b1), None)
        if run is None:
            raise PlanError.single(
                f"item {item_id} is written in a layout sendplan cannot edit without reformatting it. "
                "The plan was not changed; make the change by hand.",
            )
        start = run[1] + i1 - run[0]
        result[start : start + i2 - i1] = new_lines[j1:j2]
    return "".join(result)


def _is_block(node: Any) -> bool:
    from ruamel.yaml.comments import CommentedMap, CommentedSeq

    return isinstance(node, CommentedMap | CommentedSeq) and len(node) > 0 and not node.fa.flow_style()


def _slots(container: Any, key: Any) -> list[tuple[Any, Any]]:
    """The (container, key) pairs from *key* down to the last scalar inside its value.

    ruamel keeps the comments and blank lines that follow a value on the deepest of these.
    """
    from ruamel.yaml.comments import CommentedMap

    chain = [(container, key)]
    node = container[key]
    while _is_block(node):
        last = next(reversed(node)) if isinstance(node, CommentedMap) else len(node) - 1
        chain.append((node, last))
        node = node[last]
    return chain


def _comment_index(container: Any) -> int:
    from ruamel.yaml.comments import CommentedMap

    return 2 if isinstance(container, CommentedMap) else 0


def _take_tail(chain: list[tuple[Any, Any]]) -> str:
    """Remove and return the whole-line comments and blank lines after the value at *chain*.

    An end-of-line comment stays where it is.
    """
    tail = ""
    for container, key in chain:
        entry = container.ca.items.get(key)
        index = _comment_index(container)
        if not entry or entry[index] is None:
            continue
        head, _, rest = entry[index].value.partition("\n")
        tail += rest
        if head.strip():
            entry[index].value = head + "\n"
        else:
            entry[index] = None
    return tail


def _put_tail(chain: list[tuple[Any, Any]], tail: str) -> None:
    if not tail:
        return
    from ruamel.yaml.error import CommentMark
    from ruamel.yaml.tokens import CommentToken

    container, key = chain[-1]
    index = _comment_index(container)
    entry = container.ca.items.setdefault(key, [None, None, None, None] if index == 2 else [None, None])
    if entry[index] is None:
        entry[index] = CommentToken("\n" + tail, CommentMark(0), None)
    else:
        entry[index].value = entry[index].value.rstrip("\n") + "\n" + tail


def set_key(item: Any, key: str, value: Any, order: list[str]) -> None:
    """Set *key* on the item mapping, adding it after the fields that come before it."""
    if key in item:
        if _is_block(item[key]) or _is_block(value):
            tail = _take_tail(_slots(item, key))
            item[key] = value
            _put_tail(_slots(item, key), tail)
        else:
            item[key] = value
        return
    rank = order.index(key)
    keys = list(item)
    position = len(keys)
    while position > 0 and keys[position - 1] in order and order.index(keys[position - 1]) > rank:
        position -= 1
    if position == 0:
        item.insert(0, key, value)
        return
    # Comments after the previous field belong to whatever follows it: keep them after the new key.
    tail = _take_tail(_slots(item, keys[position - 1]))
    item.insert(position, key, value)
    _put_tail(_slots(item, key), tail)


def remove_key(item: Any, key: str) -> None:
    """Remove *key* from the item mapping, keeping the comment lines and blank lines that
    follow its value (they belong to what comes next); its end-of-line comment goes with it."""
    keys = list(item)
    position = keys.index(key)
    tail = _take_tail(_slots(item, key))
    if tail.strip() and position == 0:  # nowhere to keep the comments: leave the edit to a person
        raise PlanError.single(f'sendplan cannot remove "{key}" without losing the comments after it: edit it by hand.')
    del item[key]
    if position > 0:
        _put_tail(_slots(item, keys[position - 1]), tail)


def append(sequence: Any, value: Any) -> None:
    tail = _take_tail(_slots(sequence, len(sequence) - 1)) if len(sequence) else ""
    sequence.append(value)
    _put_tail(_slots(sequence, len(sequence) - 1), tail)


def word(text: str) -> Any:
    """A code or keyword, plain unless a YAML 1.1 reader would take it for a boolean."""
    from ruamel.yaml.scalarstring import DoubleQuotedScalarString

    if _PLAIN_WORD.fullmatch(text) and text.lower() not in _YAML11_WORDS:
        return text
    return DoubleQuotedScalarString(text)


def prose(text: str) -> Any:
    from ruamel.yaml.scalarstring import DoubleQuotedScalarString

    return DoubleQuotedScalarString(text)


def deadline_value(text: str) -> Any:
    if _ISO_DAY.fullmatch(text):
        return date.fromisoformat(text)  # written plain: 2022-09-30
    if re.fullmatch(r"[A-Za-z]+ \d{4}", text):
        return text
    return prose(text)
