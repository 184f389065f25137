"""Test data: enrol people directly in the database (the invite flow has its own tests)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from storage.models import SUPERVISOR, Division, Membership, Person
from storage.oversight import add_oversight
from storage.plan_file import load_plan_file
from storage.plan_import import import_plan
from tests.conftest import SEED_PLAN


async def seed_plan(sessions: async_sessionmaker[AsyncSession]) -> None:
    """Import the seed plan."""
    await import_plan(sessions, load_plan_file(SEED_PLAN))


async def enrol(
    sessions: async_sessionmaker[AsyncSession],
    telegram_user_id: int,
    role: str,
    division_code: str | None = None,
    *,
    name: str = "",
    language: str = "th",
) -> int:
    """Give a Telegram user a role (in a division); returns the person id."""
    async with sessions() as session, session.begin():
        person = await session.scalar(
            select(Person).where(Person.telegram_user_id == telegram_user_id)
        )
        if person is None:
            person = Person(
                telegram_user_id=telegram_user_id,
                chat_id=telegram_user_id,
                name=name or f"user {telegram_user_id}",
                language=language,
            )
            session.add(person)
            await session.flush()
        division_id = None
        if division_code is not None:
            division = await session.scalar(select(Division).where(Division.code == division_code))
            assert division is not None, division_code
            division_id = division.id
        session.add(Membership(person_id=person.id, division_id=division_id, role=role))
        return person.id


async def enrol_supervisor(
    sessions: async_sessionmaker[AsyncSession],
    telegram_user_id: int,
    division_codes: list[str] | None,
    *,
    name: str = "",
) -> int:
    """A supervisor overseeing the divisions by code (None: every division); the person id."""
    person_id = await enrol(sessions, telegram_user_id, SUPERVISOR, name=name)
    async with sessions() as session, session.begin():
        membership = await session.scalar(
            select(Membership).where(
                Membership.person_id == person_id, Membership.role == SUPERVISOR
            )
        )
        assert membership is not None
        ids = None
        if division_codes is not None:
            rows = await session.scalars(select(Division).where(Division.code.in_(division_codes)))
            ids = [d.id for d in rows]
        await add_oversight(session, membership.id, ids)
    return person_id
