"""Answering a measure: open it, pick a status or carry last round's answer, write, confirm.

Every call re-checks on the server: the item exists, its round still takes answers, and the
person may answer for its division. The half-finished answer lives in the `draft` table (its
steps are bot.usecases.drafts'), so a restart loses nothing.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import NoReturn

from sqlalchemy.ext.asyncio import AsyncSession

from bot.usecases.core import Core
from bot.usecases.drafts import (
    Addition,
    AnswerRefused,
    DraftEvent,
    DraftStep,
    advance,
    extend_draft,
    has_content,
    message_content,
    start_draft,
    step_of,
)
from bot.usecases.refusals import Refused
from bot.usecases.uow import UnitOfWork
from storage.answers import OwedItem, division_refs, get_round, item_refs, owed_items
from storage.counting import measure_ref
from storage.drafts import (
    ItemContext,
    drop_draft,
    get_draft,
    item_context,
    report_from_draft,
    rounds_asking,
)
from storage.models import STATUSES, Draft, Report
from storage.people import Actor
from storage.read_models import DivisionRef, MeasureRef, ReviewEvent, RoundInfo
from storage.review_trail import newest_review
from storage.summary import round_info

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ItemKey:
    """One round item: what a division is asked about one measure in one round."""

    round_id: int
    measure_id: int
    division_id: int


@dataclass(frozen=True)
class AnswerSummary:
    """A confirmed answer as the measure screen recalls it."""

    who: str
    at: datetime
    status: str
    text: str


@dataclass(frozen=True)
class ItemView:
    """A measure's screen: what is asked, what was answered, and whether it is late now."""

    key: ItemKey
    round: RoundInfo
    measure: MeasureRef
    actions: tuple[tuple[int, str], ...]  # (seq, Thai text): the plan's วิธีดำเนินการ
    division: DivisionRef
    current: AnswerSummary | None  # the answer that counts in this round so far
    previous: AnswerSummary | None  # the division's answer in the last round of the kind
    late: bool  # the round has closed: an answer now is recorded late
    # The current answer's newest review: accepted, or returned with what to add.
    review: ReviewEvent | None = None


@dataclass(frozen=True)
class DraftView:
    """The person's unfinished answer."""

    id: int
    step: DraftStep
    measure: MeasureRef
    division: DivisionRef
    status: str | None
    text: str
    evidence_count: int


@dataclass(frozen=True)
class Started:
    """The draft to go on with: the new one, or another item's unfinished one that blocks it."""

    draft: DraftView
    blocked: bool


@dataclass(frozen=True)
class Added:
    """The draft after a message; `evidence_added` when the message brought evidence."""

    draft: DraftView
    evidence_added: bool
    # The message was not taken: a carried answer is confirmed or dropped as it is.
    ignored: bool = False


class NoDraft(AnswerRefused):
    """There is no draft to add to; `expired_seq` names a dead draft that was just dropped."""

    def __init__(self, *, has_file: bool, expired_seq: int | None) -> None:
        super().__init__("no_draft_evidence" if has_file else "no_draft")
        self.expired_seq = expired_seq


@dataclass(frozen=True)
class Confirmed:
    """A stored answer, and what the division still owes in the round."""

    report_id: int
    late: bool
    measure: MeasureRef
    division: DivisionRef
    remaining: tuple[OwedItem, ...]


@dataclass(frozen=True)
class OwedGroup:
    """One division's items in one round that still takes answers."""

    round: RoundInfo
    division: DivisionRef
    items: tuple[OwedItem, ...]
    # The round has closed and takes only late answers, until then (None: it is open).
    late_until: datetime | None = None


@dataclass(frozen=True)
class Overview:
    """What /report shows: a dropped dead draft, the pending draft, then what is owed."""

    expired_seq: int | None
    pending: DraftView | None
    groups: tuple[OwedGroup, ...]


def accepts_answers(rnd: RoundInfo, now: datetime, late_days: int) -> bool:
    """Open rounds take answers; closed ones, marked late, for `late_days` after closing."""
    return rnd.opens_at <= now < rnd.closes_at + timedelta(days=late_days)


def is_late(rnd: RoundInfo, now: datetime) -> bool:
    """An answer confirmed at or after the meeting time (the round's close) is late."""
    return now >= rnd.closes_at


async def open_item(core: Core, actor: Actor, key: ItemKey) -> ItemView:
    """A measure's screen: its actions, this round's and last round's answers."""
    async with core.uow() as uow:
        ctx = await _item(uow.session, core, actor, key)
        _, division = await item_refs(uow.session, key.measure_id, key.division_id)
        rnd = round_info(ctx.round)
        return ItemView(
            key=key,
            round=rnd,
            measure=measure_ref(ctx.measure),
            actions=tuple((a.seq, a.text_th) for a in ctx.measure.actions),
            division=division,
            current=_summary(ctx.current),
            previous=_summary(ctx.previous),
            late=is_late(rnd, core.now()),
            review=await newest_review(uow.session, ctx.current) if ctx.current else None,
        )


