"""Writing a plan file: the only module (with edit.py, which calls it) that replaces a plan.

An edit replaces the plan under the lock of lock.py, and keeps the file what it was:
- **Old or new, never a mix.** The new text goes into a temporary file in the same folder,
  flushed to disk, given the old file's owner, group, mode and extended attributes (ACLs
  included), locked, then renamed over the plan. A crash, kill -9 or Ctrl-C leaves the old plan
  or the new one; Ctrl-C is held off for the moment the file is swapped.
- **Nothing anyone wrote is lost.** Right before the rename the plan must still hold the bytes
  the edit was worked out from; if another program changed it, the edit is worked out again on
  what it holds now (or refused, changing nothing). A program that writes without the lock can
  still append in the instant before the rename, to the old file: that file stays open, is read
  again once nothing has it open for writing, and what was added is merged in by working the
  edit out once more and replacing again.
- **The same file.** A plan with more than one name (hard links), or one whose owner or
  attributes this user cannot give a new file, is rewritten in place instead: a verified backup
  beside it first, then the original file rewritten; the next writer finds and checks a backup
  left by an interrupted rewrite. A plan with no write bits is refused for everyone, root too.
- **No litter.** Temporary files are named `.plan.yaml.sendplan-XXXXXXXX.tmp`; any such file
  older than this writer's own was left by a writer that was killed, and is removed (as are the
  `.plan.yaml.XXXXXXXX.tmp` files of sendplan before 0.4, after ten minutes).

A new plan (`sendplan init`, `sendplan import`) is written whole, through sendplan.files, and
never over a file unless asked. Nothing here prints or reads the clock.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import stat
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from sendplan.errors import Location, PlanError
from sendplan.files import write_file
from sendplan.plan.lock import HeldPlan, read_all, settled
from sendplan.plan.source import STDIN, is_bundled

# How many times a plan that keeps changing under an edit is tried again before giving up.
MAX_ROUNDS = 40
TEMP_MARK = ".sendplan-"
# The random part tempfile.mkstemp puts in a name.
_RANDOM = r"[a-z0-9_]{8}"
LEGACY_TEMP_AGE_NS = 600 * 10**9
_UNCHANGED = "The plan was not changed."


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
    try:
        info = os.stat(real)
    except OSError:
        raise PlanError.single("no such file. Check the name given with --plan.", Location(path)) from None
    if not stat.S_ISREG(info.st_mode):
        raise PlanError.single("this is not a regular file (a folder, FIFO or device), so it cannot be edited.", Location(path))
    if not info.st_mode & 0o222:
        raise PlanError.single(
            f"the plan file is read-only (mode {stat.S_IMODE(info.st_mode):04o}: nobody may write it), so it was "
            f"not changed. If it should be edited, make it writable first, e.g. chmod u+w {path}",
            Location(path),
        )
    if not os.access(real, os.W_OK):
        raise PlanError.single(
            "the plan file is read-only for you (you may not write it), so it was not changed. "
            "Ask its owner for write access.",
            Location(path),
        )
    return real


# ---------------------------------------------------------------------------------------
# Replacing a plan


def replace_plan(held: HeldPlan, base: bytes, new: bytes, redo: Callable[[bytes], bytes]) -> bytes:
    """Replace the held plan by *new*, worked out from its bytes *base*; the bytes it ends with.

    *redo(text)* works the edit out again on the plan as other programs left it (without this
    edit): the new bytes (the same bytes when the edit changes nothing there), or a PlanError
    to refuse. A refusal before the rename changes nothing; after it, the file gets back what
    the other programs wrote, without this edit, and the refusal is raised once that is safely
    written.
    """
    _check_backups(held)
    state = _Race(theirs=base, base=base, new=new, redo=redo)
    for _ in range(MAX_ROUNDS):
        info = held.stat()
        made = None if info.st_nlink > 1 else _new_file(held, state.new, info)
        if made is None:
            return state.finish(_rewrite_in_place(held, state))
        temp, fd = made
        current = after = None
        try:
            with _signals_held():
                current = held.read()
                if current == state.base:
                    _rename(temp, held)
                    old, fd = held.adopt(fd), -1
                    _sync_folder(held.path)
                    after = settled(old)
        finally:
            if fd != -1:
                _discard(temp, fd)
        if after is None:  # another program changed the plan after the edit was worked out
            if not state.changed_to(current, held):
                return state.finish(current)
            continue
        if after == state.base:
            return state.finish(state.new)
        # Another program wrote to the old file in the instant before the rename: its bytes
        # are not in the new file. Merge them in and replace again.
        now = held.read()
        if not now.startswith(state.new):
            raise _lost(held, after)
        state.on_disk = True
        state.changed_to(after, held, then=now[len(state.new) :], now=now)
    raise PlanError.single(
        f"another program kept changing the plan while sendplan was saving it ({MAX_ROUNDS} tries), so "
        "sendplan stopped. The plan holds its latest text; run the command again once it has finished.",
        Location(held.name),
    )


@dataclass
class _Race:
    """An edit racing other programs that write the plan without the lock."""

    theirs: bytes  # the plan as the other programs have made it, without this edit
    base: bytes  # what the file should hold now
    new: bytes  # what it should hold next: this edit on *theirs*
    redo: Callable[[bytes], bytes]
    on_disk: bool = False  # whether the file already holds this edit
    refusal: PlanError | None = None

    def changed_to(self, current: bytes, held: HeldPlan, *, then: bytes = b"", now: bytes | None = None) -> bool:
        """The file held *current* instead of *base* (and *then* was added to the new file,
        which holds *now*): work the edit out again. False when there is nothing left to write."""
        if current.startswith(self.base):
            self.theirs += current[len(self.base) :]
        elif not self.on_disk or (now is not None and self.base == self.theirs):
            self.theirs = current
        else:
            raise _lost(held, current)
        self.theirs += then
        self.base = current if now is None else now
        try:
            self.new = self.redo(self.theirs)
        except PlanError as error:
            if not self.on_disk:
                raise
            # This edit is in the file but cannot stand: put back what the others wrote.
            self.new, self.refusal, self.redo = self.theirs, error, _unchanged
        return self.new != self.base

    def finish(self, result: bytes) -> bytes:
        if self.refusal is not None:
            raise self.refusal
        return result


def _unchanged(data: bytes) -> bytes:
    return data


def _lost(held: HeldPlan, after: bytes) -> PlanError:
    """Both files changed under the edit: keep the other program's old file as a copy."""
    folder, base = os.path.split(held.path)
    digest = hashlib.sha256(after).hexdigest()[:16]
    keep = os.path.join(folder, f"{base}.changed-{digest}")
    with contextlib.suppress(FileExistsError):
        write_file(keep, lambda handle: handle.write(after), binary=True)
    return PlanError.single(
        f"another program rewrote the plan while sendplan was saving this edit. The plan holds that "
        f"program's text; what it wrote a moment before is kept in {keep}. Compare the two and keep "
        "what is right, then delete the copy.",
        Location(held.name),
    )


