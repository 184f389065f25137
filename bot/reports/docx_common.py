"""Word building blocks that keep Thai in the Thai font.

Word treats Thai as a complex script: `run.font.name` sets only the Latin slots (ascii,
hAnsi), so every run also gets `w:cs` (and `w:eastAsia`) in `w:rFonts`, `w:szCs` beside
`w:sz`, `w:bCs` beside `w:b`, and `w:lang w:bidi="th-TH"`; without them Word falls back to
another font for the Thai text. The Normal style gets the same, for anything else. Page
setup, the page number and the signature blocks are in bot.reports.docx_layout.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Any, cast

from docx.document import Document as DocxDocument
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.oxml.text.font import CT_RPr
from docx.shared import Cm, Emu, Length, Pt, Twips
from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph
from docx.text.run import Run

# The font the documents name: what Thai offices have (ระเบียบงานสารบรรณ practice). Where it
# is not installed (here), fontconfig maps it to Laksaman, the same design and metrics.
DOC_FONT = "TH Sarabun New"
# Thai official documents are set in 16 pt Sarabun; tables a little smaller to fit.
BODY_PT = 16.0
TABLE_PT = 14.0
TITLE_PT = 18.0
# The left and right padding of every cell: the Table Grid style's 108 twips (0.19 cm) a side.
CELL_MARGIN = Twips(108)


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


def thai_rpr(rpr: CT_RPr, size_pt: float, bold: bool = False) -> None:
    """Name the office font, at this size, in the Latin and the complex-script slots."""
    fonts = rpr.get_or_add_rFonts()
    for slot in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(slot), DOC_FONT)
    half_points = str(round(size_pt * 2))
    _set_child(rpr, "w:sz", {"w:val": half_points})
    _set_child(rpr, "w:szCs", {"w:val": half_points})
    if bold:
        _set_child(rpr, "w:b", {})
        _set_child(rpr, "w:bCs", {})
    _set_child(rpr, "w:lang", {"w:bidi": "th-TH"})


def add_run(paragraph: Paragraph, text: str, size_pt: float = BODY_PT, bold: bool = False) -> Run:
    """Append a run of Thai-safe text to a paragraph."""
    run = paragraph.add_run(text)
    run.bold = bold or None
    thai_rpr(run._element.get_or_add_rPr(), size_pt, bold)
    return run


def add_paragraph(
    doc: DocxDocument,
    text: str,
    size_pt: float = BODY_PT,
    *,
    bold: bool = False,
    center: bool = False,
    keep_next: bool = False,
) -> Paragraph:
    """A paragraph of one run (keep_next: on the same page as what follows, e.g. a table)."""
    paragraph = doc.add_paragraph()
    if center:
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    paragraph.paragraph_format.space_after = Pt(2)
    paragraph.paragraph_format.keep_with_next = keep_next or None
    add_run(paragraph, text, size_pt, bold)
    return paragraph


def fill_cell(
    cell: _Cell, lines: Sequence[str], size_pt: float = TABLE_PT, bold: bool = False
) -> None:
    """Write lines into a table cell, one paragraph each."""
    first = True
    for line in lines or [""]:
        paragraph = cell.paragraphs[0] if first else cell.add_paragraph()
        first = False
        paragraph.paragraph_format.space_after = Pt(0)
        add_run(paragraph, line, size_pt, bold)


def scale_widths(weights: Sequence[float], total_cm: float) -> tuple[float, ...]:
    """Column widths in proportion to `weights`, filling `total_cm`."""
    whole = sum(weights)
    return tuple(round(total_cm * w / whole, 2) for w in weights)


def _row_flag(tr: Any, tag: str) -> None:
    flag = OxmlElement(tag)
    flag.set(qn("w:val"), "true")
    tr.get_or_add_trPr().append(flag)


def add_table(
    doc: DocxDocument,
    headings: Sequence[str],
    widths_cm: Sequence[float],
    size_pt: float = TABLE_PT,
) -> Table:
    """A bordered table of fixed column widths, its bold heading row repeated on every page."""
    table: Table = doc.add_table(rows=1, cols=len(headings))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    # Fixed layout: Word and LibreOffice keep the widths given instead of fitting the content.
    table.autofit = False
    for column, width in zip(table.columns, widths_cm, strict=True):
        column.width = Cm(width)
    for cell, heading, width in zip(table.rows[0].cells, headings, widths_cm, strict=True):
        fill_cell(cell, [heading], size_pt, bold=True)
        cell.width = Cm(width)
    _row_flag(table.rows[0]._tr, "w:cantSplit")
    _row_flag(table.rows[0]._tr, "w:tblHeader")
    return table


def add_row(
    table: Table,
    cells: Sequence[Sequence[str]],
    widths_cm: Sequence[float],
    size_pt: float = TABLE_PT,
    bold: bool = False,
) -> Any:
    """Append a row that never splits across pages; each cell is a list of lines."""
    row: Any = cast(Any, table).add_row()  # python-docx leaves add_row unannotated
    _row_flag(row._tr, "w:cantSplit")
    for cell, lines, width in zip(row.cells, cells, widths_cm, strict=True):
        fill_cell(cell, lines, size_pt, bold)
        cell.width = Cm(width)
    return row


def allow_split(row: Any) -> None:
    """Let a row break across pages (a row of pictures can be taller than a page)."""
    for flag in row._tr.findall(f"{qn('w:trPr')}/{qn('w:cantSplit')}"):
        flag.getparent().remove(flag)


def inner_width(cell: _Cell, width_cm: float) -> Emu:
    """The room for content in a cell: its width as written (else `width_cm`) less its padding."""
    width: Length = cell.width if cell.width is not None else Cm(width_cm)
    return Emu(width - 2 * CELL_MARGIN)


def shade(cell: _Cell, fill: str = "F2F2F2") -> None:
    """A light grey background, for a row that heads a group of rows."""
    shd = OxmlElement("w:shd")
    shd.set(qn("w:val"), "clear")
    shd.set(qn("w:color"), "auto")
    shd.set(qn("w:fill"), fill)
    cell._tc.get_or_add_tcPr().append(shd)


def to_bytes(doc: DocxDocument) -> bytes:
    """The .docx file's bytes."""
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()
