"""`sendplan import`: trackers made by an office suite (tests/fixtures/office) become plans that load.

Expectations are written by hand from the fixtures' own rows (see make_fixtures.py) and, for the
Word path, from the bundled plan: a .docx of its table is built here with python-docx.
"""

from __future__ import annotations

import json
import shutil
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from helpers import REPO

from sendplan.plan.read import load_plan

FIXTURES = REPO / "tests" / "fixtures" / "office"


def imported(run: Any, name: str, *args: str) -> Any:
    """Import a fixture into plan.yaml in the test's empty folder and load the result."""
    result = run("import", str(FIXTURES / name), "-o", "plan.yaml", *args)
    assert result.exit_code == 0, result.output
    return load_plan("plan.yaml").plan


def items(plan: Any) -> dict[str, Any]:
    return {item.id: item for _, _, item in plan.iter_items()}


# ---------------------------------------------------------------------------------------
# The Word table in the seed's layout: the bundled plan itself


def bundled_docx(path: Path) -> None:
    """The bundled plan as one Word table, Task | Deliverable | Action | Success criteria | Deadline |
    Lead, task and deliverable cells merged down over their rows, after a document-control table."""
    import docx

    plan = load_plan(str(REPO / "plan.yaml")).plan
    document = docx.Document()
    document.add_heading(plan.plan.title, 0)
    control = document.add_table(rows=2, cols=3)
    for cell, text in zip(control.rows[0].cells, ["Version", "Date", "Author"], strict=True):
        cell.text = text
    for cell, text in zip(control.rows[1].cells, ["1.0", "Nov 2021", "C. Kiernan"], strict=True):
        cell.text = text
    table = document.add_table(rows=1, cols=6)
    for cell, text in zip(table.rows[0].cells,
                          ["Task", "Deliverable", "Action", "Success criteria", "Deadline", "Lead"], strict=True):
        cell.text = text
    spans: list[tuple[int, int, int]] = []  # (column, first row, last row) to merge
    for task in plan.tasks:
        task_first = len(table.rows)
        for deliverable in task.deliverables:
            first = len(table.rows)
            for item in deliverable.items:
                cells = table.add_row().cells
                cells[2].text = item.action or ""
                if item.success_criteria:
                    cells[3].text = item.success_criteria[0]
                    for criterion in item.success_criteria[1:]:
                        cells[3].add_paragraph(criterion)
                cells[4].text = item.deadline.text if item.deadline else ""
                cells[5].text = item.lead or ""
            table.cell(first, 1).text = deliverable.title
            spans.append((1, first, len(table.rows) - 1))
        table.cell(task_first, 0).text = f"{task.number}. {task.title}"
        spans.append((0, task_first, len(table.rows) - 1))
    for column, first, last in spans:
        if last > first:
            table.cell(first, column).merge(table.cell(last, column))
    document.save(str(path))


def test_word_table_of_the_bundled_plan_imports_every_item_deadline_and_lead(run: Any, tmp_path: Path) -> None:
    """The bundled plan as a Word table (vertical merges) imports back to its own items, deadlines and leads."""
    bundled_docx(tmp_path / "seed.docx")
    result = run("import", "seed.docx", "-o", "plan.yaml")
    assert result.exit_code == 0, result.output
    assert "table 2, whose header best matches plan columns" in result.output
    new = load_plan("plan.yaml").plan
    old = load_plan(str(REPO / "plan.yaml")).plan
    assert new.plan.title == "SEND recovery plan"
    assert [(task.number, task.title) for task in new.tasks] == [(task.number, task.title) for task in old.tasks]
    assert [[d.title for d in task.deliverables] for task in new.tasks] == [
        [d.title for d in task.deliverables] for task in old.tasks
    ]
    got, want = items(new), items(old)
    assert list(got) == list(want) and len(got) == 57
    for item_id, item in want.items():
        back = got[item_id]
        assert back.action == item.action, item_id
        # 6.6's one criterion is an empty bullet (a placeholder in the seed): a blank cell has nothing to carry.
        assert back.success_criteria == [text for text in item.success_criteria if text], item_id
        assert (back.deadline.text if back.deadline else None) == (item.deadline.text if item.deadline else None)
        assert back.lead == item.lead, item_id
        assert back.deadline_note is None
    assert run("validate", "plan.yaml", "--as-of", "2021-11-01").exit_code == 0


