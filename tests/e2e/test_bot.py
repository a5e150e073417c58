"""Whole-bot scenarios: the real Application against the Telegram emulator and the Renault simulator."""

from __future__ import annotations

from pathlib import Path

import pytest
from syrupy.assertion import SnapshotAssertion

from bot.simulator.renault import RenaultFault
from bot.simulator.telegram import EmulatedUser
from tests.e2e.harness import E2E, EMAIL, PASSWORD, TFA_EMAIL, login, running_e2e
from tests.support.chat import text_of, texts

WAIT = 10.0


async def _linked(e2e: E2E, model: str = "X102VE", **state: object) -> EmulatedUser:
    account = e2e.sim.add_account(EMAIL, PASSWORD)
    e2e.sim.add_vehicle(account, model, vin="VF1AG000012345678", plate="AB-123-CD", **state)
    ann = e2e.emulator.user(1001, "Ann")
    await login(ann, EMAIL, PASSWORD)
    await ann.wait_until(lambda u: any(t.startswith("Linked!") for t in texts(u)), timeout=WAIT)
    return ann


async def _status(ann: EmulatedUser) -> str:
    before = len(ann.bot_messages)
    await ann.send("/status")
    await ann.wait_until(lambda u: len(u.bot_messages) > before, timeout=WAIT)
    return ann.bot_messages[-1].text or ""


async def test_login_without_2fa_links_the_car_and_deletes_the_password(tmp_path: Path) -> None:
    async with running_e2e(tmp_path) as e2e:
        ann = await _linked(e2e)
    assert any("ZOE · AB-123-CD · …45678" in t for t in texts(ann))
    assert len(ann.deleted_messages) == 1


async def test_wrong_password_gets_a_clear_message_and_a_retry(tmp_path: Path) -> None:
    async with running_e2e(tmp_path) as e2e:
        e2e.sim.add_vehicle(e2e.sim.add_account(EMAIL, PASSWORD), "X102VE")
        ann = e2e.emulator.user(1001, "Ann")
        await login(ann, EMAIL, "not-the-password")
        await ann.wait_until(lambda u: any("refused" in t for t in texts(u)), timeout=WAIT)
        await ann.send(PASSWORD)
        await ann.wait_until(lambda u: any(t.startswith("Linked!") for t in texts(u)), timeout=WAIT)
    assert len(ann.deleted_messages) == 2


async def test_login_with_2fa_then_status(tmp_path: Path) -> None:
    async with running_e2e(tmp_path) as e2e:
        account = e2e.sim.add_account(TFA_EMAIL, PASSWORD, two_factor=True)
        e2e.sim.add_vehicle(account, "XBG1VE", vin="UU1DBG00098765432")
        ann = e2e.emulator.user(1001, "Ann")
        await login(ann, TFA_EMAIL, PASSWORD)
        await ann.wait_until(lambda u: any("Renault sent a code" in t for t in texts(u)), timeout=WAIT)
        await ann.send(e2e.sim.last_two_factor_code(TFA_EMAIL))
        await ann.wait_until(lambda u: any(t.startswith("Linked!") for t in texts(u)), timeout=WAIT)
        card = await _status(ann)
    assert card.startswith("🚗 SPRING")
    assert len(ann.deleted_messages) == 2  # the password and the code


async def test_wrong_code_then_right_code(tmp_path: Path) -> None:
    async with running_e2e(tmp_path) as e2e:
        e2e.sim.add_vehicle(e2e.sim.add_account(TFA_EMAIL, PASSWORD, two_factor=True), "XBG1VE")
        ann = e2e.emulator.user(1001, "Ann")
        await login(ann, TFA_EMAIL, PASSWORD)
        await ann.wait_until(lambda u: any("Renault sent a code" in t for t in texts(u)), timeout=WAIT)
        wrong = await ann.send("000000")
        await ann.wait_until(lambda u: any("That code is not right" in t for t in texts(u)), timeout=WAIT)
        right = await ann.send(e2e.sim.last_two_factor_code(TFA_EMAIL))
        await ann.wait_until(lambda u: any(t.startswith("Linked!") for t in texts(u)), timeout=WAIT)
    assert texts(ann)[-2].startswith("That code is not right")
    assert texts(ann)[-1].startswith("Linked! Your cars:\n✅ 🚗 SPRING")
    # The password and both codes, the wrong one too, are deleted from the chat.
    assert len(ann.deleted_messages) == 3
    assert {wrong.message_id, right.message_id} <= {m.message_id for m in ann.deleted_messages}


