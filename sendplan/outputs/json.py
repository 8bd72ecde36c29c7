"""JSON output: an array (`--json`) or JSON Lines, UTF-8, keys in the JSON contract's order.

The text is always that of json.dumps(value, ensure_ascii=False, indent=2), with C1 control
characters and invisible format characters (text.py) escaped too, so no raw control byte
reaches a terminal. The rows of a listing are encoded by orjson (in Rust: 10,000 rows in a
few milliseconds), whose indented output is the standard library's byte for byte for the
values rows hold (text, whole numbers, true/false, null, lists and records: no floats, whose
spelling differs); `dumps`, a writer in Python with the same text, covers anything orjson
refuses (text with lone surrogates, integers past 64 bits) and the other JSON outputs. Tests
compare all three byte for byte.
"""

from __future__ import annotations

import re
from functools import cache
from typing import IO, Any

from sendplan.outputs.rows import Report, chosen_record, chosen_records, out_stream, record
from sendplan.outputs.text import INVISIBLE_CHARACTERS

# json escapes C0 controls itself; these are escaped too (see text.py for why).
_C1 = re.compile(f"[\\x7f-\\x9f{INVISIBLE_CHARACTERS}]")


@cache
def _standard() -> tuple[Any, Any]:
    """The C string escaper and a float writer spelling inf and nan as json.dumps does; the json
    module is imported only when the Python writer runs (orjson writes the listings)."""
    import json
    from json.encoder import encode_basestring

    return encode_basestring, json.JSONEncoder(ensure_ascii=False).encode


def _float(value: float) -> str:
    return str(_standard()[1](value))


def dumps(value: Any, indent: int = 2, pad: str = "") -> str:
    """*value* as json.dumps(value, ensure_ascii=False, indent=indent) writes it; *pad* starts
    each line after the first, for a value written inside a list that is already open."""
    import json

    encode_basestring = _standard()[0]
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


# The UTF-8 of what _C1 matches: DEL and C1 controls, U+061C, U+200B-U+200F, U+2028-U+202E,
# U+2060-U+2064, U+2066-U+2069, U+FEFF. A lead byte of UTF-8 never occurs inside another
# character, so a match is always a whole character (and, in JSON, always inside a string).
_C1_BYTES = re.compile(
    rb"\x7f|\xc2[\x80-\x9f]|\xd8\x9c|\xe2\x80[\x8b-\x8f\xa8-\xae]|\xe2\x81[\xa0-\xa4\xa6-\xa9]|\xef\xbb\xbf"
)


def _escape_c1_bytes(data: bytes) -> bytes:
    # Byte searches in C first: most output is ASCII, and the pattern is slower than all of them.
    if data.isascii():
        if b"\x7f" not in data:
            return data
    elif not any(lead in data for lead in (b"\x7f", b"\xc2", b"\xd8\x9c", b"\xe2\x80", b"\xe2\x81", b"\xef\xbb\xbf")):
        return data
    return _C1_BYTES.sub(lambda match: b"\\u%04x" % ord(match[0].decode("utf-8")), data)


def encode_records(records: list[Any]) -> bytes:
    """*records* (dicts, lists and scalars, no floats) as the UTF-8 of to_json's text, and a newline."""
    try:
        import orjson
    except ImportError:  # pragma: no cover - orjson is a dependency; without it, the same text more slowly
        return _slow_records(records)
    try:
        # OPT_APPEND_NEWLINE: the newline written by orjson, not a second copy of the whole text.
        return _escape_c1_bytes(orjson.dumps(records, option=orjson.OPT_INDENT_2 | orjson.OPT_APPEND_NEWLINE))
    except TypeError:  # lone surrogates, integers past 64 bits: the writer below takes those
        return _slow_records(records)


def _slow_records(records: list[Any]) -> bytes:
    return (_escape_c1(dumps(records)) + "\n").encode("utf-8", "surrogatepass")


def write_bytes(stream: IO[str], data: bytes) -> None:
    """UTF-8 *data* to a text stream: to its binary buffer when it has one (standard output), else as text."""
    buffer = getattr(stream, "buffer", None)
    if buffer is not None:
        stream.flush()
        buffer.write(data)
        buffer.flush()
    else:
        stream.write(data.decode("utf-8", "surrogatepass"))


def render_json(report: Report, out: IO[str] | None = None) -> None:
    """The same text as to_json(rows) and a newline."""
    records = chosen_records(report)
    data = encode_records(records)
    del records  # the records are as big as the text: not both at once while it is written
    write_bytes(out_stream(out), data)


def to_json_line(value: Any) -> str:
    """Compact JSON on one line (newlines in text are escaped), C1 controls escaped as in to_json."""
    import json

    return _escape_c1(json.dumps(record(value), ensure_ascii=False))


def render_jsonl(report: Report, out: IO[str] | None = None) -> None:
    """JSON Lines: one compact object per line, for streaming into jq, pandas or a database."""
    stream = out_stream(out)
    for row in report.rows:
        stream.write(to_json_line(chosen_record(report, row)) + "\n")
