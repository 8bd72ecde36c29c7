"""Which table holds the plan, which row is its header, and what each column means.

Headers are matched against the spellings councils use (Ref, Priority, Workstream, Action, Owner,
Target date, Success measure, RAG, Latest update, ...), first exactly, then as a phrase inside a
longer heading ("Lead officer / team"). `--map FIELD=COLUMN` and a rules file override the guess.
Pure: tables in, choices and reasons out; nothing here reads files other than a rules file's text
handed in, and nothing prints.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field

from sendplan.errors import Location, PlanError, quoted
from sendplan.office.grid import Table, column_index

# The plan fields a column can fill, in the order the mapping is printed.
FIELDS = (
    "id",
    "task",
    "deliverable",
    "action",
    "success_criteria",
    "milestones",
    "lead",
    "deadline",
    "status",
    "rag",
    "update",
    "updated",
)

ALIASES: dict[str, tuple[str, ...]] = {
    "id": ("ref", "ref no", "reference", "ref number", "no", "number", "id", "item", "item no", "action no",
           "action number", "action ref", "action id"),
    "task": ("task", "tasks", "priority", "priorities", "priority area", "key priority", "strategic priority",
             "workstream", "work stream", "workstreams", "theme", "themes", "objective", "objectives", "area",
             "area of focus", "focus area", "strand"),
    "deliverable": ("deliverable", "deliverables", "outcome", "outcomes", "expected outcome", "intended outcome",
                    "milestone group", "aim", "aims"),
    "action": ("action", "actions", "activity", "activities", "what we will do", "what will we do",
               "action required", "actions required", "key actions", "specific action", "specific actions",
               "action to be taken", "actions to be taken", "task description"),
    "lead": ("lead", "leads", "owner", "owners", "action owner", "responsible", "responsibility",
             "responsible officer", "responsible person", "officer", "lead officer", "lead officers", "lead person",
             "by whom", "who", "accountable officer"),
    "deadline": ("deadline", "deadlines", "target date", "target dates", "target completion date", "due",
                 "due date", "date due", "by when", "timescale", "timescales", "timeframe", "time frame",
                 "completion date", "target", "when", "end date"),
    "success_criteria": ("success criteria", "success criterion", "measure", "measures", "success measure",
                         "success measures", "impact measure", "impact measures", "measure of success",
                         "measures of success", "kpi", "kpis", "how we will know", "how will we know",
                         "outcome measure", "outcome measures", "evidence of impact", "performance measure"),
    "milestones": ("milestones", "milestone", "key milestones", "interim milestones"),
    "status": ("status", "current status", "action status", "progress status", "delivery status"),
    "rag": ("rag", "rag status", "rag rating", "red amber green", "rating"),
    "update": ("update", "updates", "latest update", "last update", "progress", "progress update",
               "latest progress", "progress to date", "update on progress", "comments", "comment",
               "commentary", "notes", "narrative"),
    "updated": ("date updated", "last updated", "updated", "update date", "date of update",
                "date of last update", "updated on", "date last updated"),
}

# Too short or too common to be trusted inside a longer heading ("Number of pupils").
_NOT_INSIDE = frozenset(["no", "number", "item", "id", "area", "when", "who", "target", "due", "rating", "notes",
                         "lead", "aim", "update", "updated"])

_LOOKUP: dict[str, str] = {alias: name for name, aliases in ALIASES.items() for alias in aliases}
# The longest phrases first, so "date updated" wins over "updated" and "impact measure" over "measure".
_PHRASES = sorted(
    ((alias.split(), name) for alias, name in _LOOKUP.items() if alias not in _NOT_INSIDE),
    key=lambda pair: -len(" ".join(pair[0])),
)
HEADER_SCAN_ROWS = 40


def normalise(heading: str) -> str:
    """A heading folded for matching: "Lead Officer(s):" → "lead officer", "R.A.G." → "rag"."""
    text = heading.casefold().replace("&", " and ").replace("(s)", "")
    text = re.sub(r"\b([a-z])\.(?=[a-z]\.)", r"\1", text)  # R.A.G. → RAG.
    text = re.sub(r"[^\w#]+", " ", text)
    return " ".join(text.split())


def guess_field(heading: str) -> str | None:
    """The plan field a heading names, or None."""
    folded = normalise(heading)
    if not folded:
        return None
    if folded in _LOOKUP:
        return _LOOKUP[folded]
    bare = normalise(re.sub(r"\([^)]*\)|\[[^\]]*\]", " ", heading.casefold()))
    if bare in _LOOKUP:
        return _LOOKUP[bare]
    words = bare.split()
    for phrase, name in _PHRASES:
        size = len(phrase)
        if any(words[start : start + size] == phrase for start in range(len(words) - size + 1)):
            return name
    return None


@dataclass(frozen=True, slots=True)
class ColumnChoice:
    """One column of the header: its heading, the field it fills (None: not imported) and why."""

    column: int
    heading: str
    field: str | None
    how: str  # "guessed", "--map", "rules file", or why it is not imported


@dataclass
class Mapping:
    table: Table
    header_row: int
    columns: list[ColumnChoice]
    reason: str = ""

    def column_of(self, name: str) -> int | None:
        return next((choice.column for choice in self.columns if choice.field == name), None)

    @property
    def fields(self) -> dict[str, int]:
        return {choice.field: choice.column for choice in self.columns if choice.field is not None}


@dataclass
class ColumnRule:
    """A column named by the user: FIELD=COLUMN from --map, or COLUMN: FIELD in a rules file."""

    field: str | None  # None: do not import this column
    column: str
    source: str  # "--map" or "rules file"


@dataclass
class Guess:
    row: int
    fields: dict[str, int] = field(default_factory=dict)


def _resolve(rule: ColumnRule, headings: list[str], table: Table) -> int | None:
    """The column a rule names: by its heading (any case), else as a letter (C) or number (3)."""
    wanted = normalise(rule.column)
    for index, heading in enumerate(headings):
        if heading.strip() and (heading.strip().casefold() == rule.column.strip().casefold() or normalise(heading) == wanted):
            return index
    spec = rule.column.strip()
    if table.kind != "word" and re.fullmatch(r"[A-Za-z]{1,3}", spec):
        return column_index(spec)
    if re.fullmatch(r"\d{1,3}", spec) and int(spec) >= 1:
        return int(spec) - 1
    return None


def _dropped(rules: list[ColumnRule]) -> set[str]:
    """Fields given as --map FIELD= (nothing after "="): no column is to fill them."""
    return {rule.field for rule in rules if rule.field is not None and not rule.column.strip()}


def _repeated_heading(table: Table, row: int, index: int) -> bool:
    """A merged heading spread over several columns counts once, in its first column."""
    return index > 0 and table.cell(row, index).merged and table.cell(row, index - 1).text == table.cell(row, index).text


def _row_guess(table: Table, row: int, rules: list[ColumnRule]) -> Guess:
    headings = [cell.text for cell in table.rows[row]]
    guess = Guess(row)
    dropped = _dropped(rules)
    claimed: set[int] = set()
    for rule in [rule for rule in rules if rule.column.strip()]:
        index = _resolve(rule, headings, table)
        if index is not None and rule.field is not None and index < len(headings) and headings[index].strip():
            guess.fields.setdefault(rule.field, index)
            claimed.add(index)
        elif index is not None:
            claimed.add(index)
    for index, heading in enumerate(headings):
        if index in claimed or _repeated_heading(table, row, index):
            continue
        name = guess_field(heading)
        if name is not None and name not in guess.fields and name not in dropped:
            guess.fields[name] = index
    return guess


def _usable(guess: Guess) -> bool:
    return len(guess.fields) >= 2 and ("action" in guess.fields or "success_criteria" in guess.fields)


def best_header(table: Table, rules: list[ColumnRule]) -> Guess | None:
    """The row among the first few that names the most plan fields, or None if none would do."""
    best: Guess | None = None
    for row in range(min(len(table.rows), HEADER_SCAN_ROWS)):
        guess = _row_guess(table, row, rules)
        if _usable(guess) and (best is None or len(guess.fields) > len(best.fields)):
            best = guess
    return best


def _named(guess: Guess, table: Table) -> str:
    headings = [table.cell(guess.row, column).text.strip() for column in sorted(guess.fields.values())]
    return ", ".join(quoted(heading, 30) for heading in headings)


def _headings_seen(table: Table) -> str:
    for row in table.rows[:HEADER_SCAN_ROWS]:
        texts = [cell.text.strip() for cell in row if cell.text.strip()]
        if len(texts) >= 2:
            return "; the first row with several cells reads " + ", ".join(quoted(text, 30) for text in texts[:8])
    return ""


def choose_table(
    tables: list[Table], file: str, *, sheet: str | None = None, table_number: int | None = None,
    rules: list[ColumnRule] | None = None,
) -> Mapping:
    """The table that holds the plan (the one asked for, else the best-matching header) and its mapping."""
    rules = rules or []
    if sheet is not None:
        candidates = [_by_name(tables, sheet, file)]
    elif table_number is not None:
        candidates = [_by_number(tables, table_number, file)]
    else:
        candidates = tables
    if not candidates or all(table.is_empty() for table in candidates):
        raise _empty(candidates, file)
    scored = [(table, best_header(table, rules)) for table in candidates if not table.is_empty()]
    found = [(table, guess) for table, guess in scored if guess is not None]
    if not found:
        raise _no_header(scored, file)
    table, guess = max(found, key=lambda pair: (len(pair[1].fields), not pair[0].hidden, -pair[0].index))
    mapping = Mapping(table, guess.row, _choices(table, guess.row, rules, file))
    mapping.reason = _reason(table, guess, scored, asked=sheet is not None or table_number is not None)
    return mapping


def _reason(table: Table, guess: Guess, scored: list[tuple[Table, Guess | None]], *, asked: bool) -> str:
    own = f"its row {guess.row + 1} names {len(guess.fields)} plan fields ({_named(guess, table)})"
    if asked:
        return f"{table.label}, as asked: {own}"
    others = []
    for other, other_guess in scored:
        if other is not table:
            count = len(other_guess.fields) if other_guess else 0
            others.append(f"{other.label} {'has no row of plan headings' if not count else f'names {count}'}")
    if not others:
        return own[0].upper() + own[1:] if table.kind == "csv" else f"{table.label}: {own}"
    return f"{table.label}, whose header best matches plan columns: {own}; {'; '.join(others)}"


def _by_name(tables: list[Table], sheet: str, file: str) -> Table:
    for table in tables:
        if table.name == sheet or table.name.casefold() == sheet.strip().casefold():
            return table
    names = [table.name for table in tables]
    close = difflib.get_close_matches(sheet, names, n=1, cutoff=0.5)
    hint = f' Did you mean "{close[0]}"?' if close else ""
    listed = ", ".join(quoted(name, 40) for name in names)
    raise PlanError.single(f"there is no sheet {quoted(sheet)} in this workbook.{hint} Its sheets: {listed}.", Location(file))


def _by_number(tables: list[Table], number: int, file: str) -> Table:
    if 1 <= number <= len(tables):
        return tables[number - 1]
    count = f"only {len(tables)} table{'s' if len(tables) != 1 else ''}" if tables else "no tables"
    raise PlanError.single(f"there is no table {number}: this document has {count}.", Location(file))


def _empty(tables: list[Table], file: str) -> PlanError:
    if len(tables) == 1 and tables[0].kind == "csv":
        return PlanError.single("the file is empty: there is nothing to import.", Location(file))
    if len(tables) == 1 and tables[0].kind == "sheet":
        return PlanError.single(f"{tables[0].label} is empty: there is nothing to import.", Location(file))
    if len(tables) == 1 and tables[0].kind == "word":
        return PlanError.single(f"{tables[0].label} is empty: there is nothing to import.", Location(file))
    if not tables:
        what = "the document has no tables" if file.lower().endswith(".docx") else "there is nothing in it"
        return PlanError.single(f"{what}, so there is nothing to import. sendplan imports a plan kept as a table.",
                                Location(file))
    kind = "sheets" if tables[0].kind == "sheet" else "tables"
    return PlanError.single(f"every one of its {kind} is empty: there is nothing to import.", Location(file))


def _no_header(scored: list[tuple[Table, Guess | None]], file: str) -> PlanError:
    first = scored[0][0]
    if len(scored) == 1:
        where = f"{first.label} has no"
    else:
        kind = "sheets" if first.kind == "sheet" else "tables"
        where = f"none of its {kind} ({', '.join(table.label for table, _ in scored)}) has a"
    column = "3" if first.kind == "word" else "C"
    return PlanError.single(
        f"{where} row of column headings sendplan recognises (it needs an Action or Success criteria column "
        f"and at least one more, such as Lead, Deadline or Status){_headings_seen(first)}. Name the columns "
        f"with --map FIELD=COLUMN, for example --map action={column} --map lead=Owner.",
        Location(file),
    )


def _choices(table: Table, row: int, rules: list[ColumnRule], file: str) -> list[ColumnChoice]:
    headings = [cell.text for cell in table.rows[row]]
    by_column: dict[int, ColumnChoice] = {}
    taken: dict[str, int] = {}
    dropped = _dropped(rules)
    for rule in [rule for rule in rules if rule.column.strip()]:
        index = _resolve(rule, headings, table)
        if index is None:
            listed = ", ".join(quoted(h.strip(), 30) for h in headings if h.strip())
            shown = f"{rule.field}={rule.column}" if rule.source == "--map" else f"{rule.column}: {rule.field}"
            raise PlanError.single(
                f"{rule.source} {quoted(shown)}: {table.label} has no column headed {quoted(rule.column)} "
                f"(its headings, row {row + 1}: {listed}). Give a heading or a column letter.",
                Location(file),
            )
        if rule.field is not None and rule.field in taken and taken[rule.field] != index:
            continue  # --map comes before the rules file: the first rule for a field wins
        if index in by_column:
            continue
        heading = headings[index] if index < len(headings) else ""
        by_column[index] = ColumnChoice(index, heading, rule.field, rule.source if rule.field else f"not imported ({rule.source})")
        if rule.field is not None:
            taken[rule.field] = index
    for index, heading in enumerate(headings):
        if index in by_column or not heading.strip():
            continue
        if _repeated_heading(table, row, index):
            continue
        name = guess_field(heading)
        if name in dropped:
            by_column[index] = ColumnChoice(index, heading, None, f"not imported (--map {name}=)")
        elif name is None:
            by_column[index] = ColumnChoice(index, heading, None, "not imported: not a heading sendplan knows")
        elif name in taken:
            other = table.column_name(taken[name])
            by_column[index] = ColumnChoice(index, heading, None, f"not imported: column {other} is already {name}")
        else:
            by_column[index] = ColumnChoice(index, heading, name, "guessed")
            taken[name] = index
    return [by_column[index] for index in sorted(by_column)]
