"""A cache of validated plans, keyed by the file's content, so an unchanged plan loads fast.

Parsing YAML and validating with pydantic costs seconds for a plan of 10,000 items, and
importing pydantic alone costs more than a whole `sendplan overdue --json` on a small plan.
So after a plan loads without problems, read.py hands it here and we keep a *snapshot* file
of four sections, each read only when a command needs it:
- "flat": the items as one table of plain values (flat.py), all the listings read, in chunks
  (cachefile.py): the plan's details, then each task's rows;
- "plan": the models as tuples (snapshot.py), for reports, checks and edits, in chunks: the
  plan without its tasks, each task, the schema;
- "index": the items' ids in plan order, for an edit to find an item's chunks
  (snapshot_edit.py, which writes only the chunks of the tasks it changes);
- "positions": where every value sits in the file (locate.py), for warnings.

A cache must never change an answer. So:
- the key is a SHA-256 of the plan text, the snapshot format, the sendplan and Python versions
  and the size and time stamp of every module in the package: any change to the plan or the
  code misses;
- every part of a snapshot file is verified by its SHA-256 before use, and only our own
  regular files are opened, never waiting on a FIFO or following a symlink (cachefile.py);
  a damaged file is a miss, never a wrong answer;
- only plans that loaded with no problem are stored, so every error message still comes from
  the one loading path in load.py, never from here;
- a miss of any kind is replaced by the next store; writing is best effort and atomic;
- pruning deletes only files this cache named and wrote (cachefile.py): anything else in the
  folder, such as a user's own notes.plan, is left alone.

The cache lives in $SENDPLAN_CACHE_DIR, else $XDG_CACHE_HOME/sendplan, else ~/.cache/sendplan,
never beside the plan. SENDPLAN_NO_CACHE=1 turns it off.
"""

from __future__ import annotations

import contextlib
import gc
import hashlib
import marshal
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from sendplan import __version__
from sendplan.plan.cachefile import (
    FORMAT,
    MAGIC,
    SUFFIX,
    Chunked,
    Section,
    Snapshot,
    open_own_file,
    prune,
    write_snapshot,
)
from sendplan.plan.flat import ID, LAYOUT, FlatPlan
from sendplan.plan.load import LoadedPlan, read_data
from sendplan.plan.locate import Positions

__all__ = ["MAGIC", "SUFFIX", "CachedPlan", "cache_dir", "cache_key", "flat_sections", "gc_paused", "keep", "load", "store", "stored"]

_MARSHAL_VERSION = 4

CACHE_DIR_ENV = "SENDPLAN_CACHE_DIR"
NO_CACHE_ENV = "SENDPLAN_NO_CACHE"
# Every edit of a plan makes a new snapshot; keep only the most recently used ones: at least
# KEEP_SNAPSHOTS, and more while they fit in KEEP_BYTES, so that every plan of a folder of
# plans stays warm (150 plans of 60 items take about 4 MB).
KEEP_SNAPSHOTS = 16
KEEP_BYTES = 64 * 1024 * 1024
SECTIONS = ("flat", "plan", "index", "positions")
_PIECE = 1 << 16  # characters of the text encoded at a time for its key


