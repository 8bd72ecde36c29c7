"""Which plan file to read, and its bytes as text: every failure of reading becomes a located Problem.

The choice of path (--plan, $SENDPLAN_PLAN, ./plan.yaml, the nearest plan.yaml up to the top of
the git repository, else the bundled plan), the size cap, and decoding to UTF-8 text with a
message that says how to save a file that is not UTF-8. Nothing here parses YAML or prints.
"""

from __future__ import annotations

import os
import re
import stat
import sys
import typing
from pathlib import Path

from sendplan.errors import Location, PlanError, quoted

# Big enough for a 100,000-item plan (about 20 MB); a larger file is more likely a mistake.
MAX_PLAN_BYTES = 64 * 1024 * 1024
MAX_BYTES_ENV = "SENDPLAN_MAX_BYTES"
# Twice the 100,000 items sendplan is measured at (a first read of 200,000 takes well under a
# minute and 2 GB); more is refused before anything is parsed.
MAX_PLAN_ITEMS = 200_000
MAX_ITEMS_ENV = "SENDPLAN_MAX_ITEMS"
MAX_ITEMS_CEILING = 10_000_000
STDIN = "-"
BUNDLED_NAME = "plan.yaml"


def bundled_plan() -> Path:
    """The West Northamptonshire plan shipped inside the package.

    A file in the package's data folder: pip always installs the package as files, and
    importlib.resources would cost more to import (about 10 ms) than the rest of a small
    command's own work."""
    return Path(__file__).resolve().parent.parent / "data" / BUNDLED_NAME


_BUNDLED_FILE: list[tuple[int, int] | None] = []


def is_bundled(path: str) -> bool:
    """Whether *path* is the example plan shipped inside the package (by any name: a link, a
    relative path). Compared as files, by device and inode, and the example's looked up once a
    process: a folder of plans asks this of every plan."""
    if path == STDIN:
        return False
    if not _BUNDLED_FILE:
        try:
            info = os.stat(bundled_plan())
            _BUNDLED_FILE.append((info.st_dev, info.st_ino))
        except OSError:
            _BUNDLED_FILE.append(None)
    try:
        info = os.stat(path)
    except (OSError, ValueError):
        return False
    return (info.st_dev, info.st_ino) == _BUNDLED_FILE[0]


def display_name(path: str) -> str:
    """How a plan file is named to a reader (a report's header): the bundled example by its
    file name and what it is, not the folder deep inside an installation it lives in."""
    return f"{BUNDLED_NAME} (the example bundled with sendplan)" if is_bundled(path) else path


def choose_plan(plan_option: str | None, cwd: Path | None = None) -> str:
    """--plan (or $SENDPLAN_PLAN, which click folds into it), else ./plan.yaml, else the nearest
    plan.yaml in a folder above, up to the top of the git repository, else the bundled plan."""
    if plan_option:
        return plan_option
    here = cwd or Path.cwd()
    local = here / "plan.yaml"
    if local.is_file():
        return "plan.yaml" if cwd is None else str(local)
    found = _plan_in_repository(here)
    return str(found) if found is not None else str(bundled_plan())


def _plan_in_repository(start: Path) -> Path | None:
    # A team keeps plan.yaml at the top of its repository and works in subfolders; without
    # this, a command run in docs/ would quietly answer from the bundled example instead.
    # Outside a git work tree only the current folder counts, so a stray plan.yaml in a
    # home folder is never picked up by surprise.
    folders = [start, *start.parents]
    top = next((index for index, folder in enumerate(folders) if (folder / ".git").exists()), None)
    if top is None:
        return None
    for folder in folders[1 : top + 1]:
        candidate = folder / "plan.yaml"
        if candidate.is_file():
            return candidate
    return None


# No plan comes near this; a larger setting is a mistake, and Python could not even ask for
# that many bytes in one read.
MAX_BYTES_CEILING = 1 << 40


def max_plan_bytes() -> int:
    """The most bytes sendplan reads of a plan: $SENDPLAN_MAX_BYTES, else MAX_PLAN_BYTES."""
    return _setting(MAX_BYTES_ENV, MAX_PLAN_BYTES, MAX_BYTES_CEILING, "bytes")


def max_plan_items() -> int:
    """The most items sendplan reads in a plan: $SENDPLAN_MAX_ITEMS, else MAX_PLAN_ITEMS."""
    return _setting(MAX_ITEMS_ENV, MAX_PLAN_ITEMS, MAX_ITEMS_CEILING, "items")


