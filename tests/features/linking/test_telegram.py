"""/login end to end through the emulator, with a fake linking service."""

from __future__ import annotations

from bot.simulator.telegram import EmulatedUser
from tests.support.chat import texts
from tests.telegram_ui.fakes import CODE, PASSWORD, running_bot, spring, zoe


async def _to_password(ann: EmulatedUser, email: str) -> None:
    await ann.send("/login")
    countries = await ann.next_message()
    # The country of the owner's Telegram language comes first, named in their language, with its flag.
    assert countries.buttons[0].text == "🇬🇧 United Kingdom"
    await ann.tap(countries, "🇩🇪 Germany")
    await ann.wait_until(lambda u: any("MyRenault account." in (m.text or "") for m in u.bot_messages))
    await ann.send(email)
    await ann.wait_until(lambda u: any("password" in (m.text or "") for m in u.bot_messages))


async def test_login_without_2fa_links_and_deletes_the_password() -> None:
    async with running_bot() as s:
        ann = s.emu.user(1001, "Ann")
        await _to_password(ann, "ann@example.com")
        password = await ann.send(PASSWORD)
        await ann.wait_until(lambda u: any(t.startswith("Linked!") for t in texts(u)))
    assert password.message_id in {m.message_id for m in ann.deleted_messages}
    linked = next(t for t in texts(ann) if t.startswith("Linked!"))
    assert "ZOE · AB-123-CD · …45678" in linked
    assert s.linking.links[1001]


async def test_login_with_2fa_asks_for_the_code_and_deletes_it() -> None:
    async with running_bot() as s:
        ann = s.emu.user(1001, "Ann")
        await _to_password(ann, "tfa@example.com")
        await ann.send(PASSWORD)
        await ann.wait_until(lambda u: any("Renault sent a code" in t for t in texts(u)))
        code = await ann.send(CODE)
        await ann.wait_until(lambda u: any(t.startswith("Linked!") for t in texts(u)))
    assert "Renault sent a code to your e-mail (t***@e***.com), send it here." in texts(ann)
    assert code.message_id in {m.message_id for m in ann.deleted_messages}


async def test_wrong_password_then_right_one() -> None:
    async with running_bot() as s:
        ann = s.emu.user(1001, "Ann")
        await _to_password(ann, "ann@example.com")
        await ann.send("wrong")
        await ann.wait_until(lambda u: any("refused" in t for t in texts(u)))
        await ann.send(PASSWORD)
        await ann.wait_until(lambda u: any(t.startswith("Linked!") for t in texts(u)))
    assert len(ann.deleted_messages) == 2


async def test_wrong_code_then_right_code() -> None:
    async with running_bot() as s:
        ann = s.emu.user(1001, "Ann")
        await _to_password(ann, "tfa@example.com")
        await ann.send(PASSWORD)
        await ann.wait_until(lambda u: any("Renault sent a code" in t for t in texts(u)))
        await ann.send("000000")
        await ann.wait_until(lambda u: any("That code is not right" in t for t in texts(u)))
        await ann.send(CODE)
        await ann.wait_until(lambda u: any(t.startswith("Linked!") for t in texts(u)))
    assert len(ann.deleted_messages) == 3


async def test_bad_email_is_asked_again() -> None:
    async with running_bot() as s:
        ann = s.emu.user(1001, "Ann")
        await ann.send("/login")
        countries = await ann.next_message()
        await ann.tap(countries, "🇫🇷 France")
        await ann.wait_until(lambda u: any("MyRenault account." in t for t in texts(u)))
        await ann.send("not an address")
        await ann.wait_until(lambda u: any("does not look like" in t for t in texts(u)))
    assert texts(ann)[-1] == "That does not look like an e-mail address. Please send it again."
    assert not any("password" in t for t in texts(ann))  # still at the e-mail step


