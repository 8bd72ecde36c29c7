"""Reading a Word document's tables: vertical merges and spans filled in, nested tables found.

python-docx hands back the cell above for a vertically merged cell and the same cell again for
each grid column a span covers; both are filled in here and marked merged. Nothing here prints.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from typing import Any

from sendplan.errors import Location, PlanError
from sendplan.office.grid import EMPTY, Cell, Source, Table


def read_docx(data: bytes, file: str, check_size: Callable[[int, int, str, str], None]) -> Source:
    """Every table of a .docx document, in document order; *check_size* refuses a huge one."""
    import docx

    found: list[Table] = []

    def visit(tables: list[Any]) -> None:
        # Tables inside a table's cells come right after it, in document order.
        for table in tables:
            rows, nested = _word_rows(table)
            found.append(Table("word", f"table {len(found) + 1}", len(found) + 1, rows))
            visit(nested)

    try:
        document = docx.Document(io.BytesIO(data))
        visit(list(document.tables))
        title = _document_title(document)
    except Exception as error:  # noqa: BLE001 - a damaged document can fail anywhere inside python-docx
        raise PlanError.single(
            f"this Word document cannot be read; it may be damaged ({type(error).__name__}). "
            "Open it in Word, save it again and import that.",
            Location(file),
        ) from None
    for table in found:
        check_size(len(table.rows), table.width(), table.name, file)
    return Source(file, "docx", found, title=title)


def _document_title(document: Any) -> str | None:
    """The paragraph styled Title, else the first heading, else the document's Title property."""
    headings = [p for p in document.paragraphs if p.text.strip() and p.style is not None
                and (p.style.name or "").startswith(("Title", "Heading"))]
    titled = [p for p in headings if (p.style.name or "").startswith("Title")]
    chosen = (titled or headings)[:1]
    if chosen:
        return str(chosen[0].text).strip()
    return str(document.core_properties.title or "").strip() or None


def _shading(cell: Any) -> str | None:
    properties = cell._tc.tcPr
    if properties is None:
        return None
    for child in properties:
        if child.tag.endswith("}shd"):
            value = next((v for k, v in child.attrib.items() if k.endswith("}fill")), None)
            if isinstance(value, str) and re.fullmatch(r"[0-9A-Fa-f]{6}", value):
                return value.upper()
    return None


def _word_rows(table: Any) -> tuple[list[list[Cell]], list[Any]]:
    rows: list[list[Cell]] = []
    nested: list[Any] = []
    above: list[Any] = []  # the <w:tc> element in each grid column of the row above
    seen: set[int] = set()
    for row in table.rows:
        elements: list[Any] = [None] * row.grid_cols_before
        cells: list[Cell] = [EMPTY] * row.grid_cols_before
        for cell in row.cells:
            tc = cell._tc
            column = len(cells)
            # python-docx hands back the cell above for a vertical merge, and the same cell again
            # for each grid column a horizontal span covers: both are filled in, marked merged.
            repeated = (column < len(above) and above[column] is tc) or (elements and elements[-1] is tc)
            cells.append(Cell("\n".join(paragraph.text for paragraph in cell.paragraphs), merged=bool(repeated),
                              fill=_shading(cell)))
            elements.append(tc)
            if id(tc) not in seen:
                seen.add(id(tc))
                nested.extend(cell.tables)
        cells.extend([EMPTY] * row.grid_cols_after)
        elements.extend([None] * row.grid_cols_after)
        rows.append(cells)
        above = elements
    return rows, nested
