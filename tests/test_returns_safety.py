"""The update round never loses a lead's answers: request does not overwrite a return, and collect
names every grey cell typed over, every deleted row and every formula (LibreOffice-saved fixtures)."""

from __future__ import annotations

import email
import shutil
from collections.abc import Callable
from datetime import date
from email import policy
from pathlib import Path

import pytest
from click.testing import Result
from openpyxl import load_workbook
from returns_kit import FIXTURES, fill, positions

from sendplan.office.mail import uk_zone
from sendplan.office.returns_read import read_return

AG_BOOK = "send-recovery-plan-AG-2021-12-01.xlsx"
CK_BOOK = "send-recovery-plan-CK-2021-12-01.xlsx"


@pytest.fixture
def plan_copy(tmp_path: Path, bundled_plan: Path) -> Path:
    """The bundled plan, copied to tmp_path/plan.yaml."""
    path = tmp_path / "plan.yaml"
    shutil.copyfile(bundled_plan, path)
    return path


def collect(run: Callable[..., Result], *files: str) -> Result:
    return run("collect", "--plan", "plan.yaml", "--as-of", "2021-12-10", *files)


# --- request never replaces a return ---------------------------------------------------------


def test_request_again_refuses_to_replace_a_filled_in_return(run: Callable[..., Result], plan_copy: Path, tmp_path: Path) -> None:
    """A filled-in return under its sent name stops request before any file is written (finding 3)."""
    out = tmp_path / "returns"
    out.mkdir()
    shutil.copyfile(FIXTURES / "AG-filled.xlsx", out / AG_BOOK)
    before = (out / AG_BOOK).read_bytes()
    result = run("request", "--plan", "plan.yaml", "--as-of", "2021-12-01", "--lead", "BB", "--lead", "AG", "-o", "returns")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr == (
        f"returns/{AG_BOOK}: this is a return with answers filled in (5 rows), so nothing was written: a new form "
        f"would replace it. Collect it first (sendplan collect returns/{AG_BOOK}), write the new returns to another "
        "folder with -o, or add --force to replace it.\n"
    )
    assert (out / AG_BOOK).read_bytes() == before
    assert sorted(path.name for path in out.iterdir()) == [AG_BOOK]  # BB's was not written either


def test_request_force_replaces_and_the_same_request_twice_is_fine(run: Callable[..., Result], plan_copy: Path, tmp_path: Path) -> None:
    """--force replaces a file in the way; a file with the very bytes request writes is no obstacle."""
    (tmp_path / "returns").mkdir()
    shutil.copyfile(FIXTURES / "AG-filled.xlsx", tmp_path / "returns" / AG_BOOK)
    args = ("request", "--plan", "plan.yaml", "--as-of", "2021-12-01", "--lead", "AG", "-o", "returns")
    assert run(*args, "--force").exit_code == 0
    fresh = (tmp_path / "returns" / AG_BOOK).read_bytes()
    assert fresh != (FIXTURES / "AG-filled.xlsx").read_bytes()
    again = run(*args)
    assert again.exit_code == 0, again.stderr
    assert (tmp_path / "returns" / AG_BOOK).read_bytes() == fresh


def test_request_refuses_any_other_file_in_the_way(run: Callable[..., Result], plan_copy: Path, tmp_path: Path) -> None:
    """An existing file that is not the one request would write (here an older form) is refused too."""
    (tmp_path / "returns").mkdir()
    (tmp_path / "returns" / CK_BOOK).write_bytes(b"not this")
    result = run("request", "--plan", "plan.yaml", "--as-of", "2021-12-01", "--lead", "CK", "-o", "returns")
    assert result.exit_code == 1
    assert result.stderr == (
        f"returns/{CK_BOOK}: this file already exists and is not the one sendplan would write now, so nothing was "
        "written. Write the new returns to another folder with -o, or add --force to replace it.\n"
    )


def test_request_output_naming_a_file_is_a_plain_message(run: Callable[..., Result], plan_copy: Path) -> None:
    """`request -o plan.yaml` names the file and says -o is a folder, in the house style (finding 20)."""
    result = run("request", "--plan", "plan.yaml", "--as-of", "2021-12-01", "-o", "plan.yaml")
    assert result.exit_code == 1
    assert result.stderr == (
        "plan.yaml: this is a file, not a folder: -o names the folder the workbooks and drafts go in "
        "(for example -o returns). Nothing was written.\n"
    )


# --- collect: what a lead may do besides answering -------------------------------------------


