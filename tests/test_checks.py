"""Plan health checks: each check on a small plan written for it, the real findings on the
bundled plan (located against the file's own lines), and `validate`'s options and formats."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from click.testing import Result
from helpers import MINIMAL_PLAN, REPO
from hypothesis import given, settings
from hypothesis import strategies as st

from sendplan.errors import Location, Problem, Severity
from sendplan.outputs.problems import format_github, format_parsable
from sendplan.plan.checks.registry import CHECKS, run_checks
from sendplan.plan.checks.words import fold
from sendplan.plan.load import parse_plan
from sendplan.plan.read import load_plan
from sendplan.plan.starter import starter_text

AS_OF = "2021-11-01"
DAY = date(2021, 11, 1)

# Lines 1-12; the first item starts on line 13, its "id" key in column 13.
HEAD = """\
plan:
  title: Test plan
  date: Nov 2021
leads:
  AG:
    name: Anthony Giles
tasks:
  - number: 1
    title: First task
    deliverables:
      - title: A deliverable
        items:
"""


def item(
    item_id: str = "1.1",
    *,
    action: str | None = "Do the thing",
    criteria: tuple[str, ...] | None = ("The thing is done",),
    deadline: str | None = "Mar 2022",
    lead: str | None = "AG",
    status: str = "not_started",
    extra: str = "",
) -> str:
    """One item's YAML in HEAD's items list: id, action, criteria, deadline, lead, status, extra lines."""
    lines = [f'          - id: "{item_id}"']
    if action is not None:
        lines.append(f"            action: {action}")
    if criteria is not None:
        lines.append("            success_criteria:")
        lines += [f"              - {text}" for text in criteria]
    if deadline is not None:
        lines.append(f"            deadline: {deadline}")
    if lead is not None:
        lines.append(f"            lead: {lead}")
    lines.append(f"            status: {status}")
    lines += [f"            {line}" for line in extra.splitlines()]
    return "\n".join(lines) + "\n"


# The small plans here have no glossary; SP115 (undefined abbreviations) is tested with the reports.
GLOSSARY_CHECK = ("SP115",)


def found(text: str, as_of: date = DAY, ignore: tuple[str, ...] = ()) -> list[tuple[str, str, str | None]]:
    """(code, "line:col", item id) of each shown finding for plan *text*, in file order."""
    loaded = parse_plan(text, "p.yaml")
    return [
        (p.code or "", f"{p.location.line}:{p.location.column}" if p.location else "", p.item_id)
        for p in run_checks(loaded, as_of, (*ignore, *GLOSSARY_CHECK)).shown
    ]


def messages(text: str, as_of: date = DAY) -> list[str]:
    return [p.message for p in run_checks(parse_plan(text, "p.yaml"), as_of, GLOSSARY_CHECK).shown]


def test_a_complete_plan_has_no_findings() -> None:
    """The minimal plan with a lead, deadline, action and criterion is healthy."""
    assert found(MINIMAL_PLAN) == []
    assert found(HEAD + item()) == []


# --- SMART gaps (SP101-SP104) -----------------------------------------------------------


def test_item_with_nothing_but_an_id() -> None:
    """No lead, deadline, criterion or action: four findings at the item, and AG owns nothing."""
    text = HEAD + item(action=None, criteria=None, deadline=None, lead=None)
    assert found(text) == [
        ("SP106", "5:3", None),
        ("SP101", "13:13", "1.1"),
        ("SP102", "13:13", "1.1"),
        ("SP103", "13:13", "1.1"),
        ("SP104", "13:13", "1.1"),
    ]
    text_messages = messages(text)
    assert text_messages[1].startswith("item 1.1 has no lead, so nobody is accountable for it.")
    assert 'Add "deadline:"' in text_messages[2]
    assert 'Add "success_criteria:"' in text_messages[3]
    assert 'Add "action:"' in text_messages[4]


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"lead": None}, [("SP106", "5:3", None), ("SP101", "13:13", "1.1")]),
        ({"deadline": None}, [("SP102", "13:13", "1.1")]),
        ({"criteria": None}, [("SP103", "13:13", "1.1")]),
        ({"action": None}, [("SP104", "13:13", "1.1")]),
    ],
    ids=["no lead", "no deadline", "no success criterion", "no action"],
)
def test_each_smart_gap_alone(changes: dict[str, None], expected: list[tuple[str, str, str | None]]) -> None:
    """Leaving out one part of an item gives exactly that check's finding."""
    assert found(HEAD + item(**changes)) == expected  # type: ignore[arg-type]


def test_dropped_items_need_no_lead_deadline_or_criterion() -> None:
    """A dropped item is not reported for gaps; a complete one still is."""
    assert found(HEAD + item() + item("1.2", action=None, criteria=None, deadline=None, lead=None, status="dropped")) == []
    complete = item("1.2", criteria=("Other",), deadline=None, status="complete", extra="completed: 2021-10-01")
    assert found(HEAD + item() + complete) == [("SP102", "20:13", "1.2")]


