"""The cache cannot change an answer: damaged snapshots, FIFOs, symlinks and other users' files
at its names are ignored and replaced, and pruning deletes only the cache's own files."""

from __future__ import annotations

import marshal
import os
import random
import stat
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result
from helpers import MINIMAL_PLAN

import sendplan
from sendplan.plan import cache, load

AS_OF = "2022-06-01"
# Each reads a different part of a snapshot: the flat table, the records, the positions.
COMMANDS = [
    ["overdue", "--json"],
    ["report"],
    ["validate", "--format", "json", "--as-of", AS_OF],
    ["status", "--format", "tsv"],
]


@pytest.fixture
def cache_dir(_private_cache: Path) -> Path:
    return _private_cache


def snapshot_of(text: str, cache_dir: Path) -> Path:
    return cache_dir / f"{cache.cache_key(text)}{cache.SUFFIX}"


def answer(run: Callable[..., Result], plan: Path, command: list[str]) -> tuple[int, str, str]:
    args = [*command, str(plan)] if command[0] == "validate" else [*command, "--plan", str(plan), "--as-of", AS_OF]
    result = run(*args)
    return result.exit_code, result.stdout, result.stderr


def test_no_byte_flip_changes_an_answer(run: Callable[..., Result], bundled_plan: Path, cache_dir: Path) -> None:
    """300 random byte flips anywhere in a snapshot (header, table, records, positions): every
    answer is the one a fresh parse gives, and the damaged file is replaced."""
    expected = {tuple(command): answer(run, bundled_plan, command) for command in COMMANDS}
    path = snapshot_of(bundled_plan.read_text(encoding="utf-8"), cache_dir)
    original = path.read_bytes()
    rng = random.Random(13)
    wrong = []
    for flip in range(300):
        damaged = bytearray(original)
        where = rng.randrange(len(damaged))
        damaged[where] ^= rng.randrange(1, 256)
        path.write_bytes(bytes(damaged))
        command = COMMANDS[flip % len(COMMANDS)]
        if answer(run, bundled_plan, command) != expected[tuple(command)]:
            wrong.append((where, command))
    assert wrong == []


def test_a_flipped_byte_in_a_section_is_never_unmarshalled(bundled_plan: Path, cache_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A damaged section fails its digest before marshal sees it; the plan is read from the text."""
    text = bundled_plan.read_text(encoding="utf-8")
    fresh = load.parse_plan(text, "plan.yaml")
    cache.store(text, fresh.plan, positions=fresh.positions)
    path = snapshot_of(text, cache_dir)
    intact = cache.load(text, "plan.yaml")
    assert intact is not None
    offset, size, _digest = intact._snapshot.sections["positions"]
    intact._snapshot.close()
    data = bytearray(path.read_bytes())
    data[len(cache.MAGIC) + offset + size // 2] ^= 0xFF  # inside the positions section
    path.write_bytes(bytes(data))
    loaded = cache.load(text, "plan.yaml")
    assert loaded is not None
    seen: list[int] = []
    real_loads = marshal.loads
    monkeypatch.setattr(marshal, "loads", lambda blob: seen.append(len(blob)) or real_loads(blob))
    damaged = []
    for name in cache.SECTIONS:
        try:
            loaded._snapshot.raw(name)
        except ValueError:
            damaged.append(name)
    assert damaged == ["positions"]
    assert loaded.where("4.2", "deadline") == fresh.where("4.2", "deadline")
    assert loaded.flat == fresh.flat
    assert size not in seen


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")
def test_a_fifo_at_the_snapshot_name_is_not_waited_on(bundled_plan: Path, tmp_path: Path) -> None:
    """A FIFO planted at a snapshot's name (a shared cache folder) never makes a command wait;
    the answer comes from the plan and the FIFO is replaced by a snapshot."""
    folder = tmp_path / "cache"
    folder.mkdir()
    fifo = snapshot_of(bundled_plan.read_text(encoding="utf-8"), folder)
    os.mkfifo(fifo)
    env = {**os.environ, "PYTHONPATH": str(Path(sendplan.__file__).resolve().parent.parent), "SENDPLAN_CACHE_DIR": str(folder)}
    result = subprocess.run(
        [sys.executable, "-m", "sendplan", "overdue", "--json", "--plan", str(bundled_plan), "--as-of", AS_OF],
        # Not run from the checkout, where `-m` would import its sendplan rather than the one
        # installed (and tested), whose files make the cache key.
        env=env, capture_output=True, timeout=60, check=False, cwd=tmp_path,
    )  # fmt: skip
    assert result.returncode == 0
    assert b'"id": "4.2"' in result.stdout
    assert stat.S_ISREG(os.lstat(fifo).st_mode)


def test_a_symlink_at_the_snapshot_name_is_not_followed(
    run: Callable[..., Result], write_plan: Callable[..., Path], cache_dir: Path, tmp_path: Path
) -> None:
    """A symlink at a snapshot's name is neither read through nor written through: it is replaced."""
    plan = write_plan(MINIMAL_PLAN)
    target = tmp_path / "precious.txt"
    target.write_text("keep me", encoding="utf-8")
    link = snapshot_of(MINIMAL_PLAN, cache_dir)
    link.symlink_to(target)
    assert cache.load(MINIMAL_PLAN, "plan.yaml") is None
    result = run("list", "--plan", str(plan), "--as-of", AS_OF, "--json")
    assert result.exit_code == 0
    assert target.read_text(encoding="utf-8") == "keep me"
    assert not link.is_symlink()
    assert cache.load(MINIMAL_PLAN, "plan.yaml") is not None


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0, reason="needs root to give a file away")
def test_another_users_snapshot_is_not_trusted(
    run: Callable[..., Result], write_plan: Callable[..., Path], cache_dir: Path
) -> None:
    """A valid snapshot owned by someone else is a miss (they could have written anything), and is replaced."""
    plan = write_plan(MINIMAL_PLAN)
    assert run("list", "--plan", str(plan), "--as-of", AS_OF, "--json").exit_code == 0
    path = snapshot_of(MINIMAL_PLAN, cache_dir)
    os.chown(path, 12345, 12345)
    assert cache.load(MINIMAL_PLAN, "plan.yaml") is None
    assert run("list", "--plan", str(plan), "--as-of", AS_OF, "--json").exit_code == 0
    assert path.stat().st_uid == os.getuid()


