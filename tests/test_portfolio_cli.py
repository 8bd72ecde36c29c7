"""Several plans at once, as a user runs them: a folder of two plans (the bundled plan copied as
recovery.yaml, and tests/fixtures/portfolio/dsg.yaml, which shares the lead codes AG and CK and
the item id 1.1 with it). Outputs are parsed back (json, csv, icalendar, python-docx) and checked
against what was worked out by hand from the two files."""

from __future__ import annotations

import csv
import io
import json
import os
from collections.abc import Callable
from pathlib import Path

import docx
import pytest
from click.testing import Result
from helpers import MINIMAL_PLAN
from icalendar import Calendar

AS_OF = "2021-11-01"
OVERDUE = [
    ("recovery", "4.2", 366),
    ("dsg", "D2.1", 32),
    ("recovery", "5.1", 32),
    ("recovery", "5.2", 32),
    ("recovery", "6.1", 3),
    ("recovery", "6.2", 3),
    ("dsg", "1.1", 1),
    ("recovery", "5.3", 1),
]


def as_json(result: Result) -> object:
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def test_overdue_across_a_folder(run: Callable[..., Result], plans: Path) -> None:
    """Most overdue first across both plans; each row carries its plan as the last key."""
    rows = as_json(run("overdue", "--plan", str(plans), "--as-of", AS_OF, "--json"))
    assert isinstance(rows, list)
    assert [(row["plan"], row["id"], row["days_overdue"]) for row in rows] == OVERDUE
    assert list(rows[0])[-1] == "plan"
    assert list(rows[0])[:-1] == list(as_json(run("overdue", "--plan", str(plans / "dsg.yaml"), "--as-of", AS_OF, "--json"))[0])  # type: ignore[index]


def test_one_plan_file_gives_what_it_always_gave(run: Callable[..., Result], plans: Path, bundled_plan: Path) -> None:
    """A plan named on its own: no plan key, and the same bytes as the bundled plan gives."""
    alone = run("overdue", "--plan", str(plans / "recovery.yaml"), "--as-of", AS_OF, "--json")
    bundled = run("overdue", "--plan", str(bundled_plan), "--as-of", AS_OF, "--json")
    assert alone.stdout == bundled.stdout
    assert all("plan" not in row for row in json.loads(alone.stdout))
    tsv = run("list", "--plan", str(plans / "recovery.yaml"), "--as-of", AS_OF).stdout.splitlines()[0]
    assert "plan" not in tsv.split("\t")


def test_rows_in_the_folder_are_the_plans_own(run: Callable[..., Result], plans: Path) -> None:
    """Each plan's rows from the folder are exactly its rows read alone, with the plan added."""
    folder = as_json(run("list", "--plan", str(plans), "--as-of", AS_OF, "--json"))
    assert isinstance(folder, list)
    for name in ("dsg", "recovery"):
        alone = as_json(run("list", "--plan", str(plans / f"{name}.yaml"), "--as-of", AS_OF, "--json"))
        assert [{**row, "plan": name} for row in alone] == [row for row in folder if row["plan"] == name]  # type: ignore[union-attr]


def test_tsv_and_csv_put_the_plan_last(run: Callable[..., Result], plans: Path) -> None:
    """Piped or as CSV, the plan is a column after the contract's others, so cut -f1..19 reads as before."""
    alone = run("overdue", "--plan", str(plans / "dsg.yaml"), "--as-of", AS_OF).stdout.splitlines()
    lines = run("overdue", "--plan", str(plans), "--as-of", AS_OF).stdout.splitlines()
    assert lines[0].split("\t") == [*alone[0].split("\t"), "plan"]
    assert [line.split("\t")[0] + "@" + line.split("\t")[-1] for line in lines[1:3]] == ["4.2@recovery", "D2.1@dsg"]
    table = list(csv.reader(io.StringIO(run("overdue", "--plan", str(plans), "--as-of", AS_OF, "--format", "csv").stdout.lstrip("\ufeff"))))
    assert table[0][-1] == "plan"
    assert table[2][0] == "D2.1" and table[2][-1] == "dsg"


