"""The Word pieces the .docx report is made of: page, styles, tables, shaded cells, the footer's fields.

Built on python-docx. Every piece of text arrives through `add_text`, which cleans it and puts
it in a run's text (`w:t`), where Word never reads fields, hyperlinks or markup: the only fields
in a document made here are the PAGE and NUMPAGES of its footer, added by `page_numbers`.
Looks come from named Word styles (Title, Heading 1 and 2, Table Grid, Caption, List Bullet,
and two of our own for table text), so a council's template can restyle the whole paper.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from docx import Document
from docx.enum.section import WD_SECTION
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_TAB_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor
from docx.table import Table, _Cell, _Row
from docx.text.paragraph import Paragraph
from docx.text.run import Run

from sendplan.outputs.text import clean

FONT = "Arial"  # what councils' papers mostly use; LibreOffice prints it as Liberation Sans
TEXT_WIDTH_MM = 170.0  # A4 less 20 mm each side
BODY_PT = 10.5
TABLE_PT = 9.0
HEADER_FILL = "E6E9EC"
INK = "1A1A1A"
CELL_SIDE_MM = 1.4
CELL_TOP_MM = 0.4
TABLE_STYLE = "Table Grid"
TABLE_TEXT = "Table Text"
TABLE_HEADING = "Table Heading"

# Bidirectional embeddings, overrides and isolates can make text read in another order than it
# is stored (the "Trojan source" trick); U+FFFE, U+FFFF and lone surrogates are not allowed in XML.
_HIDDEN = re.compile("[\u202a-\u202e\u2066-\u2069\ufffe\uffff\ud800-\udfff]")
_SEPARATORS = re.compile("[\u2028\u2029\r]")


def plain(text: object) -> str:
    """Plan text fit for a Word run: control characters, bidi overrides and what XML forbids
    removed; line and paragraph separators made newlines."""
    return _HIDDEN.sub("", clean(_SEPARATORS.sub("\n", str(text))))


def add_text(
    paragraph: Paragraph,
    text: object,
    *,
    bold: bool = False,
    italic: bool = False,
    size: float | None = None,
    colour: str | None = None,
) -> Run:
    """A run of literal text: python-docx turns a newline into a line break and a tab into a
    tab; nothing else in the text means anything to Word."""
    run = paragraph.add_run(plain(text))
    if bold:
        run.bold = True
    if italic:
        run.italic = True
    if size is not None:
        run.font.size = Pt(size)
    if colour is not None:
        run.font.color.rgb = RGBColor.from_string(colour)
    return run


# ---------------------------------------------------------------------------------------
# Styles and page


def _fonts(rfonts: Any) -> None:
    """Explicit fonts in place of the template's theme fonts (a theme font wins over a named one)."""
    for attribute in list(rfonts.attrib):
        del rfonts.attrib[attribute]
    for attribute in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        rfonts.set(qn(attribute), FONT)


def _look(style: Any, size: float, *, bold: bool, colour: str = INK) -> None:
    """A style's font, size, weight and colour, set explicitly (no theme colours either)."""
    style.font.name = FONT
    _fonts(style.element.rPr.rFonts)
    style.font.size = Pt(size)
    style.font.bold = bold
    style.font.color.rgb = RGBColor.from_string(colour)
    for attribute in ("w:themeShade", "w:themeTint"):
        style.element.rPr.color.attrib.pop(qn(attribute), None)


def _element(tag: str, **attributes: str) -> Any:
    element = OxmlElement(tag)
    for name, value in attributes.items():
        element.set(qn(f"w:{name}"), value)
    return element


