"""What a feature adds to the Telegram front-end, declared in one object, and the parts assembled.

A feature's Telegram part names its commands (with their place in the menu), the button taps it takes (by
the codec's verb), the states that wait for its input, and optionally the `/start` deep link and the
location a chat shares while nothing waits. The composition root lists the parts (`bot/app/parts.py`);
`build_application` assembles them once into a `Front` kept in the Application's `bot_data`: nothing is
registered by importing a module, and a verb, a command or a state claimed twice fails at start-up.
See docs/architecture.md, "A feature's package".
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Coroutine, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from types import MappingProxyType
from typing import Any, TypeVar

from telegram import InlineKeyboardMarkup, Update

from bot.domain.actions import ActionKind
from bot.domain.vehicle import LinkedVehicle
from bot.telegram_ui.callback_data import KERNEL_VERBS, Callback, Verb, VerbConflict, verbs_by_code
from bot.telegram_ui.context import BotContext, ChatView, Services
from bot.telegram_ui.conversation.names import KERNEL_STATE_NAMES, StateName
from bot.telegram_ui.conversation.states import State
from bot.telegram_ui.i18n import Catalogs, FeatureCatalog, Translator
from bot.telegram_ui.ping_text import Renderer

CommandCallback = Callable[[Update, BotContext], Coroutine[Any, Any, None]]
"""Answers a slash command."""
TapHandler = Callable[[Update, BotContext, Callback], Awaitable[None]]
"""Answers a button tap whose payload carries the part's verb."""
DeepLink = Callable[[Update, BotContext, str], Awaitable[None]]
"""Answers `/start <argument>` (a deep link such as an invitation)."""
LocationHandler = Callable[[Update, BotContext], Awaitable[None]]
"""Takes a location shared while nothing waits for input."""
AfterLogin = Callable[[Update, BotContext, ChatView, str, tuple[str, ...]], Awaitable[None]]
TariffSetup = Callable[[Translator], InlineKeyboardMarkup]
"""The button that opens the tariff set-up, in the chat's language (smart charging's part draws it)."""
"""Says the login's 'linked' text (given), with what the part adds: the zones of the login's country."""
CardAction = Callable[[Update, BotContext, LinkedVehicle], Awaitable[None]]
"""Opens what a card button of the part's kind shows (the schedule behind the card's Schedule button)."""
CardRedraw = Callable[[Update, BotContext, int | None, bool], Awaitable[None]]
"""Draws the status card again in place of the tapped message, read from the car first when asked."""
PingText = Callable[[Any, Renderer], str]
"""The text of one of the part's notification events for one chat (the event's type picks it)."""
PingButtons = Callable[[Any, Translator], InlineKeyboardMarkup | None]
"""The buttons under one of the part's pings in the chat's language, or None (the event's type picks it)."""


@dataclass(frozen=True, slots=True)
class ChargeNotes:
    """What a part adds to the charges another part lists (costs on /history): a text per charge by its
    start, a line under the list, and buttons."""

    texts: Mapping[datetime, str] = field(default_factory=lambda: MappingProxyType({}))
    footer: str | None = None
    keyboard: InlineKeyboardMarkup | None = None


ChargeNoter = Callable[[BotContext, ChatView, LinkedVehicle, Sequence[datetime]], Awaitable[ChargeNotes]]
"""Notes on the charges of a car a chat is shown, each named by its start."""

K = TypeVar("K")
V = TypeVar("V")
H = TypeVar("H")


def _always(services: Services) -> bool:
    return True


@dataclass(frozen=True, slots=True)
class Command:
    """A slash command: its name, its handler, and its place in the menu Telegram shows (lower first)."""

    name: str
    callback: CommandCallback
    rank: int