def _rename(temp: str, held: HeldPlan) -> None:
    try:
        os.replace(temp, held.path)
    except OSError as error:
        raise PlanError.single(f"cannot write the plan: {error.strerror}. {_UNCHANGED}", Location(held.name)) from None


def _discard(temp: str, fd: int) -> None:
    with contextlib.suppress(OSError):
        os.unlink(temp)
    with contextlib.suppress(OSError):
        os.close(fd)


def _new_file(held: HeldPlan, data: bytes, info: os.stat_result) -> tuple[str, int] | None:
    """A temporary file beside the plan holding *data*, on disk, with the plan's owner, group,
    mode and extended attributes, and locked: (its path, a read-only descriptor). None when
    this user cannot give a new file the plan's owner or attributes."""
    import fcntl

    folder, base = os.path.split(held.path)
    try:
        fd, temp = tempfile.mkstemp(prefix=f".{base}{TEMP_MARK}", suffix=".tmp", dir=folder)
    except OSError as error:
        raise PlanError.single(
            f"cannot write in the plan's folder: {error.strerror}. {_UNCHANGED}", Location(held.name)
        ) from None
    locked = -1
    try:
        _write_all(fd, data)
        os.fsync(fd)
        if not _copy_attributes(held.fd, fd, info):
            _discard(temp, fd)
            return None
        locked = os.open(temp, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0))
        fcntl.flock(locked, fcntl.LOCK_EX)
        os.close(fd)
        if not held.tidied:
            _remove_litter(held.path, os.fstat(locked).st_mtime_ns, temp)
            held.tidied = True
    except OSError as error:
        _discard(temp, fd)
        with contextlib.suppress(OSError):
            os.close(locked)
        raise PlanError.single(f"cannot write the plan: {error.strerror}. {_UNCHANGED}", Location(held.name)) from None
    except BaseException:
        _discard(temp, fd)
        with contextlib.suppress(OSError):
            os.close(locked)
        raise
    return temp, locked


