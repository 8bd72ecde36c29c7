"""What a person at a terminal sees: a line an item, columns that say something, lateness in
readable units, the pager, wrapped findings and messages, and the bundled example announced.
The terminal is faked (sendplan.cli.pager.is_terminal); piped output is checked unchanged."""

from __future__ import annotations

import json
import shutil
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result

from sendplan.cli import pager
from sendplan.outputs.columns import lateness

AS_OF = "2021-11-01"
# A terminal 80 columns wide that shows no colour (TERM=dumb), as at a plain console.
SCREEN = {"COLUMNS": "80", "LINES": "200", "TERM": "dumb", "SENDPLAN_PAGER": "cat"}


@pytest.fixture
def terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    """Standard output is a terminal; standard error is not (so messages stay one line)."""
    monkeypatch.setattr(pager, "is_terminal", lambda stream: stream is sys.stdout)


@pytest.fixture
def both_terminals(monkeypatch: pytest.MonkeyPatch) -> None:
    """Standard output and standard error are both a terminal."""
    monkeypatch.setattr(pager, "is_terminal", lambda stream: stream in (sys.stdout, sys.stderr))


def item_lines(stdout: str) -> list[str]:
    """The table's body: the lines between the rule under the header and the blank line after."""
    lines = stdout.splitlines()
    start = next(index for index, line in enumerate(lines) if line.strip().startswith("─")) + 1
    end = lines.index("", start)
    return lines[start:end]


@pytest.mark.usefixtures("terminal")
def test_overdue_on_a_terminal_is_a_line_an_item(run: Callable[..., Result], bundled_plan: Path) -> None:
    """At 80 columns every overdue item is one line, whole id first, the action cut with "…"."""
    result = run("overdue", "--plan", str(bundled_plan), "--as-of", "2026-12-01", env=SCREEN)
    assert result.exit_code == 0
    body = item_lines(result.stdout)
    listed = run("overdue", "--plan", str(bundled_plan), "--as-of", "2026-12-01", "--json", env=SCREEN)
    expected = [row["id"] for row in json.loads(listed.stdout)]
    assert [line.split()[0] for line in body] == expected
    assert len(body) == len(expected) == 55
    assert all(len(line) <= 80 for line in result.stdout.splitlines())
    assert body[0].split()[:4] == ["4.2", "2020-10-31", "6y", "BB"]
    assert body[0].endswith("…")
    header = result.stdout.splitlines()[2].split()
    assert header == ["ID", "Due", "Late", "Lead", "Status", "RAG", "Action"]


@pytest.mark.usefixtures("terminal")
def test_wrap_shows_every_item_in_full(run: Callable[..., Result], bundled_plan: Path) -> None:
    """--wrap (or --full) gives the full view: the action and criteria wrapped, nothing cut."""
    for flag in ("--wrap", "--full"):
        result = run("overdue", "--plan", str(bundled_plan), "--as-of", AS_OF, flag, env=SCREEN)
        assert "Action / ✓ criteria" in result.stdout
        assert "✓ Briefings completed" in result.stdout
        assert "…" not in result.stdout
        assert all(len(line) <= 80 for line in result.stdout.splitlines())


def test_piped_output_is_as_it_was(run: Callable[..., Result], bundled_plan: Path) -> None:
    """Piped, a listing is tab-separated in full; --format table piped is the full wrapped table;
    --no-wrap gives the one-line view anywhere."""
    piped = run("overdue", "--plan", str(bundled_plan), "--as-of", AS_OF, env=SCREEN)
    assert piped.stdout.splitlines()[0].startswith("id\ttask\ttask_title\t")
    assert piped.stdout.splitlines()[1].split("\t")[:3] == ["4.2", "4", "consult on a banding system for implementation in the 2022/23 fy"]
    table = run("overdue", "--plan", str(bundled_plan), "--as-of", AS_OF, "--format", "table", env=SCREEN)
    assert "Action / ✓ criteria" in table.stdout and "…" not in table.stdout
    brief = run("overdue", "--plan", str(bundled_plan), "--as-of", AS_OF, "--format", "table", "--no-wrap", env=SCREEN)
    assert len(item_lines(brief.stdout)) == 6