def test_empty_criterion_is_a_placeholder_not_a_missing_criterion() -> None:
    """`- ""` is an empty bullet (SP109) at the bullet, not "no success criterion" (SP103)."""
    assert found(HEAD + item(criteria=('""',))) == [("SP109", "16:17", "1.1")]
    assert messages(HEAD + item(criteria=('""',))) == [
        "success criterion 1 of item 1.1 is an empty bullet. Write it, or delete the line."
    ]


# --- Leads (SP105, SP106) ------------------------------------------------------------------


def test_lead_not_in_the_key() -> None:
    """A lead code missing from `leads:` is reported at the item's lead, naming the known codes."""
    text = HEAD + item() + item("1.2", criteria=("Other",), lead="DA")
    assert found(text) == [("SP105", "25:19", "1.2")]
    assert messages(text) == [
        ('item 1.2 is led by "DA", who is not in the plan\'s leads (known: AG). '
        'Add DA under "leads:" with a name, or correct the code.')
    ]


def test_lead_in_the_key_who_owns_nothing() -> None:
    """A lead under `leads:` who leads no item is reported at their code, as written in the file."""
    text = HEAD.replace("leads:\n", "leads:\n  cw:\n    name: Chris Wickens\n") + item()
    assert found(text) == [("SP106", "5:3", None)]
    assert messages(text) == ['lead CW (Chris Wickens) owns no item. Give them the items they lead, or remove them from "leads:".']


# --- Dates (SP107, SP108) ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("deadline", "reported"),
    [
        ("Oct 2020", True),
        ("Jul 2021", True),  # falls due 31 Jul, before 1 Aug: more than 3 months before Nov 2021
        ("Aug 2021", False),  # within the 3 months' grace: recent work the plan records
        ("29 Oct 21", False),
        ("Nov 2021", False),
        ("every January", False),
    ],
)
def test_deadline_before_the_plan_date(deadline: str, reported: bool) -> None:
    """Deadlines more than grace_months (3) before the plan's month are reported; recent ones are not."""
    result = found(HEAD + item(deadline=deadline))
    assert result == ([("SP107", "17:23", "1.1")] if reported else [])


def test_deadline_before_the_plan_date_message_and_grace_setting() -> None:
    """The message gives the date and the gap in months; `checks: grace_months` widens the grace."""
    text = HEAD + item(deadline="Oct 2020")
    assert messages(text) == [
        ('item 1.1\'s deadline "Oct 2020" (31 Oct 2020) is 13 months before the plan\'s date (Nov 2021). '
        "Check the year; if it is right, mark the item complete.")
    ]
    relaxed = HEAD.replace("tasks:\n", "checks:\n  grace_months: 4\ntasks:\n") + item(deadline="Jul 2021")
    assert found(relaxed) == []


@pytest.mark.parametrize(
    ("deadline", "reported"),
    [("Oct 2026", False), ("Nov 2026", True), ("Mar 2032", True)],
)
def test_deadline_beyond_the_horizon(deadline: str, reported: bool) -> None:
    """A deadline in or after the month five years on from the plan's month is implausible."""
    assert found(HEAD + item(deadline=deadline)) == ([("SP108", "17:23", "1.1")] if reported else [])


def test_horizon_setting_and_revised_deadlines() -> None:
    """`checks: horizon_years` moves the horizon; a revised deadline is checked at its own line."""
    settings = HEAD.replace("tasks:\n", "checks:\n  horizon_years: 20\ntasks:\n")
    assert found(settings + item(deadline="Mar 2032")) == []
    revised = item(extra="revised_deadline: Mar 2032\nrevision_reason: funding moved")
    assert found(HEAD + revised) == [("SP108", "20:31", "1.1")]
    assert messages(HEAD + revised)[0].startswith('item 1.1\'s revised deadline "Mar 2032" (31 Mar 2032) is more than 5 years')


def test_no_plan_date_means_no_date_checks() -> None:
    """Without a plan date there is nothing to measure deadlines against."""
    assert found(HEAD.replace("  date: Nov 2021\n", "") + item(deadline="Oct 1999")) == []


# --- Placeholders (SP109) -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("action", "placeholder", "column"),
    [
        ("Create xxx places", "xxx", 28),
        ("Oversee the £x m programme", "£x m", 33),
        ('"Budget: £xx"', "£xx", 30),
        ("Owner TBC", "TBC", 27),
        ("Report to tbd board", "tbd", 31),
        ("Open ?? schools", "??", 26),
        ("'Wait for XXXX'", "XXXX", 31),
    ],
)
def test_placeholder_in_an_action(action: str, placeholder: str, column: int) -> None:
    """Each placeholder is reported at its own column in the action, quoted or plain."""
    text = HEAD + item(action=action)
    assert found(text) == [("SP109", f"14:{column}", "1.1")]
    assert messages(text) == [f'the action of item 1.1 holds the placeholder "{placeholder}". Write the real figure or words.']


