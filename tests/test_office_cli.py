"""`sendplan request` and `sendplan collect`, the monthly update round, through the command line.

On a copy of the bundled plan with an email address for AG, as the issue's Done-when says.
"""

from __future__ import annotations

import email
from collections.abc import Callable
from email import policy
from pathlib import Path

import pytest
from click.testing import Result
from helpers import changed_lines
from openpyxl import load_workbook
from returns_kit import AG_IDS, FIXTURES, fill, positions

AG_EMAIL = "anthony.giles@westnorthants.gov.uk"
AG_BOOK = "send-recovery-plan-AG-2021-12-01"


@pytest.fixture
def plan_copy(tmp_path: Path, bundled_plan: Path) -> Path:
    """The bundled plan in tmp_path, with an email address for AG."""
    text = bundled_plan.read_text(encoding="utf-8").replace(
        "    title: Head of SEN assessment\n", f"    title: Head of SEN assessment\n    email: {AG_EMAIL}\n", 1
    )
    path = tmp_path / "plan.yaml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def requested(run: Callable[..., Result], plan_copy: Path, tmp_path: Path) -> Path:
    """The returns folder after `sendplan request --as-of 2021-12-01 -o out`."""
    result = run("request", "--plan", str(plan_copy), "--as-of", "2021-12-01", "-o", "out")
    assert result.exit_code == 0, result.stderr
    return tmp_path / "out"


def collect(run: Callable[..., Result], plan: Path, *args: str) -> Result:
    return run("collect", "--plan", str(plan), "--as-of", "2021-12-10", *args)


# --- request -------------------------------------------------------------------------------


def test_request_writes_a_workbook_per_lead_and_ags_draft(run: Callable[..., Result], plan_copy: Path, tmp_path: Path) -> None:
    """Done when: one workbook per lead with open items, AG's with 29 rows, and AG's draft beside it."""
    result = run("request", "--plan", str(plan_copy), "--as-of", "2021-12-01", "-o", "out")
    assert result.exit_code == 0, result.stderr
    out = tmp_path / "out"
    assert sorted(path.name for path in out.iterdir()) == sorted(
        [f"send-recovery-plan-{lead}-2021-12-01.xlsx" for lead in ("CK", "AG", "CW", "BB", "DA")] + [f"{AG_BOOK}.eml"]
    )
    book = load_workbook(out / f"{AG_BOOK}.xlsx")
    assert list(positions(book)) == AG_IDS and len(AG_IDS) == 29
    assert result.stdout.splitlines() == [
        "Wrote 5 returns in out, as of 2021-12-01, due back by 15 Dec 2021:",
        "  CK   send-recovery-plan-CK-2021-12-01.xlsx: 14 items, 11 overdue, 3 due soon",
        f"  AG   {AG_BOOK}.xlsx: 29 items",
        f"       {AG_BOOK}.eml: a draft to {AG_EMAIL}",
        "  CW   send-recovery-plan-CW-2021-12-01.xlsx: 3 items",
        "  BB   send-recovery-plan-BB-2021-12-01.xlsx: 5 items, 1 overdue",
        "  DA   send-recovery-plan-DA-2021-12-01.xlsx: 1 item",
    ]
    assert result.stderr == (
        "No email address for Chris Kiernan (CK), Chris Wickens (CW), Beth Bains (BB), DA: send their "
        'workbooks yourself, or add "email:" under their code in "leads:".\n'
    )


def test_the_draft_reads_back(requested: Path) -> None:
    """AG's draft parses as a message to AG, marked unsent, with AG's workbook attached byte for byte."""
    message = email.message_from_bytes((requested / f"{AG_BOOK}.eml").read_bytes(), policy=policy.default)
    assert message["To"] == f"Anthony Giles <{AG_EMAIL}>"
    assert message["X-Unsent"] == "1"
    assert message["Subject"] == "SEND recovery plan: your update, please, by 15 Dec 2021"
    (attachment,) = message.iter_attachments()  # type: ignore[attr-defined]
    assert attachment.get_content() == (requested / f"{AG_BOOK}.xlsx").read_bytes()