def _setting(env: str, default: int, ceiling: int, unit: str) -> int:
    """A positive whole number from the environment variable *env*, or a PlanError saying why not."""
    raw = os.environ.get(env)
    if raw is None or not raw.strip():
        return default
    shown = quoted(raw)
    advice = f"Set it to a number such as {default}, or unset it."
    digits = raw.strip().lstrip("+")
    try:
        # Python refuses int() of thousands of digits: a number that long is over the ceiling anyway.
        value = ceiling + 1 if len(digits) > 30 and digits.isdecimal() else int(raw)
    except ValueError:
        raise PlanError.single(f"{env}={shown} is not a whole number of {unit}. {advice}") from None
    if value <= 0:
        raise PlanError.single(f"{env}={shown} must be a positive number of {unit}. {advice}")
    if value > ceiling:
        raise PlanError.single(f"{env}={shown} is more than any plan could need (at most {ceiling:,} {unit}). {advice}")
    return value


# A key "id", as an item has one: after a space, "- ", "{" or "," (quoted or not), then a colon
# and a space. The pattern starts with its letters, so the search runs in C at memchr speed.
_ITEM_ID = re.compile(r"""(?<=[\s{,\-"'])id["']?[ \t]*:(?=\s)""")


def refuse_too_many_items(text: str, name: str) -> None:
    """Refuse, before any parsing, a plan with more items than sendplan reads (a guess from its
    "id:" keys, which every item has: a plan that big takes minutes and gigabytes to read)."""
    limit = max_plan_items()
    # Every item takes at least six characters ("- id: x"…) and has an "id:" (counts in C, a
    # few milliseconds a megabyte); ids written first, as plans write them, are counted so too;
    # only a file past all that is searched for the keys that really are an item's id.
    if len(text) < 6 * limit or text.count("id:") <= limit:
        return
    found = sum(text.count(start) for start in ("- id:", "{id:", '- "id":', '{"id":'))
    if found <= limit:
        found = sum(1 for _ in _ITEM_ID.finditer(text))
    if found > limit:
        raise PlanError.single(
            f"the plan holds about {found:,} items, more than the {limit:,} sendplan reads (a plan that big "
            f"takes minutes and gigabytes to read). If it really is one plan, raise the limit with {MAX_ITEMS_ENV}, "
            "or split it into plans of a few thousand items each.",
            Location(name),
        )


# ---------------------------------------------------------------------------------------
# Reading bytes and text


def read_source(path: str, *, stdin: typing.BinaryIO | None = None) -> tuple[str, str]:
    """(name for messages, text) of a plan file or standard input, with every failure located."""
    limit = max_plan_bytes()
    if path == STDIN:
        name = "<stdin>"
        data = _read_stdin(stdin, limit)
    else:
        name = path
        data = _read_file(path, limit)
    if len(data) > limit:
        raise PlanError.single(
            f"the file is larger than {limit:,} bytes, the most sendplan reads. "
            f"If it really is a plan, raise the limit with {MAX_BYTES_ENV}.",
            Location(name),
        )
    return name, decode(data, name)


def _read_stdin(stdin: typing.BinaryIO | None, limit: int) -> bytes:
    location = Location("<stdin>")
    stream = stdin
    if stream is None:
        # Python sets sys.stdin to None when the process starts with descriptor 0 closed.
        text_stream = sys.stdin
        stream = getattr(text_stream, "buffer", None) if text_stream is not None else None
    if stream is None:
        raise PlanError.single(
            "standard input is closed, so there is no plan to read from it. Pipe the plan in "
            "(sendplan list --plan - < plan.yaml) or name the file with --plan.",
            location,
        )
    try:
        return stream.read(limit + 1)
    except OSError as error:  # descriptor 0 closed under Python's feet, a terminal gone away…
        raise PlanError.single(
            f"cannot read standard input: {error.strerror or error}. Pipe the plan in or name the file with --plan.",
            location,
        ) from None