@contextlib.contextmanager
def gc_paused() -> Iterator[None]:
    """Hold off the cycle collector while a plan is built.

    Building a plan allocates hundreds of thousands of containers, and each allocation burst
    sets off a collection that walks every object alive, over and over: at 10,000 items that
    is more than half the load time. A plan is a tree (aliases are refused), so nothing built
    here needs the cycle collector; it runs again as soon as the block ends. The plan then
    lives until the command ends, so it is frozen out of the collector's sight too, and
    building rows and output does not walk it again and again.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.freeze()
            gc.enable()


def cache_dir() -> Path | None:
    """Where snapshots go, or None when the cache is turned off."""
    if os.environ.get(NO_CACHE_ENV, "").strip() not in ("", "0"):
        return None
    explicit = os.environ.get(CACHE_DIR_ENV, "").strip()
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME", "").strip()
    return (Path(base) if base else Path.home() / ".cache") / "sendplan"


_FINGERPRINT: list[bytes] = []


def _code_fingerprint() -> bytes:
    # __version__ stays put between releases while the code changes under it; a validation
    # rule changed in a checkout must never be skipped by an old snapshot. Worked out once a
    # process: a folder of plans asks for it once per plan.
    if not _FINGERPRINT:
        package = os.path.dirname(os.path.dirname(os.path.realpath(__file__)))
        parts: list[str] = []
        _fingerprint_folder(package, "", parts)
        _FINGERPRINT.append("|".join(parts).encode())
    return _FINGERPRINT[0]


def _fingerprint_folder(folder: str, prefix: str, parts: list[str]) -> None:
    """Name, size and time stamp of every module in *folder* and the packages inside it.

    os.scandir, not os.walk or pathlib: this runs on every command that reads a plan.
    """
    with os.scandir(folder) as entries:
        for entry in sorted(entries, key=lambda found: found.name):
            if entry.name.endswith(".py"):
                info = entry.stat()
                parts.append(f"{prefix}{entry.name}:{info.st_size}:{info.st_mtime_ns}")
            elif entry.name != "__pycache__" and entry.is_dir(follow_symlinks=False):
                _fingerprint_folder(entry.path, f"{prefix}{entry.name}/", parts)


def cache_key(text: str) -> str:
    digest = hashlib.sha256()
    for part in (
        f"format {FORMAT} layout {LAYOUT}".encode(),
        f"sendplan {__version__}".encode(),
        f"python {sys.version}".encode(),
        _code_fingerprint(),
    ):
        digest.update(part + b"\0")
    # A piece at a time: a whole copy of a 46 MB plan's bytes costs more than hashing them.
    for start in range(0, len(text), _PIECE):
        digest.update(text[start : start + _PIECE].encode("utf-8", "surrogatepass"))
    return digest.hexdigest()


def _file_for(text: str) -> tuple[Path, str] | None:
    directory = cache_dir()
    if directory is None:
        return None
    key = cache_key(text)
    return directory / f"{key}{SUFFIX}", key


# ---------------------------------------------------------------------------------------
# A plan from the cache


class CachedPlan(LoadedPlan):
    """A plan from the cache. Each part is read from the snapshot when first asked for: the flat
    table for listings, the records for reports and checks, the positions for warnings. A
    section that fails its digest is never used: the plan is then read from its text."""

    def __init__(self, snapshot_file: Snapshot, source: str, text: str, file: tuple[Path, str] | None = None) -> None:
        super().__init__(None, source)
        self._snapshot = snapshot_file
        self._text = text
        self._file = file  # (path, key) of the snapshot, when known
        self._loaded: LoadedPlan | None = None

    def _fresh(self) -> LoadedPlan:
        """The plan read from its text, as if there were no cache, and the snapshot replaced."""
        if self._loaded is None:
            from sendplan.plan.load import parse_plan

            with gc_paused():
                self._loaded = parse_plan(self._text, self.source)
            store(self._text, self._loaded.plan, positions=self._loaded.positions)
        return self._loaded

    @property
    def plan(self) -> Any:
        if self._plan is None:
            try:
                parts = self._snapshot.chunks("plan")
            except Exception:  # noqa: BLE001 - damaged: never used
                parts = None
            if parts is not None:
                from sendplan.plan.snapshot import restore_chunks  # only for commands that need the records

                with gc_paused():
                    self._plan = restore_chunks(parts)
            else:
                self._plan = self._fresh().plan
        return self._plan

    @property
    def flat(self) -> FlatPlan:
        if self._flat is None and self._plan is not None:
            # The records are read already (a report): made from them, the rows share their
            # text, where the table's own section would hold a second copy (100 MB at 100,000).
            self._flat = super().flat
        if self._flat is None:
            try:
                parts = self._snapshot.chunks("flat")
                self._flat = _flat_of(parts) if parts is not None else None
            except Exception:  # noqa: BLE001 - damaged: never used; the plan is read from its text
                self._fresh()
        if self._flat is None and self._loaded is not None:
            self._flat = self._loaded.flat
        if self._flat is None:
            # A snapshot kept without its table: made from the records, and kept for the next command.
            self._flat = super().flat
            self._keep_sections(flat_sections(self._flat))
        return self._flat

    @property
    def positions(self) -> Positions | None:
        if self._positions is None:
            try:
                blob = self._snapshot.raw("positions")
            except Exception:  # noqa: BLE001 - damaged: never used; the plan is read from its text
                self._fresh()
                blob = None
            if blob is not None:
                self._positions = Positions.from_bytes(self.source, blob)
            elif self._loaded is not None:
                self._positions = self._loaded.positions
            else:
                # Snapshots stored after an edit carry no positions; the text gives them, and
                # they are kept for the next command.
                with gc_paused():
                    self._positions = read_data(self._text, self.source)[1]
                self._keep_sections([("positions", self._positions.pieces())])
        return self._positions

    def _keep_sections(self, made: list[Section]) -> None:
        """The snapshot written again with the sections *made* added (best effort)."""
        with contextlib.suppress(Exception):
            found = self._file or _file_for(self._text)
            if found is None:
                return
            names = {name for name, _ in made}
            kept = [name for name in SECTIONS if name not in names and name in self._snapshot.sections]
            sections: list[Section] = [(name, self._snapshot.copied(name)) for name in kept]
            write_snapshot(found[0], found[1], sections + made)


def _open_snapshot(text: str) -> tuple[Snapshot, tuple[Path, str]] | None:
    """The snapshot file kept for this text, its header verified, and its (path, key); or None."""
    found = _file_for(text)
    if found is None:
        return None
    path, key = found
    descriptor = open_own_file(path)
    if descriptor is None:
        return None
    try:
        return Snapshot(descriptor, key), found
    except Exception:  # noqa: BLE001 - damaged, foreign or of another format: a miss
        os.close(descriptor)
        return None


def _flat_of(parts: list[memoryview]) -> FlatPlan:
    """The flat table from its section's chunks (verified), a task's rows at a time."""
    if not parts:
        raise ValueError("an empty flat table")
    return FlatPlan.from_parts(marshal.loads(parts[0]), (marshal.loads(part) for part in parts[1:]))


def flat_sections(flat: FlatPlan) -> list[Section]:
    """The sections a flat table is kept as: the table in chunks, and the index of ids."""
    chunks = (marshal.dumps(part, _MARSHAL_VERSION) for part in flat.parts())
    return [("flat", Chunked(chunks)), ("index", lambda: [row[ID] for row in flat.items])]


def stored(text: str) -> Snapshot | None:
    """The snapshot kept for this text, open, its header verified (each part is verified when
    read), or None when there is none. For an edit (snapshot_edit.py), which reads only the
    chunks it changes and keeps the others as they are, with keep(); the caller closes it."""
    opened = _open_snapshot(text)
    return opened[0] if opened is not None else None


def load(text: str, name: str) -> CachedPlan | None:
    """The cached plan for this text, or None (a miss) for any reason at all."""
    try:
        opened = _open_snapshot(text)
        if opened is None:
            return None
        snapshot_file, found = opened
        snapshot_file.touch()
        return CachedPlan(snapshot_file, name, text, found)
    except Exception:  # noqa: BLE001 - a cache must never be the reason a command fails
        return None


# ---------------------------------------------------------------------------------------
# Writing and pruning


def store(text: str, plan: Any, *, positions: Positions | None = None, flat: FlatPlan | None = None) -> None:
    """Keep a snapshot of a plan that loaded without problems. Failures are ignored.

    *positions*, the file's position index, is kept when given; without it the first command
    that needs a position reads the text for them. *flat* is the plan's flat table if it is
    already made.
    """
    try:
        from sendplan.plan.flat import flatten
        from sendplan.plan.snapshot import chunks

        sections = [*flat_sections(flat or flatten(plan)), ("plan", Chunked(chunks(plan)))]
        if positions is not None:
            sections.append(("positions", positions.pieces()))
        keep(text, sections)
    except Exception:  # noqa: BLE001 - read-only home, full disk, a type we cannot keep: no cache
        return


def keep(text: str, sections: list[Section]) -> None:
    """Keep *sections* as the snapshot of *text* (an edit's, from the snapshot stored() read).
    Raises on anything unexpected (the caller treats it as no cache)."""
    found = _file_for(text)
    if found is None:
        return
    path, key = found
    write_snapshot(path, key, sections)
    prune(path.parent, path, KEEP_SNAPSHOTS, KEEP_BYTES)
