"""`ita-followup report` and `ita-followup summary` on a database with rounds and answers."""

from __future__ import annotations

import asyncio
import io
import json
from pathlib import Path

import matplotlib
import pytest
from docx import Document
from openpyxl import load_workbook
from pypdf import PdfReader
from sqlalchemy import func, select

from bot.cli import main
from bot.reports import fonts
from storage.db import create_engine, session_factory
from storage.models import Round
from tests.factories import seed_plan
from tests.report_factories import scenario
from tests.reports.evidence_factory import office_or_skip


async def _fill(db_url: str) -> None:
    engine = create_engine(db_url)
    try:
        sessions = session_factory(engine)
        await seed_plan(sessions)
        await scenario(sessions)
    finally:
        await engine.dispose()


@pytest.fixture
def cli_db(cli_env: str, tmp_path: Path) -> Path:
    """A database with the report scenario; the CLI pointed at it; returns a work folder."""
    asyncio.run(_fill(cli_env))
    return tmp_path


def test_report_round_formats(cli_db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    for fmt in ("xlsx", "docx", "csv", "png"):
        out = cli_db / f"jan.{fmt}"
        assert main(["report", "--round", "2565-01", "--format", fmt, "-o", str(out)]) == 0
        assert out.stat().st_size > 0
    assert "wrote" in capsys.readouterr().out
    wb = load_workbook(cli_db / "jan.xlsx")
    assert wb.sheetnames[0] == "รายการรายงาน"
    assert (cli_db / "jan.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    doc = Document(str(cli_db / "jan.docx"))
    assert any("๒๖ มกราคม ๒๕๖๕" in p.text for p in doc.paragraphs)


def test_report_period(cli_db: Path) -> None:
    out = cli_db / "period.docx"
    assert main(["report", "--period", "--format", "docx", "-o", str(out)]) == 0
    doc = Document(io.BytesIO(out.read_bytes()))
    assert doc.tables[0].rows[0].cells[0].text == "ผู้รับผิดชอบ"
    # Heading, then each of the 7 measures over its responsible divisions' rows (31 in all).
    assert len(doc.tables[0].rows) == 1 + 7 + 31
    xlsx = cli_db / "period.xlsx"
    assert main(["report", "--period", "--format", "xlsx", "-o", str(xlsx)]) == 0
    rounds = {
        r[0] for r in load_workbook(xlsx)["รายการรายงาน"].iter_rows(min_row=2, values_only=True)
    }
    assert len(rounds) == 3


def test_report_part_of_the_period(cli_db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # 1 October 2564 (B.E. accepted) to 15 January 2022: the December round and the first
    # quarter; not January's round, whose month only begins inside the span.
    xlsx = cli_db / "q1.xlsx"
    argv = ["report", "--period", "--from", "2564-10-01", "--to", "2022-01-15", "-o", str(xlsx)]
    assert main(argv) == 0
    rows = load_workbook(xlsx)["รายการรายงาน"].iter_rows(min_row=2, values_only=True)
    assert {r[0] for r in rows} == {"2564-12", "2565-Q1"}
    docx = cli_db / "q1.docx"
    assert main([*argv[:-2], "-o", str(docx)]) == 0
    assert "wrote" in capsys.readouterr().out


def test_summary_text_and_json(cli_db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["summary", "--round", "2565-01", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["round"]["label_th"] == "ประจำเดือนมกราคม ๒๕๖๕"
    assert data["answered"] == 4 and data["late"] == 1
    assert data["measures"][0]["counts"]["done"] == 1
    # Nobody reviewed anything: every answer awaits review (issue 14).
    assert data["review"] == {"accepted": 0, "returned": 0, "awaiting": 4}
    assert data["round"]["closes_at"] == "2022-01-26T09:30+07:00"  # local, as `schedule --json`
    assert main(["summary", "--round", "2565-Q1"]) == 0
    text = capsys.readouterr().out
    assert "ไตรมาสที่ ๑ ปีงบประมาณ ๒๕๖๕" in text and "answered 1/1" in text
    assert "review: accepted 0, returned 0, awaiting 1" in text
    assert "accepted=0 returned=0 awaiting=1" in text
    assert main(["summary"]) == 0  # the current round: the most recently closed one
    text = capsys.readouterr().out
    assert "round 2565-01" in text and "26 ม.ค. 2565" in text  # B.E., local, as `schedule`


def test_a_round_the_schedule_lists_is_summarised_before_it_is_made(
    cli_env: str, capsys: pytest.CaptureFixture[str]
) -> None:
    # Only the plan is imported: no tick has run, so no round row exists yet.
    asyncio.run(_seed_only(cli_env))
    assert main(["summary", "--round", "2565-02"]) == 0
    text = capsys.readouterr().out
    assert "round 2565-02 (monthly)" in text and "answered 0/" in text
    assert "not yet open: the round opens" in text and "2565" in text  # B.E., as `schedule`
    assert main(["summary", "--round", "2565-02", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["not_yet_open"] is True and data["answered"] == 0 and data["owed"] > 0
    assert asyncio.run(_round_count(cli_env)) == 0  # summarised as planned, nothing kept
    # A key the schedule does not list is still one line and exit 2.
    assert main(["summary", "--round", "2599-02"]) == 2
    assert "no round with key '2599-02'" in capsys.readouterr().err
    # Reported as planned too: every owed item, nothing asked yet, and nothing kept.
    out = Path("feb.xlsx")
    assert main(["report", "--round", "2565-02", "-o", str(out)]) == 0
    assert "not yet open" in capsys.readouterr().out
    rows = list(load_workbook(out)["รายการรายงาน"].iter_rows(min_row=2, values_only=True))
    assert rows and {r[0] for r in rows} == {"2565-02"}
    assert len(rows) == data["owed"]
    assert asyncio.run(_round_count(cli_env)) == 0  # the look ahead was rolled back


async def _round_count(db_url: str) -> int:
    engine = create_engine(db_url)
    try:
        async with session_factory(engine)() as session:
            return int(await session.scalar(select(func.count()).select_from(Round)) or 0)
    finally:
        await engine.dispose()


async def _seed_only(db_url: str) -> None:
    engine = create_engine(db_url)
    try:
        await seed_plan(session_factory(engine))
    finally:
        await engine.dispose()


@pytest.mark.parametrize(
    ("argv", "fragment"),
    [
        (["report", "--round", "2599-01", "--format", "xlsx", "-o", "x.xlsx"], "no round"),
        (["summary", "--round", "nope"], "no round"),
        (
            ["report", "--round", "2565-01", "--format", "xlsx", "-o", "missing/x.xlsx"],
            "does not exist",
        ),
        (["report", "--round", "2565-01", "--format", "xlsx", "-o", "."], "directory"),
        (["report", "--round", "2565-01", "--format", "docx", "-o", "x.xlsx"], "does not match"),
        (["report", "--round", "2565-01", "-o", "x.xlsx.txt"], "cannot tell the format"),
        (["report", "--round", "2565-01", "--memo", "-o", "x.xlsx"], "--memo writes a .docx"),
        (["report", "--round", "2565-01", "--from", "2021-10-01", "-o", "x.xlsx"], "--period"),
        (["report", "--period", "--from", "2021-10-01", "-o", "x.xlsx"], "both --from and --to"),
        (
            ["report", "--period", "--from", "2022-03-31", "--to", "2021-10-01", "-o", "x.xlsx"],
            "swap them",
        ),
        (
            ["report", "--period", "--from", "2023-01-01", "--to", "2023-03-31", "-o", "x.xlsx"],
            "no round of the plan lies wholly between 2023-01-01 and 2023-03-31",
        ),
    ],
)
def test_bad_input_is_one_line_and_exit_2(
    cli_db: Path, capsys: pytest.CaptureFixture[str], argv: list[str], fragment: str
) -> None:
    assert main(argv) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("ita-followup: error:") and fragment in err[0]
    assert not (cli_db / "x.xlsx").exists() and not Path("x.xlsx").exists()


def test_format_follows_the_output_extension(cli_db: Path) -> None:
    out = cli_db / "jan.xlsx"
    assert main(["report", "--round", "2565-01", "-o", str(out)]) == 0
    assert load_workbook(out).sheetnames[0] == "รายการรายงาน"


def test_font_without_thai_is_refused(
    cli_db: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    dejavu = Path(matplotlib.get_data_path()) / "fonts/ttf/DejaVuSans.ttf"
    monkeypatch.setenv(fonts.ENV_VAR, str(dejavu))
    fonts.thai_font.cache_clear()
    out = cli_db / "jan.docx"
    try:
        assert main(["report", "--round", "2565-01", "--format", "docx", "-o", str(out)]) == 2
    finally:
        fonts.thai_font.cache_clear()
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "has no Thai letters" in err[0]
    assert not out.exists()
    installed = fonts._search(fonts.FONT_DIRS)
    assert installed is not None and fonts.covers_thai(installed.path)
    assert not fonts.covers_thai(dejavu) and not fonts.covers_thai(cli_db)


def test_report_memo(cli_db: Path) -> None:
    out = cli_db / "memo.docx"
    assert main(["report", "--round", "2565-01", "--memo", "-o", str(out)]) == 0
    text = [p.text for p in Document(str(out)).paragraphs]
    assert text[0] == "บันทึกข้อความ"
    assert text[1] == "ส่วนราชการ  เทศบาลนครนครศรีธรรมราช"
    assert text[2].startswith("ที่  ") and "วันที่  " in text[2]
    assert text[3].startswith("เรื่อง  รายงานผลการดำเนินการตามมาตรการ")
    assert text[3].endswith("ประจำเดือนมกราคม ๒๕๖๕")
    assert text[4] == "เรียน  นายกเทศมนตรีนครนครศรีธรรมราช"
    body = text[6]
    # Counted from the same data as the meeting report: 30 owed, 4 answered.
    assert "ทั้งสิ้น ๓๐ รายการ รายงานแล้ว ๔ รายการ" in body and "ยังไม่รายงาน ๒๖ รายการ" in body
    assert text[7].startswith("จึงเรียนมาเพื่อโปรดทราบ")
    assert any(p.startswith("(ลงชื่อ)") for p in text[8:])
    assert any("ทราบ" in p for p in text[-4:])
    period = cli_db / "period-memo.docx"
    assert main(["report", "--period", "--memo", "-o", str(period)]) == 0
    subject = Document(str(period)).paragraphs[3].text
    assert "ตั้งแต่เดือนธันวาคม ๒๕๖๔ ถึงเดือนมกราคม ๒๕๖๕" in subject


def test_report_as_pdf(cli_db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    office_or_skip()
    out = cli_db / "jan.pdf"
    assert main(["report", "--round", "2565-01", "-o", str(out)]) == 0
    assert "wrote" in capsys.readouterr().out
    text = "".join(p.extract_text() for p in PdfReader(out).pages).replace("\u200b", "")
    assert "สรุปผลการรายงาน" in text and "๒๖ มกราคม ๒๕๖๕" in text  # the meeting report
    period = cli_db / "period.pdf"
    assert main(["report", "--period", "--format", "pdf", "-o", str(period)]) == 0
    text = "".join(p.extract_text() for p in PdfReader(period).pages).replace("\u200b", "")
    assert "ปัญหาอุปสรรค" in text  # a heading of the end-of-period report's table


def test_pdf_without_libreoffice_is_one_line(
    cli_db: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("ITA_SOFFICE", str(cli_db / "no-such-soffice"))
    out = cli_db / "jan.pdf"
    assert main(["report", "--round", "2565-01", "-o", str(out)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("ita-followup: error: LibreOffice is not installed")
    assert not out.exists()
