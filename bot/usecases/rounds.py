"""Rounds and meetings: the meeting dates with their warnings, moving a meeting, the preview of
every notification, and importing and showing a plan. Shared by /meetings and the command line,
so a weekend or a holiday is flagged by one rule.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from bot.texts import localized
from bot.usecases.core import Core
from bot.usecases.refusals import Refused
from scheduler.fiscal import Quarter
from scheduler.meetings import parse_rule
from scheduler.moves import MoveFollowed, follow_moved_meeting
from scheduler.plan_years import current_plan
from scheduler.planner import PlannedNotice, PlannedRound
from scheduler.schedule import MeetingView, PlanSchedule, load_calendar, load_schedule
from scheduler.workdays import WorkCalendar
from storage import audit, plan_queries
from storage import rounds as store
from storage.deliveries import DueDelivery
from storage.models import Plan
from storage.people import Actor, coordinators, division_people
from storage.plan_file import load_plan_file
from storage.plan_import import import_plan, plan_count


class NoPlan(Refused):
    """No plan is imported (or none by the code asked for): there is nothing to schedule."""

    def __init__(self, plan_code: str | None = None, known: tuple[str, ...] = ()) -> None:
        super().__init__("no_plan", key="rounds.meetings_none", plan=plan_code or "")
        self.plan_code = plan_code
        # The codes that do exist, so that a mistyped --plan can be answered with them.
        self.known = known


class OutsidePlan(Refused):
    """A meeting in a month the plan does not cover: it would prompt nobody about anything."""

    def __init__(self, month: dt.date, first: dt.date, last: dt.date) -> None:
        super().__init__("outside_plan", month=month, first=first, last=last)
        self.month, self.first, self.last = month, first, last

    @property
    def period(self) -> tuple[dt.date, dt.date]:
        """The plan's first month and last day."""
        return (self.first, self.last)


@dataclass(frozen=True)
class MeetingRow:
    """One month's meeting as it stands, with what is wrong with its day."""

    month: dt.date
    starts_at: dt.datetime
    # The meeting's day in local time: the day the warnings are about.
    day: dt.date
    # Set by a coordinator: the plan's rule no longer moves it.
    manual: bool
    weekend: bool
    holiday_th: str | None
    holiday_en: str | None

    def holiday(self, lang: str) -> str | None:
        """The holiday's name in the language (Thai when there is no English one), or None."""
        return localized(lang, self.holiday_th, self.holiday_en) or None


@dataclass(frozen=True)
class Meetings:
    """A plan's meeting series: its names, its rule and each month's meeting."""

    plan_code: str
    name_th: str
    name_en: str | None
    rule: str
    rows: tuple[MeetingRow, ...]

    def name(self, lang: str) -> str:
        """The meeting series' name in the language."""
        return localized(lang, self.name_th, self.name_en)


@dataclass(frozen=True)
class MeetingMoved:
    """A meeting set by hand, with the warnings about its day."""

    plan_code: str
    meeting: MeetingRow
    # "Meeting moved" notices recorded for the divisions already prompted.
    notices: int = 0
    # Answers whose late mark changed with the round's close.
    remarked: int = 0


@dataclass(frozen=True)
class Recipients:
    """Who a notice goes to: a division's enrolled people, or (no division) the coordinators."""

    division_code: str | None
    division_name_th: str
    names: tuple[str, ...]


@dataclass(frozen=True)
class PreviewNotice:
    """One notification as it will go out."""

    kind: str
    audience: str
    due_at: dt.datetime
    stale_at: dt.datetime
    to: tuple[Recipients, ...]


@dataclass(frozen=True)
class PreviewRound:
    """A planned round with its notices in the range asked for."""

    key: str
    kind: str
    quarter: Quarter | None
    covers_start: dt.date
    covers_end: dt.date
    opens_at: dt.datetime
    closes_at: dt.datetime
    measure_seqs: tuple[int, ...]
    notices: tuple[PreviewNotice, ...]


@dataclass(frozen=True)
class Preview:
    """Every notification the plan will send (in a date range), round by round."""

    plan_code: str
    rounds: tuple[PreviewRound, ...]


@dataclass(frozen=True)
class PlanOverview:
    """The plan with its measures, actions, responsible divisions and cadence, as data."""

    plan_code: str
    data: dict[str, Any]