# What stat says a name is, for the message refusing anything but a regular file.
_NOT_A_FILE = (
    (stat.S_ISFIFO, "a named pipe (FIFO)"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
)


def _not_a_plan_file(mode: int, location: Location) -> PlanError:
    if stat.S_ISDIR(mode):
        return PlanError.single("this is a folder, not a plan file. Name the plan's YAML file.", location)
    what = next((name for test, name in _NOT_A_FILE if test(mode)), "not a regular file")
    return PlanError.single(
        f"this is {what}, not a plan file. sendplan reads plan files only (reading anything else could wait "
        "forever); name the plan's YAML file, or pipe the plan in with --plan -.",
        location,
    )


def open_plan_file(path: str) -> int:
    """A descriptor open for reading *path*, which must be a regular file.

    O_NONBLOCK: a name swapped for a FIFO after the caller's stat must not make the open
    wait for a writer; on a regular file the flag changes nothing.
    """
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
    return os.open(path, flags)


def _read_file(path: str, limit: int) -> bytes:
    return read_bytes(
        path,
        limit,
        folder="this is a folder, not a plan file. Name the plan's YAML file.",
        missing="no such file. Check the name, or run sendplan in the folder that holds plan.yaml.",
        too_big="the file is {size:,} bytes, larger than the {limit:,} sendplan reads. "
        f"If it really is a plan, raise the limit with {MAX_BYTES_ENV}.",
    )


def read_bytes(path: str, limit: int, *, folder: str, missing: str, too_big: str) -> bytes:
    """The bytes of the file at *path* (at most *limit* + 1), or a PlanError naming it. *folder*,
    *missing* and *too_big* (a template given {size} and {limit}) say what to do in each case;
    a plan file and an imported tracker give different advice."""
    location = Location(path)
    try:
        # stat, not open: a FIFO, device or socket is refused without ever being opened.
        info = os.stat(path)
        if stat.S_ISDIR(info.st_mode):
            raise PlanError.single(folder, location)
        if not stat.S_ISREG(info.st_mode):
            raise _not_a_plan_file(info.st_mode, location)
        if info.st_size > limit:
            raise PlanError.single(too_big.format(size=info.st_size, limit=limit), location)
        descriptor = open_plan_file(path)
        try:
            opened = os.fstat(descriptor)
            if not stat.S_ISREG(opened.st_mode):  # replaced between the stat and the open
                raise _not_a_plan_file(opened.st_mode, location)
            return _read_up_to(descriptor, limit + 1)
        finally:
            os.close(descriptor)
    except (FileNotFoundError, NotADirectoryError):
        raise PlanError.single(missing, location) from None
    except PermissionError:
        raise PlanError.single("permission denied: sendplan cannot read this file.", location) from None
    except IsADirectoryError:
        raise PlanError.single(folder, location) from None
    except OSError as error:
        raise PlanError.single(f"cannot read the file: {error.strerror or error}.", location) from None
    except ValueError:  # a NUL character in the name: no file can have it
        raise PlanError.single("this is not a usable file name. Check the name.", location) from None


def _read_up_to(descriptor: int, most: int) -> bytes:
    """At most *most* bytes, to the end of the file (a file may grow while it is read)."""
    chunks = []
    left = most
    while left > 0:
        chunk = os.read(descriptor, min(left, 1 << 24))
        if not chunk:
            break
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)


def _line_column(data: bytes, offset: int) -> tuple[int, int]:
    """1-based line and column (in characters, as editors count) of a byte offset."""
    before = data[:offset]
    line_start = before.rfind(b"\n") + 1
    column = len(before[line_start:].decode("utf-8", errors="replace")) + 1
    return before.count(b"\n") + 1, column


# Files people point sendplan at by mistake, known by their first bytes.
_SIGNATURES = (
    (b"PK\x03\x04", "a zip archive (Word and Excel files are zip archives)"),
    (b"\xd0\xcf\x11\xe0", "an old-style Word or Excel file"),
    (b"%PDF-", "a PDF"),
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
)
_SAVE_AS_UTF8 = "Save it as UTF-8 (in Notepad: Save As, Encoding UTF-8)."


def _utf16_without_bom(data: bytes) -> bool:
    """Mostly-ASCII text in UTF-16 has a zero in every other byte of its opening."""
    sample = data[:400]
    if len(sample) < 4:
        return False
    return any(zeros.count(0) >= 0.9 * len(zeros) for zeros in (sample[1::2], sample[0::2]))


def decode(data: bytes, name: str) -> str:
    """UTF-8 text (a byte-order mark is fine), or a located error saying how to save it."""
    for signature, what in _SIGNATURES:
        if data.startswith(signature):
            raise PlanError.single(
                f"this is {what}, not a YAML text file. Point sendplan at the plan's .yaml file.",
                Location(name, 1, 1),
            )
    if data.startswith((b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")):
        raise PlanError.single(f"the file is saved as UTF-32. {_SAVE_AS_UTF8}", Location(name, 1, 1))
    if data.startswith((b"\xff\xfe", b"\xfe\xff")) or _utf16_without_bom(data):
        raise PlanError.single(f"the file is saved as UTF-16. {_SAVE_AS_UTF8}", Location(name, 1, 1))
    nul = data.find(b"\x00")
    if nul != -1:
        line, column = _line_column(data, nul)
        raise PlanError.single(
            "the file holds a NUL byte, so it looks binary, not a YAML text file. "
            "Point sendplan at the plan's .yaml file.",
            Location(name, line, column),
        )
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line, column = _line_column(data, error.start)
        byte = data[error.start]
        # Word and Excel on Windows save Windows-1252: name the character the user typed.
        guess = bytes([byte]).decode("cp1252", errors="replace")
        typed = f' (in Windows-1252 it is "{guess}")' if guess.isprintable() and guess != "\ufffd" else ""
        raise PlanError.single(
            f"byte 0x{byte:02x} is not UTF-8 text{typed}. Save the file as UTF-8 "
            "(text pasted from Word or Excel is often Windows-1252).",
            Location(name, line, column),
        ) from None
    return text.removeprefix("\ufeff")