# ---------------------------------------------------------------------------------------
# The Excel tracker, and the same tracker saved as a Windows-1252 CSV

# (id, action, status, RAG kept as set by hand, due date or vague text, lead) written by hand from
# make_fixtures.py. The tracker's Blue for a complete item, Amber for an at-risk one and Red for an
# off-track one are what the rule gives from the status, so they are not kept by hand; 2.3's Green
# for a complete item goes to its comment.
TRACKER = [
    ("1.1", "Co-produce the ordinarily available guidance with SENCOs, health and parents", "complete", None,
     date(2024, 10, 31), "AG"),
    ("1.2", "Train SENCOs in the graduated approach", "on_track", "amber", date(2024, 9, 30), "HS"),
    ("1.3", "Review SEN support top-up funding", "not_started", None, "Ongoing", "CKAG"),
    ("1.4", "Publish the EHC needs assessment criteria", "at_risk", None, date(2025, 3, 31), "AG"),
    ("2.1", "Open 40 new resourced provision places", "off_track", None, date(2025, 9, 30), "CW2"),
    ("2.2", "Commission an SEMH free school", "not_started", "green", "TBC", "CW"),
    ("2.3", "Agree the place-planning forecast", "complete", None, date(2024, 11, 4), "BB"),
    ("3.1", "Map post-16 provision with the colleges", "not_started", None, "Spring term 2025", "SJ"),
    ("3.2", "Set up the transition panel", "on_track", "green", date(2025, 9, 30), "SJ2"),
]
UPDATES = {
    "1.1": (date(2024, 11, 1), "Published 28 October – launch event held for 120 settings"),
    "1.2": (date(2025, 3, 3), "Two of four sessions held"),
    "1.4": (date(2025, 3, 12), "Draft with legal – £ costs to confirm"),
    "2.1": (date(2025, 2, 28), "Builder delayed – revised date to be agreed"),
    "2.3": (date(2024, 11, 5), "Agreed at DMT"),
    "3.2": (date(2025, 3, 10), "Panel chair appointed"),
}
LEADS = {"AG": "Anthony Giles", "HS": "Head of SEND", "CKAG": "Chris Kiernan / Anthony Giles",
         "CW2": "Chris Wickens", "BB": "Beth Bains", "SJ": "Sarah Jones", "SJ2": "Sam Jones",
         "CW": "CW"}


@pytest.mark.parametrize("name", ["tracker.xlsx", "tracker-1252.csv"], ids=["excel", "windows-1252 csv"])
def test_tracker_imports_with_every_action_owner_date_status_rag_and_update(run: Any, name: str) -> None:
    """The Excel tracker and its CSV give the same plan: UK dates, vague deadlines kept, statuses, RAG, updates."""
    plan = imported(run, name)
    assert plan.plan.title == "SEND Improvement Plan 2024–25: action tracker"
    assert [(task.number, task.title) for task in plan.tasks] == [
        (1, "Early identification and the graduated approach"),
        (2, "Sufficiency of specialist places"),
        (3, "Preparing for adulthood"),
    ]
    got = items(plan)
    assert list(got) == [row[0] for row in TRACKER]
    for item_id, action, status, rag, due, lead in TRACKER:
        item = got[item_id]
        assert (item.action, item.status.value, item.lead) == (action, status, lead), item_id
        assert (item.rag.value if item.rag else None) == rag, item_id
        if rag:
            assert item.rag_reason.startswith("Imported: the tracker rates it "), item_id
        if isinstance(due, date):
            assert (item.deadline.due_date, item.deadline_note) == (due, None), item_id
        else:
            assert (item.deadline, item.deadline_note) == (None, due), item_id
        assert [(u.date, u.text) for u in item.updates] == ([UPDATES[item_id]] if item_id in UPDATES else [])
    assert got["1.1"].success_criteria == ["Guidance published on the Local Offer", "90% of SENCOs say it is useful"]
    assert got["3.2"].success_criteria == ["Panel meets monthly", "Terms of reference agreed"]
    assert {code: lead.name for code, lead in plan.leads.items()} == LEADS


