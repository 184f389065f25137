"""Word building blocks that keep Thai in the Thai font.

Word treats Thai as a complex script: `run.font.name` sets only the Latin slots (ascii,
hAnsi), so every run also gets `w:cs` (and `w:eastAsia`) in `w:rFonts`, `w:szCs` beside
`w:sz`, `w:bCs` beside `w:b`, and `w:lang w:bidi="th-TH"`; without them Word falls back to
another font for the Thai text. The Normal style gets the same, for anything else.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Any, cast

from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.oxml.text.font import CT_RPr
from docx.shared import Cm, Pt
from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph

from bot.reports.fonts import ThaiFont

# Thai official documents are set in 16 pt Sarabun; tables a little smaller to fit.
BODY_PT = 16.0
TABLE_PT = 14.0
TITLE_PT = 18.0


# The schema order of run properties (python-docx keeps its copy private).
_RPR_ORDER = [
    "w:rStyle",
    "w:rFonts",
    "w:b",
    "w:bCs",
    "w:i",
    "w:iCs",
    "w:caps",
    "w:smallCaps",
    "w:strike",
    "w:dstrike",
    "w:outline",
    "w:shadow",
    "w:emboss",
    "w:imprint",
    "w:noProof",
    "w:snapToGrid",
    "w:vanish",
    "w:webHidden",
    "w:color",
    "w:spacing",
    "w:w",
    "w:kern",
    "w:position",
    "w:sz",
    "w:szCs",
    "w:highlight",
    "w:u",
    "w:effect",
    "w:bdr",
    "w:shd",
    "w:fitText",
    "w:vertAlign",
    "w:rtl",
    "w:cs",
    "w:em",
    "w:lang",
    "w:eastAsianLayout",
    "w:specVanish",
    "w:oMath",
]


def _set_child(rpr: CT_RPr, tag: str, attrs: dict[str, str]) -> None:
    # Replace or insert the element at its schema position (Word rejects misordered rPr).
    for old in rpr.findall(qn(tag)):
        rpr.remove(old)
    elm = OxmlElement(tag)
    for name, value in attrs.items():
        elm.set(qn(name), value)
    successors = _RPR_ORDER[_RPR_ORDER.index(tag) + 1 :]
    rpr.insert_element_before(elm, *successors)


def thai_rpr(rpr: CT_RPr, font: ThaiFont, size_pt: float, bold: bool = False) -> None:
    """Give run properties the Thai font and size in the Latin and complex-script slots."""
    fonts = rpr.get_or_add_rFonts()
    for slot in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(slot), font.family)
    half_points = str(round(size_pt * 2))
    _set_child(rpr, "w:sz", {"w:val": half_points})
    _set_child(rpr, "w:szCs", {"w:val": half_points})
    if bold:
        _set_child(rpr, "w:b", {})
        _set_child(rpr, "w:bCs", {})
    _set_child(rpr, "w:lang", {"w:bidi": "th-TH"})


def new_document(font: ThaiFont, *, landscape: bool = False) -> DocxDocument:
    """An A4 document whose Normal style is the Thai font."""
    doc = Document()
    normal: Any = doc.styles["Normal"]
    thai_rpr(normal.element.get_or_add_rPr(), font, BODY_PT)
    section = doc.sections[0]
    section.page_width, section.page_height = Cm(21.0), Cm(29.7)
    if landscape:
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = section.page_height, section.page_width
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Cm(2.0))
    return doc


def open_document(
    font: ThaiFont, title: str, organization: str, *, landscape: bool = False
) -> DocxDocument:
    """A new document headed by its title and the organization's name, centred and bold."""
    doc = new_document(font, landscape=landscape)
    add_paragraph(doc, title, font, TITLE_PT, bold=True, center=True)
    add_paragraph(doc, organization, font, bold=True, center=True)
    return doc


def finish(doc: DocxDocument, font: ThaiFont, made_line: str) -> bytes:
    """Close the document with the line saying when it was made; the file's bytes."""
    add_paragraph(doc, made_line, font)
    return to_bytes(doc)


def add_run(
    paragraph: Paragraph, text: str, font: ThaiFont, size_pt: float, bold: bool = False
) -> None:
    """Append a run of Thai-safe text to a paragraph."""
    run = paragraph.add_run(text)
    run.bold = bold or None
    thai_rpr(run._element.get_or_add_rPr(), font, size_pt, bold)


def add_paragraph(
    doc: DocxDocument,
    text: str,
    font: ThaiFont,
    size_pt: float = BODY_PT,
    *,
    bold: bool = False,
    center: bool = False,
) -> Paragraph:
    """A paragraph of one run."""
    paragraph = doc.add_paragraph()
    if center:
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    paragraph.paragraph_format.space_after = Pt(2)
    add_run(paragraph, text, font, size_pt, bold)
    return paragraph


def fill_cell(
    cell: _Cell, lines: Sequence[str], font: ThaiFont, size_pt: float = TABLE_PT, bold: bool = False
) -> None:
    """Write lines into a table cell, one paragraph each."""
    first = True
    for line in lines or [""]:
        paragraph = cell.paragraphs[0] if first else cell.add_paragraph()
        first = False
        paragraph.paragraph_format.space_after = Pt(0)
        add_run(paragraph, line, font, size_pt, bold)


def add_table(
    doc: DocxDocument, headings: Sequence[str], font: ThaiFont, widths_cm: Sequence[float]
) -> Table:
    """A bordered table with a bold heading row repeated on every page."""
    table: Table = doc.add_table(rows=1, cols=len(headings))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cell, heading, width in zip(table.rows[0].cells, headings, widths_cm, strict=True):
        fill_cell(cell, [heading], font, bold=True)
        cell.width = Cm(width)
    header = table.rows[0]._tr.get_or_add_trPr()
    repeat = OxmlElement("w:tblHeader")
    repeat.set(qn("w:val"), "true")
    header.append(repeat)
    return table


def add_row(
    table: Table, cells: Sequence[Sequence[str]], font: ThaiFont, widths_cm: Sequence[float]
) -> None:
    """Append a row; each cell is a list of lines."""
    row: Any = cast(Any, table).add_row()  # python-docx leaves add_row unannotated
    for cell, lines, width in zip(row.cells, cells, widths_cm, strict=True):
        fill_cell(cell, lines, font)
        cell.width = Cm(width)


def to_bytes(doc: DocxDocument) -> bytes:
    """The .docx file's bytes."""
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()
