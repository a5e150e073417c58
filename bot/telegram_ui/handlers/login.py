"""/login as a state machine in the database: country, e-mail, password, then the e-mailed code.

Each step is one row per chat (`LoginConversationStore`), so the next answer may reach any replica, even
after a restart; the pending challenge (with the password) sits encrypted on the same row, written by the
linking service. The password and the code are deleted from the chat as soon as they are read and only live
in local variables for the one service call. A conversation ends on success, /cancel, timeout or logout.

Why not PTB's ConversationHandler (with or without its persistence API): it keeps the state in one process's
memory and only loads a persistence's copy at start-up, its timeout is a job of that process, and it would
store the pending challenge unencrypted in a pickle or a generic blob; here the row is the state.
"""

from __future__ import annotations

import dataclasses
import logging
import re
from typing import Any

from telegram import InlineKeyboardMarkup, Update

from bot.renault.locales import LOCALES
from bot.services.conversation_ports import LOGIN_TTL, LoginDraft, LoginStep
from bot.services.errors import (
    AlreadyLinked,
    CodeExpired,
    CodeRejected,
    LoginLocked,
    LoginNeedsCaptcha,
    LoginRejected,
    TooManyAttempts,
)
from bot.services.views import CodeNeeded, LinkResult
from bot.telegram_ui.callback_data import Callback, Verb
from bot.telegram_ui.context import BotContext, ChatView
from bot.telegram_ui.conversation.stale import answer_stale
from bot.telegram_ui.error_messages import describe
from bot.telegram_ui.handlers import basic
from bot.telegram_ui.handlers.common import chat_id_of, delete_quietly, is_private, reply
from bot.telegram_ui.handlers.vehicles import vehicle_choice_keyboard, vehicle_lines
from bot.telegram_ui.keyboards import choice_keyboard

log = logging.getLogger(__name__)

_EMAIL = re.compile(r"[^@\s]{1,64}@[^@\s]{1,255}\.[A-Za-z]{2,24}")
# Steps whose answer is a secret: the message is deleted even when the conversation is gone.
_SECRET_STEPS = frozenset({LoginStep.PASSWORD, LoginStep.CODE})
# Answers after which the login cannot go on: a limit reached (its lock outlasts the login), Renault's own
# lock or captcha, an account linked elsewhere. The message says what to do and when.
_ENDS_LOGIN = (AlreadyLinked, TooManyAttempts, LoginLocked, LoginNeedsCaptcha)


def country_keyboard(default: str) -> InlineKeyboardMarkup:
    """The country buttons of the login's first step, the chosen (or default) one first."""
    return _locale_keyboard(default)


def _locale_keyboard(default: str) -> InlineKeyboardMarkup:
    ordered = [default, *sorted(code for code in LOCALES if code != default)]
    return choice_keyboard([(code, Callback(Verb.LOCALE, None, code)) for code in ordered], width=5)


async def _save(context: BotContext, draft: LoginDraft, step: LoginStep, **changes: Any) -> LoginDraft:
    # Every answer gives the conversation its full time again.
    updated = dataclasses.replace(draft, step=step, expires_at=context.now() + LOGIN_TTL, **changes)
    await context.services.logins.save(updated)
    return updated


async def _live(
    update: Update, context: BotContext, view: ChatView, draft: LoginDraft | None
) -> LoginDraft | None:
    """The chat's running login; an expired one is ended here with the timeout message."""
    if draft is None:
        return None
    if draft.expired(context.now()):
        await _end(context, draft)
        log.info("a login conversation timed out")
        await reply(update, view.tr("login.timeout"))
        return None
    return draft


async def timed_out(update: Update, context: BotContext, view: ChatView, draft: LoginDraft) -> bool:
    """End a login that ran out of time, with the timeout message; False while it is still running."""
    return await _live(update, context, view, draft) is None


async def begin(update: Update, context: BotContext) -> None:
    """/login: refuse in groups, point at a running login, otherwise ask for the country."""
    view = await context.chat_view(update)
    if not is_private(update):
        await reply(update, view.tr("login.private_only"))
        return
    chat_id = chat_id_of(update)
    current = await context.services.logins.load(chat_id)
    if current is not None and not current.expired(context.now()):
        await reply(update, view.tr("login.already_in_progress"))
        return
    if current is not None:
        await _end(context, current)
    default = context.options.default_locale
    fresh = LoginDraft(chat_id, LoginStep.LOCALE, default, context.now() + LOGIN_TTL)
    await context.services.logins.save(fresh)
    await reply(update, view.tr("login.choose_locale"), _locale_keyboard(default))


async def chosen_locale(update: Update, context: BotContext, payload: Callback) -> None:
    """A country button: remember it and ask for the e-mail; outside a login it is stale."""
    query = update.callback_query
    assert query is not None
    view = await context.chat_view(update)
    draft = await context.services.logins.load(chat_id_of(update))
    if (
        draft is None
        or draft.expired(context.now())
        or draft.step is not LoginStep.LOCALE
        or payload.arg not in LOCALES
    ):
        await answer_stale(update, context)
        return
    await query.answer()
    await _save(context, draft, LoginStep.EMAIL, locale=payload.arg)
    await query.edit_message_text(view.tr("login.locale_chosen", locale=payload.arg))
    await reply(update, view.tr("login.ask_email"))


