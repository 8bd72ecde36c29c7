"""The write path under real faults (issue 13): other programs writing at the same moment,
kill -9 and Ctrl-C, owners, groups, modes, extended attributes and hard links, read-only
plans, litter, and a shared team folder edited by two users."""

from __future__ import annotations

import contextlib
import errno
import os
import shutil
import signal
import stat
import subprocess
import sys
import tempfile
import textwrap
import time
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path

import pytest

import sendplan
from sendplan.errors import PlanError
from sendplan.plan import lock, write
from sendplan.plan.edit import ItemEdit, Note, update_item
from sendplan.plan.load import parse_plan

ROOT = hasattr(os, "geteuid") and os.geteuid() == 0
needs_root = pytest.mark.skipif(not ROOT, reason="changing owners needs root")
SOURCE = str(Path(sendplan.__file__).resolve().parent.parent)
DAY = date(2022, 3, 20)


@pytest.fixture
def plan(tmp_path: Path, bundled_plan: Path) -> Path:
    """A copy of the bundled plan to edit."""
    path = tmp_path / "plan.yaml"
    shutil.copy(bundled_plan, path)
    return path


def ids(path: Path) -> list[str]:
    return [item.id for _, _, item in parse_plan(path.read_text(encoding="utf-8"), "p").plan.iter_items()]


def notes(path: Path) -> dict[str, list[str]]:
    loaded = parse_plan(path.read_text(encoding="utf-8"), str(path))
    return {item.id: [update.text for update in item.updates] for _, _, item in loaded.plan.iter_items()}


def note(item_id: str, text: str) -> ItemEdit:
    return ItemEdit(item_id, note=Note(DAY, "AG", text))


def litter(folder: Path) -> list[str]:
    return sorted(path.name for path in folder.iterdir() if path.name != "plan.yaml")


# ---------------------------------------------------------------------------------------
# Other programs writing at the same moment


APPENDER = textwrap.dedent(
    """\
    import os, random, sys, time
    path, stop = sys.argv[1], sys.argv[2]
    count = 0
    while not os.path.exists(stop):
        with open(path, "a", encoding="utf-8") as stream:
            stream.write(f"# appended line {count}\\n")
        count += 1
        time.sleep(random.uniform(0.001, 0.015))
    print(count)
    """
)


def test_an_appending_program_loses_nothing_over_30_edits(plan: Path, tmp_path: Path) -> None:
    """A program appending lines without any lock while 30 edits run: every line it wrote and
    every edit are in the file (the issue's Done when: 0 lines lost)."""
    stop = tmp_path / "stop"
    appender = subprocess.Popen(
        [sys.executable, "-c", APPENDER, str(plan), str(stop)], stdout=subprocess.PIPE, text=True
    )
    try:
        time.sleep(0.05)
        edited = ids(plan)[:30]
        for item_id in edited:
            assert update_item(str(plan), note(item_id, f"note for {item_id}")).written
    finally:
        stop.touch()
        out, _ = appender.communicate(timeout=30)
    written = int(out)
    text = plan.read_text(encoding="utf-8")
    found = [line for line in text.splitlines() if line.startswith("# appended line ")]
    assert found == [f"# appended line {n}" for n in range(written)]
    assert written > 30
    assert all(notes(plan)[item_id] == [f"note for {item_id}"] for item_id in edited)
    assert litter(tmp_path) == ["stop"]