async def test_several_vehicles_offer_buttons_to_pick_the_active_one() -> None:
    async with running_bot() as s:
        s.linking.on_login = [zoe(7), spring(8)]
        ann = s.emu.user(1001, "Ann")
        await _to_password(ann, "ann@example.com")
        await ann.send(PASSWORD)
        await ann.wait_until(lambda u: any("several cars" in t for t in texts(u)))
        chooser = next(m for m in ann.bot_messages if "several cars" in (m.text or ""))
        await ann.tap(chooser, "🚗 SPRING · …65432")
        await ann.wait_until(lambda u: any(t.startswith("Active car") for t in texts(u)))
    assert s.linking.active_ids[1001] == 8


async def test_login_in_a_group_points_to_the_private_chat() -> None:
    async with running_bot() as s:
        ann = s.emu.user(1001, "Ann")
        family = s.emu.group("Family")
        in_group = family.join(ann)
        await in_group.send("/login")
        reply = await in_group.next_message()
    assert reply.text is not None
    assert "private chat" in reply.text


async def test_cancel_leaves_the_login_and_forgets_the_challenge() -> None:
    async with running_bot() as s:
        ann = s.emu.user(1001, "Ann")
        await _to_password(ann, "tfa@example.com")
        await ann.send(PASSWORD)
        await ann.wait_until(lambda u: any("Renault sent a code" in t for t in texts(u)))
        await ann.send("/cancel")
        await ann.wait_until(lambda u: any("Login cancelled" in t for t in texts(u)))
    assert s.linking.cancelled == ["c1"]


async def test_silence_ends_the_login_with_a_message() -> None:
    async with running_bot() as s:
        ann = s.emu.user(1001, "Ann")
        await _to_password(ann, "ann@example.com")
        s.clock.advance(minutes=11)
        late = await ann.send(PASSWORD)  # no longer read as a password, but still deleted
        await ann.wait_until(lambda u: any("no answer came" in t for t in texts(u)))
        await ann.send("/help")
        await ann.wait_until(lambda u: any(t.startswith("/status") for t in texts(u)))
    assert s.linking.passwords_seen == []
    assert late.message_id in {m.message_id for m in ann.deleted_messages}


async def test_an_answer_within_ten_minutes_keeps_the_login_going() -> None:
    async with running_bot() as s:
        ann = s.emu.user(1001, "Ann")
        await _to_password(ann, "ann@example.com")
        s.clock.advance(minutes=9)
        await ann.send(PASSWORD)
        await ann.wait_until(lambda u: any(t.startswith("Linked!") for t in texts(u)))
    assert s.linking.passwords_seen == [PASSWORD]
    assert not any("no answer came" in t for t in texts(ann))


async def test_text_while_the_country_is_asked_points_at_the_buttons() -> None:
    async with running_bot() as s:
        ann = s.emu.user(1001, "Ann")
        await ann.send("/login")
        await ann.next_message()
        await ann.send("hmm")
        reply = await ann.next_message()
    assert (reply.text or "").startswith("Tap your country below, or type your MyRenault e-mail")
    assert reply.buttons[0].text == "🇬🇧 United Kingdom"


async def test_a_country_typed_by_name_is_chosen() -> None:
    async with running_bot() as s:
        ann = s.emu.user(1001, "Ann", language_code="fr")
        await ann.send("/login")
        await ann.next_message()
        await ann.send("Norvège")
        chosen = await ann.next_message()
        asked = await ann.next_message()
        await ann.send("ann@example.com")
        await ann.next_message()
    assert chosen.text == "Pays : 🇳🇴 Norvège"
    assert "e-mail" in (asked.text or "")
    assert s.settings.chats[1001].time_zone == "Europe/Oslo"


