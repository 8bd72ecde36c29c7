"""One snapshot file of the plan cache: its layout, reading it with every part verified, writing
it whole or not at all, and pruning a folder of them. cache.py decides what goes in them.

The layout: MAGIC, the sections, then the header (a marshal of (FORMAT, key, entries), offsets
counted from the end of MAGIC), its length (4 bytes) and its SHA-256. A section is plain (a
marshal of core types, or pieces: its entry is (name, offset, length, SHA-256)) or in chunks
(a marshal each, followed by its table: a marshal of each chunk's length and SHA-256; its entry
is (name, offset, length, the table's SHA-256, the table's offset, its length)). The header
comes last so that each section is written as soon as it is made, and let go: at 100,000 items
the sections are 100 MB. Nothing is unmarshalled before its digest matches, so a damaged file
is refused, never misread (and never a huge allocation from a corrupt length).

Chunks let a command read only the chunks it needs, each verified alone, and let an edit
write only the chunks it changed: the others are copied from the old snapshot file to the new
one as they are, by the kernel (os.copy_file_range), with their digests, never decoded nor
hashed again. A copied chunk is verified, like every other, when a command reads it: a chunk
damaged in the old file is damaged in the new one too, and refused there.

A file is opened with O_NOFOLLOW | O_NONBLOCK and used only if the open descriptor is a
regular file owned by the user: a FIFO planted at its name in a shared folder is never waited
on, a symlink never followed, another user's file never trusted. Pruning deletes only files
this cache named (a hex key and ".snapshot", or its own temporary files) and wrote (its magic
line, our own regular file): anything else in the folder stays.
"""

from __future__ import annotations

import contextlib
import hashlib
import marshal
import os
import re
import stat
import weakref
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from itertools import accumulate
from pathlib import Path
from typing import Any

# Bump when the file layout or a section's layout changes.
FORMAT = 4
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


def open_own_file(path: Path) -> int | None:
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


class Snapshot:
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
        # name → (offset, length, SHA-256), or for a section in chunks (offset, length, and the
        # SHA-256, offset and length of its table).
        self.sections: dict[str, tuple[Any, ...]] = {entry[0]: tuple(entry[1:]) for entry in sections}
        self._tables: dict[str, tuple[list[int], list[int], list[bytes]]] = {}
        # Closed when the plan read from it is let go (the caller closes it if this raised).
        self._closer = weakref.finalize(self, os.close, descriptor)

    def raw(self, name: str) -> bytes | None:
        """A section's bytes, verified, or None when the file does not have it; ValueError when damaged."""
        found = self.sections.get(name)
        if found is None:
            return None
        if len(found) != 3:
            return b"".join(self.chunks(name) or ())
        offset, size, digest = found
        data = _read_at(self._descriptor, len(MAGIC) + offset, size)
        if len(data) != size or hashlib.sha256(data).digest() != digest:
            raise ValueError(f"the {name} section of a snapshot is damaged")
        return data

    def _table(self, name: str) -> tuple[list[int], list[int], list[bytes]]:
        """(offsets, lengths, digests) of the chunks of the section *name*, from its verified table."""
        found = self._tables.get(name)
        if found is None:
            offset, size, digest, table_offset, table_size = self.sections[name]
            data = _read_at(self._descriptor, len(MAGIC) + table_offset, table_size)
            if len(data) != table_size or hashlib.sha256(data).digest() != digest:
                raise ValueError(f"the table of the {name} section of a snapshot is damaged")
            lengths, digests = marshal.loads(data)  # verified: exactly what was written
            offsets = list(accumulate(lengths, initial=offset))
            if offsets.pop() != offset + size or len(digests) != len(lengths):
                raise ValueError(f"the table of the {name} section of a snapshot does not fit it")
            found = self._tables[name] = (offsets, lengths, digests)
        return found

    def count(self, name: str) -> int:
        """How many chunks the section *name* has (KeyError when the file does not have it)."""
        return len(self._table(name)[1])

    def chunk(self, name: str, number: int) -> bytes:
        """Chunk *number* of the section *name*, verified; ValueError when it is damaged."""
        offsets, lengths, digests = self._table(name)
        data = _read_at(self._descriptor, len(MAGIC) + offsets[number], lengths[number])
        if len(data) != lengths[number] or hashlib.sha256(data).digest() != digests[number]:
            raise ValueError(f"a chunk of the {name} section of a snapshot is damaged")
        return data

    def chunks(self, name: str) -> list[memoryview] | None:
        """Every chunk of the section *name*, each verified, or None when the file does not have it."""
        if name not in self.sections:
            return None
        offsets, lengths, digests = self._table(name)
        del self._tables[name]  # read whole once: its table need not stay (1 MB at 100,000 items)
        start, size = self.sections[name][:2]
        view = memoryview(_read_at(self._descriptor, len(MAGIC) + start, size))
        if len(view) != size:
            raise ValueError(f"the {name} section of a snapshot is cut short")
        parts = []
        for offset, length, digest in zip(offsets, lengths, digests, strict=True):
            part = view[offset - start : offset - start + length]
            if hashlib.sha256(part).digest() != digest:
                raise ValueError(f"a chunk of the {name} section of a snapshot is damaged")
            parts.append(part)
        return parts

    def copied(self, name: str, new: dict[int, bytes] | None = None) -> Made:
        """The section *name* for another snapshot file, as it is, or with chunk k replaced by
        new[k] (a marshal): a plain section's bytes, verified; the other chunks of a section in
        chunks copied file to file when written, with their digests (verified when read)."""
        if len(self.sections[name]) == 3:
            if new:
                raise ValueError(f"the {name} section is not in chunks")
            data = self.raw(name)
            assert data is not None
            return data
        offsets, lengths, digests = self._table(name)
        new = new or {}
        if not set(new) <= set(range(len(lengths))):
            raise ValueError(f"no such chunk in the {name} section")
        parts: list[bytes | Copied] = []
        at = 0
        for number in [*sorted(new), len(lengths)]:
            if at < number:
                parts.append(Copied(self, offsets[at], lengths[at:number], digests[at:number]))
            if number < len(lengths):
                parts.append(new[number])
            at = number + 1
        return Chunked(parts)

    def touch(self) -> None:
        """Mark it recently used, so pruning keeps it (on the descriptor: no name is followed)."""
        with contextlib.suppress(OSError, NotImplementedError):
            os.utime(self._descriptor)

    def close(self) -> None:
        self._closer()


