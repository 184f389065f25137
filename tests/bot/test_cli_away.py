"""`ita-followup away set|list|cancel` and supervisor invitations, in process, on both databases;
/mydata's and forgetting's share of them (issue 14: escalation and stand-ins)."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.cli import main
from storage import audit
from storage.models import AuditEvent, Membership, Oversight, Person, StandIn
from storage.privacy import everything_about, forget
from storage.types import utcnow
from tests.factories import enrol, enrol_supervisor, seed_plan

Sessions = async_sessionmaker[AsyncSession]
# Days after the real clock's today (the command line runs on it): January 2570 B.E. = 2027.
WEEK = ("--from", "10/01/2570", "--to", "16/01/2570")


async def cli(*args: str) -> int:
    """Run the command line in a worker thread: it starts its own event loop."""
    return await asyncio.to_thread(main, list(args))


async def test_supervisor_invitations_name_their_divisions(
    cli_env: str, sessions: Sessions, capsys: pytest.CaptureFixture[str]
) -> None:
    await seed_plan(sessions)
    assert await cli("invite", "create", "--role", "supervisor", "--division", "fin,PALAD") == 0
    assert "created: supervisor overseeing FIN, PALAD" in capsys.readouterr().out
    assert await cli("invite", "create", "--role", "supervisor", "--division", "all") == 0
    assert "overseeing all" in capsys.readouterr().out
    assert await cli("invite", "create", "--role", "supervisor") == 2
    assert "--role supervisor needs --division CODE[,CODE...]" in capsys.readouterr().err
    assert await cli("invite", "create", "--role", "supervisor", "--division", "FIN,NOPE") == 2
    assert "'NOPE' is not an active division" in capsys.readouterr().err


async def test_away_set_list_cancel_and_refusals(
    cli_env: str, sessions: Sessions, capsys: pytest.CaptureFixture[str]
) -> None:
    await seed_plan(sessions)
    head = await enrol(sessions, 801, "head", "FIN", name="ผอ.สำนักคลัง")
    member = await enrol(sessions, 802, "member", "FIN", name="นักวิชาการเงิน")
    second = await enrol(sessions, 803, "head", "FIN", name="รองผอ.สำนักคลัง")
    palad = await enrol(sessions, 804, "head", "PALAD", name="ปลัด")
    assert await cli("away", "set", "--person", str(head), "--stand-in", str(member), *WEEK) == 0
    out = capsys.readouterr().out
    assert "stand-in named (range 1)" in out and "10/01/2570 - 16/01/2570" in out
    refusals = [
        ((str(head), str(second), "15/01/2570", "20/01/2570"), "already has a stand-in"),
        ((str(head), str(palad), "20/01/2570", "21/01/2570"), "head or member of that division"),
        ((str(head), str(member), "01/01/2565", "02/01/2565"), "starts before today"),
        ((str(head), str(member), "20/01/2570", "19/01/2570"), "--to is before --from"),
        ((str(head), str(head), "20/01/2570", "21/01/2570"), "cannot stand in for themselves"),
        ((str(member), str(head), "20/01/2570", "21/01/2570"), "--person must head a division"),
        ((str(head), "999", "20/01/2570", "21/01/2570"), "--stand-in '999': no such person"),
        ((str(head), str(member), "2570-13-01", "21/01/2570"), "is not a date"),
    ]
    for (who, stand_in, first, last), words in refusals:
        args = ("--person", who, "--stand-in", stand_in, "--from", first, "--to", last)
        assert await cli("away", "set", *args) == 2, words
        assert words in capsys.readouterr().err
    # The second head is away later; then nobody may name them as a stand-in for those days.
    later = ("--from", "20/01/2570", "--to", "25/01/2570")
    assert await cli("away", "set", "--person", str(second), "--stand-in", str(member), *later) == 0
    late = ("--from", "24/01/2570", "--to", "26/01/2570")
    assert await cli("away", "set", "--person", str(head), "--stand-in", str(second), *late) == 2
    assert "away themselves" in capsys.readouterr().err
    assert await cli("away", "list") == 0
    listed = capsys.readouterr().out.splitlines()
    assert len(listed) == 2 and "stand-in: นักวิชาการเงิน" in listed[0]
    assert await cli("away", "cancel", "1") == 0
    assert "range 1 cancelled" in capsys.readouterr().out
    assert await cli("away", "cancel", "1") == 2
    assert "cancelled already" in capsys.readouterr().err
    async with sessions() as s:
        actions = list(
            await s.scalars(
                select(AuditEvent.action)
                .where(AuditEvent.action.like("standin.%"))
                .order_by(AuditEvent.id)
            )
        )
    assert actions == [audit.STANDIN_SET, audit.STANDIN_SET, audit.STANDIN_CANCELLED]


async def test_mydata_lists_oversight_and_ranges_and_forgetting_removes_them(
    cli_env: str, sessions: Sessions, capsys: pytest.CaptureFixture[str]
) -> None:
    await seed_plan(sessions)
    head = await enrol(sessions, 811, "head", "FIN")
    member = await enrol(sessions, 812, "member", "FIN")
    deputy = await enrol_supervisor(sessions, 813, ["FIN", "PALAD"])
    await enrol_supervisor(sessions, 814, None, name="ปลัดเทศบาล")
    assert await cli("members") == 0
    listed = capsys.readouterr().out
    assert "supervisor of PALAD, FIN" in listed and "ปลัดเทศบาล" in listed
    assert "supervisor of all" in listed
    assert await cli("away", "set", "--person", str(head), "--stand-in", str(member), *WEEK) == 0
    async with sessions() as s:
        mine = await everything_about(s, await s.get_one(Person, head))
        theirs = await everything_about(s, await s.get_one(Person, deputy))
    assert [(r["as"], r["first_day"]) for r in mine["stand_in_ranges"]] == [("head", "2027-01-10")]
    assert len(theirs["oversight"]) == 2
    async with sessions() as s, s.begin():
        await s.execute(update(Membership).values(revoked_at=utcnow()))
        await forget(s, await s.get_one(Person, head))
        await forget(s, await s.get_one(Person, deputy))
    async with sessions() as s:
        assert await s.scalar(select(func.count()).select_from(StandIn)) == 0
        # Only the clerk's row is left (every division): the deputy's two are gone.
        assert await s.scalar(select(func.count()).select_from(Oversight)) == 1
