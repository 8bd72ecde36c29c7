"""Turning returns into edits of the plan: checked against it, conflicts held back, repeats skipped.

For each answered row of each return the plan is asked three questions, in this order:
- does it already hold everything the row says? Then nothing changes (collecting the same
  return twice changes nothing the second time);
- has the item changed since the form was made (its fields no longer match the fingerprint
  recorded as sent)? Then the row is a conflict: not applied unless forced, and reported with
  what the plan holds now beside what the return says;
- otherwise the row becomes an ItemEdit of only the fields that differ.

A return that cannot be used at all (another plan's, an id that is not on the form or not the
lead's, a completion day after the collect day) is refused with every problem located; then
nothing is applied. A progress note is dated the collect's `as_of` (the day it is recorded,
as `update --note` dates one), by the lead the return was made for.

Pure: no clock, no printing, no writing; edit.py writes.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sendplan.errors import Location, PlanError, Problem, quoted
from sendplan.office.returns import fingerprint, sent_fields, short_day
from sendplan.office.returns_read import AnswerRow, ReturnFile, cell_problem
from sendplan.plan.edit import ItemEdit, Note, nearest_ids
from sendplan.plan.itemedit import clears_rag
from sendplan.plan.model import Status


@dataclass(frozen=True, slots=True)
class Wanted:
    """What one row of a return asks for, limited to what the plan does not hold yet."""

    item_id: str
    lead: str
    status: Status | None = None
    completed: date | None = None
    complete_on: date | None = None  # completion day to record if the item has none (status complete alone)
    revised: str | None = None
    reason: str | None = None
    note: str | None = None
    evidence: str | None = None

    @property
    def empty(self) -> bool:
        return all(
            value is None
            for value in (self.status, self.completed, self.complete_on, self.revised, self.note, self.evidence)
        )

    def edit(self, as_of: date) -> ItemEdit:
        """The ItemEdit that applies this row; a note is dated *as_of*, by the return's lead."""
        return ItemEdit(
            self.item_id,
            status=self.status.value if self.status else None,
            completed=self.completed,
            completed_unless_set=self.complete_on,
            revised_deadline=self.revised,
            revision_reason=self.reason if self.revised else None,
            note=Note(as_of, self.lead, self.note) if self.note else None,
            evidence=self.evidence,
        )

    def words(self, item: Any) -> list[str]:
        """The change in plain words: "status: not started → complete", ..."""
        said = []
        if self.status is not None:
            said.append(f"status: {item.status.label} → {self.status.label}")
        if self.completed is not None:
            said.append(f"completed on {short_day(self.completed)}")
        elif self.complete_on is not None:
            said.append(f"completed on {short_day(self.complete_on)} (the day collected)")
        status_edit = ItemEdit(self.item_id, status=self.status.value if self.status else None)
        if item.rag is not None and clears_rag(status_edit):  # the edit removes it: say so, as update does
            said.append(f"rag: {item.rag.value} → (rule)")
        if self.revised is not None:
            was = item.revised_deadline.text if item.revised_deadline else (item.deadline.text if item.deadline else "none")
            said.append(f"deadline revised: {was} → {readable(self.revised)}, because {quoted(self.reason, 200)}")
        if self.note is not None:
            said.append(f"progress note by {self.lead}: {quoted(self.note, 200)}")
        if self.evidence is not None:
            said.append(f"evidence: {quoted(self.evidence, 200)}")
        return said


@dataclass(frozen=True, slots=True)
class RowOutcome:
    """What collecting one answered row does."""

    source: str
    row: int
    item_id: str
    kind: str  # "apply", "forced", "already", "conflict" or "repeat"
    wanted: Wanted | None = None
    words: tuple[str, ...] = ()
    differences: tuple[str, ...] = ()  # for a conflict: what changed in the plan since the form was made


@dataclass
class CollectPlan:
    """Every answered row's outcome, in the order of the files and rows given."""

    outcomes: list[RowOutcome] = field(default_factory=list)

    def of_kind(self, *kinds: str) -> list[RowOutcome]:
        return [outcome for outcome in self.outcomes if outcome.kind in kinds]

    @property
    def to_apply(self) -> list[RowOutcome]:
        return self.of_kind("apply", "forced")

    @property
    def conflicts(self) -> list[RowOutcome]:
        return self.of_kind("conflict")


