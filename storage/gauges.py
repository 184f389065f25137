"""What /metrics reads from the database at each scrape: deliveries by kind and state, downloads."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Delivery, Evidence


async def deliveries_by_kind_state(session: AsyncSession) -> dict[tuple[str, str], int]:
    """How many deliveries each (kind, state) has."""
    q = select(Delivery.kind, Delivery.state, func.count()).group_by(Delivery.kind, Delivery.state)
    return {(kind, state): int(n) for kind, state, n in (await session.execute(q)).all()}


async def downloads_pending(session: AsyncSession) -> int:
    """Evidence files not yet archived (their download is still to be done or retried)."""
    q = select(func.count()).select_from(Evidence).where(Evidence.fetch_state == "pending")
    return int(await session.scalar(q) or 0)
