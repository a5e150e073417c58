"""/start, /help, a stray /cancel, and the allow-list gate in front of every handler."""

from __future__ import annotations

from telegram import Update
from telegram.ext import ApplicationHandlerStop

from bot.services.errors import NotLinked
from bot.telegram_ui.context import BotContext
from bot.telegram_ui.conversation.names import StateName
from bot.telegram_ui.conversation.states import State
from bot.telegram_ui.conversation.where import focus_store
from bot.telegram_ui.handlers.common import chat_id_of, reply


async def start(update: Update, context: BotContext) -> None:
    """Welcome and how to link ('welcome back' once linked); `/start <invite>` offers to join a shared car."""
    deep_link = context.bot_data.front.deep_link  # /start <invitation>: the part that takes it, if wired
    if context.args and deep_link is not None:
        await deep_link(update, context, context.args[0])
        return
    view = await context.chat_view(update)
    try:
        await context.services.linking.active(chat_id_of(update))
    except NotLinked:
        await reply(update, view.tr("start.welcome"))
        return
    await reply(update, view.tr("start.welcome_linked"))


async def help_command(update: Update, context: BotContext) -> None:
    """What each command does."""
    view = await context.chat_view(update)
    await reply(update, view.tr("help.text"))


async def cancel_outside(update: Update, context: BotContext) -> None:
    """/cancel outside a login: leave the screen that waits (an edit, a price question), else say so."""
    view = await context.chat_view(update)
    chat_id = chat_id_of(update)
    focus = await focus_store(context).get(chat_id, context.now())
    # A question a part keeps itself (costs' awaited price) is left too, through its state's `leave`.
    asked = [
        state
        for state in context.bot_data.front.states.values()
        if state.asked is not None and await state.asked(context, chat_id)
    ]
    if focus is None and not asked:
        await reply(update, view.tr("cancel.nothing"))
        return
    if focus is not None:
        await focus_store(context).clear(chat_id)
        state = _declared(context, focus.state)
        if state is not None and state.leave is not None:
            await state.leave(context, chat_id)  # what the screen kept (a schedule draft) is not saved
    for state in asked:
        if state.leave is not None:
            await state.leave(context, chat_id)  # the price question is forgotten
    await reply(update, view.tr("router.cancelled"))


async def allow_list_gate(update: object, context: BotContext) -> None:
    """Stop updates from users outside ALLOWED_USER_IDS with a polite refusal (no service is called)."""
    allowed = context.options.allowed_user_ids
    if allowed is None or not isinstance(update, Update):
        return
    user = update.effective_user
    if user is not None and user.id in allowed:
        return
    # The refusal is in the Telegram language of the user: an outsider has no stored settings.
    tr = context.bot_data.front.catalogs.translator(user.language_code if user is not None else None)
    if update.callback_query is not None:
        await update.callback_query.answer(tr("access.denied"), show_alert=True)
    elif update.effective_message is not None and update.effective_chat is not None:
        await update.effective_message.reply_text(tr("access.denied"))
    raise ApplicationHandlerStop


def _declared(context: BotContext, name: str) -> State | None:
    # A focus stored by an older version may name a state that is gone: nothing to forget then.
    return context.bot_data.front.states.get(StateName(name))
