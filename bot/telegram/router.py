"""One way to route a button: the callback codec's verb table says which verbs exist.

Every handler module offers `BUTTONS` (verb -> handler); `button_handler` joins them into one
PTB handler that decodes the data once, refuses anything malformed, forged or truncated, and
calls the one handler of the verb. A verb without a handler, or a handler for a verb the codec
does not know, stops the start rather than leaving a dead button.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from telegram import Update
from telegram.ext import CallbackQueryHandler

from bot.telegram.callbacks import VERBS, Callback, decode
from bot.telegram.context import BotContext
from bot.telegram.replies import refuse
from bot.usecases.refusals import Refused

ButtonHandler = Callable[[Update, BotContext, Callback], Awaitable[None]]


def check_routes(routes: Mapping[str, ButtonHandler]) -> None:
    """Every verb of the codec has exactly one handler, and no handler has an unknown verb."""
    missing = sorted(set(VERBS) - set(routes))
    unknown = sorted(set(routes) - set(VERBS))
    if missing or unknown:
        raise RuntimeError(
            f"button routes disagree with the codec: missing {missing}, unknown {unknown}"
        )


def merge_routes(*tables: Mapping[str, ButtonHandler]) -> dict[str, ButtonHandler]:
    """Join the handler modules' tables; a verb claimed twice is a programming error."""
    merged: dict[str, ButtonHandler] = {}
    for table in tables:
        twice = merged.keys() & table.keys()
        if twice:
            raise RuntimeError(f"button verbs routed twice: {sorted(twice)}")
        merged.update(table)
    check_routes(merged)
    return merged


def button_handler(routes: Mapping[str, ButtonHandler]) -> CallbackQueryHandler[Any, Any]:
    """The one PTB handler for every button press."""
    check_routes(routes)

    async def route(update: Update, context: BotContext) -> None:
        query = update.callback_query
        if query is None:
            return
        cb = decode(query.data)
        if cb is None:
            await refuse(update, context, Refused("malformed", key="refuse.bad_button", audit=True))
            return
        await routes[cb.verb](update, context, cb)

    return CallbackQueryHandler(route)