@dataclass(frozen=True, slots=True)
class TelegramPart:
    """Everything one feature adds to the Telegram front-end."""

    name: str
    commands: tuple[Command, ...] = ()
    taps: Mapping[Verb, TapHandler] = field(default_factory=lambda: MappingProxyType({}))
    # A feature's states are always declared, wired or not: a chat's stored state must always be answerable.
    states: tuple[State, ...] = ()
    deep_link: DeepLink | None = None
    on_location: LocationHandler | None = None
    # Says the 'linked' message after a login, with what the part adds to it (the settings: the time zone).
    after_login: AfterLogin | None = None
    # The button that opens its tariff set-up (smart charging's), which another part shows where a tariff
    # is needed (/costs, when the chat has none).
    tariff_setup: TariffSetup | None = None
    # Draws the status card again in place of a tapped message (the status part's): Refresh, the menus'
    # Back and a confirmation's Cancel come back to it.
    card: CardRedraw | None = None
    # What the status card's buttons of these kinds open (the card's taps belong to the actions part).
    card_actions: Mapping[ActionKind, CardAction] = field(default_factory=lambda: MappingProxyType({}))
    # The texts of the notification events the feature produces, by event type (the notifier sends them).
    pings: Mapping[type, PingText] = field(default_factory=lambda: MappingProxyType({}))
    # The buttons under some of those pings (Confirm / Cancel...), by event type; a ping without is bare.
    ping_buttons: Mapping[type, PingButtons] = field(default_factory=lambda: MappingProxyType({}))
    # What it adds to the charges another part lists (the costs beside /history's charges).
    charge_notes: ChargeNoter | None = None
    # Its strings by language (the feature's `catalog.py`), merged with the kernel's: each key once.
    catalog: FeatureCatalog = field(default_factory=lambda: MappingProxyType({}))
    # Whether the use cases behind the part were built (an optional feature left out of `Services`).
    wired: Callable[[Services], bool] = _always


@dataclass(frozen=True, slots=True)
class Front:
    """Every part assembled: one Application's commands, taps and states."""

    commands: tuple[Command, ...]  # the wired parts' commands, in menu order
    taps: Mapping[Verb, TapHandler]
    states: Mapping[StateName, State]
    deep_link: DeepLink | None = None
    on_location: LocationHandler | None = None
    after_login: AfterLogin | None = None
    tariff_setup: TariffSetup | None = None
    command_names: frozenset[str] = frozenset()
    card: CardRedraw | None = None
    card_actions: Mapping[ActionKind, CardAction] = field(default_factory=lambda: MappingProxyType({}))
    charge_notes: ChargeNoter | None = None
    # Every verb a payload may name, by its wire code: the kernel's and every part's (wired or not: an old
    # button of a part left out still decodes, and is answered as stale).
    verbs: Mapping[str, Verb] = field(default_factory=lambda: verbs_by_code(KERNEL_VERBS))
    # Every message by language: the kernel's and every part's catalog (wired or not: a stale screen's hint).
    catalogs: Catalogs = field(default_factory=Catalogs)

    async def notes(
        self, context: BotContext, view: ChatView, vehicle: LinkedVehicle, started: Sequence[datetime]
    ) -> ChargeNotes:
        """What a wired part adds to the charges listed for `vehicle` (none when no part adds any)."""
        if self.charge_notes is None or not started:
            return ChargeNotes()
        return await self.charge_notes(context, view, vehicle, started)

    async def redraw_card(
        self, update: Update, context: BotContext, vehicle_id: int | None, *, refresh: bool
    ) -> None:
        """The status card again in place of the tapped message; with no part to draw it, the tap is only
        answered."""
        if self.card is not None:
            await self.card(update, context, vehicle_id, refresh)
        elif update.callback_query is not None:
            await update.callback_query.answer()

    def command(self, name: str) -> CommandCallback | None:
        """The handler of a wired command, None for a name nobody answers."""
        return next((command.callback for command in self.commands if command.name == name), None)


class PartConflict(ValueError):
    """Two parts claim the same command, verb, state or hook, or a state name has no part."""


