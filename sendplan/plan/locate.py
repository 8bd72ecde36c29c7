"""Positions in a plan file: where each value sits, kept in a compact index, and turned into
FILE:LINE:COL for a message.

A path is a tuple such as ("tasks", 3, "deliverables", 0, "items", 2, "deadline"). The index
is built once, while the file is read (parse.py from libyaml's node tree, scan.py from its
own reading of the text), and then the node tree is gone: a plan of 100,000 items keeps a few
arrays of numbers instead of millions of nodes. A lookup walks the path through the index,
one step per part (a mapping's keys are put in a dict the first time it is looked in), so
locating N problems costs O(file + N), however many there are in one mapping. Pure: reads no
file.
"""

from __future__ import annotations

import typing
from array import array
from collections.abc import Iterator, Sequence
from typing import Any

from sendplan.errors import Location

if typing.TYPE_CHECKING:
    import yaml

    class Mark(typing.Protocol):
        """A position as PyYAML gives it (pure-Python and libyaml marks alike): 0-based."""

        line: int
        column: int


Path_ = tuple[str | int, ...]

# The kind of a node, in the low bits of its flags.
SCALAR, SEQUENCE, MAPPING = 0, 1, 2
KIND = 3
# A scalar written on one line exactly as its text, so a character's column can be counted.
EXACT = 4
# A quoted scalar: its text starts one column after the node.
QUOTED = 8
# A mapping with at most this many keys is looked through; a bigger one gets a dict of its keys
# the first time (so 40,000 keys in one mapping cost one pass, not one each).
_SCANNED = 16


def node_location(name: str, node: yaml.Node) -> Location:
    """Where *node* starts in the file *name*."""
    # libyaml marks are 0-based; people count from 1.
    return Location(name, node.start_mark.line + 1, node.start_mark.column + 1)


def mark_location(name: str, mark: Mark | None) -> Location:
    """Where *mark* is in the file *name* (the file alone when there is no mark)."""
    # libyaml marks are 0-based; people count from 1.
    return Location(name, mark.line + 1, mark.column + 1) if mark else Location(name)


