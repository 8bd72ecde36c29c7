"""The plan cache: a hit answers exactly as a fresh load does, and errors never come from it."""

from __future__ import annotations

import enum
import inspect
import os
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from click.testing import Result
from helpers import MINIMAL_PLAN, generate_module
from pydantic import BaseModel

from sendplan.plan import cache, load, model, snapshot

AS_OF = "2022-06-01"

COMMANDS = [
    ["overdue"],
    ["list"],
    ["list", "--lead", "AG", "--due-before", "Dec 2022"],
    ["by-lead", "AG"],
    ["due", "--within", "3m"],
    ["leads"],
    ["tasks"],
]

BAD_PLANS = {
    "unknown key and bad status": MINIMAL_PLAN.replace("deadline: Mar 2022", "deadine: Mar 2022").replace(
        "status: not_started", "status: sort of"
    ),
    "bad deadline": MINIMAL_PLAN.replace("Mar 2022", "Smarch 2022"),
    "duplicate key": MINIMAL_PLAN.replace("lead: AG\n", "lead: AG\n            lead: CW\n"),
    "alias": MINIMAL_PLAN.replace("title: Test plan", "title: &t Test plan").replace(
        "title: First task", "title: *t"
    ),
    "tab indentation": MINIMAL_PLAN.replace("            lead: AG", "\t    lead: AG"),
    "empty file": "",
    "a list": "- one\n- two\n",
    "missing id": MINIMAL_PLAN.replace('- id: "1.1"\n            action', "- action"),
}


def cache_files(directory: Path) -> list[Path]:
    return sorted(directory.glob("*.snapshot"))


@pytest.fixture
def cache_dir(_private_cache: Path) -> Path:
    return _private_cache


