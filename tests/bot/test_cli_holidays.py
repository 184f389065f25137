"""`ita-followup holiday add|list|remove`, the plan file's `holidays:`, and what they move."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import os
from functools import partial
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.cli import main
from bot.usecases.core import Core
from scheduler.tick import tick
from storage.db import create_engine, session_factory
from storage.models import AuditEvent, Delivery
from tests.conftest import SEED_PLAN
from tests.scheduling import CAL, CONFIG, Recorder, bkk, enrol_everyone

# The January 2022 meeting is the last Wednesday, 26 January 09:30; its prompt is due five
# working days before, on Wednesday 19 January 09:00 (and the day before that, if the 19th
# is a holiday).
PROMPT_DAY = "2022-01-19"


class Clock:
    """The command line's clock, moved by the test."""

    def __init__(self, now: dt.datetime) -> None:
        self.now = now

    def __call__(self) -> dt.datetime:
        return self.now


@pytest.fixture
def clock(cli_env: str, monkeypatch: pytest.MonkeyPatch) -> Clock:
    """Every command runs with this clock (the use cases' `core.now()`)."""
    held = Clock(bkk(2022, 1, 19, 8, 0))
    monkeypatch.setattr("bot.cli.base.Core", partial(Core, clock=held))
    return held


def _run(capsys: pytest.CaptureFixture[str], *argv: str, status: int = 0) -> tuple[str, str]:
    capsys.readouterr()
    assert main(list(argv)) == status
    out = capsys.readouterr()
    return out.out, out.err


def _prompt_due(capsys: pytest.CaptureFixture[str], key: str = "2565-01") -> str:
    out, _ = _run(capsys, "schedule", "--json")
    rnd = next(r for r in json.loads(out)["rounds"] if r["key"] == key)
    due: str = rnd["notices"][0]["due_at"]
    return due


async def _tick(db_url: str, now: dt.datetime, deliver: Recorder, *, enrol: bool = False) -> None:
    engine = create_engine(db_url)
    try:
        sessions = session_factory(engine)
        if enrol:
            await enrol_everyone(sessions)
        await tick(sessions, now, deliver, CONFIG, CAL)
    finally:
        await engine.dispose()


async def _rows(db_url: str, kind: str) -> list[Delivery]:
    engine = create_engine(db_url)
    try:
        async with session_factory(engine)() as session:
            return list(await session.scalars(select(Delivery).where(Delivery.kind == kind)))
    finally:
        await engine.dispose()


def test_a_holiday_on_the_prompt_day_moves_the_prompt_a_day_earlier_and_loses_nothing(
    clock: Clock, capsys: pytest.CaptureFixture[str]
) -> None:
    db_url = clock_db(capsys)
    assert _prompt_due(capsys) == "2022-01-19T09:00+07:00"
    deliver = Recorder()
    asyncio.run(_tick(db_url, clock.now, deliver, enrol=True))
    assert not [c for c in deliver.calls if c.kind == "prompt"]  # 08:00: not due yet

    out, err = _run(capsys, "holiday", "add", PROMPT_DAY, "วันหยุดพิเศษ (มติคณะรัฐมนตรี)")
    assert "special holiday 2022-01-19 (19 ม.ค. 2565) added: วันหยุดพิเศษ" in out
    assert "ita-2565 2565-01 prompt: 2022-01-19 09:00 -> 2022-01-18 09:00" in out
    # Reminder and digest count back from the meeting past no new holiday: they stay.
    assert "2565-01 reminder" not in out and "2565-01 digest" not in out
    # The first quarter closes 20 working days after 4 January: a day later now.
    assert "ita-2565 2565-Q1 digest" in out
    assert err == ""
    assert _prompt_due(capsys) == "2022-01-18T09:00+07:00"

    # Now due (yesterday, by the new rule): the next tick sends it, once per person.
    asyncio.run(_tick(db_url, clock.now + dt.timedelta(minutes=1), deliver))
    prompts = [c for c in deliver.calls if c.kind == "prompt"]
    assert len(prompts) == len({c.chat_id for c in prompts}) > 0
    for later in (bkk(2022, 1, 19, 9, 0), bkk(2022, 1, 19, 9, 5)):
        asyncio.run(_tick(db_url, later, deliver))
    assert [c for c in deliver.calls if c.kind == "prompt"] == prompts
    sent = asyncio.run(_rows(db_url, "prompt"))
    assert {r.state for r in sent} == {"sent"}
    assert all(r.due_at == bkk(2022, 1, 18) for r in sent)


