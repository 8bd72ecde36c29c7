"""Writing a plan file: the only module (with edit.py, which calls it) that replaces a plan.

An edited plan replaces the old file through a temporary file in the same folder, flushed and
fsynced, then renamed over the original with its permissions, under an exclusive lock on a
sidecar file, so concurrent edits queue instead of losing each other's changes. A new plan
(`sendplan init`) is written whole, the same way, and never over a file unless asked.
Nothing here prints or reads the clock.
"""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from collections.abc import Iterator

from sendplan.errors import Location, PlanError
from sendplan.files import write_file
from sendplan.plan.source import STDIN, is_bundled


def writable_path(path: str) -> str:
    """The real file behind *path*, or a PlanError saying why it cannot be edited in place."""
    if path == STDIN:
        raise PlanError.single(
            "a plan read from standard input (--plan -) cannot be updated. Name the plan file "
            "with --plan FILE.",
        )
    real = os.path.realpath(path)
    if is_bundled(path):
        raise PlanError.single(
            "this is the example plan bundled with sendplan; it is replaced whenever sendplan is "
            "reinstalled, so it is not edited. Make a copy to update with: sendplan init --example "
            "(it writes plan.yaml in this folder, which later commands then use).",
            Location(path),
        )
    if not os.path.isfile(real):
        raise PlanError.single("no such file. Check the name given with --plan.", Location(path))
    if not os.access(real, os.W_OK):
        raise PlanError.single(
            "the plan file is read-only, so it was not changed. Make it writable first.", Location(path)
        )
    return real


def lock_path(path: str) -> str:
    """The sidecar lock file: ".plan.yaml.lock" beside "plan.yaml"."""
    folder, name = os.path.split(path)
    return os.path.join(folder, f".{name}.lock")


@contextlib.contextmanager
def plan_lock(path: str) -> Iterator[None]:
    """Hold an exclusive lock on *path*'s sidecar lock file; other editors wait their turn.

    The lock file is left in place: deleting it would let two editors lock different files.
    """
    import fcntl  # POSIX only, and only needed when writing

    where = lock_path(path)
    try:
        fd = os.open(where, os.O_RDWR | os.O_CREAT, 0o666)
    except OSError as error:
        raise PlanError.single(
            f"cannot create the lock file {where}: {error.strerror}. The plan was not changed; "
            "sendplan needs to write in the plan's folder.",
            Location(path),
        ) from None
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing releases the lock


def write_atomic(path: str, data: bytes) -> None:
    """Replace *path* with *data*: temp file in the same folder, fsync, rename, mode kept.

    A crash at any moment leaves either the old file or the new one, never a mix.
    """
    folder = os.path.dirname(path) or "."
    try:
        mode = stat.S_IMODE(os.stat(path).st_mode)
        fd, temp = tempfile.mkstemp(prefix=f".{os.path.basename(path)}.", suffix=".tmp", dir=folder)
    except OSError as error:
        raise PlanError.single(
            f"cannot write in the plan's folder: {error.strerror}. The plan was not changed.", Location(path)
        ) from None
    try:
        with os.fdopen(fd, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(temp, mode)
        os.replace(temp, path)
    except OSError as error:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise PlanError.single(
            f"cannot write the plan: {error.strerror}. The plan was not changed.", Location(path)
        ) from None
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise
    # The rename itself is durable only once the folder is flushed.
    with contextlib.suppress(OSError):
        folder_fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(folder_fd)
        finally:
            os.close(folder_fd)


def create_plan(path: str, text: str, *, force: bool = False) -> None:
    """Write *text* as a new plan file at *path*; an existing file is replaced only with *force*.

    An OSError while writing reaches the caller, which names the file; the old file, if any,
    is then as it was.
    """
    if os.path.exists(path) and not force:
        raise PlanError.single(
            "this file already exists, so nothing was written. Give another name, or add --force to replace it.",
            Location(path),
        )
    write_file(path, lambda handle: handle.write(text))