class Positions:
    """Where every node of a plan file starts (and ends), by YAML path. Lines and columns are
    0-based inside, 1-based in every Location handed out.

    Nodes are numbered in file order. Each has a start line and column, a last line and flags;
    a list or mapping has a run of *entries* (its children, in order), and a mapping entry
    also has its key's text and position.
    """

    def __init__(
        self,
        source: str,
        nodes: tuple[array[int], array[int], array[int], bytearray, array[int], array[int]],
        entries: tuple[array[int], array[int], array[int], list[str | None]],
        lookalikes: Sequence[tuple[Path_, str, bool, int, int]] = (),
    ) -> None:
        self.source = source
        self.line, self.column, self.last, self.flags, self.first, self.count = nodes
        self.child, self.key_line, self.key_column, self.key_text = entries
        # (path, text, is a key, line, column) of every scalar holding a look-alike letter (SP111).
        self.lookalikes = list(lookalikes)
        self._keys: dict[int, dict[str, int]] = {}

    # -- turning into data and back (the cache keeps an index with its snapshot) ----------

    def arrays(self) -> tuple[Any, ...]:
        """Everything the index holds, in order (two indexes are equal if these are)."""
        return (self.line, self.column, self.last, self.first, self.count, self.child, self.key_line,
                self.key_column, self.flags, self.key_text, self.lookalikes)  # fmt: skip

    def pieces(self) -> Iterator[bytes]:
        """The index as bytes, for the cache: the keys' text and the look-alikes (a marshal), then
        each array as it is in memory, each framed by its length. Read back by from_bytes with one
        copy of each array (a marshal of them would make two: 40 MB more at 100,000 items)."""
        import marshal

        arrays = (self.line, self.column, self.last, self.first, self.count, self.child, self.key_line, self.key_column)
        parts = [marshal.dumps((self.key_text, self.lookalikes), 4), *(a.tobytes() for a in arrays), bytes(self.flags)]
        for part in parts:
            yield len(part).to_bytes(8, "big")
            yield part

    @classmethod
    def from_bytes(cls, source: str, data: bytes) -> Positions:
        """The index from what pieces() wrote (verified by its digest, so exactly that)."""
        import marshal

        view, parts, at = memoryview(data), [], 0
        while at < len(view):
            size = int.from_bytes(view[at : at + 8], "big")
            parts.append(view[at + 8 : at + 8 + size])
            at += 8 + size
        if at != len(view) or len(parts) != 10:
            raise ValueError("a position index cut short")
        key_text, lookalikes = marshal.loads(parts[0])
        line, column, last, first, count, child, key_line, key_column = (_ints(part) for part in parts[1:9])
        flags = bytearray(parts[9])
        sizes = {len(line), len(column), len(last), len(first), len(count), len(flags)}
        if len(sizes) != 1 or len({len(child), len(key_line), len(key_column), len(key_text)}) != 1:
            raise ValueError("a position index with arrays of different lengths")
        found = [tuple(place) for place in lookalikes]
        return cls(source, (line, column, last, flags, first, count), (child, key_line, key_column, list(key_text)), found)

    # -- looking up ------------------------------------------------------------------------

    def _entry_of(self, node: int, part: str | int) -> int | None:
        """The entry under *node* for one step of a path: a key of a mapping, an index of a list."""
        kind = self.flags[node] & KIND
        if kind == MAPPING and isinstance(part, str):
            start, count = self.first[node], self.count[node]
            if count <= _SCANNED:  # an item's few keys: looked through (a dict each would be 20 MB at 100,000)
                key_text = self.key_text
                for entry in range(start, start + count):
                    if key_text[entry] == part:
                        return entry  # the first of two equal keys, as in the data
                return None
            keys = self._keys.get(node)
            if keys is None:
                keys = self._keys[node] = {}
                # The first of two equal keys wins, as it does in the data.
                for entry in range(start + count - 1, start - 1, -1):
                    text = self.key_text[entry]
                    if text is not None:
                        keys[text] = entry
            return keys.get(part)
        if kind == SEQUENCE and isinstance(part, int) and not isinstance(part, bool) and 0 <= part < self.count[node]:
            return self.first[node] + part
        return None

    def _walk(self, path: Path_) -> tuple[bool, int | None, int | None]:
        """(whole path found, the deepest node reached, the entry of the last step taken)."""
        if not self.flags:
            return False, None, None
        node, entry = 0, None
        for part in path:
            step = self._entry_of(node, part)
            if step is None:
                return False, node, entry
            entry, node = step, self.child[step]
        return True, node, entry

    def _at(self, node: int) -> Location:
        return Location(self.source, self.line[node] + 1, self.column[node] + 1)

    def node(self, path: Path_) -> int | None:
        """The number of the node at *path*, or None when the file does not hold it there."""
        found, node, _entry = self._walk(path)
        return node if found else None

    def locate(self, path: Path_, *, key: bool = False) -> Location:
        """Where the value at *path* is (or its key, with *key*), as near as the file says: a path
        the file does not hold is located at the deepest node it does hold."""
        found, node, entry = self._walk(path)
        if found and key and entry is not None and self.key_text[entry] is not None:
            return Location(self.source, self.key_line[entry] + 1, self.key_column[entry] + 1)
        if node is None:
            return Location(self.source)
        return self._at(node)

    def located(self, path: Path_, offset: int | None = None) -> Location:
        """Where the value at *path* is; with *offset*, the column of that character inside it.

        The column is exact only for a one-line scalar written exactly as its text (no escapes,
        no folding); otherwise the value's start is close enough.
        """
        node = self.node(path)
        if node is None:
            return self.locate(path)
        location = self._at(node)
        flags = self.flags[node]
        if offset is None or not flags & EXACT:
            return location
        return Location(self.source, location.line, (location.column or 1) + offset + (1 if flags & QUOTED else 0))

    def keys(self, path: Path_) -> Iterator[tuple[str, Location]]:
        """(key as written, where the key is) for each entry of the mapping at *path*."""
        node = self.node(path)
        if node is None or self.flags[node] & KIND != MAPPING:
            return
        start = self.first[node]
        for entry in range(start, start + self.count[node]):
            text = self.key_text[entry]
            if text is not None:
                yield text, Location(self.source, self.key_line[entry] + 1, self.key_column[entry] + 1)

    def span(self, path: Path_) -> tuple[int, int] | None:
        """(first line, last line), 1-based, of the value at *path* (an item's block, for an edit
        that splices it), or None when the file does not hold it there."""
        node = self.node(path)
        return None if node is None else (self.line[node] + 1, self.last[node] + 1)

    def spans(self, path: Path_) -> list[tuple[int, int]]:
        """(first line, last line), 1-based, of each entry of the list at *path*."""
        node = self.node(path)
        if node is None or self.flags[node] & KIND != SEQUENCE:
            return []
        start = self.first[node]
        children = [self.child[entry] for entry in range(start, start + self.count[node])]
        return [(self.line[child] + 1, self.last[child] + 1) for child in children]