async def choose_status(core: Core, actor: Actor, key: ItemKey, status_index: int) -> Started:
    """Start a draft with the chosen status (the index into STATUSES the button holds)."""
    if not 0 <= status_index < len(STATUSES):
        raise AnswerRefused("bad_status", key="refuse.bad_button")
    return await _start(core, actor, key, STATUSES[status_index])


async def carry_forward(core: Core, actor: Actor, key: ItemKey) -> Started:
    """Answer "no change": a draft holding last round's answer, to be confirmed as it is."""
    return await _start(core, actor, key, None)


async def add_to_draft(core: Core, actor: Actor, addition: Addition) -> Added:
    """Add a message's words, links and file to the person's draft, within the limits."""
    words, evidence = message_content(addition, core.now(), core.rules.max_file_bytes)
    async with core.uow() as uow:
        draft, expired_seq = await _live_draft(uow.session, core, actor)
        if draft is None:
            await uow.commit()  # the dead draft is gone before the person is told so
            raise NoDraft(has_file=addition.file is not None, expired_seq=expired_seq)
        if draft.step == DraftStep.CARRY_CONFIRM:
            # A carried answer is confirmed or dropped as it is: nothing is added, ask again.
            view = await _draft_view(uow.session, draft)
            return Added(view, evidence_added=False, ignored=True)
        extend_draft(draft, text=words, evidence=evidence, now=core.now())
        return Added(await _draft_view(uow.session, draft), evidence_added=bool(evidence))


async def confirm(core: Core, actor: Actor, draft_id: int) -> Confirmed:
    """Store the draft as the division's answer (late after the meeting) and drop the draft."""
    now = core.now()
    async with core.uow() as uow:
        session = uow.session
        draft = await _own_draft(uow, actor, draft_id)
        advance(step_of(draft), DraftEvent.CONFIRM)
        found = await get_round(session, draft.round_id)
        rnd = round_info(found) if found is not None else None
        if rnd is None or not accepts_answers(rnd, now, core.rules.late_answer_days):
            # It can never be confirmed now: drop it rather than offer it again forever.
            await _drop_and_refuse(uow, draft, "round_closed")
        if draft.status not in STATUSES:
            raise AnswerRefused("no_status")
        if not draft.text.strip() and draft.carried_from_id is None:
            raise AnswerRefused("no_text")
        measure, division = await item_refs(session, draft.measure_id, draft.division_id)
        report = await report_from_draft(session, draft, late=is_late(rnd, now), now=now)
        owed = await owed_items(session, report.round_id, report.division_id)
        has_files = any(e.fetch_state == "pending" for e in report.evidence)
        confirmed = Confirmed(
            report_id=report.id,
            late=report.late,
            measure=measure,
            division=division,
            remaining=tuple(i for i in owed if not i.answered),
        )
    log.info(
        "report %s saved: round %s measure %s division %s by person %s%s",
        report.id,
        report.round_id,
        report.measure_id,
        report.division_id,
        actor.person_id,
        " (late)" if report.late else "",
    )
    if has_files:
        core.signals.evidence_waiting()  # committed: the archiver may fetch them now
    return confirmed


async def cancel(core: Core, actor: Actor, draft_id: int | None = None) -> bool:
    """Drop the draft a button names (refused when it is not the current one), or any draft.

    Returns whether there was a draft to drop.
    """
    async with core.uow() as uow:
        if draft_id is None:
            draft = await get_draft(uow.session, actor.person_id)
            if draft is None:
                return False
        else:
            draft = await _own_draft(uow, actor, draft_id)
        advance(step_of(draft), DraftEvent.CANCEL)
        await drop_draft(uow.session, draft)
    return True


async def owed_overview(core: Core, actor: Actor) -> Overview:
    """The unfinished draft (a dead one is dropped) and, per round and division, what is owed."""
    now = core.now()
    async with core.uow() as uow:
        session = uow.session
        draft, expired_seq = await _live_draft(session, core, actor)
        pending = await _draft_view(session, draft) if draft is not None else None
        names = await division_refs(session, actor.division_ids)
        groups: list[OwedGroup] = []
        late_days = core.rules.late_answer_days
        rounds = [round_info(r) for r in await rounds_asking(session, actor.division_ids, now)]
        for rnd in sorted(rounds, key=lambda r: current_first(r, now)):
            if not accepts_answers(rnd, now, late_days):
                continue
            until = rnd.closes_at + timedelta(days=late_days) if is_late(rnd, now) else None
            for division_id in sorted(actor.division_ids):
                items = await owed_items(session, rnd.id, division_id)
                if items:
                    groups.append(OwedGroup(rnd, names[division_id], tuple(items), until))
    return Overview(expired_seq=expired_seq, pending=pending, groups=tuple(groups))


