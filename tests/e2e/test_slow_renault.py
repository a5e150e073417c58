"""A slow Renault: a note after 2 s, the result in its place, or a clear stop after 30 s; never silence.

Renault is held by the simulator (a HOLD fault the test releases) and the bot's patience timers are
released by the test too: nothing here sleeps.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from bot.simulator.renault import RenaultFault
from bot.simulator.telegram import EmulatedUser
from bot.simulator.telegram.model import ChatMessage
from bot.telegram_ui.context import UiOptions
from bot.telegram_ui.patience import Patience
from tests.e2e.harness import E2E, EMAIL, PASSWORD, login, running_e2e
from tests.support.chat import texts
from tests.support.waits import ManualWaits

WAIT = 10.0


@asynccontextmanager
async def _slow_bot(tmp_path: Path) -> AsyncIterator[tuple[E2E, ManualWaits]]:
    waits = ManualWaits()
    ui = UiOptions(patience=Patience(notice_after=2.0, give_up_after=30.0, schedule=waits.schedule))
    async with running_e2e(tmp_path, ui=ui) as e2e:
        yield e2e, waits


async def _linked(e2e: E2E) -> EmulatedUser:
    e2e.sim.add_vehicle(e2e.sim.add_account(EMAIL, PASSWORD), "X102VE", plugged=True)
    ann = e2e.emulator.user(1001, "Ann")
    await login(ann, EMAIL, PASSWORD)
    await ann.wait_until(lambda u: any(t.startswith("Linked!") for t in texts(u)), timeout=WAIT)
    return ann


async def _next(user: EmulatedUser, before: int) -> ChatMessage:
    await user.wait_until(lambda u: len(u.bot_messages) > before, timeout=WAIT)
    return user.bot_messages[before]


def _timed_out(user: EmulatedUser) -> bool:
    return any("has not answered within 30 s" in t for t in texts(user))


def _current(user: EmulatedUser, message: ChatMessage) -> str:
    found = user.message(message.message_id)
    return (found.text or "") if found is not None else ""


async def test_a_slow_status_gets_a_note_after_two_seconds_then_the_card_in_its_place(tmp_path: Path) -> None:
    async with _slow_bot(tmp_path) as (e2e, waits):
        ann = await _linked(e2e)
        e2e.clock.advance(minutes=5)  # past the card's freshness: /status reads the car
        held = e2e.sim.inject(RenaultFault.HOLD, endpoint="battery-status")
        before = len(ann.bot_messages)
        await ann.send("/status")
        await waits.elapse(2.0)
        note = await _next(ann, before)
        held.release.set()
        await ann.wait_until(lambda u: _current(u, note).startswith("🚗"), timeout=WAIT)
    assert note.text == "⏳ Checking with Renault…"
    assert len(ann.bot_messages) == before + 1  # the note became the card: one message, not two


async def test_renault_silent_for_thirty_seconds_gets_a_clear_stop(tmp_path: Path) -> None:
    async with _slow_bot(tmp_path) as (e2e, waits):
        ann = await _linked(e2e)
        e2e.clock.advance(minutes=5)
        held = e2e.sim.inject(RenaultFault.HOLD, endpoint="battery-status")
        before = len(ann.bot_messages)
        await ann.send("/status")
        await waits.elapse(2.0)
        await _next(ann, before)
        await waits.elapse(28.0)
        stopped = await _next(ann, before + 1)
        held.release.set()  # Renault answers at last: the bot stopped waiting, nothing more is said
    assert (stopped.text or "").startswith("⌛ Renault has not answered within 30 s, so I stopped waiting.")


async def test_a_slow_refresh_shows_a_toast_then_the_card(tmp_path: Path) -> None:
    async with _slow_bot(tmp_path) as (e2e, waits):
        ann = await _linked(e2e)
        before = len(ann.bot_messages)
        await ann.send("/status")
        card = await _next(ann, before)
        held = e2e.sim.inject(RenaultFault.HOLD, endpoint="battery-status")
        e2e.clock.advance(minutes=3)
        tap = await ann.tap(card, "🔄 Refresh")
        await waits.elapse(2.0)
        toast = await tap.answer(timeout=WAIT)
        held.release.set()
        await ann.wait_until(lambda u: "3 min ago" not in _current(u, card), timeout=WAIT)
    assert toast.text == "⏳ Checking with Renault…"


async def test_a_login_renault_never_answers_keeps_the_password_step(tmp_path: Path) -> None:
    async with _slow_bot(tmp_path) as (e2e, waits):
        e2e.sim.add_vehicle(e2e.sim.add_account(EMAIL, PASSWORD), "X102VE")
        held = e2e.sim.inject(RenaultFault.HOLD, path_contains="accounts.login")
        ann = e2e.emulator.user(1001, "Ann")
        await login(ann, EMAIL, PASSWORD)
        await waits.elapse(2.0)
        await waits.elapse(28.0)
        await ann.wait_until(
            lambda u: any("has not answered within 30 s" in t for t in texts(u)), timeout=WAIT
        )
        held.release.set()
        await ann.send(PASSWORD)  # the step stayed: the password is taken again
        await ann.wait_until(lambda u: any(t.startswith("Linked!") for t in texts(u)), timeout=WAIT)
    assert any(
        t.startswith("⌛ Renault has not answered within 30 s. Send the same again") for t in texts(ann)
    )


async def test_a_slow_charge_mode_read_gets_a_note_then_the_menu_in_its_place(tmp_path: Path) -> None:
    async with _slow_bot(tmp_path) as (e2e, waits):
        ann = await _linked(e2e)
        held = e2e.sim.inject(RenaultFault.HOLD, endpoint="charging-settings")
        before = len(ann.bot_messages)
        await ann.send("/charge")
        await waits.elapse(2.0)
        note = await _next(ann, before)
        held.release.set()
        await ann.wait_until(lambda u: _current(u, note).startswith("Charging"), timeout=WAIT)
    assert note.text == "⏳ Checking with Renault…"
    assert _current(ann, note) == "Charging · now: charge as soon as plugged in"
    assert len(ann.bot_messages) == before + 1  # the note became the menu


async def test_a_charge_mode_renault_never_tells_leaves_the_menu_without_it(tmp_path: Path) -> None:
    async with _slow_bot(tmp_path) as (e2e, waits):
        ann = await _linked(e2e)
        held = e2e.sim.inject(RenaultFault.HOLD, endpoint="charging-settings")
        before = len(ann.bot_messages)
        await ann.send("/charge")
        await waits.elapse(2.0)
        note = await _next(ann, before)
        await waits.elapse(28.0)
        await ann.wait_until(lambda u: _current(u, note) == "Charging", timeout=WAIT)
        held.release.set()
        menu = ann.message(note.message_id)
    # The mode is a detail of the menu: after 30 s the menu comes without it, not a stop.
    assert menu is not None
    assert "Charge on schedule" in [b.text for b in menu.buttons]
    assert not _timed_out(ann)


async def test_a_slow_charge_mode_button_shows_a_toast_then_the_menu(tmp_path: Path) -> None:
    async with _slow_bot(tmp_path) as (e2e, waits):
        ann = await _linked(e2e)
        before = len(ann.bot_messages)
        await ann.send("/status")
        card = await _next(ann, before)
        held = e2e.sim.inject(RenaultFault.HOLD, endpoint="charging-settings")
        tap = await ann.tap(card, "⏱ Charge mode")
        await waits.elapse(2.0)
        toast = await tap.answer(timeout=WAIT)
        held.release.set()
        await ann.wait_until(lambda u: _current(u, card).startswith("Charging · now"), timeout=WAIT)
    assert toast.text == "⏳ Checking with Renault…"
    assert len(ann.bot_messages) == before + 1  # no note left in the chat: the card became the menu


async def test_a_slow_schedule_gets_a_note_then_the_schedule_in_its_place(tmp_path: Path) -> None:
    async with _slow_bot(tmp_path) as (e2e, waits):
        ann = await _linked(e2e)
        held = e2e.sim.inject(RenaultFault.HOLD, endpoint="charging-settings")
        before = len(ann.bot_messages)
        await ann.send("/schedule")
        await waits.elapse(2.0)
        note = await _next(ann, before)
        held.release.set()
        await ann.wait_until(lambda u: _current(u, note).startswith("🗓 Charge schedule"), timeout=WAIT)
    assert note.text == "⏳ Checking with Renault…"
    assert len(ann.bot_messages) == before + 1  # the note became the schedule: one message, not two


async def test_a_slow_schedule_button_leaves_no_note_behind(tmp_path: Path) -> None:
    async with _slow_bot(tmp_path) as (e2e, waits):
        ann = await _linked(e2e)
        before = len(ann.bot_messages)
        await ann.send("/status")
        card = await _next(ann, before)
        held = e2e.sim.inject(RenaultFault.HOLD, endpoint="charging-settings")
        await ann.tap(card, "🗓 Schedule")
        await waits.elapse(2.0)
        note = await _next(ann, before + 1)
        held.release.set()
        await ann.wait_until(lambda u: "🗓 Charge schedule" in "".join(texts(u)), timeout=WAIT)
    assert note.text == "⏳ Checking with Renault…"
    assert ann.message(note.message_id) is None
    assert len(ann.bot_messages) == before + 2  # the card and the schedule


async def test_a_slow_tap_answered_already_leaves_no_note_behind(tmp_path: Path) -> None:
    # The editor's Edit button is answered at once; the note Renault's slowness then needs goes afterwards.
    async with _slow_bot(tmp_path) as (e2e, waits):
        ann = await _linked(e2e)
        before = len(ann.bot_messages)
        await ann.send("/schedule")
        shown = await _next(ann, before)
        held = e2e.sim.inject(RenaultFault.HOLD, endpoint="charging-settings")
        await ann.tap(shown, "✏️ Edit")
        await waits.elapse(2.0)
        note = await _next(ann, before + 1)
        held.release.set()
        await ann.wait_until(lambda u: "Save" in str(u.message(shown.message_id)), timeout=WAIT)
        await ann.wait_until(lambda u: u.message(note.message_id) is None, timeout=WAIT)
    assert note.text == "⏳ Checking with Renault…"
    assert len(ann.bot_messages) == before + 1  # the schedule, now the editor