def _styles(document: Any) -> None:
    styles = document.styles
    defaults = styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    _fonts(defaults.find(qn("w:rFonts")))
    for lang in defaults.findall(qn("w:lang")):
        lang.set(qn("w:val"), "en-GB")
        lang.set(qn("w:eastAsia"), "en-GB")
    normal = styles["Normal"]
    _look(normal, BODY_PT, bold=False)
    normal.paragraph_format.space_after = Pt(4)
    normal.paragraph_format.line_spacing = 1.1
    sizes = {"Title": (20.0, 6), "Heading 1": (14.0, 14), "Heading 2": (11.5, 8), "Caption": (9.0, 2)}
    for name, (size, before) in sizes.items():
        style = styles[name]
        _look(style, size, bold=name != "Caption", colour=INK if name != "Caption" else "444444")
        style.paragraph_format.space_before = Pt(before)
        style.paragraph_format.space_after = Pt(4 if name != "Title" else 8)
    title = styles["Title"].element.get_or_add_pPr()
    for border in title.findall(qn("w:pBdr")):
        title.remove(border)
    styles["Caption"].font.italic = True
    text = styles.add_style(TABLE_TEXT, WD_STYLE_TYPE.PARAGRAPH)
    text.base_style = normal
    text.font.size = Pt(TABLE_PT)
    text.paragraph_format.space_after = Pt(0)
    text.paragraph_format.line_spacing = 1.0
    heading = styles.add_style(TABLE_HEADING, WD_STYLE_TYPE.PARAGRAPH)
    heading.base_style = text
    heading.font.bold = True
    heading.paragraph_format.keep_with_next = True
    for name in ("Header", "Footer"):
        style = styles[name]
        _look(style, 8.5, bold=False, colour="555555")
        tabs = style.paragraph_format.tab_stops
        for stop in list(tabs):
            tabs._pPr.tabs.remove(stop._tab)
        # One stop, at the right margin: a long title on the left still leaves its partner on
        # the same line (a centre stop already passed would push it to the next).
        tabs.add_tab_stop(Mm(TEXT_WIDTH_MM), WD_TAB_ALIGNMENT.RIGHT)


APP_XML = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties">'
    "<Application>{application}</Application></Properties>"
)


def _tidy(document: Any, application: str) -> None:
    """Leave out what python-docx's template would otherwise claim: a thumbnail of a blank page,
    "Microsoft Macintosh Word" as the program, Word 2010 compatibility mode (Word would open the
    paper marked "Compatibility Mode") and a spelling check already done."""
    package = document.part.package
    for key, relationship in list(package.rels.items()):
        if relationship.reltype.endswith("/metadata/thumbnail"):
            del package.rels[key]
        elif relationship.reltype.endswith("/extended-properties"):
            relationship.target_part._blob = APP_XML.format(application=plain(application)).encode()
    settings = document.settings.element
    for name in ("w:proofState", "w:savePreviewPicture"):
        for old in settings.findall(qn(name)):
            settings.remove(old)
    for setting in settings.iter(qn("w:compatSetting")):
        if setting.get(qn("w:name")) == "compatibilityMode":
            setting.set(qn("w:val"), "15")
    for lang in settings.findall(qn("w:themeFontLang")):
        lang.set(qn("w:val"), "en-GB")


def new_document(header_left: str, header_right: str, footer_left: str, application: str) -> Any:
    """An empty A4 document with our styles, *header_left* and *header_right* at the top of
    every page, *footer_left* and "Page N of M" at the foot; *application* is named in its
    properties."""
    document = Document()
    _tidy(document, application)
    _styles(document)
    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.left_margin = section.right_margin = Mm(20)
    section.top_margin, section.bottom_margin = Mm(18), Mm(18)
    section.header_distance = section.footer_distance = Mm(9)
    header = section.header.paragraphs[0]
    add_text(header, header_left)
    header.add_run("\t")
    add_text(header, header_right)
    footer = section.footer.paragraphs[0]
    add_text(footer, footer_left)
    footer.add_run("\t")
    page_numbers(footer)
    return document