def test_tracker_csv_is_read_as_windows_1252_and_says_so(run: Any) -> None:
    """The CSV's £, – and • (0xA3, 0x96, 0x95) come back as themselves, and the encoding is named."""
    data = (FIXTURES / "tracker-1252.csv").read_bytes()
    assert b"\xa3" in data and b"\x96" in data and b"\x95" in data and "£".encode() not in data
    result = run("import", str(FIXTURES / "tracker-1252.csv"), "-o", "plan.yaml")
    assert "Read tracker-1252.csv as Windows-1252 text, comma-separated." in result.output
    text = Path("plan.yaml").read_text(encoding="utf-8")
    assert "£ costs" in text and "launch event held" in text and "•" not in text
    assert '- id: "1.1"  # from tracker-1252.csv!C5\n' in text


def test_excel_import_says_which_sheet_and_why_and_prints_the_mapping(run: Any) -> None:
    """The tracker sheet is chosen over the lookup sheet, with the reason, and every column is accounted for."""
    result = run("import", str(FIXTURES / "tracker.xlsx"), "-o", "plan.yaml")
    lines = result.stdout.splitlines()
    assert lines[0].startswith('Table: sheet "Action tracker", whose header best matches plan columns: its row 4')
    assert lines[0].endswith('sheet "Lookups" has no row of plan headings.')
    assert "  E   Target date      → deadline" in lines
    assert "  K   Budget           not imported: not a heading sendplan knows" in lines
    assert "Items: 9 in 3 tasks" in lines
    assert "Deadlines read: 6; 3 kept as written (Ongoing, TBC, Spring term 2025)" in lines
    assert "Values kept as text: 5 (3 deadlines, 1 status, 1 RAG)" in lines
    assert ("Rows skipped: 5: 3 blank (rows 9, 13, 17), 1 heading (row 14: only Priority, used for the rows "
            "below), 1 without an action or success criterion (row 18: only Ref)") in lines
    assert lines[-1] == "Wrote plan.yaml. Check it with: sendplan validate plan.yaml"


def test_vague_deadlines_and_unknown_words_are_warnings_naming_their_cells(run: Any) -> None:
    """"Ongoing", "TBC", "Spring term 2025" and "Awaiting DfE" are each a warning with the cell that holds them."""
    result = run("import", str(FIXTURES / "tracker.xlsx"), "-o", "plan.yaml")
    warnings = [line for line in result.stderr.splitlines() if ": warning: " in line]
    cells = [line.split(": warning: ", 1)[1].split(": ", 1)[0] for line in warnings]
    assert cells == ['sheet "Action tracker"'] * 3 + ["Action tracker!E7", "Action tracker!D7",
                     "Action tracker!E11", "Action tracker!G11", "Action tracker!H12", "Action tracker!E15", "Action tracker!row 18"]
    assert 'the deadline "Ongoing" names no date sendplan can read, so it is kept as written' in result.stderr


def test_an_owner_written_only_as_a_code_is_in_the_leads_key(run: Any) -> None:
    """"CW", written as a code with no name, is listed under leads: so validate finds no undefined lead."""
    result = run("import", str(FIXTURES / "tracker.xlsx"), "-o", "plan.yaml")
    assert "owner CW is written as a code and the tracker gives no name for it" in result.stderr
    checked = run("validate", "plan.yaml", "--as-of", "2025-03-20")
    assert checked.exit_code == 0
    assert "SP105" not in checked.stdout + checked.stderr


def test_every_item_records_its_source_cell_in_a_comment(run: Any) -> None:
    """Each item's id line says where it came from: # from Action tracker!C5 … (and the status kept as written)."""
    run("import", str(FIXTURES / "tracker.xlsx"), "-o", "plan.yaml")
    text = Path("plan.yaml").read_text(encoding="utf-8")
    assert '- id: "1.1"  # from Action tracker!C5\n' in text
    assert '- id: "3.2"  # from Action tracker!C16\n' in text
    assert "# status in the tracker: Awaiting DfE\n" in text
    assert "# RAG in the tracker: Green\n" in text
    assert text.count("# from Action tracker!C") == 9


