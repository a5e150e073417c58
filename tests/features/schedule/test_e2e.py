"""/schedule over the whole stack: edit a day with buttons, Save, and the simulated car has the schedule."""

from __future__ import annotations

from pathlib import Path

from bot.simulator.renault import RenaultFault
from bot.simulator.telegram import EmulatedUser
from tests.e2e.harness import E2E, EMAIL, PASSWORD, login, running_e2e
from tests.support.chat import tap_and_wait, text_of, texts

WAIT = 10.0
VIN = "VF1AG000012345678"


async def _linked(e2e: E2E) -> EmulatedUser:
    account = e2e.sim.add_account(EMAIL, PASSWORD)
    e2e.sim.add_vehicle(account, "X102VE", vin=VIN, plate="AB-123-CD")
    ann = e2e.emulator.user(1001, "Ann")
    await login(ann, EMAIL, PASSWORD)
    await ann.wait_until(lambda u: any(t.startswith("Linked!") for t in texts(u)), timeout=WAIT)
    return ann


async def _schedule_message(ann: EmulatedUser, command: str = "/schedule") -> int:
    before = len(ann.bot_messages)
    await ann.send(command)
    await ann.wait_until(lambda u: len(u.bot_messages) > before, timeout=WAIT)
    return ann.bot_messages[-1].message_id


async def _edit_day(ann: EmulatedUser, mid: int, day: str, hour: str, start: str, duration: str) -> None:
    await tap_and_wait(ann, mid, day, "at which hour")
    await tap_and_wait(ann, mid, hour, "at which minute")
    await tap_and_wait(ann, mid, start, "How long")
    await tap_and_wait(ann, mid, duration, f"({duration})")
    await tap_and_wait(ann, mid, "✅ OK", "tap a day")


def _button_starting(user: EmulatedUser, message_id: int, prefix: str) -> str:
    message = user.message(message_id)
    assert message is not None
    labels = [b.text for b in message.buttons]
    found = [label for label in labels if label.startswith(prefix)]
    assert found, (message.text, labels)
    return found[0]


async def test_edit_monday_to_01_15_for_3_hours_reaches_the_car(tmp_path: Path) -> None:
    async with running_e2e(tmp_path) as e2e:
        ann = await _linked(e2e)
        mid = await _schedule_message(ann)
        await tap_and_wait(ann, mid, "✏️ Edit", "Which program")
        await tap_and_wait(ann, mid, "➕ New program", "tap a day")
        await _edit_day(ann, mid, _button_starting(ann, mid, "Mon "), "01", "01:15", "3 h")
        await tap_and_wait(ann, mid, "💾 Save", "Saved")
        saved = text_of(ann, mid)
        schedules = e2e.sim.car(VIN).schedules
        reread = text_of(ann, await _schedule_message(ann))
    assert schedules == [{"id": 1, "activated": True, "monday": {"startTime": "T01:15Z", "duration": 180}}]
    assert "Monday 01:15 → 04:15 (3 h)" in saved
    assert "Monday 01:15 → 04:15 (3 h)" in reread
    assert e2e.sim.log.count(key="charge-set-schedule") == 1


async def _in_paris(ann: EmulatedUser) -> None:
    # Linked from the United Kingdom: the zone list is the UK's, another zone is typed.
    menu = await _schedule_message(ann, "/settings")
    await tap_and_wait(ann, menu, "🕒 Time zone", "time zone")
    saved = await _schedule_message(ann, "Paris")
    assert text_of(ann, saved).startswith("🕒 Time zone: Paris (Europe/Paris).")


async def test_times_are_edited_in_the_chats_zone_and_sent_in_utc(tmp_path: Path) -> None:
    async with running_e2e(tmp_path) as e2e:
        ann = await _linked(e2e)
        await _in_paris(ann)
        mid = await _schedule_message(ann)
        await tap_and_wait(ann, mid, "✏️ Edit", "Which program")
        await tap_and_wait(ann, mid, "➕ New program", "tap a day")
        await _edit_day(ann, mid, _button_starting(ann, mid, "Mon "), "01", "01:15", "3 h")
        await tap_and_wait(ann, mid, "💾 Save", "Saved")
        saved = text_of(ann, mid)
    assert "Monday 01:15 → 04:15 (3 h)" in saved
    assert "Times are in Paris (Europe/Paris)." in saved
    assert e2e.sim.car(VIN).schedules[0]["monday"] == {"startTime": "T00:15Z", "duration": 180}


async def test_an_invalid_draft_never_reaches_renault(tmp_path: Path) -> None:
    async with running_e2e(tmp_path) as e2e:
        ann = await _linked(e2e)
        mid = await _schedule_message(ann)
        await tap_and_wait(ann, mid, "✏️ Edit", "Which program")
        await tap_and_wait(ann, mid, "➕ New program", "tap a day")
        # Monday 22:00 for 8 h runs into Tuesday's 02:00 start: Renault would refuse it.
        await _edit_day(ann, mid, _button_starting(ann, mid, "Mon "), "22", "22:00", "8 h")
        await _edit_day(ann, mid, _button_starting(ann, mid, "Tue "), "02", "02:00", "1 h")
        await tap_and_wait(ann, mid, "💾 Save", "cannot send this schedule")
        shown = text_of(ann, mid)
    assert "a period runs into the next period of the same program" in shown
    assert e2e.sim.log.count(key="charge-set-schedule") == 0
    assert e2e.sim.car(VIN).schedules == []


async def test_renault_refusing_keeps_and_shows_the_old_schedule(tmp_path: Path) -> None:
    async with running_e2e(tmp_path) as e2e:
        ann = await _linked(e2e)
        mid = await _schedule_message(ann)
        await tap_and_wait(ann, mid, "✏️ Edit", "Which program")
        await tap_and_wait(ann, mid, "➕ New program", "tap a day")
        await _edit_day(ann, mid, _button_starting(ann, mid, "Wed "), "07", "07:30", "2 h")
        e2e.sim.inject(RenaultFault.HTTP_500, endpoint="charge-set-schedule", times=None)
        await tap_and_wait(ann, mid, "💾 Save", "not changed")
        shown = text_of(ann, mid)
    assert "The car keeps its schedule:" in shown
    assert "No charging programs are stored in the car." in shown
    assert "Wednesday" not in shown
    assert e2e.sim.car(VIN).schedules == []
