"""Property-based fuzzing of incoming updates from strangers and from other divisions' people.

Whatever arrives (random text, commands, forged callback data, media, malformed updates), the bot
raises nothing unhandled and changes nothing in the database the sender may not change.

Each Hypothesis example is a short run of updates against a fresh copy of the same world (a copied
SQLite file; on PostgreSQL, the rows put back from a side schema), so a failure names the updates
that caused it and replays alone, instead of depending on everything earlier examples left behind.
"""

from __future__ import annotations

import asyncio
import shutil
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, or_, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker
from telegram import Update

from bot.telegram.app import build_application
from bot.telegram.callbacks import VERBS
from bot.telegram.handlers.evidence import SENDERS_KEY, EvidenceSenders
from bot.telegram.throttle import KEY as THROTTLE_KEY
from bot.telegram.throttle import Throttle
from storage.blobs import BlobStore
from storage.db import create_engine, session_factory
from storage.models import (
    Base,
    Delivery,
    Division,
    Draft,
    Evidence,
    EvidenceBlob,
    Invite,
    Measure,
    Meeting,
    Membership,
    PendingReview,
    Person,
    Report,
    Review,
    Round,
    RoundItem,
    StandIn,
)
from tests.bot.harness import bot_settings
from tests.conftest import truncate_all
from tests.factories import enrol, seed_plan
from tests.fakebot import FakeTelegram, fake_request_pair
from tests.round_factories import make_round

Sessions = async_sessionmaker[AsyncSession]
NOW = datetime(2022, 1, 20, 3, 0, tzinfo=UTC)
FIN_HEAD, PALAD_HEAD = 5001, 5002
STRANGERS = (5100, 5101)
# FIN's archived evidence: neither PALAD's head nor a stranger may ever receive it (issue 11).
SECRET_NAME = "ลับเฉพาะสำนักคลัง.pdf"
SECRET_BYTES = b"%PDF-1.4\n% FIN only\n" + bytes(range(256)) * 4

# Ids that exist in the seeded database, mixed with ones that do not.
small_ids = (
    st.integers(min_value=0, max_value=40)
    | st.integers(min_value=0, max_value=10**12)
    # Past PostgreSQL's INTEGER: such ids must be refused before any query (issue 13).
    | st.integers(min_value=2**31 - 2, max_value=2**31 + 2)
)
# Text a spreadsheet would run as a formula if it were written unchanged (issue 13).
formula_text = st.tuples(
    st.sampled_from(["=", "+", "-", "@", "\t", "\r", "＝"]), st.text(max_size=60)
).map("".join)


@st.composite
def callback_data(draw: st.DrawFn) -> str:
    """Well-formed callback data with random ids, or arbitrary junk."""
    if draw(st.booleans()):
        verb = draw(st.sampled_from(sorted(VERBS)))
        args = draw(st.lists(small_ids, min_size=VERBS[verb], max_size=VERBS[verb]))
        return ":".join([verb, *map(str, args)])
    return draw(st.text(min_size=1, max_size=64).filter(lambda s: len(s.encode()) <= 64))


COMMANDS = [
    "/start",
    "/help",
    "/report",
    "/cancel",
    "/whoami",
    "/summary",
    "/missing",
    "/history",
    "/export",
    "/review",
    "/away",
    "/meetings",
    "/members",
    "/invite",
    "/revoke",
    "/nonsense",
]

action = st.one_of(
    st.tuples(st.just("text"), st.text(max_size=300)),
    st.tuples(
        st.just("command"),
        st.tuples(st.sampled_from(COMMANDS), st.text(max_size=60)).map(" ".join),
    ),
    st.tuples(st.just("start_token"), st.text(alphabet="abcXYZ019-_", max_size=80)),
    st.tuples(st.just("press"), callback_data()),
    st.tuples(st.just("photo"), st.none()),
    st.tuples(st.just("document"), st.integers(min_value=0, max_value=60 * 2**20)),
    st.tuples(st.just("sticker"), st.none()),
    st.tuples(st.just("voice"), st.none()),
    st.tuples(st.just("location"), st.none()),
    st.tuples(st.just("raw"), st.sampled_from(["edited", "no_user", "channel_post", "empty"])),
    # Issue 13's inputs: formula-like answers, long texts split in two, albums, edits.
    st.tuples(st.just("text"), formula_text),
    st.tuples(st.just("split"), st.integers(min_value=1, max_value=5000)),
    st.tuples(st.just("album"), st.integers(min_value=2, max_value=11)),
    st.tuples(st.just("edit"), st.tuples(st.integers(0, 3), st.text(max_size=80))),
)