@dataclass(frozen=True)
class PlanImported:
    """What an import did: nothing (a plan was there and `if_empty` asked so), or its changes."""

    plan_code: str | None
    changes: tuple[str, ...]
    skipped: bool = False


def meeting_row(meeting: MeetingView, tz: dt.tzinfo, calendar: WorkCalendar) -> MeetingRow:
    """A meeting with what is wrong with its day (weekend, holiday) by `calendar`."""
    day = meeting.starts_at.astimezone(tz).date()
    return MeetingRow(
        month=meeting.month,
        starts_at=meeting.starts_at,
        day=day,
        manual=meeting.manual,
        weekend=day.weekday() >= 5,
        holiday_th=calendar.holiday_name(day, "th"),
        holiday_en=calendar.holiday_name(day, "en"),
    )


async def _plan(session: AsyncSession, plan_code: str | None, today: dt.date) -> Plan:
    """The plan by code, else the current one (scheduler.plan_years); NoPlan when none."""
    plan = await (
        store.plan_by_code(session, plan_code) if plan_code else current_plan(session, today)
    )
    if plan is None:
        raise NoPlan(plan_code, tuple(p.code for p in await store.all_plans(session)))
    return plan


async def _preview(core: Core, session: AsyncSession, plan_code: str | None) -> PlanSchedule:
    """The plan's schedule as it would run, writing nothing (stored meetings win in memory).

    Planned with the calendar as it stands, special holidays included (`load_calendar`).
    """
    plan = await _plan(session, plan_code, core.today())
    rules = core.rules
    calendar = await load_calendar(session)
    return await load_schedule(session, plan, calendar, rules.planner, rules.tz, materialize=False)


def may_see_meetings(actor: Actor | None) -> None:
    """Only coordinators and admins see the meeting dates; others are refused (and audited)."""
    if actor is None or not actor.is_coordinator:
        raise Refused("not_allowed", audit=True, key="auth.not_allowed", action="meetings")


async def meetings(core: Core, plan_code: str | None = None) -> Meetings:
    """The plan's meetings (the current plan by default), each flagged on a weekend or holiday."""
    async with core.uow() as uow:
        schedule = await _preview(core, uow.session, plan_code)
        plan, calendar = schedule.plan, schedule.calendar
        return Meetings(
            plan_code=plan.code,
            name_th=plan.meeting_name_th,
            name_en=plan.meeting_name_en,
            rule=plan.meeting_rule,
            rows=tuple(meeting_row(m, core.rules.tz, calendar) for m in schedule.meetings),
        )


async def set_meeting(
    core: Core,
    when_local: dt.datetime,
    plan_code: str | None = None,
    *,
    by: str = "",
    by_id: int | None = None,
) -> MeetingMoved:
    """Move (or add) the meeting of the month of `when_local` (naive: local time); manual now.

    The day is taken as given, even on a weekend or a holiday: the result flags it. The
    month's round, if made, follows at once (its close, its notices' stale time, its answers'
    late marks), and every division already prompted gets one "meeting moved" notice
    (scheduler.moves); the tick moves the notices not yet due. A month outside the plan's
    period is refused (OutsidePlan). The change is audited with `by` (and `by_id`), who made it.
    """
    tz, now = core.rules.tz, core.now()
    starts = when_local if when_local.tzinfo is not None else when_local.replace(tzinfo=tz)
    month = starts.astimezone(tz).date().replace(day=1)
    async with core.uow() as uow:
        s = uow.session
        plan = await _plan(s, plan_code, core.today())
        measures = await store.measure_rows(s, plan.id)
        first = min((m.start for m in measures), default=month).replace(day=1)
        last = max((m.end for m in measures), default=month)
        if not first <= month <= last:
            raise OutsidePlan(month, first, last)
        previous = await store.meeting_of_month(s, plan.id, month)
        stored = await store.set_meeting(s, plan.id, month, starts.astimezone(dt.UTC), by_id)
        detail = {
            "plan": plan.code,
            "month": month.isoformat()[:7],
            "starts_at": starts.astimezone(tz).isoformat(timespec="minutes"),
            "was": previous.astimezone(tz).isoformat(timespec="minutes") if previous else None,
        }
        event = await audit.record(
            s, store.MEETING_SET, actor_person_id=by_id, detail=detail, note=by, at=now
        )
        followed = MoveFollowed()
        if previous is not None and previous != stored.starts_at:
            followed = await follow_moved_meeting(
                s, plan, month, core.rules.planner, tz, now=now, slot=f"m{event.id}"
            )
        event.detail = {**detail, "notices": followed.notices, "remarked": followed.remarked}
        view = MeetingView(month, starts, stored.manual, stored.id)
        row = meeting_row(view, tz, await load_calendar(s))
        return MeetingMoved(plan.code, row, followed.notices, followed.remarked)


