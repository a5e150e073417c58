"""The real Application against the Telegram emulator over loopback, with fake use cases."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.domain.actions import ActionKind
from bot.services import errors
from bot.telegram_ui.context import UiOptions
from tests.support.chat import text_of
from tests.telegram_ui.fakes import forge_tap, running_bot, spring, zoe

OTHER_CAR = "This button is for a car this chat is not linked to. Send /status for your car's buttons."


async def test_start_welcomes_and_explains_how_to_link() -> None:
    async with running_bot() as s:
        ann = s.emu.user(1001, "Ann")
        await ann.send("/start")
        reply = await ann.next_message()
    assert reply.text is not None
    assert "/login" in reply.text


async def test_commands_are_published_per_language() -> None:
    async with running_bot() as s:
        ann = s.emu.user(1001, "Ann")
        await ann.send("/help")
        await ann.next_message()
        french = {c.command: c.description for c in s.emu.commands(language_code="fr")}
        default = {c.command for c in s.emu.commands()}
    assert french["status"] == "Batterie, autonomie et état de charge"
    assert {"status", "login", "logout", "settings", "where"} <= default


async def test_user_outside_the_allow_list_is_politely_refused() -> None:
    async with running_bot(UiOptions(allowed_user_ids=frozenset({1001}))) as s:
        eve = s.emu.user(666, "Eve", language_code="de")
        await eve.send("/status")
        reply = await eve.next_message()
    assert reply.text is not None
    assert "privat" in reply.text


async def test_status_card_shows_buttons_from_the_actions_table() -> None:
    async with running_bot() as s:
        s.linking.links[1001] = [zoe()]
        ann = s.emu.user(1001, "Ann")
        await ann.send("/status")
        card = await ann.next_message()
    assert card.text is not None
    assert "🔋 62% · 203 km" in card.text
    labels = [b.text for b in card.buttons]
    assert labels == ["🔄 Refresh", "🌡 Precondition now", "⚡ Start charge", "📍 Location", "🗓 Schedule"]


async def test_status_without_a_link_says_how_to_link() -> None:
    async with running_bot() as s:
        ann = s.emu.user(1001, "Ann", language_code="fr")
        await ann.send("/status")
        reply = await ann.next_message()
    assert (
        reply.text
        == "Aucune voiture n'est reliée à cette discussion. Reliez votre compte MyRenault avec /login."
    )


async def test_refresh_edits_the_same_message_even_when_nothing_changed() -> None:
    async with running_bot() as s:
        s.linking.links[1001] = [zoe()]
        ann = s.emu.user(1001, "Ann")
        await ann.send("/status")
        card = await ann.next_message()
        await (await ann.tap(card, "🔄 Refresh")).answer()
        await ann.wait_until(lambda _: s.status.refreshes == 1 and bool(s.emu.calls("editMessageText")))
        await (await ann.tap(card, "🔄 Refresh")).answer()
        await ann.wait_until(lambda _: len(s.emu.calls("editMessageText")) == 2)
        await ann.send("/help")
        await ann.next_message()
    assert len(ann.bot_messages) == 2  # no error message after the "not modified" edit


async def test_action_tap_shows_sent_then_the_outcome_in_the_same_message() -> None:
    async with running_bot() as s:
        s.linking.links[1001] = [zoe()]
        ann = s.emu.user(1001, "Ann")
        await ann.send("/status")
        card = await ann.next_message()
        await (await ann.tap(card, "⚡ Start charge")).answer()
        await ann.wait_until(lambda u: "accepted" in text_of(u, card.message_id))
        edits = [call.params.get("text") for call in s.emu.calls("editMessageText")]
    assert s.actions.runs[0][2].kind is ActionKind.CHARGE_START
    assert edits[0] == "⏳ ⚡ Start charge: sent to the car..."
    assert len(ann.bot_messages) == 1


async def test_quota_error_says_when_to_try_again() -> None:
    async with running_bot() as s:
        s.linking.links[1001] = [zoe()]
        ann = s.emu.user(1001, "Ann")
        await ann.send("/status")
        card = await ann.next_message()
        s.actions.failure = errors.RenaultBusy(s.clock() + timedelta(minutes=14, seconds=30))
        await (await ann.tap(card, "⚡ Start charge")).answer()
        await ann.wait_until(lambda u: "limiting" in text_of(u, card.message_id))
        final = ann.message(card.message_id)
    assert final is not None
    assert final.text == "Renault is limiting requests; next try possible in about 15 min."


async def test_forged_tap_for_another_chats_car_is_refused_without_action() -> None:
    async with running_bot() as s:
        s.linking.links[1001] = [zoe(7)]
        s.linking.links[2002] = [spring(8)]
        ann = s.emu.user(1001, "Ann")
        await ann.send("/status")
        card = await ann.next_message()
        # A modified client sends a payload naming Bob's car (id 8) from Ann's chat.
        await forge_tap(s, 1001, card.message_id, "1.a.8.CHARGE_START")
        await ann.wait_until(lambda _: bool(s.emu.calls("answerCallbackQuery")))
        answer = s.emu.calls("answerCallbackQuery")[0].params
    assert answer.get("text") == OTHER_CAR
    assert s.actions.runs == []


@pytest.mark.parametrize("data", ["1.a.7.SELF_DESTRUCT", "1.pt.7.hot"])
async def test_a_garbled_action_is_a_stale_button_not_a_refusal(data: str) -> None:
    # The chat may run actions: a payload that names no action is outdated, not a matter of role.
    async with running_bot() as s:
        s.linking.links[1001] = [zoe(7)]
        ann = s.emu.user(1001, "Ann")
        await ann.send("/status")
        card = await ann.next_message()
        await forge_tap(s, 1001, card.message_id, data)
        await ann.wait_until(lambda _: bool(s.emu.calls("answerCallbackQuery")))
        answer = s.emu.calls("answerCallbackQuery")[0].params
    assert answer.get("text") == "This button is no longer valid. Send /status for a fresh one."
    assert s.actions.runs == []


@pytest.mark.parametrize("data", ["0.a.7.CHARGE_START", "1.a.7.SELF_DESTRUCT", "garbage"])
async def test_stale_or_unknown_tap_gets_a_polite_answer(data: str) -> None:
    async with running_bot() as s:
        s.linking.links[1001] = [zoe(7)]
        ann = s.emu.user(1001, "Ann")
        await ann.send("/status")
        card = await ann.next_message()
        await forge_tap(s, 1001, card.message_id, data)
        await ann.wait_until(lambda _: bool(s.emu.calls("answerCallbackQuery")))
        answer = s.emu.calls("answerCallbackQuery")[0].params
    assert answer.get("text") in (
        "This button is no longer valid. Send /status for a fresh one.",
        "Your role on this car does not allow this. Send /status for the buttons you can use.",
    )
    assert s.actions.runs == []