def test_request_one_lead_from_and_return_by(run: Callable[..., Result], plan_copy: Path, tmp_path: Path) -> None:
    """--lead picks one lead (any case), --from signs the draft, --return-by sets the day, --within the items."""
    result = run(
        "request", "--plan", str(plan_copy), "--as-of", "2021-12-01", "--lead", "ag", "--within", "4m",
        "--return-by", "10 Dec 2021", "--from", "Jo Bloggs <jo.bloggs@westnorthants.gov.uk>", "-o", "out",
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines()[:2] == [
        "Wrote 1 return in out, as of 2021-12-01, due back by 10 Dec 2021:",
        f"  AG   {AG_BOOK}.xlsx: 9 items, 9 due soon",
    ]
    message = email.message_from_bytes((tmp_path / "out" / f"{AG_BOOK}.eml").read_bytes(), policy=policy.default)
    assert message["From"] == "Jo Bloggs <jo.bloggs@westnorthants.gov.uk>"
    sheet = load_workbook(tmp_path / "out" / f"{AG_BOOK}.xlsx")["Update"]
    assert sheet["A2"].value.endswith("by Friday 10 December 2021, to Jo Bloggs <jo.bloggs@westnorthants.gov.uk>.")


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (("--lead", "ZZ"), '"ZZ" is not a lead in this plan. Known leads: CK, AG, CW, BB, DA.'),
        (("--from", "Jo Bloggs"), '"Jo Bloggs" is not an email address'),
        (("--return-by", "2021-11-01"), "2021-11-01 is before --as-of 2021-12-01."),
    ],
    ids=["unknown lead", "bad sender", "return before request"],
)
def test_request_usage_errors(run: Callable[..., Result], plan_copy: Path, args: tuple[str, ...], expected: str) -> None:
    """A wrong option is a usage error (exit 2) that says what is wrong; nothing is written."""
    result = run("request", "--plan", str(plan_copy), "--as-of", "2021-12-01", *args, "-o", "out")
    assert result.exit_code == 2
    assert expected in result.stderr
    assert not Path("out").exists()


def test_a_bad_email_gets_no_draft(run: Callable[..., Result], plan_copy: Path, tmp_path: Path) -> None:
    """A lead whose email cannot be an address gets the workbook and no draft, and is named."""
    plan_copy.write_text(plan_copy.read_text(encoding="utf-8").replace(AG_EMAIL, "Anthony Giles"), encoding="utf-8")
    result = run("request", "--plan", str(plan_copy), "--as-of", "2021-12-01", "--lead", "AG", "-o", "out")
    assert result.exit_code == 0
    assert not (tmp_path / "out" / f"{AG_BOOK}.eml").exists()
    assert "No draft for Anthony Giles (AG) ('Anthony Giles'): that is not an email address" in result.stderr


# --- collect -------------------------------------------------------------------------------

EXPECTED_REMOVED = ["            status: not_started"] * 4
EXPECTED_ADDED = [
    "            status: on_track",
    "            updates:",
    "              - date: 2021-12-10",
    "                by: AG",
    '                text: "Working group met twice; draft document shared with SENDCOs"',
    "            status: complete",
    "            completed: 2021-11-26",
    "            evidence:",
    '              - "Briefing slides for case officers"',
    "            revised_deadline: Sep 2022",
    '            revision_reason: "Working group starts after the summer term"',
    "            status: at_risk",
    "            updates:",
    "              - date: 2021-12-10",
    "                by: AG",
    '                text: "Statistical neighbours\' data not yet in\\nAsked the DfE team"',
    "            status: complete",
    "            completed: 2021-11-29",
]


def test_libreoffice_return_collects_with_only_those_lines_changed(run: Callable[..., Result], plan_copy: Path) -> None:
    """Done when: the filled return LibreOffice re-saved collects; comments stay; only those lines change."""
    before = plan_copy.read_text(encoding="utf-8")
    result = collect(run, plan_copy, str(FIXTURES / "AG-filled.xlsx"))
    assert result.exit_code == 0, result.stderr
    after = plan_copy.read_text(encoding="utf-8")
    assert changed_lines(before, after) == (EXPECTED_REMOVED, EXPECTED_ADDED)
    comments = [line for line in before.splitlines() if "#" in line]
    assert comments and all(line in after.splitlines() for line in comments)
    assert result.stdout.splitlines()[0] == (
        f"{FIXTURES / 'AG-filled.xlsx'}: return from Anthony Giles (AG), sent 1 Dec 2021: 5 rows answered"
    )
    assert "  1.1   status: not started → on track" in result.stdout
    assert result.stdout.splitlines()[-1] == f"Updated {plan_copy}: 5 items changed."


