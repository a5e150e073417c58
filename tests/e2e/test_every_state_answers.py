"""Every state every part declares × every kind of input × every language gets an answer.

The states come from the parts themselves (`bot/app/parts.py`), the kinds from `InputKind`: a state or a
kind added later is covered without editing this test. Each input goes through the Telegram emulator to the
whole bot (SQLite, Renault simulator); a state is entered through the stored state its `source` names, as a
restart would find it. An input the state does not take must be answered with the state's own hint, in the
chat's language; an input it takes must get an answer that is not the generic error.
"""

from __future__ import annotations

import itertools
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import timedelta
from pathlib import Path

import pytest
import pytest_asyncio

from bot.app.parts import CATALOGS, TELEGRAM_PARTS
from bot.services.conversation_ports import LOGIN_TTL, LoginDraft, LoginStep
from bot.simulator.telegram import EmulatedUser, Tap
from bot.simulator.telegram.model import ChatMessage
from bot.telegram_ui.conversation.focus import Focus, FocusStore
from bot.telegram_ui.conversation.inputs import InputKind
from bot.telegram_ui.conversation.names import IDLE_UNLINKED, StateName
from bot.telegram_ui.conversation.stale import stale_key
from bot.telegram_ui.conversation.states import State
from bot.telegram_ui.conversation.where import Source, Spot
from bot.telegram_ui.i18n import SUPPORTED_LANGUAGES
from bot.telegram_ui.parts import declared_states
from tests.e2e.harness import E2E, running_e2e

REGISTRY = declared_states(TELEGRAM_PARTS)  # every part's states: one a part adds later is covered

WAIT = 10.0
PASSWORD = "state-password-1"
_chat_ids = itertools.count(70_001)


@pytest_asyncio.fixture(loop_scope="module", scope="module")
async def e2e(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[E2E]:
    """One bot for the whole module: each case has its own chat."""
    path: Path = tmp_path_factory.mktemp("states")
    async with running_e2e(path) as running:
        yield running


def _needs_link(state: State) -> bool:
    # A login runs before any link; the unlinked idle state is the one without; every other has a car.
    return state.source is not Source.LOGIN and state.name != IDLE_UNLINKED


async def _open_chat(e2e: E2E, state: State, language: str) -> tuple[EmulatedUser, ChatMessage]:
    """A chat in `language` (linked when the state needs a car); returns its /help reply."""
    chat_id = next(_chat_ids)
    user = e2e.emulator.user(chat_id, "Dana", language_code=language)
    await user.send("/help")
    helped = await user.next_message(timeout=WAIT)
    if _needs_link(state):
        email = f"owner{chat_id}@example.com"
        e2e.sim.add_vehicle(e2e.sim.add_account(email, PASSWORD), "X102VE", plugged=True)
        assert e2e.core is not None
        await e2e.core.linking.begin(chat_id, "fr_FR", email, PASSWORD)
    return user, helped


async def _enter(e2e: E2E, state: State, chat_id: int) -> None:
    """Put the chat in `state` through the stored state its source names."""
    assert e2e.core is not None
    now = e2e.clock()
    if state.source is Source.LOGIN:
        step = LoginStep(state.name.value.removeprefix("login."))
        draft = LoginDraft(chat_id, step, "fr_FR", now + LOGIN_TTL, email="dana@example.com")
        await e2e.core.stores.logins.save(draft)
    elif state.source is Source.SCREEN:
        await FocusStore(e2e.core.stores.drafts).put(chat_id, Focus(state.name.value), now)
    elif state.source is Source.PRICE:
        vehicle = await e2e.core.linking.active(chat_id)
        await e2e.core.costs.ask_away_price(chat_id, vehicle.vehicle_id, now - timedelta(hours=3))


Sender = Callable[[EmulatedUser, ChatMessage], Awaitable[object]]


def _attachment(kind: str) -> Sender:
    async def send(user: EmulatedUser, helped: ChatMessage) -> object:
        return await user.send_attachment(kind)

    return send


_ATTACHED = {InputKind.OTHER: "story"}
SENDERS: dict[InputKind, Sender] = {
    InputKind.TEXT: lambda user, _: user.send("hello there"),
    InputKind.COMMAND: lambda user, _: user.send("/stauts"),
    InputKind.EDIT: lambda user, _: user.edit(user.history[0], "/help me"),
    InputKind.TAP: lambda user, helped: _tap(user, helped),
    InputKind.LOCATION: lambda user, _: user.send_location(48.85, 2.35),
    **{
        kind: _attachment(_ATTACHED.get(kind, kind.value))
        for kind in InputKind
        if kind not in (InputKind.TEXT, InputKind.COMMAND, InputKind.EDIT, InputKind.TAP, InputKind.LOCATION)
    },
}


async def _tap(user: EmulatedUser, helped: ChatMessage) -> object:
    return user.tap_data(helped, "1.zz..gone")


def test_every_input_kind_has_a_sender() -> None:
    # Every kind but the four above is an attachment the emulator knows how to send.
    assert set(SENDERS) == set(InputKind)


async def _answers_to(user: EmulatedUser, state: State, kind: InputKind, helped: ChatMessage) -> list[str]:
    """Send one input and collect what the bot said to it."""
    before = len(user.events)
    sent = await SENDERS[kind](user, helped)
    if isinstance(sent, Tap):
        answer = await sent.answer(timeout=WAIT)
        return [answer.text or ""]
    if kind not in state.accepts:
        # One answer is expected: the state's hint.
        await user.wait_until(lambda u: any(e.kind == "sent" for e in u.events[before:]), timeout=WAIT)
        return [e.message.text or "" for e in user.events[before:] if e.kind == "sent"][:1]
    # A taken input may be answered in several messages: /help after it is a barrier (a chat's updates
    # are handled one at a time, in order), and what came before the help text is the answer.
    await user.send("/help")
    help_text = CATALOGS.translator(user.user.language_code or "en")("help.text")
    await user.wait_until(
        lambda u: any(e.kind == "sent" and e.message.text == help_text for e in u.events[before:]),
        timeout=WAIT,
    )
    said = [e.message.text or e.message.caption or "" for e in user.events[before:] if e.kind == "sent"]
    return said[: said.index(help_text)]


@pytest.mark.asyncio(loop_scope="module")
@pytest.mark.parametrize("language", SUPPORTED_LANGUAGES)
@pytest.mark.parametrize("name", list(REGISTRY), ids=lambda n: n.value)
async def test_every_state_answers_every_kind_of_input(e2e: E2E, name: StateName, language: str) -> None:
    state = REGISTRY[name]
    tr = CATALOGS.translator(language)
    user, helped = await _open_chat(e2e, state, language)
    unanswered: list[str] = []
    wrong: list[str] = []
    for kind in InputKind:
        await _enter(e2e, state, user.chat_id)
        said = await _answers_to(user, state, kind, helped)
        if not said or not said[0]:
            unanswered.append(kind.value)
        elif tr("error.generic") in said:
            wrong.append(f"{kind.value}: generic error")
        elif kind is InputKind.TAP:
            if said[0] != tr(stale_key(Spot(name))):
                wrong.append(f"tap: {said[0]!r}")
        elif kind not in state.accepts and tr(state.hint) not in said[0]:
            wrong.append(f"{kind.value}: {said[0]!r}")
    assert unanswered == []
    assert wrong == []