@pytest.mark.usefixtures("terminal")
def test_columns_that_say_nothing_are_left_out(run: Callable[..., Result], bundled_plan: Path) -> None:
    """by-lead's title names the lead, so no Lead column; nothing due is late, so no Late column."""
    by_lead = run("by-lead", "CW", "--plan", str(bundled_plan), "--as-of", AS_OF, env=SCREEN)
    assert by_lead.stdout.splitlines()[2].split() == ["ID", "Due", "Status", "RAG", "Action"]
    assert "Late =" not in by_lead.stdout
    due = run("due", "--within", "3m", "--plan", str(bundled_plan), "--as-of", AS_OF, env=SCREEN)
    assert due.stdout.splitlines()[2].split() == ["ID", "Due", "Lead", "Status", "RAG", "Action"]
    overdue = run("overdue", "--plan", str(bundled_plan), "--as-of", AS_OF, env=SCREEN)
    assert "Late = time overdue: d days, mo months, y years." in overdue.stdout


@pytest.mark.usefixtures("terminal")
def test_a_narrow_terminal_leaves_out_the_status_first(run: Callable[..., Result], bundled_plan: Path) -> None:
    """At 60 columns the status (the RAG says enough) goes before any id is cut."""
    result = run("overdue", "--plan", str(bundled_plan), "--as-of", AS_OF, env={**SCREEN, "COLUMNS": "60"})
    assert result.stdout.splitlines()[2].split() == ["ID", "Due", "Late", "Lead", "RAG", "Action"]
    assert [line.split()[0] for line in item_lines(result.stdout)] == ["4.2", "5.1", "5.2", "6.1", "6.2", "5.3"]
    assert all(len(line) <= 60 for line in item_lines(result.stdout))


@pytest.mark.usefixtures("terminal")
def test_the_action_gets_the_room_the_columns_leave(run: Callable[..., Result], bundled_plan: Path) -> None:
    """Two spaces between columns, not three, and the late column written "12mo" like "32d": at 80
    columns the action of 4.2 (the first overdue) shows 30 characters, its first five words whole."""
    result = run("overdue", "--plan", str(bundled_plan), "--as-of", AS_OF, env=SCREEN)
    first = item_lines(result.stdout)[0]
    assert first.startswith(" 4.2  2020-10-31  12mo  BB    not started  red  ")
    assert first.endswith("complete an exercise to ensure…")
    assert len(first) == 79


@pytest.mark.usefixtures("terminal")
def test_the_status_makes_way_for_a_readable_action(run: Callable[..., Result], bundled_plan: Path, tmp_path: Path) -> None:
    """With PLAN:ID ids the status column would leave the action 13 characters at 80 columns: it
    is left out instead, so the action keeps at least 24."""
    (tmp_path / "recovery.yaml").write_bytes(bundled_plan.read_bytes())
    (tmp_path / "other-plan.yaml").write_bytes(bundled_plan.read_bytes())
    result = run("overdue", "--plan", str(tmp_path), "--as-of", AS_OF, env=SCREEN)
    assert result.stdout.splitlines()[2].split() == ["ID", "Due", "Late", "Lead", "RAG", "Action"]
    body = item_lines(result.stdout)
    assert body[0].split()[0] == "other-plan:4.2"
    action = body[0].split("red  ", 1)[1]
    assert len(action) >= 24 and action.endswith("…")


@pytest.mark.parametrize(
    ("days", "shown"),
    [
        pytest.param(1, "1d", id="a day"),
        pytest.param(91, "91d", id="three months in days"),
        pytest.param(92, "3mo", id="months from three"),
        pytest.param(366, "12mo", id="a year in months"),
        pytest.param(426, "14mo", id="fourteen months"),
        pytest.param(729, "23mo", id="just under two years"),
        pytest.param(730, "2y", id="years from two"),
        pytest.param(2222, "6y", id="six years"),
    ],
)
def test_lateness_in_readable_units(days: int, shown: str) -> None:
    """Days up to three months, then whole months, then whole years from two: one form, no space."""
    assert lateness(days) == shown


def test_the_bundled_example_is_announced(run: Callable[..., Result]) -> None:
    """With no plan of one's own, the bundled example says so on stderr, and never in the data."""
    result = run("overdue", "--as-of", AS_OF, "--json")
    assert result.stderr == (
        "Using the example plan bundled with sendplan (West Northamptonshire Council, Nov 2021). "
        "Start your own with: sendplan init\n"
    )
    assert [item["id"] for item in json.loads(result.stdout)][:2] == ["4.2", "5.1"]
    assert "bundled" not in run("list", "--as-of", AS_OF).stdout
    table = run("leads", "--as-of", AS_OF, "--format", "table")
    assert table.stdout.startswith("Leads as of 2021-11-01 · SEND recovery plan (bundled example)")


