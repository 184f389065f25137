"""The command line: migrate, import, show, and one-line refusals for bad configuration."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.cli import main
from bot.usecases.core import Core
from bot.usecases.exports import FORMATS
from tests.conftest import ROOT, SEED_PLAN


def test_import_then_show_json(cli_env: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["db", "upgrade"]) == 0
    assert main(["plan", "import", str(SEED_PLAN)]) == 0
    assert "imported" in capsys.readouterr().out
    assert main(["plan", "import", str(SEED_PLAN)]) == 0
    assert "no changes" in capsys.readouterr().out
    assert main(["plan", "import", "--if-empty", str(SEED_PLAN)]) == 0
    assert "already imported" in capsys.readouterr().out
    assert main(["plan", "show", "--json"]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert len(shown["measures"]) == 7
    m7 = shown["measures"][6]
    assert m7["followup"]["cadence"] == "quarterly"
    assert [d["name_th"] for d in m7["responsible"]] == ["กองยุทธศาสตร์และงบประมาณ"]
    assert main(["plan", "show"]) == 0
    assert "1. สร้างการรับรู้" in capsys.readouterr().out


def test_bad_plan_file_is_one_line_per_fault(
    cli_env: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        SEED_PLAN.read_text(encoding="utf-8").replace("responsible: [FIN]", "responsible: [XX]"),
        encoding="utf-8",
    )
    assert main(["plan", "import", str(bad)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1
    assert err[0].startswith(f"ita-followup: error: {bad}:")
    assert "XX" in err[0] and "expected ALL or one of" in err[0]
    assert main(["plan", "show"]) == 2  # nothing was imported
    assert "no plan is imported" in capsys.readouterr().err


def test_show_before_migration_says_what_to_run(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DATABASE_URL", f"sqlite+aiosqlite:///{tmp_path}/fresh.db")
    assert main(["plan", "show"]) == 2
    assert "ita-followup db upgrade" in capsys.readouterr().err


def _run(args: list[str], env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot.cli", *args],
        env={**env, "PYTHONPATH": str(ROOT)},
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=60,
    )


def _clean_env(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "DATABASE_"))}
    env["DATABASE_URL"] = f"sqlite+aiosqlite:///{tmp_path}/cli.db"
    return env


def test_run_without_token_exits_with_one_line(tmp_path: Path) -> None:
    proc = _run(["run"], _clean_env(tmp_path), tmp_path)
    assert proc.returncode != 0
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, proc.stderr
    assert "TELEGRAM_BOT_TOKEN" in lines[0]


@pytest.mark.parametrize(
    ("name", "value", "needle"),
    [
        ("DATABASE_URL", "mysql://x", "DATABASE_URL"),
        ("DATABASE_URL", "not a url", "DATABASE_URL"),
        ("TELEGRAM_API_URL", "ftp://example", "TELEGRAM_API_URL"),
        ("TIMEZONE", "Mars/Olympus", "TIMEZONE"),
        ("TELEGRAM_BOT_TOKEN", "oops", "TELEGRAM_BOT_TOKEN"),
        ("SCHEDULER_TICK_SECONDS", "-1", "SCHEDULER_TICK_SECONDS"),
    ],
)
def test_bad_settings_exit_with_one_line(
    tmp_path: Path, name: str, value: str, needle: str
) -> None:
    env = _clean_env(tmp_path)
    env[name] = value
    proc = _run(["run"], env, tmp_path)
    assert proc.returncode == 2
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, proc.stderr
    assert needle in lines[0]
    assert "Traceback" not in proc.stderr


def test_unreachable_database_is_one_line(tmp_path: Path) -> None:
    env = _clean_env(tmp_path)
    env["DATABASE_URL"] = "postgresql+asyncpg://nobody@127.0.0.1:1/none"
    proc = _run(["db", "upgrade"], env, tmp_path)
    assert proc.returncode == 2
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, proc.stderr
    assert "cannot use the database" in lines[0]


def test_database_url_into_a_missing_folder_is_one_line(tmp_path: Path) -> None:
    env = _clean_env(tmp_path)
    env["DATABASE_URL"] = f"sqlite+aiosqlite:///{tmp_path}/typo/ita.db"
    proc = _run(["db", "upgrade"], env, tmp_path)
    assert proc.returncode == 2
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, proc.stderr
    assert f"the folder {tmp_path}/typo, which does not exist" in lines[0]
    assert not (tmp_path / "typo").exists()


def test_default_data_folder_is_still_made(tmp_path: Path) -> None:
    env = _clean_env(tmp_path)
    env["DATABASE_URL"] = "sqlite+aiosqlite:///data/ita.db"
    proc = _run(["db", "upgrade"], env, tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert (tmp_path / "data" / "ita.db").is_file()


def test_closed_pipe_ends_quietly(tmp_path: Path) -> None:
    env = {**_clean_env(tmp_path), "PYTHONPATH": str(ROOT)}
    assert _run(["db", "upgrade"], env, tmp_path).returncode == 0
    assert _run(["plan", "import", str(SEED_PLAN)], env, tmp_path).returncode == 0
    # `schedule | head -1` with the reader already gone: the first write meets a closed pipe.
    read_end, write_end = os.pipe()
    os.close(read_end)
    try:
        proc = subprocess.run(
            [sys.executable, "-m", "bot.cli", "schedule"],
            env=env,
            cwd=tmp_path,
            stdout=write_end,
            stderr=subprocess.PIPE,
            text=True,
            timeout=60,
        )
    finally:
        os.close(write_end)
    assert proc.returncode == 0
    assert proc.stderr == ""


def test_plan_new_writes_this_years_plan_and_the_warning_goes(
    cli_env: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Today is in fiscal year B.E. 2570 (October 2026 to September 2027), whatever the date.
    monkeypatch.setattr(Core, "now", lambda _: dt.datetime(2026, 12, 2, 3, 0, tzinfo=dt.UTC))
    assert main(["plan", "import", str(SEED_PLAN)]) == 0
    warning = capsys.readouterr().err.strip().splitlines()
    assert len(warning) == 1, warning
    assert "no imported plan covers today (2026-12-02, fiscal year B.E. 2570)" in warning[0]
    assert "plan new --from ita-2565 --year 2570 -o FILE" in warning[0]

    target = tmp_path / "plans" / "ita-2570.yaml"
    target.parent.mkdir()
    assert main(["plan", "new", "--from", "ita-2565", "--year", "2570", "-o", str(target)]) == 0
    assert "wrote plan ita-2570" in capsys.readouterr().out
    text = target.read_text(encoding="utf-8")
    assert text.startswith("# Plan for fiscal year B.E. 2570 (2026-10-01 to 2027-09-30)")
    assert "assessment: still last year's scores" in text
    assert "ประจำปีงบประมาณ พ.ศ. ๒๕๗๐" in text and "ตุลาคม ๖๙ – มีนาคม ๗๐" in text
    assert main(["plan", "new", "--from", "ita-2565", "--year", "2570", "-o", str(target)]) == 2
    assert "exists; choose another file or pass --force" in capsys.readouterr().err
    nowhere = tmp_path / "nowhere" / "x.yaml"
    assert main(["plan", "new", "--from", "ita-2565", "--year", "2570", "-o", str(nowhere)]) == 2
    assert "folder" in capsys.readouterr().err and not nowhere.parent.exists()

    assert main(["plan", "import", str(target)]) == 0
    out = capsys.readouterr()
    assert "plan ita-2570 imported" in out.out and out.err == ""
    assert main(["schedule", "--json", "--plan", "ita-2570"]) == 0
    shown = json.loads(capsys.readouterr().out)["rounds"]
    assert len(shown) == 8
    dues = [n["due_at"][:10] for r in shown for n in r["notices"]]
    assert min(dues) >= "2026-10-01" and max(dues) <= "2027-09-30", dues


def test_plan_show_names_the_divisions(cli_env: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["plan", "import", str(SEED_PLAN)]) == 0
    capsys.readouterr()
    assert main(["plan", "show"]) == 0
    out = capsys.readouterr().out
    assert "   responsible: FIN สำนักคลัง\n" in out
    assert "responsible: STRAT กองยุทธศาสตร์และงบประมาณ" in out


def test_demo_builds_every_report_format_and_the_summary(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DATABASE_URL", f"sqlite+aiosqlite:///{tmp_path}/real.db")
    out = tmp_path / "demo"
    assert main(["demo", "-o", str(out)]) == 0
    assert "8 rounds" in capsys.readouterr().out
    names = {p.name for p in out.iterdir()}
    for fmt in FORMATS:
        # The cover memo is a Word document too, named apart from the meeting report.
        suffix = "-memo.docx" if fmt == "memo" else f".{fmt}"
        assert f"ita-2565-01{suffix}" in names and f"ita-2565-Q1{suffix}" in names, fmt
    assert {"ita-ita-2565-period.docx", "summary.txt", "summary.json", "demo.db"} <= names
    assert (out / "evidence" / "ภาพการอบรม.txt").is_file()
    shown = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert shown["round"]["key"] == "2565-Q2"
    assert "ไตรมาสที่ ๒" in (out / "summary.txt").read_text(encoding="utf-8")
    # Its own database only: DATABASE_URL's is never made.
    assert not (tmp_path / "real.db").exists()
    # A folder that holds something is refused whole, in one line.
    assert main(["demo", "-o", str(out)]) == 2
    assert "is not an empty folder" in capsys.readouterr().err


def test_plan_check_validates_a_file_without_touching_the_database(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    # A database nobody created: plan check must not need one, nor make one.
    monkeypatch.setenv("DATABASE_URL", f"sqlite+aiosqlite:///{tmp_path}/never.db")
    assert main(["plan", "check", str(SEED_PLAN)]) == 0
    out = capsys.readouterr().out
    assert "a valid plan file: ita-2565, 9 divisions, 7 measures" in out
    text = SEED_PLAN.read_text(encoding="utf-8")
    faults = {
        "code": text.replace("code: FIN", 'code: "fin office"', 1),
        "responsible": text.replace("responsible: [FIN]", "responsible: [XX]"),
    }
    for name, body in faults.items():
        bad = tmp_path / f"{name}.yaml"
        bad.write_text(body, encoding="utf-8")
        assert main(["plan", "check", str(bad)]) == 2
        err = capsys.readouterr().err.strip().splitlines()
        assert len(err) == 1, err  # one line per fault: FILE:LINE: what is wrong
        where, what = err[0].removeprefix(f"ita-followup: error: {bad}:").split(":", 1)
        assert where.isdigit() and (name if name == "code" else "XX") in what
    assert not (tmp_path / "never.db").exists()
