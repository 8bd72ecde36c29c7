"""Several plans at once, the library: which files a folder holds, short names, opening them
(a broken plan stops everything, located), PLAN:ID, the cross-plan lead-name warning, and the
summaries across plans, checked against counts made by hand from the bundled plan (copied as
recovery.yaml) and the small DSG plan in tests/fixtures/portfolio."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from helpers import MINIMAL_PLAN

from sendplan.errors import Location, PlanError, Severity
from sendplan.outputs.rows import record
from sendplan.plan.edit import unknown_item_message
from sendplan.plan.portfolio import (
    ItemRefError,
    find_item,
    folder_plans,
    is_portfolio,
    lead_name_problems,
    open_portfolio,
    plan_files,
    short_names,
    split_ref,
)
from sendplan.portfolio import (
    all_rows,
    item_ref,
    lead_summaries_across,
    member_rows,
    names_text,
    plan_grid,
    plan_records,
    status_across,
    task_summaries_across,
)
from sendplan.query import overdue

AS_OF = date(2021, 11, 1)


def touch(folder: Path, *names: str) -> None:
    for name in names:
        (folder / name).write_text(MINIMAL_PLAN, encoding="utf-8")


def test_a_folder_holds_its_yaml_files_in_name_order(tmp_path: Path) -> None:
    """.yaml and .yml in any case count, in name order; hidden, lock, Office owner files, other
    names and subfolders do not."""
    touch(tmp_path, "b.yml", "A.YAML", "c.yaml", ".hidden.yaml", ".plan.yaml.lock", "~$c.yaml", "notes.txt", "c.yaml~")
    (tmp_path / "old").mkdir()
    touch(tmp_path / "old", "d.yaml")
    (tmp_path / "folder.yaml").mkdir()
    found = [Path(path).name for path in folder_plans(str(tmp_path))]
    assert found == ["A.YAML", "b.yml", "c.yaml"]


def test_a_folder_without_plan_files_is_a_located_problem(tmp_path: Path) -> None:
    """An empty folder is not an empty answer: it is a problem naming the folder."""
    touch(tmp_path, "notes.txt")
    with pytest.raises(PlanError) as raised:
        folder_plans(str(tmp_path))
    assert raised.value.problems[0].location == Location(str(tmp_path))
    assert "no plan files" in raised.value.problems[0].message


def test_the_same_file_is_read_once(plans: Path) -> None:
    """A plan named on its own and again through its folder is one plan."""
    files = plan_files([str(plans / "dsg.yaml"), str(plans)])
    assert [Path(file.path).name for file in files] == ["dsg.yaml", "recovery.yaml"]
    assert [file.found for file in files] == [False, True]


@pytest.mark.parametrize(
    ("paths", "names"),
    [
        (["plans/sv.yaml", "plans/dsg.yml"], ["sv", "dsg"]),
        (["north/plan.yaml", "south/plan.yaml"], ["north/plan", "south/plan"]),
        (["a/x/plan.yaml", "b/x/plan.yaml", "c/recovery.yaml"], ["a/x/plan", "b/x/plan", "recovery"]),
        (["north/Plan.yaml", "south/plan.yaml"], ["north/Plan", "south/plan"]),
        (["plans/plan.yaml", "plans/plan.yml"], ["plans/plan.yaml", "plans/plan.yml"]),
        (["-", "plans/sv.yaml"], ["stdin", "sv"]),
    ],
    ids=["stems", "same stem, folders tell apart", "two folders deep", "case aside", "same folder", "stdin"],
)
def test_short_names(paths: list[str], names: list[str]) -> None:
    """A plan's short name is its file stem, with folders in front only to tell two apart."""
    assert short_names(paths) == names


def test_a_folder_is_a_portfolio_even_with_one_plan(tmp_path: Path) -> None:
    """What a command prints depends on what was asked (a folder), not on how many files it holds."""
    touch(tmp_path, "only.yaml")
    assert is_portfolio([str(tmp_path)])
    assert not is_portfolio([str(tmp_path / "only.yaml")])
    assert is_portfolio([str(tmp_path / "only.yaml"), str(tmp_path / "only.yaml")])


