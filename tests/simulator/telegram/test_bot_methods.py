"""Bot API methods and Telegram's error answers, driven through a real PTB Bot over loopback."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest
from telegram import (
    Bot,
    BotCommand,
    BotCommandScopeAllPrivateChats,
    ForceReply,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
)
from telegram.error import BadRequest, Forbidden, InvalidToken, NetworkError, RetryAfter

from bot.simulator.http_server import LoopbackServer
from bot.simulator.telegram import BotCommand as EmuCommand
from bot.simulator.telegram import TelegramEmulator
from bot.simulator.telegram.errors import NOT_MODIFIED
from tests.support.clock import FakeClock

PNG = b"\x89PNG\r\n\x1a\n" + b"chart-bytes" * 50


def _keyboard(*pairs: tuple[str, str]) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[InlineKeyboardButton(text, callback_data=data) for text, data in pairs]])


async def test_get_me_describes_the_bot(emu: TelegramEmulator, bot: Bot) -> None:
    me = await bot.get_me()
    assert me.username == emu.bot_username
    assert me.is_bot


async def test_send_message_is_seen_by_the_user_with_its_keyboard(emu: TelegramEmulator, bot: Bot) -> None:
    ann = emu.user(7, "Ann")
    sent = await bot.send_message(
        7, "<b>80 %</b> charged", parse_mode="HTML", reply_markup=_keyboard(("Stop", "s"))
    )
    seen = await ann.next_message()
    assert sent.message_id == seen.message_id
    assert seen.text == "80 % charged"
    assert seen.source_text == "<b>80 %</b> charged"
    assert seen.button("Stop").callback_data == "s"
    assert emu.calls("sendMessage")[0].params["reply_markup"]["inline_keyboard"][0][0]["text"] == "Stop"


async def test_identical_edit_is_refused_as_not_modified(emu: TelegramEmulator, bot: Bot) -> None:
    emu.user(7, "Ann")
    markup = _keyboard(("Refresh", "r"))
    sent = await bot.send_message(7, "Battery 80 %", reply_markup=markup)
    with pytest.raises(BadRequest, match=r"(?i)message is not modified"):
        await bot.edit_message_text(
            "Battery 80 %", chat_id=7, message_id=sent.message_id, reply_markup=markup
        )
    with pytest.raises(BadRequest, match=r"(?i)message is not modified"):
        await bot.edit_message_reply_markup(chat_id=7, message_id=sent.message_id, reply_markup=markup)
    assert emu.calls("editMessageText")[0].error == NOT_MODIFIED


async def test_edit_changes_what_the_user_sees(emu: TelegramEmulator, bot: Bot, clock: FakeClock) -> None:
    ann = emu.user(7, "Ann")
    sent = await bot.send_message(7, "Sending to the car...")
    clock.advance(30)
    await bot.edit_message_text("Car confirmed", chat_id=7, message_id=sent.message_id)
    event = await ann.next_event()
    event = await ann.next_event()
    assert event.kind == "edited"
    current = ann.message(sent.message_id)
    assert current is not None
    assert current.text == "Car confirmed"
    assert current.edit_date == clock.now()


async def test_blocked_user_makes_sends_forbidden(emu: TelegramEmulator, bot: Bot) -> None:
    ann = emu.user(7, "Ann")
    ann.block_bot()
    with pytest.raises(Forbidden, match=r"(?i)bot was blocked by the user"):
        await bot.send_message(7, "ping")
    updates = await bot.get_updates(timeout=0)
    assert updates[0].my_chat_member is not None
    assert updates[0].my_chat_member.new_chat_member.status == "kicked"


async def test_injected_flood_raises_retry_after(emu: TelegramEmulator, bot: Bot) -> None:
    emu.user(7, "Ann")
    emu.inject_flood(12, method="sendMessage")
    with pytest.raises(RetryAfter) as caught:
        await bot.send_message(7, "ping")
    assert caught.value.retry_after in (12, timedelta(seconds=12))
    assert emu.calls("sendMessage")[0].error == "Too Many Requests: retry after 12"
    await bot.send_message(7, "ping")  # the fault fires once
    assert [c.status for c in emu.calls("sendMessage")] == [429, 200]


async def test_flood_can_target_one_chat(emu: TelegramEmulator, bot: Bot) -> None:
    emu.user(7, "Ann")
    emu.user(8, "Bob")
    emu.inject_flood(3, chat_id=8)
    await bot.send_message(7, "fine")
    with pytest.raises(RetryAfter):
        await bot.send_message(8, "limited")


async def test_a_held_send_waits_and_a_dropped_one_is_never_processed(
    emu: TelegramEmulator, bot: Bot
) -> None:
    ann = emu.user(7, "Ann")
    hold = emu.hold("sendMessage", chat_id=7)
    send = asyncio.ensure_future(bot.send_message(7, "held"))
    await asyncio.wait_for(hold.reached.wait(), timeout=5)
    assert not send.done()
    hold.drop()
    with pytest.raises(NetworkError):
        await send
    await bot.send_message(7, "next")  # a hold catches one call only
    assert [m.text for m in ann.bot_messages] == ["next"]


async def test_a_released_send_is_processed(emu: TelegramEmulator, bot: Bot) -> None:
    ann = emu.user(7, "Ann")
    hold = emu.hold("sendMessage")
    send = asyncio.ensure_future(bot.send_message(7, "held"))
    await asyncio.wait_for(hold.reached.wait(), timeout=5)
    hold.release()
    await send
    assert [m.text for m in ann.bot_messages] == ["held"]


async def test_send_photo_uploads_multipart_bytes(emu: TelegramEmulator, bot: Bot) -> None:
    ann = emu.user(7, "Ann")
    sent = await bot.send_photo(7, PNG, caption="Battery today", filename="chart.png")
    seen = await ann.next_message()
    assert seen.photo is not None
    assert seen.photo.data == PNG
    assert seen.caption == "Battery today"
    assert emu.calls("sendPhoto")[0].files == ("photo",)
    again = await bot.send_photo(7, sent.photo[-1].file_id)
    assert again.photo[-1].file_size == len(PNG)
    downloaded = await (await bot.get_file(sent.photo[-1].file_id)).download_as_bytearray()
    assert bytes(downloaded) == PNG


async def test_send_location_shows_a_pin(emu: TelegramEmulator, bot: Bot) -> None:
    ann = emu.user(7, "Ann")
    await bot.send_location(7, latitude=48.8566, longitude=2.3522)
    seen = await ann.next_message()
    assert seen.location is not None
    assert (seen.location.latitude, seen.location.longitude) == (48.8566, 2.3522)


async def test_delete_message_removes_it_from_the_chat(emu: TelegramEmulator, bot: Bot) -> None:
    ann = emu.user(7, "Ann")
    password = await ann.send("hunter2")
    assert await bot.delete_message(7, password.message_id)
    assert ann.history == ()
    assert [m.message_id for m in ann.deleted_messages] == [password.message_id]
    with pytest.raises(BadRequest, match=r"(?i)message to delete not found"):
        await bot.delete_message(7, password.message_id)


async def test_messages_older_than_two_days_cannot_be_deleted(
    emu: TelegramEmulator, bot: Bot, clock: FakeClock
) -> None:
    emu.user(7, "Ann")
    sent = await bot.send_message(7, "old")
    clock.advance(hours=49)
    with pytest.raises(BadRequest, match=r"(?i)can't be deleted for everyone"):
        await bot.delete_message(7, sent.message_id)


async def test_commands_are_stored_per_language_and_scope(emu: TelegramEmulator, bot: Bot) -> None:
    await bot.set_my_commands([BotCommand("status", "Battery and range")])
    await bot.set_my_commands([BotCommand("status", "Batterie et autonomie")], language_code="fr")
    await bot.set_my_commands([BotCommand("login", "Link account")], scope=BotCommandScopeAllPrivateChats())
    assert emu.commands() == (EmuCommand("status", "Battery and range"),)
    assert emu.commands(language_code="fr") == (EmuCommand("status", "Batterie et autonomie"),)
    assert emu.commands({"type": "all_private_chats"})[0].command == "login"
    french = await bot.get_my_commands(language_code="fr")
    assert french[0].description == "Batterie et autonomie"
    await bot.delete_my_commands(language_code="fr")
    assert await bot.get_my_commands(language_code="fr") == ()


async def test_invalid_command_name_is_refused(bot: Bot) -> None:
    with pytest.raises(BadRequest, match=r"(?i)BOT_COMMAND_INVALID"):
        await bot.set_my_commands([BotCommand("Bad-Name", "x")])


async def test_unknown_chat_is_not_found(bot: Bot) -> None:
    with pytest.raises(BadRequest, match=r"(?i)chat not found"):
        await bot.send_message(999, "hello")


@pytest.mark.parametrize("text", ["", "   ", "x" * 4097])
async def test_empty_or_too_long_text_is_refused(emu: TelegramEmulator, bot: Bot, text: str) -> None:
    emu.user(7, "Ann")
    with pytest.raises(BadRequest, match=r"(?i)message text is empty|message is too long"):
        await bot.send_message(7, text)


async def test_callback_data_over_64_bytes_is_refused(emu: TelegramEmulator, bot: Bot) -> None:
    emu.user(7, "Ann")
    with pytest.raises(BadRequest, match=r"(?i)BUTTON_DATA_INVALID"):
        await bot.send_message(7, "menu", reply_markup=_keyboard(("Go", "é" * 33)))


async def test_bad_html_is_refused_like_telegram(emu: TelegramEmulator, bot: Bot) -> None:
    emu.user(7, "Ann")
    with pytest.raises(BadRequest, match=r"(?i)can't parse entities"):
        await bot.send_message(7, "<div>x</div>", parse_mode="HTML")
    with pytest.raises(BadRequest, match=r"(?i)Character '.' is reserved"):
        await bot.send_message(7, "Done.", parse_mode="MarkdownV2")


async def test_late_or_repeated_callback_answer_is_too_old(
    emu: TelegramEmulator, bot: Bot, clock: FakeClock
) -> None:
    ann = emu.user(7, "Ann")
    card = await bot.send_message(7, "card", reply_markup=_keyboard(("A", "a"), ("B", "b")))
    first = await ann.tap(card.message_id, "A")
    assert await bot.answer_callback_query(first.query_id, text="ok")
    with pytest.raises(BadRequest, match=r"(?i)query is too old"):
        await bot.answer_callback_query(first.query_id)
    late = await ann.tap(card.message_id, "b")
    clock.advance(60)
    with pytest.raises(BadRequest, match=r"(?i)query is too old"):
        await bot.answer_callback_query(late.query_id)
    assert (await first.answer()).text == "ok"


async def test_reply_keyboards_and_force_reply_reach_the_user(emu: TelegramEmulator, bot: Bot) -> None:
    ann = emu.user(7, "Ann")
    await bot.send_message(7, "Country?", reply_markup=ReplyKeyboardMarkup([["FR", "DE"]]))
    assert ann.reply_keyboard is not None
    await bot.send_message(7, "E-mail?", reply_markup=ForceReply())
    assert (await ann.next_message()).text == "Country?"
    assert (await ann.next_message()).reply_markup == {"force_reply": True}
    await bot.send_message(7, "Thanks", reply_markup=ReplyKeyboardRemove())
    assert ann.reply_keyboard is None


async def test_chat_action_is_recorded(emu: TelegramEmulator, bot: Bot) -> None:
    ann = emu.user(7, "Ann")
    await bot.send_chat_action(7, "typing")
    assert ann.chat_actions == ("typing",)


async def test_wrong_token_is_unauthorized(emu: TelegramEmulator, server: LoopbackServer) -> None:
    intruder = Bot("42:WRONG", base_url=f"{server.url}/bot")
    with pytest.raises(InvalidToken):
        await intruder.get_me()
    assert emu.requests == ()


async def test_bot_cannot_edit_the_users_message(emu: TelegramEmulator, bot: Bot) -> None:
    ann = emu.user(7, "Ann")
    typed = await ann.send("hello")
    with pytest.raises(BadRequest, match=r"(?i)message can't be edited"):
        await bot.edit_message_text("changed", chat_id=7, message_id=typed.message_id)
    with pytest.raises(BadRequest, match=r"(?i)message to edit not found"):
        await bot.edit_message_text("changed", chat_id=7, message_id=999)
