"""A cache of validated plans, keyed by the file's content, so an unchanged plan loads fast.

Parsing YAML and validating with pydantic costs seconds for a plan of 10,000 items, and
importing pydantic alone costs more than a whole `sendplan overdue --json` on a small plan.
So after a plan loads without problems, read.py hands it here and we keep a *snapshot* file
of three sections, each read only when a command needs it:
- "flat": the items as one table of plain values (flat.py), all the listings read;
- "plan": the models as tuples (snapshot.py), for reports, checks and edits;
- "positions": where every value sits in the file (locate.py), for warnings.

A cache must never change an answer. So:
- the key is a SHA-256 of the plan text, the snapshot format, the sendplan and Python versions
  and the size and time stamp of every module in the package: any change to the plan or the
  code misses;
- every section carries the SHA-256 of its bytes, and the header carries its own; nothing is
  unmarshalled before its digest matches, so a damaged file is a miss, never a wrong answer
  (and never a huge allocation from a corrupt length);
- a snapshot is opened with O_NOFOLLOW | O_NONBLOCK and used only if the open descriptor is a
  regular file owned by the user: a FIFO planted at its name in a shared folder is never
  waited on, a symlink never followed, another user's file never trusted;
- only plans that loaded with no problem are stored, so every error message still comes from
  the one loading path in load.py, never from here;
- a miss of any kind is replaced by the next store; writing is best effort and atomic;
- pruning deletes only files this cache named (a hex key and ".snapshot", or its own
  temporary files) and recognises (its magic line, our own regular file): anything else in
  the folder, such as a user's own notes.plan, is left alone.

The cache lives in $SENDPLAN_CACHE_DIR, else $XDG_CACHE_HOME/sendplan, else ~/.cache/sendplan,
never beside the plan. SENDPLAN_NO_CACHE=1 turns it off.
"""

from __future__ import annotations

import contextlib
import gc
import hashlib
import marshal
import os
import re
import stat
import sys
import weakref
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from sendplan import __version__
from sendplan.plan.flat import DELIVERABLE, ID, LAYOUT, TASK, TASK_TITLE, FlatPlan, item_row
from sendplan.plan.load import LoadedPlan, read_data
from sendplan.plan.locate import Path_, Positions

_Named = SimpleNamespace

CACHE_DIR_ENV = "SENDPLAN_CACHE_DIR"
NO_CACHE_ENV = "SENDPLAN_NO_CACHE"
# Bump when the file layout or a section's layout changes.
FORMAT = 3
# Every edit of a plan makes a new snapshot; keep only the most recently used ones.
KEEP_SNAPSHOTS = 16
SUFFIX = ".snapshot"
MAGIC = b"sendplan snapshot\n"
# Snapshots of earlier versions (named <key>.plan), recognised so that pruning can clear them.
_OLD_MAGIC, _OLD_SUFFIX = b"sendplan-cache\n", ".plan"
_NAME = re.compile(r"[0-9a-f]{64}(\.snapshot|\.plan)")
_TEMPORARY = re.compile(r"\.tmp-[A-Za-z0-9_]{1,32}\.snapshot")
# A temporary file older than this was left by a process that died while writing it.
_STALE_SECONDS = 3600
_MARSHAL_VERSION = 4
_DIGEST = 32  # bytes of a SHA-256
_MOST_HEADER = 1 << 16
SECTIONS = ("flat", "plan", "positions")


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


def _code_fingerprint() -> bytes:
    # __version__ stays put between releases while the code changes under it; a validation
    # rule changed in a checkout must never be skipped by an old snapshot.
    package = os.path.dirname(os.path.dirname(os.path.realpath(__file__)))
    parts: list[str] = []
    _fingerprint_folder(package, "", parts)
    return "|".join(parts).encode()


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
    digest.update(text.encode("utf-8", "surrogatepass"))
    return digest.hexdigest()


def _file_for(text: str) -> tuple[Path, str] | None:
    directory = cache_dir()
    if directory is None:
        return None
    key = cache_key(text)
    return directory / f"{key}{SUFFIX}", key


# ---------------------------------------------------------------------------------------
# The file: MAGIC, the sections (each a marshal of core types), then the header (marshal of
# (FORMAT, key, ((section, offset, length, SHA-256), ...)), offsets counted from the end of
# MAGIC), its length (4 bytes) and its SHA-256. The header comes last so that each section is
# written as soon as it is made, and let go: at 100,000 items the sections are 100 MB.