def test_an_empty_answer_still_has_the_plan_column(run: Callable[..., Result], plans: Path) -> None:
    """Nothing overdue on the plan's first day: the header alone, with its plan column."""
    result = run("overdue", "--plan", str(plans), "--as-of", "2020-01-01")
    assert result.stdout.splitlines() == ["\t".join([*json.loads(run("list", "--plan", str(plans), "--as-of", AS_OF, "--json").stdout)[0]])]


@pytest.mark.parametrize("how", ["two --plan", "SENDPLAN_PLAN folder", "SENDPLAN_PLAN list", "before the command"])
def test_ways_to_name_several_plans(run: Callable[..., Result], plans: Path, how: str) -> None:
    """--plan twice, $SENDPLAN_PLAN as a folder or as paths joined by os.pathsep, and --plan
    before the command all open both plans."""
    both = f"{plans / 'recovery.yaml'}{os.pathsep}{plans / 'dsg.yaml'}"
    args, env = {
        "two --plan": (["overdue", "--plan", str(plans / "recovery.yaml"), "--plan", str(plans / "dsg.yaml")], None),
        "SENDPLAN_PLAN folder": (["overdue"], {"SENDPLAN_PLAN": str(plans)}),
        "SENDPLAN_PLAN list": (["overdue"], {"SENDPLAN_PLAN": both}),
        "before the command": (["--plan", str(plans), "overdue"], None),
    }[how]
    rows = as_json(run(*args, "--as-of", AS_OF, "--json", env=env))
    assert isinstance(rows, list)
    assert {row["plan"] for row in rows} == {"recovery", "dsg"}
    assert len(rows) == 8


def test_the_table_shows_plan_and_id_together(run: Callable[..., Result], plans: Path) -> None:
    """On a table the ID column reads PLAN:ID, and a note under it says so."""
    text = run("overdue", "--plan", str(plans), "--as-of", AS_OF, "--format", "table", "--no-wrap").stdout
    assert "Overdue as of 2021-11-01 · 2 plans · 8 items" in text
    ids = [line.split()[0] for line in text.splitlines() if line.startswith((" recovery:", " dsg:"))]
    assert ids == [f"{plan}:{item}" for plan, item, _ in OVERDUE]
    assert "ID = PLAN:ID" in text


def test_a_broken_plan_stops_the_command(run: Callable[..., Result], plans: Path) -> None:
    """One broken plan in the folder: exit 1, its own FILE:LINE:COL, and no answer from the others."""
    (plans / "sv.yaml").write_text("plan:\n  title: Safety Valve\ntasks:\n  - number: one\n    title: x\n", encoding="utf-8")
    result = run("overdue", "--plan", str(plans), "--as-of", AS_OF, "--json")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr == f'{plans / "sv.yaml"}:4:13: "number" should be a whole number, not "one".\n'


def test_yaml_that_is_no_plan_is_noted_and_left_out(run: Callable[..., Result], plans: Path) -> None:
    """A docker-compose.yml in the folder: a note on stderr, and the plans still answer."""
    (plans / "docker-compose.yml").write_text("services:\n  web:\n    image: nginx\n", encoding="utf-8")
    result = run("overdue", "--plan", str(plans), "--as-of", AS_OF, "--json")
    assert len(as_json(result)) == 8  # type: ignore[arg-type]
    assert result.stderr == f'{plans / "docker-compose.yml"}: warning: not a plan (no "plan:" or "tasks:" at the top), so it is left out. Move it out of the folder to silence this note.\n'


def test_a_folder_without_plans(run: Callable[..., Result], tmp_path: Path) -> None:
    """An empty folder is a problem (exit 1), not an empty answer."""
    (tmp_path / "empty").mkdir()
    result = run("overdue", "--plan", str(tmp_path / "empty"), "--as-of", AS_OF)
    assert result.exit_code == 1
    assert "holds no plan files" in result.stderr