def test_grey_cells_typed_over_are_refused_cell_by_cell(run: Callable[..., Result], plan_copy: Path) -> None:
    """AG-grey.xlsx (unprotected, three grey cells typed over beside a real answer): every cell named,
    where its answer goes, exit 1 and the plan untouched (finding 2)."""
    before = plan_copy.read_bytes()
    shutil.copyfile(FIXTURES / "AG-grey.xlsx", plan_copy.parent / "AG.xlsx")
    result = collect(run, "AG.xlsx")
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        ('AG.xlsx: Update!E10: the grey Status was changed to "complete", but the grey columns are not read, so this '
        "return is not collected yet. Choose the new status under New status (Update!H10), put back "
        '"not started" here, and collect it again. (item 1.2)'),
        ('AG.xlsx: Update!D11: the grey Deadline was changed to "Mar 2022", but the grey columns are not read, so this '
        "return is not collected yet. Put a new deadline under Revised deadline, with its Reason (Update!J11), put "
        'back "JULY 2022" here, and collect it again. (item 1.3)'),
        ('AG.xlsx: Update!G12: the grey Latest update was changed to "Met the DfE team on 30 Nov", but the grey columns '
        "are not read, so this return is not collected yet. Write the news under Progress note (Update!I12), empty "
        "it again here, and collect it again. (item 1.4)"),
    ]
    assert plan_copy.read_bytes() == before


def test_a_filled_return_saved_by_libreoffice_has_no_grey_changes(run: Callable[..., Result], plan_copy: Path) -> None:
    """LibreOffice's re-save of every grey cell (wrapped text, bullets, line ends) is not taken for an edit."""
    result = collect(run, str(FIXTURES / "AG-filled.xlsx"), "--dry-run")
    assert result.exit_code == 0
    assert result.stderr == ""


def test_a_deleted_row_is_a_warning_naming_its_item(run: Callable[..., Result], plan_copy: Path) -> None:
    """AG-rowdel.xlsx (1.2's row deleted, 1.1 answered): 1.1 is collected, and a warning names row 10 and
    item 1.2; the task band that moved up is not taken for an id (finding 7)."""
    shutil.copyfile(FIXTURES / "AG-rowdel.xlsx", plan_copy.parent / "AG.xlsx")
    result = collect(run, "AG.xlsx")
    assert result.exit_code == 0
    assert result.stdout.splitlines() == [
        "AG.xlsx: return from Anthony Giles (AG), sent 1 Dec 2021: 1 row answered",
        "  1.1   status: not started → on track",
        '        progress note by AG: "Working group met twice"',
        "Updated plan.yaml: 1 item changed.",
    ]
    assert result.stderr == (
        "AG.xlsx: warning: Update!A10: item 1.2, sent on row 10, is no longer on the form: its row was deleted (the "
        "rows below it have moved up). No answer for 1.2 is collected. Leave every row in place and its yellow cells "
        "empty where there is nothing to say; if an item is not yours, say so in its Progress note.\n"
    )


def test_a_formula_is_a_warning_and_its_shown_value_is_kept(run: Callable[..., Result], plan_copy: Path) -> None:
    """AG-formula.xlsx (a HYPERLINK formula as 1.1's note): the note is the link's words, and a warning
    names the cell and the formula (finding 11)."""
    result = collect(run, str(FIXTURES / "AG-formula.xlsx"))
    assert result.exit_code == 0
    assert 'progress note by AG: "Minutes of the meeting"' in result.stdout
    assert result.stderr == (
        f"{FIXTURES / 'AG-formula.xlsx'}: warning: Update!I9: this cell holds a formula "
        '("=HYPERLINK("https://example.org/minutes","Minutes of the meeting")"); its shown value, "Minutes of the '
        'meeting", is what is collected. If that is not what was meant, type the words themselves. (item 1.1)\n'
    )
    assert '- date: 2021-12-10\n                by: AG\n                text: "Minutes of the meeting"\n' in plan_copy.read_text()


def test_every_files_problems_at_once(run: Callable[..., Result], plan_copy: Path, tmp_path: Path) -> None:
    """A file refused when read does not hide the other file's problem with the plan (finding 6)."""
    changed = fill((FIXTURES / "AG-filled.xlsx").read_bytes(), {}, {"Update!A17": "5.17", "Update!H17": "complete"})
    (tmp_path / "changed.xlsx").write_bytes(changed)
    shutil.copyfile(FIXTURES / "AG-bad-status.xlsx", tmp_path / "bad.xlsx")
    result = collect(run, "changed.xlsx", "bad.xlsx", "--dry-run")
    assert result.exit_code == 1
    lines = result.stderr.splitlines()
    assert [line.split(":")[0:2] for line in lines] == [["bad.xlsx", " Update!H9"], ["changed.xlsx", " Update!A17"]]
    assert lines[1] == 'changed.xlsx: Update!A17: there is no item "5.17" in plan.yaml. This row was sent as 2.3: put that id back. (item 5.17)'


# --- dates -------------------------------------------------------------------------------------


