"""A plan's schedule from the database: its meetings (rule or coordinator) and planned rounds."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from scheduler.meetings import parse_rule
from scheduler.planner import MeasureSpec, PlannedRound, PlannerConfig, plan_months, plan_rounds
from scheduler.planner import rule_meetings as compute_rule_meetings
from scheduler.workdays import WorkCalendar
from storage.holidays import holiday_names
from storage.models import Plan
from storage.rounds import measure_rows, meetings_of, sync_rule_meetings

__all__ = [
    "MeetingView",
    "NoticeMove",
    "PlanSchedule",
    "load_calendar",
    "load_schedule",
    "notice_moves",
]


@dataclass(frozen=True)
class MeetingView:
    """One month's meeting as it stands: from the rule, or set by a coordinator."""

    month: dt.date
    starts_at: dt.datetime
    manual: bool
    meeting_id: int | None


@dataclass(frozen=True)
class PlanSchedule:
    """A plan with its meetings and every planned round."""

    plan: Plan
    measures: tuple[MeasureSpec, ...]
    meetings: tuple[MeetingView, ...]
    rounds: tuple[PlannedRound, ...]
    # The working-day calendar the rounds were planned with (special holidays included).
    calendar: WorkCalendar

    def meeting_id(self, month: dt.date | None) -> int | None:
        """The stored meeting id of a month, if stored."""
        return next((m.meeting_id for m in self.meetings if m.month == month), None)


# The official holidays, computed once per process and year, whatever the special days are.
_OFFICIAL = WorkCalendar()


async def load_calendar(session: AsyncSession, base: WorkCalendar | None = None) -> WorkCalendar:
    """The working-day calendar as it stands: `base` (official holidays) plus the special ones.

    The one place the special holidays of the database join the calendar: every schedule,
    preview and warning takes its calendar from here.
    """
    return (base or _OFFICIAL).with_holidays(await holiday_names(session))


async def load_schedule(
    session: AsyncSession,
    plan: Plan,
    calendar: WorkCalendar,
    config: PlannerConfig,
    tz: dt.tzinfo,
    *,
    materialize: bool,
) -> PlanSchedule:
    """Compute the plan's schedule; with `materialize`, store the rule's meetings first.

    Previews (CLI, /meetings) pass materialize=False and write nothing: stored meetings
    override the rule in memory only.
    """
    measures = tuple(
        MeasureSpec(m.id, m.seq, m.cadence, m.start, m.end, m.division_ids)
        for m in await measure_rows(session, plan.id)
    )
    wanted = compute_rule_meetings(parse_rule(plan.meeting_rule), plan_months(measures), tz)
    if materialize:
        await sync_rule_meetings(session, plan.id, wanted)
    views = {
        month: MeetingView(month, starts_at, False, None) for month, starts_at in wanted.items()
    }
    for stored in await meetings_of(session, plan.id):
        views[stored.month] = MeetingView(stored.month, stored.starts_at, stored.manual, stored.id)
    meetings = tuple(v for _, v in sorted(views.items()))
    rounds = plan_rounds(measures, {m.month: m.starts_at for m in meetings}, calendar, config, tz)
    return PlanSchedule(plan, measures, meetings, tuple(rounds), calendar)


@dataclass(frozen=True)
class NoticeMove:
    """A notice not yet due whose due time a calendar change moves (None: it no longer exists)."""

    plan_code: str
    round_key: str
    kind: str
    before: dt.datetime | None
    after: dt.datetime | None


def notice_moves(
    before: PlanSchedule, after: PlanSchedule, now: dt.datetime
) -> tuple[NoticeMove, ...]:
    """The notices of the plan that are not yet due at `now` and move from `before` to `after`.

    A notice is recorded (and then sent) by the tick once due, so one due by `now` is out of
    reach: the move leaves it as it is, sent or on its way, and never sends it twice.
    """

    def due(schedule: PlanSchedule) -> dict[tuple[str, str], dt.datetime]:
        return {(r.key, n.kind): n.due_at for r in schedule.rounds for n in r.notices}

    old, new = due(before), due(after)
    moves = []
    for key in sorted(old.keys() | new.keys(), key=lambda k: (old.get(k) or new[k], k)):
        was, now_due = old.get(key), new.get(key)
        if was == now_due or (was is not None and was <= now):
            continue
        moves.append(NoticeMove(before.plan.code, key[0], key[1], was, now_due))
    return tuple(moves)
