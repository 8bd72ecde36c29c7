"""Returns checked against the plan (sendplan.office.collect): what applies, what is held, what conflicts."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from returns_kit import FIXTURES, ag_workbook, fill

from sendplan.errors import PlanError
from sendplan.office.collect import plan_collect
from sendplan.office.returns_read import read_return
from sendplan.plan.edit import ItemEdit, update_item
from sendplan.plan.read import load_plan

COLLECT_DAY = date(2021, 12, 10)


def collect(plan_path: Path, *files: tuple[str, bytes], force: tuple[str, ...] = ()):
    returns = [read_return(name, data) for name, data in files]
    return plan_collect(load_plan(str(plan_path)), returns, as_of=COLLECT_DAY, force=force)


def refusal(plan_path: Path, *files: tuple[str, bytes]) -> list[str]:
    with pytest.raises(PlanError) as caught:
        collect(plan_path, *files)
    return [f"{problem.location}: {problem.message}" for problem in caught.value.problems]


def filled() -> tuple[str, bytes]:
    return ("AG-filled.xlsx", (FIXTURES / "AG-filled.xlsx").read_bytes())


def test_filled_return_planned_in_words(plan_copy: Path) -> None:
    """Each answered row of the LibreOffice return becomes an edit, said in plain words."""
    outcomes = collect(plan_copy, filled()).outcomes
    assert [(outcome.item_id, outcome.kind) for outcome in outcomes] == [
        ("1.1", "apply"), ("1.2", "apply"), ("1.3", "apply"), ("1.4", "apply"), ("2.2", "apply"),
    ]  # fmt: skip
    words = {outcome.item_id: outcome.words for outcome in outcomes}
    assert words["1.1"] == (
        "status: not started → on track",
        'progress note by AG: "Working group met twice; draft document shared with SENDCOs"',
    )
    assert words["1.2"] == (
        "status: not started → complete",
        "completed on 26 Nov 2021",
        'evidence: "Briefing slides for case officers"',
    )
    assert words["1.3"] == ('deadline revised: JULY 2022 → Sep 2022, because "Working group starts after the summer term"',)
    assert words["2.2"] == ("status: not started → complete", "completed on 29 Nov 2021")


def test_note_dated_the_collect_day_by_the_lead(plan_copy: Path) -> None:
    """A progress note becomes an update dated the collect's as-of day, by the return's lead."""
    outcome = collect(plan_copy, filled()).outcomes[0]
    edit = outcome.wanted.edit(COLLECT_DAY)
    assert (edit.note.date, edit.note.by) == (COLLECT_DAY, "AG")


def test_status_complete_alone_records_the_collect_day(plan_copy: Path, bundled_plan: Path) -> None:
    """New status "complete" with no day records the collect's day as the completion day, as `update` does."""
    data = fill(ag_workbook(bundled_plan), {"1.5": {"new_status": "complete"}})
    (outcome,) = collect(plan_copy, ("AG.xlsx", data)).outcomes
    assert outcome.wanted.edit(COLLECT_DAY).completed_unless_set == COLLECT_DAY
    assert outcome.words == ("status: not started → complete", "completed on 10 Dec 2021 (the day collected)")


def test_completing_a_hand_rated_item_says_the_rating_goes(plan_copy: Path, bundled_plan: Path) -> None:
    """1.5 rated red by hand, then returned complete: the words say the rating set by hand is
    removed (the rule makes it blue), and applying the edit removes it from the plan."""
    update_item(str(plan_copy), ItemEdit("1.5", rag="red", rag_reason="Venue not found"))
    data = fill(ag_workbook(bundled_plan), {"1.5": {"new_status": "complete"}})
    (outcome,) = collect(plan_copy, ("AG.xlsx", data)).outcomes
    assert outcome.words[-1] == "rag: red → (rule)"
    update_item(str(plan_copy), outcome.wanted.edit(COLLECT_DAY))
    item = next(item for _, _, item in load_plan(str(plan_copy)).plan.iter_items() if item.id == "1.5")
    assert (item.status.value, item.rag, item.rag_reason) == ("complete", None, None)