def test_a_plan_of_ones_own_is_not_announced(run: Callable[..., Result], bundled_plan: Path) -> None:
    """A plan named with --plan (even a copy of the example) is nobody's surprise: no line."""
    result = run("overdue", "--plan", str(bundled_plan), "--as-of", AS_OF, "--format", "table")
    assert result.stderr == ""
    assert "(bundled example)" not in result.stdout


@pytest.mark.usefixtures("both_terminals")
def test_the_announcement_wraps_on_a_terminal(run: Callable[..., Result]) -> None:
    """On a terminal the announcement wraps at words to the width."""
    result = run("leads", "--as-of", AS_OF, "--json", env=SCREEN)
    assert result.stderr.splitlines() == [
        "Using the example plan bundled with sendplan (West Northamptonshire Council,",
        "Nov 2021). Start your own with: sendplan init",
    ]


@pytest.mark.usefixtures("both_terminals")
def test_validate_wraps_findings_on_a_terminal(run: Callable[..., Result], bundled_plan: Path, tmp_path: Path) -> None:
    """On a terminal each finding wraps to the width at words, continuing under an indent."""
    shutil.copy(bundled_plan, tmp_path / "plan.yaml")
    result = run("validate", "plan.yaml", "--as-of", AS_OF, env=SCREEN)
    lines = result.stderr.splitlines()
    assert all(len(line) <= 80 for line in lines)
    assert lines[:5] == [
        'plan.yaml:166:56: warning: the action of item 3.2 holds the placeholder "xxx".',
        "    Write the real figure or words. [SP109]",
        'plan.yaml:175:46: warning: the action of item 3.3 holds the placeholder "£x m".',
        "    Write the real figure or words. [SP109]",
        'plan.yaml:199:23: warning: item 4.2\'s deadline "Oct 2020" (31 Oct 2020) is 13',
    ]
    assert sum(not line.startswith("    ") for line in lines) == 21  # a first line per finding
    assert result.stdout == "plan.yaml: valid (8 tasks, 57 items), 21 warnings\n"


def test_validate_piped_is_a_line_a_finding(run: Callable[..., Result], bundled_plan: Path) -> None:
    """Piped (editors, CI), every finding stays on one line, exactly as before."""
    result = run("validate", str(bundled_plan), "--as-of", AS_OF)
    lines = result.stderr.splitlines()
    assert len(lines) == 21
    assert lines[0] == (
        f'{bundled_plan}:166:56: warning: the action of item 3.2 holds the placeholder "xxx". '
        "Write the real figure or words. [SP109]"
    )


# ---------------------------------------------------------------------------------------
# The pager


@pytest.mark.parametrize(
    ("environ", "chosen"),
    [
        pytest.param({"SENDPLAN_PAGER": "most", "PAGER": "more"}, "most", id="SENDPLAN_PAGER first"),
        pytest.param({"PAGER": "more -s"}, "more -s", id="then PAGER"),
        pytest.param({"SENDPLAN_PAGER": "", "PAGER": "more"}, None, id="empty turns it off"),
        pytest.param({"PAGER": "cat"}, None, id="cat is no pager"),
        pytest.param({"TERM": "dumb"}, None, id="a dumb terminal gets none by default"),
        pytest.param({"TERM": "dumb", "PAGER": "more"}, "more", id="but one asked for is used"),
    ],
)
def test_pager_choice(environ: dict[str, str], chosen: str | None) -> None:
    """$SENDPLAN_PAGER, then $PAGER, then less -FRX; empty or cat means none."""
    assert pager.pager_command(environ) == chosen


def test_default_pager_is_less_that_quits_on_one_screen(monkeypatch: pytest.MonkeyPatch) -> None:
    """With nothing set, less -FRX (quit at once if it fits, colours, text left on screen)."""
    import shutil  # the pager imports it when it looks for less

    monkeypatch.setattr(shutil, "which", lambda name: f"/usr/bin/{name}")
    assert pager.pager_command({"TERM": "xterm"}) == "less -FRX"
    monkeypatch.setattr(shutil, "which", lambda name: None)
    assert pager.pager_command({"TERM": "xterm"}) is None


@pytest.mark.usefixtures("terminal")
def test_long_output_goes_through_the_pager(run: Callable[..., Result], bundled_plan: Path, tmp_path: Path) -> None:
    """Taller than the terminal, the listing goes to the pager (given less's defaults), not stdout."""
    paged = tmp_path / "paged.txt"
    settings = tmp_path / "less.txt"
    env = {**SCREEN, "LINES": "20", "SENDPLAN_PAGER": f"cat > {paged}; echo \"$LESS\" > {settings}"}
    env.pop("LESS", None)
    result = run("list", "--plan", str(bundled_plan), "--as-of", AS_OF, env=env)
    assert result.exit_code == 0
    assert result.stdout == ""
    text = paged.read_text(encoding="utf-8")
    assert text.startswith("Items as of 2021-11-01 · SEND recovery plan · 57 items")
    assert len(item_lines(text)) == 57
    assert settings.read_text(encoding="utf-8").strip() == "FRX"


