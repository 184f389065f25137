"""What every use case needs: a unit of work per call, the clock, and the rules' numbers."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.filetypes import MAX_FILE_BYTES
from bot.usecases.rendering import InThread, Renderer
from bot.usecases.uow import UnitOfWork
from scheduler.planner import PlannerConfig
from storage.blobs import BlobStore
from storage.types import utcnow

Clock = Callable[[], datetime]


@dataclass(frozen=True)
class Rules:
    """The numbers the rules depend on, from the settings (the composition root fills them)."""

    tz: ZoneInfo
    planner: PlannerConfig
    # Answers after a round closes are still taken, marked late, for this many days.
    late_answer_days: int = 14
    default_language: str = "th"
    # Where evidence files are archived, and the largest file an answer takes.
    evidence_dir: Path = Path("data/evidence")
    max_file_bytes: int = MAX_FILE_BYTES


@dataclass
class Signals:
    """Hooks the use cases call and the composition root fills (by default they do nothing)."""

    # An answer with files was confirmed: the archiver may fetch them now.
    evidence_waiting: Callable[[], None] = field(default=lambda: None)


@dataclass(frozen=True)
class Core:
    """The use cases' dependencies; channel-free, shared by the Telegram face and the CLI."""

    sessions: async_sessionmaker[AsyncSession]
    rules: Rules
    # The current UTC time; tests pass a controlled clock so no test waits for a schedule.
    clock: Clock = field(default=utcnow)
    signals: Signals = field(default_factory=Signals)
    # Where report files are rendered (the bot: a worker process; bot/usecases/rendering.py).
    renderer: Renderer = field(default_factory=InThread)

    def uow(self) -> UnitOfWork:
        """A new unit of work (one transaction)."""
        return UnitOfWork(self.sessions)

    def now(self) -> datetime:
        """The current UTC time by the core's clock."""
        return self.clock()

    def today(self) -> date:
        """The local date (the rules' time zone) by the core's clock: what decides the plan year."""
        return self.now().astimezone(self.rules.tz).date()

    def blobs(self) -> BlobStore:
        """The evidence archive on disk."""
        return BlobStore(self.rules.evidence_dir)
