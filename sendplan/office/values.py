"""Reading one tracker cell as a plan value: a deadline, an owner, a status, a RAG rating, criteria.

Text is kept as written: only the spaces around it and bullet characters at the start of a line
go. Whatever cannot be read exactly (a deadline that names no date, a status word sendplan does
not know) is kept as written and reported, never dropped or guessed. Pure: no I/O, no clock.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from sendplan.errors import quoted
from sendplan.office.grid import Cell
from sendplan.plan.codes import normalise_lead_code
from sendplan.plan.dates import DeadlineError, parse_deadline

# ---------------------------------------------------------------------------------------
# Text


def plain(text: str) -> str:
    """Cell text as the plan keeps it: line ends made "\\n", the spaces around it removed."""
    return text.replace("\r\n", "\n").replace("\r", "\n").strip()


_BULLET = re.compile(r"[ \t]*(?:[•·▪◦●○■□➢➤►‣⁃∙✓✔]|[-–—*o](?=[ \t]))[ \t]*")


def split_bullets(text: str) -> list[str]:
    """One entry per bullet, or per line when nothing is bulleted; bullet characters removed.

    A line without a bullet after a bulleted one continues it (Word users break long bullets)."""
    lines = plain(text).split("\n")
    bulleted = any(_BULLET.match(line) for line in lines)
    entries: list[str] = []
    for line in lines:
        match = _BULLET.match(line)
        if match:
            entries.append(line[match.end() :].rstrip())
        elif bulleted and entries and line.strip():
            entries[-1] += "\n" + line.strip()
        else:
            entries.append(line.strip())
    return [entry for entry in entries if entry]


# ---------------------------------------------------------------------------------------
# Deadlines


@dataclass(frozen=True, slots=True)
class DeadlineValue:
    """A deadline cell read: *text* for `deadline:` (sendplan reads it), or *note* kept as written."""

    text: str | None = None
    note: str | None = None
    why: str | None = None  # why it is a note: what the deadline reader said


def read_deadline(cell: Cell) -> DeadlineValue:
    """A date cell as its day (or month, if shown without a day); text if sendplan reads it, else a note."""
    if cell.day is not None:
        return DeadlineValue(text=cell.day.strftime("%b %Y") if cell.month_only else cell.day.isoformat())
    text = plain(cell.text)
    if not text:
        return DeadlineValue()
    try:
        parse_deadline(text)
    except DeadlineError as error:
        return DeadlineValue(note=text, why=str(error))
    return DeadlineValue(text=text)


def read_day_text(cell: Cell) -> str | None:
    """An "updated on" cell as a date the plan reads (kept as written), or None."""
    if cell.day is not None:
        return cell.day.strftime("%b %Y") if cell.month_only else cell.day.isoformat()
    text = plain(cell.text)
    if not text:
        return None
    try:
        deadline = parse_deadline(text)
    except DeadlineError:
        return None
    return None if deadline.due_date is None else text


# ---------------------------------------------------------------------------------------
# Statuses and RAG


COUNCIL_STATUSES: dict[str, str] = {
    "not yet started": "not_started",
    "yet to start": "not_started",
    "to do": "not_started",
    "planned": "not_started",
    "on track": "on_track",
    "ongoing": "on_track",
    "underway": "on_track",
    "under way": "on_track",
    "progressing": "on_track",
    "in hand": "on_track",
    "at risk": "at_risk",
    "off track": "off_track",
    "delayed": "off_track",
    "overdue": "off_track",
    "behind": "off_track",
    "closed": "complete",
    "met": "complete",
    "delivered": "complete",
    "superseded": "dropped",
    "no longer required": "dropped",
}


def fold(text: str) -> str:
    """Text folded for looking up a value: case, spaces, hyphens and underscores ignored."""
    return " ".join(re.sub(r"[-_]+", " ", text.casefold()).split())


def read_status(text: str, extra: dict[str, str]) -> str | None:
    """A status word as a plan status ("In progress" → on_track), or None if it is not one."""
    from sendplan.plan.codes import parse_status

    key = fold(text)
    if key in extra:
        return extra[key]
    if key in COUNCIL_STATUSES:
        return COUNCIL_STATUSES[key]
    try:
        return parse_status(text).value
    except ValueError:
        return None


RAG_WORDS = {"red": "red", "r": "red", "amber": "amber", "a": "amber", "green": "green", "g": "green",
             "blue": "blue", "b": "blue"}


def read_rag(text: str, extra: dict[str, str]) -> str | None:
    """A RAG cell's colour: "Amber", "A", "Green - on track"; None if it names no single colour."""
    key = fold(text)
    if key in extra:
        return extra[key]
    if key in RAG_WORDS:
        return RAG_WORDS[key]
    colours = {RAG_WORDS[word] for word in re.findall(r"[a-z]+", key) if word in RAG_WORDS and len(word) > 1}
    return colours.pop() if len(colours) == 1 else None


def fill_rag(colour: str | None) -> str | None:
    """The RAG a cell's fill colour shows (RRGGBB), if it is clearly red, amber, green or blue."""
    if colour is None or colour in ("FFFFFF", "000000"):
        return None
    red, green, blue = (int(colour[i : i + 2], 16) for i in (0, 2, 4))
    if red > 180 and green < 110 and blue < 110:
        return "red"
    if red > 200 and 110 <= green <= 230 and blue < 120:
        return "amber"
    if green > 120 and red < 150 and blue < 150:
        return "green"
    if blue > 150 and red < 120 and green < 200:
        return "blue"
    return None


# ---------------------------------------------------------------------------------------
# Owners → lead codes


