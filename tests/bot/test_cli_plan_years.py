"""Plan years on the command line: plan list, check of the example, defaults by date."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from bot.cli import main
from bot.usecases.core import Core
from tests.conftest import ROOT, SEED_PLAN

EXAMPLE_2566 = ROOT / "plans" / "nst-city-2566.example.yaml"


def _at(monkeypatch: pytest.MonkeyPatch, *ymd: int) -> None:
    # Noon in Bangkok on that day.
    when = dt.datetime(*ymd, 5, 0, tzinfo=dt.UTC)  # type: ignore[misc]
    monkeypatch.setattr(Core, "now", lambda _: when)


def _docx_text(path: Path) -> str:
    import docx

    return "\n".join(p.text for p in docx.Document(str(path)).paragraphs)


def test_plan_list_says_which_plan_is_current_by_date(
    cli_env: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    assert main(["plan", "list"]) == 0
    assert "no plan is imported yet" in capsys.readouterr().out
    _at(monkeypatch, 2022, 9, 30)
    assert main(["plan", "import", str(SEED_PLAN)]) == 0
    assert main(["plan", "import", str(EXAMPLE_2566)]) == 0
    capsys.readouterr()
    assert main(["plan", "list", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert [(r["code"], r["start"], r["end"], r["state"]) for r in rows] == [
        ("ita-2565", "2021-10-01", "2022-09-30", "current"),
        ("ita-2566", "2022-10-01", "2023-09-30", "upcoming"),
    ]
    assert main(["plan", "show", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["plan"]["code"] == "ita-2565"

    _at(monkeypatch, 2022, 10, 1)
    assert main(["plan", "list"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split()[:7] == [
        "ita-2565",
        "B.E.",
        "2565",
        "2021-10-01",
        "to",
        "2022-09-30",
        "past",
    ]
    assert lines[1].split()[:7] == [
        "ita-2566",
        "B.E.",
        "2566",
        "2022-10-01",
        "to",
        "2023-09-30",
        "current",
    ]
    assert main(["plan", "show", "--json"]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert shown["plan"]["code"] == "ita-2566" and len(shown["measures"]) == 7
    # The current plan's meetings by default (October 2565 B.E. is 2022); another by --plan.
    assert main(["meeting", "list", "--json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert listed["plan"] == "ita-2566" and listed["meetings"][0]["month"] == "2565-10"
    assert main(["meeting", "list", "--json", "--plan", "ita-2565"]) == 0
    assert json.loads(capsys.readouterr().out)["plan"] == "ita-2565"
    assert main(["report", "--round", "2565-01", "--plan", "ita-2565", "-o", "x.xlsx"]) == 2
    assert "--plan goes with --period" in capsys.readouterr().err
    assert main(["report", "--period", "--plan", "ita-2599", "-o", "x.xlsx"]) == 2
    assert "no plan 'ita-2599'; see `ita-followup plan list`" in capsys.readouterr().err
    assert main(["pack", "--period", "--plan", "ita-2599", "-o", "x.zip"]) == 2
    assert "no plan 'ita-2599'" in capsys.readouterr().err
    # Last year's period report once the new year began: its plan by --plan.
    assert main(["report", "--period", "--plan", "ita-2565", "-o", "y2565.docx"]) == 0
    assert main(["report", "--period", "-o", "y2566.docx"]) == 0
    capsys.readouterr()
    assert "พ.ศ.\xa0๒๕๖๕" in _docx_text(Path("y2565.docx"))
    assert "พ.ศ.\xa0๒๕๖๖ (ตัวอย่าง)" in _docx_text(Path("y2566.docx"))


def test_the_example_next_year_plan_checks_and_names_its_keys(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["plan", "check", str(EXAMPLE_2566)]) == 0
    assert "a valid plan file: ita-2566, 9 divisions, 7 measures" in capsys.readouterr().out
    head = EXAMPLE_2566.read_text(encoding="utf-8").splitlines()[0]
    assert head.startswith("# EXAMPLE ONLY")


def test_plan_check_names_a_key_given_twice(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad.yaml"
    text = EXAMPLE_2566.read_text(encoding="utf-8").replace("key: m3 ", "key: m1 ")
    bad.write_text(text, encoding="utf-8")
    assert main(["plan", "check", str(bad)]) == 2
    err = capsys.readouterr().err.strip()
    line = next(i for i, ln in enumerate(text.splitlines(), 1) if "key: m1 " in ln and i > 50)
    assert err.endswith(
        f"{bad}:{line}: measures[1].key: measure key m1 is also measure 1's; each measure needs"
        " its own key (a measure without `key` is keyed m<seq>)"
    ), err


def test_plan_new_keeps_each_measures_key(
    cli_env: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _at(monkeypatch, 2022, 11, 1)
    assert main(["plan", "import", str(EXAMPLE_2566)]) == 0
    target = tmp_path / "ita-2567.yaml"
    assert main(["plan", "new", "--from", "ita-2566", "--year", "2567", "-o", str(target)]) == 0
    text = target.read_text(encoding="utf-8")
    assert "key: m3" in text and "key: complaints" in text