def test_a_new_completion_day_for_a_finished_item_keeps_its_rating(plan_copy: Path, bundled_plan: Path) -> None:
    """1.5 already complete and rated amber by hand, then returned with another completion day:
    the status does not change, so the rating stays, and the words do not say it goes."""
    update_item(str(plan_copy), ItemEdit("1.5", status="complete", completed=date(2021, 12, 1), rag="amber", rag_reason="Late sign-off"))
    data = fill(ag_workbook(bundled_plan), {"1.5": {"completed": "05/12/2021"}})
    (outcome,) = collect(plan_copy, ("AG.xlsx", data)).outcomes
    assert outcome.words == ("completed on 5 Dec 2021",)
    update_item(str(plan_copy), outcome.wanted.edit(COLLECT_DAY))
    item = next(item for _, _, item in load_plan(str(plan_copy)).plan.iter_items() if item.id == "1.5")
    assert (item.completed, item.rag.value) == (date(2021, 12, 5), "amber")


def _apply(plan_path: Path, plan) -> None:
    for outcome in plan.to_apply:
        update_item(str(plan_path), outcome.wanted.edit(COLLECT_DAY))


def test_second_collect_changes_nothing(plan_copy: Path, bundled_plan: Path) -> None:
    """Once a return is in the plan, collecting it again finds every row already held."""
    data = fill(ag_workbook(bundled_plan), {"1.1": {"new_status": "at risk", "note": "Venue lost"}, "1.3": {"revised": "Oct 2022", "reason": "Later start"}})
    _apply(plan_copy, collect(plan_copy, ("AG.xlsx", data)))
    again = collect(plan_copy, ("AG.xlsx", data))
    assert [(outcome.item_id, outcome.kind) for outcome in again.outcomes] == [("1.1", "already"), ("1.3", "already")]
    assert again.to_apply == []


def test_conflict_when_the_plan_changed_after_the_request(plan_copy: Path, bundled_plan: Path) -> None:
    """A row whose item changed since the form was made is held back, with what changed and what the return says."""
    data = fill(ag_workbook(bundled_plan), {"1.1": {"new_status": "on track"}, "1.2": {"note": "Started"}})
    update_item(str(plan_copy), ItemEdit("1.1", status="off_track"))
    plan = collect(plan_copy, ("AG.xlsx", data))
    assert [(outcome.item_id, outcome.kind) for outcome in plan.outcomes] == [("1.1", "conflict"), ("1.2", "apply")]
    (conflict,) = plan.conflicts
    assert conflict.differences == ("status: not started when the form was made, off track in the plan now",)
    assert conflict.words == ("status: off track → on track",)


def test_force_applies_a_conflict(plan_copy: Path, bundled_plan: Path) -> None:
    """--force ID applies that one conflicting row anyway."""
    data = fill(ag_workbook(bundled_plan), {"1.1": {"new_status": "on track"}})
    update_item(str(plan_copy), ItemEdit("1.1", status="off_track"))
    (outcome,) = collect(plan_copy, ("AG.xlsx", data), force=("1.1",)).outcomes
    assert outcome.kind == "forced"


def test_item_gone_from_the_plan_is_a_conflict(plan_copy: Path, bundled_plan: Path) -> None:
    """An item deleted from the plan since the request is reported, not applied."""
    data = fill(ag_workbook(bundled_plan), {"1.5": {"note": "Done the training"}})
    text = plan_copy.read_text(encoding="utf-8").replace('id: "1.5"', 'id: "1.5a"')
    plan_copy.write_text(text, encoding="utf-8")
    (outcome,) = collect(plan_copy, ("AG.xlsx", data)).outcomes
    assert (outcome.kind, outcome.differences) == ("conflict", ("the item is no longer in the plan",))


