"""Test data: enrol people directly in the database (the invite flow has its own tests)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from storage.models import Division, Membership, Person
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