def _write_all(fd: int, data: bytes, offset: int | None = None) -> None:
    view = memoryview(data)
    done = 0
    while done < len(view):
        chunk = view[done : done + (1 << 24)]
        done += os.pwrite(fd, chunk, offset + done) if offset is not None else os.write(fd, chunk)


def _xattrs(fd: int) -> dict[str, bytes]:
    if not hasattr(os, "listxattr"):
        return {}
    try:
        return {name: os.getxattr(fd, name) for name in os.listxattr(fd)}
    except OSError:  # a file system without extended attributes
        return {}


def _copy_attributes(source: int, target: int, info: os.stat_result) -> bool:
    """Give *target* the owner, group, mode and extended attributes of *source* (whose status
    is *info*); False when this user cannot."""
    try:
        if hasattr(os, "fchown"):
            os.fchown(target, info.st_uid, info.st_gid)
        os.fchmod(target, stat.S_IMODE(info.st_mode))  # after chown, which clears set-id bits
        wanted, present = _xattrs(source), _xattrs(target)
        for name, value in wanted.items():
            if present.get(name) != value:
                os.setxattr(target, name, value)
        for name in present.keys() - wanted.keys():  # e.g. an ACL inherited from the folder
            os.removexattr(target, name)
    except OSError:
        return False
    made = os.fstat(target)
    return (made.st_uid, made.st_gid, made.st_mode) == (info.st_uid, info.st_gid, info.st_mode) and _xattrs(target) == wanted


@contextlib.contextmanager
def _signals_held() -> Iterator[None]:
    """Hold off Ctrl-C (and kill's TERM and HUP) while the plan is being swapped or rewritten;
    they take effect as soon as the file is whole again."""
    import signal
    import threading

    if not hasattr(signal, "pthread_sigmask") or threading.current_thread() is not threading.main_thread():
        yield
        return
    held = {signal.SIGINT, signal.SIGTERM, signal.SIGHUP}
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, held)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