@pytest.mark.parametrize("name", ["tracker.xlsx", "tracker-1252.csv", "plan.docx"])
def test_imported_plans_validate_and_answer_overdue(run: Any, name: str) -> None:
    """Each fixture's plan passes sendplan validate (exit 0, warnings allowed) and overdue reads it."""
    imported(run, name)
    assert run("validate", "plan.yaml", "--as-of", "2025-03-14").exit_code == 0
    result = run("overdue", "--plan", "plan.yaml", "--as-of", "2025-03-14", "--json")
    overdue = [row["id"] for row in json.loads(result.stdout)]
    assert overdue == {"plan.docx": ["1.1", "1.2"]}.get(name, ["1.2"])


def test_word_document_picks_the_plan_table_after_document_control_and_contents(run: Any) -> None:
    """In plan.docx the third table is the plan; merged task and deliverable cells fill down."""
    plan = imported(run, "plan.docx")
    assert plan.plan.title == "SEND recovery plan"
    got = items(plan)
    assert list(got) == ["1.1", "1.2", "1.3", "2.1", "2.2"]
    assert [len(task.deliverables) for task in plan.tasks] == [2, 1]
    assert got["1.1"].success_criteria == ["All EHCP assessment requests are appropriate",
                                           "Refusals to assess lead to few challenges"]
    assert (got["1.2"].deadline.due_date, got["1.2"].lead) == (date(2022, 10, 31), "AG2")
    assert got["1.3"].deadline_note == "Ongoing" and got["2.2"].deadline_note == "Spring term 2025"
    assert got["2.1"].deadline.recurs and got["2.1"].lead == "CWAG"
    assert plan.leads["CWAG"].name == "CW / AG" and plan.leads["AG2"].name == "Anthony Giles"


def test_table_option_chooses_another_word_table(run: Any) -> None:
    """--table 1 asks for the document-control table, which has no plan header: a plain message, exit 1."""
    result = run("import", str(FIXTURES / "plan.docx"), "--table", "1")
    assert result.exit_code == 1
    assert result.stderr.startswith(f"{FIXTURES / 'plan.docx'}: table 1 has no row of column headings")


def test_sheet_option_names_a_missing_sheet_with_a_suggestion(run: Any) -> None:
    """--sheet with a near miss says which sheets there are."""
    result = run("import", str(FIXTURES / "tracker.xlsx"), "--sheet", "Lookup")
    assert result.exit_code == 1
    assert 'there is no sheet "Lookup" in this workbook. Did you mean "Lookups"?' in result.stderr


# ---------------------------------------------------------------------------------------
# Output: standard output, -o, --force, --dry-run


def test_without_output_the_plan_goes_to_stdout_and_the_summary_to_stderr(run: Any) -> None:
    """With no -o the YAML is the only thing on stdout, so it can be piped."""
    result = run("import", str(FIXTURES / "tracker.xlsx"))
    assert result.exit_code == 0
    assert result.stdout.startswith("# Imported by sendplan from tracker.xlsx, sheet \"Action tracker\"")
    assert "Items: 9 in 3 tasks" in result.stderr and "Items:" not in result.stdout


def test_output_never_replaces_a_file_without_force(run: Any) -> None:
    """An existing -o file is left exactly as it was, and --force replaces it."""
    Path("plan.yaml").write_text("mine\n", encoding="utf-8")
    result = run("import", str(FIXTURES / "tracker.xlsx"), "-o", "plan.yaml")
    assert result.exit_code == 1
    assert result.stderr == "plan.yaml: this file already exists, so nothing was written. Give another name, or add --force to replace it.\n"
    assert Path("plan.yaml").read_text(encoding="utf-8") == "mine\n"
    assert run("import", str(FIXTURES / "tracker.xlsx"), "-o", "plan.yaml", "--force").exit_code == 0
    assert load_plan("plan.yaml").plan.plan.title.startswith("SEND Improvement Plan")


def test_dry_run_shows_the_mapping_and_first_rows_and_writes_nothing(run: Any, tmp_path: Path) -> None:
    """--dry-run prints the mapping and the first five items, and leaves the folder empty."""
    result = run("import", str(FIXTURES / "tracker.xlsx"), "-o", "plan.yaml", "--dry-run")
    assert result.exit_code == 0
    assert list(tmp_path.iterdir()) == []
    lines = result.stdout.splitlines()
    assert "First 5 of 9 items:" in lines
    assert "  1.2  from Action tracker!C6: task 1 · lead HS · due Q2 2024/25 · on_track · amber" in lines
    assert '  1.3  from Action tracker!C7: task 1 · lead CKAG · due "Ongoing" (kept as written) · not_started' in lines
    assert lines[-1] == "Nothing was written (--dry-run)."