def assemble(parts: Iterable[TelegramPart], services: Services) -> Front:
    """Check the parts against each other and put the wired ones together."""
    parts = tuple(parts)
    states = declared_states(parts)
    wired = [part for part in parts if part.wired(services)]
    commands: dict[str, Command] = {}
    taps: dict[Verb, TapHandler] = {}
    card_actions: dict[ActionKind, CardAction] = {}
    for part in wired:
        for kind, action in part.card_actions.items():
            _claim(card_actions, kind, action, f"the card's {kind.value} button")
        for command in part.commands:
            _claim(commands, command.name, command, f"command /{command.name}")
        for verb, handler in part.taps.items():
            _claim(taps, verb, handler, f"verb {verb.value}")
    return Front(
        commands=tuple(sorted(commands.values(), key=lambda command: command.rank)),
        taps=MappingProxyType(taps),
        states=states,
        deep_link=_one(wired, "deep link", lambda part: part.deep_link),
        on_location=_one(wired, "location", lambda part: part.on_location),
        after_login=_one(wired, "after-login message", lambda part: part.after_login),
        tariff_setup=_one(wired, "tariff set-up", lambda part: part.tariff_setup),
        command_names=frozenset(commands),
        card=_one(wired, "status card", lambda part: part.card),
        card_actions=MappingProxyType(card_actions),
        charge_notes=_one(wired, "charge notes", lambda part: part.charge_notes),
        catalogs=catalogs_of(parts),
        verbs=verbs_of(parts),
    )


def verbs_of(parts: Iterable[TelegramPart]) -> Mapping[str, Verb]:
    """The kernel's verbs and every part's (the verbs of its `taps`), by wire code: two verbs of one code
    fail at start-up, so a part added later cannot take an old button's code."""
    try:
        return verbs_by_code([*KERNEL_VERBS, *(verb for part in parts for verb in part.taps)])
    except VerbConflict as conflict:
        raise PartConflict(str(conflict)) from conflict


def catalogs_of(parts: Iterable[TelegramPart]) -> Catalogs:
    """The kernel's messages and every part's catalog; a key in two catalogs fails at start-up."""
    return Catalogs(part.catalog for part in parts)


def pings_of(parts: Iterable[TelegramPart]) -> Mapping[type, PingText]:
    """Every part's ping renderers by event type; an event type rendered by two parts fails at start-up."""
    pings: dict[type, PingText] = {}
    for part in parts:
        for event_type, text in part.pings.items():
            _claim(pings, event_type, text, f"the ping {event_type.__name__}")
    return MappingProxyType(pings)


def ping_buttons_of(parts: Iterable[TelegramPart]) -> Mapping[type, PingButtons]:
    """Every part's ping buttons by event type; an event type given buttons by two parts fails at start-up,
    and so do buttons for a ping the part does not render."""
    buttons: dict[type, PingButtons] = {}
    for part in parts:
        for event_type, make in part.ping_buttons.items():
            if event_type not in part.pings:
                raise PartConflict(
                    f"part {part.name}: buttons for {event_type.__name__}, a ping it does not render"
                )
            _claim(buttons, event_type, make, f"the buttons of the ping {event_type.__name__}")
    return MappingProxyType(buttons)


def declared_states(parts: Iterable[TelegramPart]) -> Mapping[StateName, State]:
    """Every part's states by name: each declared once, by some part, with a taker for what it accepts."""
    states: dict[StateName, State] = {}
    for part in parts:
        for state in part.states:
            _claim(states, state.name, state, f"state {state.name.value}")
            if bool(state.accepts) != (state.take is not None):
                raise PartConflict(f"state {state.name.value}: what it accepts and its taker go together")
    missing = sorted(name.value for name in set(KERNEL_STATE_NAMES) - set(states))
    if missing:
        raise PartConflict(f"every state is declared by a part; missing: {missing}")
    return MappingProxyType(states)


def _claim(claimed: dict[K, V], key: K, value: V, what: str) -> None:
    if key in claimed:
        raise PartConflict(f"{what} is claimed twice")
    claimed[key] = value


def _one(parts: list[TelegramPart], what: str, hook: Callable[[TelegramPart], H | None]) -> H | None:
    found = [h for h in map(hook, parts) if h is not None]
    if len(found) > 1:
        raise PartConflict(f"the {what} is claimed by {len(found)} parts")
    return found[0] if found else None
