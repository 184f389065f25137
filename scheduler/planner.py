"""What is due when: rounds and their notices, computed from the plan without any I/O.

Cadence and responsibility come only from the plan (each measure's `cadence` and divisions);
nothing here knows a division or a measure by name or number.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

from scheduler.fiscal import Quarter, quarters_ending_in
from scheduler.meetings import MeetingRule
from scheduler.thaidate import BE_OFFSET
from scheduler.workdays import WorkCalendar

__all__ = [
    "MONTHLY",
    "QUARTERLY",
    "Audience",
    "MeasureSpec",
    "PlannedNotice",
    "PlannedRound",
    "PlannerConfig",
    "earliest_live_end",
    "month_key",
    "plan_horizon",
    "plan_months",
    "plan_rounds",
    "rule_meetings",
]

MONTHLY = "monthly_meeting"
QUARTERLY = "quarterly"
# Who a notice goes to: every enrolled person of each division of the round, only the
# divisions still silent when it is due, or the coordinators.
Audience = Literal["divisions", "silent", "coordinators"]


@dataclass(frozen=True)
class MeasureSpec:
    """The planner's view of a measure: its cadence, period and responsible divisions."""

    id: int
    seq: int
    cadence: str
    start: dt.date
    end: dt.date
    division_ids: tuple[int, ...]


@dataclass(frozen=True)
class PlannerConfig:
    """The cadence numbers; every time of day is local (the calendar's zone)."""

    prompt_working_days_before: int = 5
    reminder_working_days_before: int = 2
    digest_working_days_before: int = 1
    # Read by scheduler.escalation (the planner itself plans no escalation).
    escalation_working_days_before: int = 1
    notice_time: dt.time = dt.time(9, 0)
    quarterly_reminder_working_days: tuple[int, ...] = (5, 10)
    quarterly_close_working_days: int = 20
    quarterly_digest_working_days_before_close: int = 1


@dataclass(frozen=True)
class PlannedNotice:
    """One notification of a round: its kind, audience, due time and stale time (UTC-aware)."""

    kind: str
    audience: Audience
    due_at: dt.datetime
    stale_at: dt.datetime


@dataclass(frozen=True)
class PlannedRound:
    """A round as planned: key, what it covers, when it opens and closes, items and notices."""

    kind: Literal["monthly", "quarterly"]
    key: str
    covers_start: dt.date
    covers_end: dt.date
    opens_at: dt.datetime
    closes_at: dt.datetime
    # (measure id, division id) pairs the round asks about.
    items: tuple[tuple[int, int], ...]
    notices: tuple[PlannedNotice, ...]
    meeting_month: dt.date | None = None
    quarter: Quarter | None = None
    measure_ids: tuple[int, ...] = field(default=())

    @property
    def division_ids(self) -> tuple[int, ...]:
        """The divisions asked in this round, in ascending id order."""
        return tuple(sorted({d for _, d in self.items}))


def month_key(month: dt.date) -> str:
    """The monthly round key: B.E. year and month, e.g. "2565-01" for January 2022."""
    return f"{month.year + BE_OFFSET}-{month.month:02d}"


def _month_starts(start: dt.date, end: dt.date) -> list[dt.date]:
    months, d = [], start.replace(day=1)
    while d <= end:
        months.append(d)
        d = (d + dt.timedelta(days=32)).replace(day=1)
    return months


def _month_end(month: dt.date) -> dt.date:
    return (month + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)


def plan_months(measures: Iterable[MeasureSpec]) -> list[dt.date]:
    """First days of every month that some measure's period touches, in order."""
    months: set[dt.date] = set()
    for m in measures:
        months.update(_month_starts(m.start, m.end))
    return sorted(months)


def rule_meetings(
    rule: MeetingRule, months: Iterable[dt.date], tz: dt.tzinfo
) -> dict[dt.date, dt.datetime]:
    """The rule's meeting in each month, as aware UTC datetimes keyed by the month's first day."""
    return {
        m: rule.datetime_in(m.year, m.month, tz).astimezone(dt.UTC) for m in sorted(set(months))
    }


def _at(d: dt.date, time: dt.time, tz: dt.tzinfo) -> dt.datetime:
    return dt.datetime.combine(d, time, tzinfo=tz).astimezone(dt.UTC)


def _monthly_round(
    month: dt.date,
    starts_at: dt.datetime,
    measures: Sequence[MeasureSpec],
    calendar: WorkCalendar,
    config: PlannerConfig,
    tz: dt.tzinfo,
) -> PlannedRound | None:
    last = _month_end(month)
    due = [m for m in measures if m.cadence == MONTHLY and m.start <= last and m.end >= month]
    items = tuple(sorted({(m.id, d) for m in due for d in m.division_ids}))
    if not items:
        return None
    meeting_day = starts_at.astimezone(tz).date()

    def before(n: int) -> dt.datetime:
        return _at(calendar.working_days_before(meeting_day, n), config.notice_time, tz)

    # Everything about a meeting is moot once it has started: that is every notice's stale time.
    notices = (
        PlannedNotice("prompt", "divisions", before(config.prompt_working_days_before), starts_at),
        PlannedNotice("reminder", "silent", before(config.reminder_working_days_before), starts_at),
        PlannedNotice(
            "digest", "coordinators", before(config.digest_working_days_before), starts_at
        ),
    )
    return PlannedRound(
        kind="monthly",
        key=month_key(month),
        covers_start=month,
        covers_end=last,
        opens_at=notices[0].due_at,
        closes_at=starts_at,
        items=items,
        notices=notices,
        meeting_month=month,
        measure_ids=tuple(sorted({m.id for m in due})),
    )


