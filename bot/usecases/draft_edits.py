"""Changing a draft after the fact: starting over, showing it, applying an edited message."""

from __future__ import annotations

from bot.usecases.answering import DraftView, _draft_view, _own_draft
from bot.usecases.core import Core
from bot.usecases.drafts import replace_part, start_over
from storage.people import Actor


async def restart_draft(core: Core, actor: Actor, draft_id: int) -> DraftView:
    """Clear the named draft's text and evidence (once confirmed); the status stays."""
    async with core.uow() as uow:
        draft = await _own_draft(uow, actor, draft_id)
        start_over(draft, now=core.now())
        return await _draft_view(uow.session, draft)


async def show_draft(core: Core, actor: Actor, draft_id: int) -> DraftView:
    """The named draft as it stands (refused when it is no longer the current one)."""
    async with core.uow() as uow:
        return await _draft_view(uow.session, await _own_draft(uow, actor, draft_id))


async def apply_edit(core: Core, actor: Actor, draft_id: int, old: str, new: str) -> DraftView:
    """A message of the open draft was edited: its words in the draft are replaced."""
    async with core.uow() as uow:
        draft = await _own_draft(uow, actor, draft_id)
        replace_part(draft, old, new, now=core.now())
        return await _draft_view(uow.session, draft)