def test_map_and_rules_file_override_the_guess(run: Any, tmp_path: Path) -> None:
    """--map sends a column to a field; a rules file maps an unknown status and gives two owners one code."""
    (tmp_path / "rules.yaml").write_text(
        "columns:\n  Budget: ignore\nstatuses:\n  Awaiting DfE: at_risk\nowners:\n"
        "  Chris Wickens: CW\n  Head of SEND:\n    code: JB\n    name: Jo Bloggs\n    title: Head of SEND\n",
        encoding="utf-8",
    )
    result = run("import", str(FIXTURES / "tracker.xlsx"), "-o", "plan.yaml", "--rules", "rules.yaml",
                 "--map", "update=", "--map", "deliverable=Success measure")
    assert result.exit_code == 0, result.output
    assert "  I   Latest update    not imported (--map update=)" in result.stdout.splitlines()
    plan = load_plan("plan.yaml").plan
    got = items(plan)
    assert got["2.2"].status.value == "at_risk" and got["2.1"].lead == "CW" and got["1.2"].lead == "JB"
    assert (plan.leads["JB"].name, plan.leads["JB"].title) == ("Jo Bloggs", "Head of SEND")
    assert all(not item.updates for item in got.values())
    assert plan.tasks[0].deliverables[0].title == "• Guidance published on the Local Offer\n• 90% of SENCOs say it is useful"


def test_a_mistake_in_the_rules_file_is_located(run: Any, tmp_path: Path) -> None:
    """An unknown status in the rules file is FILE:LINE:COL with the choices, and nothing is written."""
    (tmp_path / "rules.yaml").write_text("statuses:\n  Awaiting DfE: waiting\n", encoding="utf-8")
    result = run("import", str(FIXTURES / "tracker.xlsx"), "-o", "plan.yaml", "--rules", "rules.yaml")
    assert result.exit_code == 1
    assert result.stderr == ('rules.yaml:2:17: "waiting" is not one of not_started, on_track, at_risk, off_track, '
                             "complete, dropped.\n")
    assert not Path("plan.yaml").exists()


# ---------------------------------------------------------------------------------------
# Bad input: a plain message naming the file, exit 1, nothing written


def _empty_workbook(path: Path) -> None:
    import openpyxl

    workbook = openpyxl.Workbook()
    workbook.active.title = "Tracker"  # type: ignore[union-attr]
    workbook.save(path)


def _headerless_workbook(path: Path) -> None:
    import openpyxl

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Budget"  # type: ignore[union-attr]
    sheet.append(["Cost centre", "Amount", "Year"])  # type: ignore[union-attr]
    sheet.append(["ED123", 1200, 2024])  # type: ignore[union-attr]
    workbook.save(path)


def _broken_workbook(path: Path) -> None:
    import zipfile

    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook><sheets>")


