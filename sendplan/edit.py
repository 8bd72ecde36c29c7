"""Edits to one item of a plan file that keep everything else exactly as it was written.

The file is read with ruamel.yaml's round-trip loader, which keeps comments, key order and
quoting; the item is changed in that tree and the tree dumped again. Only the lines that
changed between a dump of the untouched tree and a dump of the edited one are spliced into
the original text, so formatting ruamel would normalise elsewhere (indentation, wrapped
lines) never reaches the file. The new text must load as a valid plan, with every other item
unchanged, before it replaces the file: through a temporary file in the same folder, flushed
and fsynced, then renamed over the original with its permissions, all under an exclusive lock
on a sidecar file, so concurrent edits queue instead of losing each other's changes.

Nothing here prints or reads the clock: dates arrive as parameters.
"""

from __future__ import annotations

import contextlib
import dataclasses
import difflib
import io
import os
import re
import stat
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from sendplan.errors import Location, PlanError, Problem
from sendplan.load import STDIN, LoadedPlan, decode, is_bundled, parse_plan

BOM = "\ufeff"
# Candidate (mapping, sequence, offset) indentations: the one whose dump of the untouched file
# matches it best is used, so inserted lines are indented like their neighbours.
INDENTS = ((2, 4, 2), (2, 2, 0), (4, 4, 2), (4, 4, 0), (4, 6, 4), (3, 3, 0), (2, 3, 1))
# YAML 1.1 readers take these as booleans; quote them when written as a value.
_YAML11_WORDS = frozenset(["y", "n", "yes", "no", "on", "off", "true", "false"])
_PLAIN_WORD = re.compile(r"[A-Za-z][A-Za-z0-9_]*")
_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


@dataclass(frozen=True, slots=True)
class Note:
    """A dated progress note to append to an item's updates."""

    date: date
    by: str | None
    text: str


@dataclass(frozen=True, slots=True)
class ItemEdit:
    """What to set on one item; None leaves a field as it is."""

    item_id: str
    status: str | None = None
    completed: date | None = None
    rag: str | None = None
    rag_reason: str | None = None
    revised_deadline: str | None = None
    revision_reason: str | None = None
    recovery: str | None = None
    impact: str | None = None
    decision: str | None = None
    note: Note | None = None
    # Recorded as `completed` unless the item is already complete with a completion day.
    completed_unless_set: date | None = None


@dataclass(frozen=True, slots=True)
class Change:
    """One field that changed: its value as written before (None if absent) and after."""

    field: str
    before: str | None
    after: str


@dataclass
class EditResult:
    path: str
    item_id: str
    changes: list[Change] = field(default_factory=list)
    diff: str = ""
    written: bool = False


# ---------------------------------------------------------------------------------------
# Where the plan is, and whether it may be edited


def writable_path(path: str) -> str:
    """The real file behind *path*, or a PlanError saying why it cannot be edited in place."""
    if path == STDIN:
        raise PlanError.single(
            "a plan read from standard input (--plan -) cannot be updated. Name the plan file "
            "with --plan FILE.",
        )
    real = os.path.realpath(path)
    if is_bundled(path):
        raise PlanError.single(
            "this is the example plan bundled with sendplan; it is replaced whenever sendplan is "
            "reinstalled, so it is not edited. Make a copy to update with: sendplan init --example "
            "(it writes plan.yaml in this folder, which later commands then use).",
            Location(path),
        )
    if not os.path.isfile(real):
        raise PlanError.single("no such file. Check the name given with --plan.", Location(path))
    if not os.access(real, os.W_OK):
        raise PlanError.single(
            "the plan file is read-only, so it was not changed. Make it writable first.", Location(path)
        )
    return real


def lock_path(path: str) -> str:
    """The sidecar lock file: ".plan.yaml.lock" beside "plan.yaml"."""
    folder, name = os.path.split(path)
    return os.path.join(folder, f".{name}.lock")