def _open_own_file(path: Path) -> int | None:
    """A descriptor for reading *path* if it is a regular file of ours, else None (closed)."""
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
    try:
        descriptor = os.open(path, flags)
    except OSError:
        return None
    info = os.fstat(descriptor)
    if not stat.S_ISREG(info.st_mode) or (hasattr(os, "getuid") and info.st_uid != os.getuid()):
        os.close(descriptor)
        return None
    return descriptor


def _read_at(descriptor: int, offset: int, length: int) -> bytes:
    parts = []
    while length > 0:
        chunk = os.pread(descriptor, length, offset)
        if not chunk:
            break
        parts.append(chunk)
        offset += len(chunk)
        length -= len(chunk)
    return b"".join(parts)


class _Snapshot:
    """An open snapshot file whose header has been verified; sections are read and verified on demand."""

    def __init__(self, descriptor: int, key: str) -> None:
        self._descriptor = descriptor
        size = os.fstat(descriptor).st_size
        tail = 4 + _DIGEST
        if size < len(MAGIC) + tail or _read_at(descriptor, 0, len(MAGIC)) != MAGIC:
            raise ValueError("not a snapshot")
        ending = _read_at(descriptor, size - tail, tail)
        length = int.from_bytes(ending[:4], "big")
        if len(ending) != tail or length > min(_MOST_HEADER, size - len(MAGIC) - tail):
            raise ValueError("a snapshot header of an impossible size")
        header = _read_at(descriptor, size - tail - length, length)
        if len(header) != length or hashlib.sha256(header).digest() != ending[4:]:
            raise ValueError("a damaged snapshot header")
        file_format, file_key, sections = marshal.loads(header)  # verified: exactly what was written
        if file_format != FORMAT or file_key != key:
            raise ValueError("a snapshot of another plan or format")
        self.sections = {name: (offset, length, digest) for name, offset, length, digest in sections}
        # Closed when the plan read from it is let go (the caller closes it if this raised).
        self._closer = weakref.finalize(self, os.close, descriptor)

    def raw(self, name: str) -> bytes | None:
        """A section's bytes, verified, or None when the file does not have it; ValueError when damaged."""
        found = self.sections.get(name)
        if found is None:
            return None
        offset, size, digest = found
        data = _read_at(self._descriptor, len(MAGIC) + offset, size)
        if len(data) != size or hashlib.sha256(data).digest() != digest:
            raise ValueError(f"the {name} section of a snapshot is damaged")
        return data

    def section(self, name: str) -> Any:
        """A section's data, or None when the file does not have it; ValueError when it is damaged."""
        data = self.raw(name)
        return marshal.loads(data) if data is not None else None  # verified: exactly what was written

    def touch(self) -> None:
        """Mark it recently used, so pruning keeps it (on the descriptor: no name is followed)."""
        with contextlib.suppress(OSError, NotImplementedError):
            os.utime(self._descriptor)

    def close(self) -> None:
        self._closer()


# A section: its name, and its bytes, or a function giving its data (made only when written),
# or an iterator of its bytes in pieces (each written, and let go, as it is made).
Section = tuple[str, bytes | Callable[[], Any] | Iterator[bytes]]


def _write_snapshot(path: Path, key: str, sections: Iterable[Section]) -> None:
    """The snapshot file at *path*, written to a temporary file one section at a time, then renamed."""
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    import tempfile  # only when a snapshot is written, not on every read

    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=SUFFIX)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(MAGIC)
            table, offset = [], 0
            for name, made in sections:
                if isinstance(made, bytes):
                    pieces: Iterable[bytes] = (made,)
                elif callable(made):
                    pieces = (marshal.dumps(made(), _MARSHAL_VERSION),)
                else:
                    pieces = made
                digest, size = hashlib.sha256(), 0
                for piece in pieces:
                    stream.write(piece)
                    digest.update(piece)
                    size += len(piece)
                table.append((name, offset, size, digest.digest()))
                offset += size
            header = marshal.dumps((FORMAT, key, tuple(table)), _MARSHAL_VERSION)
            stream.write(header + len(header).to_bytes(4, "big") + hashlib.sha256(header).digest())
        # A FIFO, symlink or another user's file at the name is replaced, never written through.
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise


# ---------------------------------------------------------------------------------------
# A plan from the cache


class CachedPlan(LoadedPlan):
    """A plan from the cache. Each part is read from the snapshot when first asked for: the flat
    table for listings, the records for reports and checks, the positions for warnings. A
    section that fails its digest is never used: the plan is then read from its text."""

    def __init__(self, snapshot_file: _Snapshot, source: str, text: str) -> None:
        super().__init__(None, source)
        self._snapshot = snapshot_file
        self._text = text
        self._loaded: LoadedPlan | None = None

    def _section(self, name: str) -> Any:
        """A section's data; None when the file lacks it, or when it is damaged: the plan is then
        read from its text (self._loaded) and the snapshot replaced."""
        try:
            return self._snapshot.section(name)
        except Exception:  # noqa: BLE001 - damaged: never used
            self._fresh()
            return None

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
                blob = self._snapshot.raw("plan")
            except Exception:  # noqa: BLE001 - damaged: never used
                blob = None
            if blob is not None:
                from sendplan.plan.snapshot import restore_chunks  # only for commands that need the records

                with gc_paused():
                    self._plan = restore_chunks(blob)
            else:
                self._plan = self._fresh().plan
        return self._plan

    @property
    def flat(self) -> FlatPlan:
        if self._flat is None:
            state = self._section("flat")
            if state is not None:
                self._flat = FlatPlan.from_state(state)
            elif self._loaded is not None:
                self._flat = self._loaded.flat
            else:
                self._flat = super().flat  # from the records
        return self._flat

    @property
    def positions(self) -> Positions | None:
        if self._positions is None:
            state = self._section("positions")
            if state is not None:
                self._positions = Positions.from_state(self.source, state)
            elif self._loaded is not None:
                self._positions = self._loaded.positions
            else:
                # Snapshots stored after an edit carry no positions; the text gives them, and
                # they are kept for the next command.
                with gc_paused():
                    self._positions = read_data(self._text, self.source)[1]
                self._keep_positions(self._positions)
        return self._positions

    def _keep_positions(self, positions: Positions) -> None:
        with contextlib.suppress(Exception):
            found = _file_for(self._text)
            if found is None:
                return
            sections: list[Section] = [
                (name, blob) for name in SECTIONS if name != "positions" and (blob := self._snapshot.raw(name))
            ]
            sections.append(("positions", positions.state))
            _write_snapshot(found[0], found[1], sections)


def load(text: str, name: str) -> CachedPlan | None:
    """The cached plan for this text, or None (a miss) for any reason at all."""
    try:
        found = _file_for(text)
        if found is None:
            return None
        path, key = found
        descriptor = _open_own_file(path)
        if descriptor is None:
            return None
        try:
            snapshot_file = _Snapshot(descriptor, key)
        except Exception:  # noqa: BLE001 - damaged, foreign or of another format: a miss
            os.close(descriptor)
            return None
        snapshot_file.touch()
        return CachedPlan(snapshot_file, name, text)
    except Exception:  # noqa: BLE001 - a cache must never be the reason a command fails
        return None


# ---------------------------------------------------------------------------------------
# Writing and pruning


def _recognised(path: str, *, temporary: bool = False) -> bool:
    """Whether *path* is a file this cache wrote: our own regular file, starting with our magic
    line (a temporary file may have been cut short anywhere, even before it)."""
    descriptor = _open_own_file(Path(path))
    if descriptor is None:
        return False
    try:
        start = os.pread(descriptor, len(MAGIC), 0)
    except OSError:
        return False
    finally:
        os.close(descriptor)
    if temporary:
        return MAGIC.startswith(start) or start.startswith(MAGIC)
    return start == MAGIC or (path.endswith(_OLD_SUFFIX) and start.startswith(_OLD_MAGIC))