@pytest.mark.parametrize("model", ["X102VE", "XBG1VE", "XCB1VE", "R5E1VE"])
async def test_status_text_per_model(tmp_path: Path, model: str, snapshot: SnapshotAssertion) -> None:
    async with running_e2e(tmp_path) as e2e:
        ann = await _linked(e2e, model)
        card = await _status(ann)
        buttons = [b.text for b in ann.bot_messages[-1].buttons]
    assert {"card": card, "buttons": buttons} == snapshot


async def test_start_charge_button_sends_the_kamereon_request(tmp_path: Path) -> None:
    async with running_e2e(tmp_path) as e2e:
        ann = await _linked(e2e, "X102VE", plugged=True)
        await _status(ann)
        card = ann.bot_messages[-1]
        before = e2e.sim.log.count(key="charge-start")
        await ann.tap(card, "⚡ Start charge")
        await ann.wait_until(lambda u: "accepted" in text_of(u, card.message_id), timeout=WAIT)
    assert e2e.sim.log.count(key="charge-start") == before + 1


async def test_restart_keeps_the_link_and_logout_wipes_it(tmp_path: Path) -> None:
    async with running_e2e(tmp_path) as e2e:
        ann = await _linked(e2e)
        await e2e.restart()
        assert "🔋" in await _status(ann)
        await ann.send("/logout")
        await ann.wait_until(lambda u: any("Unlink your MyRenault" in t for t in texts(u)), timeout=WAIT)
        await ann.tap(ann.bot_messages[-1], "Yes, delete everything")
        await ann.wait_until(
            lambda u: any(t.startswith("Done: your account") for t in texts(u)), timeout=WAIT
        )
        after = await _status(ann)
    assert after == "No car is linked to this chat yet. Link your MyRenault account with /login."


async def test_renault_500_gives_a_clear_message_and_the_bot_recovers(tmp_path: Path) -> None:
    async with running_e2e(tmp_path) as e2e:
        ann = await _linked(e2e)
        e2e.sim.inject(RenaultFault.HTTP_500, times=None)
        failed = await _status(ann)
        e2e.sim.clear_faults()
        e2e.clock.advance(minutes=10)
        recovered = await _status(ann)
    assert "Renault" in failed
    assert "later" in failed
    assert "🔋" in recovered


async def _where(ann: EmulatedUser) -> tuple[tuple[float, float] | None, str]:
    before = len(ann.bot_messages)
    await ann.send("/where")
    await ann.wait_until(
        lambda u: (
            any(m.location is not None for m in u.bot_messages[before:]) and bool(u.bot_messages[-1].text)
        ),
        timeout=WAIT,
    )
    pin = next(m.location for m in ann.bot_messages[before:] if m.location is not None)
    assert pin is not None
    return (pin.latitude, pin.longitude), ann.bot_messages[-1].text or ""


async def test_where_during_a_renault_outage_shows_the_last_stored_position_and_says_so(
    tmp_path: Path,
) -> None:
    async with running_e2e(tmp_path) as e2e:
        ann = await _linked(e2e)
        await _status(ann)
        e2e.sim.move("VF1AG000012345678", 45.75, 4.85)
        live, _ = await _where(ann)
        e2e.clock.advance(minutes=10)
        e2e.sim.inject(RenaultFault.HTTP_500, times=None, endpoint="location")
        stored, caption = await _where(ann)
    assert live == stored == (45.75, 4.85)
    assert "position reported" in caption
    assert "Renault cannot be reached; this is the last known data" in caption
