"""Measure keys: checked in the plan file, stored on import, filled in by the migration."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from scheduler.meetings import parse_rule
from storage.migrate import downgrade, upgrade
from storage.models import Measure
from storage.plan_file import PlanFileError, load_plan_file, parse_plan_text
from storage.plan_import import import_plan
from tests.conftest import SEED_PLAN

Sessions = async_sessionmaker[AsyncSession]


def _seed_with(replace: dict[str, str]) -> str:
    body = SEED_PLAN.read_text(encoding="utf-8")
    for old, new in replace.items():
        assert old in body
        body = body.replace(old, new, 1)
    return body


def _line_of(body: str, needle: str) -> int:
    return body.splitlines().index(next(ln for ln in body.splitlines() if needle in ln)) + 1


def test_a_key_twice_is_refused_at_its_line() -> None:
    body = _seed_with({"  - seq: 2\n": "  - seq: 2\n    key: m1\n"})
    with pytest.raises(PlanFileError) as err:
        parse_plan_text(body, Path("p.yaml"))
    line = _line_of(body, "key: m1")
    assert err.value.problems == [
        f"p.yaml:{line}: measures[1].key: measure key m1 is also measure 1's; each measure needs"
        " its own key (a measure without `key` is keyed m<seq>)"
    ]


def test_an_explicit_key_taking_a_derived_one_is_refused() -> None:
    # Measure 1 says it is m2; measure 2 has no key, so it is m2 too: the later one is named.
    body = _seed_with({"  - seq: 1\n": "  - seq: 1\n    key: m2\n"})
    with pytest.raises(PlanFileError) as err:
        parse_plan_text(body, Path("p.yaml"))
    assert err.value.problems[0].startswith(f"p.yaml:{_line_of(body, '- seq: 2')}: measures[1].seq")


def test_a_malformed_key_is_refused_with_the_rule() -> None:
    body = _seed_with({"  - seq: 3\n": "  - seq: 3\n    key: 'two words'\n"})
    with pytest.raises(PlanFileError) as err:
        parse_plan_text(body, Path("p.yaml"))
    assert err.value.problems == [
        f"p.yaml:{_line_of(body, 'two words')}: measures[2].key: a measure key is letters, "
        "digits, _, - or . (at most 64), e.g. m3"
    ]


async def test_import_stores_the_key_or_m_and_the_number(sessions: Sessions) -> None:
    body = _seed_with({"  - seq: 4\n": "  - seq: 4\n    key: web-disclosure\n"})
    await import_plan(sessions, parse_plan_text(body, SEED_PLAN, rule_check=parse_rule))
    async with sessions() as s:
        keys = {seq: key for seq, key in (await s.execute(select(Measure.seq, Measure.key))).all()}
    assert keys == {1: "m1", 2: "m2", 3: "m3", 4: "web-disclosure", 5: "m5", 6: "m6", 7: "m7"}


async def test_the_migration_keys_measures_imported_before_it(engine: AsyncEngine) -> None:
    sessions = async_sessionmaker(engine, expire_on_commit=False)
    await import_plan(sessions, load_plan_file(SEED_PLAN, rule_check=parse_rule))
    await downgrade(engine, "0007")
    await upgrade(engine)
    async with engine.connect() as conn:
        rows = (await conn.execute(text("SELECT seq, key FROM measure ORDER BY seq"))).all()
    assert [tuple(r) for r in rows] == [(n, f"m{n}") for n in range(1, 8)]
