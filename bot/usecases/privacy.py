"""Personal data (Thailand's PDPA): what a person can see, forgetting them, the retention purge.

`/mydata` gives a person everything stored about them. The operator forgets a person who no
longer holds a role: contact data go, a stable pseudonym stays on the answers and the audit
log that the municipality must keep. The purge deletes what is kept only for a while.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from bot.usecases.core import Core
from bot.usecases.refusals import Refused
from storage import audit
from storage import privacy as store
from storage.people import Actor

# How long strangers' audit rows are kept (a setting at merge: PRIVACY_RETENTION_DAYS).
RETENTION_DAYS = 90
FORGOTTEN = "person.forgotten"


@dataclass(frozen=True)
class Forgotten:
    """A person whose contact data were replaced by `pseudonym`."""

    person_id: int
    pseudonym: str


@dataclass(frozen=True)
class Purged:
    """What the retention purge deleted."""

    stranger_audit_rows: int
    drafts: int


async def my_data(core: Core, actor: Actor) -> bytes:
    """Everything stored about the sender, as a UTF-8 JSON file."""
    async with core.uow() as uow:
        person = await store.find_person(uow.session, person_id=actor.person_id)
        if person is None:
            raise Refused("stranger", key="auth.stranger")
        data: dict[str, Any] = await store.everything_about(uow.session, person)
    return json.dumps(data, ensure_ascii=False, indent=2).encode("utf-8")


async def forget_person(
    core: Core, *, person_id: int | None = None, telegram_id: int | None = None
) -> Forgotten:
    """Replace a removed person's contact data by a pseudonym; refused while they hold a role."""
    if (person_id is None) == (telegram_id is None):
        raise Refused("one_person")
    async with core.uow() as uow:
        person = await store.find_person(uow.session, person_id=person_id, telegram_id=telegram_id)
        if person is None or person.telegram_user_id < 0:
            raise Refused("unknown_person")
        if await store.has_active_role(uow.session, person.id):
            raise Refused("still_has_roles")
        pseudonym = await store.forget(uow.session, person)
        # The record of the removal names only the pseudonym.
        await audit.record(
            uow.session, FORGOTTEN, detail={"person_id": person.id}, note=pseudonym, at=core.now()
        )
        return Forgotten(person.id, pseudonym)


async def purge(core: Core, days: int = RETENTION_DAYS) -> Purged:
    """Delete strangers' audit rows older than `days` and the drafts of removed people."""
    async with core.uow() as uow:
        rows, drafts = await store.purge(uow.session, core.now() - timedelta(days=days))
    return Purged(rows, drafts)