_FIELD_NAMES = {
    "lead": "lead",
    "action": "action",
    "success_criteria": "success criteria",
    "deadline": "deadline",
    "revised_deadline": "revised deadline",
    "revision_reason": "reason for the revised deadline",
    "status": "status",
    "completed": "completed",
    "rag": "RAG set by hand",
    "updates": "number of progress notes",
    "latest_update": "latest progress note",
    "evidence": "evidence",
}


def _shown(name: str, value: Any) -> str:
    if value is None or value == []:
        return "not set"
    if name == "status":
        return str(value).replace("_", " ")
    if name == "latest_update" and isinstance(value, dict):
        by = f" {value.get('by')}" if value.get("by") else ""
        return f"{value.get('date')}{by}: {quoted(value.get('text'), 80)}"
    if isinstance(value, list):
        return "; ".join(quoted(part, 60) for part in value)
    if isinstance(value, str) and name not in ("lead", "deadline", "revised_deadline", "completed", "rag"):
        return quoted(value, 80)
    return str(value)


def differences(sent: dict[str, Any], now: dict[str, Any]) -> list[str]:
    """What changed in an item since the form was made, field by field, in plain words."""
    return [
        f"{label}: {_shown(name, sent.get(name))} when the form was made, {_shown(name, now.get(name))} in the plan now"
        for name, label in _FIELD_NAMES.items()
        if sent.get(name) != now.get(name)
    ]


def readable(text: str) -> str:
    """A deadline as a message shows it: "31/10/2024" → "31 Oct 2024", "sep 2022" → "Sep 2022"."""
    from sendplan.plan.dates import DeadlineError, Precision, parse_deadline

    try:
        deadline = parse_deadline(text)
    except DeadlineError:
        return text
    if deadline.due_date is None:
        return text
    if deadline.precision is Precision.DAY:
        return short_day(deadline.due_date)
    if deadline.precision is Precision.MONTH:
        return f"{deadline.due_date:%b %Y}"
    return text


def _same_deadline(item: Any, text: str) -> bool:
    from sendplan.plan.dates import parse_deadline

    current = item.revised_deadline
    if current is None:
        return False
    wanted = parse_deadline(text)
    return bool(current.due_date == wanted.due_date and current.precision == wanted.precision and current.month == wanted.month)


def wanted_for(answer: AnswerRow, item: Any, lead: str, as_of: date) -> Wanted:
    """What *answer* asks of *item* that the plan does not already hold."""
    status = answer.status
    if answer.completed is not None and status is None:
        status = Status.COMPLETE
    held_note = answer.note is not None and any(
        update.by == lead and update.text.strip() == answer.note for update in item.updates
    )
    revised_held = answer.revised is not None and _same_deadline(item, answer.revised) and item.revision_reason == answer.reason
    complete_on = None
    if status is Status.COMPLETE and answer.completed is None and not (item.status == "complete" and item.completed):
        complete_on = as_of
    return Wanted(
        item_id=item.id,
        lead=lead,
        status=status if status is not None and status != item.status else None,
        completed=answer.completed if answer.completed is not None and answer.completed != item.completed else None,
        complete_on=complete_on,
        revised=None if revised_held else answer.revised,
        reason=None if revised_held else answer.reason,
        note=None if held_note else answer.note,
        evidence=answer.evidence if answer.evidence is not None and answer.evidence not in item.evidence else None,
    )