@pytest.mark.parametrize("action", ["Exxxon visit", "Agree £5m budget", "Use the TBCS system", "Is it done?"])
def test_words_that_only_contain_placeholder_letters(action: str) -> None:
    """xxx inside a word, a real amount, a longer word or a single ? are not placeholders."""
    assert found(HEAD + item(action=action)) == []


def test_placeholders_in_titles_criteria_and_empty_action() -> None:
    """Task and deliverable titles, criteria and an empty action are read too."""
    text = HEAD.replace("title: First task", "title: Task xxx").replace("title: A deliverable", "title: TBC") + item(
        action='""', criteria=("Done by ??", "Done")
    )
    assert found(text) == [
        ("SP109", "9:17", None),
        ("SP109", "11:16", None),
        ("SP109", "14:21", "1.1"),
        ("SP109", "16:25", "1.1"),
    ]
    assert messages(text)[2] == "the action of item 1.1 is empty. Write it, or delete the line."


# --- Duplicates (SP110) ------------------------------------------------------------------


def test_repeated_criterion_names_both_places() -> None:
    """A criterion repeated with other case and punctuation is reported at the repeat, naming the first."""
    text = HEAD + item(criteria=("Costs reduced;",)) + item("1.2", action="Other", criteria=("costs  REDUCED",))
    assert found(text) == [("SP110", "23:17", "1.2")]
    assert messages(text) == [
        ('a success criterion of item 1.2 ("costs REDUCED") repeats a success criterion of item 1.1 at line 16. '
        "Delete the repeat, or reword one to say what is different.")
    ]


def test_shared_action_within_a_deliverable_is_not_a_repeat_but_across_is() -> None:
    """One action split over two deadlines is fine; the same action under another deliverable is not."""
    second = item("1.2", criteria=("Other outcome",))
    other_deliverable = "      - title: Another deliverable\n        items:\n" + item(
        "1.3", action="do the thing.", criteria=("Third outcome",)
    )
    assert found(HEAD + item() + second) == []
    assert found(HEAD + item() + second + other_deliverable) == [("SP110", "30:21", "1.3")]
    assert "repeats the action of item 1.1 at line 14" in messages(HEAD + item() + second + other_deliverable)[0]


def test_repeated_deliverable_with_filler_words_folded() -> None:
    """'WN LA is able to…' repeats 'WN LA able to…': filler words are folded like case and punctuation."""
    assert fold("WN LA is able to evidence: CYP are placed.") == fold("wn la able to evidence CYP placed")
    assert fold("Desk top analysis - any anomalies") == fold("Desk top analysis. Any anomalies")
    repeat = "      - title: A  Deliverable!\n        items:\n" + item("1.2", action="Other", criteria=("Other",))
    assert found(HEAD + item() + repeat) == [("SP110", "20:16", None)]
    assert messages(HEAD + item() + repeat)[0].startswith(
        'a deliverable of task 1 ("A Deliverable!") repeats a deliverable of task 1 at line 11.'
    )


# --- Look-alike letters (SP111) --------------------------------------------------------


def test_cyrillic_lead_codes_and_dates_are_reported_with_the_latin_spelling() -> None:
    """The loader reads Cyrillic СК and Ост as CK and Oct; the check points at the raw text."""
    text = (
        HEAD.replace("  AG:\n", "  \u0421\u041a:\n")
        + item(lead="\u0441\u043a", deadline="\u041e\u0441\u0442 2022")
    )
    assert found(text) == [("SP111", "5:3", None), ("SP111", "17:23", "1.1"), ("SP111", "18:19", "1.1")]
    assert messages(text) == [
        ('the lead code "СК" has letters that only look Latin: Cyrillic С (U+0421), Cyrillic К (U+041A). '
        'Retype it in Latin letters: "CK".'),
        ('the deadline "Ост 2022" in item 1.1 has letters that only look Latin: Cyrillic О (U+041E), '
        'Cyrillic с (U+0441), Cyrillic т (U+0442). Retype it in Latin letters: "Oct 2022".'),
        ('the lead "ск" in item 1.1 has letters that only look Latin: Cyrillic с (U+0441), Cyrillic к (U+043A). '
        'Retype it in Latin letters: "ck".'),
    ]


def test_greek_letters_in_the_plan_date_and_completed_date() -> None:
    """Greek Ν and Ο in the plan's date, and Cyrillic letters in a completed date, are found."""
    text = HEAD.replace("date: Nov 2021", "date: \u039d\u03bfv 2021") + item(
        status="complete", extra="completed: 1 \u041c\u0430r 2022"
    )
    result = found(text, as_of=date(2022, 4, 1))
    assert result == [("SP111", "3:9", None), ("SP111", "20:24", "1.1")]
    assert "Greek Ν (U+039D), Greek ο (U+03BF)" in messages(text, as_of=date(2022, 4, 1))[0]


def test_lookalikes_in_free_text_are_not_codes() -> None:
    """Cyrillic in an action is someone's words, not a code: not reported."""
    assert found(HEAD + item(action="Переклад СК")) == []


# --- Completion (SP112, SP113) ----------------------------------------------------------