async def _snapshot(sessions: Sessions, fin_division_people: set[int]) -> dict[str, Any]:
    """What no stranger or other division may change.

    The audit log may grow, and PALAD's head may answer for PALAD (drafts and reports of
    their own division) and invite someone into it: only FIN's answers, everything about
    people and rounds, reviews, stand-ins and what the bot is to send count.
    """
    async with sessions() as s:
        counts = {}
        people = (Person, Membership)
        for model in (*people, Round, RoundItem, Review, PendingReview, Delivery, StandIn):
            counts[model.__tablename__] = await s.scalar(select(func.count()).select_from(model))
        fin = select(Division.id).where(Division.code == "FIN").scalar_subquery()
        # PALAD's head may invite someone into PALAD (/away's button): other invitations count.
        palad = select(Division.id).where(Division.code == "PALAD").scalar_subquery()
        counts["invites"] = await s.scalar(
            select(func.count())
            .select_from(Invite)
            .where(or_(Invite.division_id.is_(None), Invite.division_id != palad))
        )
        counts["fin_reports"] = await s.scalar(
            select(func.count()).select_from(Report).where(Report.division_id == fin)
        )
        counts["fin_evidence"] = await s.scalar(
            select(func.count())
            .select_from(Evidence)
            .join(Report, Report.id == Evidence.report_id)
            .where(Report.division_id == fin)
        )
        fin_drafts = await s.scalar(
            select(func.count())
            .select_from(Draft)
            .where(or_(Draft.person_id.in_(fin_division_people), Draft.division_id == fin))
        )
        persons = sorted((await s.execute(select(Person.id, Person.unreachable_since))).all())
        # Only coordinators and admins move meetings (issue 15); none of the fuzzed senders is.
        meetings = sorted((await s.execute(select(Meeting.month, Meeting.starts_at))).all())
    return {"counts": counts, "fin_drafts": fin_drafts, "persons": persons, "meetings": meetings}


def _enqueue(
    fake: FakeTelegram, anchor: dict[int, int], sender: int, kind: str, value: Any
) -> None:
    if (kind == "text" and value) or kind == "command":
        fake.send_text(sender, value)
    elif kind == "start_token":
        fake.send_text(sender, f"/start {value}")
    elif kind == "press":
        fake.press(sender, anchor[sender], value, strict=False)
    elif kind == "photo":
        fake.send_photo(sender)
    elif kind == "document":
        fake.send_document(sender, "x.pdf", "application/pdf", file_size=value)
    elif kind == "sticker":
        fake.send_sticker(sender)
    elif kind == "voice":
        fake.send_voice(sender)
    elif kind == "location":
        fake.send_location(sender)
    elif kind == "split":
        # What Telegram does with a text over 4,096 units: a full part, then the rest.
        fake.send_text(sender, "ก" * 4096)
        fake.send_text(sender, "ข" * value)
    elif kind == "album":
        for _ in range(value):
            info = fake._store_file(b"\xff\xd8\xff" + bytes(64), "photos/file_{n}.jpg").as_json()
            fake._user_message(
                sender, photo=[info | {"width": 90, "height": 60}], media_group_id="a"
            )
    elif kind == "edit":
        back, words = value
        message_id = max(1, fake._next_msg_id(sender) - 1 - back)
        fake.send_raw_update(
            {
                "edited_message": {
                    "message_id": message_id,
                    "date": 1,
                    "edit_date": 2,
                    "chat": {"id": sender, "type": "private"},
                    "from": {"id": sender, "is_bot": False, "first_name": "x"},
                    "text": words or "x",
                }
            }
        )
    elif kind == "raw":
        shapes: dict[str, dict[str, Any]] = {
            "edited": {
                "edited_message": {
                    "message_id": 1,
                    "date": 1,
                    "edit_date": 2,
                    "chat": {"id": sender, "type": "private"},
                    "from": {"id": sender, "is_bot": False, "first_name": "x"},
                    "text": "/report",
                }
            },
            "no_user": {
                "message": {"message_id": 1, "date": 1, "chat": {"id": sender, "type": "private"}}
            },
            "channel_post": {
                "channel_post": {
                    "message_id": 1,
                    "date": 1,
                    "chat": {"id": -100123, "type": "channel"},
                    "text": "/start",
                }
            },
            "empty": {},
        }
        fake.send_raw_update(shapes[value])


