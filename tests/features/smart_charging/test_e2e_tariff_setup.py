"""Setting the tariff with buttons, end to end: /smartcharge and /costs first say a tariff is needed."""

from __future__ import annotations

from pathlib import Path

from bot.domain.tariff import TariffKind
from bot.simulator.telegram import EmulatedUser
from bot.simulator.telegram.model import ChatMessage
from tests.e2e.harness import E2E, EMAIL, PASSWORD, running_e2e
from tests.support.chat import texts

WAIT = 10.0


async def _linked(e2e: E2E, language: str = "en") -> EmulatedUser:
    e2e.sim.add_vehicle(e2e.sim.add_account(EMAIL, PASSWORD), "X102VE", plugged=True)
    ann = e2e.emulator.user(1001, "Ann", language_code=language)
    await ann.send("/login")
    countries = await ann.next_message(timeout=WAIT)
    await ann.tap(countries, countries.buttons[0].text)  # the country of the owner's language
    await ann.next_message(timeout=WAIT)  # the e-mail question
    await ann.send(EMAIL)
    await ann.next_message(timeout=WAIT)  # the password question
    await ann.send(PASSWORD)
    await ann.wait_until(lambda u: any("🚗" in t and "…" in t for t in texts(u)), timeout=WAIT)
    return ann


async def _answer(user: EmulatedUser, text: str) -> ChatMessage:
    before = len(user.bot_messages)
    await user.send(text)
    await user.wait_until(lambda u: len(u.bot_messages) > before, timeout=WAIT)
    return user.bot_messages[before]


async def _tap(user: EmulatedUser, message: ChatMessage, label: str, expect: str) -> ChatMessage:
    await user.tap(message, label)

    def shown() -> ChatMessage | None:
        current = user.message(message.message_id)
        return current if current is not None and expect in (current.text or "") else None

    await user.wait_until(lambda _: shown() is not None, timeout=WAIT)
    found = shown()
    assert found is not None
    return found


async def test_smartcharge_first_asks_for_a_tariff_then_fixed_rates_are_typed_once(tmp_path: Path) -> None:
    async with running_e2e(tmp_path) as e2e:
        ann = await _linked(e2e)
        needed = await _answer(ann, "/smartcharge")
        menu = await _tap(ann, needed, "💶 Set up my tariff", "Which electricity tariff")
        asked = await _tap(ann, menu, "💶 Fixed prices (peak / off-peak)", "Type your prices")
        wrong = await _answer(ann, "cheap at night")
        saved = await _answer(ann, "0.28 0.09 00:30 04:30")
        target = await _answer(ann, "/smartcharge")
        assert e2e.core is not None
        stored = await e2e.core.smart.tariff(1001)
    assert needed.text == "Smart charging plans with your electricity prices: set up your tariff first."
    # Linked from the United Kingdom: the example is in pounds.
    assert "in GBP" in (asked.text or "")
    assert "0.28 0.09 22:00 06:00" in (asked.text or "")
    assert (wrong.text or "").startswith("I could not read that.")
    assert (saved.text or "").startswith("✅ Tariff saved: 0.28 GBP per kWh, 0.09 GBP from 00:30 to 04:30.")
    assert (target.text or "").startswith("Smart charge: which battery level")
    assert stored is not None
    assert (stored.kind, stored.currency) == (TariffKind.FIXED, "GBP")


async def test_an_octopus_region_is_chosen_by_its_name(tmp_path: Path) -> None:
    async with running_e2e(tmp_path) as e2e:
        ann = await _linked(e2e)
        menu = await _answer(ann, "/smarttariff")
        regions = await _tap(ann, menu, "🐙 Octopus Agile (UK)", "Which Octopus Agile region")
        saved = await _tap(ann, regions, "London", "Tariff saved")
        assert e2e.core is not None
        stored = await e2e.core.smart.tariff(1001)
    assert "Yorkshire" in [b.text for b in regions.buttons]
    assert (saved.text or "").startswith("✅ Tariff saved: Octopus Agile, London.")
    assert stored is not None
    assert (stored.kind, stored.region) == (TariffKind.OCTOPUS, "C")


async def test_costs_without_a_tariff_say_so_first_with_the_button(tmp_path: Path) -> None:
    async with running_e2e(tmp_path) as e2e:
        ann = await _linked(e2e, "fr")
        first = await _answer(ann, "/costs")
        menu = await _tap(ann, first, "💶 Choisir mon tarif", "Quel tarif")
        asked = await _tap(ann, menu, "💶 Prix fixes (heures pleines / creuses)", "Tapez vos prix")
    assert (first.text or "").startswith("Pour chiffrer vos recharges, il me faut votre tarif")
    assert "en EUR" in (asked.text or "")  # linked from France: euros, written the French way
    assert "0,25 0,15 22:00 06:00" in (asked.text or "")