def test_complete_item_without_a_completed_date() -> None:
    """status: complete with no completed date is reported at the status."""
    assert found(HEAD + item(status="complete")) == [("SP112", "19:21", "1.1")]
    assert found(HEAD + item(status="done", extra="completed: 2021-10-30")) == []


@pytest.mark.parametrize(("as_of", "reported"), [(date(2022, 4, 1), True), (date(2022, 5, 1), False)])
def test_completed_date_after_as_of(as_of: date, reported: bool) -> None:
    """A completed date after the day of the check is reported; on that day or before it is not."""
    text = HEAD + item(status="complete", extra="completed: 2022-05-01")
    assert found(text, as_of=as_of) == ([("SP113", "20:24", "1.1")] if reported else [])


# --- Ratings set by hand that the facts have overtaken (SP119) ----------------------------


@pytest.mark.parametrize(
    ("status", "rag", "deadline", "as_of", "reported"),
    [
        pytest.param("complete", "red", "Mar 2022", date(2022, 1, 1), True, id="complete but red"),
        pytest.param("complete", "amber", "Mar 2022", date(2022, 1, 1), True, id="complete but amber"),
        pytest.param("complete", "blue", "Mar 2022", date(2022, 1, 1), False, id="complete and blue"),
        pytest.param("on_track", "amber", "Mar 2022", date(2022, 4, 1), True, id="overdue but amber"),
        pytest.param("on_track", "green", "Mar 2022", date(2022, 4, 1), True, id="overdue but green"),
        pytest.param("on_track", "blue", "Mar 2022", date(2022, 4, 1), True, id="overdue but blue"),
        pytest.param("on_track", "red", "Mar 2022", date(2022, 4, 1), False, id="overdue and red"),
        pytest.param("on_track", "amber", "Mar 2022", date(2022, 3, 31), False, id="due that day is not overdue"),
        pytest.param("dropped", "red", "Mar 2022", date(2022, 4, 1), False, id="dropped"),
        pytest.param("on_track", "amber", "every March", date(2022, 4, 1), True, id="a yearly deadline passed"),
    ],
)
def test_a_rating_set_by_hand_that_the_facts_contradict(
    status: str, rag: str, deadline: str, as_of: date, reported: bool
) -> None:
    """A rating set by hand is reported, at its rag line, when the item is complete but not blue or overdue but not red."""
    completed = "\ncompleted: 2021-12-01" if status == "complete" else ""
    text = HEAD + item(deadline=deadline, status=status, extra=f"rag: {rag}\nrag_reason: Imported{completed}")
    codes = [entry for entry in found(text, as_of=as_of) if entry[0] == "SP119"]
    assert codes == ([("SP119", "20:18", "1.1")] if reported else [])


def test_the_overtaken_rating_messages_say_what_reports_show_and_what_to_run() -> None:
    """Both messages give the rating, its reason and the command that removes it."""
    done = HEAD + item(status="complete", extra="rag: red\nrag_reason: \"Imported: Red\"\ncompleted: 2022-01-10")
    assert messages(done, as_of=date(2022, 2, 1)) == [
        ('item 1.1 is complete but its RAG is set by hand to red ("Imported: Red"), so reports show it red. '
        "Remove the rating: sendplan update 1.1 --rag rule.")
    ]
    late = HEAD + item(extra="rag: amber\nrag_reason: \"Imported: A\"")
    assert messages(late, as_of=date(2022, 4, 10)) == [
        ('item 1.1 is overdue (due 31 Mar 2022, 10 days ago) but its RAG is set by hand to amber ("Imported: A"), so '
        "reports show it amber, not red. Remove the rating (sendplan update 1.1 --rag rule) or revise the deadline.")
    ]


# --- The checks section (SP114) and ignoring ---------------------------------------------


def test_unknown_code_in_the_plans_ignore_list() -> None:
    """A code that is not a check is reported with a suggestion; codes and names both work."""
    text = HEAD.replace("tasks:\n", "checks:\n  ignore: [SP11O, no-lead, sp102]\ntasks:\n") + item(lead=None, deadline=None)
    assert found(text) == [("SP106", "5:3", None), ("SP114", "8:12", None)]
    assert messages(text)[1:] == [
        ('"checks: ignore" names "SP11O", which is not a check, so it silences nothing. '
        "Did you mean SP110? Checks are SP101 to SP119.")
    ]


def test_ignore_from_the_command_line_and_the_plan() -> None:
    """Ignored findings are kept apart, not lost: run_checks returns them as ignored."""
    loaded = parse_plan(HEAD.replace("tasks:\n", "checks:\n  ignore: [SP104]\ntasks:\n") + item(action=None, lead=None), "p.yaml")
    result = run_checks(loaded, DAY, ("no-lead", "SP106"))
    assert result.shown == ()
    assert sorted(p.code or "" for p in result.ignored) == ["SP101", "SP104", "SP106"]


# --- The registry and the table in docs/checks.md ------------------------------------------


