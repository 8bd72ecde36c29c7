"""No hang and no traceback at the edges: files that are not files, closed standard input,
absurd settings, the ends of the calendar, and Ctrl-C."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import click
import pytest
from click.testing import CliRunner, Result
from helpers import MINIMAL_PLAN, REPO
from hypothesis import given, settings
from hypothesis import strategies as st

import sendplan
from sendplan.cli import options
from sendplan.errors import PlanError
from sendplan.plan import source
from sendplan.plan.dates import MAX_YEAR, MIN_YEAR

AS_OF = "2022-06-01"
PACKAGE_PARENT = str(Path(sendplan.__file__).resolve().parent.parent)


def sendplan_process(*args: str, **kwargs: Any) -> subprocess.Popen[bytes]:
    """`python -m sendplan ARGS` in a child process, with its own empty cache."""
    env = {**os.environ, "PYTHONPATH": PACKAGE_PARENT, **kwargs.pop("env", {})}
    return subprocess.Popen(
        [sys.executable, "-m", "sendplan", *args], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, **kwargs
    )


def finished(process: subprocess.Popen[bytes], timeout: float = 60) -> tuple[int, str, str]:
    out, err = process.communicate(timeout=timeout)
    return process.returncode, out.decode(), err.decode()


def assert_one_clean_line(result: Result, code: int, start: str) -> None:
    assert result.exit_code == code, result.output
    assert "Traceback" not in result.stderr
    assert start in result.stderr


# --- plans that are not regular files -----------------------------------------------------


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")
@pytest.mark.parametrize("command", [["validate", "{path}"], ["overdue", "--plan", "{path}", "--as-of", AS_OF]])
def test_a_fifo_as_the_plan_is_refused_at_once(tmp_path: Path, command: list[str]) -> None:
    """A named pipe given as the plan is refused with a message, never opened to wait for a writer."""
    fifo = tmp_path / "plan.yaml"
    os.mkfifo(fifo)
    args = [part.format(path=fifo) for part in command]
    code, out, err = finished(sendplan_process(*args, cwd=tmp_path), timeout=30)
    assert code == 1
    assert out == ""
    assert err == (
        f"{fifo}: this is a named pipe (FIFO), not a plan file. sendplan reads plan files only (reading anything "
        "else could wait forever); name the plan's YAML file, or pipe the plan in with --plan -.\n"
    )


def test_a_device_is_refused(run: Callable[..., Result]) -> None:
    """/dev/zero would be read until the size cap; it is refused as a device without being opened."""
    result = run("validate", "/dev/zero")
    assert_one_clean_line(result, 1, "/dev/zero: this is a character device, not a plan file.")


@pytest.mark.skipif(not hasattr(socket, "AF_UNIX"), reason="needs Unix sockets")
def test_a_socket_is_refused(run: Callable[..., Result], tmp_path: Path) -> None:
    """A socket at the plan's name is refused as a socket."""
    path = tmp_path / "plan.yaml"
    server = socket.socket(socket.AF_UNIX)
    try:
        server.bind(str(path))
        result = run("validate", str(path))
    finally:
        server.close()
    assert_one_clean_line(result, 1, f"{path}: this is a socket, not a plan file.")


