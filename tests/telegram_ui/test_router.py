"""The conversation router on the emulator: unknown commands, edits, free text, media, screens, groups."""

from __future__ import annotations

from bot.simulator.telegram import EmulatedUser
from bot.simulator.telegram.model import ChatMessage
from tests.support.chat import texts
from tests.telegram_ui.fakes import PASSWORD, Stack, running_bot, zoe

WAIT = 10.0


async def _answer(user: EmulatedUser, text: str) -> ChatMessage:
    await user.send(text)
    return await user.next_message(timeout=WAIT)


async def _linked(s: Stack) -> EmulatedUser:
    s.linking.links[1001] = [zoe()]
    return s.emu.user(1001, "Ann")


async def test_an_unknown_command_names_the_closest_known_one() -> None:
    async with running_bot() as s:
        ann = s.emu.user(1001, "Ann")
        reply = await _answer(ann, "/stauts")
    assert reply.text == (
        "I do not know the command /stauts. Did you mean /status?\n\n"
        "To begin, link your MyRenault account with /login; /help lists every command."
    )


async def test_an_unknown_command_in_french_is_answered_in_french() -> None:
    async with running_bot() as s:
        ann = s.emu.user(1001, "Ann", language_code="fr")
        reply = await _answer(ann, "/sttings")
    assert (reply.text or "").startswith(
        "Je ne connais pas la commande /sttings. Vouliez-vous dire /settings ?"
    )


async def test_an_unknown_command_mid_login_keeps_the_step() -> None:
    async with running_bot() as s:
        ann = s.emu.user(1001, "Ann")
        countries = await _answer(ann, "/login")
        await ann.tap(countries, "🇩🇪 Germany")
        await ann.next_message(timeout=WAIT)  # the e-mail question
        reply = await _answer(ann, "/stauts")
        accepted = await _answer(ann, "ann@example.com")
    assert reply.text == (
        "I do not know the command /stauts. Did you mean /status?\n\n"
        "I am waiting for the e-mail address of your MyRenault account, as a text message (or /cancel)."
    )
    assert "password" in (accepted.text or "")


async def test_an_edited_email_is_never_sent_as_the_password() -> None:
    async with running_bot() as s:
        ann = s.emu.user(1001, "Ann")
        countries = await _answer(ann, "/login")
        await ann.tap(countries, "🇩🇪 Germany")
        await ann.next_message(timeout=WAIT)  # the e-mail question
        email = await ann.send("ann@exmple.com")
        await ann.next_message(timeout=WAIT)  # the password question
        await ann.edit(email, "ann@example.com")
        told = await ann.next_message(timeout=WAIT)
        await ann.send(PASSWORD)
        await ann.wait_until(lambda u: any(t.startswith("Linked!") for t in texts(u)), timeout=WAIT)
    assert told.text == (
        "✏️ I only read new messages, so your edit changed nothing: send it again as a new message.\n\n"
        "I am waiting for your MyRenault password, as a text message (or /cancel)."
    )
    assert s.linking.passwords_seen == [PASSWORD]
    assert email.message_id not in {m.message_id for m in ann.deleted_messages}


async def test_an_edited_command_is_not_run_again() -> None:
    async with running_bot() as s:
        ann = await _linked(s)
        status = await ann.send("/status")
        await ann.next_message(timeout=WAIT)
        await ann.edit(status, "/logout")
        told = await ann.next_message(timeout=WAIT)
    assert (told.text or "").startswith("✏️ I only read new messages")
    assert not any("Unlink your MyRenault account" in t for t in texts(ann))


async def test_free_text_naming_a_command_runs_it() -> None:
    async with running_bot() as s:
        ann = await _linked(s)
        card = await _answer(ann, "is my car charged?")
    assert (card.text or "").startswith("🚗 ZOE · AB-123-CD")


async def test_free_text_in_french_asking_where_sends_the_position() -> None:
    async with running_bot() as s:
        ann = await _linked(s)
        ann_fr = s.emu.user(1001, "Ann", language_code="fr")
        await ann_fr.send("Où est ma voiture ?")
        await ann.wait_until(lambda u: bool(s.emu.calls("sendLocation")), timeout=WAIT)
    (sent,) = s.emu.calls("sendLocation")
    assert sent.params == {"chat_id": "1001", "latitude": "48.85", "longitude": "2.35"}  # the car's position


async def test_free_text_naming_two_commands_asks_which() -> None:
    async with running_bot() as s:
        ann = await _linked(s)
        reply = await _answer(ann, "status or charge?")
    assert (reply.text or "").startswith("I did not catch that. Did you mean /status or /charge?")