def test_by_lead_across_plans(run: Callable[..., Result], plans: Path) -> None:
    """CK leads 2 DSG items and 14 recovery ones; the title gives each plan's name for them."""
    result = run("by-lead", "ck", "--plan", str(plans), "--as-of", AS_OF, "--json")
    rows = as_json(result)
    assert isinstance(rows, list)
    assert [(row["plan"], row["id"]) for row in rows][:3] == [("dsg", "D2.1"), ("dsg", "D2.3"), ("recovery", "5.1")]
    assert len(rows) == 16
    table = run("by-lead", "ck", "--plan", str(plans), "--as-of", AS_OF, "--format", "table").stdout
    assert "Items led by CK (C. Kiernan (dsg) / Chris Kiernan (recovery))" in " ".join(table.split())


def test_a_lead_in_no_plan_is_a_usage_error(run: Callable[..., Result], plans: Path) -> None:
    """FP is a DSG lead, so known; ZZ is in neither plan: exit 2, naming the codes there are."""
    assert run("overdue", "--plan", str(plans), "--lead", "FP", "--as-of", AS_OF, "--json").exit_code == 0
    result = run("overdue", "--plan", str(plans), "--lead", "ZZ", "--as-of", AS_OF)
    assert result.exit_code == 2
    assert '"ZZ" is not a lead in any of the open plans. Known leads: AG, CK, FP, CW, BB, DA.' in " ".join(result.stderr.split())


def test_leads_are_matched_by_code(run: Callable[..., Result], plans: Path) -> None:
    """One row per code across the plans, each plan's name for it, and the SP118 warning on stderr."""
    result = run("leads", "--plan", str(plans), "--as-of", AS_OF, "--json")
    rows = {row["lead"]: row for row in as_json(result)}  # type: ignore[union-attr]
    assert list(rows["CK"]) == [
        "lead", "name", "title", "items", "finished", "overdue", "next_deadline", "next_item", "plans", "names",
    ]  # fmt: skip
    assert (rows["CK"]["items"], rows["CK"]["overdue"], rows["CK"]["next_item"]) == (16, 6, "recovery:6.3")
    assert rows["CK"]["names"] == {"dsg": "C. Kiernan", "recovery": "Chris Kiernan"}
    assert (rows["AG"]["items"], rows["AG"]["plans"]) == (31, ["dsg", "recovery"])
    assert f"{plans / 'recovery.yaml'}:35:11: warning: lead CK is" in result.stderr
    assert "[SP118]" in result.stderr


def test_tasks_plan_by_plan(run: Callable[..., Result], plans: Path) -> None:
    """Each plan's tasks in turn, with the plan in every row."""
    rows = as_json(run("tasks", "--plan", str(plans), "--as-of", AS_OF, "--json"))
    assert [(row["plan"], row["task"]) for row in rows][:3] == [("dsg", 1), ("dsg", 2), ("recovery", 1)]  # type: ignore[union-attr]
    assert len(rows) == 10  # type: ignore[arg-type]


def test_the_dashboard_across_plans(run: Callable[..., Result], plans: Path) -> None:
    """A line per plan, per lead code across the plans, and one for the portfolio."""
    lines = as_json(run("status", "--plan", str(plans), "--as-of", AS_OF, "--json"))
    assert isinstance(lines, list)
    assert [(line["group"], line["key"], line["items"]) for line in lines][:2] == [("plan", "dsg", 5), ("plan", "recovery", 57)]
    assert (lines[-1]["group"], lines[-1]["items"], lines[-1]["overdue"], lines[-1]["complete"]) == ("portfolio", 62, 8, 1)


def test_returns_plan_by_plan(run: Callable[..., Result], plans: Path) -> None:
    """The update round, a plan at a time: each lead with open items, with the plan."""
    rows = as_json(run("status", "--plan", str(plans), "--as-of", "2021-12-01", "--returns-since", "2021-11-01", "--json"))
    assert [(row["plan"], row["lead"], row["open_items"]) for row in rows][:3] == [("dsg", "AG", 2), ("dsg", "CK", 1), ("dsg", "FP", 1)]  # type: ignore[union-attr]


