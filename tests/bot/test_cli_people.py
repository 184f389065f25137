"""`ita-followup invite|members|audit`, in process, on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
import re
from datetime import timedelta

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.cli import main
from bot.cli.base import CliError
from bot.cli.people import parse_duration
from storage import audit
from storage import invites as inv
from tests.factories import enrol, seed_plan

Sessions = async_sessionmaker[AsyncSession]


async def cli(*args: str) -> int:
    """Run the command line in a worker thread: it starts its own event loop."""
    return await asyncio.to_thread(main, list(args))


def _token(out: str) -> str:
    match = re.search(r"^token:\s+(\S+)$", out, re.M)
    assert match is not None, out
    return match.group(1)


async def test_invite_create_list_revoke(
    cli_env: str, sessions: Sessions, capsys: pytest.CaptureFixture[str]
) -> None:
    await seed_plan(sessions)
    assert (
        await cli("invite", "create", "--division", "fin", "--role", "head", "--expires", "12h")
        == 0
    )
    out = capsys.readouterr().out
    token = _token(out)
    assert len(token) >= 32
    assert f"https://t.me/ita_nst_bot?start={token}" in out
    assert "invitation 1 created: head of FIN (สำนักคลัง)" in out

    assert await cli("invite", "create", "--role", "admin") == 0
    admin_token = _token(capsys.readouterr().out)

    assert await cli("invite", "list") == 0
    listed = capsys.readouterr().out.splitlines()
    assert len(listed) == 3
    assert re.search(r"^\s+2\s+open\s+admin\s+-", listed[1])
    assert re.search(r"^\s+1\s+open\s+head\s+FIN", listed[2])

    assert await cli("invite", "revoke", token) == 0
    assert "invitation 1 revoked" in capsys.readouterr().out
    assert await cli("invite", "revoke", "1") == 2
    assert "already revoked" in capsys.readouterr().err
    assert await cli("invite", "list", "--open") == 0
    assert [line.split()[0] for line in capsys.readouterr().out.splitlines()[1:]] == ["2"]

    async with sessions() as session, session.begin():
        enrolled = await inv.redeem_invite(
            session, admin_token, inv.Enrollee(7, 7, "First Admin", None, "th")
        )
    assert enrolled.enrolled and enrolled.role == "admin"
    assert await cli("invite", "revoke", "2") == 2
    assert "already used" in capsys.readouterr().err

    async with sessions() as session:
        events = await audit.recent(session)
    assert [e.action for e in reversed(events)] == [
        audit.INVITE_CREATED,
        audit.INVITE_CREATED,
        audit.INVITE_REVOKED,
        audit.ENROL,
    ]
    assert events[-1].detail["via"] == "cli"


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["--role", "boss"], "is not a role: use one of admin, coordinator, head, member"),
        (["--role", "head"], "needs --division CODE (one of PALAD, FIN,"),
        (["--role", "admin", "--division", "FIN"], "organization-wide: leave out --division"),
        (["--role", "head", "--division", "XX"], "'XX' is not an active division (codes: PALAD"),
        (["--role", "head", "--division", "FIN", "--expires", "7x"], "give a number and d, h"),
        (["--role", "head", "--division", "FIN", "--expires", "0d"], "at most 365d"),
    ],
)
async def test_bad_invite_input_is_one_line_exit_2(
    cli_env: str,
    sessions: Sessions,
    capsys: pytest.CaptureFixture[str],
    args: list[str],
    needle: str,
) -> None:
    await seed_plan(sessions)
    assert await cli("invite", "create", *args) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("ita-followup: error: ")
    assert needle in err[0]


async def test_unknown_invite_and_bad_limit(
    cli_env: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert await cli("invite", "revoke", "nope") == 2
    assert "no invitation 'nope'" in capsys.readouterr().err
    assert await cli("audit", "--limit", "zero") == 2
    assert "--limit 'zero' is not a number" in capsys.readouterr().err
    assert await cli("invite", "list") == 0
    assert "no invitations" in capsys.readouterr().out
    assert await cli("audit") == 0
    assert "empty" in capsys.readouterr().out


async def test_members_and_audit(
    cli_env: str, sessions: Sessions, capsys: pytest.CaptureFixture[str]
) -> None:
    await seed_plan(sessions)
    await enrol(sessions, 9, "coordinator", name="Coordinator")
    await enrol(sessions, 1001, "head", "FIN", name="Head of Finance")
    async with sessions() as session, session.begin():
        await inv.redeem_invite(session, "x" * 32, inv.Enrollee(666, 666, "Mallory", None, "en"))
    assert await cli("members") == 0
    out = capsys.readouterr().out
    assert "Organization-wide\n  - Coordinator" in out
    assert "FIN สำนักคลัง\n  - Head of Finance" in out
    unjoined = out.split("Divisions nobody has joined")[1]
    assert "STRAT" in unjoined and "FIN" not in unjoined

    assert await cli("audit", "--limit", "5") == 0
    line = capsys.readouterr().out.strip()
    assert "enrol.refused" in line and "telegram user 666" in line and '"unknown"' in line
    assert "x" * 32 not in line  # a token never reaches the log


def test_durations() -> None:
    assert parse_duration("7d") == timedelta(days=7)
    assert parse_duration("12h") == timedelta(hours=12)
    assert parse_duration(" 30M ") == timedelta(minutes=30)
    for bad in ("", "7", "d", "-1d", "1w", "366d", "1.5h"):
        with pytest.raises(CliError):
            parse_duration(bad)


async def test_audit_names_divisions_instead_of_ids(
    cli_env: str, sessions: Sessions, capsys: pytest.CaptureFixture[str]
) -> None:
    await seed_plan(sessions)
    assert await cli("invite", "create", "--division", "FIN", "--role", "head") == 0
    capsys.readouterr()
    assert await cli("audit") == 0
    line = capsys.readouterr().out.strip()
    assert "invite.created" in line
    assert '"division": "FIN สำนักคลัง"' in line
    assert "division_id" not in line