def test_revised_deadline_kept_as_written_and_shown_readably(run: Callable[..., Result], plan_copy: Path, tmp_path: Path) -> None:
    """31/10/2024 typed by the lead: the message says 31 Oct 2024, the plan keeps 31/10/2024 (finding 19)."""
    data = fill((FIXTURES / "AG-filled.xlsx").read_bytes(), {"1.5": {"revised": "31/10/2024", "reason": "Funding moved"}})
    (tmp_path / "AG.xlsx").write_bytes(data)
    result = collect(run, "AG.xlsx")
    assert result.exit_code == 0, result.stderr
    assert '  1.5   deadline revised: Mar 2023 → 31 Oct 2024, because "Funding moved"' in result.stdout.splitlines()
    assert '            revised_deadline: "31/10/2024"\n' in plan_copy.read_text()


def test_date_advice_fits_a_return_cell(run: Callable[..., Result], plan_copy: Path, tmp_path: Path) -> None:
    """A bad date in a return suggests the form's day-first 31/03/2022, never a yearly deadline (finding 15)."""
    data = fill(
        (FIXTURES / "AG-filled.xlsx").read_bytes(),
        {"1.5": {"revised": "31/13/2024", "reason": "Later"}, "1.6": {"completed": "Smarch 2021"}},
    )
    (tmp_path / "AG.xlsx").write_bytes(data)
    result = collect(run, "AG.xlsx")
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        ('AG.xlsx: Update!J13: "31/13/2024" is not a date: there is no month 13. Write the new deadline day first, '
        'as the form asks: 31/03/2022 or 31 Mar 2022, or a month such as "Mar 2022". (item 1.5)'),
        ('AG.xlsx: Update!L14: "Smarch 2021" is not a date: "smarch" is not a month. Write the day it was completed, '
        "day first, as the form asks: 31/03/2022 or 31 Mar 2022. (item 1.6)"),
    ]


def test_date_advice_fits_as_of(run: Callable[..., Result]) -> None:
    """--as-of 31/13/2024: one day's spellings, no "every January" (finding 15)."""
    result = run("overdue", "--as-of", "31/13/2024")
    assert result.exit_code == 2
    assert result.stderr.splitlines()[-1] == (
        "Error: Invalid value for '--as-of': \"31/13/2024\" is not a date: there is no month 13. Write a day such as "
        '31/03/2022 (day first), "31 Mar 2022" or 2022-03-31, or a month such as "Mar 2022".'
    )


# --- the draft email ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "offset"),
    [
        (date(2021, 12, 1), "+00:00"),
        (date(2022, 3, 26), "+00:00"),  # the Saturday before the clocks go forward
        (date(2022, 3, 27), "+01:00"),
        (date(2022, 10, 29), "+01:00"),
        (date(2022, 10, 30), "+00:00"),  # the clocks went back at 2 am
    ],
)
def test_uk_zone_by_rule(day: date, offset: str) -> None:
    """9 am UK time is GMT in winter and BST from the last Sunday of March to the last of October."""
    from datetime import datetime, time

    assert datetime.combine(day, time(9), tzinfo=uk_zone(day)).isoformat()[-6:] == offset


def test_draft_has_a_zone_and_is_signed(run: Callable[..., Result], plan_copy: Path, tmp_path: Path) -> None:
    """The .eml's Date has the UK zone (not -0000) and the message is signed with the --from name (finding 20)."""
    text = plan_copy.read_text().replace(
        "    title: Head of SEN assessment\n", "    title: Head of SEN assessment\n    email: ag@council.gov.uk\n", 1
    )
    plan_copy.write_text(text)
    result = run(
        "request", "--plan", "plan.yaml", "--as-of", "2022-06-01", "--lead", "AG", "-o", "out",
        "--from", "Jo Bloggs <jo.bloggs@council.gov.uk>",
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    message = email.message_from_bytes((tmp_path / "out" / "send-recovery-plan-AG-2022-06-01.eml").read_bytes(), policy=policy.default)
    assert message["Date"] == "Wed, 01 Jun 2022 09:00:00 +0100"
    plain = message.get_body(("plain",))
    assert plain is not None and plain.get_content().replace("\r\n", "\n").endswith("\n\nThank you.\nJo Bloggs\n")
    markup = message.get_body(("html",))
    assert markup is not None and "<p>Thank you.<br>Jo Bloggs</p>" in markup.get_content()


def test_a_form_made_before_the_grey_cells_were_kept_is_collected_as_before(tmp_path: Path) -> None:
    """A record without the grey cells (a form sent by an older sendplan) skips the grey check, nothing else."""
    data = (FIXTURES / "AG-grey.xlsx").read_bytes()
    rows = len(positions(load_workbook(FIXTURES / "AG-grey.xlsx")))
    older = fill(data, {}, {f"sendplan!E{number}": None for number in range(12, 13 + rows)})
    found = read_return("AG.xlsx", older)
    assert [row.id_text for row in found.rows if row.answered] == ["1.1"]
    assert found.warnings == ()