def test_opening_a_folder(plans: Path) -> None:
    """Both plans open, in name order, with their short names."""
    portfolio = open_portfolio([str(plans)])
    assert portfolio.names == ["dsg", "recovery"]
    assert portfolio.several
    assert [member.loaded.plan.plan.title for member in portfolio.members] == [
        "DSG deficit management plan",
        "SEND recovery plan",
    ]


def test_every_broken_plan_stops_the_command_located(plans: Path) -> None:
    """Two broken plans in the folder: one PlanError with each one's own FILE:LINE:COL, none skipped."""
    (plans / "bad.yaml").write_text("plan:\n  title: Bad\ntasks:\n  - number: 1\n    titel: x\n", encoding="utf-8")
    (plans / "worse.yaml").write_text("plan: [\n", encoding="utf-8")
    with pytest.raises(PlanError) as raised:
        open_portfolio([str(plans)])
    places = {(Path(p.location.file).name, p.location.line) for p in raised.value.problems if p.location}
    assert ("bad.yaml", 5) in places
    assert any(name == "worse.yaml" for name, _ in places)


def test_yaml_that_is_not_a_plan_is_left_out_with_a_note(plans: Path) -> None:
    """A docker-compose.yml in the folder is noted and left out; the plans still answer."""
    (plans / "docker-compose.yml").write_text("services:\n  web:\n    image: nginx\n", encoding="utf-8")
    (plans / "template.yaml").write_text("{{ not yaml at all\n", encoding="utf-8")
    portfolio = open_portfolio([str(plans)])
    assert portfolio.names == ["dsg", "recovery"]
    assert [Path(note.location.file).name for note in portfolio.notes if note.location] == [
        "docker-compose.yml",
        "template.yaml",
    ]
    assert all(note.severity is Severity.WARNING for note in portfolio.notes)


def test_a_non_plan_named_on_its_own_is_an_error(tmp_path: Path) -> None:
    """Only files found in a folder can be left out; a file named on the command line is a plan."""
    other = tmp_path / "compose.yml"
    other.write_text("services: {}\n", encoding="utf-8")
    with pytest.raises(PlanError):
        open_portfolio([str(other), str(other)])


def test_a_folder_of_no_plans_is_an_error(tmp_path: Path) -> None:
    """If nothing in the folder is a plan, the command stops and says so (the notes too)."""
    (tmp_path / "compose.yml").write_text("services: {}\n", encoding="utf-8")
    with pytest.raises(PlanError) as raised:
        open_portfolio([str(tmp_path)])
    kinds = {(problem.severity, problem.location.file if problem.location else None) for problem in raised.value.problems}
    assert kinds == {(Severity.WARNING, str(tmp_path / "compose.yml")), (Severity.ERROR, str(tmp_path))}


@pytest.mark.parametrize(
    ("text", "expected"),
    [("sv:4.7", ("sv", "4.7")), ("4.7", (None, "4.7")), ("north/plan:1.1", ("north/plan", "1.1")), ("a:b:2", ("a:b", "2"))],
)
def test_split_ref(text: str, expected: tuple[str | None, str]) -> None:
    """Item ids hold no colon, so the last colon separates the plan from the id."""
    assert split_ref(text) == expected