@pytest.mark.parametrize(
    ("cells", "expected"),
    [
        ({"Update!A9": "4.99", "Update!H9": "complete"}, 'Update!A9: there is no item "4.99" in {plan}. This row was sent as 1.1: put that id back.'),
        ({"Update!A9": "5.1", "Update!H9": "complete"}, "Update!A9: item 5.1 is not AG's: it is led by CK in the plan, and this return is AG's. This row was sent as 1.1: put that id back."),
        ({"Update!A9": "6.4", "Update!H9": "complete"}, "Update!A9: item 6.4 is not AG's: it has no lead in the plan, and this return is AG's. This row was sent as 1.1: put that id back."),
        ({"Update!A9": "1.2"}, "Update!A10: item 1.2 is on row 9 too. Each item may appear once; put back the id this row was sent with."),
        ({"Update!A9": None, "Update!H9": "complete"}, "Update!A9: this row has answers but no item id. This row was sent as 1.1: put that id back."),
    ],
    ids=["unknown id", "another lead's item", "an item with no lead", "id changed to another on the form", "id deleted"],
)
def test_bad_ids_refused(plan_copy: Path, bundled_plan: Path, cells: dict[str, str | None], expected: str) -> None:
    """An id that is unknown, altered, or not the lead's is refused at its cell."""
    data = fill(ag_workbook(bundled_plan), {}, cells)
    (message,) = (
        refusal(plan_copy, ("AG.xlsx", data))
        if "on row 9 too" not in expected
        else list(_read_refusal(data))
    )
    assert message.startswith("AG.xlsx: " + expected.format(plan=plan_copy))


def _read_refusal(data: bytes) -> list[str]:
    with pytest.raises(PlanError) as caught:
        read_return("AG.xlsx", data)
    return [f"{problem.location}: {problem.message}" for problem in caught.value.problems]


def test_another_plans_return(plan_copy: Path, bundled_plan: Path) -> None:
    """A workbook made from another plan is refused, naming both plans."""
    data = ag_workbook(bundled_plan)
    text = plan_copy.read_text(encoding="utf-8").replace("title: SEND recovery plan", "title: Written statement of action", 1)
    plan_copy.write_text(text, encoding="utf-8")
    (message,) = refusal(plan_copy, ("AG.xlsx", fill(data, {"1.1": {"note": "x"}})))
    assert message == (
        f'AG.xlsx: this return was made for the plan "SEND recovery plan", not for "Written statement of action" '
        f"({plan_copy}). Collect it into its own plan with --plan FILE."
    )


def test_completion_after_the_collect_day(plan_copy: Path, bundled_plan: Path) -> None:
    """A completion day later than the collect's day is refused at its cell."""
    data = fill(ag_workbook(bundled_plan), {"1.1": {"completed": "12/01/2022"}})
    assert refusal(plan_copy, ("AG.xlsx", data)) == [
        ("AG.xlsx: Update!L9: 12 Jan 2022 is after the day of this collect (10 Dec 2021): a completion day "
        "cannot be in the future. Check the year.")
    ]


def test_same_item_in_two_returns(plan_copy: Path, bundled_plan: Path) -> None:
    """The same return twice in a batch counts once; two different answers for one item are refused."""
    sent = ag_workbook(bundled_plan)
    one = fill(sent, {"1.1": {"note": "Met"}})
    kinds = [(o.source, o.kind) for o in collect(plan_copy, ("AG.xlsx", one), ("AG (1).xlsx", one)).outcomes]
    assert kinds == [("AG.xlsx", "apply"), ("AG (1).xlsx", "repeat")]
    other = fill(sent, {"1.1": {"note": "Met twice"}})
    assert refusal(plan_copy, ("AG.xlsx", one), ("AG2.xlsx", other)) == [
        "AG2.xlsx: Update!A9: item 1.1 is also answered, differently, in AG.xlsx (Update!A9). Collect one of the two returns."
    ]


def test_item_not_on_the_form(plan_copy: Path, bundled_plan: Path) -> None:
    """An id of the lead's typed on a new row, for an item the form did not hold, is refused at its cell."""
    from returns_kit import request_for

    from sendplan.office.returns_book import request_workbook

    data = request_workbook(request_for(bundled_plan, due_by=date(2022, 4, 1)))
    (message,) = refusal(plan_copy, ("AG.xlsx", fill(data, {}, {"Update!A60": "1.2", "Update!I60": "Done"})))
    assert message == (
        "AG.xlsx: Update!A60: item 1.2 was not on this form when it was made on 1 Dec 2021. "
        "Answer it on a new return, or with `sendplan update`."
    )
