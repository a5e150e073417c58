"""/login as a conversation: country, e-mail, password, then the e-mailed code when Renault asks for one.

The password and the code are deleted from the chat as soon as they are read, and only live in local
variables for the one service call. The draft (country, e-mail, pending challenge) lives in memory only.
"""

from __future__ import annotations

import re
import warnings
from dataclasses import dataclass
from typing import Any

from telegram import Update
from telegram.ext import (
    BaseHandler,
    CallbackQueryHandler,
    CommandHandler,
    ConversationHandler,
    MessageHandler,
    TypeHandler,
    filters,
)
from telegram.warnings import PTBUserWarning

from bot.renault.locales import LOCALES
from bot.services.errors import AlreadyLinked, CodeExpired, CodeRejected, LoginRejected
from bot.services.views import CodeNeeded, LinkResult
from bot.telegram_ui.callback_data import Callback, Verb, decode
from bot.telegram_ui.context import BotContext
from bot.telegram_ui.error_messages import describe
from bot.telegram_ui.handlers.common import chat_id_of, delete_quietly, is_private, reply
from bot.telegram_ui.handlers.vehicles import vehicle_choice_keyboard, vehicle_lines
from bot.telegram_ui.keyboards import choice_keyboard

LOCALE, EMAIL, PASSWORD, CODE = range(4)
_EMAIL = re.compile(r"[^@\s]{1,64}@[^@\s]{1,255}\.[A-Za-z]{2,24}")
_DRAFT = "login_draft"


@dataclass(slots=True)
class _Draft:
    """What the conversation has gathered so far (in memory; never the password or the code)."""

    locale: str
    email: str = ""
    pending: CodeNeeded | None = None

    def __repr__(self) -> str:
        return f"_Draft(locale={self.locale!r}, email=<redacted>, pending={self.pending is not None})"


def _draft(context: BotContext) -> _Draft | None:
    chat_data: dict[Any, Any] = context.chat_data if context.chat_data is not None else {}
    draft = chat_data.get(_DRAFT)
    return draft if isinstance(draft, _Draft) else None


def _set_draft(context: BotContext, draft: _Draft | None) -> None:
    if context.chat_data is None:
        return
    if draft is None:
        context.chat_data.pop(_DRAFT, None)
    else:
        context.chat_data[_DRAFT] = draft


def _locale_keyboard(default: str) -> Any:
    ordered = [default, *sorted(code for code in LOCALES if code != default)]
    return choice_keyboard([(code, Callback(Verb.LOCALE, None, code)) for code in ordered], width=5)


async def begin(update: Update, context: BotContext) -> int:
    """/login: refuse in groups, otherwise ask for the country."""
    view = await context.chat_view(update)
    if not is_private(update):
        await reply(update, view.tr("login.private_only"))
        return ConversationHandler.END
    _set_draft(context, _Draft(locale=context.options.default_locale))
    await reply(update, view.tr("login.choose_locale"), _locale_keyboard(context.options.default_locale))
    return LOCALE


async def chosen_locale(update: Update, context: BotContext) -> int:
    """A country button: remember it and ask for the e-mail."""
    query = update.callback_query
    assert query is not None
    await query.answer()
    payload = decode(query.data)
    draft = _draft(context)
    view = await context.chat_view(update)
    if payload is None or payload.arg not in LOCALES or draft is None:
        return LOCALE
    draft.locale = payload.arg
    await query.edit_message_text(view.tr("login.locale_chosen", locale=payload.arg))
    await reply(update, view.tr("login.ask_email"))
    return EMAIL


async def got_email(update: Update, context: BotContext) -> int:
    """The e-mail: validate its shape, then ask for the password."""
    view = await context.chat_view(update)
    message = update.effective_message
    draft = _draft(context)
    text = (message.text or "").strip() if message is not None else ""
    if draft is None:
        return ConversationHandler.END
    if not _EMAIL.fullmatch(text):
        await reply(update, view.tr("login.bad_email"))
        return EMAIL
    draft.email = text
    await reply(update, view.tr("login.ask_password"))
    return PASSWORD