def test_fuzzed_updates_change_nothing_they_may_not(db_url: str) -> None:
    # Hypothesis drives plain functions: run the bot on an event loop of our own.
    loop = asyncio.new_event_loop()
    try:
        loop.run_until_complete(_fuzz(loop, db_url))
    finally:
        loop.close()


def targeted(
    items: list[tuple[int, int, int]], reports: list[int]
) -> st.SearchStrategy[tuple[str, Any]]:
    """Presses aimed at real round items and answers (other divisions' included)."""
    item = st.sampled_from(items)
    answering = st.one_of(
        item.map(lambda i: f"m:{i[0]}:{i[1]}:{i[2]}"),
        item.map(lambda i: f"nc:{i[0]}:{i[1]}:{i[2]}"),
        st.tuples(item, st.integers(0, 4)).map(lambda x: "st:{}:{}:{}:{}".format(*x[0], x[1])),
        st.integers(0, 5).map(lambda n: f"ok:{n}"),
        st.integers(0, 5).map(lambda n: f"x:{n}"),
    )
    # As often as all of those: an answer's evidence files by report id (FIN's first).
    evidence = st.sampled_from(reports).map(lambda r: f"ev:{r}")
    # Reviewing FIN's answer (issue 14): open, accept, return; none of the fuzzed may.
    review = st.one_of(
        st.tuples(st.sampled_from(["rw", "ra", "rr"]), st.sampled_from(reports)).map(
            lambda x: f"{x[0]}:{x[1]}"
        ),
        st.sampled_from(["rx", "rq"]),
    )
    # Moving January's meeting (issue 15), with real months, days and times: refused to all.
    month = st.sampled_from([202112, 202201, 202202, 202213, 0])
    moving = st.one_of(
        month.map(lambda m: f"mvm:{m}"),
        st.tuples(month, st.integers(0, 32)).map(lambda x: "mvd:{}:{}".format(*x)),
        st.tuples(
            st.sampled_from(["mvt", "mvy"]), month, st.integers(0, 32), st.integers(0, 2460)
        ).map(lambda x: "{}:{}:{}:{}".format(*x)),
        st.sampled_from(["mvx", "nop"]),
    )
    # A stand-in for FIN's head or by PALAD's (issue 14): people by id, days around NOW.
    today = NOW.date().toordinal()
    person, day = st.integers(1, 6), st.integers(today - 3, today + 10)
    away = st.one_of(
        person.map(lambda p: f"aws:{p}"),
        st.tuples(person, day).map(lambda x: f"awf:{x[0]}:{x[1]}"),
        st.tuples(person, day, day).map(lambda x: "awt:{}:{}:{}".format(*x)),
        st.integers(0, 3).map(lambda n: f"awx:{n}"),
        st.just("awi"),
    )
    return st.tuples(st.just("press"), st.one_of(answering, evidence, review, moving, away))


async def _items(sessions: Sessions) -> list[tuple[int, int, int]]:
    async with sessions() as s:
        rows = await s.execute(
            select(RoundItem.round_id, RoundItem.measure_id, RoundItem.division_id)
        )
        return [(r, m, d) for r, m, d in rows]


