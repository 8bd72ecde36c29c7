"""A tracker as located cells: `Cell`, `Table` (one sheet, CSV file or Word table) and `Source`.

Shared by the readers (tables.py, word.py) and everything that reads their grids. Pure data.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Literal

Kind = Literal["sheet", "csv", "word"]


@dataclass(frozen=True, slots=True)
class Cell:
    """One cell as the source shows it: *text* exactly as stored (a date cell also has *day*)."""

    text: str = ""
    day: date | None = None
    # A date cell shown without its day ("Mar-24"): the month is meant, not its first day.
    month_only: bool = False
    # The value comes from a merged cell above or to the left, not from this cell itself.
    merged: bool = False
    # A solid fill colour as RRGGBB, for RAG columns coloured instead of written.
    fill: str | None = None
    # A workbook cell's formula ("=SUM(1,2)"): *text* is the value it showed when last saved.
    formula: str | None = None

    @property
    def blank(self) -> bool:
        return not self.text.strip()


EMPTY = Cell()


def column_letter(index: int) -> str:
    """0 → A, 25 → Z, 26 → AA, as spreadsheets name columns."""
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


def column_index(letters: str) -> int:
    """A → 0, Z → 25, AA → 26: the inverse of column_letter."""
    index = 0
    for letter in letters.upper():
        index = index * 26 + ord(letter) - 64
    return index - 1


@dataclass
class Table:
    """One sheet, CSV file or Word table: rows of cells, row 0 being the source's first row."""

    kind: Kind
    name: str
    index: int  # 1-based position among the file's sheets or tables
    rows: list[list[Cell]] = field(default_factory=list)
    hidden: bool = False

    @property
    def label(self) -> str:
        """How a message names this table: 'sheet "Action tracker"', 'table 3', 'the file'."""
        if self.kind == "sheet":
            return f'sheet "{self.name}"'
        if self.kind == "word":
            return self.name
        return "the file"

    def cell(self, row: int, column: int) -> Cell:
        cells = self.rows[row] if 0 <= row < len(self.rows) else []
        return cells[column] if 0 <= column < len(cells) else EMPTY

    def width(self) -> int:
        return max((len(row) for row in self.rows), default=0)

    def column_name(self, column: int) -> str:
        """A column as its users name it: "C" in a sheet or CSV, "column 3" in Word."""
        return f"column {column + 1}" if self.kind == "word" else column_letter(column)

    def ref(self, row: int, column: int | None = None) -> str:
        """Where a cell (or a whole row) is: "Action tracker!C7", "C7", "table 3, row 5, column 2"."""
        if self.kind == "word":
            where = f"{self.name}, row {row + 1}"
            return where if column is None else f"{where}, column {column + 1}"
        cell = f"{row + 1}" if column is None else f"{column_letter(column)}{row + 1}"
        if column is None:
            cell = f"row {cell}"
        return f"{self.name}!{cell}" if self.kind == "sheet" else cell

    def is_empty(self) -> bool:
        return all(cell.blank for row in self.rows for cell in row)


@dataclass
class Source:
    """What a file held: its tables, and how its text was read (a CSV's encoding and delimiter)."""

    file: str
    kind: Literal["xlsx", "csv", "docx"]
    tables: list[Table]
    encoding: str | None = None
    delimiter: str | None = None
    title: str | None = None  # a Word document's title: its Title or first heading
