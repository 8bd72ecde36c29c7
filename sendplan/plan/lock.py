"""Holding a plan file while it is edited: an exclusive lock on the plan file itself, and a way
to tell when no other program still has a replaced file open for writing.

The lock is an flock(2) on the plan's own inode, not on a sidecar file: every user who may
open the plan can take it (nothing to create, so no lock file with the wrong group or mode in
a shared folder, nothing for a symbolic link to redirect and nothing for `git status` to show).
A writer that waited may find the file replaced by the writer before it; it then locks the new
file instead. plan/write.py locks each new file before renaming it into place, so the lock
passes from file to file without a gap. Nothing here writes a plan.
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
import time
from collections.abc import Iterator
from dataclasses import dataclass, field

from sendplan.errors import Location, PlanError

# A replaced file can still be written by a program that opened it before the rename; wait at
# most this long (in pauses of PAUSE seconds) for it to close the file.
SETTLE_TRIES = 500
PAUSE = 0.002
_OPEN_READ = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)


def read_all(fd: int) -> bytes:
    """Every byte of the open file *fd*, from the start, however it grows meanwhile."""
    size = os.fstat(fd).st_size
    chunks: list[bytes] = []
    offset = 0
    while True:
        chunk = os.pread(fd, max(size - offset, 0) + 65536, offset)
        if not chunk:
            return b"".join(chunks)
        chunks.append(chunk)
        offset += len(chunk)


@dataclass
class HeldPlan:
    """A plan file locked for an edit: *fd* is open (read-only) on the file now at *path*."""

    path: str
    name: str
    fd: int
    # Files this writer replaced, kept open so their last bytes can still be read.
    replaced: list[int] = field(default_factory=list)
    tidied: bool = False  # whether litter of killed writers has been looked for

    def read(self) -> bytes:
        return read_all(self.fd)

    def stat(self) -> os.stat_result:
        return os.fstat(self.fd)

    def adopt(self, fd: int) -> int:
        """The file open (and locked) as *fd* has just been renamed over the plan: it is the
        plan now. Returns the descriptor of the file it replaced, which stays open."""
        old, self.fd = self.fd, fd
        self.replaced.append(old)
        return old

    def close(self) -> None:
        for fd in (self.fd, *self.replaced):
            with contextlib.suppress(OSError):
                os.close(fd)  # closing releases the lock
        self.replaced.clear()


def _same_file(fd: int, path: str) -> bool:
    try:
        now = os.stat(path, follow_symlinks=False)
    except FileNotFoundError:
        return False
    held = os.fstat(fd)
    return (held.st_dev, held.st_ino) == (now.st_dev, now.st_ino)


def open_plan(path: str, name: str) -> int:
    """The plan at *path* opened for reading, never following a symbolic link and never
    waiting on a FIFO; a PlanError unless it is a regular file."""
    try:
        fd = os.open(path, _OPEN_READ)
    except FileNotFoundError:
        raise PlanError.single("no such file. Check the name given with --plan.", Location(name)) from None
    except OSError as error:
        reason = "it was replaced by a symbolic link" if error.errno == errno.ELOOP else error.strerror
        raise PlanError.single(f"cannot open the plan: {reason}. The plan was not changed.", Location(name)) from None
    if not stat.S_ISREG(os.fstat(fd).st_mode):
        os.close(fd)
        raise PlanError.single("this is not a regular file, so it cannot be edited.", Location(name))
    return fd


@contextlib.contextmanager
def plan_lock(path: str, name: str | None = None) -> Iterator[HeldPlan]:
    """Hold an exclusive lock on the plan file at *path* (a real path, no symbolic link in
    it); other sendplan writers wait their turn, whoever runs them."""
    import fcntl  # POSIX only, and only needed when writing

    shown = name or path
    while True:
        fd = open_plan(path, shown)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
        except BaseException:
            os.close(fd)
            raise
        if _same_file(fd, path):
            break
        os.close(fd)  # the writer before us replaced the file while we waited: lock the new one
    held = HeldPlan(path, shown, fd)
    try:
        yield held
    finally:
        held.close()


def wait_for_writers(fd: int) -> bool:
    """Wait until no process has the file open as *fd* open for writing; False if that
    cannot be told here.

    A read lease (fcntl F_SETLEASE) is granted only while nobody has the file open for
    writing. Leases need the file's owner or root, and a local file system.
    """
    import fcntl

    setlease = getattr(fcntl, "F_SETLEASE", None)
    if setlease is None:
        return False
    for _ in range(SETTLE_TRIES):
        try:
            fcntl.fcntl(fd, setlease, fcntl.F_RDLCK)
        except OSError as error:
            if error.errno != errno.EAGAIN:
                return False  # EPERM: not the owner; EINVAL: no leases on this file system
            time.sleep(PAUSE)
            continue
        fcntl.fcntl(fd, setlease, fcntl.F_UNLCK)
        return True
    return False


def settled(fd: int) -> bytes:
    """The bytes of a file just replaced, once nothing is still writing them.

    Where leases cannot tell, the file counts as settled when its size and time stamp hold
    still over a few pauses.
    """
    if not wait_for_writers(fd):
        seen = None
        for _ in range(5):
            now = os.fstat(fd)
            if (now.st_size, now.st_mtime_ns) == seen:
                break
            seen = (now.st_size, now.st_mtime_ns)
            time.sleep(PAUSE)
    return read_all(fd)