def clock_db(capsys: pytest.CaptureFixture[str]) -> str:
    """Import the seed plan; the database URL the command line uses."""
    _run(capsys, "plan", "import", str(SEED_PLAN))
    return os.environ["DATABASE_URL"]


def test_a_holiday_after_the_prompt_went_out_changes_nothing_sent(
    clock: Clock, capsys: pytest.CaptureFixture[str]
) -> None:
    db_url = clock_db(capsys)
    deliver = Recorder()
    clock.now = bkk(2022, 1, 19, 10, 0)
    asyncio.run(_tick(db_url, clock.now, deliver, enrol=True))
    prompts = [c for c in deliver.calls if c.kind == "prompt"]
    assert prompts
    out, _ = _run(capsys, "holiday", "add", PROMPT_DAY, "วันหยุดพิเศษ")
    assert "2565-01 prompt" not in out  # sent already: it is not a notice that moves
    asyncio.run(_tick(db_url, clock.now + dt.timedelta(minutes=1), deliver))
    assert [c for c in deliver.calls if c.kind == "prompt"] == prompts
    # Removed again: the rule gives the 19th back, and still nothing goes twice.
    out, _ = _run(capsys, "holiday", "remove", PROMPT_DAY)
    assert "special holiday 2022-01-19 (19 ม.ค. 2565) removed" in out
    asyncio.run(_tick(db_url, clock.now + dt.timedelta(minutes=2), deliver))
    assert [c for c in deliver.calls if c.kind == "prompt"] == prompts


def test_holiday_add_list_remove_and_their_mistakes(
    clock: Clock, capsys: pytest.CaptureFixture[str]
) -> None:
    clock_db(capsys)
    clock.now = bkk(2026, 12, 1)
    out, _ = _run(capsys, "holiday", "list")
    assert "no special holidays" in out
    # A Buddhist-era year is read as one; a weekend and a public holiday are said on stderr.
    out, err = _run(capsys, "holiday", "add", "2569-12-07", "วันหยุดพิเศษ ก")
    assert "special holiday 2026-12-07" in out and "no notice not yet sent moves" in out
    _, err = _run(capsys, "holiday", "add", "2026-12-05", "วันหยุดพิเศษ ข")
    assert "2026-12-05 is a public holiday anyway" in err
    _, err = _run(capsys, "holiday", "add", "2026-12-12", "วันหยุดพิเศษ ค")
    assert "2026-12-12 is a Saturday: no working day anyway" in err
    out, _ = _run(capsys, "holiday", "list", "--json")
    listed = json.loads(out)["holidays"]
    assert [h["day"] for h in listed] == ["2026-12-05", "2026-12-07", "2026-12-12"]
    assert listed[1]["name"] == "วันหยุดพิเศษ ก" and listed[1]["source"] == "command line"
    assert listed[1]["added_by"].startswith("command line")

    _, err = _run(capsys, "holiday", "add", "2026-12-07", "อีกชื่อ", status=2)
    assert "2026-12-07 is a special holiday already (วันหยุดพิเศษ ก)" in err
    _, err = _run(capsys, "holiday", "add", "2026-12-08", "  ", status=2)
    assert "the holiday's name is empty" in err
    with pytest.raises(SystemExit) as stopped:
        main(["holiday", "add", "2026-13-01", "x"])
    assert stopped.value.code == 2 and "is not a real date" in capsys.readouterr().err
    _, err = _run(capsys, "holiday", "remove", "2026-12-09", status=2)
    assert "2026-12-09 is no special holiday; the special holidays are: 2026-12-05" in err
    out, _ = _run(capsys, "holiday", "remove", "2026-12-07")
    assert "removed: วันหยุดพิเศษ ก" in out
    out, _ = _run(capsys, "holiday", "list")
    assert "2026-12-07" not in out and "2026-12-05" in out
    asyncio.run(_audit_has(os.environ["DATABASE_URL"], ("holiday.added", "holiday.removed")))