def _sync_folder(path: str) -> None:
    """A rename is durable only once its folder is flushed."""
    with contextlib.suppress(OSError):
        fd = os.open(os.path.dirname(path) or ".", os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


# ---------------------------------------------------------------------------------------
# Rewriting a plan in place (hard links, or an owner this user cannot give a new file)


def _backup_name(path: str, new: bytes) -> str:
    folder, base = os.path.split(path)
    return os.path.join(folder, f".{base}{TEMP_MARK}{hashlib.sha256(new).hexdigest()[:16]}.backup")


def _rewrite_in_place(held: HeldPlan, state: _Race) -> bytes:
    for _ in range(MAX_ROUNDS):
        current = held.read()
        if current != state.base:
            if not state.changed_to(current, held):
                return current
            continue
        backup = _write_backup(held, state.base, state.new)
        with _signals_held():
            _overwrite(held, state.new, backup)
        if not held.read().startswith(state.new):
            raise PlanError.single(
                f"another program wrote to the plan while sendplan was rewriting it, so it may be mixed. The plan "
                f"as it was before this edit is kept in {backup}: compare the two and keep what is right.",
                Location(held.name),
            )
        os.unlink(backup)
        _sync_folder(held.path)
        return state.new
    raise PlanError.single("another program kept changing the plan while sendplan was saving it.", Location(held.name))


def _write_backup(held: HeldPlan, data: bytes, new: bytes) -> str:
    """A copy of *data* beside the plan, read back to check it, named after the new text."""
    backup = _backup_name(held.path, new)
    mode = stat.S_IMODE(held.stat().st_mode) & 0o666 | 0o600
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
    try:
        fd = os.open(backup, flags, mode)
        try:
            _write_all(fd, data)
            os.fsync(fd)
        finally:
            os.close(fd)
        check = os.open(backup, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
        try:
            verified = read_all(check) == data
        finally:
            os.close(check)
    except OSError as error:
        with contextlib.suppress(OSError):
            os.unlink(backup)
        raise PlanError.single(
            f"cannot write a backup of the plan beside it: {error.strerror}. {_UNCHANGED}", Location(held.name)
        ) from None
    if not verified:
        os.unlink(backup)
        raise PlanError.single(f"the backup of the plan did not read back as written. {_UNCHANGED}", Location(held.name))
    _sync_folder(held.path)
    if not held.tidied:
        _remove_litter(held.path, os.stat(backup).st_mtime_ns, backup)
        held.tidied = True
    return backup


def _overwrite(held: HeldPlan, new: bytes, backup: str) -> None:
    try:
        fd = os.open(held.path, os.O_WRONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0))
    except OSError as error:
        os.unlink(backup)
        raise PlanError.single(f"cannot write the plan: {error.strerror}. {_UNCHANGED}", Location(held.name)) from None
    try:
        _write_all(fd, new, 0)
        os.ftruncate(fd, len(new))
        os.fsync(fd)
    except OSError as error:
        raise PlanError.single(
            f"cannot write the plan: {error.strerror}. It may be incomplete: the plan as it was is kept in "
            f"{backup}; copy it back over the plan.",
            Location(held.name),
        ) from None
    finally:
        os.close(fd)


def _check_backups(held: HeldPlan) -> None:
    """Deal with backups left by an in-place rewrite that was stopped: removed when the plan
    holds either the old or the new text, else the edit stops and names the backup."""
    folder, base = os.path.split(held.path)
    pattern = re.compile(re.escape(f".{base}{TEMP_MARK}") + r"([0-9a-f]{16})\.backup")
    found = [(entry, match) for entry, match in _entries(folder, pattern)]
    if not found:
        return
    current = held.read()
    digest = hashlib.sha256(current).hexdigest()[:16]
    for entry, match in found:
        with open(entry.path, "rb") as stream:
            kept = stream.read()
        if match.group(1) == digest or kept == current:
            os.unlink(entry.path)
            continue
        raise PlanError.single(
            f"an earlier edit of this plan was stopped while it rewrote the file in place, so the file may be "
            f"incomplete. The plan as it was before that edit is kept in {entry.path}. Compare the two, keep the "
            "right one (copy the backup over the plan if the plan is damaged), then delete the backup. "
            f"{_UNCHANGED}",
            Location(held.name),
        )


def _entries(folder: str, pattern: re.Pattern[str]) -> Iterator[tuple[os.DirEntry[str], re.Match[str]]]:
    """Regular files (not symbolic links) in *folder* whose whole name matches *pattern*."""
    with os.scandir(folder or ".") as entries:
        for entry in entries:
            match = pattern.fullmatch(entry.name)
            if match and entry.is_file(follow_symlinks=False):
                yield entry, match


def _remove_litter(path: str, now_ns: int, keep: str) -> None:
    """Remove temporary files of this plan left by killed writers: sendplan's own, recognised by
    name and age. Ours count as stale when older than the file this writer has just made: any
    writer of one held the lock this writer holds now. Those of sendplan before 0.4 (which
    locked a sidecar file) must be ten minutes older."""
    folder, base = os.path.split(path)
    pattern = re.compile(re.escape(f".{base}.") + "(" + re.escape(TEMP_MARK[1:]) + ")?" + _RANDOM + r"\.tmp")
    with contextlib.suppress(OSError):
        for entry, match in _entries(folder, pattern):
            age = 0 if match.group(1) else LEGACY_TEMP_AGE_NS
            with contextlib.suppress(OSError):
                if entry.path != keep and entry.stat(follow_symlinks=False).st_mtime_ns <= now_ns - age:
                    os.unlink(entry.path)


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