def field(paragraph: Paragraph, instruction: str, shown: str) -> None:
    """A Word field: begin, the instruction, separate, the value last shown, end. *instruction*
    is one of ours (PAGE, NUMPAGES), never plan text."""
    paragraph.add_run()._r.append(_element("w:fldChar", fldCharType="begin"))
    code = OxmlElement("w:instrText")
    code.set(qn("xml:space"), "preserve")
    code.text = f" {instruction} "
    paragraph.add_run()._r.append(code)
    paragraph.add_run()._r.append(_element("w:fldChar", fldCharType="separate"))
    paragraph.add_run(shown)
    paragraph.add_run()._r.append(_element("w:fldChar", fldCharType="end"))


def page_numbers(paragraph: Paragraph) -> None:
    """ "Page N of M": Word and LibreOffice work both numbers out as they lay out the pages."""
    paragraph.add_run("Page ")
    field(paragraph, "PAGE", "1")
    paragraph.add_run(" of ")
    field(paragraph, "NUMPAGES", "1")


def columns(document: Any, count: int) -> None:
    """What follows flows in *count* columns, on the same page (a continuous section break)."""
    section = document.add_section(WD_SECTION.CONTINUOUS)
    cols = section._sectPr.find(qn("w:cols"))
    if cols is None:
        cols = OxmlElement("w:cols")
        section._sectPr.append(cols)
    cols.set(qn("w:num"), str(count))
    cols.set(qn("w:space"), str(round(Mm(8).twips)))


def paragraph(container: Any, text: str = "", style: str | None = None, *, keep_with_next: bool = False) -> Paragraph:
    result: Paragraph = container.add_paragraph(style=style)
    if text:
        add_text(result, text)
    if keep_with_next:
        result.paragraph_format.keep_with_next = True
    return result


# ---------------------------------------------------------------------------------------
# Tables


@dataclass(frozen=True, slots=True)
class Cell:
    """A table cell with more than text: a background, text colour, bold, or a larger size."""

    text: str
    fill: str | None = None
    colour: str | None = None
    bold: bool = False
    size: float | None = None


def shade(cell: _Cell, fill: str) -> None:
    """Fill *cell* with the colour *fill* ("C62828"): w:shd goes before the cell's alignment."""
    tcpr = cell._tc.get_or_add_tcPr()
    for old in tcpr.findall(qn("w:shd")):
        tcpr.remove(old)
    later = ("w:noWrap", "w:tcMar", "w:textDirection", "w:tcFitText", "w:vAlign", "w:hideMark")
    tcpr.insert_element_before(_element("w:shd", val="clear", color="auto", fill=fill), *later)


def fill_cell(cell: _Cell, value: str | Cell, style: str, align: str = "left") -> None:
    spec = value if isinstance(value, Cell) else Cell(value)
    first = cell.paragraphs[0]
    first.style = style
    if align != "left":
        first.alignment = {"right": WD_ALIGN_PARAGRAPH.RIGHT, "center": WD_ALIGN_PARAGRAPH.CENTER}[align]
    if spec.text:
        add_text(first, spec.text, bold=spec.bold, colour=spec.colour, size=spec.size)
    if spec.fill:
        shade(cell, spec.fill)


def _row_properties(row: Any, *, header: bool) -> None:
    """Rows never break across a page; header rows repeat at the top of each page."""
    trpr = row._tr.get_or_add_trPr()
    trpr.append(OxmlElement("w:cantSplit"))
    if header:
        trpr.append(OxmlElement("w:tblHeader"))


def keep_together(table: Table, *, with_next: bool = False) -> None:
    """Keep the whole table on one page (Word's way: every row's text kept with the next row),
    and with the paragraph after it if *with_next* (a caption)."""
    for row in table.rows if with_next else table.rows[:-1]:
        for cell in row.cells:
            for paragraph in cell.paragraphs:
                paragraph.paragraph_format.keep_with_next = True


def describe(table: Table, caption: str, description: str) -> None:
    """The table's alt text (Word's Table Properties → Alt Text): a title and a description."""
    tblpr = table._tbl.tblPr
    tblpr.append(_element("w:tblCaption", val=plain(caption)))
    tblpr.append(_element("w:tblDescription", val=plain(description)))