@pytest.fixture
def no_parsing(monkeypatch: pytest.MonkeyPatch) -> Callable[[], None]:
    """Call to make any further YAML parse fail the test: what follows must come from the cache."""

    def refuse(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("the plan was parsed again instead of read from the cache")

    return lambda: monkeypatch.setattr(load, "parse_plan", refuse)


@pytest.mark.parametrize("fmt", ["json", "tsv", "table"])
@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_cache_hit_gives_the_same_output(
    run: Callable[..., Result], bundled_plan: Path, cache_dir: Path, no_parsing: Callable[[], None], command: list[str], fmt: str
) -> None:
    """Every command and format prints exactly the same from a cached plan as from a fresh parse."""
    args = [*command, "--plan", str(bundled_plan), "--as-of", AS_OF, "--format", fmt]
    fresh = run(*args)
    assert fresh.exit_code == 0
    assert len(cache_files(cache_dir)) == 1
    no_parsing()
    cached = run(*args)
    assert (cached.exit_code, cached.stdout, cached.stderr) == (fresh.exit_code, fresh.stdout, fresh.stderr)


def test_validate_from_the_cache(run: Callable[..., Result], bundled_plan: Path, no_parsing: Callable[[], None]) -> None:
    """validate on an unchanged valid plan says the same from the cache, warnings and their positions too."""
    fresh = run("validate", str(bundled_plan))
    assert fresh.stdout.startswith(f"{bundled_plan}: valid (8 tasks, 57 items")
    no_parsing()
    cached = run("validate", str(bundled_plan))
    assert (cached.exit_code, cached.stdout, cached.stderr) == (fresh.exit_code, fresh.stdout, fresh.stderr)


@pytest.mark.parametrize("text", list(BAD_PLANS.values()), ids=list(BAD_PLANS))
def test_bad_plans_give_identical_messages_with_and_without_cache(
    run: Callable[..., Result], write_plan: Callable[..., Path], cache_dir: Path, text: str
) -> None:
    """A broken plan is never cached, and its messages are the same on every run and with the cache off."""
    path = write_plan(text)
    args = ["overdue", "--plan", str(path), "--as-of", AS_OF]
    first = run(*args)
    second = run(*args)
    uncached = run(*args, env={"SENDPLAN_NO_CACHE": "1"})
    assert first.exit_code == 1
    assert first.stderr
    assert first.stdout == ""
    assert (second.exit_code, second.stderr) == (first.exit_code, first.stderr)
    assert (uncached.exit_code, uncached.stderr) == (first.exit_code, first.stderr)
    assert cache_files(cache_dir) == []


def test_a_fixed_plan_is_reparsed(run: Callable[..., Result], write_plan: Callable[..., Path]) -> None:
    """Any change to the text misses the cache: breaking a cached plan is reported at once."""
    path = write_plan(MINIMAL_PLAN)
    assert run("validate", str(path)).exit_code == 0
    write_plan(MINIMAL_PLAN.replace("Mar 2022", "Smarch 2022"))
    broken = run("validate", str(path))
    assert broken.exit_code == 1
    assert '"Smarch 2022" is not a date' in broken.stderr


def test_one_changed_letter_changes_the_answer(run: Callable[..., Result], write_plan: Callable[..., Path]) -> None:
    """A cached plan is never used for different text, even a one-letter edit."""
    path = write_plan(MINIMAL_PLAN)
    assert "Do the thing" in run("list", "--plan", str(path), "--as-of", AS_OF, "--json").stdout
    write_plan(MINIMAL_PLAN.replace("Do the thing", "Do the thinG"))
    assert "Do the thinG" in run("list", "--plan", str(path), "--as-of", AS_OF, "--json").stdout


@pytest.mark.parametrize(
    "damage",
    [
        lambda data: b"",
        lambda data: data[: len(data) // 2],
        lambda data: b"garbage" * 100,
        lambda data: data.replace(b"sendplan snapshot", b"sendplan snapshop"),
        lambda data: data[:-40] + b"\x00" * 40,
    ],
    ids=["empty", "truncated", "garbage", "wrong magic", "zeroed tail"],
)
def test_a_damaged_cache_file_is_ignored(
    run: Callable[..., Result], bundled_plan: Path, cache_dir: Path, damage: Callable[[bytes], bytes]
) -> None:
    """A corrupt cache file is a miss, never an error: the plan is parsed again and the file replaced."""
    args = ["overdue", "--json", "--plan", str(bundled_plan), "--as-of", AS_OF]
    fresh = run(*args)
    [stored] = cache_files(cache_dir)
    stored.write_bytes(damage(stored.read_bytes()))
    again = run(*args)
    assert (again.exit_code, again.stdout, again.stderr) == (fresh.exit_code, fresh.stdout, fresh.stderr)
    assert cache.load(bundled_plan.read_text(encoding="utf-8"), "x") is not None


def test_no_cache_writes_nothing(run: Callable[..., Result], bundled_plan: Path, cache_dir: Path) -> None:
    """SENDPLAN_NO_CACHE=1 neither reads nor writes the cache."""
    result = run("overdue", "--json", "--plan", str(bundled_plan), "--as-of", AS_OF, env={"SENDPLAN_NO_CACHE": "1"})
    assert result.exit_code == 0
    assert cache_files(cache_dir) == []


def test_unwritable_cache_is_no_error(
    run: Callable[..., Result], bundled_plan: Path, tmp_path: Path
) -> None:
    """A cache folder that cannot be created (here a file is in the way) only means no cache."""
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x", encoding="utf-8")
    result = run("overdue", "--json", "--plan", str(bundled_plan), "--as-of", AS_OF, env={"SENDPLAN_CACHE_DIR": str(blocker / "sub")})
    assert result.exit_code == 0
    assert result.stdout.startswith("[")


def test_cache_location_follows_xdg(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """$SENDPLAN_CACHE_DIR wins, then $XDG_CACHE_HOME/sendplan, then ~/.cache/sendplan."""
    monkeypatch.setenv("SENDPLAN_CACHE_DIR", str(tmp_path / "explicit"))
    assert cache.cache_dir() == tmp_path / "explicit"
    monkeypatch.delenv("SENDPLAN_CACHE_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert cache.cache_dir() == tmp_path / "xdg" / "sendplan"
    monkeypatch.delenv("XDG_CACHE_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert cache.cache_dir() == tmp_path / "home" / ".cache" / "sendplan"
    monkeypatch.setenv("SENDPLAN_NO_CACHE", "1")
    assert cache.cache_dir() is None


def test_key_depends_on_text_and_code(monkeypatch: pytest.MonkeyPatch) -> None:
    """The key changes with the text and with the sendplan version."""
    key = cache.cache_key(MINIMAL_PLAN)
    assert key == cache.cache_key(MINIMAL_PLAN)
    assert key != cache.cache_key(MINIMAL_PLAN + " ")
    monkeypatch.setattr(cache, "__version__", "99.0")
    assert key != cache.cache_key(MINIMAL_PLAN)


def same(real: Any, record: Any, where: str = "plan") -> None:
    """Assert a cached record tree has every field, property and value of the model tree."""
    if isinstance(real, BaseModel):
        assert type(record).__name__ == type(real).__name__, where
        for name in type(real).model_fields:
            same(getattr(real, name), getattr(record, name), f"{where}.{name}")
        for name in snapshot._public_properties(type(real)):
            same(getattr(real, name), getattr(record, name), f"{where}.{name}")
    elif isinstance(real, enum.Enum):
        assert type(record).__name__ == type(real).__name__, where
        assert record == real, where
        assert record.value == real.value, where
        assert str(record) == str(real), where
        for name in snapshot._public_properties(type(real)):
            assert getattr(record, name) == getattr(real, name), f"{where}.{name}"
    elif isinstance(real, list):
        assert isinstance(record, list) and len(record) == len(real), where
        for index, (left, right) in enumerate(zip(real, record, strict=True)):
            same(left, right, f"{where}[{index}]")
    elif isinstance(real, dict):
        assert isinstance(record, dict) and list(record) == list(real), where
        for key in real:
            same(real[key], record[key], f"{where}[{key!r}]")
    else:
        assert type(record) is type(real), where
        assert record == real, where


def test_records_match_models_on_the_bundled_plan(bundled_plan: Path) -> None:
    """Every field, property and enum of the real plan survives the snapshot unchanged."""
    loaded = load.parse_plan(bundled_plan.read_text(encoding="utf-8"), "plan.yaml")
    schema, data = snapshot.snapshot(loaded.plan)
    same(loaded.plan, snapshot.restore(schema, data))


def test_records_match_models_on_a_synthetic_plan() -> None:
    """The benchmark generator's 1,000-item plan loads, and its records match the models."""
    text = generate_module().generate(1000)
    loaded = load.parse_plan(text, "synthetic.yaml")
    assert sum(1 for _ in loaded.plan.iter_items()) == 1000
    statuses = {item.status for _, _, item in loaded.plan.iter_items()}
    assert statuses == set(model.Status)
    restored = snapshot.restore(*snapshot.snapshot(loaded.plan))
    same(loaded.plan, restored)
    assert [item.id for _, _, item in restored.iter_items()] == [item.id for _, _, item in loaded.plan.iter_items()]


def test_every_model_method_has_a_record_counterpart() -> None:
    """A method added to a model must be added to snapshot.MIXINS too (properties are kept as data)."""
    for name, cls in inspect.getmembers(model, inspect.isclass):
        if not (issubclass(cls, BaseModel) and cls.__module__ == model.__name__):
            continue
        methods = [
            attr
            for attr, member in vars(cls).items()
            if inspect.isfunction(member) and not attr.startswith("_")
        ]
        mixin = snapshot.MIXINS.get(name, snapshot.Record)
        assert [attr for attr in methods if not hasattr(mixin, attr)] == [], name


@pytest.mark.parametrize("kept", [True, False], ids=["positions kept", "positions from the text"])
def test_cached_plan_locates_lazily(bundled_plan: Path, kept: bool) -> None:
    """Positions from a cached plan match a fresh load, kept in the snapshot or (after an edit
    stored none) read from the text when first asked for, and then kept."""
    text = bundled_plan.read_text(encoding="utf-8")
    fresh = load.parse_plan(text, "plan.yaml")
    cache.store(text, fresh.plan, positions=fresh.positions if kept else None)
    cached = cache.load(text, "plan.yaml")
    assert cached is not None
    assert cached._positions is None
    for item_id, field in [("1.1", "deadline"), ("4.7", None), ("8.6", "lead"), ("1.1", "no_such_field")]:
        assert cached.where(item_id, field) == fresh.where(item_id, field)
    assert cached._positions is not None
    again = cache.load(text, "plan.yaml")
    assert again is not None and "positions" in again._snapshot.sections


def test_records_are_read_only(bundled_plan: Path) -> None:
    """A cached plan cannot be changed by accident, as a shared snapshot must not be."""
    text = bundled_plan.read_text(encoding="utf-8")
    cache.store(text, load.parse_plan(text, "plan.yaml").plan)
    cached = cache.load(text, "plan.yaml")
    assert cached is not None
    with pytest.raises(AttributeError):
        cached.plan.plan.title = "changed"
    assert cached.plan.plan_date == date(2021, 11, 1)


def test_old_snapshots_are_pruned(cache_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Editing a plan many times leaves only the most recent snapshots, the latest among them."""
    monkeypatch.setattr(cache, "KEEP_SNAPSHOTS", 3)
    monkeypatch.setattr(cache, "KEEP_BYTES", 0)
    plan = load.parse_plan(MINIMAL_PLAN, "plan.yaml").plan
    for number in range(6):
        text = MINIMAL_PLAN + f"# edit {number}\n"
        cache.store(text, plan)
        # File times can be coarser than this loop: give each snapshot its own, in order.
        os.utime(cache_dir / f"{cache.cache_key(text)}.snapshot", ns=(number * 10**9, number * 10**9))
    assert len(cache_files(cache_dir)) == 3
    assert cache.load(MINIMAL_PLAN + "# edit 5\n", "plan.yaml") is not None
    assert cache.load(MINIMAL_PLAN + "# edit 0\n", "plan.yaml") is None


def test_key_is_the_same_whatever_the_pieces_the_text_is_hashed_in(monkeypatch: pytest.MonkeyPatch) -> None:
    """The text is encoded for its key a piece at a time; the key is that of the whole text,
    wherever a piece ends (inside a run of accented, astral or lone surrogate characters too)."""
    text = MINIMAL_PLAN + "# décisions \U0001f600 \ud800 end\n" * 50
    whole = cache.cache_key(text)
    for piece in (1, 7, 64):
        monkeypatch.setattr(cache, "_PIECE", piece)
        assert cache.cache_key(text) == whole
        assert cache.cache_key(text + "x") != whole


def test_snapshots_within_the_byte_budget_are_kept(cache_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """More plans than KEEP_SNAPSHOTS (a folder of plans) all stay cached while they fit in KEEP_BYTES."""
    monkeypatch.setattr(cache, "KEEP_SNAPSHOTS", 2)
    plan = load.parse_plan(MINIMAL_PLAN, "plan.yaml").plan
    texts = [MINIMAL_PLAN + f"# plan {number}\n" for number in range(6)]
    for text in texts:
        cache.store(text, plan)
    assert len(cache_files(cache_dir)) == 6
    assert all(cache.load(text, "plan.yaml") is not None for text in texts)


def test_key_covers_every_module_of_the_package() -> None:
    """A module in any subpackage (a check family, a command) is part of the key, so editing it misses."""
    fingerprint = cache._code_fingerprint().decode()
    for module in ("plan/checks/words.py", "cli/options.py", "outputs/json.py", "errors.py"):
        assert f"|{module}:" in f"|{fingerprint}", module