@pytest.mark.usefixtures("terminal")
def test_short_output_and_no_pager_are_printed(run: Callable[..., Result], bundled_plan: Path, tmp_path: Path) -> None:
    """Output that fits the terminal, and any output with --no-pager (before or after the command),
    is printed straight out: the pager never runs."""
    paged = tmp_path / "paged.txt"
    env = {**SCREEN, "LINES": "20", "SENDPLAN_PAGER": f"cat > {paged}"}
    short = run("leads", "--plan", str(bundled_plan), "--as-of", AS_OF, env=env)
    assert short.stdout.startswith("Leads as of 2021-11-01")
    for args in (("list", "--no-pager"), ("--no-pager", "list")):
        result = run(*args, "--plan", str(bundled_plan), "--as-of", AS_OF, env=env)
        assert len(item_lines(result.stdout)) == 57
    assert not paged.exists()


def test_piped_output_never_pages(run: Callable[..., Result], bundled_plan: Path, tmp_path: Path) -> None:
    """Into a pipe, nothing is paged, however long."""
    paged = tmp_path / "paged.txt"
    result = run("list", "--plan", str(bundled_plan), "--as-of", AS_OF, env={"LINES": "5", "SENDPLAN_PAGER": f"cat > {paged}"})
    assert len(result.stdout.splitlines()) == 58
    assert not paged.exists()


def test_a_pager_that_is_not_installed_loses_nothing(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    """A pager named but not installed: the text is printed instead of vanishing."""
    pager.run_pager("no-such-pager-anywhere -x", "hello\n")
    assert capsys.readouterr().out == "hello\n"


@pytest.mark.usefixtures("terminal")
def test_a_report_on_the_screen_is_paged(run: Callable[..., Result], bundled_plan: Path, tmp_path: Path) -> None:
    """The Markdown report on a terminal is long: it goes through the pager too."""
    paged = tmp_path / "paged.txt"
    result = run("report", "--plan", str(bundled_plan), "--as-of", AS_OF, env={**SCREEN, "LINES": "30", "SENDPLAN_PAGER": f"cat > {paged}"})
    assert result.stdout == ""
    assert paged.read_text(encoding="utf-8").startswith("# Highlight report: SEND recovery plan")


@pytest.mark.usefixtures("both_terminals")
def test_usage_errors_wrap_on_a_terminal(run: Callable[..., Result], bundled_plan: Path) -> None:
    """On a terminal a usage error wraps at words (click left the terminal to break it mid-word)."""
    result = run("list", "--lead", "ZZ", "--plan", str(bundled_plan), "--as-of", AS_OF, env=SCREEN)
    assert result.exit_code == 2
    assert result.stderr.splitlines()[-2:] == [
        """Error: Invalid value for '--lead': "ZZ" is not a lead in this plan. Known""",
        "leads: CK, AG, CW, BB, DA.",
    ]


def test_usage_errors_piped_stay_one_line(run: Callable[..., Result], bundled_plan: Path) -> None:
    """Into a log, the same error is one line."""
    result = run("list", "--lead", "ZZ", "--plan", str(bundled_plan), "--as-of", AS_OF, env=SCREEN)
    assert result.stderr.splitlines()[-1] == (
        """Error: Invalid value for '--lead': "ZZ" is not a lead in this plan. Known leads: CK, AG, CW, BB, DA."""
    )


def test_validate_names_the_bundled_example_plainly(run: Callable[..., Result]) -> None:
    """validate on the bundled example names it by what it is, not by a folder deep in an installation."""
    result = run("validate", "--as-of", AS_OF)
    assert result.stdout == "plan.yaml (the example bundled with sendplan): valid (8 tasks, 57 items), 21 warnings\n"


@pytest.mark.usefixtures("terminal")
def test_validate_verdict_wraps_on_a_terminal(run: Callable[..., Result]) -> None:
    """Its verdict, longer than a terminal, wraps at words there."""
    assert run("validate", "--as-of", AS_OF, env=SCREEN).stdout.splitlines() == [
        "plan.yaml (the example bundled with sendplan): valid (8 tasks, 57 items), 21",
        "warnings",
    ]