def test_done_with_plan_and_id(run: Callable[..., Result], plans: Path) -> None:
    """done dsg:1.1 edits the DSG plan and leaves the recovery plan's bytes alone."""
    before = (plans / "recovery.yaml").read_bytes()
    result = run("done", "dsg:1.1", "--plan", str(plans), "--as-of", AS_OF)
    assert result.exit_code == 0, result.stderr
    assert (plans / "recovery.yaml").read_bytes() == before
    assert "            status: complete\n            completed: 2021-11-01\n" in (plans / "dsg.yaml").read_text(encoding="utf-8")


def test_an_id_two_plans_have_needs_its_plan(run: Callable[..., Result], plans: Path) -> None:
    """done 1.1 with both plans open: exit 2 naming dsg:1.1 and recovery:1.1; nothing changes."""
    before = [(plans / name).read_bytes() for name in ("dsg.yaml", "recovery.yaml")]
    result = run("done", "1.1", "--plan", str(plans), "--as-of", AS_OF)
    assert result.exit_code == 2
    assert '2 open plans have an item "1.1": dsg:1.1, recovery:1.1.' in " ".join(result.stderr.split())
    assert [(plans / name).read_bytes() for name in ("dsg.yaml", "recovery.yaml")] == before


def test_an_id_one_plan_has_needs_no_prefix(run: Callable[..., Result], plans: Path) -> None:
    """update D2.1 finds the one plan with that id."""
    result = run("update", "D2.1", "--status", "on_track", "--plan", str(plans), "--as-of", AS_OF, "--dry-run")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith(f"--- {plans / 'dsg.yaml'}\n")


def test_show_with_plan_and_id(run: Callable[..., Result], plans: Path) -> None:
    """show recovery:1.1 --json is that plan's row, with its plan."""
    (row,) = as_json(run("show", "recovery:1.1", "--plan", str(plans), "--as-of", AS_OF, "--json"))  # type: ignore[misc]
    assert (row["plan"], row["id"], row["lead"]) == ("recovery", "1.1", "AG")


def test_the_timeline_has_a_row_per_plan(run: Callable[..., Result], plans: Path) -> None:
    """As JSON, each month's items per plan; the September cells are D2.1, and 5.1 and 5.2."""
    cells = as_json(run("timeline", "--plan", str(plans), "--as-of", AS_OF, "--format", "json"))
    september = {cell["plan"]: cell["items"] for cell in cells if cell["month"] == "2021-09"}  # type: ignore[union-attr]
    assert september == {"dsg": ["D2.1"], "recovery": ["5.1", "5.2"]}


def test_a_calendar_of_both_plans(run: Callable[..., Result], plans: Path, bundled_plan: Path) -> None:
    """One event per dated item of both plans, UIDs all different, each summary with PLAN:ID; a
    recovery item keeps the UID it has in the recovery plan's own calendar."""
    result = run("ics", "--plan", str(plans), "--as-of", AS_OF)
    events = Calendar.from_ical(result.stdout_bytes).walk("VEVENT")
    assert len(events) == 5 + 55  # the recovery plan's 7.7 and 7.8 have no deadline
    assert len({str(event["UID"]) for event in events}) == len(events)
    assert str(events[0]["SUMMARY"]).startswith("dsg:1.1 (FP): ")
    alone = Calendar.from_ical(run("ics", "--plan", str(bundled_plan), "--as-of", AS_OF).stdout_bytes).walk("VEVENT")
    assert {str(event["UID"]) for event in alone} <= {str(event["UID"]) for event in events}


def test_the_report_on_a_folder(run: Callable[..., Result], plans: Path) -> None:
    """Markdown: the summary has a row per plan and the totals, then each plan's exceptions."""
    text = run("report", "--plan", str(plans), "--as-of", "2021-12-01").stdout
    assert "| dsg | DSG deficit management plan | RED | 5 | 20% | 2 | 0 |" in text
    assert "| All plans |   |   | 62 | 2% | 15 | 3 |" in text
    assert text.index("## dsg: DSG deficit management plan") < text.index("## recovery: SEND recovery plan")
    assert "| D2.1 | CK (C. Kiernan) | 30 Sep 2021 | 62 |" in text


