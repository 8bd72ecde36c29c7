"""Plan text made safe to show: control characters removed (`clean`), also invisible format
characters shown as escapes for a terminal or a TSV line (`shown`, `one_line`), or everything
unprintable shown as escapes in a message (`visible`). Every output passes plan text here.

Where each is used, and why:
- terminal tables, the timeline, TSV and messages: `shown`/`one_line`/`visible`. Bidirectional
  controls (U+202A–U+202E, U+2066–U+2069, U+200E/F, U+061C) can make a terminal draw text in an
  order that misleads ("4.2 complete" drawn from "etelpmoc 2.4"), and zero-width characters
  make two different codes look the same, so they are shown as \\u202e-style escapes there.
- JSON escapes them as \\u202e (outputs/json.py): a JSON reader gets the text back exactly.
- CSV, workbooks, calendars, Markdown and HTML reports keep them as text (`clean`): those are
  documents for other programs, which lay out right-to-left text properly, and a name in
  Arabic or Hebrew needs its direction marks.
"""

from __future__ import annotations

import re

# C0 controls but tab and newline, DEL, and C1 controls: ESC, BEL, CSI and friends must never
# reach a terminal from plan text.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
LINE_BREAKS = re.compile(r"[\t\r\n]+")
# Invisible format characters: bidirectional marks, embeddings, overrides and isolates;
# zero-width spaces and joiners, the word joiner and invisible operators, the byte-order mark;
# the line and paragraph separators, which some terminals break lines at.
INVISIBLE_CHARACTERS = "\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2064\u2066-\u2069\ufeff"
_INVISIBLE = re.compile(f"[{INVISIBLE_CHARACTERS}]")
_UNPRINTABLE = re.compile(f"[\\x00-\\x08\\x0b-\\x1f\\x7f-\\x9f{INVISIBLE_CHARACTERS}]")


def escape(character: str) -> str:
    """One character as Python writes it in a string: \\x1b, \\u202e."""
    return repr(character)[1:-1]


def _escaped(match: re.Match[str]) -> str:
    return escape(match[0])


def clean(text: str) -> str:
    """Plan text with control characters removed (newline and tab kept), for documents."""
    return _CONTROL.sub("", text) if _CONTROL.search(text) else text


def shown(text: str) -> str:
    """Clean text for a terminal: invisible format characters shown as escapes such as \\u202e."""
    text = clean(text)
    return _INVISIBLE.sub(_escaped, text) if _INVISIBLE.search(text) else text


def one_line(text: str) -> str:
    """Text for a terminal on one line, for TSV cells and messages."""
    return LINE_BREAKS.sub(" ", shown(text)).strip()


def visible(text: str) -> str:
    """Text for a message on one line, with each control character shown as an escape such as \\x1b.

    Messages quote what the user wrote; a stray control character is then both harmless to the
    terminal and visible as the reason a deadline or code was not understood.
    """
    flat = LINE_BREAKS.sub(" ", text).strip()
    return _UNPRINTABLE.sub(_escaped, flat)
