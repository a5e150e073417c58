"""The parts assemble into one front: each command, verb, state and hook claimed once, unwired left out."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from datetime import UTC, datetime
from types import MappingProxyType

import pytest
from telegram import Update

from bot.app.parts import TELEGRAM_PARTS
from bot.domain.actions import ActionKind
from bot.domain.vehicle import LinkedVehicle
from bot.features.actions.telegram.menus import CHARGE_MENU
from bot.features.sharing.render import SHARE_VERB
from bot.telegram_ui.callback_data import ACTION_VERB, Callback
from bot.telegram_ui.context import BotContext, ChatView, Services
from bot.telegram_ui.conversation.states import TEXT, screen
from bot.telegram_ui.handlers import part as core
from bot.telegram_ui.parts import (
    ChargeNotes,
    Command,
    PartConflict,
    TelegramPart,
    assemble,
    ping_buttons_of,
)
from tests.support.clock import FakeClock
from tests.telegram_ui.fakes import make_services


def _services() -> Services:
    return make_services(FakeClock(datetime(2026, 12, 7, 9, 0, tzinfo=UTC)))[-1]


async def _nothing(update: Update, context: BotContext) -> None:
    return None


async def _tap(update: Update, context: BotContext, payload: Callback) -> None:
    return None


async def _link(update: Update, context: BotContext, argument: str) -> None:
    return None


async def _open(update: Update, context: BotContext, vehicle: LinkedVehicle) -> None:
    return None


async def _after(
    update: Update, context: BotContext, view: ChatView, linked: str, zones: tuple[str, ...]
) -> None:
    return None


async def _notes(
    context: BotContext, view: ChatView, vehicle: LinkedVehicle, started: Sequence[datetime]
) -> ChargeNotes:
    return ChargeNotes(footer="noted")


def test_the_real_parts_assemble_with_menu_order_by_rank() -> None:
    front = assemble(TELEGRAM_PARTS, _services())
    names = [command.name for command in front.commands]
    assert names[:4] == ["status", "precondition", "charge", "schedule"]
    assert names[-3:] == ["help", "cancel", "start"]
    assert front.command("status") is not None
    assert front.command("history") is None  # the fakes wire no history: its command is left out
    # Unwired parts' states are still answerable.
    assert set(front.states) == {state.name for part in TELEGRAM_PARTS for state in part.states}


def test_an_unwired_part_adds_no_command_tap_or_hook() -> None:
    extra = TelegramPart(
        name="extra",
        commands=(Command("extra", _nothing, 5),),
        taps=MappingProxyType({SHARE_VERB: _tap}),
        deep_link=_link,
        wired=lambda services: False,
    )
    front = assemble((core.PART, *TELEGRAM_PARTS[1:], extra), _services())
    assert "extra" not in front.command_names
    assert SHARE_VERB not in front.taps  # the fakes wire no sharing either
    assert front.deep_link is None


@pytest.mark.parametrize(
    ("twin", "claim"),
    [
        (TelegramPart(name="twin", commands=(Command("status", _nothing, 1),)), "command /status"),
        (TelegramPart(name="twin", taps=MappingProxyType({ACTION_VERB: _tap})), "verb"),
        (TelegramPart(name="twin", states=(screen(CHARGE_MENU),)), "state charge.menu"),
        (
            TelegramPart(name="twin", card_actions=MappingProxyType({ActionKind.SCHEDULE: _open})),
            "the card's schedule button",
        ),
        (TelegramPart(name="twin", after_login=_after), "after-login message"),
    ],
)
def test_a_second_claim_fails_at_start_up(twin: TelegramPart, claim: str) -> None:
    with pytest.raises(PartConflict, match=claim):
        assemble((*TELEGRAM_PARTS, twin), _services())


def test_two_deep_links_fail_at_start_up() -> None:
    first, second = TelegramPart(name="first", deep_link=_link), TelegramPart(name="second", deep_link=_link)
    assert assemble((*TELEGRAM_PARTS, first), _services()).deep_link is _link
    with pytest.raises(PartConflict, match="deep link"):
        assemble((*TELEGRAM_PARTS, first, second), _services())


def test_a_state_no_part_declares_fails_at_start_up() -> None:
    without_core = TELEGRAM_PARTS[1:]
    with pytest.raises(PartConflict, match="missing"):
        assemble(without_core, _services())


def test_a_state_that_accepts_input_needs_a_taker() -> None:
    broken = dataclasses.replace(screen(CHARGE_MENU), accepts=TEXT)
    parts = tuple(
        dataclasses.replace(part, states=tuple(broken if s.name is broken.name else s for s in part.states))
        for part in TELEGRAM_PARTS
    )
    with pytest.raises(PartConflict, match="taker"):
        assemble(parts, _services())


class _Ping:
    """An event type of a test part."""


def _text(event: object, renderer: object) -> str:
    return "ping"


def _no_buttons(event: object, tr: object) -> None:
    return None


def test_ping_buttons_are_claimed_once_and_only_for_the_parts_own_pings() -> None:
    pinging = TelegramPart(
        name="pinging",
        pings=MappingProxyType({_Ping: _text}),
        ping_buttons=MappingProxyType({_Ping: _no_buttons}),
    )
    assert ping_buttons_of((*TELEGRAM_PARTS, pinging))[_Ping] is _no_buttons
    with pytest.raises(PartConflict, match="claimed twice"):
        ping_buttons_of((pinging, dataclasses.replace(pinging, name="twin")))
    bare = TelegramPart(name="bare", ping_buttons=MappingProxyType({_Ping: _no_buttons}))
    with pytest.raises(PartConflict, match="a ping it does not render"):
        ping_buttons_of((bare,))


def test_the_notes_beside_listed_charges_come_from_one_wired_part() -> None:
    # The fakes wire no costs: nothing notes the charges /history lists.
    assert assemble(TELEGRAM_PARTS, _services()).charge_notes is None
    noter = TelegramPart(name="noter", charge_notes=_notes)
    assert assemble((*TELEGRAM_PARTS, noter), _services()).charge_notes is _notes
    unwired = dataclasses.replace(noter, name="unwired", wired=lambda services: False)
    assert assemble((*TELEGRAM_PARTS, noter, unwired), _services()).charge_notes is _notes
    with pytest.raises(PartConflict, match="charge notes"):
        assemble((*TELEGRAM_PARTS, noter, dataclasses.replace(noter, name="again")), _services())


async def test_a_front_without_notes_adds_nothing_to_the_charges() -> None:
    front = assemble(TELEGRAM_PARTS, _services())
    # No part notes charges here, so neither the context nor the view is looked at.
    notes = await front.notes(None, None, None, [datetime(2026, 12, 1, tzinfo=UTC)])  # type: ignore[arg-type]
    assert notes == ChargeNotes()