@pytest.mark.parametrize(
    ("text", "plan", "item_id"),
    [("dsg:1.1", "dsg", "1.1"), ("RECOVERY:1.1", "recovery", "1.1"), ("D2.1", "dsg", "D2.1"), ("4.7", "recovery", "4.7")],
    ids=["prefixed", "prefix in any case", "only in dsg", "only in recovery"],
)
def test_find_item(plans: Path, text: str, plan: str, item_id: str) -> None:
    """PLAN:ID names the plan; an id only one plan has needs no prefix."""
    member, found = find_item(open_portfolio([str(plans)]), text, unknown_item_message)
    assert (member.name, found) == (plan, item_id)


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("1.1", ["2 open plans have an item", "dsg:1.1, recovery:1.1", "such as dsg:1.1"]),
        ("sv:1.1", ['no open plan is called "sv"', "dsg, recovery"]),
        ("dsg:4.7", ['there is no item "4.7" in', "dsg.yaml"]),
        ("9.9", ['there is no item "9.9" in any of the 2 open plans']),
    ],
    ids=["in both plans", "no such plan", "not in that plan", "in no plan"],
)
def test_find_item_refuses(plans: Path, text: str, words: list[str]) -> None:
    """An ambiguous or unknown reference says which plans there are, or which have the id."""
    with pytest.raises(ItemRefError) as raised:
        find_item(open_portfolio([str(plans)]), text, unknown_item_message)
    for part in words:
        assert part in str(raised.value)


def test_a_lead_code_with_two_names_is_a_located_warning(plans: Path) -> None:
    """CK is "C. Kiernan" in dsg.yaml and "Chris Kiernan" in recovery.yaml: one warning at the
    recovery plan's name, pointing at the DSG plan's; AG, named alike, is not reported."""
    (problem,) = lead_name_problems(open_portfolio([str(plans)]))
    assert problem.code == "SP118"
    assert problem.severity is Severity.WARNING
    assert problem.location == Location(str(plans / "recovery.yaml"), 35, 11)
    assert f'"C. Kiernan" in {plans / "dsg.yaml"}:16:11 (dsg)' in problem.message
    assert problem.message.startswith('lead CK is "Chris Kiernan" here')


def test_the_name_most_plans_give_is_the_one_kept(tmp_path: Path) -> None:
    """Three plans, two naming AG one way: the warning is at the odd one out, pointing at the first
    of the others."""
    for name, who in (("a", "A. Giles"), ("b", "Anthony Giles"), ("c", "anthony  giles")):
        (tmp_path / f"{name}.yaml").write_text(MINIMAL_PLAN.replace("Anthony Giles", who), encoding="utf-8")
    (problem,) = lead_name_problems(open_portfolio([str(tmp_path)]))
    assert problem.location == Location(str(tmp_path / "a.yaml"), 6, 11)
    assert f'"Anthony Giles" in {tmp_path / "b.yaml"}:6:11 (b)' in problem.message


def test_names_text() -> None:
    """One name when the plans agree; each name with its plans when they do not."""
    assert names_text({"a": "Jo Bloggs", "b": "Jo Bloggs"}) == "Jo Bloggs"
    assert names_text({"a": "Jo Bloggs", "b": "J. Bloggs", "c": "Jo Bloggs"}) == "Jo Bloggs (a, c) / J. Bloggs (b)"
    assert names_text({}) is None


def test_rows_carry_their_plan_last(plans: Path) -> None:
    """With several plans open each row's record ends with its plan; the other keys are as before."""
    per_member = member_rows(open_portfolio([str(plans)]), AS_OF)
    rows = all_rows(per_member)
    assert len(rows) == 5 + 57
    first = record(rows[0])
    assert list(first)[-1] == "plan"
    assert (first["plan"], first["id"]) == ("dsg", "1.1")
    assert item_ref(rows[0]) == "dsg:1.1"


def test_one_file_gives_the_plan_s_own_rows(bundled_plan: Path) -> None:
    """A plan named on its own: rows without a plan field, exactly as a one-plan command gives."""
    portfolio = open_portfolio([str(bundled_plan)])
    assert not portfolio.several
    (_, rows), = member_rows(portfolio, AS_OF)
    assert "plan" not in record(rows[0])
    assert item_ref(rows[0]) == "1.1"


def test_overdue_across_plans(plans: Path) -> None:
    """Most overdue first across both plans; equal days keep plan order (dsg before recovery)."""
    rows = all_rows(member_rows(open_portfolio([str(plans)]), AS_OF))
    late = overdue(rows)
    assert [(item_ref(row), row.days_overdue) for row in late] == [
        ("recovery:4.2", 366),
        ("dsg:D2.1", 32),
        ("recovery:5.1", 32),
        ("recovery:5.2", 32),
        ("recovery:6.1", 3),
        ("recovery:6.2", 3),
        ("dsg:1.1", 1),
        ("recovery:5.3", 1),
    ]


