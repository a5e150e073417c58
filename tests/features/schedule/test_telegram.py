"""/schedule handlers over the real Application with fake use cases: rights, stale drafts, refusals."""

from __future__ import annotations

from bot.domain.vehicle import Role
from bot.features.schedule.telegram.drafts import KIND
from bot.services import errors
from tests.support.chat import tap_and_wait, text_of
from tests.telegram_ui.fakes import forge_tap, running_bot, zoe

WAIT = 5.0

OTHER_CAR = "This button is for a car this chat is not linked to. Send /status for your car's buttons."


async def test_schedule_is_shown_in_the_chats_zone_with_an_edit_button() -> None:
    async with running_bot() as s:
        s.linking.links[1001] = [zoe()]
        ann = s.emu.user(1001, "Ann")
        await ann.send("/schedule")
        shown = await ann.next_message(timeout=WAIT)
    assert "Monday 05:00 → 07:00 (2 h)" in (shown.text or "")
    assert [b.text for b in shown.buttons] == ["✏️ Edit"]


async def test_a_viewer_sees_the_schedule_but_cannot_edit_it() -> None:
    async with running_bot() as s:
        s.linking.links[1001] = [zoe(role=Role.VIEWER)]
        ann = s.emu.user(1001, "Ann")
        await ann.send("/schedule")
        shown = await ann.next_message(timeout=WAIT)
        await forge_tap(s, 1001, shown.message_id, "1.s.7.edit")
        answer = s.emu.calls("answerCallbackQuery")[0].params
    assert shown.buttons == ()
    assert answer["text"] == (
        "Your role on this car does not allow this. Send /status for the buttons you can use."
    )


async def test_a_forged_schedule_tap_for_another_car_is_refused() -> None:
    async with running_bot() as s:
        s.linking.links[1001] = [zoe()]
        ann = s.emu.user(1001, "Ann")
        await ann.send("/schedule")
        shown = await ann.next_message(timeout=WAIT)
        await forge_tap(s, 1001, shown.message_id, "1.s.99.save")
        answer = s.emu.calls("answerCallbackQuery")[0].params
    assert answer["text"] == OTHER_CAR
    assert s.schedules.writes == []


async def test_a_step_after_the_draft_expired_says_the_edit_expired() -> None:
    async with running_bot() as s:
        s.linking.links[1001] = [zoe()]
        ann = s.emu.user(1001, "Ann")
        await ann.send("/schedule")
        mid = (await ann.next_message(timeout=WAIT)).message_id
        await tap_and_wait(ann, mid, "✏️ Edit", "Which program")
        await tap_and_wait(ann, mid, "✅ Program 1", "tap a day")
        await tap_and_wait(ann, mid, "Mon 05:00", "at which hour")
        s.clock.advance(minutes=31)  # a draft lives 30 minutes after its last change
        await tap_and_wait(ann, mid, "07", "This edit has expired.")
        shown = text_of(ann, mid)
    assert "Monday 05:00 → 07:00 (2 h)" in shown
    assert s.schedules.writes == []


async def test_renault_refusing_shows_the_old_schedule_and_keeps_it() -> None:
    async with running_bot() as s:
        s.linking.links[1001] = [zoe()]
        ann = s.emu.user(1001, "Ann")
        await ann.send("/schedule")
        mid = (await ann.next_message(timeout=WAIT)).message_id
        await tap_and_wait(ann, mid, "✏️ Edit", "Which program")
        await tap_and_wait(ann, mid, "✅ Program 1", "tap a day")
        await tap_and_wait(ann, mid, "Fri 05:00", "at which hour")
        await tap_and_wait(ann, mid, "No charging this day", "tap a day")
        s.schedules.failure = errors.RenaultDown()
        await tap_and_wait(ann, mid, "💾 Save", "not changed")
        shown = text_of(ann, mid)
    assert "Renault's servers cannot be reached" in shown
    assert "Friday 05:00 → 07:00 (2 h)" in shown
    assert s.schedules.writes == []


async def test_switching_to_scheduled_mode_is_sent_after_the_schedule() -> None:
    async with running_bot() as s:
        s.linking.links[1001] = [zoe()]
        ann = s.emu.user(1001, "Ann")
        await ann.send("/schedule")
        mid = (await ann.next_message(timeout=WAIT)).message_id
        await tap_and_wait(ann, mid, "✏️ Edit", "Which program")
        await tap_and_wait(ann, mid, "Charge as soon as plugged in", "Mode: charge as soon as plugged in")
        await tap_and_wait(ann, mid, "💾 Save", "Saved")
        shown = text_of(ann, mid)
    assert "Charge mode: charge as soon as plugged in." in shown
    assert len(s.schedules.writes) == 1
    assert [run[2].kind.name for run in s.actions.runs] == ["CHARGE_MODE"]


async def test_cancel_in_the_editor_forgets_the_draft_through_the_states_leave_hook() -> None:
    async with running_bot() as s:
        s.linking.links[1001] = [zoe()]
        ann = s.emu.user(1001, "Ann")
        await ann.send("/schedule")
        mid = (await ann.next_message(timeout=WAIT)).message_id
        await tap_and_wait(ann, mid, "✏️ Edit", "Which program")
        drafts = s.app.bot_data.services.drafts
        assert await drafts.load_draft(1001, KIND, s.clock.now()) is not None
        await ann.send("/cancel")
        cancelled = await ann.next_message(timeout=WAIT)
        assert await drafts.load_draft(1001, KIND, s.clock.now()) is None
    assert cancelled.text == "Stopped: nothing was changed."
