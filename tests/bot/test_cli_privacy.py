"""`person forget` and `privacy purge` (issue 13, PDPA), run as the CLI runs them."""

from __future__ import annotations

import argparse
import asyncio
from datetime import timedelta

import pytest
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.cli import privacy as privacy_cli
from bot.cli.base import CliError, run_command
from bot.settings import load_settings
from storage import audit
from storage.models import AuditEvent, Membership, Person, Report
from storage.types import utcnow
from tests.factories import enrol, seed_plan
from tests.report_factories import add_report, plan_ids
from tests.round_factories import make_round

Sessions = async_sessionmaker[AsyncSession]


def _main(*argv: str) -> int:
    """What bot/cli/__init__.py main() does once `privacy` is registered there."""
    parser = argparse.ArgumentParser(prog="ita-followup")
    privacy_cli.register(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(argv)
    try:
        return asyncio.run(run_command(args, load_settings()))
    except CliError as exc:
        print(exc)
        return 2


async def cli(*argv: str) -> int:
    return await asyncio.to_thread(_main, *argv)


async def test_forget_refuses_while_a_role_is_held_then_pseudonymises(
    cli_env: str, sessions: Sessions, capsys: pytest.CaptureFixture[str]
) -> None:
    await seed_plan(sessions)
    person_id = await enrol(sessions, 777001, "head", "FIN", name="สมชาย ใจดี")
    ids = await plan_ids(sessions)
    rid = await make_round(
        sessions,
        "2565-01",
        opens_at=utcnow(),
        closes_at=utcnow() + timedelta(days=5),
        items=[(1, "FIN")],
    )
    await add_report(sessions, ids, rid, 1, "FIN", person_id, "done", "ทำแล้ว", at=utcnow())
    async with sessions() as s, s.begin():
        await audit.record(
            s,
            audit.ACTION_REFUSED,
            actor_person_id=person_id,
            actor_telegram_id=777001,
            detail={"reason": "x"},
        )
    assert await cli("person", "forget", "--telegram-id", "777001") == 2
    assert "still holds a role" in capsys.readouterr().out
    async with sessions() as s, s.begin():
        await s.execute(update(Membership).values(revoked_at=utcnow()))
    assert await cli("person", "forget", "--telegram-id", "777001") == 0
    assert f"removed-{person_id}" in capsys.readouterr().out
    async with sessions() as s:
        person = await s.get(Person, person_id)
        assert person is not None
        assert (person.name, person.username) == (f"removed-{person_id}", None)
        assert person.telegram_user_id == person.chat_id == -person_id
        # The answer stays, now by the pseudonym; no row keeps the Telegram id.
        report = await s.scalar(select(Report))
        assert report is not None and report.person_id == person_id
        ids_left = set(await s.scalars(select(AuditEvent.actor_telegram_id)))
        assert 777001 not in ids_left
    assert await cli("person", "forget", "--person-id", str(person_id)) == 2
    assert "no such person" in capsys.readouterr().out


async def test_purge_deletes_old_stranger_rows_only(
    cli_env: str, sessions: Sessions, capsys: pytest.CaptureFixture[str]
) -> None:
    await seed_plan(sessions)
    member = await enrol(sessions, 1, "head", "FIN")
    now = utcnow()
    async with sessions() as s, s.begin():
        await audit.record(
            s, audit.STRANGER_REFUSED, actor_telegram_id=99, at=now - timedelta(days=91)
        )
        await audit.record(
            s, audit.STRANGER_REFUSED, actor_telegram_id=98, at=now - timedelta(days=10)
        )
        await audit.record(
            s,
            audit.ACTION_REFUSED,
            actor_person_id=member,
            actor_telegram_id=1,
            at=now - timedelta(days=400),
        )
    assert await cli("privacy", "purge") == 0
    assert "purged 1 strangers' audit rows" in capsys.readouterr().out
    async with sessions() as s:
        left = sorted(await s.scalars(select(AuditEvent.actor_telegram_id)))
    assert left == [1, 98]