def _quarter_close_day(end: dt.date, calendar: WorkCalendar, config: PlannerConfig) -> dt.date:
    """The day a quarter ending on `end` closes: N working days after its request day."""
    request_day = calendar.next_working_day_after(end)
    return calendar.add_working_days(request_day, config.quarterly_close_working_days)


def _quarterly_round(
    quarter: Quarter,
    measures: Sequence[MeasureSpec],
    calendar: WorkCalendar,
    config: PlannerConfig,
    tz: dt.tzinfo,
) -> PlannedRound:
    items = tuple(sorted({(m.id, d) for m in measures for d in m.division_ids}))
    request_day = calendar.next_working_day_after(quarter.end)
    close_day = _quarter_close_day(quarter.end, calendar, config)
    closes_at = _at(close_day, config.notice_time, tz)
    notices = [
        PlannedNotice("request", "divisions", _at(request_day, config.notice_time, tz), closes_at)
    ]
    for i, n in enumerate(config.quarterly_reminder_working_days, start=1):
        due = _at(calendar.add_working_days(request_day, n), config.notice_time, tz)
        notices.append(PlannedNotice(f"reminder{i}", "silent", due, closes_at))
    digest_day = calendar.working_days_before(
        close_day, config.quarterly_digest_working_days_before_close
    )
    notices.append(
        PlannedNotice("digest", "coordinators", _at(digest_day, config.notice_time, tz), closes_at)
    )
    return PlannedRound(
        kind="quarterly",
        key=quarter.key,
        covers_start=quarter.start,
        covers_end=quarter.end,
        opens_at=notices[0].due_at,
        closes_at=closes_at,
        items=items,
        notices=tuple(n for n in notices if n.due_at < closes_at),
        quarter=quarter,
        measure_ids=tuple(sorted({m.id for m in measures})),
    )


def plan_rounds(
    measures: Sequence[MeasureSpec],
    meetings: Mapping[dt.date, dt.datetime],
    calendar: WorkCalendar,
    config: PlannerConfig,
    tz: dt.tzinfo,
) -> list[PlannedRound]:
    """Every round of the plan with its notices, ordered by opening time.

    Monthly: one round per meeting month that some monthly measure's period overlaps.
    Quarterly: one round per fiscal quarter that ends inside a quarterly measure's period,
    asking every quarterly measure whose period contains that quarter's end.
    """
    rounds: list[PlannedRound] = []
    for month, starts_at in sorted(meetings.items()):
        planned = _monthly_round(month, starts_at, measures, calendar, config, tz)
        if planned is not None:
            rounds.append(planned)
    by_quarter: dict[Quarter, list[MeasureSpec]] = {}
    for m in measures:
        if m.cadence == QUARTERLY and m.division_ids:
            for q in quarters_ending_in(m.start, m.end):
                by_quarter.setdefault(q, []).append(m)
    for q, qmeasures in sorted(by_quarter.items()):
        rounds.append(_quarterly_round(q, qmeasures, calendar, config, tz))
    rounds.sort(key=lambda r: (r.opens_at, r.key))
    return rounds


# How far back `earliest_live_end` looks for rounds closing long after their measures end.
_SEARCH_DAYS = 40 * 366


def plan_horizon(
    last_day: dt.date, calendar: WorkCalendar, config: PlannerConfig, tz: dt.tzinfo
) -> dt.datetime:
    """A moment after which no round of measures ending by `last_day` closes (UTC-aware).

    A monthly round closes at its meeting, inside its month (a stored meeting moved by hand
    is the caller's to look at); a quarterly one on its close day, which never comes earlier
    for a later quarter. Later `last_day`, later horizon.
    """
    after_month = _month_end(last_day) + dt.timedelta(days=1)
    monthly = _at(after_month, dt.time(0, 0), tz)
    quarterly = _at(_quarter_close_day(last_day, calendar, config), config.notice_time, tz)
    return max(monthly, quarterly)


def earliest_live_end(
    after: dt.datetime, calendar: WorkCalendar, config: PlannerConfig, tz: dt.tzinfo
) -> dt.date:
    """The first day a plan's measures may end on and still have a round closing after `after`.

    Measures that all end before this day have every round closed by `after`
    (`plan_horizon` is monotonic, so a binary search over days finds the boundary).
    """
    hi = after.astimezone(tz).date() + dt.timedelta(days=1)  # its horizon is past `after`
    step = 64
    lo = hi - dt.timedelta(days=step)
    while plan_horizon(lo, calendar, config, tz) > after:
        step *= 2
        if step > _SEARCH_DAYS:
            return dt.date.min  # rounds closing decades after their measures: take every plan
        lo = hi - dt.timedelta(days=step)
    # Invariant: horizon(lo) <= after < horizon(hi).
    while (hi - lo).days > 1:
        mid = lo + dt.timedelta(days=(hi - lo).days // 2)
        if plan_horizon(mid, calendar, config, tz) > after:
            hi = mid
        else:
            lo = mid
    return hi