def test_the_report_on_a_folder_in_word(run: Callable[..., Result], plans: Path, tmp_path: Path) -> None:
    """Word: the summary table reads back a row per plan and the totals; each plan gets a heading."""
    target = tmp_path / "portfolio.docx"
    result = run("report", "--plan", str(plans), "--as-of", "2021-12-01", "-o", str(target))
    assert result.exit_code == 0, result.stderr
    assert "2 plans, 62 items, 15 red or overdue" in result.stderr
    document = docx.Document(str(target))
    summary = next(table for table in document.tables if table.rows[0].cells[0].text == "Plan")
    cells = [[cell.text for cell in row.cells] for row in summary.rows]
    assert cells[1][:7] == ["dsg", "DSG deficit management plan", "RED", "5", "20%", "2", "0"]
    assert cells[-1][:7] == ["All plans", "", "", "62", "2%", "15", "3"]
    headings = [p.text for p in document.paragraphs if p.style is not None and p.style.name == "Heading 1"]
    assert "dsg: DSG deficit management plan (2 exceptions)" in headings
    assert "recovery: SEND recovery plan (13 exceptions)" in headings


def test_the_report_on_a_folder_takes_no_since(run: Callable[..., Result], plans: Path) -> None:
    """The summary has no progress section, so --since is a usage error, not ignored."""
    result = run("report", "--plan", str(plans), "--as-of", "2021-12-01", "--since", "2021-11-01")
    assert result.exit_code == 2


def test_validate_a_folder(run: Callable[..., Result], plans: Path) -> None:
    """Each plan's verdict, then the cross-plan warning, in the text and in the JSON."""
    result = run("validate", str(plans), "--as-of", AS_OF)
    assert result.exit_code == 0
    assert result.stdout.splitlines()[-1] == "across 2 plans: 1 warning"
    assert f"{plans / 'dsg.yaml'}: valid (2 tasks, 5 items)" in result.stdout
    assert f"{plans / 'recovery.yaml'}:35:11: warning: lead CK is" in result.stderr
    found = as_json(run("validate", "--plan", str(plans), "--as-of", AS_OF, "--json"))
    assert [(problem["file"], problem["line"]) for problem in found if problem["code"] == "SP118"] == [  # type: ignore[union-attr, index]
        (str(plans / "recovery.yaml"), 35)
    ]


def test_the_cross_plan_warning_alone(run: Callable[..., Result], tmp_path: Path) -> None:
    """Two clean plans naming AG differently: --strict fails on SP118 alone; --ignore SP118, or
    the plan's own checks: ignore:, silences it."""
    (tmp_path / "a.yaml").write_text(MINIMAL_PLAN, encoding="utf-8")
    (tmp_path / "b.yaml").write_text(MINIMAL_PLAN.replace("Anthony Giles", "A. Giles"), encoding="utf-8")
    assert run("validate", str(tmp_path), "--as-of", AS_OF).exit_code == 0
    assert run("validate", str(tmp_path), "--as-of", AS_OF, "--strict").exit_code == 1
    quiet = run("validate", str(tmp_path), "--as-of", AS_OF, "--strict", "--ignore", "lead-name-differs")
    assert (quiet.exit_code, quiet.stdout.splitlines()[-1]) == (0, "across 2 plans: no warnings")
    ignoring = MINIMAL_PLAN.replace("Anthony Giles", "A. Giles").replace("tasks:\n", "checks:\n  ignore: [SP118]\ntasks:\n", 1)
    (tmp_path / "b.yaml").write_text(ignoring, encoding="utf-8")
    assert run("validate", str(tmp_path), "--as-of", AS_OF, "--strict").exit_code == 0


