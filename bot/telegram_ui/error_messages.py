"""Turning service errors into messages that say what to do, and the one central error handler."""

from __future__ import annotations

import contextlib
import logging
from datetime import datetime

from telegram import Update
from telegram.error import BadRequest, Forbidden, TelegramError

from bot.domain.redaction import redact
from bot.services import errors
from bot.services.ports import AlreadyLinked, LimitReached, StorageUnavailable
from bot.telegram_ui import formatting as fmt
from bot.telegram_ui.context import BotContext
from bot.telegram_ui.i18n import Translator
from bot.telegram_ui.patience import TooSlow

log = logging.getLogger(__name__)

# Each service error and the message key that tells the user what happened and what to do.
ERROR_KEYS: dict[type[errors.ServiceError], str] = {
    errors.NotLinked: "error.not_linked",
    errors.NotPermitted: "error.not_permitted",
    AlreadyLinked: "error.already_linked",
    errors.LoginRejected: "error.login_rejected",
    errors.CodeRejected: "error.code_rejected",
    errors.CodeExpired: "error.code_expired",
    errors.NeedsLogin: "error.needs_login",
    errors.SecretsUnreadable: "error.secrets_unreadable",
    errors.RenaultBusy: "error.renault_busy_soon",
    errors.FeatureUnavailable: "error.feature_unavailable",
    errors.RenaultDown: "error.renault_down",
    errors.ActionBusy: "error.action_busy",
    errors.PrivacyMode: "error.privacy_mode",
    errors.TooManyActions: "error.too_many_actions",
    errors.InvalidInput: "error.invalid_input",
    errors.LoginLocked: "error.login_locked",
    errors.LoginNeedsCaptcha: "error.login_captcha",
    StorageUnavailable: "error.storage",
}


def describe(tr: Translator, error: errors.ServiceError, now: datetime, zone_name: str) -> str:
    """The user-facing message for a service error, in the chat's language (times in its zone)."""
    if isinstance(error, LimitReached):
        # Which limit, and when it resets in the chat's own time (with the date when not today).
        when = fmt.local_datetime(tr, error.retry_at, zone_name, now)
        return tr(f"error.limit.{error.limit}", cap=error.cap, time=when)
    if isinstance(error, errors.RenaultBusy) and error.retry_at is not None:
        return tr("error.renault_busy", minutes=fmt.minutes_until(error.retry_at, now))
    if isinstance(error, errors.TooManyAttempts):
        wait = fmt.duration(tr, fmt.minutes_until(error.retry_at, now))
        return tr(f"error.attempts.{error.kind}.{error.scope}", wait=wait)
    if isinstance(error, errors.TooManyActions):
        return tr("error.too_many_actions", seconds=max(1, round(error.retry_in_seconds)))
    if isinstance(error, errors.InvalidInput):
        reasons = [tr(reason) for reason in error.reasons if tr.has(reason)] or [tr("error.invalid_generic")]
        return tr("error.invalid_input", reasons="; ".join(reasons))
    for kind in type(error).__mro__:
        key = ERROR_KEYS.get(kind)
        if key is not None:
            return tr(key)
    return tr("error.generic")


def is_not_modified(error: BadRequest) -> bool:
    """Telegram's answer to an edit that changes nothing: not an error for a Refresh."""
    return "message is not modified" in error.message.lower()


async def on_error(update: object, context: BotContext) -> None:
    """The only catch-all: log without secrets, then answer the user with a friendly message."""
    error = context.error
    if isinstance(error, BadRequest) and is_not_modified(error):
        return
    if isinstance(error, errors.ServiceError | TooSlow):
        log.info("service error in update: %s", type(error).__name__)
    else:
        log.error(
            "unhandled error: %s: %s",
            type(error).__name__,
            redact(str(error)),
            exc_info=(type(error), error, error.__traceback__) if error is not None else None,
        )
    if not isinstance(update, Update) or update.effective_chat is None:
        return
    if isinstance(error, Forbidden):
        return  # the user blocked the bot: nobody to answer
    zone_name = "UTC"
    try:
        view = await context.chat_view(update)
        tr, zone_name = view.tr, view.settings.time_zone
    except errors.ServiceError:
        tr = context.bot_data.front.catalogs.translator("en")
    if isinstance(error, TooSlow):
        text = tr("slow.timeout", seconds=round(error.seconds))
    elif isinstance(error, errors.ServiceError):
        text = describe(tr, error, context.now(), zone_name)
    else:
        text = tr("error.generic")
    if update.callback_query is not None:
        # The handler may have answered the tap already; the message below still has to go out.
        with contextlib.suppress(BadRequest):
            await update.callback_query.answer()
    try:
        await context.bot.send_message(update.effective_chat.id, text)
    except TelegramError as failure:
        log.warning("could not tell the user about an error: %s", type(failure).__name__)
