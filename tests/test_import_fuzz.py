"""Any tracker imports to a plan that loads, or to a located error: never a crash, never lost text."""

from __future__ import annotations

import csv
import io
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sendplan.errors import PlanError
from sendplan.office.draft import plan_text
from sendplan.office.grid import Cell, Source, Table
from sendplan.office.importer import import_source
from sendplan.office.tables import read_tables
from sendplan.office.values import plain
from sendplan.plan.load import parse_plan

HEADINGS = ["Ref", "Priority", "Deliverable", "Action", "Owner", "Target date", "Success measure", "Status", "RAG",
            "Latest update", "Date updated", "Milestones", "Budget"]
VALUES = ["", " ", "1.1", "1.1", "AG", "Anthony Giles", "CW / AG", "Head of SEND", "31/10/2024", "Q2 2024/25",
          "Ongoing", "TBC", "Mar 2022", "every January", "In progress", "Done", "Amber", "Red", "• One\n• Two",
          "yes", "no", "null", "~", "- x", "#", "'", '"', "key: value", "&anchor", "*alias", "!tag", "%", "@", "`"]
# No semicolons or tabs: a file full of them is rightly read as semicolon- or tab-separated. No lone
# surrogates: no reader can produce them (XML and the CSV decoders refuse them).
text_cells = st.one_of(
    st.sampled_from(VALUES), st.sampled_from(HEADINGS),
    st.text(alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters=";\t"), max_size=40),
)
FOLDER = Path(tempfile.mkdtemp(prefix="sendplan-import-fuzz-"))
grids = st.lists(st.lists(text_cells, min_size=0, max_size=8), min_size=0, max_size=10)


def _check(source: Source) -> None:
    try:
        result = import_source(source)
    except PlanError as error:
        assert all(problem.location is not None and problem.location.file == source.file for problem in error.problems)
        return
    loaded = parse_plan(plan_text(result.draft), "imported.yaml")  # must load: never PlanError
    back = {item.id: item for _, _, item in loaded.plan.iter_items()}
    assert list(back) == [item.item_id for item in result.items]
    for item in result.items:
        assert back[item.item_id].action == item.values.get("action")
        assert back[item.item_id].success_criteria == item.values.get("success_criteria", [])
        assert back[item.item_id].deadline_note == item.values.get("deadline_note")


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(grids, st.sampled_from(["sheet", "csv", "word"]), st.integers(min_value=0, max_value=3))
def test_any_grid_of_text_cells_imports_to_a_plan_that_loads_or_a_located_error(
    rows: list[list[str]], kind: str, header_at: int
) -> None:
    """A header of plan headings over random cells gives a loadable plan with every text kept, or a PlanError."""
    if rows:
        rows.insert(min(header_at, len(rows)), HEADINGS[: max(2, len(rows[0]))])
    table = Table(kind, "Tracker" if kind == "sheet" else "table 1", 1, [[Cell(text) for text in row] for row in rows])  # type: ignore[arg-type]
    _check(Source("tracker.xlsx", "xlsx", [table]))


def _is_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


@settings(max_examples=150, deadline=None)
@given(grids, st.sampled_from(["utf-8", "utf-8-sig", "cp1252"]))
def test_any_csv_decodes_and_imports_with_its_text_intact(rows: list[list[str]], encoding: str) -> None:
    """A CSV written in any of the encodings Excel uses reads back cell for cell, then imports or fails plainly."""
    out = io.StringIO(newline="")
    writer = csv.writer(out)
    writer.writerows([HEADINGS, *rows])
    text = out.getvalue()
    try:
        data = text.encode(encoding)
    except UnicodeEncodeError:
        return  # text Windows-1252 cannot hold is never in a Windows-1252 file
    if encoding == "cp1252" and data != text.encode("utf-8") and _is_utf8(data):
        return  # "Ã©" in Windows-1252 is "é" in UTF-8: such bytes are read as UTF-8, as they almost always are
    path = FOLDER / f"tracker-{encoding}.csv"
    path.write_bytes(data)
    try:
        source = read_tables(str(path))
    except PlanError:
        # Only bytes Windows-1252 leaves undefined, or a NUL (binary, not text), stop a CSV being read.
        assert encoding == "cp1252" or "\x00" in text
        return
    table = source.tables[0]
    expected = list(csv.reader(io.StringIO(text, newline="")))
    assert [[cell.text for cell in row] for row in table.rows] == expected
    _check(source)


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=2000), st.sampled_from([".xlsx", ".docx", ".csv"]))
def test_any_bytes_are_a_tracker_or_a_plain_message(data: bytes, extension: str) -> None:
    """Random bytes under any tracker name give tables or a PlanError naming the file, nothing else."""
    path = FOLDER / f"tracker{extension}"
    path.write_bytes(data)
    try:
        read_tables(str(path))
    except PlanError as error:
        assert error.problems[0].location is not None and error.problems[0].location.file == str(path)


def test_import_keeps_text_exactly_apart_from_the_spaces_around_it() -> None:
    """Odd characters, quotes, YAML syntax and line breaks in an action survive the YAML writer."""
    action = 'Say "yes": no & *all* #1\n  - indented\tline \\ end \x07 \u2028 after'
    table = Table("sheet", "Tracker", 1, [[Cell("Action"), Cell("Owner")], [Cell(f"  {action}  "), Cell("AG")]])
    result = import_source(Source("t.xlsx", "xlsx", [table]))
    loaded = parse_plan(plan_text(result.draft), "t.yaml")
    item = next(item for _, _, item in loaded.plan.iter_items())
    assert item.action == plain(action)