def test_second_collect_changes_nothing_and_says_so(run: Callable[..., Result], plan_copy: Path) -> None:
    """Done when: collecting the same return again leaves the plan byte-identical and says why."""
    assert collect(run, plan_copy, str(FIXTURES / "AG-filled.xlsx")).exit_code == 0
    once = plan_copy.read_bytes()
    result = collect(run, plan_copy, str(FIXTURES / "AG-filled.xlsx"))
    assert result.exit_code == 0
    assert plan_copy.read_bytes() == once
    assert result.stdout.count("already in the plan: nothing to change") == 5
    assert result.stdout.splitlines()[-1] == f"Nothing to change: {plan_copy} already holds every answer (collected before?)."


def test_dry_run_changes_nothing(run: Callable[..., Result], plan_copy: Path) -> None:
    """--dry-run says item by item what would change, and stops there."""
    before = plan_copy.read_bytes()
    result = collect(run, plan_copy, str(FIXTURES / "AG-filled.xlsx"), "--dry-run")
    assert result.exit_code == 0
    assert plan_copy.read_bytes() == before
    assert "  1.3   deadline revised: JULY 2022 → Sep 2022, because \"Working group starts after the summer term\"" in result.stdout
    assert result.stdout.splitlines()[-1] == f"Dry run: 5 items would change; {plan_copy} is unchanged."


def _return_copy(tmp_path: Path, name: str, data: bytes) -> str:
    path = tmp_path / name
    path.write_bytes(data)
    return name


def _sent(requested: Path) -> bytes:
    return (requested / f"{AG_BOOK}.xlsx").read_bytes()


BAD_RETURNS = [
    ("bad status", lambda sent: (FIXTURES / "AG-bad-status.xlsx").read_bytes(),
     'AG.xlsx: Update!H9: "finished-ish" is not a status; choose from the list'),
    ("unknown id", lambda sent: fill(sent, {}, {"A9": "1.99", "H9": "complete"}),
     'AG.xlsx: Update!A9: there is no item "1.99" in plan.yaml. This row was sent as 1.1: put that id back.'),
    ("altered id", lambda sent: fill(sent, {}, {"A9": "1.2", "H9": "complete"}),
     "AG.xlsx: Update!A10: item 1.2 is on row 9 too."),
    ("not AG's item", lambda sent: fill(sent, {}, {"A9": "5.1", "H9": "complete"}),
     "AG.xlsx: Update!A9: item 5.1 is not AG's: it is led by CK in the plan"),
    ("impossible date", lambda sent: fill(sent, {"1.1": {"completed": "30/02/2022"}}),
     'AG.xlsx: Update!L9: "30/02/2022" is not a real date: February 2022 has 28 days.'),
    ("revised without reason", lambda sent: fill(sent, {"1.1": {"revised": "Jun 2022"}}),
     "AG.xlsx: Update!K9: the revised deadline in Update!J9 needs a reason"),
    ("another plan", lambda sent: fill(sent, {"1.1": {"note": "x"}}, {"sendplan!B2": "Safety valve plan"}),
     'AG.xlsx: this return was made for the plan "Safety valve plan", not for "SEND recovery plan" (plan.yaml).'),
    ("record changed", lambda sent: fill(sent, {"1.1": {"note": "x"}}, {"sendplan!D13": '{"id": "1.1"}'}),
     'AG.xlsx: the hidden "sendplan" sheet, which records what the form was made from, has been changed'),
    ("not a workbook", lambda sent: b"%PDF-1.4\n", "AG.xlsx: this is not an Excel workbook (.xlsx)."),
    ("saved as xls", lambda sent: (FIXTURES / "AG-filled.xls").read_bytes(), "AG.xlsx: this is an Excel 97-2003 workbook (.xls)"),
    ("saved as csv", lambda sent: (FIXTURES / "AG-filled.csv").read_bytes(), "AG.xlsx: this is a CSV file (text only), not a workbook"),
]  # fmt: skip


@pytest.mark.parametrize(("case", "make", "expected"), BAD_RETURNS, ids=[case for case, _, _ in BAD_RETURNS])
def test_bad_returns_refused_with_the_plan_untouched(
    run: Callable[..., Result], plan_copy: Path, requested: Path, tmp_path: Path, case: str, make, expected: str
) -> None:
    """Done when: each bad return is refused with its workbook, sheet and cell, and the plan is byte-identical."""
    before = plan_copy.read_bytes()
    name = _return_copy(tmp_path, "AG.xlsx", make(_sent(requested)))
    result = run("collect", "--plan", "plan.yaml", "--as-of", "2021-12-10", name, str(FIXTURES / "AG-filled.xlsx"))
    assert result.exit_code == 1
    assert result.stderr.startswith(expected), result.stderr
    assert plan_copy.read_bytes() == before