async def test_an_email_typed_at_the_country_step_keeps_the_first_country() -> None:
    async with running_bot() as s:
        ann = s.emu.user(1001, "Ann", language_code="de")
        await ann.send("/login")
        countries = await ann.next_message()
        await ann.send("ann@example.com")
        reply = await ann.next_message()
        await ann.send(PASSWORD)
        await ann.wait_until(lambda u: any(t.startswith("Verknüpft") for t in texts(u)), timeout=10)
    assert countries.buttons[0].text == "🇩🇪 Deutschland"
    assert (reply.text or "").startswith("Land: 🇩🇪 Deutschland\n")
    assert "Passwort" in (reply.text or "")
    assert s.linking.locales_seen == ["de_DE"]


async def test_a_swiss_german_telegram_gets_switzerland_in_german_first() -> None:
    async with running_bot() as s:
        ann = s.emu.user(1001, "Ann", language_code="de-CH")
        await ann.send("/login")
        countries = await ann.next_message()
    assert countries.buttons[0].text == "🇨🇭 Schweiz (Deutsch)"


async def test_a_country_with_several_zones_asks_which_after_the_login() -> None:
    async with running_bot() as s:
        ann = s.emu.user(1001, "Ann")
        await ann.send("/login")
        countries = await ann.next_message()
        await ann.tap(countries, "🇵🇹 Portugal")
        await ann.wait_until(lambda u: any("MyRenault account." in t for t in texts(u)))
        await ann.send("ann@example.com")
        await ann.wait_until(lambda u: any("password" in t for t in texts(u)))
        await ann.send(PASSWORD)
        await ann.wait_until(lambda u: any("several time zones" in t for t in texts(u)), timeout=10)
        question = next(m for m in ann.bot_messages if "several time zones" in (m.text or ""))
        await ann.tap(question, "Madeira")
        await ann.wait_until(lambda u: any("Time zone: Madeira" in t for t in texts(u)), timeout=10)
    assert (question.text or "").startswith("Linked!")
    assert (question.text or "").endswith(
        "🕒 Times are shown for Lisbon (Europe/Lisbon); change it in /settings.\n"
        "Your country has several time zones: tap yours."
    )
    assert [b.text for b in question.buttons] == ["Lisbon", "Azores", "Madeira"]
    assert s.settings.chats[1001].time_zone == "Atlantic/Madeira"


async def test_a_country_tap_outside_a_login_is_stale() -> None:
    async with running_bot() as s:
        ann = s.emu.user(1001, "Ann")
        await ann.send("/login")
        countries = await ann.next_message()
        await ann.send("/cancel")
        await ann.wait_until(lambda u: any("Login cancelled" in t for t in texts(u)))
        tap = await ann.tap(countries, "🇩🇪 Germany")
        answer = await tap.answer()
    assert answer.show_alert


async def test_login_again_while_one_runs_points_at_the_open_question() -> None:
    async with running_bot() as s:
        ann = s.emu.user(1001, "Ann")
        await _to_password(ann, "ann@example.com")
        await ann.send("/login")
        await ann.wait_until(lambda u: any("already in progress" in t for t in texts(u)))
        await ann.send(PASSWORD)  # the conversation is still at the password step
        await ann.wait_until(lambda u: any(t.startswith("Linked!") for t in texts(u)))
    assert s.linking.passwords_seen == [PASSWORD]
    assert sum("already in progress" in t for t in texts(ann)) == 1


async def test_a_location_while_the_e_mail_is_asked_gets_an_answer() -> None:
    async with running_bot() as s:
        ann = s.emu.user(1001, "Ann")
        await ann.send("/login")
        countries = await ann.next_message()
        await ann.tap(countries, "🇫🇷 France")
        await ann.wait_until(lambda u: any("MyRenault account." in t for t in texts(u)))
        await ann.send_location(48.85, 2.35)
        await ann.wait_until(lambda u: any("text message" in t for t in texts(u)))
    assert texts(ann)[-1] == (
        "I cannot use locations here.\n\n"
        "I am waiting for the e-mail address of your MyRenault account, as a text message (or /cancel)."
    )