def test_pruning_deletes_only_the_caches_own_files(cache_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Old snapshots and a dead writer's temporary file go; a user's *.plan files, look-alike
    names holding something else, and fresh temporary files stay."""
    monkeypatch.setattr(cache, "KEEP_SNAPSHOTS", 2)
    monkeypatch.setattr(cache, "KEEP_BYTES", 0)
    plan = load.parse_plan(MINIMAL_PLAN, "plan.yaml").plan
    mine = {
        "notes.plan": b"my own notes",
        "a" * 64 + ".plan": b"not a snapshot, though named like the old ones",
        "b" * 64 + ".snapshot": b"not a snapshot either",
        ".tmp-mine.snapshot": b"a user's file named like a temporary one",
    }
    for name, data in mine.items():
        (cache_dir / name).write_bytes(data)
        os.utime(cache_dir / name, ns=(0, 0))  # as old as can be
    old_format = cache_dir / ("c" * 64 + ".plan")
    old_format.write_bytes(b"sendplan-cache\n" + b"\x00" * 10)
    os.utime(old_format, ns=(0, 0))
    dead_writer = cache_dir / ".tmp-abc123.snapshot"
    dead_writer.write_bytes(cache.MAGIC[:5])
    os.utime(dead_writer, ns=(0, 0))
    live_writer = cache_dir / ".tmp-def456.snapshot"
    live_writer.write_bytes(b"")
    texts = [MINIMAL_PLAN + f"# edit {number}\n" for number in range(4)]
    for number, text in enumerate(texts):
        cache.store(text, plan)
        os.utime(snapshot_of(text, cache_dir), ns=((number + 1) * 10**9,) * 2)
    cache.store(MINIMAL_PLAN, plan)
    left = {path.name for path in cache_dir.iterdir()}
    assert set(mine) <= left
    assert live_writer.name in left
    assert dead_writer.name not in left
    assert old_format.name not in left
    ours = sorted(name for name in left - set(mine) if name.endswith(cache.SUFFIX) and not name.startswith("."))
    assert ours == sorted(snapshot_of(text, cache_dir).name for text in (texts[-1], MINIMAL_PLAN))


def test_an_edited_item_keeps_the_cache_warm(cache_dir: Path) -> None:
    """An edit's snapshot (snapshot_edit.py through stored() and keep()) answers as a fresh parse
    of the new text does: the flat table's edited row made again, the rest kept."""
    from datetime import date

    from sendplan.plan import snapshot_edit

    old_text = MINIMAL_PLAN
    loaded = load.parse_plan(old_text, "plan.yaml")
    cache.store(old_text, loaded.plan, positions=loaded.positions, flat=loaded.flat)
    new_text = old_text.replace("status: not_started", "status: complete\n            completed: 2022-03-01")
    assert snapshot_edit.items(old_text, ["1.1"]) is not None
    assert snapshot_edit.store_edited(old_text, new_text, {"1.1": {"status": "complete", "completed": date(2022, 3, 1)}})
    warm = cache.load(new_text, "plan.yaml")
    assert warm is not None
    assert set(warm._snapshot.sections) == {"flat", "plan", "index"}  # positions are read from the text when needed
    edited = load.parse_plan(new_text, "plan.yaml")
    assert warm.flat == edited.flat
    assert warm.plan.tasks[0].deliverables[0].items[0].status.value == "complete"
    assert warm.where("1.1", "completed") == edited.where("1.1", "completed")


def test_a_snapshot_without_its_table_makes_and_keeps_it(cache_dir: Path) -> None:
    """A snapshot kept without its flat table: the first listing makes it from the records, and
    keeps it (with the index of ids) for the next."""
    loaded = load.parse_plan(MINIMAL_PLAN, "plan.yaml")
    cache.store(MINIMAL_PLAN, loaded.plan)
    found = cache.stored(MINIMAL_PLAN)
    assert found is not None
    cache.keep(MINIMAL_PLAN + "# edited\n", [("plan", found.copied("plan"))])
    first = cache.load(MINIMAL_PLAN + "# edited\n", "plan.yaml")
    assert first is not None and "flat" not in first._snapshot.sections
    assert first.flat == loaded.flat
    again = cache.load(MINIMAL_PLAN + "# edited\n", "plan.yaml")
    assert again is not None and {"flat", "index"} <= set(again._snapshot.sections)