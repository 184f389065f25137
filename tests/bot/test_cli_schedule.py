"""`ita-followup schedule` and `meeting set|list` over the seed plan; /meetings in the bot."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.cli import main
from storage import audit
from storage.db import session_factory
from storage.models import Plan
from tests.bot.harness import running_bot
from tests.conftest import SEED_PLAN
from tests.factories import enrol
from tests.fakebot import FakeTelegram

STRAT = "กองยุทธศาสตร์และงบประมาณ"


def _schedule(capsys: pytest.CaptureFixture[str], *extra: str) -> dict[str, Any]:
    capsys.readouterr()
    assert main(["schedule", "--json", *extra]) == 0
    result: dict[str, Any] = json.loads(capsys.readouterr().out)
    return result


def test_schedule_json_over_the_seed_plan(cli_env: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["plan", "import", str(SEED_PLAN)]) == 0
    shown = _schedule(capsys)
    monthly = [r for r in shown["rounds"] if r["kind"] == "monthly"]
    assert [r["key"] for r in monthly] == [
        "2564-10",
        "2564-11",
        "2564-12",
        "2565-01",
        "2565-02",
        "2565-03",
    ]
    for r in monthly:
        assert [n["kind"] for n in r["notices"]] == ["prompt", "reminder", "digest"]
        assert 7 not in r["measures"]
    jan = monthly[3]
    assert [n["due_at"] for n in jan["notices"]] == [
        "2022-01-19T09:00+07:00",
        "2022-01-24T09:00+07:00",
        "2022-01-25T09:00+07:00",
    ]
    assert jan["notices"][0]["due_be"] == "19 ม.ค. 2565 เวลา 09.00 น."
    quarterly = [r for r in shown["rounds"] if r["kind"] == "quarterly"]
    assert [r["key"] for r in quarterly] == ["2565-Q1", "2565-Q2"]
    for r in quarterly:
        request = r["notices"][0]
        assert request["kind"] == "request"
        assert [t["name_th"] for t in request["to"]] == [STRAT]
        assert r["measures"] == [7]
    assert quarterly[0]["notices"][0]["due_at"] == "2022-01-04T09:00+07:00"
    assert quarterly[0]["label_th"] == "ไตรมาสที่ ๑ ปีงบประมาณ ๒๕๖๕"
    # Nobody enrolled: the division itself is named, with no recipients.
    assert jan["notices"][0]["to"][0]["recipients"] == []

    ranged = _schedule(capsys, "--from", "2022-01-01", "--to", "2022-01-31")
    assert {r["key"] for r in ranged["rounds"]} == {"2565-Q1", "2565-01"}


def test_second_quarterly_measure_of_two_divisions(
    cli_env: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = SEED_PLAN.read_text(encoding="utf-8")
    # Measure 1 becomes quarterly and shared by two divisions: no code change needed.
    first = text.index("  - seq: 1")
    second = text.index("  - seq: 2")
    block = text[first:second]
    block = block.replace("responsible: [FIN]", "responsible: [FIN, PALAD]").replace(
        "cadence: monthly_meeting", "cadence: quarterly"
    )
    plan = tmp_path / "plan.yaml"
    plan.write_text(text[:first] + block + text[second:], encoding="utf-8")
    assert main(["plan", "import", str(plan)]) == 0
    shown = _schedule(capsys)
    q1 = next(r for r in shown["rounds"] if r["key"] == "2565-Q1")
    assert q1["measures"] == [1, 7]
    assert {t["division"] for t in q1["notices"][0]["to"]} == {"FIN", "PALAD", "STRAT"}
    assert all(1 not in r["measures"] for r in shown["rounds"] if r["kind"] == "monthly")


def test_meeting_set_and_list(cli_env: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["plan", "import", str(SEED_PLAN)]) == 0
    capsys.readouterr()
    assert main(["meeting", "set", "2022-01-28T13:00"]) == 0
    out = capsys.readouterr()
    assert "2565-01" in out.out and "28 ม.ค. 2565 เวลา 13.00 น." in out.out
    assert out.err == ""
    assert main(["meeting", "set", "2022-02-26T09:30"]) == 0  # a Saturday
    assert "warning: 2022-02-26 is a weekend (Saturday)" in capsys.readouterr().err
    assert main(["meeting", "list", "--json"]) == 0
    listed = json.loads(capsys.readouterr().out)["meetings"]
    jan = next(m for m in listed if m["month"] == "2565-01")
    assert jan["manual"] and jan["starts_at"] == "2022-01-28T13:00+07:00"
    assert len(listed) == 6
    shown = _schedule(capsys)
    jan_round = next(r for r in shown["rounds"] if r["key"] == "2565-01")
    assert jan_round["notices"][0]["due_at"] == "2022-01-21T09:00+07:00"
    assert main(["meeting", "list"]) == 0
    assert "set by hand" in capsys.readouterr().out
    assert main(["meeting", "set", "yesterday"]) == 2


async def test_meetings_command_for_coordinators_only(engine: AsyncEngine, db_url: str) -> None:
    sessions = session_factory(engine)
    from tests.factories import seed_plan

    await seed_plan(sessions)
    async with sessions() as session, session.begin():
        # A plan file's text is not HTML: a "<" or "&" in it must reach the chat as written.
        await session.execute(update(Plan).values(meeting_name_th="ประชุม <หัวหน้า> & ส่วนราชการ"))
    await enrol(sessions, 501, "coordinator")
    await enrol(sessions, 502, "head", "FIN")
    fake = FakeTelegram()
    async with running_bot(fake, engine, db_url):
        fake.send_text(502, "/meetings")
        refused = await fake.wait_for_message(502)
        assert "ผู้ประสานงาน" in (refused.text or "")
        async with sessions() as session:
            events = await audit.recent(session, action=audit.ACTION_REFUSED)
        # One refusal for every face: the audit also says which command was refused.
        assert [e.detail for e in events] == [
            {
                "action": "meetings",
                "kind": "command",
                "command": "/meetings",
                "reason": "not_allowed",
            }
        ]
        fake.send_text(501, "/meetings")
        listed = await fake.wait_for_message(501)
        text = listed.text or ""
        assert "๒๖ ม.ค. ๒๕๖๕ เวลา ๐๙.๓๐ น." in text
        assert "มกราคม ๒๕๖๕" in text
        assert "กำหนดการประชุม <หัวหน้า> & ส่วนราชการ" in text


def _refused(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    """Run a command that must be refused: exit 2 and one line on stderr, which is returned."""
    capsys.readouterr()
    assert main(list(argv)) == 2
    out = capsys.readouterr()
    lines = out.err.strip().splitlines()
    assert len(lines) == 1, out.err
    assert out.out == ""
    return lines[0]


def _meetings(capsys: pytest.CaptureFixture[str]) -> list[dict[str, Any]]:
    capsys.readouterr()
    assert main(["meeting", "list", "--json"]) == 0
    listed: list[dict[str, Any]] = json.loads(capsys.readouterr().out)["meetings"]
    return listed


def test_meeting_set_reads_a_buddhist_era_year(
    cli_env: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["plan", "import", str(SEED_PLAN)]) == 0
    capsys.readouterr()
    assert main(["meeting", "set", "2565-01-26T09:30"]) == 0
    out = capsys.readouterr().out
    assert "read 2565-01-26T09:30 as a Buddhist-era year: 2022-01-26T09:30 C.E." in out
    assert "26 ม.ค. 2565 เวลา 09.30 น. (2022-01-26T09:30+07:00)" in out
    jan = next(m for m in _meetings(capsys) if m["month"] == "2565-01")
    assert jan["manual"] and jan["starts_at"] == "2022-01-26T09:30+07:00"


@pytest.mark.parametrize(
    ("when", "needle"),
    [
        ("2022-01-26", "'2022-01-26' has no time; give the meeting's local time too"),
        ("2022-13-01T09:30", "'2022-13-01T09:30' is not a real date"),
        ("yesterday", "'yesterday' is not a date"),
        ("2023-05-31T09:30", "2023-05 is outside the plan's period, 2021-10 to 2022-03"),
        ("2566-05-31T09:30", "2023-05 is outside the plan's period, 2021-10 to 2022-03"),
    ],
)
def test_meeting_set_refuses_bad_dates_and_changes_nothing(
    cli_env: str, capsys: pytest.CaptureFixture[str], when: str, needle: str
) -> None:
    assert main(["plan", "import", str(SEED_PLAN)]) == 0
    before = _meetings(capsys)
    line = _refused(capsys, "meeting", "set", when)
    assert line.startswith("ita-followup: error: ") and needle in line, line
    assert _meetings(capsys) == before


def test_meeting_set_is_audited_with_the_os_user(
    cli_env: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LOGNAME", "somchai")
    monkeypatch.setenv("USER", "somchai")
    assert main(["plan", "import", str(SEED_PLAN)]) == 0
    assert main(["meeting", "set", "2022-01-28T13:00"]) == 0
    capsys.readouterr()
    assert main(["audit"]) == 0
    lines = [r for r in capsys.readouterr().out.splitlines() if "meeting.set" in r]
    assert len(lines) == 1, lines
    assert '"month": "2022-01"' in lines[0] and '"starts_at": "2022-01-28T13:00+07:00"' in lines[0]
    assert "command line (somchai)" in lines[0]


def test_schedule_refuses_bad_ranges_in_one_line(
    cli_env: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["plan", "import", str(SEED_PLAN)]) == 0
    line = _refused(capsys, "schedule", "--from", "2022-02-01", "--to", "2022-01-01")
    assert "--from 2022-02-01 is after --to 2022-01-01" in line
    capsys.readouterr()
    with pytest.raises(SystemExit) as exited:
        main(["schedule", "--from", "2022-13-01"])
    assert exited.value.code == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1, err
    assert "argument --from: '2022-13-01' is not a real date" in err
    assert "fromisoformat" not in err and "usage" not in err


def test_schedule_reads_buddhist_era_ranges(
    cli_env: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["plan", "import", str(SEED_PLAN)]) == 0
    ranged = _schedule(capsys, "--from", "2565-01-01", "--to", "2565-01-31")
    assert {r["key"] for r in ranged["rounds"]} == {"2565-Q1", "2565-01"}


def test_unknown_plan_code_lists_the_known_ones(
    cli_env: str, capsys: pytest.CaptureFixture[str]
) -> None:
    line = _refused(capsys, "schedule", "--plan", "nope")
    assert "no plan is imported" in line
    assert main(["plan", "import", str(SEED_PLAN)]) == 0
    line = _refused(capsys, "schedule", "--plan", "nope")
    assert "no plan with code 'nope'; the imported plans are: ita-2565" in line