def lookalike_texts(data: Any, path: Path_ = ()) -> list[tuple[Path_, str, bool]]:
    """(path, text, is a key) of every key and text of *data* (plain data, at *path* in the
    file) that holds a look-alike letter (SP111 reports them; the typed plan keeps only the
    Latin reading of codes). Anything else met (a model made already) is passed over."""
    from sendplan.plan.dates import has_lookalikes

    found: list[tuple[Path_, str, bool]] = []
    stack: list[tuple[Path_, Any]] = [(path, data)]
    while stack:
        where, value = stack.pop()
        if isinstance(value, str):
            if has_lookalikes(value):
                found.append((where, value, False))
        elif isinstance(value, list):
            stack.extend(((*where, index), part) for index, part in enumerate(value))
        elif isinstance(value, dict):
            for key, part in value.items():
                if has_lookalikes(key):
                    found.append(((*where, key), key, True))
                stack.append(((*where, key), part))
    return found


def keep_lookalikes(positions: Positions, texts: list[tuple[Path_, str, bool]]) -> None:
    """Record *texts* (from lookalike_texts) in the index, each with where it is, in file order."""
    for path, text, is_key in texts:
        where = positions.locate(path, key=is_key)
        positions.lookalikes.append((path, text, is_key, (where.line or 1) - 1, (where.column or 1) - 1))
    positions.lookalikes.sort(key=lambda place: (place[3], place[4]))


def _ints(data: bytes | memoryview) -> array[int]:
    found = array("i")
    found.frombytes(data)
    return found


class PositionsBuilder:
    """Collects nodes in file order while a file is read; `done()` gives the Positions.

    A node is started (`scalar`, `start`); a list or mapping is finished with `end`, given its
    entries (child, key, key line, key column) in order, which are written out together then,
    so each container's entries sit side by side. (This runs once per value of a file: it is
    written for speed, with no call it can do without.)
    """

    def __init__(self, source: str) -> None:
        self.source = source
        self.line, self.column, self.last = array("i"), array("i"), array("i")
        self.flags = bytearray()
        self.first, self.count = array("i"), array("i")
        self.child, self.key_line, self.key_column = array("i"), array("i"), array("i")
        self.key_text: list[str | None] = []
        self.lookalikes: list[tuple[Path_, str, bool, int, int]] = []

    def scalar(self, line: int, column: int, last: int, flags: int = 0) -> int:
        """A scalar from (*line*, *column*) to line *last*; *flags* may hold EXACT and QUOTED."""
        number = len(self.flags)
        self.line.append(line)
        self.column.append(column)
        self.last.append(last)
        self.flags.append(flags)
        self.first.append(0)
        self.count.append(0)
        return number

    def start(self, line: int, column: int, kind: int) -> int:
        """A list (SEQUENCE) or mapping (MAPPING) starting at (*line*, *column*)."""
        return self.scalar(line, column, line, kind)

    def end(self, node: int, entries: list[tuple[int, str | None, int, int]], last: int | None = None) -> None:
        """The list or mapping *node* is complete with *entries*; its last line is its last
        child's (or *last*, for a flow collection that ends at its bracket)."""
        self.first[node] = len(self.child)
        self.count[node] = len(entries)
        end = self.line[node]
        if entries:
            children, keys, key_lines, key_columns = zip(*entries, strict=True)
            self.child.extend(children)
            self.key_text.extend(keys)
            self.key_line.extend(key_lines)
            self.key_column.extend(key_columns)
            end = max(end, self.last[children[-1]])
        self.last[node] = max(end, last) if last is not None else end

    def done(self) -> Positions:
        return Positions(
            self.source,
            (self.line, self.column, self.last, self.flags, self.first, self.count),
            (self.child, self.key_line, self.key_column, self.key_text),
            self.lookalikes,
        )
