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
import os
import sys
from collections.abc import Collection, Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from sendplan import __version__
from sendplan.plan.cachefile import (
    FORMAT,
    MAGIC,
    SUFFIX,
    Made,
    Section,
    Snapshot,
    open_own_file,
    prune,
    write_snapshot,
)
from sendplan.plan.flat import DELIVERABLE, ID, LAYOUT, TASK, TASK_TITLE, FlatPlan, item_row
from sendplan.plan.load import LoadedPlan, read_data
from sendplan.plan.locate import Positions

__all__ = ["MAGIC", "SUFFIX", "CachedPlan", "cache_dir", "cache_key", "gc_paused", "keep", "load", "restore", "store", "stored"]

_Named = SimpleNamespace
_MARSHAL_VERSION = 4

CACHE_DIR_ENV = "SENDPLAN_CACHE_DIR"
NO_CACHE_ENV = "SENDPLAN_NO_CACHE"
# Every edit of a plan makes a new snapshot; keep only the most recently used ones: at least
# KEEP_SNAPSHOTS, and more while they fit in KEEP_BYTES, so that every plan of a folder of
# plans stays warm (150 plans of 60 items take about 4 MB).
KEEP_SNAPSHOTS = 16
KEEP_BYTES = 64 * 1024 * 1024
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
    digest.update(text.encode("utf-8", "surrogatepass"))
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

    def __init__(self, snapshot_file: Snapshot, source: str, text: str) -> None:
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
        if self._flat is None and self._plan is not None:
            # The records are read already (a report): made from them, the rows share their
            # text, where the table's own section would hold a second copy (100 MB at 100,000).
            self._flat = super().flat
        if self._flat is None:
            state = self._section("flat")
            if state is not None:
                self._flat = FlatPlan.from_state(state)
            elif self._loaded is not None:
                self._flat = self._loaded.flat
            else:
                # A snapshot kept without its table (after an edit whose table could not be
                # kept): made from the records, and kept for the next command.
                self._flat = super().flat
                self._keep_section("flat", self._flat.state)
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
                self._keep_section("positions", self._positions.pieces())
        return self._positions

    def _keep_section(self, name: str, made: Made) -> None:
        """The snapshot written again with the section *name* added (best effort)."""
        with contextlib.suppress(Exception):
            found = _file_for(self._text)
            if found is None:
                return
            sections: list[Section] = [
                (other, blob) for other in SECTIONS if other != name and (blob := self._snapshot.raw(other))
            ]
            sections.append((name, made))
            write_snapshot(found[0], found[1], sections)


def _open_snapshot(text: str) -> Snapshot | None:
    """The snapshot file kept for this text, its header verified, or None."""
    found = _file_for(text)
    if found is None:
        return None
    path, key = found
    descriptor = open_own_file(path)
    if descriptor is None:
        return None
    try:
        return Snapshot(descriptor, key)
    except Exception:  # noqa: BLE001 - damaged, foreign or of another format: a miss
        os.close(descriptor)
        return None


# The flat table of the snapshot stored() last read, by its text: keep() makes the edited
# plan's table from it, remaking only the rows of the items an edit changed.
_read_for_edit: dict[str, Any] = {}


def stored(text: str) -> tuple[Path, dict[str, Any], Any] | None:
    """(file, schema, data) of the snapshot kept for this text: the plan's models encoded whole
    (snapshot.py's layout), for an edit that changes a few items' values in place
    (snapshot_edit.py) and keeps the result with keep(); None when there is none. Every part
    is verified before it is read; raises on a damaged snapshot."""
    snapshot_file = _open_snapshot(text)
    if snapshot_file is None:
        return None
    try:
        blob, flat = snapshot_file.raw("plan"), snapshot_file.section("flat")
    finally:
        snapshot_file.close()
    if blob is None:
        return None
    from sendplan.plan.snapshot import assemble

    schema, data = assemble(blob)
    _read_for_edit.clear()
    _read_for_edit[text] = flat
    found = _file_for(text)
    assert found is not None  # the snapshot was just opened by that name
    return found[0], schema, data


def restore(schema: dict[str, Any], data: Any) -> Any:
    """Records from snapshot data (snapshot.py), for the items an edit reads (snapshot_edit.py)."""
    from sendplan.plan.snapshot import restore as made

    return made(schema, data)


def load(text: str, name: str) -> CachedPlan | None:
    """The cached plan for this text, or None (a miss) for any reason at all."""
    try:
        snapshot_file = _open_snapshot(text)
        if snapshot_file is None:
            return None
        snapshot_file.touch()
        return CachedPlan(snapshot_file, name, text)
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
        found = _file_for(text)
        if found is None:
            return
        path, key = found
        from sendplan.plan.flat import flatten
        from sendplan.plan.snapshot import chunks

        sections: list[Section] = [("flat", (flat or flatten(plan)).state), ("plan", chunks(plan))]
        if positions is not None:
            sections.append(("positions", positions.pieces()))
        write_snapshot(path, key, sections)
        prune(path.parent, path, KEEP_SNAPSHOTS, KEEP_BYTES)
    except Exception:  # noqa: BLE001 - read-only home, full disk, a type we cannot keep: no cache
        return


def keep(
    text: str, schema: dict[str, Any], data: Any, *, edited: Collection[str] = (), old_text: str | None = None
) -> None:
    """Keep *data*, a plan's models encoded whole as stored() gives them (some items' values
    changed by an edit), as the snapshot of *text*. With *edited*, the ids of the items changed,
    and *old_text*, the text stored() read, the flat table is the old one with only those rows
    made again; otherwise the snapshot has none, and the first listing makes it (and keeps it).
    Positions are not carried over (the edit moved lines): the first command that needs one
    reads the text for them. Raises on anything unexpected (the caller treats it as no cache)."""
    from sendplan.plan.snapshot import chunks_of, decoder

    found = _file_for(text)
    if found is None:
        return
    path, key = found
    sections: list[Section] = []
    flat_state = _read_for_edit.pop(old_text, None) if old_text is not None else None
    if flat_state is not None and edited:
        flat = FlatPlan.from_state(flat_state)
        decode = decoder(schema)
        fields = {name: spec["fields"] for name, spec in schema.items() if spec["kind"] == "model"}
        tasks = data[2][fields["Plan"].index("tasks")]
        deliverables_at, items_at = fields["Task"].index("deliverables"), fields["Deliverable"].index("items")
        rows = {row[ID]: number for number, row in enumerate(flat.items)}
        leads = {code: _Named(name=name) for code, (name, _title) in flat.leads.items()}
        for item_id in edited:
            number = rows[item_id]
            t, d, i = flat.place_of(number)
            item = decode(tasks[t][2][deliverables_at][d][2][items_at][i])
            if item.id != item_id:
                raise ValueError("the flat table and the plan disagree")
            old = flat.items[number]
            task, deliverable = _Named(number=old[TASK], title=old[TASK_TITLE]), _Named(title=old[DELIVERABLE])
            flat.items[number] = item_row(task, deliverable, item, leads)
        sections.append(("flat", flat.state))
    sections.append(("plan", chunks_of(schema, data)))
    write_snapshot(path, key, sections)
    prune(path.parent, path, KEEP_SNAPSHOTS, KEEP_BYTES)
