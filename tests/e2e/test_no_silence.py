"""No silence, end to end: the states and inputs that used to get no answer, reached the way an owner does."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path

from bot.simulator.telegram import EmulatedUser
from bot.simulator.telegram.model import ChatMessage
from tests.e2e.harness import E2E, EMAIL, PASSWORD, login, running_e2e
from tests.support.chat import texts

WAIT = 10.0

Probe = Callable[[EmulatedUser], Awaitable[object]]
PROBES: dict[str, Probe] = {
    "text": lambda user: user.send("is it ok?"),
    "photo": lambda user: user.send_attachment("photo"),
    "sticker": lambda user: user.send_attachment("sticker"),
    "voice": lambda user: user.send_attachment("voice"),
    "document": lambda user: user.send_attachment("document"),
    "mistyped command": lambda user: user.send("/stauts"),
}


async def _linked(e2e: E2E, user_id: int = 1001) -> EmulatedUser:
    email = f"owner{user_id}@example.com"
    e2e.sim.add_vehicle(e2e.sim.add_account(email, PASSWORD), "X102VE", plugged=True)
    user = e2e.emulator.user(user_id, "Ann")
    await login(user, email, PASSWORD)
    await user.wait_until(lambda u: any(t.startswith("Linked!") for t in texts(u)), timeout=WAIT)
    return user


def _logged_out(user: EmulatedUser) -> bool:
    return any(t.startswith("Done: your account") for t in texts(user))


async def _next_answer(user: EmulatedUser, probe: Probe) -> ChatMessage:
    before = len(user.bot_messages)
    await probe(user)
    await user.wait_until(lambda u: len(u.bot_messages) > before, timeout=WAIT)
    return user.bot_messages[before]


async def test_every_probe_is_answered_in_the_four_states_found_silent(tmp_path: Path) -> None:
    async with running_e2e(tmp_path) as e2e:
        unlinked = e2e.emulator.user(2002, "Bob")
        linked = await _linked(e2e)
        at_country = e2e.emulator.user(3003, "Cy")
        await at_country.send("/login")
        await at_country.next_message(timeout=WAIT)
        in_settings = await _linked(e2e, 4004)
        await in_settings.send("/settings")
        await in_settings.wait_until(lambda u: any(t.startswith("Settings") for t in texts(u)), timeout=WAIT)
        wrong: list[str] = []
        for name, probe in PROBES.items():
            # Each state is left where it was by every probe, so they run one after the other.
            answer = await _next_answer(unlinked, probe)
            if "/login" not in (answer.text or ""):
                wrong.append(f"unlinked, {name}: {answer.text!r}")
            answer = await _next_answer(linked, probe)
            if not answer.buttons:  # the idle answer offers the car's buttons
                wrong.append(f"linked, {name}: {answer.text!r}")
            answer = await _next_answer(at_country, probe)
            if (
                "tap your country" not in (answer.text or "").lower()
                or answer.buttons[0].text != "🇬🇧 United Kingdom"
            ):
                wrong.append(f"login country, {name}: {answer.text!r}")
            answer = await _next_answer(in_settings, probe)
            if "Settings: choose what to change" not in (answer.text or ""):
                wrong.append(f"settings, {name}: {answer.text!r}")
    assert wrong == []


async def test_a_waiting_question_is_still_answered_after_a_restart(tmp_path: Path) -> None:
    async with running_e2e(tmp_path) as e2e:
        ann = await _linked(e2e)
        await ann.send("/logout")
        await ann.wait_until(lambda u: any("Unlink your MyRenault" in t for t in texts(u)), timeout=WAIT)
        await e2e.restart()
        reply = await _next_answer(ann, lambda user: user.send("what now?"))
        await ann.tap(reply, "Yes, delete everything")
        await ann.wait_until(
            lambda u: any(t.startswith("Done: your account") for t in texts(u)), timeout=WAIT
        )
    assert reply.text == (
        "I did not catch that.\n\nTap a button below: delete everything, or keep your account linked."
    )


async def test_a_card_button_after_logout_says_how_to_link_again(tmp_path: Path) -> None:
    async with running_e2e(tmp_path) as e2e:
        ann = await _linked(e2e)
        card = await _next_answer(ann, lambda user: user.send("/status"))
        question = await _next_answer(ann, lambda user: user.send("/logout"))
        await ann.tap(question, "Yes, delete everything")
        await ann.wait_until(
            lambda u: any(t.startswith("Done: your account") for t in texts(u)), timeout=WAIT
        )
        answer = await (await ann.tap(card, "🔄 Refresh")).answer(timeout=WAIT)
    assert answer.text == "No car is linked to this chat: send /login to link yours."


async def test_typed_time_in_the_schedule_editor_is_taken_where_the_hour_is_asked(tmp_path: Path) -> None:
    async with running_e2e(tmp_path) as e2e:
        ann = await _linked(e2e)
        shown = await _next_answer(ann, lambda user: user.send("/schedule"))
        await ann.tap(shown, "✏️ Edit")
        await ann.wait_until(lambda u: "Save" in str(u.message(shown.message_id)), timeout=WAIT)
        editor = ann.message(shown.message_id)
        early = await _next_answer(ann, lambda user: user.send("23:00"))
        await ann.tap(shown, "➕ New program")
        await ann.wait_until(lambda u: "tap a day" in str(u.message(shown.message_id)), timeout=WAIT)
        day = next(
            b.text for b in (ann.message(shown.message_id) or shown).buttons if b.text.startswith("Mon")
        )
        await ann.tap(shown, day)
        await ann.wait_until(lambda u: "at which hour" in str(u.message(shown.message_id)), timeout=WAIT)
        taken = await _next_answer(ann, lambda user: user.send("23:15"))
    assert editor is not None
    # Before the hour is asked: what can be typed and when, with the editor's buttons.
    assert (early.text or "").startswith("A start time can be typed (like 23:00 or 06:45")
    assert early.keyboard == editor.keyboard
    # Where the hour is asked: the typed time is the start; the editor asks the duration next.
    assert "How long should it charge?" in (taken.text or "")
    assert "23:15" in (taken.text or "")


async def test_an_email_address_typed_without_login_is_not_lost(tmp_path: Path) -> None:
    async with running_e2e(tmp_path) as e2e:
        e2e.sim.add_vehicle(e2e.sim.add_account(EMAIL, PASSWORD), "X102VE")
        bob = e2e.emulator.user(2002, "Bob")
        reply = await _next_answer(bob, lambda user: user.send(EMAIL))
    assert "/login" in (reply.text or "")