def test_a_name_swapped_for_a_fifo_after_the_stat_is_refused(
    tmp_path: Path, write_plan: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The open is non-blocking and the descriptor is checked again: a FIFO slipped in late never waits."""
    plan = write_plan(MINIMAL_PLAN)
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    real_open = source.open_plan_file
    monkeypatch.setattr(source, "open_plan_file", lambda name: real_open(str(fifo)))
    with pytest.raises(PlanError) as caught:
        source.read_source(str(plan))
    assert caught.value.problems[0].message.startswith("this is a named pipe (FIFO), not a plan file.")


def test_closed_standard_input_is_a_message() -> None:
    """`--plan -` with standard input closed says so and exits 1, instead of a traceback."""
    process = sendplan_process("overdue", "--plan", "-", "--as-of", AS_OF, stdin=subprocess.DEVNULL,
                               preexec_fn=lambda: os.close(0))  # fmt: skip
    code, out, err = finished(process)
    assert (code, out) == (1, "")
    assert err.startswith("<stdin>: standard input is closed, so there is no plan to read from it.")


def test_standard_input_that_cannot_be_read_is_a_message(monkeypatch: pytest.MonkeyPatch) -> None:
    """An error reading standard input (a terminal gone away) is located at <stdin>."""

    class Broken:
        def read(self, size: int) -> bytes:
            raise OSError(5, "Input/output error")

    with pytest.raises(PlanError) as caught:
        source.read_source("-", stdin=Broken())  # type: ignore[arg-type]
    assert str(caught.value.problems[0].location) == "<stdin>"
    assert caught.value.problems[0].message.startswith("cannot read standard input: Input/output error.")


# --- absurd settings ---------------------------------------------------------------------


@pytest.mark.parametrize("value", ["99999999999999999999", "9" * 5000, str(source.MAX_BYTES_CEILING + 1)])
def test_an_absurd_size_cap_is_a_message(value: str, run: Callable[..., Result], write_plan: Callable[..., Path]) -> None:
    """A size cap too big for any plan (or for Python to ask for) is refused in words, exit 1."""
    path = write_plan(MINIMAL_PLAN)
    result = run("validate", str(path), env={"SENDPLAN_MAX_BYTES": value})
    assert_one_clean_line(result, 1, "is more than any plan could need")


@pytest.mark.parametrize("columns", ["0", "1", "-5", "abc", "99999999999999999999"])
def test_any_terminal_width_still_draws_the_table(columns: str, run: Callable[..., Result], bundled_plan: Path) -> None:
    """$COLUMNS of 0 (rich would draw nothing), 1, negative, text or huge still shows every row."""
    result = run("overdue", "--plan", str(bundled_plan), "--as-of", AS_OF, "--format", "table", env={"COLUMNS": columns})
    assert result.exit_code == 0
    assert "4.2" in "".join(result.stdout.split())


# --- the ends of the calendar ---------------------------------------------------------------

EDGE_DAYS = ["9999-12-31", "0001-01-01", "Dec 9999", "1899-12-31", "2201-01-01"]


@pytest.mark.parametrize("day", EDGE_DAYS)
@pytest.mark.parametrize(
    "command",
    [["status"], ["due"], ["report"], ["overdue"], ["list"], ["timeline"], ["ics"], ["validate"], ["leads"]],
    ids=lambda command: command[0],
)
def test_as_of_outside_the_years_is_a_usage_error(
    command: list[str], day: str, run: Callable[..., Result], bundled_plan: Path
) -> None:
    """--as-of far outside 1900–2200 is refused at the option (exit 2), with the reason."""
    result = run(*command, "--plan", str(bundled_plan), "--as-of", day)
    assert_one_clean_line(result, 2, "is outside 1900–2200")


@pytest.mark.parametrize(
    "args",
    [
        ["due", "--within", "99999999m"],
        ["status", "--within", "99999999d"],
        ["report", "--ahead", "99999w"],
        ["list", "--due-before", "Dec 9999"],
        ["list", "--due-after", "0001-01-01"],
        ["report", "--since", "0001-01-01"],
    ],
    ids=" ".join,
)
def test_periods_and_bounds_at_the_edges_are_usage_errors(
    args: list[str], run: Callable[..., Result], bundled_plan: Path
) -> None:
    """Periods beyond a hundred years and bounds outside the years exit 2 with a message."""
    result = run(*args, "--plan", str(bundled_plan), "--as-of", AS_OF)
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("day", [f"{MIN_YEAR}-01-01", f"{MAX_YEAR}-12-31"])
@pytest.mark.parametrize(
    "command",
    [["status", "--within", "1200m"], ["due", "--within", "36500d"], ["report", "--ahead", "1200m"], ["report", "--format", "html"],
     ["ics"], ["timeline"], ["overdue", "--json"], ["validate"]],
    ids=" ".join,
)  # fmt: skip
def test_the_first_and_last_days_answer(
    command: list[str], day: str, run: Callable[..., Result], bundled_plan: Path
) -> None:
    """The first and last days of the range, with the longest periods, answer like any other day."""
    result = run(*command, "--plan", str(bundled_plan), "--as-of", day)
    assert result.exit_code in (0, 1), result.output  # validate exits 1 only with --strict
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    ("replace", "by", "where"),
    [
        ("date: Nov 2021", "date: Jan 0001", "3:9"),
        ("date: Nov 2021", "date: Dec 9999", "3:9"),
        ("deadline: Mar 2022", "deadline: Dec 9999", "17:23"),
        ("status: not_started", "status: complete\n            completed: 0001-01-01", "20:24"),
    ],
    ids=["plan dated Jan 0001", "plan dated Dec 9999", "deadline Dec 9999", "completed in year 1"],
)
@pytest.mark.parametrize("command", [["validate"], ["report"], ["ics"], ["report", "--format", "html"]], ids=" ".join)
def test_plans_dated_at_the_edges_are_refused_where_they_say_so(
    replace: str, by: str, where: str, command: list[str], run: Callable[..., Result], write_plan: Callable[..., Path]
) -> None:
    """A plan, deadline or completion date outside the years is a located load error (exit 1)."""
    path = write_plan(MINIMAL_PLAN.replace(replace, by))
    args = [*command, str(path)] if command == ["validate"] else [*command, "--plan", str(path), "--as-of", AS_OF]
    result = run(*args)
    assert_one_clean_line(result, 1, f"{path}:{where}: ")
    assert "is outside 1900–2200" in result.stderr


def test_a_revised_deadline_at_the_edge_is_refused_by_update(run: Callable[..., Result], write_plan: Callable[..., Path]) -> None:
    """`update --revise "Dec 9999"` is a usage error; the plan is not touched."""
    path = write_plan(MINIMAL_PLAN)
    before = path.read_bytes()
    result = run("update", "1.1", "--plan", str(path), "--revise", "Dec 9999", "--reason", "later")
    assert_one_clean_line(result, 2, "is outside 1900–2200")
    assert path.read_bytes() == before


def test_a_plan_spanning_the_whole_range_reports(run: Callable[..., Result], write_plan: Callable[..., Path]) -> None:
    """Deadlines in 1900 and in Dec 2200 still give a calendar, an HTML report and a timeline."""
    plan = MINIMAL_PLAN.replace("date: Nov 2021", "date: Jan 1900").replace(
        "            status: not_started\n",
        '            status: on_track\n            revised_deadline: Dec 2200\n            revision_reason: "Later"\n',
    )
    path = write_plan(plan.replace("deadline: Mar 2022", "deadline: 1 Jan 1900"))
    for command in (["ics"], ["report", "--format", "html"], ["timeline"], ["status"], ["overdue", "--json"]):
        result = run(*command, "--plan", str(path), "--as-of", "2200-12-31")
        assert result.exit_code == 0, (command, result.output)


# --- any value at the option parsers -----------------------------------------------------


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=30))
@pytest.mark.parametrize(
    "param", [options.DayParam("end"), options.DayParam("start"), options.PeriodParam(), options.DeadlineTextParam()],
    ids=["day end", "day start", "period", "deadline text"],
)  # fmt: skip
def test_option_types_accept_or_refuse_any_text(param: click.ParamType, text: str) -> None:
    """Any text at --as-of, --due-after, --within or --revise converts or is a usage error, nothing else."""
    with contextlib.suppress(click.BadParameter):
        param.convert(text, None, None)


@settings(max_examples=40, deadline=None)
@given(
    day=st.dates(min_value=date(MIN_YEAR, 1, 1), max_value=date(MAX_YEAR, 12, 31)),
    count=st.integers(min_value=0, max_value=1300),
    unit=st.sampled_from(["d", "w", "m"]),
    command=st.sampled_from(["due", "status", "report"]),
)
def test_any_day_and_period_answers_or_is_a_usage_error(day: date, count: int, unit: str, command: str) -> None:
    """Every day in the range with any period gives an answer (exit 0) or a usage error (exit 2)."""
    from sendplan import cli

    option = "--ahead" if command == "report" else "--within"
    args = [command, "--plan", str(REPO / "plan.yaml"), "--as-of", day.isoformat(), option, f"{count}{unit}"]
    result = CliRunner().invoke(cli.cli, args, catch_exceptions=False)
    assert result.exit_code in (0, 2), result.output


# --- Ctrl-C ------------------------------------------------------------------------------


def test_ctrl_c_in_a_command_is_one_line_and_exit_130(
    run: Callable[..., Result], bundled_plan: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A KeyboardInterrupt while a command runs becomes "sendplan: interrupted." and exit 130."""

    def interrupt(*args: object) -> None:
        raise KeyboardInterrupt

    from sendplan.cli import listings

    monkeypatch.setattr(listings, "open_plans", interrupt)
    result = run("overdue", "--plan", str(bundled_plan), "--as-of", AS_OF)
    assert (result.exit_code, result.stdout, result.stderr) == (130, "", "sendplan: interrupted.\n")


@pytest.mark.skipif(os.name != "posix", reason="sends SIGINT")
def test_ctrl_c_in_a_real_process_is_one_line_and_exit_130() -> None:
    """SIGINT to a sendplan waiting on standard input: one line on stderr, exit 130, no traceback."""
    process = sendplan_process("overdue", "--plan", "-", "--as-of", AS_OF, stdin=subprocess.PIPE)
    time.sleep(1.5)  # past start-up: it is reading standard input
    process.send_signal(signal.SIGINT)
    code, out, err = finished(process)
    assert (code, out, err) == (130, "", "sendplan: interrupted.\n")


# --- a plan too big to read ----------------------------------------------------------------


def lean_plan(items: int, *, flow: bool = False) -> str:
    """A plan of *items* items of an id and a status each, in block or flow style."""
    lines = ["plan:", "  title: Lean", "tasks:", "  - number: 1", "    title: T", "    deliverables:", "      - title: D", "        items:"]
    for number in range(1, items + 1):
        if flow:
            lines.append(f'          - {{id: "1.{number}", status: done}}')
        else:
            lines += [f'          - id: "1.{number}"', "            status: done"]
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize("flow", [False, True], ids=["block", "flow"])
def test_too_many_items_are_refused_before_parsing(
    flow: bool, run: Callable[..., Result], write_plan: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A plan past SENDPLAN_MAX_ITEMS is refused up front, naming the limit; no YAML is read."""
    from sendplan.plan import load

    path = write_plan(lean_plan(120, flow=flow))
    monkeypatch.setattr(load, "_read_yaml", lambda *args: pytest.fail("the plan was parsed"))
    monkeypatch.setattr("sendplan.plan.scan.scan", lambda *args: pytest.fail("the plan was scanned"))
    result = run("overdue", "--plan", str(path), "--as-of", AS_OF, env={"SENDPLAN_MAX_ITEMS": "100"})
    assert_one_clean_line(result, 1, f"{path}: the plan holds about 120 items, more than the 100 sendplan reads")
    assert "raise the limit with SENDPLAN_MAX_ITEMS" in result.stderr


def test_items_up_to_the_limit_are_read(run: Callable[..., Result], write_plan: Callable[..., Path]) -> None:
    """At the limit a plan is read as any other (the count is of items, not of other "id:" text)."""
    text = lean_plan(100).replace("title: T\n", "title: T\n    # paid: valid: and ids: in a comment are not items\n")
    path = write_plan(text)
    result = run("list", "--plan", str(path), "--as-of", AS_OF, "--json", env={"SENDPLAN_MAX_ITEMS": "100"})
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize(("value", "message"), [("lots", "is not a whole number of items"), ("-1", "must be a positive number of items"),
                                                ("99999999999999999999", "is more than any plan could need")])  # fmt: skip
def test_bad_item_limits_are_messages(
    value: str, message: str, run: Callable[..., Result], write_plan: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    """SENDPLAN_MAX_ITEMS is read like SENDPLAN_MAX_BYTES: a bad value is a message, exit 1."""
    from sendplan.plan import source

    monkeypatch.setattr(source, "MAX_PLAN_ITEMS", 10)  # so that the setting is read for a small plan
    path = write_plan(lean_plan(5))
    result = run("validate", str(path), env={"SENDPLAN_MAX_ITEMS": value})
    assert_one_clean_line(result, 1, f'SENDPLAN_MAX_ITEMS="{value}" {message}')
