"""/privacy (what is kept, why, who sees it, how to have it removed) and /mydata (a copy)."""

from __future__ import annotations

from telegram import InputFile, Update
from telegram.constants import ParseMode

from bot.telegram.context import BotContext
from bot.telegram.replies import refuse
from bot.texts import t
from bot.usecases import privacy
from bot.usecases.refusals import Refused


async def privacy_command(update: Update, context: BotContext) -> None:
    """/privacy: the personal data notice (also shown once, at enrolment)."""
    await send_notice(update, context.lang)


async def send_notice(update: Update, lang: str) -> None:
    """Send the personal data notice to the update's chat."""
    if update.effective_message is not None:
        await update.effective_message.reply_text(
            t("privacy.notice", lang), parse_mode=ParseMode.HTML
        )


async def mydata_command(update: Update, context: BotContext) -> None:
    """/mydata: a JSON file of everything stored about the sender."""
    actor, message = context.actor, update.effective_message
    if actor is None or message is None:
        return  # the gate has answered strangers already
    try:
        data = await privacy.my_data(context.core, actor)
    except Refused as refusal:
        await refuse(update, context, refusal)
        return
    await message.reply_document(
        InputFile(data, filename=f"mydata-{actor.person_id}.json"),
        caption=t("mydata.caption", context.lang),
    )