async def _fin_answer(sessions: Sessions, round_id: int, person: int, blobs: BlobStore) -> int:
    """FIN's answer to measure 1 with an archived PDF (its bytes in the archive) and a link."""
    with blobs.incoming() as part:
        part.write_bytes(SECRET_BYTES)
        sha = blobs.keep(part).sha256
    async with sessions() as s, s.begin():
        fin = await s.scalar(select(Division.id).where(Division.code == "FIN"))
        m1 = await s.scalar(select(Measure.id).where(Measure.seq == 1))
        assert fin is not None and m1 is not None
        report = Report(
            round_id=round_id, measure_id=m1, division_id=fin, person_id=person, status="done"
        )
        s.add(report)
        s.add(EvidenceBlob(sha256=sha, size=len(SECRET_BYTES), media_type="application/pdf"))
        await s.flush()
        s.add(
            Evidence(
                report_id=report.id,
                kind="document",
                file_id="FIN-FILE",
                file_name=SECRET_NAME,
                mime_type="application/pdf",
                fetch_state="archived",
                sha256=sha,
                received_at=NOW,
            )
        )
        s.add(Evidence(report_id=report.id, kind="link", url="https://fin.invalid/secret"))
        return report.id


async def _world(engine: AsyncEngine, blobs: BlobStore) -> tuple[set[int], int]:
    """The seeded world: the people, the round, and FIN's answer with evidence (its id)."""
    if engine.dialect.name == "postgresql":
        await truncate_all(engine)
    sessions = session_factory(engine)
    await seed_plan(sessions)
    fin_head = await enrol(sessions, FIN_HEAD, "head", "FIN")
    await enrol(sessions, PALAD_HEAD, "head", "PALAD")
    round_id = await make_round(
        sessions,
        "2565-01",
        opens_at=NOW - timedelta(days=1),
        closes_at=NOW + timedelta(days=5),
        items=[(1, "FIN"), (3, "FIN"), (3, "PALAD")],
    )
    return {fin_head}, await _fin_answer(sessions, round_id, fin_head, blobs)


def _leaks(fake: FakeTelegram) -> list[str]:
    """What FIN's evidence reached a fuzzed sender as: uploaded bytes, its name or its link."""
    found = []
    for uid in (PALAD_HEAD, *STRANGERS):
        for m in fake.messages(uid):
            words = f"{m.text or ''} {m.caption or ''} {m.file_name or ''}"
            if m.file_bytes == SECRET_BYTES or SECRET_NAME in words or "fin.invalid" in words:
                found.append(f"{uid}: {m.kind} {words[:80]}")
    return found


WORLD_SCHEMA = "fuzz_world"