@dataclass(frozen=True, slots=True)
class Owner:
    """A lead for the plan's key: its code, and the name or role kept from the tracker."""

    code: str
    name: str | None = None
    title: str | None = None


@dataclass(frozen=True, slots=True)
class OwnerValue:
    code: str
    joint: bool = False  # the cell names more than one person: kept whole and flagged


_STRONG = re.compile(r"\s*(?:/|&|\+|;|\n)\s*")
_WEAK = re.compile(r"\s*,\s*|\s+and\s+")
_WORD = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*")
_SMALL = frozenset(["of", "and", "the", "for", "to", "in", "on", "at", "with", "a", "an"])
_CODE_LIKE = re.compile(r"[A-Za-z][A-Za-z0-9]{0,5}")


def _latin(text: str) -> str:
    """Latin capitals for initials: accents dropped (É → E), look-alike Cyrillic read as Latin."""
    value = normalise_lead_code(text)
    text = value if isinstance(value, str) else text
    return "".join(ch for ch in unicodedata.normalize("NFKD", text) if ch.isascii() and ch.isalpha()).upper()


def _is_code(text: str) -> bool:
    # Initials as people type them: "AG", "ag", "CK1"; a capitalised word ("Tom") is a name.
    return bool(_CODE_LIKE.fullmatch(text)) and (text.isupper() or (text.islower() and len(text) <= 3))


def _name_like(part: str) -> bool:
    words = _WORD.findall(part)
    return _is_code(part) or (1 <= len(words) <= 4 and all(word[0].isupper() for word in words))


def owner_parts(text: str) -> list[str]:
    """The people a cell names: "A / B", "A & B", "A and B" give two; "Head of SEND and Inclusion" one."""
    parts = [part for part in _STRONG.split(text) if part.strip()]
    if len(parts) > 1:
        return parts
    weak = [part for part in _WEAK.split(text) if part.strip()]
    if len(weak) > 1 and all(_name_like(part) for part in weak):
        return weak
    return [text]


def _initials(text: str) -> str:
    words = [word for word in _WORD.findall(text) if word.casefold() not in _SMALL] or _WORD.findall(text)
    letters = "".join(_latin(word)[:1] for word in words)
    if len(words) == 1:
        letters = _latin(words[0])[:2]
    return letters[:6]


@dataclass
class LeadBook:
    """Owner texts → lead codes: one code per owner, initials where free, else made distinct."""

    rules: dict[str, Owner] = field(default_factory=dict)
    owners: dict[str, OwnerValue] = field(default_factory=dict)  # folded owner text → its code
    leads: dict[str, Owner] = field(default_factory=dict)  # code → key entry (names and roles only)
    as_written: list[str] = field(default_factory=list)  # codes used as the tracker wrote them
    notes: list[str] = field(default_factory=list)

    def build(self, texts: list[str]) -> None:
        """Give a code to every owner text, codes as written first so they keep their letters."""
        cleaned = [plain(text) for text in texts if plain(text)]
        for text in cleaned:
            key = fold(text)
            if key in self.owners:
                continue
            if key in self.rules:
                owner = self.rules[key]
                self.owners[key] = OwnerValue(owner.code)
                if owner.name or not _is_code(text):
                    self.leads.setdefault(owner.code, owner if owner.name else Owner(owner.code, text))
            else:
                # Codes as written keep their letters, alone or in "CW / AG".
                for part in owner_parts(text):
                    if _is_code(part) and (_latin(part) or part.upper()) not in self.as_written:
                        self.as_written.append(_latin(part) or part.upper())
                if _is_code(text) and len(owner_parts(text)) == 1:
                    self.owners[key] = OwnerValue(_latin(text) or text.upper())
        taken = set(self.as_written) | {owner.code for owner in self.rules.values()}
        for text in cleaned:
            key = fold(text)
            if key in self.owners:
                continue
            parts = owner_parts(text)
            if len(parts) > 1:
                base = "".join(self._part_code(part) for part in parts)[:12]
                code = self._free(base or "JOINT", taken)
                self.owners[key] = OwnerValue(code, joint=True)
            else:
                base = _initials(text)
                code = self._free(base or "L", taken)
                self.owners[key] = OwnerValue(code)
                if code != base and base:
                    holder = self.leads[base].name if base in self.leads else None
                    why = f"is {quoted(holder)}" if holder else "is written as a code elsewhere"
                    self.notes.append(
                        f"owner {quoted(text)} is {code}, since {base} {why}. If they are the same person, give "
                        f"both one code in a rules file (owners: {quoted(text)}: {base}) and import again."
                    )
            taken.add(code)
            self.leads[code] = Owner(code, text)
        # A code the tracker writes with no name anywhere is still one of the plan's leads: list it,
        # so every item's lead is in the key, and say the name is for someone to add.
        for value in self.owners.values():
            code = value.code
            if not value.joint and code not in self.leads:
                self.leads[code] = Owner(code)
                self.notes.append(
                    f"owner {code} is written as a code and the tracker gives no name for it; it is listed "
                    f'under "leads:" with the code as its name. Write the person\'s name there.'
                )

    def _part_code(self, part: str) -> str:
        key = fold(part)
        if key in self.owners:
            return self.owners[key].code
        if key in self.rules:
            return self.rules[key].code
        return _latin(part) if _is_code(part) else _initials(part)

    @staticmethod
    def _free(base: str, taken: set[str]) -> str:
        if base and base not in taken and base[0].isalpha():
            return base
        stem = base if base and base[0].isalpha() else "L" + base
        number = 2
        while f"{stem[:10]}{number}" in taken:
            number += 1
        return f"{stem[:10]}{number}"

    def code_for(self, text: str) -> OwnerValue | None:
        return self.owners.get(fold(plain(text))) if plain(text) else None