def test_registry_codes_names_and_docs() -> None:
    """Codes run SP101 up without gaps; every check has a name, a meaning and a fix."""
    assert list(CHECKS) == [f"SP{number}" for number in range(101, 101 + len(CHECKS))]
    names = [check.name for check in CHECKS.values()]
    assert len(set(names)) == len(names)
    for check in CHECKS.values():
        assert re.fullmatch(r"[a-z]+(-[a-z]+)*", check.name)
        assert check.meaning and check.fix, check.code
        assert check.severity is Severity.WARNING


def readme_table() -> str:
    lines = ["| code | name | severity | meaning | how to fix |", "|---|---|---|---|---|"]
    lines += [
        f"| `{c.code}` | `{c.name}` | {c.severity.value} | {c.meaning.replace('|', '/')} | {c.fix.replace('|', '/')} |"
        for c in CHECKS.values()
    ]
    return "\n".join(lines) + "\n"


def test_readme_table_matches_the_checks() -> None:
    """docs/checks.md's table of check codes is exactly the one built from the checks' docstrings."""
    readme = (REPO / "docs" / "checks.md").read_text(encoding="utf-8")
    assert readme_table() in readme, "docs/checks.md's table is stale; paste this:\n" + readme_table()


# --- The bundled plan's real findings ---------------------------------------------------

PLAN_LINES = (REPO / "plan.yaml").read_text(encoding="utf-8").splitlines()


def line_of(text: str, after: str | None = None) -> int:
    """The 1-based line of the first line containing *text* (after the line containing *after*)."""
    start = 0 if after is None else line_of(after)
    return next(n for n, line in enumerate(PLAN_LINES, 1) if n > start and text in line)


def item_line(item_id: str) -> int:
    return line_of(f'- id: "{item_id}"')


def test_bundled_plan_findings_are_the_real_gaps() -> None:
    """Each gap the seed really has is reported, at its line in plan.yaml, and nothing else."""
    loaded = load_plan(str(REPO / "plan.yaml"))
    result = [(p.code, p.location.line if p.location else None, p.item_id) for p in run_checks(loaded, DAY).shown]
    expected = [
        ("SP109", line_of("up to xxx additional"), "3.2"),
        ("SP109", line_of("the £x m programme"), "3.3"),
        ("SP107", line_of("deadline: Oct 2020"), "4.2"),
        ("SP101", item_line("4.5"), "4.5"),
        ("SP101", item_line("4.6"), "4.6"),
        ("SP104", item_line("4.8"), "4.8"),
        ("SP110", line_of('- "Briefings completed"', after='- id: "5.2"'), "5.2"),
        ("SP101", item_line("6.4"), "6.4"),
        ("SP109", line_of('- ""'), "6.6"),
        ("SP103", item_line("6.7"), "6.7"),
        ("SP101", item_line("7.7"), "7.7"),
        ("SP102", item_line("7.7"), "7.7"),
        ("SP104", item_line("7.7"), "7.7"),
        ("SP101", item_line("7.8"), "7.8"),
        ("SP102", item_line("7.8"), "7.8"),
        ("SP104", item_line("7.8"), "7.8"),
        ("SP110", line_of('"Containment or reduction in costs for current placements"'), "8.4"),
        ("SP110", line_of('title: "WN LA is able to evidence'), None),
        ("SP110", line_of("first line of assurance. Any anomalies"), "8.5"),
        ("SP104", item_line("8.6"), "8.6"),
        ("SP105", line_of("lead: DA"), "8.6"),
    ]
    assert result == expected
    assert not [p for p in run_checks(loaded, DAY).shown if p.item_id in ("5.1", "5.3", "6.1", "6.2")]


def test_bundled_plan_columns_point_at_the_value() -> None:
    """Columns point at the value itself: the placeholder inside the action, the DA after "lead: "."""
    loaded = load_plan(str(REPO / "plan.yaml"))
    by_item = {(p.code, p.item_id): p.location for p in run_checks(loaded, DAY).shown}
    for (code, item_id), expected in [(("SP109", "3.2"), "xxx"), (("SP109", "3.3"), "£x m"), (("SP105", "8.6"), "DA")]:
        location = by_item[(code, item_id)]
        assert location is not None and location.line is not None and location.column is not None
        line = PLAN_LINES[location.line - 1]
        assert line[location.column - 1 :].startswith(expected), (code, item_id)


# --- The command ----------------------------------------------------------------------


def test_validate_lists_warnings_on_stderr_and_exits_0(run: Callable[..., Result], bundled_plan: Path) -> None:
    """Warnings go to stderr as FILE:LINE:COL: warning: …; the verdict goes to stdout; exit 0."""
    result = run("validate", str(bundled_plan), "--as-of", AS_OF)
    assert result.exit_code == 0
    assert result.stdout == f"{bundled_plan}: valid (8 tasks, 57 items), 21 warnings\n"
    lines = result.stderr.splitlines()
    assert len(lines) == 21
    assert lines[2] == (
        f"{bundled_plan}:{line_of('deadline: Oct 2020')}:23: warning: item 4.2's deadline \"Oct 2020\" (31 Oct 2020) "
        "is 13 months before the plan's date (Nov 2021). Check the year; if it is right, mark the item complete. [SP107]"
    )


