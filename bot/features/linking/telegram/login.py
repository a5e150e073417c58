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

from telegram import Update

from bot.domain.preferences import DEFAULT_ZONE
from bot.domain.redaction import secret_input
from bot.features.linking.ports import LINKING, CodeNeeded, LinkResult
from bot.features.linking.render import (
    country_keyboard,
    vehicle_choice_keyboard,
    vehicle_lines,
)
from bot.renault.locales import LOCALES
from bot.services.conversation_ports import LOGIN_TTL, LoginDraft, LoginStep
from bot.services.errors import (
    CodeExpired,
    CodeRejected,
    LoginLocked,
    LoginNeedsCaptcha,
    LoginRejected,
    TooManyAttempts,
)
from bot.services.ports import AlreadyLinked
from bot.telegram_ui import places
from bot.telegram_ui.callback_data import Callback
from bot.telegram_ui.context import BotContext, ChatView
from bot.telegram_ui.conversation.stale import answer_stale
from bot.telegram_ui.error_messages import describe
from bot.telegram_ui.handlers import basic
from bot.telegram_ui.handlers.common import chat_id_of, delete_secret, is_private, reply
from bot.telegram_ui.patience import TooSlow, Waiting

log = logging.getLogger(__name__)

_EMAIL = re.compile(r"[^@\s]{1,64}@[^@\s]{1,255}\.[A-Za-z]{2,24}")
# Steps whose answer is a secret: the message is deleted even when the conversation is gone.
_SECRET_STEPS = frozenset({LoginStep.PASSWORD, LoginStep.CODE})
# Answers after which the login cannot go on: a limit reached (its lock outlasts the login), Renault's own
# lock or captcha, an account linked elsewhere. The message says what to do and when.
_ENDS_LOGIN = (AlreadyLinked, TooManyAttempts, LoginLocked, LoginNeedsCaptcha)


def _first_locale(update: Update, context: BotContext) -> str:
    # The owner's Telegram language names their country (de-CH -> de_CH); else the deployment's default.
    user = update.effective_user
    return places.preferred_locale(user.language_code if user else None, context.options.default_locale)


async def _zone_from(context: BotContext, view: ChatView, locale: str) -> None:
    """A chat that never chose a time zone gets its login country's (its main one, if several)."""
    zones = places.locale_zones(locale)
    if zones and view.settings.time_zone == DEFAULT_ZONE:
        view.settings = dataclasses.replace(view.settings, time_zone=zones[0])
        await context.services.settings.save_chat(view.settings)


async def _save(context: BotContext, draft: LoginDraft, step: LoginStep, **changes: Any) -> LoginDraft:
    # Every answer gives the conversation its full time again.
    updated = dataclasses.replace(draft, step=step, expires_at=context.now() + LOGIN_TTL, **changes)
    await context.services.logins.save(updated)
    return updated


async def _live(
    update: Update,
    context: BotContext,
    view: ChatView,
    draft: LoginDraft | None,
    *,
    secret_deleted: bool = False,
) -> LoginDraft | None:
    """The chat's running login; an expired one is ended here with the timeout message (which says so
    when the late answer, perhaps the password or the code, was deleted)."""
    if draft is None:
        return None
    if draft.expired(context.now()):
        await _end(context, draft)
        log.info("a login conversation timed out")
        await reply(update, view.tr("login.timeout_secret_deleted" if secret_deleted else "login.timeout"))
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
    first = _first_locale(update, context)
    fresh = LoginDraft(chat_id, LoginStep.LOCALE, first, context.now() + LOGIN_TTL)
    await context.services.logins.save(fresh)
    await reply(update, view.tr("login.choose_locale"), country_keyboard(first, view.tr.language))


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
    await query.edit_message_text(view.tr("login.locale_chosen", locale=_label(view, payload.arg)))
    await _country_chosen(update, context, view, draft, payload.arg)


def _label(view: ChatView, locale: str) -> str:
    return places.locale_label(locale, view.tr.language)


async def _country_chosen(
    update: Update, context: BotContext, view: ChatView, draft: LoginDraft, locale: str
) -> None:
    await _save(context, draft, LoginStep.EMAIL, locale=locale)
    await _zone_from(context, view, locale)
    await reply(update, view.tr("login.ask_email"))


