"""Helpers shared by handlers: replying, editing, yes/no confirmations, checking a tap against links."""

from __future__ import annotations

import logging

from telegram import Bot, CallbackQuery, InlineKeyboardMarkup, Message, Update
from telegram.constants import ChatType
from telegram.error import BadRequest, Forbidden, TelegramError

from bot.domain.actions import ActionKind, spec_of
from bot.domain.vehicle import LinkedVehicle
from bot.services.secret_messages import Erasure
from bot.telegram_ui.callback_data import Callback, Verb
from bot.telegram_ui.context import BotContext, ChatView
from bot.telegram_ui.error_messages import is_not_modified
from bot.telegram_ui.keyboards import choice_keyboard

log = logging.getLogger(__name__)


def chat_id_of(update: Update) -> int:
    """The id of the chat the update comes from."""
    if update.effective_chat is None:
        raise ValueError("update without a chat")
    return update.effective_chat.id


def is_private(update: Update) -> bool:
    """Whether the update comes from a one-to-one chat with the bot."""
    return update.effective_chat is not None and update.effective_chat.type == ChatType.PRIVATE


async def reply(update: Update, text: str, markup: InlineKeyboardMarkup | None = None) -> Message:
    """Answer a command or message in the same chat."""
    message = update.effective_message
    if message is None:
        raise ValueError("update without a message")
    return await message.reply_text(text, reply_markup=markup)


async def edit(query: CallbackQuery, text: str, markup: InlineKeyboardMarkup | None = None) -> None:
    """Edit the tapped message; an edit that changes nothing is fine (a Refresh with the same data)."""
    try:
        await query.edit_message_text(text, reply_markup=markup)
    except BadRequest as error:
        if not is_not_modified(error):
            raise


def yes_no_keyboard(verb: Verb, yes: str, no: str) -> InlineKeyboardMarkup:
    """The two labelled buttons of a confirmation; their taps carry "yes" or "no" (see `confirmed`)."""
    return choice_keyboard([(yes, Callback(verb, None, "yes")), (no, Callback(verb, None, "no"))])


async def confirmed(
    update: Update, context: BotContext, payload: Callback, kept_key: str
) -> tuple[CallbackQuery, ChatView] | None:
    """Answer a `yes_no_keyboard` tap: the query and chat view on yes; else say `kept_key` and None."""
    query = update.callback_query
    assert query is not None
    await query.answer()
    view = await context.chat_view(update)
    if payload.arg != "yes":
        await edit(query, view.tr(kept_key))
        return None
    return query, view


class TelegramEraser:
    """`MessageEraser` on the Bot API: Telegram's answer to deleteMessage as an `Erasure`."""

    def __init__(self, bot: Bot) -> None:
        self._bot = bot

    async def erase(self, chat_id: int, message_id: int) -> Erasure:
        """Delete the message; a gone message counts as deleted, a refusal is final, the rest may pass."""
        try:
            await self._bot.delete_message(chat_id, message_id)
        except BadRequest as error:  # before NetworkError, of which PTB makes it a subclass
            if "not found" in error.message.lower():
                return Erasure.GONE
            log.info("Telegram refused to delete a secret-bearing message: %s", error.message)
            return Erasure.REFUSED
        except Forbidden:
            return Erasure.REFUSED  # the bot was blocked: the outbox's ask goes nowhere, and says so
        except TelegramError as error:  # timeout, network error, flood control, Telegram's 5xx
            log.info("deleting a secret-bearing message failed for now: %s", type(error).__name__)
            return Erasure.RETRY
        return Erasure.GONE


async def delete_secret(update: Update, context: BotContext) -> None:
    """Delete the update's message, which may hold a password or a code: retried durably when it fails,
    and its sender asked to delete it when it cannot be done."""
    message = update.effective_message
    if message is None:
        return
    if context.services.secrets is None:
        await delete_quietly(message)
        return
    await context.services.secrets.erase(
        TelegramEraser(context.bot), message.chat_id, message.message_id, message.date
    )


async def delete_quietly(message: Message | None) -> None:
    """Delete a message that held a secret; a message already gone is not a failure."""
    if message is None:
        return
    try:
        await message.delete()
    except BadRequest as error:
        log.info("could not delete a secret-bearing message: %s", error.message)


async def linked_vehicle(context: BotContext, chat_id: int, vehicle_id: int | None) -> LinkedVehicle | None:
    """The vehicle as this chat is linked to it, or None when the chat has no link to that id."""
    if vehicle_id is None:
        return None
    for vehicle in await context.services.linking.vehicles(chat_id):
        if vehicle.vehicle_id == vehicle_id:
            return vehicle
    return None


def may_run(vehicle: LinkedVehicle, kind: ActionKind) -> bool:
    """Whether the chat's rights allow this action (the services check again)."""
    return spec_of(kind).right in vehicle.rights
