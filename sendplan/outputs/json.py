"""JSON output: an array (`--json`) or JSON Lines, UTF-8, keys in the JSON contract's order.

The array is written by `dumps`, whose text is identical to json.dumps(value,
ensure_ascii=False, indent=2) and about twice as fast: the standard library drops to its
pure-Python encoder whenever indent is set, and for 10,000 rows that is most of a `sendplan
overdue --json`. `dumps` handles exactly the types the JSON output holds (dict, list, str, int,
float, bool, None) with the C string escaper, and a test compares it byte for byte with
json.dumps on arbitrary values. C1 control characters are escaped too, so no raw control
byte reaches a terminal.
"""

from __future__ import annotations

import json
import re
from json.encoder import encode_basestring  # the C escaper when available
from typing import IO, Any

from sendplan.outputs.rows import Report, chosen_record, out_stream, record
from sendplan.outputs.text import INVISIBLE_CHARACTERS

# json escapes C0 controls itself; these are escaped too (see text.py for why).
_C1 = re.compile(f"[\\x7f-\\x9f{INVISIBLE_CHARACTERS}]")
_float = json.JSONEncoder(ensure_ascii=False).encode  # inf and nan spelled as json.dumps does


def dumps(value: Any, indent: int = 2, pad: str = "") -> str:
    """*value* as json.dumps(value, ensure_ascii=False, indent=indent) writes it; *pad* starts
    each line after the first, for a value written inside a list that is already open."""
    parts: list[str] = []
    append = parts.append
    step = " " * indent

    def write(value: Any, pad: str) -> None:
        kind = type(value)
        if kind is str:
            append(encode_basestring(value))
        elif value is None:
            append("null")
        elif value is True:
            append("true")
        elif value is False:
            append("false")
        elif kind is int:
            append(int.__repr__(value))
        elif kind is float:
            append(_float(value))
        elif kind is dict:
            if not value:
                append("{}")
                return
            inner = pad + step
            append("{\n" + inner)
            first = True
            for key, item in value.items():
                if not first:
                    append(",\n" + inner)
                first = False
                append(encode_basestring(key if isinstance(key, str) else _key(key)))
                # Text and null are most values: write them here rather than through a call.
                if type(item) is str:
                    append(": " + encode_basestring(item))
                elif item is None:
                    append(": null")
                else:
                    append(": ")
                    write(item, inner)
            append("\n" + pad + "}")
        elif kind is list or kind is tuple:
            if not value:
                append("[]")
                return
            inner = pad + step
            append("[\n" + inner)
            first = True
            for item in value:
                if not first:
                    append(",\n" + inner)
                first = False
                if type(item) is str:
                    append(encode_basestring(item))
                else:
                    write(item, inner)
            append("\n" + pad + "]")
        else:  # anything unusual (a str or int subclass…): let the standard library decide
            append(json.dumps(value, ensure_ascii=False, indent=indent).replace("\n", "\n" + pad))

    write(value, pad)
    return "".join(parts)


def _key(key: Any) -> str:
    # json.dumps turns non-string keys into strings this way.
    if key is True:
        return "true"
    if key is False:
        return "false"
    if key is None:
        return "null"
    if isinstance(key, float):
        return _float(key)
    if isinstance(key, int):
        return int.__repr__(key)
    raise TypeError(f"keys must be str, int, float, bool or None, not {type(key).__name__}")


def _escape_c1(text: str) -> str:
    # json escapes C0 controls itself; escape C1 too so no raw control byte reaches a terminal.
    return _C1.sub(lambda match: f"\\u{ord(match[0]):04x}", text)


def to_json(value: Any) -> str:
    """*value* (rows become records) as indented JSON text, as `--json` prints it."""
    return _escape_c1(dumps(record(value)))


def render_json(report: Report, out: IO[str] | None = None) -> None:
    """The same text as to_json(rows), written a row at a time so 100,000 rows never sit in memory twice."""
    stream = out_stream(out)
    if not report.rows:
        stream.write("[]\n")
        return
    separator = "[\n  "
    for row in report.rows:
        stream.write(separator + _escape_c1(dumps(chosen_record(report, row), pad="  ")))
        separator = ",\n  "
    stream.write("\n]\n")


def to_json_line(value: Any) -> str:
    """Compact JSON on one line (newlines in text are escaped), C1 controls escaped as in to_json."""
    return _escape_c1(json.dumps(record(value), ensure_ascii=False))


def render_jsonl(report: Report, out: IO[str] | None = None) -> None:
    """JSON Lines: one compact object per line, for streaming into jq, pandas or a database."""
    stream = out_stream(out)
    for row in report.rows:
        stream.write(to_json_line(chosen_record(report, row)) + "\n")
