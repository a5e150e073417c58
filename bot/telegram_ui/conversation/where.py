"""Where a chat is: a running /login, a screen waiting for a tap or a value, an asked price, or idle."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from telegram import InlineKeyboardMarkup, Update

from bot.domain.vehicle import LinkedVehicle
from bot.services.conversation_ports import LoginDraft
from bot.services.errors import NotLinked
from bot.telegram_ui.context import BotContext
from bot.telegram_ui.conversation.focus import Focus, FocusStore
from bot.telegram_ui.conversation.names import (
    IDLE_LINKED,
    IDLE_UNLINKED,
    LOGIN_CODE,
    LOGIN_EMAIL,
    LOGIN_LOCALE,
    LOGIN_PASSWORD,
    StateName,
)


class Source(Enum):
    """Which stored state puts a chat in a registry state (tests enter states through it)."""

    LOGIN = "login"  # the login_conversations row
    SCREEN = "screen"  # the chat's focus (conversation_drafts, kind 'focus')
    PRICE = "price"  # a question its part keeps itself (State.asked): the awaited away price
    IDLE = "idle"  # nothing waits: linked or not


@dataclass(frozen=True, slots=True)
class Spot:
    """The state a chat is in, and what was stored with it."""

    state: StateName
    login: LoginDraft | None = None
    focus: Focus | None = None
    vehicle: LinkedVehicle | None = None

    @property
    def keyboard(self) -> InlineKeyboardMarkup | None:
        """The buttons the chat's screen had, offered again with the hint."""
        return self.focus.keyboard if self.focus is not None else None


_LOGIN_STATES = {
    "locale": LOGIN_LOCALE,
    "email": LOGIN_EMAIL,
    "password": LOGIN_PASSWORD,
    "code": LOGIN_CODE,
}


def focus_store(context: BotContext) -> FocusStore:
    """The chats' screen focus, in the database."""
    return FocusStore(context.services.drafts)


async def locate(context: BotContext, update: Update) -> Spot:
    """The chat's state: its login first (a password must never go elsewhere), then its screen, then idle."""
    chat = update.effective_chat
    if chat is None:
        raise ValueError("update without a chat")
    login = await context.services.logins.load(chat.id)
    if login is not None:
        return Spot(_LOGIN_STATES[login.step.value], login=login)
    focus = await focus_store(context).get(chat.id, context.now())
    # A stored name is looked up among the states the parts declare (one an older release wrote and no
    # part declares any more reads as no screen).
    if focus is not None and StateName(focus.state) in context.bot_data.front.states:
        return Spot(StateName(focus.state), focus=focus)
    for state in context.bot_data.front.states.values():
        # A question a part keeps in its own store (costs' awaited price), asked through its state.
        if state.asked is not None and await state.asked(context, chat.id):
            return Spot(state.name)
    try:
        vehicle = await context.services.linking.active(chat.id)
    except NotLinked:
        return Spot(IDLE_UNLINKED)
    return Spot(IDLE_LINKED, vehicle=vehicle)


async def remember(
    context: BotContext,
    update: Update,
    state: StateName,
    keyboard: InlineKeyboardMarkup | None,
    *,
    vehicle_id: int | None = None,
    **data: str,
) -> None:
    """A screen that waits for the chat: record it, with its buttons, so any input can be answered."""
    chat = update.effective_chat
    if chat is None:
        return
    focus = Focus(state.value, vehicle_id, keyboard, data)
    await focus_store(context).put(chat.id, focus, context.now())


async def forget(context: BotContext, update: Update) -> None:
    """The chat answered its screen: nothing waits any more."""
    chat = update.effective_chat
    if chat is not None:
        await focus_store(context).clear(chat.id)
