"""Every button of the /status card and the /precondition and /charge menus, over the whole stack.

Each tap is checked by what reached the simulated Renault backend (its request log, by endpoint key).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path

import pytest
from telegram import Update

from bot.simulator.renault import RenaultFault
from bot.simulator.telegram import EmulatedUser
from tests.e2e.harness import E2E, EMAIL, PASSWORD, login, running_e2e
from tests.support.chat import tap_and_wait, text_of, texts

WAIT = 10.0
VIN = "VF1AG000012345678"


async def _linked(e2e: E2E, model: str, **state: object) -> EmulatedUser:
    account = e2e.sim.add_account(EMAIL, PASSWORD)
    e2e.sim.add_vehicle(account, model, vin=VIN, plate="AB-123-CD", **state)
    ann = e2e.emulator.user(1001, "Ann")
    await login(ann, EMAIL, PASSWORD)
    await ann.wait_until(lambda u: any(t.startswith("Linked!") for t in texts(u)), timeout=WAIT)
    return ann


async def _command(ann: EmulatedUser, command: str, prefix: str = "🚗 ") -> int:
    """Send a command; the id of the answer starting with `prefix` (other messages may interleave)."""
    sent = await ann.send(command)

    def answer() -> int | None:
        found = [m for m in ann.bot_messages if m.message_id > sent.message_id]
        return next((m.message_id for m in found if (m.text or "").startswith(prefix)), None)

    await ann.wait_until(lambda _: answer() is not None, timeout=WAIT)
    found = answer()
    assert found is not None
    return found


async def _until(condition: Callable[[], bool]) -> None:
    """Yield to the bot until the condition holds (the backend's log changes without a chat event)."""
    for _ in range(1000):
        if condition():
            return
        await asyncio.sleep(0.01)
    raise TimeoutError("condition not met")


def _buttons(user: EmulatedUser, message_id: int) -> list[str]:
    message = user.message(message_id)
    return [] if message is None else [f"{b.text}|{b.callback_data}" for b in message.buttons]


def _data(user: EmulatedUser, message_id: int, label: str) -> str:
    # Tap by payload: the confirmation repeats the action's label with another payload.
    message = user.message(message_id)
    assert message is not None
    return next(str(b.callback_data) for b in message.buttons if b.text == label)


def _has_button(user: EmulatedUser, message_id: int, label: str) -> bool:
    return any(shown.startswith(f"{label}|") for shown in _buttons(user, message_id))


async def _sent_keys(
    e2e: E2E, ann: EmulatedUser, message_id: int, labels: list[str], expected: str
) -> list[str]:
    """Tap the labels one after the other, and return the Kamereon keys requested once `expected` came."""
    e2e.clock.advance(seconds=30)  # past the per-chat action interval
    start = len(e2e.sim.log.records)

    def keys() -> list[str]:
        return [record.key for record in e2e.sim.log.records[start:] if "/kamereon/" in record.path]

    for label in labels:
        await _tap_when_shown(ann, message_id, label, last=label == labels[-1])
    await _until(lambda: expected in keys())
    return keys()


async def _tap_when_shown(ann: EmulatedUser, message_id: int, label: str, *, last: bool) -> None:
    await ann.wait_until(lambda u: _has_button(u, message_id, label), timeout=WAIT)
    shown = _buttons(ann, message_id)
    await (await ann.tap(message_id, _data(ann, message_id, label))).answer(timeout=WAIT)
    if not last:  # a submenu replaces the buttons
        await ann.wait_until(lambda u: _buttons(u, message_id) != shown, timeout=WAIT)


CARD_BUTTONS = {
    "X102VE": {
        "🔄 Refresh": (["🔄 Refresh"], "battery-status"),
        "🌡 Precondition now": (["🌡 Precondition now"], "hvac-start"),
        "⏱ Charge mode": (["⏱ Charge mode", "Charge on schedule"], "charge-set-mode"),
        "📍 Location": (["📍 Location"], "location"),
        "🗓 Schedule": (["🗓 Schedule"], "charging-settings"),
    },
    "XCB1VE": {
        "🔄 Refresh": (["🔄 Refresh"], "battery-status"),
        "🌡 Precondition now": (["🌡 Precondition now"], "hvac-start"),
        "⏱ Charge mode": (["⏱ Charge mode", "Charge on schedule"], "charge-set-mode"),
        "🎯 Charge limits": (["🎯 Charge limits", "🎯 Charge limit...", "80%"], "soc-levels-set"),
        "📍 Location": (["📍 Location"], "location"),
        "🗓 Schedule": (["🗓 Schedule"], "charging-settings"),
        "💡 Flash lights": (["💡 Flash lights"], "lights-start"),
    },
}


@pytest.mark.parametrize("model", sorted(CARD_BUTTONS))
async def test_every_card_button_sends_its_kamereon_request(tmp_path: Path, model: str) -> None:
    sent: dict[str, list[str]] = {}
    async with running_e2e(tmp_path) as e2e:
        ann = await _linked(e2e, model)
        first = ann.message(await _command(ann, "/status"))
        assert first is not None
        labels = [b.text for b in first.buttons]
        for label, (taps, expected) in CARD_BUTTONS[model].items():
            card = await _command(ann, "/status")
            sent[label] = await _sent_keys(e2e, ann, card, taps, expected)
    # The horn asks twice; its confirmation is covered with fake services in tests/telegram_ui.
    assert sorted(set(labels) - {"📣 Horn"}) == sorted(CARD_BUTTONS[model])
    missing = {label: keys for label, keys in sent.items() if CARD_BUTTONS[model][label][1] not in keys}
    assert missing == {}


async def test_precondition_menu_uses_the_default_temperature_from_settings(tmp_path: Path) -> None:
    async with running_e2e(tmp_path) as e2e:
        ann = await _linked(e2e, "X102VE")
        menu = await _command(ann, "/settings", "Settings")
        await tap_and_wait(ann, menu, "🌡 Temperature", "Default preconditioning temperature:")
        await tap_and_wait(ann, menu, "19°C", "Default temperature: 19°C")
        pre = await _command(ann, "/precondition", "Preconditioning")
        keys = await _sent_keys(e2e, ann, pre, ["Now at 19°C"], "hvac-start")
    assert keys == ["hvac-start"]
    assert e2e.sim.car(VIN).hvac_target_c == 19.0


async def test_precondition_menu_other_temperature(tmp_path: Path) -> None:
    async with running_e2e(tmp_path) as e2e:
        ann = await _linked(e2e, "X102VE")
        pre = await _command(ann, "/precondition", "Preconditioning")
        keys = await _sent_keys(e2e, ann, pre, ["Now, another temperature", "23°C"], "hvac-start")
    assert keys == ["hvac-start"]
    assert e2e.sim.car(VIN).hvac_target_c == 23.0


async def test_charge_menu_starts_the_charge_and_sets_the_mode(tmp_path: Path) -> None:
    async with running_e2e(tmp_path) as e2e:
        ann = await _linked(e2e, "X102VE", plugged=True)
        menu = await _command(ann, "/charge", "Charging")
        start = await _sent_keys(e2e, ann, menu, ["⚡ Start charge"], "charge-start")
        menu = await _command(ann, "/charge", "Charging")
        mode = await _sent_keys(e2e, ann, menu, ["Charge on schedule"], "charge-set-mode")
    assert start == ["charge-start"]
    assert mode == ["charge-set-mode"]
    assert e2e.sim.car(VIN).charge_mode == "scheduled"


async def test_the_charge_menu_says_and_ticks_the_mode_the_car_is_in(tmp_path: Path) -> None:
    # No reading stores the charge mode: /charge asks the car (the X102VE: its charging settings) each time.
    async with running_e2e(tmp_path) as e2e:
        ann = await _linked(e2e, "X102VE", plugged=True, charge_mode="scheduled")
        scheduled = ann.message(await _command(ann, "/charge", "Charging"))
        e2e.sim.car(VIN).set_charge_mode(e2e.clock(), "always")  # changed in the MyRenault app meanwhile
        always = ann.message(await _command(ann, "/charge", "Charging"))
        e2e.sim.inject(RenaultFault.HTTP_500, endpoint="charging-settings", times=None)
        unread = ann.message(await _command(ann, "/charge", "Charging"))
    assert scheduled is not None
    assert always is not None
    assert unread is not None
    assert scheduled.text == "Charging · now: charge on schedule"
    assert [b.text for b in scheduled.buttons][-2:] == [
        "Charge as soon as plugged in",
        "✅ Charge on schedule",
    ]
    assert always.text == "Charging · now: charge as soon as plugged in"
    assert [b.text for b in always.buttons][-2:] == ["✅ Charge as soon as plugged in", "Charge on schedule"]
    # A mode Renault did not tell is not guessed; the menu is still there.
    assert unread.text == "Charging"
    assert [b.text for b in unread.buttons][-2:] == ["Charge as soon as plugged in", "Charge on schedule"]


async def test_renault_quota_says_when_the_next_try_is_possible(tmp_path: Path) -> None:
    async with running_e2e(tmp_path) as e2e:
        ann = await _linked(e2e, "X102VE")
        card = await _command(ann, "/status")
        e2e.sim.inject(RenaultFault.QUOTA, endpoint="hvac-start", times=None)
        e2e.clock.advance(seconds=30)
        await ann.tap(card, "🌡 Precondition now")
        await ann.wait_until(lambda u: "Renault is limiting" in text_of(u, card), timeout=WAIT)
        shown = text_of(ann, card)
    assert "next try possible in about" in shown
    assert e2e.sim.car(VIN).hvac_on is False


async def test_a_forged_tap_for_another_chats_car_is_refused_and_sends_nothing(tmp_path: Path) -> None:
    async with running_e2e(tmp_path) as e2e:
        ann = await _linked(e2e, "X102VE", plugged=True)
        card = await _command(ann, "/status")
        ann_data = _data(ann, card, "🔄 Refresh").replace("REFRESH", "PRECONDITION")
        bob_account = e2e.sim.add_account("bob@example.com", PASSWORD)
        e2e.sim.add_vehicle(bob_account, "X102VE", vin="VF1AG000087654321")
        bob = e2e.emulator.user(2002, "Bob")
        await login(bob, "bob@example.com", PASSWORD)
        await bob.wait_until(lambda u: any(t.startswith("Linked!") for t in texts(u)), timeout=WAIT)
        bob_card = await _command(bob, "/status")
        e2e.clock.advance(seconds=30)
        before = e2e.sim.log.total
        assert e2e.app is not None
        await e2e.app.process_update(_forged(e2e, bob, bob_card, ann_data))
        answers = [c.params for c in e2e.emulator.calls("answerCallbackQuery")]
    forged = [a for a in answers if a["callback_query_id"] == f"forged-{bob_card}"]
    assert forged[0].get("text") == (
        "This button is for a car this chat is not linked to. Send /status for your car's buttons."
    )
    assert e2e.sim.log.total == before
    assert e2e.sim.log.count(key="hvac-start") == 0


def _forged(e2e: E2E, user: EmulatedUser, message_id: int, data: str) -> Update:
    """A callback query with chosen data on the user's own message, as a modified client could send."""
    assert e2e.app is not None
    payload = {
        "update_id": 90_000_000 + message_id,
        "callback_query": {
            "id": f"forged-{message_id}",
            "from": {"id": user.id, "is_bot": False, "first_name": "Bob", "language_code": "en"},
            "chat_instance": str(user.chat_id),
            "data": data,
            "message": {
                "message_id": message_id,
                "date": int(e2e.clock().timestamp()),
                "chat": {"id": user.chat_id, "type": "private"},
                "text": "card",
            },
        },
    }
    update = Update.de_json(payload, e2e.app.bot)
    assert update is not None
    return update