def test_a_return_from_another_plan(run: Callable[..., Result], plan_copy: Path, requested: Path, tmp_path: Path) -> None:
    """A workbook made for another plan (its hidden record intact) is refused, naming both plans."""
    other = tmp_path / "other.yaml"
    other.write_text(plan_copy.read_text(encoding="utf-8").replace("title: SEND recovery plan", "title: Safety valve plan", 1), encoding="utf-8")
    before = other.read_bytes()
    result = run("collect", "--plan", "other.yaml", "--as-of", "2021-12-10", str(FIXTURES / "AG-filled.xlsx"))
    assert result.exit_code == 1
    assert 'this return was made for the plan "SEND recovery plan", not for "Safety valve plan" (other.yaml)' in result.stderr
    assert other.read_bytes() == before


def test_conflict_reported_and_not_overwritten(run: Callable[..., Result], plan_copy: Path, requested: Path, tmp_path: Path) -> None:
    """Done when: a row changed in the plan after the request is a conflict, not overwritten; the rest applies."""
    name = _return_copy(tmp_path, "AG.xlsx", fill(_sent(requested), {"1.1": {"new_status": "on track"}, "1.2": {"note": "Panel briefed"}}))
    assert run("update", "1.1", "--status", "off track", "--plan", "plan.yaml", "--as-of", "2021-12-05").exit_code == 0
    result = collect(run, plan_copy, name)
    assert result.exit_code == 1
    assert result.stdout.splitlines()[1:6] == [
        "  1.1   NOT APPLIED: the item changed in the plan after this form was made",
        "        plan: status: not started when the form was made, off track in the plan now",
        "        return says: status: off track → on track",
        "        to apply it anyway: --force 1.1",
        '  1.2   progress note by AG: "Panel briefed"',
    ]
    assert result.stderr.startswith("1 conflict not applied (1.1)")
    text = plan_copy.read_text(encoding="utf-8")
    assert "status: off_track" in text and 'text: "Panel briefed"' in text


def test_force_and_all_or_nothing(run: Callable[..., Result], plan_copy: Path, requested: Path, tmp_path: Path) -> None:
    """--all-or-nothing applies nothing when a row conflicts; --force ID applies that row anyway."""
    name = _return_copy(tmp_path, "AG.xlsx", fill(_sent(requested), {"1.1": {"new_status": "on track"}, "1.2": {"note": "Panel briefed"}}))
    run("update", "1.1", "--status", "off track", "--plan", "plan.yaml", "--as-of", "2021-12-05")
    before = plan_copy.read_bytes()
    held = collect(run, plan_copy, name, "--all-or-nothing")
    assert held.exit_code == 1 and plan_copy.read_bytes() == before
    assert "Nothing applied: 1 conflict (1.1) and --all-or-nothing." in held.stderr
    forced = collect(run, plan_copy, name, "--force", "1.1")
    assert forced.exit_code == 0, forced.stderr
    assert "status: off track → on track (forced over a change in the plan)" in forced.stdout
    assert "status: on_track" in plan_copy.read_text(encoding="utf-8")


def test_returns_since_after_a_collect(run: Callable[..., Result], plan_copy: Path) -> None:
    """After AG's return is collected, status --returns-since lists AG as returned and the rest as owing."""
    collect(run, plan_copy, str(FIXTURES / "AG-filled.xlsx"))
    result = run("status", "--plan", str(plan_copy), "--as-of", "2021-12-10", "--returns-since", "2021-12-01", "--json")
    import json

    lines = {line["lead"]: line for line in json.loads(result.stdout)}
    assert lines["AG"] == {"lead": "AG", "name": "Anthony Giles", "open_items": 27, "returned": "2021-12-10", "items_updated": 2}
    assert [lead for lead, line in lines.items() if line["returned"] is None] == ["CK", "CW", "BB", "DA"]
    report = run("report", "--plan", str(plan_copy), "--as-of", "2021-12-10", "--since", "2021-12-01")
    assert "Returned since 1 Dec 2021: AG (10 Dec 2021). Still to return: CK, CW, BB, DA." in report.stdout


def test_bundled_plan_is_not_collected_into(run: Callable[..., Result]) -> None:
    """The plan bundled with sendplan is never edited: collect says how to make a copy."""
    from sendplan.plan.source import bundled_plan

    result = run("collect", "--plan", str(bundled_plan()), "--as-of", "2021-12-10", str(FIXTURES / "AG-filled.xlsx"))
    assert result.exit_code == 1
    assert "sendplan init --example" in result.stderr

