"""`ita-followup pack`: the publication pack from a shell, and its one-line refusals."""

from __future__ import annotations

import asyncio
import os
import zipfile
from pathlib import Path

import pytest

from bot.cli import main
from bot.reports import pdf
from storage.db import create_engine, session_factory
from tests.factories import seed_plan
from tests.pack_factories import JPEG, PDF_PATH, PHOTO_PATH, pack_scenario


async def _fill(db_url: str, evidence_dir: Path) -> None:
    engine = create_engine(db_url)
    try:
        await pack_scenario(session_factory(engine), evidence_dir)
    finally:
        await engine.dispose()


@pytest.fixture
def packed_db(cli_env: str, tmp_path: Path, evidence_dir: Path) -> Path:
    """The pack scenario in the CLI's database and archive; returns a work folder."""
    asyncio.run(_fill(cli_env, evidence_dir))
    return tmp_path


def _needs_office() -> None:
    if pdf.office_binary() is None and not os.environ.get("CI"):
        pytest.skip("LibreOffice is not installed (sh scripts/system-deps.sh installs it)")


def _one_error(capsys: pytest.CaptureFixture[str]) -> str:
    captured = capsys.readouterr()
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("ita-followup: error:"), captured.err
    return lines[0]


def test_pack_a_round_and_the_period(packed_db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _needs_office()
    out = packed_db / "jan.zip"
    assert main(["pack", "--round", "2565-01", "-o", str(out)]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith(f"wrote {out}: 6 files (2 evidence), ")
    assert "KB" in lines[0] and "1 evidence file is still being fetched" in lines[0]
    with zipfile.ZipFile(out) as zf:
        assert zf.read(PHOTO_PATH) == JPEG
        assert {"index.html", "ita-2565-01.docx", "ita-2565-01.pdf", "ita-2565-01.xlsx"} <= set(
            zf.namelist()
        )
    period = packed_db / "period.zip"
    assert main(["pack", "--period", "-o", str(period)]) == 0
    with zipfile.ZipFile(period) as zf:
        assert zf.namelist().count(PDF_PATH) == 1


@pytest.mark.parametrize(
    ("argv", "fragment"),
    [
        (["pack", "--round", "2565-01", "-o", "jan.docx"], "give -o FILE.zip"),
        (["pack", "--round", "2565-01", "-o", "no-such-folder/jan.zip"], "does not exist"),
        (["pack", "--round", "2599-99", "-o", "x.zip"], "no round with key '2599-99'"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(
    packed_db: Path, capsys: pytest.CaptureFixture[str], argv: list[str], fragment: str
) -> None:
    assert main(argv) == 2
    assert fragment in _one_error(capsys)
    assert not any(p.suffix == ".zip" for p in packed_db.iterdir())


@pytest.mark.parametrize(
    ("argv", "fragment"),
    [
        (["pack", "--period", "--round", "2565-01", "-o", "x.zip"], "not allowed with"),
        (["pack", "--round", "2565-01"], "required: -o"),
    ],
)
def test_bad_arguments_are_one_line_and_exit_2(
    cli_env: str, capsys: pytest.CaptureFixture[str], argv: list[str], fragment: str
) -> None:
    with pytest.raises(SystemExit) as stopped:
        main(argv)
    assert stopped.value.code == 2
    assert fragment in _one_error(capsys)


def test_an_output_folder_named_like_a_zip_is_refused(
    packed_db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (packed_db / "out.zip").mkdir()
    assert main(["pack", "--period", "-o", "out.zip"]) == 2
    assert "it is a directory" in _one_error(capsys)


def test_no_plan_is_refused(cli_env: str, capsys: pytest.CaptureFixture[str]) -> None:
    for argv in (
        ["pack", "--period", "-o", "x.zip"],
        ["pack", "--round", "2565-01", "-o", "x.zip"],
    ):
        assert main(argv) == 2
        assert "no plan found" in _one_error(capsys)


def test_without_libreoffice_the_pack_is_refused_in_one_line(
    cli_env: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    asyncio.run(_seed(cli_env))
    monkeypatch.setenv("ITA_SOFFICE", "/nonexistent/soffice")
    assert main(["pack", "--period", "-o", "x.zip"]) == 2
    assert "LibreOffice is not installed" in _one_error(capsys)
    assert not Path("x.zip").exists()


async def _seed(db_url: str) -> None:
    engine = create_engine(db_url)
    try:
        await seed_plan(session_factory(engine))
    finally:
        await engine.dispose()
