"""Plan text made safe to show: control characters removed (`clean`), put on one line
(`one_line`), or shown as escapes in a message (`visible`). Every output passes plan text here."""

from __future__ import annotations

import re

# C0 controls but tab and newline, DEL, and C1 controls: ESC, BEL, CSI and friends must never
# reach a terminal from plan text.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
LINE_BREAKS = re.compile(r"[\t\r\n]+")
# Invisible format characters (zero-width, bidirectional overrides) are escaped in messages too.
_INVISIBLE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2066-\u2069\ufeff]")


def clean(text: str) -> str:
    """Plan text with control characters removed (newline and tab kept)."""
    return _CONTROL.sub("", text)


def one_line(text: str) -> str:
    """Clean text on one line, for TSV cells and messages."""
    return LINE_BREAKS.sub(" ", clean(text)).strip()


def visible(text: str) -> str:
    """Text for a message on one line, with each control character shown as an escape such as \\x1b.

    Messages quote what the user wrote; a stray control character is then both harmless to the
    terminal and visible as the reason a deadline or code was not understood.
    """
    flat = LINE_BREAKS.sub(" ", text).strip()
    return _INVISIBLE.sub(lambda match: repr(match[0])[1:-1], flat)