def prune(directory: Path, keep: Path | None = None) -> None:
    """Delete all but the KEEP_SNAPSHOTS most recently used snapshots (never *keep*), and the
    temporary files a killed writer left: only files this cache named and wrote."""
    snapshots: list[tuple[int, str]] = []
    stale: list[str] = []
    # "Now" as the file system keeps it: the folder changed when the last snapshot went in.
    now = os.stat(directory).st_mtime
    with os.scandir(directory) as entries:
        for entry in entries:
            with contextlib.suppress(OSError):
                if _NAME.fullmatch(entry.name):
                    snapshots.append((entry.stat(follow_symlinks=False).st_mtime_ns, entry.path))
                elif _TEMPORARY.fullmatch(entry.name) and now - entry.stat(follow_symlinks=False).st_mtime > _STALE_SECONDS:
                    stale.append(entry.path)
    snapshots.sort(reverse=True)
    ours = [path for _, path in snapshots if (keep is not None and path == str(keep)) or _recognised(path)]
    doomed = [path for path in ours[KEEP_SNAPSHOTS:] if keep is None or path != str(keep)]
    doomed += [path for path in stale if _recognised(path, temporary=True)]
    for path in doomed:
        with contextlib.suppress(OSError):
            os.unlink(path)


def store(text: str, plan: Any, *, positions: Positions | None = None, flat: FlatPlan | None = None) -> None:
    """Keep a snapshot of a plan that loaded without problems. Failures are ignored.

    *positions*, the file's position index, is kept when given; without it the first command
    that needs a position reads the text for them. *flat* is the plan's flat table if it is
    already made.
    """
    try:
        found = _file_for(text)
        if found is None:
            return
        path, key = found
        from sendplan.plan.flat import flatten
        from sendplan.plan.snapshot import chunks

        sections: list[Section] = [("flat", (flat or flatten(plan)).state), ("plan", chunks(plan))]
        if positions is not None:
            sections.append(("positions", positions.state))
        _write_snapshot(path, key, sections)
        prune(path.parent, path)
    except Exception:  # noqa: BLE001 - read-only home, full disk, a type we cannot keep: no cache
        return


def replace_item(old_text: str, new_text: str, path: Path_, item: Any) -> bool:
    """After an edit of one item: the snapshot of *old_text* with the item at *path* (a path
    such as ("tasks", 3, "deliverables", 0, "items", 2)) replaced by *item* (a validated model),
    stored as the snapshot of *new_text*. True if stored; False (nothing stored) otherwise.

    The caller vouches that *new_text* is *old_text* with only that item changed, its id
    unchanged. Only that item's task is decoded and encoded again. Positions are not carried
    over (the edit moved lines); they are read from the text when a command first needs one.
    """
    try:
        found, target = _file_for(old_text), _file_for(new_text)
        if found is None or target is None:
            return False
        descriptor = _open_own_file(found[0])
        if descriptor is None:
            return False
        try:
            snapshot_file = _Snapshot(descriptor, found[1])
        except Exception:
            os.close(descriptor)
            raise
        try:
            flat_state, blob = snapshot_file.section("flat"), snapshot_file.raw("plan")
        finally:
            snapshot_file.close()
        if flat_state is None or blob is None:
            return False
        from sendplan.plan.snapshot import Encoder, frame, split

        t, d, i = (int(part) for part in (path[1], path[3], path[5]))
        parts = [bytes(part) for part in split(blob)]
        schema = marshal.loads(parts[-1])
        fields = {name: spec["fields"] for name, spec in schema.items() if spec["kind"] == "model"}
        deliverables_at, items_at = fields["Task"].index("deliverables"), fields["Deliverable"].index("items")
        task = marshal.loads(parts[1 + t])
        items = task[2][deliverables_at][d][2][items_at]
        if items[i][2][fields["Item"].index("id")] != item.id:
            return False
        items[i] = Encoder(schema).encode(item)  # may add an enum to the schema
        # The item's row in the flat table: the rows of the tasks before, then of this one.
        flat = FlatPlan.from_state(flat_state)
        number = flat.row_number(t, d, i)
        old = flat.items[number]
        if old[ID] != item.id:
            return False
        leads = {code: _Named(name=name) for code, (name, _title) in flat.leads.items()}
        flat.items[number] = item_row(_Named(number=old[TASK], title=old[TASK_TITLE]), _Named(title=old[DELIVERABLE]), item, leads)
        parts[1 + t], parts[-1] = frame(task)[4:], frame(schema)[4:]
        pieces = (len(part).to_bytes(4, "big") + part for part in parts)
        _write_snapshot(target[0], target[1], [("flat", flat.state), ("plan", pieces)])
        prune(target[0].parent, target[0])
        return True
    except Exception:  # noqa: BLE001 - the next command then reads the text: slower, never wrong
        return False
