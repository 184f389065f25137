"""Text from outside is stored without control characters (PostgreSQL refuses NUL)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.usecases.drafts import extend_draft, start_draft
from storage import audit
from storage.drafts import item_context
from storage.models import AuditEvent, Division, Draft, Measure
from storage.text import clean_json, clean_text
from tests.factories import enrol, seed_plan
from tests.round_factories import make_round

NOW = datetime(2022, 1, 20, 3, 0, tzinfo=UTC)


def test_clean_text_keeps_lines_and_thai() -> None:
    assert clean_text("ก\x00ข\tค\nง\r\x1b[0m\x7f") == "กข\tค\nง\r[0m"
    assert clean_json({"a\x00": ["x\x00", 1, None]}) == {"a": ["x", 1, None]}


async def test_nul_in_an_answer_or_audit_detail_is_stored_cleanly(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    await seed_plan(sessions)
    person = await enrol(sessions, 8001, "head", "FIN")
    rid = await make_round(
        sessions,
        "2565-01",
        opens_at=NOW - timedelta(days=1),
        closes_at=NOW + timedelta(days=5),
        items=[(1, "FIN")],
    )
    async with sessions() as s, s.begin():
        measure = await s.scalar(select(Measure.id).where(Measure.seq == 1))
        fin = await s.scalar(select(Division.id).where(Division.code == "FIN"))
        assert measure is not None and fin is not None
        ctx = await item_context(s, rid, measure, fin)
        assert ctx is not None
        draft = await start_draft(s, person, ctx, status="done", now=NOW)
        extend_draft(
            draft,
            text="ทำแล้ว\x00",
            evidence=[{"kind": "document", "file_name": "a\x00.pdf"}],
            now=NOW,
        )
        await audit.record(s, audit.ACTION_REFUSED, detail={"data": "st:\x00"})
    async with sessions() as s:
        stored = await s.scalar(select(Draft))
        event = await s.scalar(select(AuditEvent))
    assert stored is not None and stored.text == "ทำแล้ว"
    assert stored.evidence[0]["file_name"] == "a.pdf"
    assert event is not None and event.detail == {"data": "st:"}
