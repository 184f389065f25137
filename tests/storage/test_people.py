"""Invitations, enrolment, revocation, the members overview and the audit log, on both databases."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import event, func, select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from storage import audit
from storage import invites as inv
from storage.invite_list import list_invites
from storage.models import AuditEvent, Invite, Membership, Person
from storage.people import (
    active_roles,
    division_by_code,
    load_actor,
    mark_unreachable,
    members_overview,
    revoke_membership,
)
from tests.factories import enrol, seed_plan

T0 = datetime(2025, 1, 6, 3, 0, tzinfo=UTC)
Sessions = async_sessionmaker[AsyncSession]


def who(user_id: int, name: str = "") -> inv.Enrollee:
    """A Telegram user opening a link."""
    return inv.Enrollee(user_id, user_id, name or f"user {user_id}", None, "th")


async def division_id(sessions: Sessions, code: str) -> int:
    async with sessions() as session:
        division = await division_by_code(session, code)
        assert division is not None
        return division.id


async def make_invite(
    sessions: Sessions,
    role: str = "head",
    code: str | None = "FIN",
    *,
    now: datetime = T0,
    ttl: timedelta = inv.DEFAULT_TTL,
    by: int | None = None,
) -> inv.NewInvite:
    div = await division_id(sessions, code) if code else None
    async with sessions() as session, session.begin():
        return await inv.create_invite(
            session, role=role, division_id=div, created_by_id=by, now=now, ttl=ttl
        )


async def redeem(
    sessions: Sessions, token: str, user_id: int, now: datetime = T0
) -> inv.Redemption:
    async with sessions() as session, session.begin():
        return await inv.redeem_invite(session, token, who(user_id), now)


async def test_token_is_random_long_and_stored_hashed(sessions: Sessions) -> None:
    await seed_plan(sessions)
    made = await make_invite(sessions)
    assert len(made.token) >= 32  # 24 bytes, 192 bits
    assert made.expires_at == T0 + timedelta(days=7)
    async with sessions() as session:
        stored = await session.get(Invite, made.id)
    assert stored is not None
    assert stored.token_hash == inv.hash_token(made.token) != made.token
    assert made.token not in stored.token_hash
    other = await make_invite(sessions)
    assert other.token != made.token


async def test_head_enrols_once_and_the_link_is_spent(sessions: Sessions) -> None:
    await seed_plan(sessions)
    boss = await enrol(sessions, 9, "coordinator")
    made = await make_invite(sessions, by=boss)
    first = await redeem(sessions, made.token, 1001)
    assert first.enrolled and first.role == "head"
    second = await redeem(sessions, made.token, 1002)
    assert second.outcome == inv.USED
    async with sessions() as session:
        actor = await load_actor(session, 1001)
        assert actor is not None and actor.roles[0].division_code == "FIN"
        assert await load_actor(session, 1002) is None
        membership = await session.scalar(select(Membership).where(Membership.person_id == 2))
        assert membership is not None and membership.invited_by_id == boss
        invite = await session.get(Invite, made.id)
        assert invite is not None and invite.used_by_id == actor.person_id


@pytest.mark.parametrize(
    ("token", "outcome"),
    [("short", inv.MALFORMED), ("x" * 40 + "<>", inv.MALFORMED), ("A" * 32, inv.UNKNOWN)],
)
async def test_malformed_and_unknown_tokens(sessions: Sessions, token: str, outcome: str) -> None:
    await seed_plan(sessions)
    result = await redeem(sessions, token, 1001)
    assert result.outcome == outcome
    async with sessions() as session:
        assert await session.scalar(select(func.count()).select_from(Person)) == 0
        events = await audit.recent(session)
    assert [(e.action, e.detail["reason"]) for e in events] == [(audit.ENROL_REFUSED, outcome)]


async def test_expired_and_revoked_tokens_change_nothing(sessions: Sessions) -> None:
    await seed_plan(sessions)
    short = await make_invite(sessions, ttl=timedelta(hours=1))
    assert (await redeem(sessions, short.token, 1001, T0 + timedelta(hours=1))).outcome == (
        inv.EXPIRED
    )
    revoked = await make_invite(sessions)
    async with sessions() as session, session.begin():
        assert await inv.revoke_invite(session, revoked.id, by_person_id=None) == inv.REVOKED
        assert await inv.revoke_invite(session, revoked.id, by_person_id=None) == (
            "already_revoked"
        )
        assert await inv.revoke_invite(session, 999, by_person_id=None) == inv.UNKNOWN
    assert (await redeem(sessions, revoked.token, 1001)).outcome == inv.REVOKED
    async with sessions() as session:
        assert await session.scalar(select(func.count()).select_from(Person)) == 0
        listed = {i.id: i.state for i in await list_invites(session, now=T0)}
        assert listed == {short.id: "open", revoked.id: "revoked"}
        later = await list_invites(session, now=T0 + timedelta(days=1), open_only=True)
        assert later == []


async def test_used_invite_cannot_be_revoked(sessions: Sessions) -> None:
    await seed_plan(sessions)
    made = await make_invite(sessions)
    await redeem(sessions, made.token, 1001)
    async with sessions() as session, session.begin():
        assert await inv.revoke_invite(session, made.id, by_person_id=None) == inv.USED
        found = await inv.find_invite(session, made.token)
        assert found is not None and found.id == made.id
        assert await inv.find_invite(session, str(made.id)) is not None
        assert await inv.find_invite(session, "bad token!") is None


async def test_race_for_one_token_has_exactly_one_winner(
    sessions: Sessions, engine: AsyncEngine, monkeypatch: pytest.MonkeyPatch
) -> None:
    await seed_plan(sessions)
    made = await make_invite(sessions)
    claims: list[str] = []

    def count_claims(*args: Any) -> None:
        if str(args[2]).startswith("UPDATE invite SET used_at"):
            claims.append(args[2])

    # Hold both racers after their checks (at the person lookup) until both got there, so that
    # the claim itself, not scheduling luck, has to decide the winner.
    barrier = asyncio.Barrier(2)
    original = AsyncSession.scalar

    async def scalar(self: AsyncSession, statement: Any, *args: Any, **kwargs: Any) -> Any:
        if "FROM person" in str(statement):
            await barrier.wait()
        return await original(self, statement, *args, **kwargs)

    monkeypatch.setattr(AsyncSession, "scalar", scalar)
    event.listen(engine.sync_engine, "before_cursor_execute", count_claims)
    results = await asyncio.gather(*(redeem(sessions, made.token, uid) for uid in (1001, 1002)))
    event.remove(engine.sync_engine, "before_cursor_execute", count_claims)
    monkeypatch.undo()
    outcomes = sorted(r.outcome for r in results)
    assert outcomes == [inv.ENROLLED, inv.USED]
    assert len(claims) == 2  # both got past the checks: the database alone decided
    async with sessions() as session:
        assert await session.scalar(select(func.count()).select_from(Membership)) == 1
        assert await session.scalar(select(func.count()).select_from(Person)) == 1


async def test_second_invite_adds_a_role_and_the_same_role_twice_is_refused(
    sessions: Sessions,
) -> None:
    await seed_plan(sessions)
    await redeem(sessions, (await make_invite(sessions)).token, 1001)
    acting = await make_invite(sessions, "head", "ENG")
    assert (await redeem(sessions, acting.token, 1001)).enrolled
    again = await make_invite(sessions, "head", "FIN")
    assert (await redeem(sessions, again.token, 1001)).outcome == inv.ALREADY
    async with sessions() as session:
        actor = await load_actor(session, 1001)
        assert actor is not None
        assert sorted(r.division_code or "" for r in actor.roles) == ["ENG", "FIN"]
        still_open = await list_invites(session, now=T0, open_only=True)
        assert [i.id for i in still_open] == [again.id]


async def test_role_and_division_must_fit(sessions: Sessions) -> None:
    await seed_plan(sessions)
    fin = await division_id(sessions, "FIN")
    async with sessions() as session:
        for role, div in (("head", None), ("admin", fin), ("boss", None)):
            with pytest.raises(inv.InviteError):
                await inv.create_invite(session, role=role, division_id=div, created_by_id=None)
        with pytest.raises(inv.InviteError):
            await inv.create_invite(
                session, role="admin", division_id=None, created_by_id=None, ttl=timedelta(0)
            )


async def test_revoke_membership_and_overview(sessions: Sessions) -> None:
    await seed_plan(sessions)
    admin = await enrol(sessions, 9, "admin", name="Admin")
    head = await enrol(sessions, 1001, "head", "FIN", name="Head <FIN>")
    await enrol(sessions, 1001, "member", "ENG")
    async with sessions() as session, session.begin():
        await mark_unreachable(session, head, T0)
    async with sessions() as session:
        overview = await members_overview(session)
    assert [m.name for m in overview.org_wide] == ["Admin"]
    fin = next(d for d in overview.divisions if d.code == "FIN")
    assert [(m.role, m.unreachable_since) for m in fin.members] == [("head", T0)]
    assert "FIN" not in {d.code for d in overview.unjoined}
    assert "STRAT" in {d.code for d in overview.unjoined}
    assert len(overview.lines()) == 3

    membership_id = fin.members[0].membership_id
    async with sessions() as session, session.begin():
        done = await revoke_membership(session, membership_id, by_person_id=admin, now=T0)
        assert done is not None and done.role == "head" and done.person_id == head
        assert await revoke_membership(session, membership_id, by_person_id=admin) is None
        assert await active_roles(session, head) == ["member"]
    async with sessions() as session:
        events = await audit.recent(session, action=audit.MEMBERSHIP_REVOKED)
        assert events[0].actor_person_id == admin
        assert events[0].detail["membership_id"] == membership_id
        assert await session.scalar(select(func.count()).select_from(AuditEvent)) == 1


def test_tokens_never_start_with_a_dash(monkeypatch: pytest.MonkeyPatch) -> None:
    # A token like "-abc" would be read as an option by `ita-followup invite revoke TOKEN`.
    drawn = iter(["-first", "second"])
    monkeypatch.setattr(inv.secrets, "token_urlsafe", lambda _n: next(drawn))
    assert inv.new_token() == "second"