def test_leads_are_matched_by_code_across_plans(plans: Path) -> None:
    """AG leads 29 recovery items and 2 DSG ones; CK 14 and 2, 6 of them overdue, with both names."""
    portfolio = open_portfolio([str(plans)])
    summary = {row.lead: row for row in lead_summaries_across(portfolio, all_rows(member_rows(portfolio, AS_OF)), AS_OF)}
    assert list(summary) == ["AG", "CK", "FP", "CW", "BB", "DA", None]
    ag, ck = summary["AG"], summary["CK"]
    assert (ag.items, ag.finished, ag.overdue, ag.plans) == (31, 0, 0, ["dsg", "recovery"])
    assert (ag.next_deadline, ag.next_item) == ("2022-01-31", "dsg:1.2")
    assert (ck.items, ck.finished, ck.overdue) == (16, 1, 6)
    assert ck.names == {"dsg": "C. Kiernan", "recovery": "Chris Kiernan"}
    assert (ck.next_deadline, ck.next_item) == ("2021-11-05", "recovery:6.3")
    assert (summary["FP"].items, summary["FP"].plans) == (1, ["dsg"])
    assert (summary["DA"].name, summary["DA"].names) == (None, {})
    assert (summary[None].items, summary[None].next_item) == (5, "recovery:6.4")


def test_tasks_plan_by_plan(plans: Path) -> None:
    """Each plan's tasks in turn, each row with its plan last."""
    per_member = member_rows(open_portfolio([str(plans)]), AS_OF)
    tasks = task_summaries_across(per_member, AS_OF)
    assert [(row.plan, row.task) for row in tasks] == [("dsg", 1), ("dsg", 2), *(("recovery", n) for n in range(1, 9))]
    assert list(record(tasks[0]))[-1] == "plan"
    assert (tasks[1].items, tasks[1].finished, tasks[1].overdue) == (3, 1, 1)


def test_the_dashboard_across_plans(plans: Path) -> None:
    """A line per plan, per lead code across plans, then the whole portfolio."""
    portfolio = open_portfolio([str(plans)])
    lines = status_across(member_rows(portfolio, AS_OF), portfolio, AS_OF, date(2021, 12, 1))
    assert [(line.group, line.key) for line in lines][:2] == [("plan", "dsg"), ("plan", "recovery")]
    dsg, recovery = lines[0], lines[1]
    assert (dsg.items, dsg.overdue, dsg.complete, dsg.percent_complete, dsg.red, dsg.blue) == (5, 2, 1, 20, 2, 1)
    assert (recovery.items, recovery.overdue, recovery.percent_complete) == (57, 6, 0)
    ck = next(line for line in lines if line.key == "CK")
    assert (ck.items, ck.overdue, ck.title) == (16, 6, "C. Kiernan (dsg) / Chris Kiernan (recovery)")
    total = lines[-1]
    assert (total.group, total.title, total.items, total.overdue, total.complete) == ("portfolio", "2 plans", 62, 8, 1)


def test_the_timeline_has_a_row_per_plan(plans: Path) -> None:
    """The grid's lanes are the plans, by short name; each cell's items are that plan's."""
    per_member = member_rows(open_portfolio([str(plans)]), AS_OF)
    the_grid = plan_grid(per_member, all_rows(per_member), AS_OF)
    assert [lane.label for lane in the_grid.tasks] == ["dsg", "recovery"]
    assert the_grid.heading == "Plan"
    cells = {(cell["plan"], cell["month"]): cell["items"] for cell in plan_records(the_grid)}
    assert cells[("dsg", "2021-09")] == ["D2.1"]
    assert cells[("dsg", "2021-10")] == ["1.1", "D2.3"]
