"""A fast reader for plans in the usual block style, giving exactly the data and positions
libyaml would, or declining.

libyaml builds a node object, with two mark objects, for every key and value: at 100,000
items that tree alone is 800 MB and most of a cold load. Plans are written in a small part of
YAML: block mappings and lists, one-line plain and quoted text, short flow lists of ids, and
comments. This module reads that part line by line, straight into plain data and the compact
position index (locate.py), and *declines* (returns None) at the first thing outside it, so
libyaml reads the file instead. It never reports a problem: a file it accepts is one libyaml
reads to the same data with the same marks (tests/test_scan.py checks that on generated
files), and anything unusual, malformed or unsure is libyaml's to read and to word.

Outside the part it reads (each declines): tabs, other line breaks than LF or CRLF throughout,
characters YAML refuses, "---"/"..."/"%" lines, anchors, aliases, tags, block scalars (| >),
multi-line plain or quoted text, backslash escapes, flow mappings other than {}, nested flow
lists, "? " keys, quoted keys, duplicate keys, a bare "-" or "- #" entry with nothing under it,
and text starting with a YAML indicator.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from sys import intern
from typing import Any

from sendplan.plan.locate import EXACT, MAPPING, QUOTED, SEQUENCE, Positions, PositionsBuilder

# Characters this reader does not handle anywhere: controls and what YAML refuses, tabs, the
# line breaks of YAML 1.1 other than LF and CR (NEL, LS, PS), and a byte-order mark.
_UNSAFE = re.compile("[^\n\r\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd\U00010000-\U0010ffff]")
# A plain key (a word character first, single spaces between words) and its colon.
_KEY = re.compile(r"(\w[^\s:#\[\]{},]*(?: [^\s:#\[\]{},]+)*):(?: +|$)")
# libyaml refuses implicit keys longer than this (1,024 characters); stay well inside.
_LONGEST_KEY = 1000
# First characters that make a value something other than plain text.
_NOT_PLAIN = frozenset("-?:,[]{}#&*!|>'\"%@`")
# What may follow a quoted value or a flow list on its line: spaces and a comment.
_TAIL = re.compile(r" +(?:#.*)?")
_NULLS = frozenset({"", "~", "null", "Null", "NULL"})
# Short plain values (lead codes, statuses, month deadlines) repeat thousands of times: one
# string each is kept, not one per line.
_SHARED = 12
# Deeper than any plan; libyaml and parse.py word the problem past MAX_DEPTH.
_MOST_DEPTH = 50


class _Decline(Exception):
    """Not in the part of YAML this reader reads: libyaml reads the file."""


# A line that holds something (not blank, not only a comment): its indent and the rest.
_CONTENT_LF = re.compile(r"^( *)([^ \n#][^\n]*)", re.MULTILINE)
_CONTENT_CRLF = re.compile(r"^( *)([^ \r\n#][^\r\n]*)", re.MULTILINE)
_END = (-1, -1, "")


def scan(text: str, name: str, each_task: Callable[[Any], Any] | None = None) -> tuple[Any, Positions] | None:
    """(plain data, position index) of a plan in the usual block style, or None to decline.

    *each_task*, if given, is called with each entry of the top-level "tasks" list as soon as it
    is read, and its result is kept instead (load.py makes the task's model there, so the plain
    data of only one task is alive at a time). An exception from it ends the scan, unhandled.
    """
    if _UNSAFE.search(text):
        return None
    pattern = _CONTENT_LF
    if "\r" in text:
        crlf = text.count("\r\n")
        if text.count("\r") != crlf or text.count("\n") != crlf:
            return None  # mixed line ends: libyaml counts the lines
        pattern = _CONTENT_CRLF
    try:
        return _Scanner(_rows(text, pattern), name, each_task).document()
    except (_Decline, IndexError, RecursionError, StopIteration):
        return None


def _rows(text: str, pattern: re.Pattern[str]) -> Iterator[tuple[int, int, str]]:
    """(line number, indent, text) of each line that holds something, read as the scan goes:
    the lines are never all in memory at once (at 100,000 items they would be 200 MB)."""
    number, counted = 0, 0
    count = text.count
    for match in pattern.finditer(text):
        start = match.start()
        number += count("\n", counted, start)
        counted = start
        indent = len(match[1])
        content = match[2].rstrip(" ")
        if indent == 0 and content.startswith(("---", "...", "%")):
            raise _Decline  # documents and directives: libyaml's
        yield number, indent, content
    yield _END


def _is_dash(content: str) -> bool:
    return content == "-" or content.startswith("- ")


class _Scanner:
    """Recursive descent over the content lines, one line of look-ahead (*row*): (line number,
    indent, text without indent); indent -1 once the lines are used up."""

    def __init__(
        self, rows: Iterator[tuple[int, int, str]], name: str, each_task: Callable[[Any], Any] | None = None
    ) -> None:
        self._rows = rows
        self.row = next(rows)
        self.index = PositionsBuilder(name)
        self.each_task = each_task
        self._each: Callable[[Any], Any] | None = None  # for the list being read, if it is "tasks"

    def advance(self) -> None:
        self.row = next(self._rows)

    def document(self) -> tuple[Any, Positions]:
        number, indent, content = self.row
        if indent < 0 or _is_dash(content):
            raise _Decline  # empty, or not a mapping: libyaml words it
        self.advance()
        data, _node = self.mapping(number, indent, content, 1)
        if self.row[1] >= 0:
            raise _Decline  # lines left over: libyaml finds what is wrong with them
        return data, self.index.done()

    def _deeper_follows(self, column: int) -> bool:
        return self.row[1] > column

    def mapping(self, number: int, column: int, content: str, depth: int) -> tuple[dict[str, Any], int]:
        """A block mapping whose first key starts *content*, at (*number*, *column*)."""
        if depth > _MOST_DEPTH:
            raise _Decline
        index = self.index
        node = index.start(number, column, MAPPING)
        data: dict[str, Any] = {}
        entries: list[tuple[int, str | None, int, int]] = []
        while True:
            match = _KEY.match(content)
            if match is None:
                raise _Decline
            key = intern(match[1])  # one string for every "id" key of the file
            if key in data or len(key) > _LONGEST_KEY:
                raise _Decline
            rest = content[match.end() :]
            if not rest or rest[0] == "#":
                self._each = self.each_task if depth == 1 and key == "tasks" else None
                value, child = self.block_value(number, column, column + len(key), depth + 1)
                self._each = None
            else:
                value, child = self.inline(number, column + match.end(), rest, depth + 1)
                if self._deeper_follows(column):
                    raise _Decline  # more lines of a value: libyaml reads those
            data[key] = value
            entries.append((child, key, number, column))
            number, indent, content = self.row
            if indent != column:
                if indent > column:
                    raise _Decline
                break  # the end of the mapping (or of the file: indent -1)
            if content[0] == "-" and (len(content) == 1 or content[1] == " "):
                raise _Decline
            self.advance()
        index.end(node, entries)
        return data, node

    def block_value(self, number: int, key_column: int, colon: int, depth: int) -> tuple[Any, int]:
        """The value of a key with nothing after its colon: the lines under it, or null."""
        _number, indent, content = self.row
        if indent > key_column or (indent == key_column and _is_dash(content)):
            return self.node(depth)
        # libyaml places an empty value just after the colon.
        return None, self.index.scalar(number, colon + 1, number, EXACT)

    def node(self, depth: int) -> tuple[Any, int]:
        """A block mapping or list starting at the current line."""
        number, indent, content = self.row
        if _is_dash(content):
            return self.sequence(indent, depth)
        self.advance()
        return self.mapping(number, indent, content, depth)

    def sequence(self, column: int, depth: int) -> tuple[list[Any], int]:
        """A block list of "- " entries at *column*, starting at the current line."""
        if depth > _MOST_DEPTH:
            raise _Decline
        index = self.index
        node = index.start(self.row[0], column, SEQUENCE)
        items: list[Any] = []
        entries: list[tuple[int, str | None, int, int]] = []
        each, self._each = self._each, None
        while True:
            number, indent, content = self.row
            if indent != column or not _is_dash(content):
                if indent > column:
                    raise _Decline
                break
            self.advance()
            if content == "-":
                if not self._deeper_follows(column):
                    raise _Decline  # an empty entry
                value, child = self.node(depth + 1)
            else:
                start = 2
                while content[start] == " ":
                    start += 1
                inner = content[start:]
                if inner[0] == "#" or _is_dash(inner):
                    raise _Decline
                if _KEY.match(inner):
                    value, child = self.mapping(number, column + start, inner, depth + 1)
                else:
                    value, child = self.inline(number, column + start, inner, depth + 1)
                    if self._deeper_follows(column):
                        raise _Decline
            items.append(value if each is None else each(value))
            entries.append((child, None, 0, 0))
        index.end(node, entries)
        return items, node

    def inline(self, number: int, column: int, text: str, depth: int) -> tuple[Any, int]:
        """A value written on its line from *column*: quoted or plain text, [a, b], [] or {}."""
        first = text[0]
        if first == '"' or first == "'":
            value, end, flags = _quoted(text, 0)
            if text[end:] and not _TAIL.fullmatch(text, end):
                raise _Decline
            return value, self.index.scalar(number, column, number, flags)
        if first == "[":
            return self.flow_list(number, column, text, depth)
        if first == "{":
            if not text.startswith("{}") or (len(text) > 2 and not _TAIL.fullmatch(text, 2)):
                raise _Decline
            node = self.index.start(number, column, MAPPING)
            self.index.end(node, [], number)
            return {}, node
        if first in _NOT_PLAIN:
            raise _Decline
        cut = text.find(" #")
        value = text if cut < 0 else text[:cut].rstrip(" ")
        if ": " in value or value.endswith(":"):
            raise _Decline
        node = self.index.scalar(number, column, number, EXACT)
        if len(value) <= _SHARED:
            value = intern(value)
        return (None if value in _NULLS else value), node

    def flow_list(self, number: int, column: int, text: str, depth: int) -> tuple[list[Any], int]:
        """[a, "b", 'c'] on one line: text items only."""
        if depth > _MOST_DEPTH:
            raise _Decline
        index = self.index
        node = index.start(number, column, SEQUENCE)
        items: list[Any] = []
        entries: list[tuple[int, str | None, int, int]] = []
        at = 1
        length = len(text)
        while at < length and text[at] == " ":
            at += 1
        if text[at] == "]":
            at += 1
        else:
            while True:
                while text[at] == " ":
                    at += 1
                first = text[at]
                value: str | None
                if first == '"' or first == "'":
                    value, end, flags = _quoted(text, at)
                    child = index.scalar(number, column + at, number, flags)
                    at = end
                elif first in _NOT_PLAIN:
                    raise _Decline
                else:
                    end = at
                    while end < length and text[end] not in ",]":
                        end += 1
                    plain = text[at:end].rstrip(" ")
                    if not plain or any(mark in plain for mark in (":", "#", "[", "{", "}", "'", '"')):
                        raise _Decline
                    value = None if plain in _NULLS else plain
                    child = index.scalar(number, column + at, number, EXACT)
                    at = end
                items.append(value)
                entries.append((child, None, 0, 0))
                while at < length and text[at] == " ":
                    at += 1
                if text[at] == ",":
                    at += 1
                    while at < length and text[at] == " ":
                        at += 1
                    if text[at] == "]":
                        raise _Decline  # a trailing comma
                    continue
                if text[at] == "]":
                    at += 1
                    break
                raise _Decline
        if text[at:] and not _TAIL.fullmatch(text, at):
            raise _Decline
        index.end(node, entries, number)
        return items, node


def _quoted(text: str, start: int) -> tuple[str, int, int]:
    """(text, index after the closing quote, position flags) of a one-line quoted value at *start*."""
    quote = text[start]
    if quote == '"':
        end = text.find('"', start + 1)
        if end < 0:
            raise _Decline  # runs on to another line
        body = text[start + 1 : end]
        if "\\" in body:
            raise _Decline  # escapes: libyaml reads those
        return body, end + 1, EXACT | QUOTED
    parts = []
    at = start + 1
    while True:
        end = text.find("'", at)
        if end < 0:
            raise _Decline
        if text.startswith("''", end):
            parts.append(text[at : end + 1])
            at = end + 2
            continue
        parts.append(text[at:end])
        break
    body = "".join(parts)
    # '' stands for one quote: then the file is longer than the text, and columns inside are not exact.
    exact = end + 1 - start == len(body) + 2
    return body, end + 1, (EXACT | QUOTED) if exact else 0
