"""Outcomes say what happened: the request named with its values, Refresh always answers, buttons follow."""

from __future__ import annotations

import dataclasses

from bot.domain.snapshot import ChargeMode, ChargeState
from bot.domain.vehicle import Capabilities
from bot.simulator.telegram import EmulatedUser
from bot.simulator.telegram.model import ChatMessage
from tests.support.chat import settled
from tests.telegram_ui.fakes import Stack, running_bot, zoe

WAIT = 10.0
ALL_CHARGING = Capabilities(
    frozenset(
        {"battery-status", "hvac-start", "charge-start", "charge-stop", "charge-set-mode", "soc-levels-set"}
    )
)


async def _card(s: Stack, capabilities: Capabilities | None = None) -> tuple[EmulatedUser, ChatMessage]:
    car = zoe() if capabilities is None else dataclasses.replace(zoe(), capabilities=capabilities)
    s.linking.links[1001] = [car]
    ann = s.emu.user(1001, "Ann")
    await ann.send("/status")
    return ann, await ann.next_message(timeout=WAIT)


async def test_a_precondition_at_a_time_is_acknowledged_with_its_time_and_temperature() -> None:
    async with running_bot() as s:
        ann, _ = await _card(s)
        await ann.send("/precondition")
        menu = await ann.next_message(timeout=WAIT)
        await ann.tap(menu, "At a time...")
        times = await settled(ann, menu, "When should")
        await ann.tap(times, "07:30")
        done = await settled(ann, menu, "✅")
    assert (done.text or "").startswith("✅ 🌡 Preconditioning at 21°C, ready at ")
    assert "07:30" in (done.text or "")


async def test_a_charge_limit_and_a_mode_are_named_in_the_acknowledgement() -> None:
    async with running_bot() as s:
        ann, _ = await _card(s, ALL_CHARGING)
        await ann.send("/charge")
        menu = await ann.next_message(timeout=WAIT)
        await ann.tap(menu, "Charge on schedule")
        moded = await settled(ann, menu, "✅")
        s.clock.advance(seconds=10)  # past the per-chat action rate
        await ann.send("/charge")
        again = await ann.next_message(timeout=WAIT)
        await ann.tap(again, "🎯 Charge limit...")
        levels = await settled(ann, again, "Charge up to")
        await ann.tap(levels, "80%")
        limited = await settled(ann, again, "✅")
    assert (moded.text or "").startswith("✅ ⏱ Charge mode: charge on schedule:")
    assert (limited.text or "").startswith("✅ 🎯 Charge limit: 80%:")


async def test_the_buttons_after_a_start_offer_stop_not_start_again() -> None:
    async with running_bot() as s:
        ann, card = await _card(s)
        await ann.tap(card, "⚡ Start charge")
        done = await settled(ann, card, "✅")
    labels = [b.text for b in done.buttons]
    assert "⏹ Stop charge" in labels
    assert "⚡ Start charge" not in labels


async def test_refresh_with_nothing_new_still_answers_with_the_data_age() -> None:
    async with running_bot() as s:
        ann, card = await _card(s)
        first = await (await ann.tap(card, "🔄 Refresh")).answer(timeout=WAIT)
        second = await (await ann.tap(card, "🔄 Refresh")).answer(timeout=WAIT)
    assert first.text == "🔄 Up to date · reported 12 min ago"
    assert second.text == "🔄 Up to date · reported 12 min ago"  # the card did not change: the toast is all


async def test_the_charge_menu_shows_the_current_mode_and_only_the_sensible_button() -> None:
    async with running_bot() as s:
        s.status.snapshot = dataclasses.replace(
            s.status.snapshot, charge=ChargeState.CHARGE_IN_PROGRESS, charge_mode=ChargeMode.SCHEDULED
        )
        ann, _ = await _card(s, ALL_CHARGING)
        await ann.send("/charge")
        menu = await ann.next_message(timeout=WAIT)
    assert menu.text == "Charging · now: charge on schedule"
    assert [b.text for b in menu.buttons] == [
        "⏹ Stop charge",
        "Charge as soon as plugged in",
        "✅ Charge on schedule",
        "🎯 Charge limit...",
    ]


async def test_an_idle_message_offers_the_cards_buttons_as_the_car_is() -> None:
    async with running_bot() as s:
        ann, _ = await _card(s)
        await ann.send("hello")
        reply = await ann.next_message(timeout=WAIT)
    assert [b.text for b in reply.buttons] == [
        "🔄 Refresh",
        "🌡 Precondition now",
        "⚡ Start charge",
        "📍 Location",
        "🗓 Schedule",
    ]