def test_strict_makes_warnings_fail(run: Callable[..., Result], bundled_plan: Path, write_plan: Callable[..., Path]) -> None:
    """--strict exits 1 when there are warnings, and 0 on a healthy plan."""
    assert run("validate", str(bundled_plan), "--as-of", AS_OF, "--strict").exit_code == 1
    assert run("validate", str(write_plan(MINIMAL_PLAN)), "--as-of", AS_OF, "--strict").exit_code == 0


def test_errors_still_exit_1_without_running_checks(run: Callable[..., Result], write_plan: Callable[..., Path]) -> None:
    """A plan that cannot be read exits 1 with its errors, in the chosen format."""
    path = write_plan(MINIMAL_PLAN.replace("Mar 2022", "Smarch 2022"))
    result = run("validate", str(path), "--as-of", AS_OF, "--format", "parsable")
    assert result.exit_code == 1
    assert result.stdout.startswith(f'{path}:17:23: [error] "deadline" in item 1.1: "Smarch 2022" is not a date')
    assert "(SP" not in result.stdout


def test_ignore_option_and_plan_section(run: Callable[..., Result], write_plan: Callable[..., Path]) -> None:
    """--ignore (codes or names, repeatable) and `checks: ignore` silence checks; the verdict counts them."""
    path = write_plan(
        HEAD.replace("tasks:\n", "checks:\n  ignore: [SP104]\ntasks:\n") + item(action=None, lead=None, deadline=None)
    )
    result = run("validate", str(path), "--as-of", AS_OF, "--ignore", "sp101", "--ignore", "idle-lead")
    assert result.exit_code == 0
    assert result.stderr == f"{path}:15:13: warning: item 1.1 has no deadline, so it can never show as due or overdue. " \
        'Add "deadline:" with a month such as "Mar 2022". [SP102]\n'
    assert result.stdout == f"{path}: valid (1 task, 1 item), 1 warning (3 more ignored)\n"
    assert run("validate", str(path), "--as-of", AS_OF, "--ignore", "SP102", "--ignore", "SP101", "--ignore", "SP106",
               "--strict").exit_code == 0  # fmt: skip


def test_ignore_unknown_code_is_a_usage_error(run: Callable[..., Result], bundled_plan: Path) -> None:
    """--ignore with a code that is not a check exits 2 with a suggestion."""
    result = run("validate", str(bundled_plan), "--as-of", AS_OF, "--ignore", "SP1O1")
    assert result.exit_code == 2
    assert '"SP1O1" is not a check code. Did you mean SP101?' in result.stderr


def test_json_findings(run: Callable[..., Result], bundled_plan: Path) -> None:
    """--json prints only a JSON array of findings with the documented keys, in order."""
    result = run("validate", str(bundled_plan), "--as-of", AS_OF, "--json")
    assert result.exit_code == 0
    assert result.stderr == ""
    data = json.loads(result.stdout)
    assert len(data) == 21
    assert list(data[0]) == ["code", "severity", "message", "file", "line", "column", "item"]
    unknown = next(finding for finding in data if finding["code"] == "SP105")
    assert unknown == {
        "code": "SP105",
        "severity": "warning",
        "message": unknown["message"],
        "file": str(bundled_plan),
        "line": line_of("lead: DA"),
        "column": 19,
        "item": "8.6",
    }
    assert unknown["message"].startswith('item 8.6 is led by "DA"')


def test_github_format(run: Callable[..., Result], write_plan: Callable[..., Path]) -> None:
    """--format github prints Actions annotations on stdout, escaping what GitHub needs."""
    path = write_plan(HEAD + item(lead=None, action="Cut 50% by TBC"))
    result = run("validate", str(path), "--as-of", AS_OF, "--format", "github")
    assert result.exit_code == 0
    assert result.stderr == ""
    assert result.stdout.splitlines() == [
        (f"::warning file={path},line=5,col=3,title=SP106::lead AG (Anthony Giles) owns no item. "
        'Give them the items they lead, or remove them from "leads:".'),
        (f"::warning file={path},line=13,col=13,title=SP101::item 1.1 has no lead, so nobody is accountable "
        'for it. Add "lead:" with a code from the plan\'s leads.'),
        (f'::warning file={path},line=14,col=32,title=SP109::the action of item 1.1 holds the placeholder "TBC". '
        "Write the real figure or words."),
    ]


def test_parsable_format(run: Callable[..., Result], write_plan: Callable[..., Path]) -> None:
    """--format parsable prints yamllint's FILE:LINE:COL: [severity] message (CODE) on stdout."""
    path = write_plan(HEAD + item(deadline=None))
    result = run("validate", str(path), "--as-of", AS_OF, "--format", "parsable")
    assert result.stdout == (
        f"{path}:13:13: [warning] item 1.1 has no deadline, so it can never show as due or overdue. "
        'Add "deadline:" with a month such as "Mar 2022". (SP102)\n'
    )