def current_first(rnd: RoundInfo, now: datetime) -> tuple[bool, float]:
    """/report's order: open rounds (closing soonest first), then late-only (newest first)."""
    closes = rnd.closes_at.timestamp()
    return (is_late(rnd, now), -closes if is_late(rnd, now) else closes)


async def _item(session: AsyncSession, core: Core, actor: Actor, key: ItemKey) -> ItemContext:
    """The item if the actor may answer for its division, it exists, and it takes answers."""
    if not actor.may_answer_for(key.division_id):
        raise AnswerRefused("not_your_division", audit=True)
    ctx = await item_context(session, key.round_id, key.measure_id, key.division_id)
    if ctx is None:
        # Forged or stale: worded like any bad button, recorded as what it is.
        raise Refused("no_such_item", key="refuse.bad_button", audit=True, action="answer")
    if not accepts_answers(round_info(ctx.round), core.now(), core.rules.late_answer_days):
        raise AnswerRefused("round_closed")
    return ctx


async def _start(core: Core, actor: Actor, key: ItemKey, status: str | None) -> Started:
    """Start the person's draft for an item: with a status, or (None) carrying last round's.

    One draft at a time: another item's draft with something in it is not thrown away; it is
    offered back to be confirmed or cancelled first.
    """
    async with core.uow() as uow:
        session = uow.session
        ctx = await _item(session, core, actor, key)
        if status is None and ctx.previous is None:
            raise Refused("no_previous", key="refuse.bad_button", action="answer")
        draft, _ = await _live_draft(session, core, actor)
        if draft is not None and has_content(draft) and _key_of(draft) != key:
            return Started(await _draft_view(session, draft), blocked=True)
        carry = ctx.previous if status is None else None
        draft = await start_draft(
            session, actor.person_id, ctx, status=status, now=core.now(), carry=carry
        )
        return Started(await _draft_view(session, draft), blocked=False)


async def _live_draft(
    session: AsyncSession, core: Core, actor: Actor
) -> tuple[Draft | None, int | None]:
    """The person's draft if it can still be confirmed; a dead one is dropped.

    A draft dies when its round stops taking answers or the person lost the division's role.
    Returns the live draft, or None and the dropped draft's measure seq (None if none died).
    """
    draft = await get_draft(session, actor.person_id)
    if draft is None:
        return None, None
    found = await get_round(session, draft.round_id)
    if (
        actor.may_answer_for(draft.division_id)
        and found is not None
        and accepts_answers(round_info(found), core.now(), core.rules.late_answer_days)
    ):
        return draft, None
    measure, _ = await item_refs(session, draft.measure_id, draft.division_id)
    await drop_draft(session, draft)
    return None, measure.seq


async def _own_draft(uow: UnitOfWork, actor: Actor, draft_id: int) -> Draft:
    """The actor's draft if the button names it; old buttons of finished drafts are refused."""
    draft = await get_draft(uow.session, actor.person_id)
    if draft is None or draft.id != draft_id:
        raise AnswerRefused("stale_draft")
    if not actor.may_answer_for(draft.division_id):
        # The person lost the role since starting: the draft can never be confirmed.
        await _drop_and_refuse(uow, draft, "not_your_division")
    return draft


async def _drop_and_refuse(uow: UnitOfWork, draft: Draft, reason: str) -> NoReturn:
    """Drop a draft that can never be confirmed, make that durable, then refuse."""
    await drop_draft(uow.session, draft)
    await uow.commit()
    raise AnswerRefused(reason)


async def _draft_view(session: AsyncSession, draft: Draft) -> DraftView:
    measure, division = await item_refs(session, draft.measure_id, draft.division_id)
    return DraftView(
        id=draft.id,
        step=DraftStep(draft.step),
        measure=measure,
        division=division,
        status=draft.status,
        text=draft.text,
        evidence_count=len(draft.evidence),
    )


def _key_of(draft: Draft) -> ItemKey:
    return ItemKey(draft.round_id, draft.measure_id, draft.division_id)


def _summary(report: Report | None) -> AnswerSummary | None:
    if report is None:
        return None
    return AnswerSummary(
        who=report.person.name, at=report.created_at, status=report.status, text=report.text
    )