@contextlib.contextmanager
def plan_lock(path: str) -> Iterator[None]:
    """Hold an exclusive lock on *path*'s sidecar lock file; other editors wait their turn.

    The lock file is left in place: deleting it would let two editors lock different files.
    """
    import fcntl  # POSIX only, and only needed when writing

    where = lock_path(path)
    try:
        fd = os.open(where, os.O_RDWR | os.O_CREAT, 0o666)
    except OSError as error:
        raise PlanError.single(
            f"cannot create the lock file {where}: {error.strerror}. The plan was not changed; "
            "sendplan needs to write in the plan's folder.",
            Location(path),
        ) from None
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing releases the lock


def write_atomic(path: str, data: bytes) -> None:
    """Replace *path* with *data*: temp file in the same folder, fsync, rename, mode kept.

    A crash at any moment leaves either the old file or the new one, never a mix.
    """
    folder = os.path.dirname(path) or "."
    try:
        mode = stat.S_IMODE(os.stat(path).st_mode)
        fd, temp = tempfile.mkstemp(prefix=f".{os.path.basename(path)}.", suffix=".tmp", dir=folder)
    except OSError as error:
        raise PlanError.single(
            f"cannot write in the plan's folder: {error.strerror}. The plan was not changed.", Location(path)
        ) from None
    try:
        with os.fdopen(fd, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(temp, mode)
        os.replace(temp, path)
    except OSError as error:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise PlanError.single(
            f"cannot write the plan: {error.strerror}. The plan was not changed.", Location(path)
        ) from None
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise
    # The rename itself is durable only once the folder is flushed.
    with contextlib.suppress(OSError):
        folder_fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(folder_fd)
        finally:
            os.close(folder_fd)


# ---------------------------------------------------------------------------------------
# Finding the item


def nearest_ids(wanted: str, ids: list[str], n: int = 3) -> list[str]:
    """The ids most like *wanted*: close spellings first, else others in the same task."""
    close = difflib.get_close_matches(wanted, ids, n=n, cutoff=0.6)
    if close:
        return close
    prefix = wanted.split(".")[0] + "."
    same_task = [item_id for item_id in ids if item_id.startswith(prefix)]
    return same_task[:n] or difflib.get_close_matches(wanted, ids, n=n, cutoff=0.0)


def unknown_item_message(wanted: str, loaded: LoadedPlan) -> str:
    ids = [item.id for _, _, item in loaded.plan.iter_items()]
    guesses = nearest_ids(wanted, ids)
    hint = f" Did you mean {', '.join(guesses)}?" if guesses else ""
    return f'there is no item "{wanted}" in {loaded.source}.{hint} `sendplan list` shows every id.'


# ---------------------------------------------------------------------------------------
# Round-trip YAML


def _yaml(indent: tuple[int, int, int]) -> Any:
    from ruamel.yaml import YAML

    yaml = YAML(typ="rt")
    yaml.preserve_quotes = True
    yaml.width = 1 << 16  # never re-wrap a line
    mapping, sequence, offset = indent
    yaml.indent(mapping=mapping, sequence=sequence, offset=offset)
    return yaml


def _dump(yaml: Any, document: Any) -> str:
    out = io.StringIO()
    yaml.dump(document, out)
    return out.getvalue()


def _changed_lines(a: list[str], b: list[str]) -> int:
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    return sum(max(i2 - i1, j2 - j1) for tag, i1, i2, j1, j2 in matcher.get_opcodes() if tag != "equal")


def _round_trip(text: str) -> tuple[Any, Any, str]:
    """(yaml, document, dump of the untouched document) with the best-matching indentation."""
    best: tuple[int, Any, Any, str] | None = None
    lines = text.splitlines(keepends=True)
    for indent in INDENTS:
        yaml = _yaml(indent)
        document = yaml.load(text)
        base = _dump(yaml, document)
        if base == text:
            return yaml, document, base
        score = _changed_lines(lines, base.splitlines(keepends=True))
        if best is None or score < best[0]:
            best = (score, yaml, document, base)
    assert best is not None
    return best[1], best[2], best[3]


def _splice(original: str, base: str, new: str, item_id: str) -> str:
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


def _field_order() -> list[str]:
    from sendplan.model import Item

    return list(Item.model_fields)


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


def _set_key(item: Any, key: str, value: Any, order: list[str]) -> None:
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


def _append(sequence: Any, value: Any) -> None:
    tail = _take_tail(_slots(sequence, len(sequence) - 1)) if len(sequence) else ""
    sequence.append(value)
    _put_tail(_slots(sequence, len(sequence) - 1), tail)


def _word(text: str) -> Any:
    """A code or keyword, plain unless a YAML 1.1 reader would take it for a boolean."""
    from ruamel.yaml.scalarstring import DoubleQuotedScalarString

    if _PLAIN_WORD.fullmatch(text) and text.lower() not in _YAML11_WORDS:
        return text
    return DoubleQuotedScalarString(text)


def _prose(text: str) -> Any:
    from ruamel.yaml.scalarstring import DoubleQuotedScalarString

    return DoubleQuotedScalarString(text)


def _deadline_value(text: str) -> Any:
    if _ISO_DAY.fullmatch(text):
        return date.fromisoformat(text)  # written plain: 2022-09-30
    if re.fullmatch(r"[A-Za-z]+ \d{4}", text):
        return text
    return _prose(text)


def _shown(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


# ---------------------------------------------------------------------------------------
# The edit itself


def _planned(edit: ItemEdit) -> list[tuple[str, Any, str]]:
    """(field, YAML value, value as shown) for each field the edit sets, in field order."""
    planned: list[tuple[str, Any, str]] = []
    if edit.status is not None:
        planned.append(("status", _word(edit.status), edit.status))
    if edit.completed is not None:
        planned.append(("completed", edit.completed, edit.completed.isoformat()))
    if edit.rag is not None:
        planned.append(("rag", _word(edit.rag), edit.rag))
    if edit.rag_reason is not None:
        planned.append(("rag_reason", _prose(edit.rag_reason), edit.rag_reason))
    if edit.revised_deadline is not None:
        planned.append(("revised_deadline", _deadline_value(edit.revised_deadline), edit.revised_deadline))
    if edit.revision_reason is not None:
        planned.append(("revision_reason", _prose(edit.revision_reason), edit.revision_reason))
    for key in ("recovery", "impact", "decision"):
        text = getattr(edit, key)
        if text is not None:
            planned.append((key, _prose(text), text))
    return planned


def _note_value(note: Note) -> Any:
    from ruamel.yaml.comments import CommentedMap

    entry = CommentedMap()
    entry["date"] = note.date
    if note.by:
        entry["by"] = _word(note.by)
    entry["text"] = _prose(note.text)
    return entry


def _item_node(document: Any, path: tuple[str | int, ...]) -> Any:
    node = document
    for part in path:
        node = node[part]
    return node


def _comparable(item: Any) -> Any:
    return item.model_dump(mode="json")


def _resolved(edit: ItemEdit, loaded: LoadedPlan) -> ItemEdit:
    """*edit* with completed_unless_set turned into a completion day, or dropped."""
    if edit.completed is not None or edit.completed_unless_set is None:
        return edit
    current = next(item for _, _, item in loaded.plan.iter_items() if item.id == edit.item_id)
    if current.status == "complete" and current.completed is not None:
        return dataclasses.replace(edit, completed_unless_set=None)
    return dataclasses.replace(edit, completed=edit.completed_unless_set, completed_unless_set=None)


def edit_text(text: str, name: str, edit: ItemEdit) -> tuple[str, list[Change]]:
    """The plan *text* with *edit* applied, and what changed. Raises PlanError, changing nothing.

    The result has been loaded and validated; every item other than the edited one is
    unchanged, and the edited one has the requested values.
    """
    loaded = parse_plan(text, name)
    path = loaded.item_path(edit.item_id)
    if path is None:
        raise PlanError.single(unknown_item_message(edit.item_id, loaded), Location(name))
    newline = "\r\n" if "\r\n" in text else "\n"
    plain = text.replace("\r\n", "\n")
    # ruamel always ends its dump with a newline; give the text one too, and take it off again.
    unterminated = not plain.endswith("\n")
    if unterminated:
        plain += "\n"
    yaml, document, base = _round_trip(plain)
    edit = _resolved(edit, loaded)
    item = _item_node(document, path)
    order = _field_order()
    changes: list[Change] = []
    for key, value, shown in _planned(edit):
        before = _shown(item.get(key))
        if before == shown:
            continue
        _set_key(item, key, value, order)
        changes.append(Change(key, before, shown))
    if edit.note is not None:
        from ruamel.yaml.comments import CommentedSeq

        updates = item.get("updates")
        if isinstance(updates, CommentedSeq) and not updates.fa.flow_style():
            _append(updates, _note_value(edit.note))
        else:
            fresh = CommentedSeq()
            fresh.extend(updates or [])
            fresh.append(_note_value(edit.note))
            _set_key(item, "updates", fresh, order)
        by = f" by {edit.note.by}" if edit.note.by else ""
        changes.append(Change("updates", None, f"{edit.note.date.isoformat()}{by}: {edit.note.text}"))
    if not changes:
        return text, []
    new_text = _splice(plain, base, _dump(yaml, document), edit.item_id)
    if unterminated:
        new_text = new_text.removesuffix("\n")
    if newline != "\n":
        new_text = new_text.replace("\n", newline)
    _check(loaded, new_text, name, edit)
    return new_text, changes


def _check(before: LoadedPlan, new_text: str, name: str, edit: ItemEdit) -> None:
    """Load the new text; refuse it unless only the edited item changed, and as asked."""
    try:
        after = parse_plan(new_text, name)
    except PlanError as error:
        lead = Problem(
            f"item {edit.item_id} was not changed: the result would not be a valid plan. The plan is "
            "unchanged; fix what is said below with another update, or edit the file by hand.",
            Location(name),
            edit.item_id,
        )
        # Positions in the rejected text would point at lines that are not in the file.
        details = [Problem(problem.message, Location(name), problem.item_id) for problem in error.problems]
        raise PlanError([lead, *details]) from None
    old = {item.id: _comparable(item) for _, _, item in before.plan.iter_items()}
    new = {item.id: _comparable(item) for _, _, item in after.plan.iter_items()}
    target = new.pop(edit.item_id, None)
    old.pop(edit.item_id, None)
    unchanged_rest = (
        old == new
        and before.plan.model_dump(mode="json", exclude={"tasks"}) == after.plan.model_dump(mode="json", exclude={"tasks"})
    )
    expected = {key: shown for key, _, shown in _planned(edit)}
    as_asked = target is not None and all(
        str(target.get(key)) == value for key, value in expected.items()
    )
    if edit.note is not None and target is not None:
        last = target["updates"][-1] if target["updates"] else None
        as_asked = as_asked and last is not None and last["text"] == edit.note.text
    if not (unchanged_rest and as_asked):
        raise PlanError.single(
            f"sendplan could not change item {edit.item_id} without disturbing the rest of the file, "
            "so the plan was not changed. Make this change by hand.",
            Location(name),
        )


def unified_diff(old: str, new: str, name: str) -> str:
    """A unified diff, labelled as git labels a relative path."""
    before, after = (name, name) if os.path.isabs(name) else (f"a/{name}", f"b/{name}")
    lines = difflib.unified_diff(old.splitlines(keepends=True), new.splitlines(keepends=True), before, after)
    # As git and diff(1) mark a last line that has no newline.
    return "".join(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n" for line in lines)


def _read(path: str, name: str) -> tuple[str, bool]:
    try:
        data = Path(path).read_bytes()
    except OSError as error:
        raise PlanError.single(f"cannot read the plan: {error.strerror}.", Location(name)) from None
    return decode(data, name), data.startswith(BOM.encode())


def update_item(path: str, edit: ItemEdit, *, dry_run: bool = False) -> EditResult:
    """Apply *edit* to the plan file at *path* in place (or only work out the diff, with *dry_run*).

    The file is re-read after the lock is taken, so an edit made meanwhile by another
    process is kept.
    """
    real = writable_path(path)
    result = EditResult(path, edit.item_id)
    lock = contextlib.nullcontext() if dry_run else plan_lock(real)
    with lock:
        text, bom = _read(real, path)
        new_text, result.changes = edit_text(text, path, edit)
        result.diff = unified_diff(text, new_text, path)
        if result.changes and not dry_run:
            write_atomic(real, ((BOM if bom else "") + new_text).encode("utf-8"))
            result.written = True
    return result