def _margins(tag: str, side_mm: float, top_mm: float | None = None) -> Any:
    margins = OxmlElement(tag)
    sides = [("left", side_mm), ("right", side_mm)]
    if top_mm is not None:
        sides = [("top", top_mm), *sides, ("bottom", top_mm)]
    for side, size in sides:
        margins.append(_element(f"w:{side}", w=str(round(Mm(size).twips)), type="dxa"))
    return margins


def set_cell_margins(cell: _Cell, side_mm: float) -> None:
    """Left and right margins of one cell, in place of the table's."""
    tcpr = cell._tc.get_or_add_tcPr()
    for old in tcpr.findall(qn("w:tcMar")):
        tcpr.remove(old)
    later = ("w:textDirection", "w:tcFitText", "w:vAlign", "w:hideMark")
    tcpr.insert_element_before(_margins("w:tcMar", side_mm), *later)


def _new_row(table: Table) -> _Row:
    row: _Row = table.add_row()  # type: ignore[no-untyped-call]  # python-docx leaves add_row unannotated
    return row


def add_table(
    container: Any,
    headers: Sequence[str | Cell] | None,
    rows: Sequence[Sequence[str | Cell]],
    widths_mm: Sequence[float],
    *,
    caption: str,
    description: str = "",
    align: Sequence[str] = (),
    header_rows: int = 1,
) -> Table:
    """A table in the "Table Grid" style with fixed column widths, its header row(s) shaded,
    repeated on every page, and alt text. *headers* None: no header row (a key-value table)."""
    table: Table = container.add_table(rows=0, cols=len(widths_mm))
    table.style = TABLE_STYLE
    table.alignment = WD_TABLE_ALIGNMENT.LEFT
    table.autofit = False
    for column, width in zip(table.columns, widths_mm, strict=True):
        column.width = Mm(width)
    margins = _margins("w:tblCellMar", CELL_SIDE_MM, CELL_TOP_MM)
    table._tbl.tblPr.insert_element_before(margins, "w:tblLook", "w:tblCaption", "w:tblDescription")
    look = table._tbl.tblPr.find(qn("w:tblLook"))
    if look is not None:
        look.set(qn("w:firstColumn"), "0" if headers is not None else "1")
        look.set(qn("w:firstRow"), "1" if headers is not None else "0")
        look.set(qn("w:val"), "0420" if headers is not None else "0080")
    alignment = list(align) + ["left"] * (len(widths_mm) - len(align))
    if headers is not None:
        row = _new_row(table)
        for index, (cell, value) in enumerate(zip(row.cells, headers, strict=True)):
            spec = value if isinstance(value, Cell) else Cell(value, fill=HEADER_FILL)
            fill_cell(cell, spec, TABLE_HEADING, alignment[index])
        _row_properties(row, header=True)
    for values in rows:
        row = _new_row(table)
        for index, (cell, value) in enumerate(zip(row.cells, values, strict=True)):
            fill_cell(cell, value, TABLE_TEXT, alignment[index])
        _row_properties(row, header=False)
    for row in table.rows[1:header_rows]:
        row._tr.get_or_add_trPr().append(OxmlElement("w:tblHeader"))
    describe(table, caption, description)
    container.add_paragraph(style=TABLE_TEXT)  # Word runs two tables together without a paragraph between
    return table


# ---------------------------------------------------------------------------------------
# Saving


def document_bytes(document: Any, when: datetime) -> bytes:
    """The document as .docx bytes, the same for the same content: every zip member is dated *when*."""
    raw = io.BytesIO()
    document.save(raw)
    out = io.BytesIO()
    stamp = when.timetuple()[:6]
    with zipfile.ZipFile(io.BytesIO(raw.getvalue())) as source, zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            member = zipfile.ZipInfo(info.filename, date_time=stamp)
            member.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(member, source.read(info.filename))
    return out.getvalue()
