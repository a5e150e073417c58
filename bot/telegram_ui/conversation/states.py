"""A state that waits for input, as a feature declares it, and the answer to input it does not take.

Each feature's Telegram part (`bot/telegram_ui/parts.py`) declares its states; the Application holds them
all, by name, in its `Front`. The router answers every update no feature took from them, and a parametrised
test sends every kind of input to every state in every language: a state a feature adds is covered without
touching the test (docs/architecture.md, "Every message is answered").
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from telegram import InlineKeyboardMarkup, Update

from bot.telegram_ui.context import BotContext, ChatView
from bot.telegram_ui.conversation.inputs import InputKind
from bot.telegram_ui.conversation.names import StateName
from bot.telegram_ui.conversation.where import Source, Spot
from bot.telegram_ui.handlers.common import reply

Taker = Callable[[Update, BotContext, ChatView, Spot], Awaitable[None]]
"""Handles an input the state accepts (and answers it)."""
Buttons = Callable[[Update, BotContext, ChatView, Spot], Awaitable[InlineKeyboardMarkup | None]]
"""Builds the buttons offered again with the hint (default: the ones the screen had)."""
Leave = Callable[[BotContext, int], Awaitable[None]]
"""Forgets what the state kept for the chat (a draft) when the chat leaves it with /cancel."""
Asked = Callable[[BotContext, int], Awaitable[bool]]
"""Whether the chat is in the state when its part keeps the question itself, not as a screen (a price)."""
TimedOut = Callable[[Update, BotContext, ChatView, Spot], Awaitable[bool]]
"""Ends the chat's state if it ran out of time, saying so (True), for input the state does not take."""

TEXT = frozenset({InputKind.TEXT})


@dataclass(frozen=True, slots=True)
class State:
    """One state: where it is stored, what it says it expects, what it accepts and who takes it."""

    name: StateName
    source: Source
    hint: str  # catalog key: what the state expects, said to any input it does not take
    accepts: frozenset[InputKind] = frozenset()
    take: Taker | None = None
    buttons: Buttons | None = None
    leave: Leave | None = None
    # A question the part keeps in its own store (costs' awaited price): the router asks it where the chat is.
    asked: Asked | None = None
    # A state with its own clock (the login's steps): input it does not take first ends it when it expired.
    timed_out: TimedOut | None = None


def screen(name: StateName, buttons: Buttons | None = None) -> State:
    """A button screen: it takes only its own taps; its hint key is named after it."""
    return State(name, Source.SCREEN, f"router.hint.{name.value}", buttons=buttons)


def state_of(context: BotContext, spot: Spot) -> State:
    """The declared state the chat is in."""
    return context.bot_data.front.states[spot.state]


async def expected(
    update: Update, context: BotContext, view: ChatView, spot: Spot, lead: str | None = None
) -> None:
    """Say what the chat's state expects (after `lead`, what was wrong), with the buttons to do it."""
    state = state_of(context, spot)
    markup = await state.buttons(update, context, view, spot) if state.buttons is not None else None
    text = "\n\n".join(part for part in (lead, view.tr(state.hint)) if part)
    await reply(update, text, markup or spot.keyboard)
