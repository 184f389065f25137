"""The unit of work: one transaction per use case, so handlers and commands never hold a session."""

from __future__ import annotations

from types import TracebackType
from typing import Self

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker


class UnitOfWork:
    """One transaction: committed when the block ends cleanly, rolled back when it raises.

    Use cases run their storage queries on `uow.session` inside `async with core.uow() as uow:`.
    `commit()` makes what is done so far durable before the block goes on (for example, a dead
    draft is dropped before the person is told so).
    """

    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self._sessions = sessions
        self._session: AsyncSession | None = None

    @property
    def session(self) -> AsyncSession:
        """The transaction's session (only inside the `async with` block)."""
        if self._session is None:
            raise RuntimeError("the unit of work is used outside its `async with` block")
        return self._session

    async def __aenter__(self) -> Self:
        self._session = self._sessions()
        await self._session.begin()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        session = self.session
        try:
            if exc_type is None:
                await session.commit()
            else:
                await session.rollback()
        finally:
            await session.close()
            self._session = None

    async def commit(self) -> None:
        """Make the work so far durable; the block goes on in a new transaction."""
        await self.session.commit()