async def _restorer(engine: AsyncEngine, db_url: str) -> Callable[[], Awaitable[None]]:
    """A function that puts the database back to the world as it is now, for every example."""
    if engine.dialect.name == "postgresql":
        return await _pg_restorer(engine)
    path = Path(make_url(db_url).database or "")
    template = path.with_name(f"{path.stem}-world{path.suffix}")
    await engine.dispose()  # closing the last connection checkpoints the WAL into the file
    shutil.copy(path, template)

    def replace_file() -> None:
        for suffix in ("-wal", "-shm", "-journal"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        shutil.copy(template, path)

    async def copy() -> None:
        await engine.dispose()  # the bot's next session opens the fresh copy
        replace_file()

    return copy


async def _pg_restorer(engine: AsyncEngine) -> Callable[[], Awaitable[None]]:
    """On PostgreSQL: keep a copy of every table's rows aside and put them back each time.

    (Seeding again per example would cost a plan import each time; this is a few statements.)
    """
    tables = [t.name for t in Base.metadata.sorted_tables]
    with_ids = [t.name for t in Base.metadata.sorted_tables if "id" in t.c]
    async with engine.begin() as conn:
        await conn.execute(text(f"DROP SCHEMA IF EXISTS {WORLD_SCHEMA} CASCADE"))
        await conn.execute(text(f"CREATE SCHEMA {WORLD_SCHEMA}"))
        for name in tables:
            await conn.execute(text(f'CREATE TABLE {WORLD_SCHEMA}."{name}" AS TABLE "{name}"'))

    async def put_back() -> None:
        async with engine.begin() as conn:
            # DELETE, not TRUNCATE: on tables this small it is some forty times faster.
            for name in reversed(tables):
                await conn.execute(text(f'DELETE FROM "{name}"'))
            for name in tables:
                saved = f'{WORLD_SCHEMA}."{name}"'
                await conn.execute(text(f'INSERT INTO "{name}" SELECT * FROM {saved}'))
            # New rows get the ids they got in the world itself: the same forged presses hit.
            for name in with_ids:
                await conn.execute(
                    text(
                        f"SELECT setval(pg_get_serial_sequence('\"{name}\"', 'id'), "
                        f'COALESCE(MAX(id), 0) + 1, false) FROM "{name}"'
                    )
                )

    return put_back


async def _fuzz(loop: asyncio.AbstractEventLoop, db_url: str) -> None:
    engine = create_engine(db_url)
    sessions = session_factory(engine)
    fake = FakeTelegram()
    settings_ = bot_settings(fake, db_url)
    fin_people, fin_report = await _world(engine, BlobStore(settings_.evidence_dir))
    for uid in (FIN_HEAD, PALAD_HEAD, *STRANGERS):
        fake.add_user(uid)
    request, updates_request = fake_request_pair(fake)
    app = build_application(
        settings_,
        engine,
        request=request,
        get_updates_request=updates_request,
        clock=lambda: NOW,
    )
    errors: list[BaseException | None] = []

    async def record(update: object, context: Any) -> None:
        errors.append(context.error)

    app.add_error_handler(record)
    await app.initialize()
    # Every update reaches the handlers: the throttle has its own tests (tests/unit).
    app.bot_data[THROTTLE_KEY] = Throttle(capacity=10**9)
    # Every sender gets one bot message whose (forged) buttons the fuzzer can press.
    anchor: dict[int, int] = {}
    for uid in (PALAD_HEAD, *STRANGERS):
        fake.send_text(uid, "/help")
        for raw in fake.take_updates():
            await app.process_update(Update.de_json(raw, app.bot))
        anchor[uid] = fake.last_message(uid).message_id
    baseline = await _snapshot(sessions, fin_people)
    aimed_presses = targeted(await _items(sessions), [fin_report, fin_report + 1, 0])
    restore = await _restorer(engine, db_url)

    async def run_example(steps: list[tuple[int, tuple[str, Any]]]) -> None:
        await restore()
        errors.clear()
        assert await _snapshot(sessions, fin_people) == baseline, "the world was not restored"
        for sender, act in steps:
            _enqueue(fake, anchor, sender, *act)
            for raw in fake.take_updates():
                await app.process_update(Update.de_json(raw, app.bot))
            senders = app.bot_data.get(SENDERS_KEY)
            if isinstance(senders, EvidenceSenders):
                await senders.drain()  # evidence goes out in tasks of its own
            assert errors == []
            assert await _snapshot(sessions, fin_people) == baseline
            assert _leaks(fake) == []

    step = st.tuples(
        st.sampled_from([PALAD_HEAD, *STRANGERS]),
        # Half the time a press aimed at a real item: the likeliest place for a hole.
        st.booleans().flatmap(lambda aimed: aimed_presses if aimed else action),
    )

    # About as many updates in all as one long run of 120 used to send, in short sequences
    # (a status, then text, then a confirm press can chain within one example).
    @settings(
        max_examples=60,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(steps=st.lists(step, min_size=1, max_size=3))
    def one(steps: list[tuple[int, tuple[str, Any]]]) -> None:
        # Called by Hypothesis from inside our running loop's thread: hop to a helper thread.
        asyncio.run_coroutine_threadsafe(run_example(steps), loop).result()

    try:
        await asyncio.to_thread(one)
    finally:
        await app.shutdown()
        if engine.dialect.name == "postgresql":
            async with engine.begin() as conn:
                await conn.execute(text(f"DROP SCHEMA IF EXISTS {WORLD_SCHEMA} CASCADE"))
        await engine.dispose()