def test_problem_formatters_escape_and_fill_in() -> None:
    """GitHub escaping of %, : and , in properties; the item named when the message does not say it."""
    problem = Problem("100% wrong", Location("a,b:c.yaml", 3, 5), "2.1", "SP109", Severity.WARNING)
    assert format_github(problem) == "::warning file=a%2Cb%3Ac.yaml,line=3,col=5,title=SP109::100%25 wrong (item 2.1)"
    assert format_parsable(problem) == "a,b:c.yaml:3:5: [warning] 100% wrong (item 2.1) (SP109)"
    bare = Problem("no such file.", Location("x.yaml"))
    assert format_github(bare) == "::error file=x.yaml::no such file."
    assert format_parsable(bare) == "x.yaml: [error] no such file."


def test_summary_counts_per_check_and_per_task(run: Callable[..., Result], bundled_plan: Path) -> None:
    """--summary --json counts every check (ignored ones marked) and every task."""
    result = run("validate", str(bundled_plan), "--as-of", AS_OF, "--summary", "--json", "--ignore", "SP110")
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    counts = {row["code"]: row["findings"] for row in data["checks"]}
    assert counts == {
        "SP101": 5, "SP102": 2, "SP103": 1, "SP104": 4, "SP105": 1, "SP106": 0, "SP107": 1,
        "SP108": 0, "SP109": 3, "SP110": 4, "SP111": 0, "SP112": 0, "SP113": 0, "SP114": 0, "SP115": 0, "SP116": 0,
        "SP117": 0, "SP118": 0, "SP119": 0,
    }  # fmt: skip
    assert [row["code"] for row in data["checks"] if row["ignored"]] == ["SP110"]
    assert [(row["task"], row["findings"]) for row in data["tasks"]] == [
        (1, 0), (2, 0), (3, 2), (4, 4), (5, 0), (6, 3), (7, 6), (8, 2),
    ]  # fmt: skip
    assert data["tasks"][6]["checks"] == {"SP101": 2, "SP102": 2, "SP104": 2}


def test_summary_table(run: Callable[..., Result], bundled_plan: Path) -> None:
    """--summary prints the table by check, then by task; it refuses the github format."""
    result = run("validate", str(bundled_plan), "--as-of", AS_OF, "--summary", "--format", "tsv")
    lines = result.stdout.splitlines()
    assert lines[0] == "code\tname\tseverity\tfindings\tignored\tmeaning"
    assert lines[1] == "SP101\tno-lead\twarning\t5\tfalse\tAn item has no lead."
    assert "7\tcease non-EHCP top-up aside from exceptional cases (eg trauma)\t6\tSP101=2 SP102=2 SP104=2" in lines
    assert result.stderr == ""
    refused = run("validate", str(bundled_plan), "--as-of", AS_OF, "--summary", "--format", "github")
    assert refused.exit_code == 2


def test_pure_python_loader_gives_the_same_columns(monkeypatch: pytest.MonkeyPatch) -> None:
    """libyaml marks plain scalars with style "" and the pure loader with None: columns agree."""
    import yaml

    import sendplan.plan.parse

    text = HEAD + item(action="Create xxx places", criteria=('"Cost £x m"',))
    with_libyaml = found(text)
    monkeypatch.setattr(sendplan.plan.parse, "YamlLoader", yaml.SafeLoader)
    assert found(text) == with_libyaml == [("SP109", "14:28", "1.1"), ("SP109", "16:23", "1.1")]


@pytest.mark.parametrize("setting", ["grace_months: -1", "horizon_years: 0", "horizon_years: soon"])
def test_bad_check_settings_are_load_errors(setting: str, run: Callable[..., Result], write_plan: Callable[..., Path]) -> None:
    """Settings in `checks:` are validated when the plan is read: exit 1, located at the value."""
    path = write_plan(HEAD.replace("tasks:\n", f"checks:\n  {setting}\ntasks:\n") + item())
    result = run("validate", str(path), "--as-of", AS_OF)
    assert result.exit_code == 1
    assert result.stderr.startswith(f"{path}:8:")


def test_machine_formats_do_not_import_rich(bundled_plan: Path) -> None:
    """json and github output never load rich, so CI stays fast."""
    import subprocess
    import sys

    import sendplan

    code = (
        "import sys\nfrom sendplan.cli import cli\n"
        "try:\n"
        f"    cli(['validate', {str(bundled_plan)!r}, '--as-of', '{AS_OF}', '--json', '--summary'])\n"
        "except SystemExit:\n    pass\n"
        "print('rich' in sys.modules, file=sys.stderr)\n"
    )
    env = {"PYTHONPATH": str(Path(sendplan.__file__).parent.parent), "PATH": "/usr/bin:/bin"}
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=False)
    assert result.stderr.strip() == "False"
    assert json.loads(result.stdout)["checks"][0]["code"] == "SP101"