async def _at_country_step(
    update: Update, context: BotContext, view: ChatView, draft: LoginDraft, text: str
) -> None:
    """Text while the country is asked: an e-mail keeps the first country, a country name chooses it."""
    if _EMAIL.fullmatch(text):
        await _zone_from(context, view, draft.locale)
        await _save(context, draft, LoginStep.PASSWORD, email=text)
        country = view.tr("login.locale_chosen", locale=_label(view, draft.locale))
        await reply(update, f"{country}\n{view.tr('login.ask_password')}")
        return
    named = places.match_locale(text, view.tr.language)
    if named is not None:
        await reply(update, view.tr("login.locale_chosen", locale=_label(view, named)))
        await _country_chosen(update, context, view, draft, named)
        return
    await reply(update, view.tr("login.tap_country"), country_keyboard(draft.locale, view.tr.language))


async def take_text(update: Update, context: BotContext) -> bool:
    """A text message: the answer to the running login's question; False when no login was running."""
    view = await context.chat_view(update)
    message = update.effective_message
    stored = await context.services.logins.load(chat_id_of(update))
    if stored is None:
        return False
    text = (message.text or "") if message is not None else ""
    # A password or a code is a secret in every log line written while it is handled, at any level.
    secret = stored.step in _SECRET_STEPS
    with secret_input(*((text, text.strip()) if secret else ())):
        if secret:
            await delete_secret(
                update, context
            )  # before anything else: it may be a password, even a late one
        draft = await _live(update, context, view, stored, secret_deleted=secret)
        if draft is None:
            return True  # the login had timed out: the timeout answer was the reply
        if draft.step is LoginStep.LOCALE:
            await _at_country_step(update, context, view, draft, text.strip())
        elif draft.step is LoginStep.EMAIL:
            await _got_email(update, context, view, draft, text.strip())
        elif draft.step is LoginStep.PASSWORD:
            await _got_password(update, context, view, draft, text)
        else:
            await _got_code(update, context, view, draft, text.strip())
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
        signing_in = context.services.features.of(LINKING).begin(
            draft.chat_id, draft.locale, draft.email, password
        )
        outcome = await Waiting(update, context, note=False).run(signing_in)  # "checking" was just said
    except TooSlow as slow:
        await _save(context, draft, LoginStep.PASSWORD)
        await reply(update, view.tr("login.slow", seconds=round(slow.seconds)))
        return
    except LoginRejected:
        await _save(context, draft, LoginStep.PASSWORD)
        await reply(update, view.tr("login.password_rejected"))
        return
    except _ENDS_LOGIN as error:
        await _end(context, draft)
        await reply(update, describe(view.tr, error, context.now(), view.settings.time_zone))
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
    await _linked(update, context, view, outcome, draft.locale)


async def _got_code(
    update: Update, context: BotContext, view: ChatView, draft: LoginDraft, code: str
) -> None:
    if draft.challenge_id is None:
        await _end(context, draft)
        await reply(update, describe(view.tr, CodeExpired(), context.now(), view.settings.time_zone))
        return
    pending = CodeNeeded(draft.challenge_id, draft.masked_emails)
    try:
        result = await Waiting(update, context).run(
            context.services.features.of(LINKING).submit_code(draft.chat_id, pending, code)
        )
    except TooSlow as slow:
        await reply(update, view.tr("login.slow", seconds=round(slow.seconds)))
        return
    except CodeRejected as error:
        await reply(update, describe(view.tr, error, context.now(), view.settings.time_zone))
        return
    except (CodeExpired, *_ENDS_LOGIN) as error:
        # The login is over: the row goes, with any challenge submit_code left (a limit refused the code).
        await context.services.logins.drop(draft.chat_id)
        await reply(update, describe(view.tr, error, context.now(), view.settings.time_zone))
        return
    await context.services.logins.drop(draft.chat_id)  # the challenge was used up by submit_code
    await _linked(update, context, view, result, draft.locale)


async def _linked(
    update: Update, context: BotContext, view: ChatView, result: LinkResult, locale: str
) -> None:
    if not result.vehicles:
        linked = view.tr("login.linked_none")
    else:
        lines = vehicle_lines(view.tr, result.vehicles, result.active_vehicle_id)
        linked = view.tr("login.linked", vehicles=lines)
    # One message: linked, and which zone times are in (with the zones to tap where the country has several).
    after = context.bot_data.front.after_login  # the settings part adds the zone (and asks which)
    if after is not None:
        await after(update, context, view, linked, places.locale_zones(locale))
    else:
        await reply(update, linked)
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
        await context.services.features.of(LINKING).cancel(draft.chat_id, CodeNeeded(draft.challenge_id, ()))
    await context.services.logins.drop(draft.chat_id)
