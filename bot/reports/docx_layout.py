"""The page of a Thai official document (the correspondence rules' practice): A4, margins.

Margins 3 cm left (for binding), 2 cm right, 2.5 cm top, 2 cm bottom; the page number in Thai
digits centred at the top between dashes, from the second page on; a prepared-by block with
room to sign at the end.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm
from docx.text.paragraph import Paragraph

from bot.reports.docx_common import (
    BODY_PT,
    TITLE_PT,
    add_paragraph,
    add_run,
    thai_rpr,
    to_bytes,
)
from bot.texts import t
from bot.texts.reports import ERA_TH, FISCAL_YEAR_TH
from scheduler.thaidate import to_thai_digits

A4_CM = (21.0, 29.7)
MARGINS_CM = {"left_margin": 3.0, "right_margin": 2.0, "top_margin": 2.5, "bottom_margin": 2.0}
# A plain PAGE field takes the section's numbering format, thaiNumbers (๑ ๒ ๓) in Word.
# Not the field switch \* ThaiArabic: LibreOffice reads it as Thai letters (ก ข ค), while it
# ignores the section format and prints Arabic digits, the lesser fault.
PAGE_FIELD = " PAGE "


def text_width_cm(landscape: bool) -> float:
    """The width between the margins."""
    width = A4_CM[1] if landscape else A4_CM[0]
    return width - MARGINS_CM["left_margin"] - MARGINS_CM["right_margin"]


def new_document(*, landscape: bool = False) -> DocxDocument:
    """An A4 document with official margins, the office font in Normal, a Thai page number."""
    doc = Document()
    normal: Any = doc.styles["Normal"]
    thai_rpr(normal.element.get_or_add_rPr(), BODY_PT)
    section = doc.sections[0]
    section.page_width, section.page_height = Cm(A4_CM[0]), Cm(A4_CM[1])
    if landscape:
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = section.page_height, section.page_width
    for side, cm in MARGINS_CM.items():
        setattr(section, side, Cm(cm))
    section.header_distance = Cm(1.2)
    _page_number(section)
    return doc


def _field_run(paragraph: Paragraph, child: Any) -> None:
    run = add_run(paragraph, "")
    run._r.append(child)


def _field_char(kind: str) -> Any:
    char = OxmlElement("w:fldChar")
    char.set(qn("w:fldCharType"), kind)
    return char


def _field(paragraph: Paragraph, instruction: str, shown: str) -> None:
    """A complex field: begin, instruction, separate, the text shown until updated, end."""
    instr = OxmlElement("w:instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = instruction
    _field_run(paragraph, _field_char("begin"))
    _field_run(paragraph, instr)
    _field_run(paragraph, _field_char("separate"))
    add_run(paragraph, shown)
    _field_run(paragraph, _field_char("end"))


def _page_number(section: Any) -> None:
    # The first page carries the heading block instead (titlePg leaves its header empty).
    section.different_first_page_header_footer = True
    paragraph = section.header.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    add_run(paragraph, "- ")
    _field(paragraph, PAGE_FIELD, to_thai_digits("2"))
    add_run(paragraph, " -")
    numbering = OxmlElement("w:pgNumType")
    numbering.set(qn("w:fmt"), "thaiNumbers")
    section._sectPr.append(numbering)


def heading_block(doc: DocxDocument, title: str, lines: Sequence[str]) -> None:
    """The title (bold, larger), then the municipality, the period or meeting, its date."""
    add_paragraph(doc, keep_words(title), TITLE_PT, bold=True, center=True, keep_next=True)
    for line in lines:
        add_paragraph(doc, keep_words(line), bold=True, center=True, keep_next=True)


def keep_words(text: str) -> str:
    """Keep the era and its year together; a plan title breaks before its fiscal-year part."""
    fiscal = f"{FISCAL_YEAR_TH} {ERA_TH} "
    return text.replace(f" {fiscal}", f"\n{fiscal}").replace(f"{ERA_TH} ", f"{ERA_TH}\u00a0")


def signature_block(
    doc: DocxDocument, lines: Sequence[str], *, landscape: bool, space_before: bool = True
) -> None:
    """A block of centred lines in the right half of the page, kept together, room to sign."""
    indent = Cm(text_width_cm(landscape) / 2)
    if space_before:
        add_paragraph(doc, "", keep_next=True)
    for n, line in enumerate(lines):
        paragraph = add_paragraph(doc, line, center=True, keep_next=n < len(lines) - 1)
        paragraph.paragraph_format.left_indent = indent


def sign_lines(role: str, date: str, lang: str) -> list[str]:
    """Signature, name in brackets, position and date, each with room to write by hand."""
    return [
        t("report.sign", lang, role=role),
        t("report.sign_name", lang),
        t("report.sign_position", lang),
        t("report.sign_date", lang, date=date),
    ]


def finish(doc: DocxDocument, date: str, lang: str, *, landscape: bool) -> bytes:
    """Close the document with the prepared-by block; the file's bytes."""
    lines = sign_lines(t("report.preparer", lang), date, lang)
    signature_block(doc, lines, landscape=landscape)
    return to_bytes(doc)
