"""The RAG colours every output fills its cells and chips with, and the text colour on each.

Chosen to print legibly in greyscale too; every coloured cell also carries the rating's word,
so colour is never the only signal. A rating this version does not know is grey.
"""

from __future__ import annotations

RAG_COLOURS = {
    "red": "#c62828", "amber": "#ef8f00", "green": "#2e7d32", "blue": "#1565c0", "grey": "#9e9e9e", "none": "#9e9e9e",
}  # fmt: skip
INK = "#1a1a1a"
# Near-black reads better than white on these (and on any grey).
DARK_INK_ON = frozenset({"amber", "grey", "none"})


def rag_colour(rating: str | None) -> str:
    """The fill for *rating* ("#c62828"); grey for no rating or one not known here."""
    return RAG_COLOURS.get(rating or "none", RAG_COLOURS["none"])


def rag_ink(rating: str | None) -> str:
    """The text colour on rag_colour(*rating*)."""
    name = rating or "none"
    return INK if name in DARK_INK_ON or name not in RAG_COLOURS else "#ffffff"
