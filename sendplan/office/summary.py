"""What an import says about itself: where it read, the column mapping, the first rows, the counts.

Plain lines of text for the CLI to print (through outputs.text.visible, which shows any control
character in the tracker's text as an escape: it is data). Pure: nothing here prints.
"""

from __future__ import annotations

import os
from collections import Counter

from sendplan.office.importer import Imported

PREVIEW_ROWS = 5


def _visible(text: str, limit: int = 70) -> str:
    """Tracker text on one line, cut short; the CLI shows control characters as escapes."""
    shown = " ".join(text.split())
    return shown if len(shown) <= limit else shown[: limit - 1].rstrip() + "…"


def _count(number: int, noun: str, plural: str | None = None) -> str:
    return f"{number} {noun if number == 1 else plural or noun + 's'}"


def source_lines(imported: Imported) -> list[str]:
    """Which file, how its text was read (a CSV's encoding), and which table was chosen and why."""
    source = imported.source
    name = _visible(os.path.basename(source.file))
    lines = []
    if source.kind == "csv":
        delimiter = {",": "comma", ";": "semicolon", "\t": "tab"}.get(source.delimiter or ",", "comma")
        lines.append(f"Read {name} as {source.encoding} text, {delimiter}-separated.")
    lines.append(f"Table: {_visible(imported.mapping.reason, 400)}.")
    return lines


def mapping_lines(imported: Imported) -> list[str]:
    """The column mapping: each heading of the header row and the field it fills, or why not."""
    mapping = imported.mapping
    table = mapping.table
    lines = [f"Columns (header on row {mapping.header_row + 1}; change with --map FIELD=COLUMN or --rules FILE):"]
    width = max((len(_visible(choice.heading.strip(), 30)) for choice in mapping.columns), default=0)
    for choice in mapping.columns:
        heading = _visible(choice.heading.strip(), 30).ljust(width)
        column = table.column_name(choice.column).ljust(9 if table.kind == "word" else 3)
        if choice.field is not None:
            how = "" if choice.how == "guessed" else f"  ({choice.how})"
            lines.append(f"  {column} {heading}  → {choice.field}{how}")
        else:
            lines.append(f"  {column} {heading}  {choice.how}")
    missing = [name for name in ("action", "lead", "deadline") if name not in mapping.fields]
    if missing:
        lines.append(f"  No column for: {', '.join(missing)}.")
    return lines


def preview_lines(imported: Imported, count: int = PREVIEW_ROWS) -> list[str]:
    """The first items as they will be written: id, source cell, task, lead, deadline, status."""
    lines = [f"First {min(count, len(imported.items))} of {_count(len(imported.items), 'item')}:"]
    task_of = {id(item): task.number for task in imported.draft.tasks for d in task.deliverables for item in d.items}
    for item in imported.items[:count]:
        values = item.values
        when = values.get("deadline") or (f'"{values["deadline_note"]}" (kept as written)' if "deadline_note" in values
                                          else "no deadline")
        facts = [f"task {task_of[id(item)]}", f"lead {values.get('lead', '(none)')}", f"due {when}",
                 str(values.get("status", "not_started"))]
        if "rag" in values:
            facts.append(str(values["rag"]))
        lines.append(f"  {item.item_id}  from {_visible(item.source, 60)}: {_visible(' · '.join(facts), 200)}")
        headline = values.get("action") or next(iter(values.get("success_criteria", [])), "")
        if headline:
            lines.append(f"      {_visible(headline)}")
    return lines


def summary_lines(imported: Imported) -> list[str]:
    """Items, tasks, leads, deadlines read, values kept as text, rows skipped and why."""
    items = imported.items
    codes = list(dict.fromkeys(str(item.values["lead"]) for item in items if "lead" in item.values))
    lines = [
        f"Items: {len(items)} in {_count(len(imported.draft.tasks), 'task')}"
        + (f" ({imported.made_ids} given ids because the tracker's were blank)" if imported.made_ids else ""),
        f"Leads: {len(codes)}" + (f" ({', '.join(codes)})" if codes else "")
        + (f"; {_count(sum('lead' not in item.values for item in items), 'item')} without one"
           if any("lead" not in item.values for item in items) else ""),
    ]
    notes = [text for what, text in imported.kept if what == "deadline"]
    none = sum(1 for item in items if "deadline" not in item.values and "deadline_note" not in item.values)
    line = f"Deadlines read: {imported.deadlines_read}"
    if notes:
        line += f"; {len(notes)} kept as written ({', '.join(_visible(note, 30) for note in notes)})"
    if none:
        line += f"; {_count(none, 'item')} with none"
    lines.append(line)
    kinds = Counter(what for what, _ in imported.kept)
    kept = ", ".join(f"{number} {what}{'s' if number != 1 and what != 'RAG' else ''}" for what, number in kinds.items())
    lines.append(f"Values kept as text: {len(imported.kept)}" + (f" ({kept})" if kept else ""))
    kinds_skipped: dict[str, list[str]] = {}
    for skipped in imported.skipped:
        where = _where(skipped.ref)
        kinds_skipped.setdefault(skipped.kind, []).append(f"{where}: {skipped.detail}" if skipped.detail else where)
    if kinds_skipped:
        parts = [f"{len(places)} {kind} ({_places(places)})" for kind, places in kinds_skipped.items()]
        lines.append(f"Rows skipped: {len(imported.skipped)}: {', '.join(parts)}")
    else:
        lines.append("Rows skipped: none")
    if imported.filled_down:
        lines.append(f"Group cells filled down: {imported.filled_down} (blank under a filled one, or merged)")
    return lines


def _places(places: list[str]) -> str:
    """"row 9; row 13" → "rows 9, 13" when nothing more is said of each."""
    if len(places) > 1 and all(place.startswith("row ") and ":" not in place for place in places):
        return "rows " + ", ".join(place.removeprefix("row ") for place in places)
    return "; ".join(places)


def _where(ref: str) -> str:
    # "Action tracker!row 9" → "row 9": the table is named above.
    return ref.split("!", 1)[-1] if "!" in ref else ref.split(", ", 1)[-1]