async def _audit_has(db_url: str, actions: tuple[str, ...]) -> None:
    engine = create_engine(db_url)
    try:
        async with session_factory(engine)() as session:
            found = set(await session.scalars(select(AuditEvent.action)))
    finally:
        await engine.dispose()
    assert set(actions) <= found


def _with_holidays(tmp_path: Path, block: str) -> Path:
    plan = tmp_path / "plan.yaml"
    plan.write_text(SEED_PLAN.read_text(encoding="utf-8") + block, encoding="utf-8")
    return plan


def test_the_plan_files_holidays_are_checked_imported_and_followed(
    clock: Clock, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    bad = _with_holidays(
        tmp_path,
        "holidays:\n"
        "  - {date: 2022-01-19, name: วันหยุดพิเศษ}\n"
        "  - {date: 2022-01-19, name: ซ้ำ}\n"
        "  - {date: 2022-02-30, name: ไม่มีวันนี้}\n"
        "  - {date: 2022-03-01}\n",
    )
    lines = len(SEED_PLAN.read_text(encoding="utf-8").splitlines())
    _, err = _run(capsys, "plan", "check", str(bad), status=2)
    assert f"{bad}:{lines + 4}: holidays[2].date:" in err
    assert f"{bad}:{lines + 5}: holidays[3].name: missing" in err
    good = _with_holidays(tmp_path, "holidays:\n  - {date: 2022-01-19, name: วันหยุดพิเศษ}\n")
    _, err = _run(capsys, "plan", "check", str(good))
    twice = _with_holidays(
        tmp_path,
        "holidays:\n  - {date: 2022-01-19, name: ก}\n  - {date: 2022-01-19, name: ข}\n",
    )
    _, err = _run(capsys, "plan", "check", str(twice), status=2)
    assert f"{twice}:{lines + 3}: holidays[1].date: holiday 2022-01-19 appears twice" in err

    good = _with_holidays(tmp_path, "holidays:\n  - {date: 2022-01-19, name: วันหยุดพิเศษ}\n")
    _run(capsys, "plan", "import", str(good))
    assert _prompt_due(capsys) == "2022-01-18T09:00+07:00"
    out, _ = _run(capsys, "holiday", "list")
    assert "2022-01-19" in out and "(plan ita-2565)" in out
    # Dropped from the file: the re-import drops it, and the rule gives the 19th back.
    _run(capsys, "plan", "import", str(SEED_PLAN))
    assert _prompt_due(capsys) == "2022-01-19T09:00+07:00"
    out, _ = _run(capsys, "holiday", "list")
    assert "2022-01-19" not in out


def test_meeting_warnings_know_the_special_holidays(
    clock: Clock, capsys: pytest.CaptureFixture[str]
) -> None:
    clock_db(capsys)
    # A holiday on the meeting's own day is said: the meeting does not move by itself.
    _, err = _run(capsys, "holiday", "add", "2022-02-23", "วันหยุดพิเศษ ก")
    assert "warning: the meeting of 2565-02 (ita-2565) is on 2022-02-23" in err
    _run(capsys, "holiday", "add", "2022-01-28", "วันหยุดพิเศษ ท้องถิ่น")
    _, err = _run(capsys, "meeting", "set", "2022-01-28T13:00")
    assert "warning: 2022-01-28 is a holiday: วันหยุดพิเศษ ท้องถิ่น" in err
    out, _ = _run(capsys, "meeting", "list", "--json")
    jan = next(m for m in json.loads(out)["meetings"] if m["month"] == "2565-01")
    assert jan["flags"] == ["holiday: วันหยุดพิเศษ ท้องถิ่น"]