async def test_a_photo_when_linked_gets_the_idle_buttons() -> None:
    async with running_bot() as s:
        ann = await _linked(s)
        await ann.send_attachment("photo")
        reply = await ann.next_message(timeout=WAIT)
    assert reply.text == "I cannot use photos here.\n\nTap a button below, or send /help for every command."
    assert [b.text for b in reply.buttons][:1] == ["🔄 Refresh"]


async def test_the_idle_refresh_button_draws_the_card_in_place() -> None:
    async with running_bot() as s:
        ann = await _linked(s)
        reply = await _answer(ann, "hello")
        await ann.tap(reply, "🔄 Refresh")
        await ann.wait_until(
            lambda u: (u.message(reply.message_id) or reply).text != reply.text, timeout=WAIT
        )
    card = ann.message(reply.message_id)
    assert card is not None
    assert (card.text or "").startswith("🚗 ZOE")


async def test_text_at_the_logout_question_offers_its_buttons_again() -> None:
    async with running_bot() as s:
        ann = await _linked(s)
        await _answer(ann, "/logout")
        reply = await _answer(ann, "hmm")
    assert reply.text == (
        "I did not catch that.\n\nTap a button below: delete everything, or keep your account linked."
    )
    assert [b.text for b in reply.buttons] == ["Yes, delete everything", "No, keep it"]


async def test_a_command_leaves_the_screen() -> None:
    async with running_bot() as s:
        ann = await _linked(s)
        await _answer(ann, "/logout")
        await _answer(ann, "/help")
        reply = await _answer(ann, "hmm")
    assert reply.text == "I did not catch that.\n\nTap a button below, or send /help for every command."


async def test_cancel_leaves_a_screen() -> None:
    async with running_bot() as s:
        ann = await _linked(s)
        await _answer(ann, "/settings")
        cancelled = await _answer(ann, "/cancel")
        nothing = await _answer(ann, "/cancel")
    assert cancelled.text == "Stopped: nothing was changed."
    assert nothing.text == "There is nothing to cancel."


async def test_a_sticker_at_the_settings_menu_says_what_to_do() -> None:
    async with running_bot() as s:
        ann = await _linked(s)
        menu = await _answer(ann, "/settings")
        await ann.send_attachment("sticker")
        reply = await ann.next_message(timeout=WAIT)
    assert reply.text == (
        "I cannot use stickers here.\n\nSettings: choose what to change with the buttons below."
    )
    assert reply.keyboard == menu.keyboard


async def test_in_a_group_only_what_is_meant_for_the_bot_is_answered() -> None:
    async with running_bot() as s:
        ann = s.emu.user(1001, "Ann")
        family = s.emu.group("Family").join(ann)
        await family.send("/stauts")  # may be another bot's command: not answered
        helped = await _answer(family, "/help")
        addressed = await _answer(family, f"/stauts@{s.emu.bot_username}")
    assert (helped.text or "").startswith("/status")
    assert (addressed.text or "").startswith("I do not know the command /stauts.")


async def test_a_command_for_another_bot_in_the_private_chat_is_answered() -> None:
    # Only the owner and this bot are in a private chat: '/status@other_bot' there is a slip, not silence.
    async with running_bot() as s:
        ann = await _linked(s)
        reply = await _answer(ann, "/status@someotherbot")
        family = s.emu.group("Family").join(ann)
        await family.send("/status@someotherbot")  # in a group it is the other bot's
        helped = await _answer(family, "/help")
    assert (reply.text or "").startswith(
        "/status@someotherbot is addressed to another bot. Did you mean /status?\n\nTap a button below"
    )
    assert reply.buttons  # the card's buttons, as for any idle message
    assert (helped.text or "").startswith("/status")


async def test_a_stale_country_button_says_to_carry_on_with_the_login() -> None:
    async with running_bot() as s:
        ann = s.emu.user(1001, "Ann")
        countries = await _answer(ann, "/login")
        await ann.tap(countries, "🇩🇪 Germany")
        await ann.wait_until(lambda u: any("MyRenault account." in t for t in texts(u)))
        stale = ann.tap_data(countries, "1.lc..fr_FR")
        answer = await stale.answer(timeout=WAIT)
    assert (
        answer.text == "This button belongs to an earlier step of /login: carry on with the latest question."
    )


async def test_a_garbled_button_when_unlinked_says_how_to_link() -> None:
    async with running_bot() as s:
        ann = s.emu.user(1001, "Ann")
        helped = await _answer(ann, "/help")
        answer = await ann.tap_data(helped, "1.zz..x").answer(timeout=WAIT)
    assert answer.text == "No car is linked to this chat: send /login to link yours."
