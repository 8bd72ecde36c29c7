"""Broken and hostile plan files: a clear, located message and exit 1 every time, never a traceback.

The corpus lives in tests/cases: bad/<name>.yaml with bad/<name>.err holding every line the
user sees on stderr when running `sendplan validate <name>.yaml` from that folder, and good/
holding files that must load (a byte-order mark, CRLF line ends, YAML 1.1 words). Cases named
"<one>-and-<other>" hold two mistakes that different stages of reading find, reported together.
"""

from __future__ import annotations

import errno
import os
import re
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner, Result
from helpers import MINIMAL_PLAN, REPO

from sendplan import cli
from sendplan.errors import PlanError
from sendplan.plan import load, parse, read, source

CASES = REPO / "tests" / "cases"
BAD = sorted((CASES / "bad").glob("*.yaml"))
GOOD = sorted((CASES / "good").glob("*.yaml"))
AS_OF = "2021-11-01"
# What must never reach stderr or stdout: C0 controls but tab and newline, DEL and C1.
RAW_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def expected_lines(case: Path) -> list[str]:
    return case.with_suffix(".err").read_text(encoding="utf-8").splitlines()


def run_in(folder: Path, runner: CliRunner, monkeypatch: pytest.MonkeyPatch, *args: str) -> Result:
    monkeypatch.chdir(folder)
    return runner.invoke(cli.cli, list(args), catch_exceptions=False)


def assert_clean_failure(result: Result) -> None:
    assert result.exit_code == 1, result.output
    assert result.stdout == ""
    assert result.stderr.strip()
    assert "Traceback" not in result.stderr
    assert not RAW_CONTROL.search(result.stderr)


def test_corpus_is_complete() -> None:
    """Every broken file has its expected messages and every message its file; some cases hold two mistakes."""
    assert len(BAD) >= 50
    assert {path.stem for path in (CASES / "bad").glob("*.err")} == {path.stem for path in BAD}
    for case in BAD:
        text = case.with_suffix(".err").read_text(encoding="utf-8")
        assert text.endswith("\n") and all(line.startswith(f"{case.name}:") for line in text.splitlines()), case.name
    assert sum(1 for case in BAD if "-and-" in case.stem and len(expected_lines(case)) == 2) >= 7


@pytest.mark.parametrize("case", BAD, ids=[case.stem for case in BAD])
def test_bad_plan_gives_its_message(case: Path, runner: CliRunner, monkeypatch: pytest.MonkeyPatch) -> None:
    """`sendplan validate` prints exactly the expected located lines on stderr, nothing on stdout, exits 1."""
    result = run_in(case.parent, runner, monkeypatch, "validate", case.name)
    assert_clean_failure(result)
    assert result.stderr.splitlines() == expected_lines(case)


@pytest.mark.parametrize("case", BAD, ids=[case.stem for case in BAD])
def test_listing_commands_fail_the_same_way(case: Path, runner: CliRunner, monkeypatch: pytest.MonkeyPatch) -> None:
    """Commands that read the plan (here `overdue --json`) stop with the same message and no output."""
    result = run_in(case.parent, runner, monkeypatch, "overdue", "--plan", case.name, "--as-of", AS_OF, "--json")
    assert_clean_failure(result)
    assert result.stderr.splitlines() == expected_lines(case)