async def take_text(update: Update, context: BotContext) -> bool:
    """A text message: the answer to the running login's question; False when no login was running."""
    view = await context.chat_view(update)
    message = update.effective_message
    stored = await context.services.logins.load(chat_id_of(update))
    if stored is None:
        return False
    if stored.step in _SECRET_STEPS:
        await delete_quietly(message)  # before anything else: it may be a password, even a late one
    draft = await _live(update, context, view, stored)
    if draft is None:
        return True  # the login had timed out: the timeout answer was the reply
    text = (message.text or "") if message is not None else ""
    if draft.step is LoginStep.LOCALE:
        await reply(update, view.tr("login.tap_country"), _locale_keyboard(draft.locale))
    elif draft.step is LoginStep.EMAIL:
        await _got_email(update, context, view, draft, text.strip())
    elif draft.step is LoginStep.PASSWORD:
        await _got_password(update, context, view, draft, text)
    else:
        await _got_code(update, context, view, draft, text.strip())
    return True


async def take_other(update: Update, context: BotContext) -> bool:
    """Anything but text (a photo, a sticker, a location) while a login waits; False when none was running."""
    view = await context.chat_view(update)
    stored = await context.services.logins.load(chat_id_of(update))
    if stored is None:
        return False
    draft = await _live(update, context, view, stored)
    if draft is None:
        return True
    if draft.step is LoginStep.LOCALE:
        await reply(update, view.tr("login.tap_country"), _locale_keyboard(draft.locale))
        return True
    await reply(update, view.tr("login.send_as_text"))
    return True


async def _got_email(
    update: Update, context: BotContext, view: ChatView, draft: LoginDraft, text: str
) -> None:
    if not _EMAIL.fullmatch(text):
        await reply(update, view.tr("login.bad_email"))
        return
    await _save(context, draft, LoginStep.PASSWORD, email=text)
    await reply(update, view.tr("login.ask_password"))


async def _got_password(
    update: Update, context: BotContext, view: ChatView, draft: LoginDraft, password: str
) -> None:
    await reply(update, view.tr("login.checking"))
    try:
        outcome = await context.services.linking.begin(draft.chat_id, draft.locale, draft.email, password)
    except LoginRejected:
        await _save(context, draft, LoginStep.PASSWORD)
        await reply(update, view.tr("login.password_rejected"))
        return
    except _ENDS_LOGIN as error:
        await _end(context, draft)
        await reply(update, describe(view.tr, error, context.now()))
        return
    if isinstance(outcome, CodeNeeded):
        await _save(
            context,
            draft,
            LoginStep.CODE,
            challenge_id=outcome.challenge_id,
            masked_emails=outcome.masked_emails,
        )
        await reply(update, view.tr("login.code_sent", emails=", ".join(outcome.masked_emails)))
        return
    await _end(context, draft)
    await _linked(update, view, outcome)


async def _got_code(
    update: Update, context: BotContext, view: ChatView, draft: LoginDraft, code: str
) -> None:
    if draft.challenge_id is None:
        await _end(context, draft)
        await reply(update, describe(view.tr, CodeExpired(), context.now()))
        return
    pending = CodeNeeded(draft.challenge_id, draft.masked_emails)
    try:
        result = await context.services.linking.submit_code(draft.chat_id, pending, code)
    except CodeRejected as error:
        await reply(update, describe(view.tr, error, context.now()))
        return
    except (CodeExpired, *_ENDS_LOGIN) as error:
        # The login is over: the row goes, with any challenge submit_code left (a limit refused the code).
        await context.services.logins.drop(draft.chat_id)
        await reply(update, describe(view.tr, error, context.now()))
        return
    await context.services.logins.drop(draft.chat_id)  # the challenge was used up by submit_code
    await _linked(update, view, result)


async def _linked(update: Update, view: ChatView, result: LinkResult) -> None:
    if not result.vehicles:
        await reply(update, view.tr("login.linked_none"))
        return
    lines = vehicle_lines(view.tr, result.vehicles, result.active_vehicle_id)
    await reply(update, view.tr("login.linked", vehicles=lines))
    if len(result.vehicles) > 1:
        await reply(
            update, view.tr("login.choose_vehicle"), vehicle_choice_keyboard(view.tr, result.vehicles)
        )


async def cancel(update: Update, context: BotContext) -> None:
    """/cancel: end a running login (forgetting its challenge), else say there is nothing to cancel."""
    draft = await context.services.logins.load(chat_id_of(update))
    if draft is None:
        await basic.cancel_outside(update, context)
        return
    view = await context.chat_view(update)
    await _end(context, draft)
    await reply(update, view.tr("login.cancelled"))


async def _end(context: BotContext, draft: LoginDraft) -> None:
    """Forget the conversation and its pending challenge (with the password) everywhere."""
    if draft.challenge_id is not None:
        await context.services.linking.cancel(draft.chat_id, CodeNeeded(draft.challenge_id, ()))
    await context.services.logins.drop(draft.chat_id)