def test_validate_a_folder_with_a_broken_plan(run: Callable[..., Result], plans: Path) -> None:
    """validate reports the broken plan's errors and still checks the others; exit 1."""
    (plans / "sv.yaml").write_text("plan:\n  title: Safety Valve\n  dated: Nov 2021\n", encoding="utf-8")
    result = run("validate", str(plans), "--as-of", AS_OF)
    assert result.exit_code == 1
    assert f"{plans / 'sv.yaml'}:3:3: unknown key" in result.stderr
    assert f"{plans / 'recovery.yaml'}: valid" in result.stdout


def test_files_named_one_by_one_are_not_a_portfolio(run: Callable[..., Result], plans: Path) -> None:
    """validate a.yaml b.yaml (a pre-commit hook) checks each file alone: no cross-plan line."""
    result = run("validate", str(plans / "dsg.yaml"), str(plans / "recovery.yaml"), "--as-of", AS_OF)
    assert "across" not in result.stdout
    assert "SP118" not in result.stderr


@pytest.mark.parametrize("command", [["glossary"], ["diff", "--rev", "HEAD"], ["request", "-o", "out", "--as-of", AS_OF]])
def test_one_plan_commands_refuse_several(run: Callable[..., Result], plans: Path, command: list[str]) -> None:
    """glossary, diff and request work on one plan: a folder is a usage error saying so."""
    result = run(*command, "--plan", str(plans))
    assert result.exit_code == 2
    assert "works on one plan, and this names a folder" in " ".join(result.stderr.split())


def test_the_bundled_example_in_a_portfolio_is_announced(run: Callable[..., Result], plans: Path) -> None:
    """Naming the bundled plan beside a folder still says it is the example."""
    from sendplan.plan.source import bundled_plan  # the copy installed, which is the example

    result = run("overdue", "--plan", str(plans), "--plan", str(bundled_plan()), "--as-of", AS_OF, "--json")
    assert result.exit_code == 0
    assert "Using the example plan bundled with sendplan" in result.stderr


def test_the_workbook_names_each_item_s_plan(run: Callable[..., Result], plans: Path, tmp_path: Path) -> None:
    """-o FILE.xlsx: the Tracker sheet's ID column reads PLAN:ID, the data sheet has the plan
    column, and leads' names by plan are a line each in one cell."""
    import openpyxl

    run("overdue", "--plan", str(plans), "--as-of", AS_OF, "-o", str(tmp_path / "late.xlsx"))
    book = openpyxl.load_workbook(tmp_path / "late.xlsx")
    assert [row[0] for row in book["Tracker"].iter_rows(min_row=2, values_only=True)] == [
        f"{plan}:{item}" for plan, item, _ in OVERDUE
    ]
    data = book.worksheets[1]
    assert [cell.value for cell in data[1]][-1] == "plan"
    run("leads", "--plan", str(plans), "--as-of", AS_OF, "-o", str(tmp_path / "leads.xlsx"))
    sheet = openpyxl.load_workbook(tmp_path / "leads.xlsx").worksheets[0]
    header = [cell.value for cell in sheet[1]]
    ck = next(row for row in sheet.iter_rows(min_row=2, values_only=True) if row[0] == "CK")
    assert (sheet.title, ck[header.index("names")]) == ("Leads", "dsg: C. Kiernan\nrecovery: Chris Kiernan")


@pytest.mark.parametrize(
    ("ref", "words"),
    [("zz:1.1", 'no open plan is called "zz". The plans are: dsg, recovery.'), ("dsg:9.9", 'there is no item "9.9" in')],
    ids=["no such plan", "no such item in that plan"],
)
def test_edits_of_what_is_not_there(run: Callable[..., Result], plans: Path, ref: str, words: str) -> None:
    """done PLAN:ID with a plan or an id the folder does not have: exit 2, and nothing written."""
    before = (plans / "dsg.yaml").read_bytes()
    result = run("done", ref, "--plan", str(plans), "--as-of", AS_OF)
    assert result.exit_code == 2
    assert words in " ".join(result.stderr.split())
    assert (plans / "dsg.yaml").read_bytes() == before
