"""Years of follow-up history as rows, made with the planner, for tests and benchmarks of scale.

`History` lays out an organization (divisions, enrolled people, coordinators) and then, plan by
plan (one per fiscal year), what a running bot would have left behind by a moment `until`: the
plan and its measures, the rule's meetings, every round opened by then with its items, answers
(all of them for a closed round, some for an open one) and a `sent` delivery for every notice
that fell due, keyed exactly as the tick keys them. Rows are plain dicts for SQLAlchemy core
inserts (fast enough for a million deliveries); each plan's rows are made on demand so that a
century of history never sits in memory at once.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Table, insert, text
from sqlalchemy.ext.asyncio import AsyncEngine

from scheduler.meetings import parse_rule
from scheduler.planner import (
    MONTHLY,
    QUARTERLY,
    MeasureSpec,
    PlannedNotice,
    PlannedRound,
    PlannerConfig,
    plan_months,
    plan_rounds,
    rule_meetings,
)
from scheduler.thaidate import BE_OFFSET
from scheduler.workdays import WorkCalendar
from storage.keys import delivery_key
from storage.models import (
    Delivery,
    Division,
    Measure,
    MeasureResponsibility,
    Meeting,
    Membership,
    Organization,
    Person,
    Plan,
    Report,
    Round,
    RoundItem,
)

RULE = "last wednesday 09:30"
BKK = ZoneInfo("Asia/Bangkok")
FIRST_CHAT = 70_000_000
# Tables in the order their rows can be inserted (foreign keys first).
ORDER: tuple[Table, ...] = tuple(
    m.__table__  # type: ignore[misc]
    for m in (
        Organization,
        Division,
        Person,
        Membership,
        Plan,
        Measure,
        MeasureResponsibility,
        Meeting,
        Round,
        RoundItem,
        Report,
        Delivery,
    )
)
Rows = dict[Table, list[dict[str, Any]]]


@dataclass(frozen=True)
class Staff:
    """Who is enrolled: `people` spread evenly over the divisions (the first of each is its
    head), plus coordinators."""

    divisions: int = 20
    people: int = 600
    coordinators: int = 2
    monthly_measures: int = 6
    # The quarterly measure is owed by this many divisions (the first ones).
    quarterly_divisions: int = 2

    def division_of(self, person_id: int) -> int:
        """The division (id) a division person belongs to."""
        return (person_id - 1) % self.divisions + 1

    def coordinator_ids(self) -> range:
        """Person ids of the coordinators (after the division people)."""
        return range(self.people + 1, self.people + self.coordinators + 1)


def fiscal_year_period(fiscal_year_be: int) -> tuple[dt.date, dt.date]:
    """First and last day of a Thai fiscal year (B.E. 2573 = 1 Oct 2029 - 30 Sep 2030)."""
    end_year = fiscal_year_be - BE_OFFSET
    return dt.date(end_year - 1, 10, 1), dt.date(end_year, 9, 30)


@dataclass
class History:
    """Builds the rows; ids are given explicitly, so start from an empty database."""

    staff: Staff = field(default_factory=Staff)
    calendar: WorkCalendar = field(default_factory=WorkCalendar)
    planner: PlannerConfig = field(default_factory=PlannerConfig)
    tz: dt.tzinfo = BKK
    _ids: dict[str, Iterator[int]] = field(default_factory=dict)

    def _next(self, table: str) -> int:
        return next(self._ids.setdefault(table, itertools.count(1)))

    def organization(self) -> Rows:
        """The organization, its divisions, people and their memberships."""
        s, at = self.staff, dt.datetime(2000, 1, 1, tzinfo=dt.UTC)
        people = [*range(1, s.people + 1), *s.coordinator_ids()]
        return {
            Organization.__table__: [{"id": 1, "code": "hist", "name_th": "เทศบาล"}],
            Division.__table__: [
                {"id": d, "organization_id": 1, "code": f"D{d:03d}", "name_th": f"กอง {d}"}
                for d in range(1, s.divisions + 1)
            ],
            Person.__table__: [
                {
                    "id": p,
                    "telegram_user_id": FIRST_CHAT + p,
                    "chat_id": FIRST_CHAT + p,
                    "name": f"คน {p}",
                    "language": "th",
                    "created_at": at,
                }
                for p in people
            ],
            Membership.__table__: [
                {
                    "id": p,
                    "person_id": p,
                    "division_id": None if p > s.people else s.division_of(p),
                    "role": "coordinator"
                    if p > s.people
                    else "head"
                    if p <= s.divisions
                    else "member",
                    "created_at": at,
                }
                for p in people
            ],
        }

    def _measures(self, plan_id: int, fiscal_year_be: int) -> tuple[Rows, list[MeasureSpec]]:
        s = self.staff
        start, end = fiscal_year_period(fiscal_year_be)
        rows: Rows = {Measure.__table__: [], MeasureResponsibility.__table__: []}
        specs = []
        for seq in range(1, s.monthly_measures + 2):
            quarterly = seq > s.monthly_measures
            measure_id = self._next("measure")
            divisions = range(1, (s.quarterly_divisions if quarterly else s.divisions) + 1)
            cadence = QUARTERLY if quarterly else MONTHLY
            rows[Measure.__table__].append(
                {
                    "id": measure_id,
                    "plan_id": plan_id,
                    "seq": seq,
                    "title_th": f"มาตรการที่ {seq}",
                    "period_start": start,
                    "period_end": end,
                    "followup_cadence": cadence,
                    "indicator_seqs": [],
                }
            )
            rows[MeasureResponsibility.__table__] += [
                {"measure_id": measure_id, "division_id": d} for d in divisions
            ]
            specs.append(MeasureSpec(measure_id, seq, cadence, start, end, tuple(divisions)))
        return rows, specs

    def schedule(self, fiscal_year_be: int) -> list[PlannedRound]:
        """The rounds a fiscal year's plan has (times only: its measure ids are made up)."""
        start, end = fiscal_year_period(fiscal_year_be)
        s = self.staff
        specs = [
            MeasureSpec(1, 1, MONTHLY, start, end, tuple(range(1, s.divisions + 1))),
            MeasureSpec(2, 2, QUARTERLY, start, end, tuple(range(1, s.quarterly_divisions + 1))),
        ]
        wanted = rule_meetings(parse_rule(RULE), plan_months(specs), self.tz)
        return plan_rounds(specs, wanted, self.calendar, self.planner, self.tz)

    def plan(self, fiscal_year_be: int, until: dt.datetime) -> Rows:
        """One fiscal year's plan and everything a bot running until `until` made of it."""
        plan_id = self._next("plan")
        rows: Rows = {t: [] for t in ORDER}
        rows[Plan.__table__].append(
            {
                "id": plan_id,
                "organization_id": 1,
                "code": f"hist-{fiscal_year_be}",
                "title_th": f"มาตรการ {fiscal_year_be}",
                "fiscal_year_be": fiscal_year_be,
                "meeting_name_th": "ประชุม",
                "meeting_rule": RULE,
                "imported_at": dt.datetime(2000, 1, 1, tzinfo=dt.UTC),
            }
        )
        measure_rows, specs = self._measures(plan_id, fiscal_year_be)
        rows.update(measure_rows)
        wanted = rule_meetings(parse_rule(RULE), plan_months(specs), self.tz)
        meeting_ids = {}
        for month, starts_at in wanted.items():
            meeting_ids[month] = self._next("meeting")
            rows[Meeting.__table__].append(
                {
                    "id": meeting_ids[month],
                    "plan_id": plan_id,
                    "month": month,
                    "starts_at": starts_at,
                    "manual": False,
                    "updated_at": starts_at,
                }
            )
        for planned in plan_rounds(specs, wanted, self.calendar, self.planner, self.tz):
            if planned.opens_at <= until:
                meeting_id = (
                    meeting_ids.get(planned.meeting_month) if planned.meeting_month else None
                )
                self._round(rows, plan_id, planned, meeting_id, until)
        return rows

    def _round(
        self,
        rows: Rows,
        plan_id: int,
        planned: PlannedRound,
        meeting_id: int | None,
        until: dt.datetime,
    ) -> None:
        round_id = self._next("round")
        rows[Round.__table__].append(
            {
                "id": round_id,
                "plan_id": plan_id,
                "kind": planned.kind,
                "key": planned.key,
                "meeting_id": meeting_id,
                "covers_start": planned.covers_start,
                "covers_end": planned.covers_end,
                "opens_at": planned.opens_at,
                "closes_at": planned.closes_at,
                "created_at": planned.opens_at,
            }
        )
        closed = planned.closes_at <= until
        divisions = planned.division_ids
        # An open round: the first half of its divisions have answered, the rest are silent.
        answered = set(divisions if closed else divisions[: len(divisions) // 2])
        for measure_id, division_id in planned.items:
            rows[RoundItem.__table__].append(
                {"round_id": round_id, "measure_id": measure_id, "division_id": division_id}
            )
            if division_id in answered:
                rows[Report.__table__].append(
                    {
                        "round_id": round_id,
                        "measure_id": measure_id,
                        "division_id": division_id,
                        "person_id": division_id,  # the division's head
                        "status": "done",
                        "text": "ดำเนินการตามแผนเรียบร้อยแล้ว",
                        "late": False,
                        "created_at": planned.opens_at,
                    }
                )
        # Who was silent when a reminder fell due: in a closed round, every third division.
        silent = [d for d in divisions if d not in answered or (closed and d % 3 == 0)]
        for notice in planned.notices:
            if notice.due_at <= until:
                rows[Delivery.__table__] += self._sent(round_id, notice, divisions, silent)

    def _sent(
        self,
        round_id: int,
        notice: PlannedNotice,
        divisions: Sequence[int],
        silent: Sequence[int],
    ) -> list[dict[str, Any]]:
        s = self.staff
        if notice.audience == "coordinators":
            targets: list[tuple[int | None, int]] = [(None, p) for p in s.coordinator_ids()]
        else:
            wanted = set(silent if notice.audience == "silent" else divisions)
            targets = [
                (s.division_of(p), p) for p in range(1, s.people + 1) if s.division_of(p) in wanted
            ]
        return [
            {
                "key": delivery_key(notice.kind, round_id, division_id, person_id),
                "kind": notice.kind,
                "round_id": round_id,
                "division_id": division_id,
                "person_id": person_id,
                "chat_id": FIRST_CHAT + person_id,
                "due_at": notice.due_at,
                "stale_at": notice.stale_at,
                "state": "sent",
                "attempts": 1,
                "telegram_message_id": person_id,
                "sent_at": notice.due_at,
                "last_error": "",
                "created_at": notice.due_at,
            }
            for division_id, person_id in targets
        ]


def chunks(rows: list[dict[str, Any]], size: int = 10_000) -> Iterator[list[dict[str, Any]]]:
    """The rows in slices of `size` (one executemany each)."""
    for start in range(0, len(rows), size):
        yield rows[start : start + size]


async def insert_rows(engine: AsyncEngine, rows: Rows) -> None:
    """Insert the rows in foreign-key order, in one transaction."""
    async with engine.begin() as conn:
        for table in ORDER:
            for part in chunks(rows.get(table, [])):
                await conn.execute(insert(table), part)


async def follow_sequences(engine: AsyncEngine) -> None:
    """On PostgreSQL, move each id sequence past the ids given explicitly (no-op on SQLite)."""
    if engine.dialect.name != "postgresql":
        return
    async with engine.begin() as conn:
        for table in ORDER:
            if "id" in table.c:
                name = table.name
                await conn.execute(
                    text(
                        f"SELECT setval(pg_get_serial_sequence('\"{name}\"', 'id'), "
                        f'coalesce((SELECT max(id) FROM "{name}"), 0) + 1, false)'
                    )
                )