@dataclass(frozen=True, slots=True)
class Copied:
    """A run of chunks of an open snapshot file, to be copied into another as they are."""

    source: Snapshot
    offset: int  # of the first, from the end of MAGIC
    lengths: list[int]
    digests: list[bytes]


@dataclass(frozen=True, slots=True)
class Chunked:
    """A section in chunks: each new chunk's marshal (hashed as it is written), and runs of
    another snapshot's chunks, copied with their digests."""

    parts: Iterable[bytes | Copied]


# A section: its name, and its bytes, or a function giving its data (made only when written),
# or an iterator of its bytes in pieces (each written, and let go, as it is made); or chunks.
Made = bytes | Callable[[], Any] | Iterator[bytes] | Chunked
Section = tuple[str, Made]


def write_snapshot(path: Path, key: str, sections: Iterable[Section]) -> None:
    """The snapshot file at *path*, written to a temporary file one section at a time, then renamed."""
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    import tempfile  # only when a snapshot is written, not on every read

    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=SUFFIX)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(MAGIC)
            table: list[tuple[Any, ...]] = []
            offset = 0
            for name, made in sections:
                if isinstance(made, Chunked):
                    size, entry = _write_chunks(stream, offset, made)
                    table.append((name, *entry))
                    offset += size
                    continue
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


def _write_chunks(stream: Any, offset: int, made: Chunked) -> tuple[int, tuple[Any, ...]]:
    """Write a section in chunks and its table at *offset*: (bytes written, its header entry)."""
    lengths: list[int] = []
    digests: list[bytes] = []
    for part in made.parts:
        if isinstance(part, Copied):
            _copy(part, stream)
            lengths += part.lengths
            digests += part.digests
        else:
            stream.write(part)
            lengths.append(len(part))
            digests.append(hashlib.sha256(part).digest())
    size = sum(lengths)
    chunk_table = marshal.dumps((lengths, digests), _MARSHAL_VERSION)
    stream.write(chunk_table)
    entry = (offset, size, hashlib.sha256(chunk_table).digest(), offset + size, len(chunk_table))
    return size + len(chunk_table), entry


def _copy(run: Copied, stream: Any) -> None:
    """The bytes of a run of chunks copied to the end of *stream*, by the kernel where it can."""
    stream.flush()
    source, start, left = run.source._descriptor, len(MAGIC) + run.offset, sum(run.lengths)
    copy = getattr(os, "copy_file_range", None)
    while left > 0:
        if copy is not None:
            try:
                done = copy(source, stream.fileno(), left, start)
            except OSError:  # not on this file system: read and write it instead
                copy = None
                continue
        else:
            piece = os.pread(source, min(left, 1 << 20), start)
            stream.write(piece)
            done = len(piece)
        if done <= 0:
            raise ValueError("a snapshot cut short while it was copied")
        start += done
        left -= done
    stream.seek(0, os.SEEK_END)  # past what the kernel wrote, whichever way


def _recognised(path: str, *, temporary: bool = False) -> bool:
    """Whether *path* is a file this cache wrote: our own regular file, starting with our magic
    line (a temporary file may have been cut short anywhere, even before it)."""
    descriptor = open_own_file(Path(path))
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


def prune(directory: Path, keep: Path | None, keep_count: int, keep_bytes: int = 0) -> None:
    """Delete the least recently used snapshots beyond the *keep_count* most recent once they
    pass *keep_bytes* in all (never *keep*), and the temporary files a killed writer left: only
    files this cache named and wrote."""
    snapshots: list[tuple[int, int, str]] = []
    stale: list[str] = []
    # "Now" as the file system keeps it: the folder changed when the last snapshot went in.
    now = os.stat(directory).st_mtime
    with os.scandir(directory) as entries:
        for entry in entries:
            with contextlib.suppress(OSError):
                if _NAME.fullmatch(entry.name):
                    info = entry.stat(follow_symlinks=False)
                    snapshots.append((info.st_mtime_ns, info.st_size, entry.path))
                elif _TEMPORARY.fullmatch(entry.name) and now - entry.stat(follow_symlinks=False).st_mtime > _STALE_SECONDS:
                    stale.append(entry.path)
    snapshots.sort(reverse=True)
    ours = [(size, path) for _, size, path in snapshots if (keep is not None and path == str(keep)) or _recognised(path)]
    doomed: list[str] = []
    total = 0
    for index, (size, path) in enumerate(ours):
        total += size
        if index >= keep_count and total > keep_bytes and (keep is None or path != str(keep)):
            doomed.append(path)
    doomed += [path for path in stale if _recognised(path, temporary=True)]
    for path in doomed:
        with contextlib.suppress(OSError):
            os.unlink(path)