async def _recipients(
    session: AsyncSession, schedule: PlanSchedule
) -> Callable[[PlannedRound, PlannedNotice], tuple[Recipients, ...]]:
    """Who each notice reaches today (reminders: those of them still silent when it is due)."""
    division_ids = {d for r in schedule.rounds for d in r.division_ids}
    divisions = await store.divisions_by_id(session, division_ids)
    people = {d: tuple(p.name for p in await division_people(session, d)) for d in division_ids}
    everyone = (Recipients(None, "", tuple(p.name for p in await coordinators(session))),)

    def to(planned: PlannedRound, notice: PlannedNotice) -> tuple[Recipients, ...]:
        if notice.audience == "coordinators":
            return everyone
        return tuple(
            Recipients(divisions[d].code, divisions[d].name_th, people[d])
            for d in planned.division_ids
        )

    return to


def _preview_round(
    r: PlannedRound, measure_seqs: tuple[int, ...], notices: tuple[PreviewNotice, ...]
) -> PreviewRound:
    return PreviewRound(
        key=r.key,
        kind=r.kind,
        quarter=r.quarter,
        covers_start=r.covers_start,
        covers_end=r.covers_end,
        opens_at=r.opens_at,
        closes_at=r.closes_at,
        measure_seqs=measure_seqs,
        notices=notices,
    )


async def schedule_preview(
    core: Core,
    from_date: dt.date | None = None,
    to_date: dt.date | None = None,
    plan_code: str | None = None,
) -> Preview:
    """Every notification of the plan due between the two local dates (inclusive), unsent."""
    tz = core.rules.tz

    def in_range(notice: PlannedNotice) -> bool:
        day = notice.due_at.astimezone(tz).date()
        return (from_date is None or day >= from_date) and (to_date is None or day <= to_date)

    async with core.uow() as uow:
        schedule = await _preview(core, uow.session, plan_code)
        to = await _recipients(uow.session, schedule)
        code = schedule.plan.code
    seqs = {m.id: m.seq for m in schedule.measures}
    rounds = []
    for r in schedule.rounds:
        notices = tuple(
            PreviewNotice(n.kind, n.audience, n.due_at, n.stale_at, to(r, n))
            for n in r.notices
            if in_range(n)
        )
        if notices:  # a round with nothing due in the range is left out
            rounds.append(_preview_round(r, tuple(sorted(seqs[m] for m in r.measure_ids)), notices))
    return Preview(code, tuple(rounds))


async def plan_overview(core: Core, plan_code: str | None = None) -> PlanOverview:
    """The plan (the current one by default) with its measures; NoPlan when there is none."""
    plan_id = None
    if plan_code is None:
        async with core.uow() as uow:
            current = await current_plan(uow.session, core.today())
            plan_id = current.id if current is not None else None
    # One read of its own: storage reads the whole plan in one transaction.
    data = await plan_queries.plan_overview(core.sessions, plan_code, plan_id)
    if data is None:
        raise NoPlan(plan_code)
    return PlanOverview(data["plan"]["code"], data)


async def import_plan_file(core: Core, path: Path, *, if_empty: bool = False) -> PlanImported:
    """Check the plan file and create or update its plan (one transaction); idempotent.

    With `if_empty`, nothing is read or written when the database already holds a plan
    (a container's first start imports the seed plan, later starts leave it be).
    """
    if if_empty and await plan_count(core.sessions) > 0:
        return PlanImported(None, (), skipped=True)
    spec = load_plan_file(path, rule_check=parse_rule)
    result = await import_plan(core.sessions, spec, source=str(path))
    return PlanImported(result.plan_code, tuple(result.changes))


async def notice(core: Core, delivery: DueDelivery) -> store.NoticeData | None:
    """What a notification says as it is sent; None when its round, division or items are gone."""
    async with core.uow() as uow:
        return await store.notice_data(
            uow.session, delivery.kind, delivery.round_id, delivery.division_id, delivery.person_id
        )