@pytest.mark.parametrize("case", BAD, ids=[case.stem for case in BAD])
def test_pure_python_loader_gives_the_same_message(
    case: Path, runner: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without libyaml (PyYAML's pure-Python SafeLoader) every case reads exactly the same."""
    monkeypatch.setattr(parse, "YamlLoader", yaml.SafeLoader)
    result = run_in(case.parent, runner, monkeypatch, "validate", case.name)
    assert_clean_failure(result)
    assert result.stderr.splitlines() == expected_lines(case)


def test_all_errors_are_reported_at_once_in_file_order(runner: CliRunner, monkeypatch: pytest.MonkeyPatch) -> None:
    """A file with three different mistakes gives three lines, in the order they appear in the file."""
    result = run_in(CASES / "bad", runner, monkeypatch, "validate", "three-errors.yaml")
    assert_clean_failure(result)
    lines = result.stderr.splitlines()
    assert [line.split(": ", 1)[0] for line in lines] == [
        "three-errors.yaml:2:3",
        "three-errors.yaml:17:23",
        "three-errors.yaml:19:21",
    ]
    assert 'unknown key "titel" — did you mean "title"?' in lines[0]
    assert '"Smarch 2022" is not a date' in lines[1]
    assert '"sleeping" is not a status' in lines[2]


def test_duplicate_keys_at_every_level_are_all_reported(write_plan: Callable[..., Path], run: Callable[..., Result]) -> None:
    """Duplicate keys at the top, in the leads and in an item are each reported where the repeat is."""
    text = (
        MINIMAL_PLAN.replace("    name: Anthony Giles\n", "    name: Anthony Giles\n    name: Tony Giles\n")
        .replace("            lead: AG\n", "            lead: AG\n            lead: CK\n")
        + "plan:\n  title: Again\n"
    )
    path = write_plan(text)
    result = run("validate", str(path))
    assert_clean_failure(result)
    assert [line.split(": ", 1)[0] for line in result.stderr.splitlines()] == [
        f"{path}:7:5",
        f"{path}:20:13",
        f"{path}:22:1",
    ]
    assert all("duplicate key" in line for line in result.stderr.splitlines())


@pytest.mark.parametrize("case", GOOD, ids=[case.stem for case in GOOD])
@pytest.mark.parametrize("loader", [yaml.CSafeLoader, yaml.SafeLoader], ids=["libyaml", "pure-python"])
def test_good_files_load(case: Path, loader: type, monkeypatch: pytest.MonkeyPatch) -> None:
    """A byte-order mark, CRLF line ends and YAML 1.1 words all load, with either YAML loader."""
    monkeypatch.setattr(parse, "YamlLoader", loader)
    loaded = read.load_plan(str(case))
    assert loaded.plan.tasks


@pytest.mark.parametrize("name", ["bom.yaml", "crlf.yaml", "bom-crlf.yaml"])
def test_bom_and_crlf_keep_line_numbers_right(name: str) -> None:
    """Positions in a file with a byte-order mark or CRLF line ends are the ones an editor shows."""
    loaded = read.load_plan(str(CASES / "good" / name))
    assert str(loaded.where("1.1", "deadline")) == f"{CASES / 'good' / name}:17:23"
    assert str(loaded.where("1.1")) == f"{CASES / 'good' / name}:13:13"
    assert loaded.plan.plan.title == "Test plan"  # no stray "\ufeff" or "\r"
    assert loaded.plan.tasks[0].deliverables[0].items[0].action == "Do the thing"


def test_yaml_1_1_words_stay_text() -> None:
    """`lead: NO`, `title: yes`, `id: 4.10`, `deadline: 2022-03-31` and `~` mean what a person means."""
    plan = read.load_plan(str(CASES / "good" / "yaml11-words.yaml")).plan
    task = plan.tasks[0]
    first, second, third = task.deliverables[0].items
    assert plan.plan.title == "yes"
    assert plan.plan.date.text == "2021-11-01"
    assert list(plan.leads) == ["NO", "ON"]
    assert (task.number, task.title, task.deliverables[0].title) == (10, "no", "on")
    assert (first.id, first.action, first.lead, first.deadline.text) == ("4.10", "off", "NO", "2022-03-31")
    assert (second.id, second.action, second.lead, second.success_criteria) == ("4.1", "1e3", "ON", ["~"])
    assert (third.action, third.deadline, third.lead) == (None, None, None)


# --- the file itself: missing, a folder, unreadable -------------------------------------


def test_missing_file(run: Callable[..., Result]) -> None:
    """A name that is not there says so and what to check."""
    result = run("validate", "nowhere.yaml")
    assert_clean_failure(result)
    assert result.stderr == (
        "nowhere.yaml: no such file. Check the name, or run sendplan in the folder that holds plan.yaml.\n"
    )


def test_missing_plan_from_environment(run: Callable[..., Result]) -> None:
    """$SENDPLAN_PLAN naming a missing file fails a listing command the same way."""
    result = run("list", "--as-of", AS_OF, env={"SENDPLAN_PLAN": "gone.yaml"})
    assert_clean_failure(result)
    assert result.stderr.startswith("gone.yaml: no such file.")


def test_folder(run: Callable[..., Result], tmp_path: Path) -> None:
    """A folder with no plan in it is named as such (a folder of plans is a portfolio)."""
    (tmp_path / "plans").mkdir()
    result = run("validate", "plans")
    assert_clean_failure(result)
    assert result.stderr == (
        "plans: this folder holds no plan files (names ending .yaml or .yml). Put the plans in it, or name a plan file.\n"
    )


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root can read a chmod 000 file")
def test_unreadable_file(run: Callable[..., Result], write_plan: Callable[..., Path]) -> None:
    """A file without read permission says permission denied."""
    path = write_plan(MINIMAL_PLAN)
    path.chmod(0)
    try:
        result = run("validate", str(path))
    finally:
        path.chmod(0o644)
    assert_clean_failure(result)
    assert result.stderr == f"{path}: permission denied: sendplan cannot read this file.\n"


@pytest.mark.parametrize(
    ("error", "message"),
    [
        (PermissionError(errno.EACCES, "Permission denied"), "permission denied: sendplan cannot read this file."),
        (OSError(errno.EIO, "Input/output error"), "cannot read the file: Input/output error."),
        (IsADirectoryError(errno.EISDIR, "Is a directory"), "this is a folder, not a plan file."),
    ],
    ids=["permission denied", "input/output error", "is a directory"],
)
def test_errors_opening_the_file(
    error: OSError, message: str, run: Callable[..., Result], write_plan: Callable[..., Path],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Failures when opening (even as root, where chmod 000 does not stop a read) become messages."""
    path = write_plan(MINIMAL_PLAN)

    def refuse(name: str) -> int:
        raise error

    monkeypatch.setattr(source, "open_plan_file", refuse)
    result = run("validate", str(path))
    assert_clean_failure(result)
    assert result.stderr.startswith(f"{path}: {message}")


def test_name_with_nul_character() -> None:
    """A name no file can have (it holds a NUL) is a PlanError, not a ValueError."""
    with pytest.raises(PlanError) as caught:
        read.load_plan("plan\x00.yaml")
    assert caught.value.problems[0].message == "this is not a usable file name. Check the name."


def test_binary_on_standard_input(run: Callable[..., Result]) -> None:
    """`--plan -` reading a PNG names it, located at <stdin>."""
    result = run("list", "--plan", "-", "--as-of", AS_OF, input=b"\x89PNG\r\n\x1a\n\x00\x00")
    assert_clean_failure(result)
    assert result.stderr.startswith("<stdin>:1:1: this is a PNG image, not a YAML text file.")


# --- resource limits ---------------------------------------------------------------------


def test_cap_is_generous_enough_for_a_big_plan() -> None:
    """The default cap leaves room for the 100,000-item benchmark plan (about 20 MB)."""
    assert source.MAX_PLAN_BYTES >= 20 * 1024 * 1024


def test_size_cap_from_environment(run: Callable[..., Result], write_plan: Callable[..., Path]) -> None:
    """A file over $SENDPLAN_MAX_BYTES is refused with its size and how to raise the limit."""
    path = write_plan(MINIMAL_PLAN)
    size = path.stat().st_size
    result = run("validate", str(path), env={"SENDPLAN_MAX_BYTES": "100"})
    assert_clean_failure(result)
    assert result.stderr == (
        f"{path}: the file is {size:,} bytes, larger than the 100 sendplan reads. "
        "If it really is a plan, raise the limit with SENDPLAN_MAX_BYTES.\n"
    )
    assert run("validate", str(path), env={"SENDPLAN_MAX_BYTES": str(size)}).exit_code == 0


def test_big_file_is_refused_before_it_is_read(
    run: Callable[..., Result], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A 100 MB (sparse) file is refused from its size alone: it is never opened, let alone parsed."""
    path = tmp_path / "huge.yaml"
    with path.open("wb") as stream:
        stream.truncate(100_000_000)
    opened: list[str] = []
    real_open = source.open_plan_file

    def spy(name: str) -> int:
        opened.append(name)
        return real_open(name)

    monkeypatch.setattr(source, "open_plan_file", spy)
    result = run("validate", "huge.yaml")
    assert_clean_failure(result)
    assert result.stderr.startswith("huge.yaml: the file is 100,000,000 bytes, larger than the 67,108,864")
    assert opened == []


class CountingStream:
    """A binary stream that records how many bytes were asked for and handed out."""

    def __init__(self, size: int) -> None:
        self.left = size
        self.handed_out = 0

    def read(self, size: int = -1) -> bytes:
        count = self.left if size < 0 else min(size, self.left)
        self.left -= count
        self.handed_out += count
        return b"a" * count


def test_standard_input_is_read_only_up_to_the_cap(monkeypatch: pytest.MonkeyPatch) -> None:
    """Standard input past the cap is refused after reading one byte more than the cap, not all of it."""
    monkeypatch.setenv("SENDPLAN_MAX_BYTES", "1000")
    stream = CountingStream(100_000_000)
    with pytest.raises(PlanError) as caught:
        source.read_source("-", stdin=stream)  # type: ignore[arg-type]
    assert stream.handed_out == 1001
    assert str(caught.value.problems[0].location) == "<stdin>"
    assert caught.value.problems[0].message.startswith("the file is larger than 1,000 bytes")


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("lots", 'SENDPLAN_MAX_BYTES="lots" is not a whole number of bytes.'),
        ("20MB", 'SENDPLAN_MAX_BYTES="20MB" is not a whole number of bytes.'),
        ("0", 'SENDPLAN_MAX_BYTES="0" must be a positive number of bytes.'),
        ("-5", 'SENDPLAN_MAX_BYTES="-5" must be a positive number of bytes.'),
        ("\x1b[2J", 'SENDPLAN_MAX_BYTES="\\x1b[2J" is not a whole number of bytes.'),
    ],
)
def test_bad_size_cap_setting(
    value: str, message: str, run: Callable[..., Result], write_plan: Callable[..., Path]
) -> None:
    """A size cap that is not a positive whole number is a clear error (exit 1), not a traceback."""
    path = write_plan(MINIMAL_PLAN)
    result = run("validate", str(path), env={"SENDPLAN_MAX_BYTES": value})
    assert_clean_failure(result)
    assert result.stderr == f"{message} Set it to a number such as 67108864, or unset it.\n"


def test_blank_size_cap_setting_means_the_default(run: Callable[..., Result], write_plan: Callable[..., Path]) -> None:
    """An empty $SENDPLAN_MAX_BYTES is treated as unset."""
    path = write_plan(MINIMAL_PLAN)
    assert run("validate", str(path), env={"SENDPLAN_MAX_BYTES": " "}).exit_code == 0


def billion_laughs(levels: int, width: int) -> str:
    lines = [f"a0: &a0 [{', '.join(['lol'] * width)}]"]
    lines += [f"a{n}: &a{n} [{', '.join([f'*a{n - 1}'] * width)}]" for n in range(1, levels + 1)]
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize("loader", [yaml.CSafeLoader, yaml.SafeLoader], ids=["libyaml", "pure-python"])
def test_alias_bomb_is_refused_without_expanding(loader: type, monkeypatch: pytest.MonkeyPatch) -> None:
    """20 levels of 20 aliases (20**20 strings if expanded) stop at the first alias, located."""
    monkeypatch.setattr(parse, "YamlLoader", loader)
    text = billion_laughs(20, 20)
    root = parse.compose(text, "bomb.yaml")
    distinct: set[int] = set()
    stack = [root]
    while stack:  # the composed graph shares nodes: it stays as small as the text
        node = stack.pop()
        if id(node) in distinct:
            continue
        distinct.add(id(node))
        if isinstance(node, yaml.MappingNode):
            stack.extend(child for pair in node.value for child in pair)
        elif isinstance(node, yaml.SequenceNode):
            stack.extend(node.value)
    assert len(distinct) < 500
    with pytest.raises(PlanError) as caught:
        load.parse_plan(text, "bomb.yaml")
    [problem] = caught.value.problems
    assert str(problem.location) == "bomb.yaml:2:10"
    assert problem.message.startswith('the alias "*a0" repeats a value anchored elsewhere (this file has 400 of them).')


def deep_block_mapping(depth: int) -> str:
    return "plan:\n" + "".join("  " * (level + 1) + f"k{level}:\n" for level in range(depth)) + "  " * (depth + 1) + "end\n"


@pytest.mark.parametrize(
    ("text", "where"),
    [  # 1000-deep flow and block lists are in the corpus (deep-flow, deep-block-list)
        ("plan: " + "[" * 100_000 + "\n", "1:71"),
        ("plan: " + "{a: " * 1000 + "}" * 1000 + "\n", "1:260"),
        (deep_block_mapping(1000), "65:129"),
    ],
    ids=["100000 open brackets", "1000-deep flow mapping", "1000-deep block mapping"],
)
@pytest.mark.parametrize("loader", [yaml.CSafeLoader, yaml.SafeLoader], ids=["libyaml", "pure-python"])
def test_deep_nesting_is_a_located_message(
    text: str, where: str, loader: type, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Nesting far past any plan stops where it passes 64 levels, with either loader, never a RecursionError."""
    monkeypatch.setattr(parse, "YamlLoader", loader)
    with pytest.raises(PlanError) as caught:
        load.parse_plan(text, "deep.yaml")
    [problem] = caught.value.problems
    assert str(problem.location) == f"deep.yaml:{where}"
    assert problem.message == "the file nests deeper than 64 levels here; a plan never needs that."


def test_nesting_at_the_limit_is_not_refused_for_depth() -> None:
    """Exactly 64 levels is allowed: the file is then judged as a plan, not as too deep."""
    with pytest.raises(PlanError) as caught:
        load.parse_plan("plan: " + "[" * 63 + "]" * 63 + "\n", "deep.yaml")
    assert "nests deeper" not in caught.value.problems[0].message


def test_readme_quotes_the_corpus_exactly() -> None:
    """Each message quoted in docs/exit-codes-and-errors.md's "When something is wrong" is a corpus case's real line."""
    readme = (REPO / "docs" / "exit-codes-and-errors.md").read_text(encoding="utf-8")
    section = readme.split("<!-- section: when something is wrong -->", 1)[1].split("<!-- section:", 1)[0]
    quoted = re.findall(r"^\s*- `([a-z0-9-]+\.yaml:\d+:\d+: .*)`$", section, re.MULTILINE)
    assert len(quoted) >= 10
    for line in quoted:
        case = CASES / "bad" / line.split(":", 1)[0]
        assert line in expected_lines(case)


@pytest.mark.parametrize(
    ("text", "where"),
    [
        ("plan: £ and \x07\n", "1:13"),
        ("plan: x\r\ntasks: \x1b[2J\r\n", "2:8"),
        ("plan: x\n\x9b\n", "2:1"),
    ],
    ids=["after a two-byte character", "CRLF line ends", "C1 at a line start"],
)
@pytest.mark.parametrize("loader", [yaml.CSafeLoader, yaml.SafeLoader], ids=["libyaml", "pure-python"])
def test_raw_control_character_is_located_in_characters(
    text: str, where: str, loader: type, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A raw control character is placed by line and character column (libyaml counts bytes)."""
    monkeypatch.setattr(parse, "YamlLoader", loader)
    with pytest.raises(PlanError) as caught:
        load.parse_plan(text, "plan.yaml")
    [problem] = caught.value.problems
    assert str(problem.location) == f"plan.yaml:{where}"
    assert "which YAML does not allow" in problem.message


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("deadline: Mar 2022", "deadline: Smarch " + "2" * 20_000),
        ("lead: AG", "lead: " + "A" * 20_000),
        ("status: not_started", "status: " + "q" * 20_000),
        ("action: Do the thing", "action: Do the " + "x" * 20_000),  # a placeholder warning
        ("action: Do the thing", "action: Do the thing\n            " + "k" * 900 + ": 1"),  # an unknown key (YAML keys stop at 1,024)
    ],
    ids=["deadline", "lead", "status", "placeholder", "key"],
)
def test_huge_values_are_quoted_short(
    old: str, new: str, write_plan: Callable[..., Path], run: Callable[..., Result]
) -> None:
    """A message quoting a 20,000-character value shows its start and "…", on one short line."""
    path = write_plan(MINIMAL_PLAN.replace(old, new))
    result = run("validate", str(path), "--as-of", AS_OF)
    assert result.stderr.strip()
    assert "…" in result.stderr
    assert all(len(line) < 400 for line in result.stderr.splitlines())