async def got_password(update: Update, context: BotContext) -> int:
    """The password: delete it from the chat at once, then log in."""
    view = await context.chat_view(update)
    message = update.effective_message
    password = (message.text or "") if message is not None else ""
    await delete_quietly(message)
    draft = _draft(context)
    if draft is None:
        return ConversationHandler.END
    await reply(update, view.tr("login.checking"))
    try:
        outcome = await context.services.linking.begin(
            chat_id_of(update), draft.locale, draft.email, password
        )
    except LoginRejected:
        await reply(update, view.tr("login.password_rejected"))
        return PASSWORD
    except AlreadyLinked as error:
        await reply(update, describe(view.tr, error, context.now()))
        return _end(context)
    if isinstance(outcome, CodeNeeded):
        draft.pending = outcome
        await reply(update, view.tr("login.code_sent", emails=", ".join(outcome.masked_emails)))
        return CODE
    await _linked(update, context, outcome)
    return _end(context)


async def got_code(update: Update, context: BotContext) -> int:
    """The e-mailed code: delete it from the chat at once, then finish the login."""
    view = await context.chat_view(update)
    message = update.effective_message
    code = (message.text or "").strip() if message is not None else ""
    await delete_quietly(message)
    draft = _draft(context)
    if draft is None or draft.pending is None:
        return _end(context)
    try:
        result = await context.services.linking.submit_code(chat_id_of(update), draft.pending, code)
    except CodeRejected as error:
        await reply(update, describe(view.tr, error, context.now()))
        return CODE
    except (CodeExpired, AlreadyLinked) as error:
        await reply(update, describe(view.tr, error, context.now()))
        return _end(context)
    await _linked(update, context, result)
    return _end(context)


async def _linked(update: Update, context: BotContext, result: LinkResult) -> None:
    view = await context.chat_view(update)
    if not result.vehicles:
        await reply(update, view.tr("login.linked_none"))
        return
    lines = vehicle_lines(view.tr, result.vehicles, result.active_vehicle_id)
    await reply(update, view.tr("login.linked", vehicles=lines))
    if len(result.vehicles) > 1:
        await reply(
            update, view.tr("login.choose_vehicle"), vehicle_choice_keyboard(view.tr, result.vehicles)
        )


async def cancel(update: Update, context: BotContext) -> int:
    """/cancel inside the login: forget the pending challenge and say nothing was stored."""
    view = await context.chat_view(update)
    await _forget_challenge(update, context)
    await reply(update, view.tr("login.cancelled"))
    return _end(context)


async def timed_out(update: object, context: BotContext) -> None:
    """No answer for the conversation timeout: end it with a message."""
    if not isinstance(update, Update) or update.effective_chat is None:
        return
    view = await context.chat_view(update)
    await _forget_challenge(update, context)
    _set_draft(context, None)
    await context.bot.send_message(update.effective_chat.id, view.tr("login.timeout"))


async def already_running(update: Update, context: BotContext) -> int | None:
    """/login again while a login runs: point at the open question."""
    view = await context.chat_view(update)
    await reply(update, view.tr("login.already_in_progress"))
    return None


async def _forget_challenge(update: Update, context: BotContext) -> None:
    draft = _draft(context)
    if draft is not None and draft.pending is not None:
        await context.services.linking.cancel(chat_id_of(update), draft.pending)


def _end(context: BotContext) -> int:
    _set_draft(context, None)
    return ConversationHandler.END


def conversation(timeout_seconds: float) -> ConversationHandler[BotContext]:
    """The /login conversation handler; `timeout_seconds` is injectable so tests need not wait 5 minutes."""
    text = filters.TEXT & ~filters.COMMAND
    states: dict[object, list[BaseHandler[Update, BotContext, Any]]] = {
        LOCALE: [CallbackQueryHandler(chosen_locale, pattern=rf"^1\.{Verb.LOCALE.value}\.")],
        EMAIL: [MessageHandler(text, got_email)],
        PASSWORD: [MessageHandler(text, got_password)],
        CODE: [MessageHandler(text, got_code)],
        ConversationHandler.TIMEOUT: [TypeHandler(Update, timed_out)],
    }
    # The country buttons are tracked per chat, not per message, on purpose: PTB warns about that choice.
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", category=PTBUserWarning, message=".*per_message.*")
        return ConversationHandler(
            entry_points=[CommandHandler("login", begin)],
            states=states,
            fallbacks=[CommandHandler("cancel", cancel), CommandHandler("login", already_running)],
            conversation_timeout=timeout_seconds,
            name="login",
            persistent=False,
            allow_reentry=False,
        )