def test_several_files_one_json_array_and_strict(run: Callable[..., Result], write_plan: Callable[..., Path]) -> None:
    """Named files are each checked: one JSON array for all, and --strict fails on any file's warnings."""
    good = write_plan(MINIMAL_PLAN, "good.yaml")
    gappy = write_plan(HEAD + item(deadline=None), "gappy.yaml")
    result = run("validate", str(good), str(gappy), "--as-of", AS_OF, "--json")
    assert result.exit_code == 0
    assert [(f["file"], f["code"], f["line"]) for f in json.loads(result.stdout)] == [(str(gappy), "SP102", 13)]
    assert run("validate", str(good), str(gappy), "--as-of", AS_OF, "--strict").exit_code == 1
    text = run("validate", str(good), str(gappy), "--as-of", AS_OF)
    assert text.stdout.splitlines() == [
        f"{good}: valid (1 task, 1 item)",
        f"{gappy}: valid (1 task, 1 item), 1 warning",
    ]
    assert run("validate", str(good), str(gappy), "--as-of", AS_OF, "--summary").exit_code == 2


def test_verdict_when_everything_is_ignored(run: Callable[..., Result], write_plan: Callable[..., Path]) -> None:
    """A plan whose only findings are ignored says so, and --strict passes."""
    path = write_plan(HEAD + item(deadline=None))
    result = run("validate", str(path), "--as-of", AS_OF, "--ignore", "no-deadline", "--strict")
    assert result.exit_code == 0
    assert result.stdout == f"{path}: valid (1 task, 1 item), no warnings (1 ignored)\n"
    assert result.stderr == ""


def test_clock_is_read_only_when_a_check_needs_it(run: Callable[..., Result], write_plan: Callable[..., Path]) -> None:
    """Without --as-of, a plan with no completed dates never reads the clock; one with them does."""
    assert run("validate", str(write_plan(MINIMAL_PLAN))).exit_code == 0
    done = write_plan(HEAD + item(status="complete", extra="completed: 2022-05-01"), "done.yaml")
    with pytest.raises(AssertionError, match="real clock"):
        run("validate", str(done))


def test_lookalikes_in_glossary_terms_and_ignore_codes() -> None:
    """A Cyrillic Е in a glossary term is reported; a Cyrillic Р in an ignored code still silences SP101."""
    text = HEAD.replace(
        "tasks:\n", "glossary:\n  S\u0415ND: special educational needs\nchecks:\n  ignore: [S\u0420101]\ntasks:\n"
    ) + item(lead=None)
    assert found(text) == [("SP106", "5:3", None), ("SP111", "8:3", None), ("SP111", "10:12", None)]
    assert messages(text)[1].startswith('the glossary term "SЕND" has letters that only look Latin: Cyrillic Е (U+0415).')
    assert messages(text)[2].endswith('Retype it in Latin letters: "SP101".')


def test_nothing_tracked() -> None:
    """SP116: a plan with no tasks, a task with no deliverables, a deliverable with no items."""
    assert found("plan:\n  title: Only a title\n") == [("SP116", "1:1", None)]
    assert messages("plan:\n  title: Only a title\n") == [
        'the plan has no tasks, so nothing in it can fall due. Add "tasks:" with deliverables and items.'
    ]
    empty_task = "  - number: 2\n    title: Second task\n"
    empty_deliverable = "  - number: 3\n    title: Third task\n    deliverables:\n      - title: Still to write\n"
    text = HEAD + item() + empty_task + empty_deliverable
    assert found(text) == [("SP116", "20:5", None), ("SP116", "25:9", None)]
    assert messages(text)[1].startswith('a deliverable of task 3 ("Still to write") has no items.')


@settings(max_examples=25, deadline=None)
@given(st.dates(min_value=date(2000, 1, 1), max_value=date(2099, 12, 31)))
def test_starter_plan_is_healthy_on_any_day(day: date) -> None:
    """What `sendplan init` writes on any day loads and passes every check, glossary included."""
    loaded = parse_plan(starter_text(day), "plan.yaml")
    assert run_checks(loaded, day).shown == ()


def test_two_texts_sharing_a_hash_are_not_a_repeat(monkeypatch: pytest.MonkeyPatch) -> None:
    """SP110 keeps hashes of folded texts; texts that only share a hash are told apart."""
    from sendplan.plan.checks import words

    class Ctx:
        plan = None

    seen = words._Repeats(Ctx(), across_deliverables_only=False)  # type: ignore[arg-type]
    monkeypatch.setattr(words, "fold", lambda text: text)
    monkeypatch.setattr(words, "_text_at", lambda ctx, where: {("deliverable", 0, 0, 0, 0, None): "first"}[where])
    monkeypatch.setattr("builtins.hash", lambda value: 1)  # every text collides
    first = ("deliverable", 0, 0, 0, 0, None)
    assert seen.repeat_of("first", first) is None
    assert seen.repeat_of("second", ("deliverable", 0, 1, 0, 0, None)) is None
    assert seen.repeat_of("first", ("deliverable", 0, 2, 0, 0, None)) is first