def _id_problem(source: ReturnFile, answer: AnswerRow, items: dict[str, Any], plan_source: str) -> Problem:
    """Why the id on *answer*'s row cannot be collected."""
    lead = source.record.lead
    where = source.cell("id", answer.row)
    put_back = (
        f" This row was sent as {answer.sent_here.item_id}: put that id back."
        if answer.sent_here is not None and answer.sent_here.item_id != answer.id_text
        else ""
    )
    if not answer.id_text:
        return cell_problem(source.name, where, f"this row has answers but no item id.{put_back}")
    item = items.get(answer.id_text)
    if item is None:
        guesses = nearest_ids(answer.id_text, [sent.item_id for sent in source.record.rows])
        hint = f" Did you mean {', '.join(guesses)}?" if guesses and not put_back else ""
        return cell_problem(
            source.name, where, f"there is no item {quoted(answer.id_text)} in {plan_source}.{put_back or hint}", answer.id_text
        )
    if item.lead != lead:
        owner = f"it is led by {item.lead}" if item.lead else "it has no lead"
        return cell_problem(
            source.name,
            where,
            f"item {answer.id_text} is not {lead}'s: {owner} in the plan, and this return is {lead}'s.{put_back}",
            answer.id_text,
        )
    return cell_problem(
        source.name,
        where,
        f"item {answer.id_text} was not on this form when it was made on {short_day(source.record.as_of)}.{put_back} "
        "Answer it on a new return, or with `sendplan update`.",
        answer.id_text,
    )


def plan_collect(
    loaded: Any, returns: Sequence[ReturnFile], *, as_of: date, force: Collection[str] = ()
) -> CollectPlan:
    """Check *returns* against the plan and decide, row by row, what collecting them does.

    Raises PlanError, with every problem located, when any return cannot be used.
    """
    plan = loaded.plan
    items = {item.id: item for _, _, item in plan.iter_items()}
    problems: list[Problem] = []
    result = CollectPlan()
    answered_in: dict[str, tuple[ReturnFile, AnswerRow, Wanted]] = {}
    for source in returns:
        record = source.record
        if record.plan_title != plan.plan.title:
            problems.append(
                Problem(
                    f"this return was made for the plan {quoted(record.plan_title)}, not for {quoted(plan.plan.title)} "
                    f"({loaded.source}). Collect it into its own plan with --plan FILE.",
                    Location(source.name),
                )
            )
            continue
        for answer in source.rows:
            if answer.sent is None:
                if answer.answered or answer.id_text:
                    problems.append(_id_problem(source, answer, items, loaded.source))
                continue
            if not answer.answered:
                continue
            if answer.completed is not None and answer.completed > as_of:
                problems.append(
                    cell_problem(
                        source.name,
                        source.cell("completed", answer.row),
                        f"{short_day(answer.completed)} is after the day of this collect ({short_day(as_of)}): "
                        "a completion day cannot be in the future. Check the year.",
                        answer.sent.item_id,
                    )
                )
                continue
            outcome = _outcome(source, answer, items.get(answer.sent.item_id), as_of, force)
            wanted = outcome.wanted
            if wanted is not None and outcome.kind in ("apply", "forced", "conflict"):
                earlier = answered_in.get(outcome.item_id)
                if earlier is not None:
                    if earlier[2] == wanted:
                        outcome = RowOutcome(source.name, answer.row, outcome.item_id, "repeat", words=(earlier[0].name,))
                    else:
                        problems.append(
                            cell_problem(
                                source.name,
                                source.cell("id", answer.row),
                                f"item {outcome.item_id} is also answered, differently, in {earlier[0].name} "
                                f"({earlier[0].cell('id', earlier[1].row)}). Collect one of the two returns.",
                                outcome.item_id,
                            )
                        )
                        continue
                else:
                    answered_in[outcome.item_id] = (source, answer, wanted)
            result.outcomes.append(outcome)
    if problems:
        raise PlanError(problems)
    return result


def _outcome(source: ReturnFile, answer: AnswerRow, item: Any, as_of: date, force: Collection[str]) -> RowOutcome:
    assert answer.sent is not None
    item_id = answer.sent.item_id
    lead = source.record.lead
    if item is None:
        return RowOutcome(
            source.name, answer.row, item_id, "conflict", differences=("the item is no longer in the plan",)
        )
    wanted = wanted_for(answer, item, lead, as_of)
    if wanted.empty:
        return RowOutcome(source.name, answer.row, item_id, "already")
    now = sent_fields(item)
    words = tuple(wanted.words(item))
    if fingerprint(now) == answer.sent.fingerprint:
        return RowOutcome(source.name, answer.row, item_id, "apply", wanted, words)
    changed = tuple(differences(answer.sent.fields, now))
    kind = "forced" if item_id in force else "conflict"
    return RowOutcome(source.name, answer.row, item_id, kind, wanted, words, changed)