BAD = [
    ("password", lambda folder: shutil.copy(FIXTURES / "locked.xlsx", folder / "in.xlsx"), "in.xlsx",
     "in.xlsx: this file is password-protected (encrypted), so sendplan cannot read it."),
    ("word named xlsx", lambda folder: shutil.copy(FIXTURES / "plan.docx", folder / "in.xlsx"), "in.xlsx",
     "in.xlsx: this is a Word document (.docx), not an Excel workbook, although its name ends in .xlsx."),
    ("excel named csv", lambda folder: shutil.copy(FIXTURES / "tracker.xlsx", folder / "in.csv"), "in.csv",
     "in.csv: this is an Excel workbook (.xlsx), not CSV text, although its name ends in .csv."),
    ("text named docx", lambda folder: (folder / "in.docx").write_text("Task,Action\n"), "in.docx",
     "in.docx: this is a text file, not a Word document, although its name ends in .docx."),
    ("pdf named xlsx", lambda folder: (folder / "in.xlsx").write_bytes(b"%PDF-1.7\n"), "in.xlsx",
     "in.xlsx: this is a PDF, not an Excel workbook, although its name ends in .xlsx."),
    ("damaged workbook", lambda folder: shutil.copy(FIXTURES / "tracker.xlsx", folder / "in.xlsx")
     and (folder / "in.xlsx").write_bytes((folder / "in.xlsx").read_bytes()[:3000]), "in.xlsx",
     "in.xlsx: this file is damaged: it is an incomplete zip archive (as .xlsx and .docx files are)."),
    ("broken workbook inside", lambda folder: _broken_workbook(folder / "in.xlsx"), "in.xlsx",
     "in.xlsx: this workbook cannot be read; it may be damaged"),
    ("empty sheet", lambda folder: _empty_workbook(folder / "in.xlsx"), "in.xlsx",
     'in.xlsx: sheet "Tracker" is empty: there is nothing to import.'),
    ("empty csv", lambda folder: (folder / "in.csv").write_bytes(b""), "in.csv",
     "in.csv: the file is empty: there is nothing to import."),
    ("no header", lambda folder: _headerless_workbook(folder / "in.xlsx"), "in.xlsx",
     'in.xlsx: sheet "Budget" has no row of column headings sendplan recognises'),
    ("old excel", lambda folder: (folder / "in.xls").write_bytes(b"x"), "in.xls",
     "in.xls: sendplan imports Excel workbooks (.xlsx), CSV files (.csv) and Word documents (.docx)"),
    ("missing", lambda folder: None, "in.csv", "in.csv: no such file. Check the name and the folder."),
    ("not utf-8 or 1252", lambda folder: (folder / "in.csv").write_bytes(b"Action,Lead\n\x81x,AG\n"), "in.csv",
     "in.csv: line 2: byte 12 (0x81) is not UTF-8 or Windows-1252 text"),
]


@pytest.mark.parametrize(("make", "name", "message"), [case[1:] for case in BAD], ids=[case[0] for case in BAD])
def test_bad_input_is_a_plain_message_and_nothing_is_written(
    run: Any, tmp_path: Path, make: Any, name: str, message: str
) -> None:
    """Each bad file gives one line naming it, exit 1, no traceback, and no plan file."""
    make(tmp_path)
    before = sorted(path.name for path in tmp_path.iterdir())
    result = run("import", name, "-o", "plan.yaml")
    assert result.exit_code == 1
    assert result.stderr.startswith(message), result.stderr
    assert len(result.stderr.splitlines()) == 1 and "Traceback" not in result.output
    assert sorted(path.name for path in tmp_path.iterdir()) == before


def test_a_heading_row_across_a_word_table_is_the_task_of_the_rows_below(run: Any, tmp_path: Path) -> None:
    """Priority | Action | Lead | Milestone | Impact measure | By when, with full-width priority rows."""
    import docx

    document = docx.Document()
    table = document.add_table(rows=1, cols=5)
    for cell, text in zip(table.rows[0].cells, ["Action", "Lead", "Milestone", "Impact measure", "By when"],
                          strict=True):
        cell.text = text
    for values in (["Priority 1: Early help"], ["Set up the hub", "Jo Bloggs", "Hub open", "Fewer referrals",
                                                "Q3 2024/25"], ["Priority 2: Transitions"],
                   ["Agree the protocol", "Jo Bloggs", "Protocol signed", "Smoother moves", "31/01/2025"]):
        cells = table.add_row().cells
        if len(values) == 1:
            cells[0].merge(cells[4]).text = values[0]
        else:
            for cell, text in zip(cells, values, strict=True):
                cell.text = text
    document.save(str(tmp_path / "wsoa.docx"))
    result = run("import", "wsoa.docx", "-o", "plan.yaml")
    assert result.exit_code == 0, result.output
    plan = load_plan("plan.yaml").plan
    assert [(task.number, task.title) for task in plan.tasks] == [(1, "Priority 1: Early help"),
                                                                   (2, "Priority 2: Transitions")]
    got = items(plan)
    assert got["1.1"].success_criteria == ["Fewer referrals", "Hub open"]
    assert (got["1.1"].lead, got["2.1"].deadline.due_date) == ("JB", date(2025, 1, 31))
