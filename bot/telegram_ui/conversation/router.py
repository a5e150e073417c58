"""The one fallback: every update no feature took gets an answer in the chat's language.

Three handlers, registered by `application.build_application`: `gate` runs before every feature (an edited
message is never taken as an answer; a new command leaves the chat's screen), `on_message` takes every new
message that is not a command, and `fallback` runs last for what nobody took (an unknown command, a stray
tap). What each state accepts and says otherwise is declared by the feature's part (`states.py`).
"""

from __future__ import annotations

import logging

from telegram import Message, Update
from telegram.constants import ChatType
from telegram.ext import ApplicationHandlerStop

from bot.telegram_ui.context import BotContext, ChatView
from bot.telegram_ui.conversation.inputs import MEDIA_KINDS, InputKind, command_of, input_kind
from bot.telegram_ui.conversation.stale import answer_stale
from bot.telegram_ui.conversation.states import expected, state_of
from bot.telegram_ui.conversation.where import focus_store, locate
from bot.telegram_ui.conversation.words import closest, commands_named
from bot.telegram_ui.parts import CommandCallback

log = logging.getLogger(__name__)


def _ours(context: BotContext, addressee: str | None) -> bool:
    # '/status@other_bot' in a group is for another bot; '/status' and '/status@us' are ours.
    return addressee is None or addressee.lower() == (context.bot.username or "").lower()


def _addressed(context: BotContext, update: Update, message: Message) -> bool:
    """Whether the bot should answer: always in a private chat; in a group, what is meant for it."""
    chat = update.effective_chat
    if chat is not None and chat.type == ChatType.PRIVATE:
        return True  # only the owner and this bot are there, whatever bot a command names
    command = command_of(message)
    if command is not None and not _ours(context, command[1]):
        return False
    if command is not None:
        return command[1] is not None  # a bare unknown command in a group may be another bot's
    replied = message.reply_to_message
    return replied is not None and replied.from_user is not None and replied.from_user.id == context.bot.id


def known_commands(context: BotContext) -> frozenset[str]:
    """Every command the application answers (the features' included)."""
    return context.bot_data.front.command_names


def _callback_of(context: BotContext, name: str) -> CommandCallback | None:
    return context.bot_data.front.command(name)


async def gate(update: Update, context: BotContext) -> None:
    """Before every feature: answer an edit without taking it; a known command leaves the current screen."""
    edited = update.edited_message
    if edited is not None:
        if _addressed(context, update, edited):
            await route(update, context, InputKind.EDIT)
        raise ApplicationHandlerStop  # no feature may read an edit as an answer
    message = update.message
    command = command_of(message) if message is not None else None
    if (
        command is not None
        and command[0] != "cancel"  # /cancel ends the screen itself, saying what it cancelled
        and _ours(context, command[1])
        and command[0] in known_commands(context)  # an unknown command leaves the chat where it was
    ):
        chat = update.effective_chat
        if chat is not None:
            await focus_store(context).clear(chat.id)


async def on_message(update: Update, context: BotContext) -> None:
    """A new message that is not a command: the chat's state takes it or says what it expects."""
    message = update.message
    if message is not None and _addressed(context, update, message):
        await route(update, context, input_kind(message))


async def fallback(update: Update, context: BotContext) -> None:
    """Last of all: an unknown command, a tap nobody routed; other updates are not messages to answer."""
    if update.callback_query is not None:
        await answer_stale(update, context)
        return
    message = update.message
    if message is not None and _addressed(context, update, message):
        await route(update, context, input_kind(message))


async def route(update: Update, context: BotContext, kind: InputKind) -> None:
    """Give the input to the state that accepts it, else say what the state expects."""
    view = await context.chat_view(update)
    spot = await locate(context, update)
    state = state_of(context, spot)
    if kind in state.accepts and state.take is not None:
        await state.take(update, context, view, spot)
        return
    if state.timed_out is not None and await state.timed_out(update, context, view, spot):
        return  # the state's part ended it (a login past its time) and said so
    message = update.effective_message
    lead = _lead(context, view, kind, message)
    if kind is InputKind.TEXT and message is not None:
        named = [name for name in commands_named(message.text or "") if name in known_commands(context)]
        if len(named) == 1:
            await _run(update, context, named[0])
            return
        if named:
            lead = f"{lead} {_did_you_mean(view, named)}"
    log.info("input %s answered by the %s state", kind.value, spot.state.value)
    await expected(update, context, view, spot, lead)


def _lead(context: BotContext, view: ChatView, kind: InputKind, message: Message | None) -> str:
    """What went wrong with this input, before the state says what it expects."""
    tr = view.tr
    if kind is InputKind.EDIT:
        return tr("router.edited")
    if kind is InputKind.COMMAND and message is not None:
        command = command_of(message)
        name, addressee = command if command is not None else ("", None)
        known = known_commands(context)
        if not _ours(context, addressee) and name in known:
            # '/status@other_bot' typed in our private chat: say so, and how to ask this bot.
            text = tr("router.other_bot", command=f"/{name}@{addressee}")
            return f"{text} {_did_you_mean(view, [name])}"
        text = tr("router.unknown_command", command=f"/{name}")
        suggestions = closest(name, known)
        return f"{text} {_did_you_mean(view, suggestions)}" if suggestions else text
    if kind in MEDIA_KINDS:
        return tr("router.not_text", what=tr(f"router.kind.{kind.value}"))
    return tr("router.not_understood")


def _did_you_mean(view: ChatView, commands: list[str]) -> str:
    joined = f" {view.tr('router.or')} ".join(f"/{name}" for name in commands)
    return view.tr("router.did_you_mean", commands=joined)


async def _run(update: Update, context: BotContext, name: str) -> None:
    """Run a command named in free text, as if it had been sent (it leaves the current screen too)."""
    callback = _callback_of(context, name)
    if callback is None:
        return
    chat = update.effective_chat
    if chat is not None:
        await focus_store(context).clear(chat.id)
    context.args = []
    log.info("free text ran /%s", name)
    await callback(update, context)