def test_a_change_made_while_the_edit_is_worked_out_is_kept(plan: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Another program edits a different item between sendplan's read and its rename: the edit
    is worked out again on the changed file, and both changes are in it."""
    real = write._new_file
    calls = []

    def meanwhile(held: lock.HeldPlan, data: bytes, info: os.stat_result) -> object:
        if not calls:
            calls.append(1)
            text = plan.read_text(encoding="utf-8")
            plan.write_text(text.replace("status: not_started", "status: on_track", 1), encoding="utf-8")
        return real(held, data, info)

    monkeypatch.setattr(write, "_new_file", meanwhile)
    result = update_item(str(plan), note("4.7", "kept"))
    assert result.written
    text = plan.read_text(encoding="utf-8")
    assert text.count("status: on_track") == 1
    assert notes(plan)["4.7"] == ["kept"]


def test_an_edit_made_impossible_meanwhile_is_refused_and_changes_nothing(
    plan: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """If the other program's change removes the item, the edit is refused, saying what
    happened, and the file keeps that program's text."""
    real = write._new_file

    def meanwhile(held: lock.HeldPlan, data: bytes, info: os.stat_result) -> object:
        text = plan.read_text(encoding="utf-8")
        plan.write_text(text.replace('id: "4.7"', 'id: "4.77"'), encoding="utf-8")
        return real(held, data, info)

    monkeypatch.setattr(write, "_new_file", meanwhile)
    with pytest.raises(PlanError) as caught:
        update_item(str(plan), note("4.7", "lost"))
    first = caught.value.problems[0].message
    assert first.startswith("another program changed the plan (from line ")
    assert "keeps that program's change and not this edit" in first
    assert 'there is no item "4.7"' in caught.value.problems[1].message
    assert 'id: "4.77"' in plan.read_text(encoding="utf-8")
    assert litter(plan.parent) == []


def test_bytes_appended_to_the_old_file_during_the_rename_are_merged(
    plan: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A program that opened the plan before the rename writes after it: its bytes went to the
    old file, and are merged into the new one."""
    real = write.settled

    def late_writer(fd: int) -> bytes:
        os.pwrite(fd_write[0], b"# written to the old file\n", os.fstat(fd).st_size)
        return real(fd)

    fd_write = [os.open(plan, os.O_WRONLY)]
    try:
        monkeypatch.setattr(write, "settled", late_writer)
        update_item(str(plan), note("1.2", "merged"))
    finally:
        os.close(fd_write[0])
    text = plan.read_text(encoding="utf-8")
    assert text.endswith("# written to the old file\n")
    assert notes(plan)["1.2"] == ["merged"]


def test_the_lock_waits_for_a_lock_held_on_the_plan(plan: Path) -> None:
    """The lock is the plan file's own: while another process holds it, an edit waits."""
    script = "import fcntl, sys, time; f = open(sys.argv[1]); fcntl.flock(f, fcntl.LOCK_EX); print('held', flush=True); time.sleep(0.5)"
    holder = subprocess.Popen([sys.executable, "-c", script, str(plan)], stdout=subprocess.PIPE, text=True)
    assert holder.stdout is not None
    assert holder.stdout.readline() == "held\n"
    started = time.monotonic()
    update_item(str(plan), note("1.1", "after the lock"))
    waited = time.monotonic() - started
    holder.wait(timeout=10)
    holder.stdout.close()
    assert waited > 0.2  # not a timing assertion on sendplan's speed: it proves it waited
    assert notes(plan)["1.1"] == ["after the lock"]


def test_a_writer_that_waited_locks_the_replacing_file(plan: Path) -> None:
    """A writer whose file was replaced while it waited for the lock locks the new file."""
    with lock.plan_lock(str(plan)) as held:
        first = os.fstat(held.fd).st_ino
    update_item(str(plan), note("1.1", "x"))
    with lock.plan_lock(str(plan)) as held:
        assert os.fstat(held.fd).st_ino == plan.stat().st_ino != first


# ---------------------------------------------------------------------------------------
# kill -9 and Ctrl-C

KILLED_WRITER = textwrap.dedent(
    """\
    import os, sys, time
    from datetime import date
    from sendplan.plan import write
    from sendplan.plan.edit import ItemEdit, Note, update_item
    slow = sys.argv[2] == "slow"
    if slow:  # stop between the temporary file and the rename, to be killed there
        real = write._rename
        def wait(temp, held):
            print("renaming", flush=True)
            time.sleep(30)
            real(temp, held)
        write._rename = wait
    for n, item_id in enumerate(sys.argv[3:]):
        update_item(sys.argv[1], ItemEdit(item_id, note=Note(date(2022, 3, 20), "AG", f"kill test {n}")))
        print("edited", n, flush=True)
    """
)


def start_writer(plan: Path, mode: str, item_ids: list[str]) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONPATH": SOURCE}
    return subprocess.Popen(
        [sys.executable, "-c", KILLED_WRITER, str(plan), mode, *item_ids], stdout=subprocess.PIPE, text=True, env=env
    )


def test_kill_9_at_random_moments_leaves_the_old_plan_or_the_new(plan: Path) -> None:
    """Writers killed with SIGKILL at random moments: the plan always loads, holding each
    note completely or not at all, in order."""
    item_ids = ids(plan)[:40]
    edits = 0
    for round_number in range(12):
        writer = start_writer(plan, "fast", item_ids)
        assert writer.stdout is not None
        assert writer.stdout.readline().startswith("edited")  # it is writing now
        time.sleep(0.003 * (round_number % 7))
        writer.send_signal(signal.SIGKILL)
        out, _ = writer.communicate(timeout=10)
        edits += 1 + out.count("edited")
        found = notes(plan)  # raises if the file were torn
        for item_id, texts in found.items():
            assert all(text.startswith("kill test ") for text in texts), item_id
    assert sum(len(texts) for texts in notes(plan).values()) >= edits
    with contextlib.suppress(FileNotFoundError):
        update_item(str(plan), note("1.1", "after the kills"))
    assert litter(plan.parent) == []


def test_a_writer_killed_before_its_rename_leaves_the_old_plan_and_the_next_cleans_up(plan: Path) -> None:
    """Killed between writing the temporary file and the rename: the plan is as it was, and
    the next edit removes the temporary file it left."""
    before = plan.read_bytes()
    writer = start_writer(plan, "slow", ["1.1"])
    assert writer.stdout is not None
    assert writer.stdout.readline() == "renaming\n"
    writer.send_signal(signal.SIGKILL)
    writer.communicate(timeout=10)
    assert plan.read_bytes() == before
    left = litter(plan.parent)
    assert len(left) == 1
    assert left[0].startswith(".plan.yaml.sendplan-")
    assert left[0].endswith(".tmp")
    update_item(str(plan), note("1.2", "next writer"))
    assert litter(plan.parent) == []


@pytest.mark.parametrize("where", ["writing the temporary file", "after the rename"])
def test_ctrl_c_during_an_edit_leaves_the_old_plan_or_the_new(
    plan: Path, monkeypatch: pytest.MonkeyPatch, where: str
) -> None:
    """KeyboardInterrupt in the middle of writing: the old plan, or the new one; no litter."""
    before = plan.read_bytes()

    def interrupt(*args: object) -> None:
        raise KeyboardInterrupt

    if where == "writing the temporary file":
        monkeypatch.setattr(write.os, "fsync", interrupt)
    else:
        monkeypatch.setattr(write, "_sync_folder", interrupt)
    with pytest.raises(KeyboardInterrupt):
        update_item(str(plan), note("1.1", "interrupted"))
    after = notes(plan)["1.1"]
    assert plan.read_bytes() == before if where == "writing the temporary file" else after == ["interrupted"]
    assert litter(plan.parent) == []


def test_ctrl_c_is_held_off_while_the_file_is_swapped(plan: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A SIGINT arriving while the plan is being replaced takes effect once it is whole."""
    real = write._rename

    def signalled(temp: str, held: lock.HeldPlan) -> None:
        os.kill(os.getpid(), signal.SIGINT)
        real(temp, held)

    monkeypatch.setattr(write, "_rename", signalled)
    with pytest.raises(KeyboardInterrupt):
        update_item(str(plan), note("1.1", "whole"))
    assert notes(plan)["1.1"] == ["whole"]
    assert litter(plan.parent) == []


# ---------------------------------------------------------------------------------------
# Keeping the file what it was


def xattrs_supported(folder: Path) -> bool:
    probe = folder / "probe"
    probe.write_text("x")
    try:
        os.setxattr(probe, "user.sendplan", b"1")
    except OSError:
        return False
    finally:
        probe.unlink()
    return True


@needs_root
def test_owner_group_mode_and_extended_attributes_are_kept(plan: Path) -> None:
    """A plan owned by another user, group 2345, mode 640, with an extended attribute, edited
    by root: all four are the same afterwards (the file was replaced, not rewritten)."""
    if not xattrs_supported(plan.parent):
        pytest.skip("this file system has no user extended attributes")
    os.chown(plan, 1234, 2345)
    plan.chmod(0o640)
    os.setxattr(plan, "user.classification", b"OFFICIAL")
    before = plan.stat()
    assert update_item(str(plan), note("1.1", "kept")).written
    after = plan.stat()
    assert (after.st_uid, after.st_gid, stat.S_IMODE(after.st_mode)) == (1234, 2345, 0o640)
    assert os.getxattr(plan, "user.classification") == b"OFFICIAL"
    assert after.st_ino != before.st_ino


def test_a_hard_linked_plan_is_rewritten_in_place(plan: Path) -> None:
    """A plan with two names: the edit is seen under both, the file is the same one, and the
    backup made first is gone."""
    other = plan.parent / "copy-for-the-board.yaml"
    os.link(plan, other)
    inode = plan.stat().st_ino
    assert update_item(str(plan), note("1.1", "both names")).written
    assert plan.stat().st_ino == inode
    assert plan.stat().st_nlink == 2
    assert other.read_bytes() == plan.read_bytes()
    assert notes(other)["1.1"] == ["both names"]
    assert litter(plan.parent) == ["copy-for-the-board.yaml"]


def test_a_backup_left_by_an_interrupted_rewrite_stops_the_next_edit(plan: Path) -> None:
    """A backup beside the plan whose text is neither the plan's old nor its new text means a
    rewrite in place was stopped half-way: the next edit refuses, naming the backup."""
    backup = plan.parent / f".plan.yaml.sendplan-{'0' * 16}.backup"
    backup.write_text("plan:\n  title: before\n", encoding="utf-8")
    before = plan.read_bytes()
    with pytest.raises(PlanError, match="was stopped while it rewrote the file in place"):
        update_item(str(plan), note("1.1", "x"))
    assert plan.read_bytes() == before
    backup.write_bytes(before)  # the rewrite never started: the backup is the plan
    update_item(str(plan), note("1.1", "x"))
    assert not backup.exists()


@needs_root
def test_a_read_only_plan_is_refused_even_for_root(plan: Path) -> None:
    """Mode 444: nobody may write it, so root does not either, and says so."""
    plan.chmod(0o444)
    before = plan.read_bytes()
    with pytest.raises(PlanError, match=r"the plan file is read-only \(mode 0444: nobody may write it\)"):
        update_item(str(plan), note("1.1", "x"))
    assert plan.read_bytes() == before


def test_a_fifo_is_refused_without_waiting(tmp_path: Path) -> None:
    """A FIFO given as the plan is refused at once, never opened for a blocking read."""
    fifo = tmp_path / "plan.yaml"
    os.mkfifo(fifo)
    with pytest.raises(PlanError, match="not a regular file"):
        update_item(str(fifo), note("1.1", "x"))


def test_a_symlink_named_like_the_old_lock_file_is_never_followed(plan: Path, tmp_path: Path) -> None:
    """sendplan keeps no lock file: a symbolic link where older versions put theirs is left
    alone, and what it points to is never created or written."""
    victim = tmp_path / "victim"
    lock_link = plan.parent / ".plan.yaml.lock"
    lock_link.symlink_to(victim)
    update_item(str(plan), note("1.1", "x"))
    assert not victim.exists()
    assert lock_link.is_symlink()


def test_stale_temporary_files_are_removed_only_if_they_are_sendplans(plan: Path) -> None:
    """The next writer removes temporary files killed writers left for this plan (today's
    names, and older versions' names once ten minutes old); nothing else."""
    folder = plan.parent
    ours = folder / ".plan.yaml.sendplan-abcd1234.tmp"
    old_style = folder / ".plan.yaml.abcd1234.tmp"
    fresh_old_style = folder / ".plan.yaml.wxyz5678.tmp"
    keep = [
        fresh_old_style,
        folder / ".other.yaml.sendplan-abcd1234.tmp",  # another plan's
        folder / ".plan.yaml.notes.tmp",  # not a name sendplan makes
        folder / "plan.yaml.bak",
    ]
    for path in (ours, old_style, *keep):
        path.write_text("partial", encoding="utf-8")
    hour_ago = time.time() - 3600
    os.utime(old_style, (hour_ago, hour_ago))
    link = folder / ".plan.yaml.sendplan-link0000.tmp"
    link.symlink_to(folder / "plan.yaml.bak")
    update_item(str(plan), note("1.1", "x"))
    assert not ours.exists()
    assert not old_style.exists()
    assert all(path.exists() for path in keep)
    assert link.is_symlink()


def test_after_an_edit_git_status_shows_only_the_plan(plan: Path) -> None:
    """In a git repository an edit changes the plan and leaves nothing else to see."""
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    folder = plan.parent

    def git(*args: str) -> str:
        return subprocess.run(["git", "-C", str(folder), *args], capture_output=True, text=True, check=True).stdout

    git("init", "-q")
    git("-c", "user.name=t", "-c", "user.email=t@example.org", "add", "plan.yaml")
    git("-c", "user.name=t", "-c", "user.email=t@example.org", "commit", "-qm", "plan")
    update_item(str(plan), note("1.1", "x"))
    assert git("status", "--porcelain") == " M plan.yaml\n"


# ---------------------------------------------------------------------------------------
# A shared team folder, two users


@contextlib.contextmanager
def team_folder(bundled_plan: Path) -> Iterator[tuple[Path, int]]:
    """A setgid folder of group 3300 (mode 2775) holding a plan of user 1201, mode 664."""
    top = Path(tempfile.mkdtemp(prefix="sendplan-team-", dir="/tmp"))
    try:
        top.chmod(0o755)
        folder = top / "team"
        folder.mkdir()
        os.chown(folder, 0, 3300)
        folder.chmod(0o2775)
        plan = folder / "plan.yaml"
        shutil.copy(bundled_plan, plan)
        os.chown(plan, 1201, 3300)
        plan.chmod(0o664)
        yield plan, 3300
    finally:
        shutil.rmtree(top, ignore_errors=True)


def as_user(uid: int, gid: int, groups: list[int], action: Callable[[], object]) -> tuple[int, str]:
    """Run *action* in a child process with these user and group ids: (exit status, message)."""
    reader, writer = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: never returns into pytest
        os.close(reader)
        status, message = 0, ""
        try:
            os.setgroups(groups)
            os.setgid(gid)
            os.setuid(uid)
            os.environ["SENDPLAN_NO_CACHE"] = "1"
            action()
        except PlanError as error:
            status, message = 1, "\n".join(problem.message for problem in error.problems)
        except BaseException as error:  # noqa: BLE001 - reported to the parent
            status, message = 2, repr(error)
        os.write(writer, message.encode())
        os._exit(status)
    os.close(writer)
    with os.fdopen(reader, "rb") as stream:
        message = stream.read().decode()
    _, status = os.waitpid(pid, 0)
    return os.waitstatus_to_exitcode(status), message


@needs_root
def test_two_users_of_a_team_folder_both_edit_and_the_owner_stays(bundled_plan: Path) -> None:
    """In a setgid team folder two members edit in turn: both succeed, the plan keeps its
    owner, group and mode, and no lock file appears that the other could not use."""
    with team_folder(bundled_plan) as (plan, team):
        for uid, item_id in ((1202, "1.1"), (1201, "1.2"), (1202, "1.3")):
            status, message = as_user(uid, uid, [team], lambda item_id=item_id, uid=uid: update_item(str(plan), note(item_id, f"by {uid}")))
            assert (status, message) == (0, ""), message
        info = plan.stat()
        assert (info.st_uid, info.st_gid, stat.S_IMODE(info.st_mode)) == (1201, team, 0o664)
        assert [notes(plan)[item_id] for item_id in ("1.1", "1.2", "1.3")] == [["by 1202"], ["by 1201"], ["by 1202"]]
        assert sorted(path.name for path in plan.parent.iterdir()) == ["plan.yaml"]


@needs_root
def test_a_user_outside_the_group_is_refused_plainly(bundled_plan: Path) -> None:
    """Someone who may not write the plan gets a plain message and the plan is unchanged."""
    with team_folder(bundled_plan) as (plan, _):
        before = plan.read_bytes()
        status, message = as_user(1299, 1299, [], lambda: update_item(str(plan), note("1.1", "x")))
        assert status == 1
        assert "the plan file is read-only for you" in message
        assert plan.read_bytes() == before


def test_the_lease_check_falls_back_where_leases_are_refused(plan: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Where a read lease cannot be had (not the owner, a network file system), the replaced
    file counts as settled once it holds still, and the edit goes through."""
    import fcntl

    real = fcntl.fcntl

    def no_leases(fd: int, command: int, *args: object) -> object:
        if command == getattr(fcntl, "F_SETLEASE", None):
            raise OSError(errno.EPERM, "Operation not permitted")
        return real(fd, command, *args)

    monkeypatch.setattr(fcntl, "fcntl", no_leases)
    assert not lock.wait_for_writers(os.open(plan, os.O_RDONLY))
    assert update_item(str(plan), note("1.1", "settled")).written
