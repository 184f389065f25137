"""People and enrolment use cases through the unit of work, on SQLite and PostgreSQL.

Who may invite, grant and remove whom; what a token is worth; language and reachability. No
Telegram here: each rule is decided (and audited) by the use case itself.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.usecases import enrolment, people
from bot.usecases.core import Core
from bot.usecases.refusals import Refused
from storage import audit
from storage import invites as inv
from storage.models import Division, Invite, Membership, Person
from storage.people import Actor
from tests.bot.harness import Clock
from tests.factories import enrol, seed_plan

Sessions = async_sessionmaker[AsyncSession]


def newcomer(user_id: int, name: str = "") -> inv.Enrollee:
    """A Telegram user opening a link in a private chat."""
    return inv.Enrollee(user_id, user_id, name or f"user {user_id}", None, "th")


async def actor(core: Core, user_id: int) -> Actor:
    found = await people.identify(core, user_id)
    assert found is not None
    return found


async def refusals(sessions: Sessions) -> list[dict[str, Any]]:
    """The details of audited refusals, oldest first."""
    async with sessions() as session:
        events = await audit.recent(session, 100, action=audit.ACTION_REFUSED)
    return [e.detail for e in reversed(events)]


async def count(sessions: Sessions, model: type) -> int:
    async with sessions() as session:
        return int(await session.scalar(select(func.count()).select_from(model)) or 0)


async def division_id(sessions: Sessions, code: str) -> int:
    async with sessions() as session:
        found = await session.scalar(select(Division.id).where(Division.code == code))
    assert found is not None
    return found


async def membership_of(core: Core, person_id: int, role: str) -> int:
    overview = await people.members_overview(core, people.OPERATOR)
    return next(
        m.membership_id for m in overview.lines() if (m.person_id, m.role) == (person_id, role)
    )


async def test_a_coordinator_may_not_grant_admin(core: Core, sessions: Sessions) -> None:
    await seed_plan(sessions)
    await enrol(sessions, 8, "admin")
    await enrol(sessions, 9, "coordinator")
    coordinator, admin = await actor(core, 9), await actor(core, 8)
    assert (await enrolment.invite_choices(core, coordinator, None)).roles == (
        "coordinator",
        "supervisor",
    )
    assert (await enrolment.invite_choices(core, admin, None)).roles == (
        "coordinator",
        "supervisor",
        "admin",
    )

    with pytest.raises(Refused) as refused:
        await enrolment.create_invite(core, coordinator, "admin", None)
    assert (refused.value.reason, refused.value.key) == ("not_allowed", "auth.not_allowed")
    assert await count(sessions, Invite) == 0
    assert await refusals(sessions) == [{"action": "ivr:admin", "reason": "not_allowed"}]

    made = await enrolment.create_invite(core, admin, "admin", None)
    coordinators = await enrolment.create_invite(core, coordinator, "coordinator", None)
    assert (made.role.role, made.role.division_id) == ("admin", None)
    assert made.expires_at == core.now() + inv.DEFAULT_TTL
    async with sessions() as session:
        created = await audit.recent(session, action=audit.INVITE_CREATED)
    assert [(e.actor_person_id, e.detail["via"]) for e in reversed(created)] == [
        (admin.person_id, "bot"),
        (coordinator.person_id, "bot"),
    ]
    assert coordinators.token != made.token


async def test_a_head_may_not_invite_list_or_revoke(core: Core, sessions: Sessions) -> None:
    await seed_plan(sessions)
    await enrol(sessions, 1001, "head", "FIN")
    head = await actor(core, 1001)
    fin = await division_id(sessions, "FIN")
    attempts = [
        enrolment.invite_screen(core, head),
        enrolment.invite_choices(core, head, fin),
        enrolment.create_invite(core, head, "member", fin),
        enrolment.withdraw_invite(core, head, 1),
        people.members_overview(core, head),
        people.revocable(core, head, action="revoke"),
        people.revocable_role(core, head, 1),
        people.revoke_membership(core, head, 1),
    ]
    for attempt in attempts:
        with pytest.raises(Refused) as refused:
            await attempt
        assert refused.value.reason == "not_allowed"
    assert [d["action"] for d in await refusals(sessions)] == [
        "invite",
        "ivd",
        "ivr",
        "ivx",
        "members",
        "revoke",
        "rv",
        "rvy",
    ]
    assert await count(sessions, Invite) == 0
    assert await count(sessions, Membership) == 1


async def test_a_division_that_left_the_plan_is_a_stale_choice(
    core: Core, sessions: Sessions
) -> None:
    await seed_plan(sessions)
    await enrol(sessions, 9, "coordinator")
    coordinator = await actor(core, 9)
    fin = await division_id(sessions, "FIN")
    assert (await enrolment.invite_choices(core, coordinator, fin)).roles == (
        "head",
        "member",
        "supervisor",
    )
    with pytest.raises(Refused) as refused:  # a forged pair: coordinators belong to no division
        await enrolment.create_invite(core, coordinator, "coordinator", fin)
    assert refused.value.reason == "stale"
    async with sessions() as session, session.begin():
        division = await session.get(Division, fin)
        assert division is not None
        division.active = False
    for attempt in (
        enrolment.invite_choices(core, coordinator, fin),
        enrolment.invite_choices(core, coordinator, 9999),
        enrolment.create_invite(core, coordinator, "head", fin),
        enrolment.create_invite(core, coordinator, "coordinator", fin),
        enrolment.create_invite(core, coordinator, "head", None),  # a head needs a division
        enrolment.create_invite(core, coordinator, "", None),  # no such role
    ):
        with pytest.raises(Refused) as refused:
            await attempt
        assert (refused.value.reason, refused.value.key) == ("stale", "auth.stale_alert")
    assert await count(sessions, Invite) == 0
    assert [d["reason"] for d in await refusals(sessions)] == ["stale"] * 7


async def test_expired_used_revoked_and_bad_tokens_refuse(
    core: Core, sessions: Sessions, clock: Clock
) -> None:
    await seed_plan(sessions)
    short = await enrolment.invite_by_operator(core, "head", "FIN", timedelta(hours=1))
    withdrawn = await enrolment.invite_by_operator(core, "head", "FIN", timedelta(days=1))
    spent = await enrolment.invite_by_operator(core, "member", "ENG", timedelta(days=1))
    assert (await enrolment.withdraw_invite_by_operator(core, withdrawn.token)).outcome == (
        inv.REVOKED
    )
    joined = await enrolment.enrol(core, newcomer(1001), spent.token, private=True)
    assert joined.role.division_code == "ENG"
    clock.now += timedelta(hours=1)
    cases = [
        (short.token, "expired"),
        (spent.token, "used"),
        (withdrawn.token, "revoked"),
        ("abc!", "malformed"),
        ("A" * 40, "unknown"),
    ]
    for token, reason in cases:
        with pytest.raises(Refused) as refused:
            await enrolment.enrol(core, newcomer(2001), token, private=True)
        assert (refused.value.reason, refused.value.key) == (reason, f"enrol.refused_{reason}")
    assert await count(sessions, Person) == 1
    assert await count(sessions, Membership) == 1
    async with sessions() as session:
        refused_events = await audit.recent(session, action=audit.ENROL_REFUSED)
    assert sorted(e.detail["reason"] for e in refused_events) == sorted(r for _, r in cases)


async def test_enrolment_only_in_a_private_chat_and_a_role_only_once(
    core: Core, sessions: Sessions
) -> None:
    await seed_plan(sessions)
    made = await enrolment.invite_by_operator(core, "head", "FIN", inv.DEFAULT_TTL)
    with pytest.raises(Refused) as refused:
        await enrolment.enrol(core, newcomer(1001), made.token, private=False)
    assert refused.value.key == "enrol.private_only"
    first = await enrolment.enrol(core, newcomer(1001), made.token, private=True)
    again = await enrolment.invite_by_operator(core, "head", "FIN", inv.DEFAULT_TTL)
    with pytest.raises(Refused) as refused:
        await enrolment.enrol(core, newcomer(1001), again.token, private=True)
    assert refused.value.reason == "already"
    acting = await enrolment.invite_by_operator(core, "head", "ENG", inv.DEFAULT_TTL)
    second = await enrolment.enrol(core, newcomer(1001, "Acting"), acting.token, private=True)
    # The new role and the person with every role, read in the enrolling transaction.
    assert [r.division_code for r in first.actor.roles] == ["FIN"]
    assert (second.role.role, second.role.division_code) == ("head", "ENG")
    assert sorted(r.division_code or "" for r in second.actor.roles) == ["ENG", "FIN"]
    assert second.actor.name == "Acting"
    async with sessions() as session:
        refused_events = await audit.recent(session, action=audit.ENROL_REFUSED)
    assert [e.detail["reason"] for e in reversed(refused_events)] == ["not_private", "already"]
    assert refused_events[-1].actor_telegram_id == 1001


async def test_the_operator_invites_anyone_with_a_division_that_fits(
    core: Core, sessions: Sessions
) -> None:
    await seed_plan(sessions)
    for role, code, reason in (
        ("head", None, "needs_division"),
        ("admin", "FIN", "org_wide"),
        ("head", "XX", "unknown_division"),
        ("boss", None, "unknown_role"),
    ):
        with pytest.raises(Refused) as refused:
            await enrolment.invite_by_operator(core, role, code, inv.DEFAULT_TTL)
        assert refused.value.reason == reason
    with pytest.raises(Refused) as refused:
        await enrolment.invite_by_operator(core, "member", None, inv.DEFAULT_TTL)
    assert refused.value.values["codes"][:2] == ("PALAD", "FIN")
    made = await enrolment.invite_by_operator(core, "head", "fin", timedelta(hours=12))
    assert (made.role.division_code, made.expires_at) == ("FIN", core.now() + timedelta(hours=12))
    listed = await enrolment.list_invitations(core, open_only=True)
    assert [(i.id, i.role, i.created_by) for i in listed] == [(made.id, "head", None)]
    async with sessions() as session:
        created = await audit.recent(session, action=audit.INVITE_CREATED)
    assert [(e.actor_person_id, e.detail["via"]) for e in created] == [(None, "cli")]


async def test_withdrawing_an_invitation(core: Core, sessions: Sessions) -> None:
    await seed_plan(sessions)
    await enrol(sessions, 9, "coordinator")
    coordinator = await actor(core, 9)
    fin = await division_id(sessions, "FIN")
    keep = await enrolment.create_invite(core, coordinator, "member", fin)
    drop = await enrolment.create_invite(core, coordinator, "head", fin)
    done = await enrolment.withdraw_invite(core, coordinator, drop.id)
    assert done.outcome == inv.REVOKED
    assert done.screen is not None
    assert [i.id for i in done.screen.open_invites] == [keep.id]
    assert "FIN" in [d.code for d in done.screen.divisions]
    assert (await enrolment.withdraw_invite(core, coordinator, drop.id)).outcome == (
        "already_revoked"
    )
    assert (await enrolment.withdraw_invite(core, coordinator, 999)).outcome == inv.UNKNOWN
    await enrolment.enrol(core, newcomer(1001), keep.token, private=True)
    assert (await enrolment.withdraw_invite(core, coordinator, keep.id)).outcome == inv.USED
    with pytest.raises(Refused) as refused:
        await enrolment.withdraw_invite_by_operator(core, "nope")
    assert refused.value.reason == "unknown_invite"
    async with sessions() as session:
        revoked = await audit.recent(session, action=audit.INVITE_REVOKED)
    assert [(e.actor_person_id, e.detail) for e in revoked] == [
        (coordinator.person_id, {"invite_id": drop.id, "via": "bot"})
    ]


async def test_a_coordinator_may_not_remove_an_admin_nor_themselves(
    core: Core, sessions: Sessions
) -> None:
    await seed_plan(sessions)
    admin_id = await enrol(sessions, 8, "admin", name="Admin")
    coordinator_id = await enrol(sessions, 9, "coordinator", name="Coordinator")
    head_id = await enrol(sessions, 1001, "head", "FIN", name="Head")
    coordinator, admin = await actor(core, 9), await actor(core, 8)
    admin_role = await membership_of(core, admin_id, "admin")
    own_role = await membership_of(core, coordinator_id, "coordinator")

    listing = await people.revocable(core, coordinator, action="revoke")
    assert [m.person_id for m in listing.lines] == [head_id]
    assert listing.division_codes[await division_id(sessions, "FIN")] == "FIN"
    by_admin = await people.revocable(core, admin, action="revoke")
    assert sorted(m.person_id for m in by_admin.lines) == [coordinator_id, head_id]

    for attempt, reason, key in (
        (people.revocable_role(core, coordinator, admin_role), "not_allowed", "auth.not_allowed"),
        (
            people.revoke_membership(core, coordinator, admin_role),
            "not_allowed",
            "auth.not_allowed",
        ),
        (people.revocable_role(core, coordinator, own_role), "self", "revoke.self_alert"),
        (people.revoke_membership(core, coordinator, own_role), "self", "revoke.self_alert"),
        (people.revocable_role(core, coordinator, 999), "gone", "revoke.gone_alert"),
    ):
        with pytest.raises(Refused) as refused:
            await attempt
        assert (refused.value.reason, refused.value.key) == (reason, key)
    assert await refusals(sessions) == [
        {"action": "rv:admin", "reason": "not_allowed"},
        {"action": "rvy:admin", "reason": "not_allowed"},
        {"action": "rv", "reason": "self"},
        {"action": "rvy", "reason": "self"},
        {"action": "rv", "reason": "gone"},
    ]
    assert len((await people.members_overview(core, people.OPERATOR)).lines()) == 3


async def test_revoking_a_role(core: Core, sessions: Sessions) -> None:
    await seed_plan(sessions)
    await enrol(sessions, 9, "coordinator")
    head_id = await enrol(sessions, 1001, "head", "FIN", name="Head", language="en")
    await enrol(sessions, 1001, "member", "ENG")
    coordinator = await actor(core, 9)
    role = await membership_of(core, head_id, "head")
    found = await people.revocable_role(core, coordinator, role)
    assert (found.person_name, found.role.role, found.role.division_code) == ("Head", "head", "FIN")

    done = await people.revoke_membership(core, coordinator, role)
    assert done.removed == found
    assert (done.person_id, done.chat_id, done.language) == (head_id, 1001, "en")
    assert done.remaining == ("member",)
    assert [m.role for m in done.listing.lines] == ["member"]
    head = await actor(core, 1001)
    assert [r.role for r in head.roles] == ["member"]
    with pytest.raises(Refused) as refused:
        await people.revoke_membership(core, coordinator, role)
    assert refused.value.reason == "gone"
    async with sessions() as session:
        revoked = await audit.recent(session, action=audit.MEMBERSHIP_REVOKED)
    assert [(e.actor_person_id, e.detail["membership_id"]) for e in revoked] == [
        (coordinator.person_id, role)
    ]


async def test_the_language_choice_persists(core: Core, sessions: Sessions) -> None:
    await seed_plan(sessions)
    await enrol(sessions, 1001, "head", "FIN")
    assert await people.switch_language(core, await actor(core, 1001)) == "en"
    assert (await actor(core, 1001)).language == "en"
    assert await people.switch_language(core, await actor(core, 1001)) == "th"
    assert (await actor(core, 1001)).language == "th"


async def test_unreachable_until_they_write_again(
    core: Core, sessions: Sessions, clock: Clock
) -> None:
    await seed_plan(sessions)
    head_id = await enrol(sessions, 1001, "head", "FIN")
    await people.note_unreachable(core, head_id)
    overview = await people.members_overview(core, people.OPERATOR)
    assert [m.unreachable_since for m in overview.lines()] == [clock.now]
    await people.identify(core, 1001)  # they wrote to the bot
    overview = await people.members_overview(core, people.OPERATOR)
    assert [m.unreachable_since for m in overview.lines()] == [None]
    assert await people.identify(core, 666) is None


async def test_the_audit_log_names_the_people(core: Core, sessions: Sessions) -> None:
    await seed_plan(sessions)
    await enrol(sessions, 9, "coordinator", name="Coordinator")
    coordinator = await actor(core, 9)
    await enrolment.create_invite(core, coordinator, "coordinator", None)
    await enrolment.invite_by_operator(core, "admin", None, inv.DEFAULT_TTL)
    entries = await people.audit_log(core, 10)
    assert [(e.action, e.actor_person_id, e.actor_name) for e in entries] == [
        (audit.INVITE_CREATED, None, ""),
        (audit.INVITE_CREATED, coordinator.person_id, "Coordinator"),
    ]
    assert len(await people.audit_log(core, 1)) == 1
