"""The archiver's rules with a stand-in for the channel: pauses, giving up, reuse, claims."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.telegram.archiving import ArchiveRunner
from bot.usecases import evidence
from bot.usecases.core import Core
from storage.models import Division, Evidence, Measure, Report
from tests.bot.harness import Clock
from tests.factories import enrol, seed_plan
from tests.round_factories import make_round

Sessions = async_sessionmaker[AsyncSession]


class Channel:
    """Serves file bytes by id, failing as told; counts downloads (the Bot API's stand-in)."""

    def __init__(self, files: dict[str, bytes]) -> None:
        self.files = files
        self.calls: list[str] = []
        self.fail: evidence.FetchFailed | None = None
        self.gate: asyncio.Event | None = None
        self.two_started = asyncio.Event()

    async def download(self, file_id: str, dest: Path) -> None:
        self.calls.append(file_id)
        if len(self.calls) == 2:
            self.two_started.set()
        if self.gate is not None:
            await self.gate.wait()
        if self.fail is not None:
            raise self.fail
        await asyncio.to_thread(dest.write_bytes, self.files[file_id])


async def _answer_with(sessions: Sessions, *files: tuple[str, str]) -> int:
    """A confirmed answer holding pending files given as (file_id, file_unique_id)."""
    await seed_plan(sessions)
    person = await enrol(sessions, 501, "head", "FIN")
    opens = datetime(2022, 1, 19, 2, 0, tzinfo=UTC)
    rnd = await make_round(
        sessions, "2565-01", opens_at=opens, closes_at=opens + timedelta(days=7), items=[(1, "FIN")]
    )
    async with sessions() as s, s.begin():
        measure = await s.scalar(select(Measure.id).where(Measure.seq == 1))
        division = await s.scalar(select(Division.id).where(Division.code == "FIN"))
        assert measure is not None and division is not None
        rows = [
            Evidence(
                kind="document",
                file_id=fid,
                file_unique_id=uid,
                file_name=f"{fid}.pdf",
                mime_type="application/pdf",
                fetch_state="pending",
                fetch_after=opens,
                sender_id=person,
                received_at=opens,
            )
            for fid, uid in files
        ]
        report = Report(
            round_id=rnd,
            measure_id=measure,
            division_id=division,
            person_id=person,
            status="done",
            text="ทำแล้ว",
            evidence=rows,
        )
        s.add(report)
        await s.flush()
        return report.id


async def _states(sessions: Sessions) -> list[tuple[str, int]]:
    async with sessions() as s:
        rows = await s.execute(
            select(Evidence.fetch_state, Evidence.fetch_attempts).order_by(Evidence.id)
        )
        return [(r[0], r[1]) for r in rows]


def test_the_pause_doubles_from_a_minute_to_at_most_an_hour() -> None:
    pauses = [evidence.pause_after(n) for n in range(1, 10)]
    assert pauses[:4] == [timedelta(minutes=m) for m in (1, 2, 4, 8)]
    assert max(pauses) == timedelta(hours=1) == pauses[-1]


async def test_a_file_telegram_no_longer_has_is_lost_only_after_three_tries(
    core: Core, clock: Clock, sessions: Sessions
) -> None:
    await _answer_with(sessions, ("F1", "U1"))
    channel = Channel({})
    channel.fail = evidence.FetchFailed("wrong file_id", permanent=True)
    for tries in (1, 2):
        await evidence.archive_due(core, channel)
        assert await _states(sessions) == [("pending", tries)]
        clock.now += timedelta(hours=1)
    done = await evidence.archive_due(core, channel)
    assert done.lost == 1 and await _states(sessions) == [("lost", 3)]
    clock.now += timedelta(days=1)
    await evidence.archive_due(core, channel)
    assert len(channel.calls) == 3  # a lost file is not tried again


async def test_passing_faults_are_tried_again_without_end(
    core: Core, clock: Clock, sessions: Sessions
) -> None:
    await _answer_with(sessions, ("F1", "U1"))
    channel = Channel({"F1": b"%PDF-1.4 one"})
    channel.fail = evidence.FetchFailed("Bad Gateway")
    for _ in range(8):
        await evidence.archive_due(core, channel)
        clock.now += timedelta(hours=1)
    assert await _states(sessions) == [("pending", 8)]
    channel.fail = None
    await evidence.archive_due(core, channel)
    assert await _states(sessions) == [("archived", 9)]


async def test_a_file_already_archived_under_its_unique_id_is_not_downloaded_again(
    core: Core, sessions: Sessions
) -> None:
    await _answer_with(sessions, ("F1", "U1"), ("F2", "U1"))
    channel = Channel({"F1": b"same", "F2": b"same"})
    channel.gate = None
    await evidence.archive_due(core, channel, limit=1)
    await evidence.archive_due(core, channel)
    assert channel.calls == ["F1"]
    async with sessions() as s:
        hashes = set(await s.scalars(select(Evidence.sha256)))
    assert len(hashes) == 1 and await _states(sessions) == [("archived", 1)] * 2


async def test_two_passes_at_once_download_each_file_once(core: Core, sessions: Sessions) -> None:
    await _answer_with(sessions, ("F1", "U1"), ("F2", "U2"))
    channel = Channel({"F1": b"one", "F2": b"two"})
    channel.gate = asyncio.Event()
    first = asyncio.create_task(evidence.archive_due(core, channel))
    await channel.two_started.wait()  # both files claimed and downloading in the first pass
    second = await evidence.archive_due(core, channel)
    channel.gate.set()
    done = await first
    assert sorted(channel.calls) == ["F1", "F2"]
    assert done.archived == 2 and second.archived == 0
    assert await _states(sessions) == [("archived", 1)] * 2


async def test_a_burst_of_files_is_archived_in_one_run_not_one_batch_per_tick(
    core: Core, sessions: Sessions
) -> None:
    # More files than one pass takes (20), and no wake after the first: the run goes on.
    files = [(f"F{i}", f"U{i}") for i in range(45)]
    await _answer_with(sessions, *files)
    channel = Channel({fid: fid.encode() for fid, _ in files})
    await ArchiveRunner(core, channel).run()
    assert await _states(sessions) == [("archived", 1)] * 45
