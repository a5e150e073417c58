"""A ready time or a temperature typed where /precondition's lists ask for one runs it, as a tap would."""

from __future__ import annotations

from datetime import time

import pytest

from bot.domain.actions import ActionKind
from bot.simulator.telegram import EmulatedUser
from bot.simulator.telegram.model import ChatMessage
from bot.telegram_ui.typed import typed_clock, typed_degrees
from tests.support.chat import settled
from tests.telegram_ui.fakes import Stack, running_bot, zoe

WAIT = 10.0


@pytest.mark.parametrize(
    ("text", "clock"),
    [
        ("7:15", time(7, 15)),
        ("07.30", time(7, 30)),
        ("6h45", time(6, 45)),
        (" 23 h ", time(23, 0)),
        ("24:00", None),
        ("7:75", None),
        ("soon", None),
        ("", None),
    ],
)
def test_a_typed_time_of_day(text: str, clock: time | None) -> None:
    assert typed_clock(text) == clock


@pytest.mark.parametrize(
    ("text", "degrees"),
    [
        ("21", 21.0),
        ("21.5", 21.5),
        ("21,5 °C", 21.5),
        ("22C", 22.0),
        ("22 °", 22.0),
        ("warm", None),
        ("21.5.1", None),
        ("-3", None),
        ("", None),
    ],
)
def test_a_typed_temperature(text: str, degrees: float | None) -> None:
    assert typed_degrees(text) == degrees


async def _list(s: Stack, label: str, language: str = "en") -> tuple[EmulatedUser, ChatMessage]:
    """/precondition, then the tap on `label`: the list it shows (the same message, edited)."""
    s.linking.links[1001] = [zoe()]
    ann = s.emu.user(1001, "Ann", language_code=language)
    await ann.send("/precondition")
    menu = await ann.next_message(timeout=WAIT)
    await ann.tap(menu, label)
    await ann.wait_until(lambda u: u.message(menu.message_id) != menu, timeout=WAIT)
    shown = ann.message(menu.message_id)
    assert shown is not None
    return ann, shown


async def test_a_typed_ready_time_preconditions_for_then() -> None:
    async with running_bot() as s:
        ann, times = await _list(s, "At a time...")
        await ann.send("7:15")
        sent = await ann.next_message(timeout=WAIT)
        done = await settled(ann, sent, "✅")
    assert (times.text or "").endswith("Tap a time, or type one (like 07:15).")
    assert (done.text or "").startswith("✅ 🌡 Preconditioning at 21°C, ready at ")
    assert "07:15" in (done.text or "")
    ((_, _, request),) = s.actions.runs
    assert request.kind is ActionKind.PRECONDITION
    assert request.at is not None
    assert request.temperature_c == 21.0
    assert done.buttons  # the card's buttons, as after a tap


async def test_a_typed_temperature_in_french_preconditions_now_at_it() -> None:
    async with running_bot() as s:
        ann, temperatures = await _list(s, "Maintenant, autre température", language="fr")
        await ann.send("22,5")
        sent = await ann.next_message(timeout=WAIT)
        done = await settled(ann, sent, "✅")
    assert "tapez-la (par exemple 21,5\u202f°C)" in (temperatures.text or "")
    assert "22,5\u202f°C" in (done.text or "")
    ((_, _, request),) = s.actions.runs
    assert request.temperature_c == 22.5
    assert request.at is None


async def test_a_temperature_out_of_range_is_asked_again_with_the_list() -> None:
    async with running_bot() as s:
        ann, temperatures = await _list(s, "Now, another temperature")
        await ann.send("30")
        again = await ann.next_message(timeout=WAIT)
    assert again.text == "Type a temperature from 16°C to 27°C (like 21.5°C), or tap one below."
    assert again.buttons == temperatures.buttons
    assert s.actions.runs == []


async def test_text_at_the_menu_itself_gets_the_menu_again() -> None:
    async with running_bot() as s:
        s.linking.links[1001] = [zoe()]
        ann = s.emu.user(1001, "Ann")
        await ann.send("/precondition")
        menu = await ann.next_message(timeout=WAIT)
        await ann.send("22")  # which of the menu's buttons would it be? none: it is asked again
        again = await ann.next_message(timeout=WAIT)
    assert again.text == "I did not catch that.\n\nPreconditioning: choose with the buttons below."
    assert again.buttons == menu.buttons
    assert s.actions.runs == []
