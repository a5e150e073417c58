"""A real python-telegram-bot Application against the emulator over loopback HTTP."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import CallbackQueryHandler, CommandHandler, ContextTypes

from bot.simulator.http_server import LoopbackServer
from bot.simulator.telegram import TelegramEmulator
from tests.simulator.telegram.conftest import polling

Ctx = ContextTypes.DEFAULT_TYPE


async def _start(update: Update, context: Ctx) -> None:
    assert update.effective_message is not None
    keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("Refresh", callback_data="refresh:1")]])
    await update.effective_message.reply_text("Welcome", reply_markup=keyboard)


async def _refresh(update: Update, context: Ctx) -> None:
    query = update.callback_query
    assert query is not None
    await query.answer("Refreshing...")
    await query.edit_message_text(f"Refreshed ({query.data})")


async def _login(update: Update, context: Ctx) -> None:
    chat = update.effective_chat
    assert chat is not None
    assert update.effective_message is not None
    text = "Please log in privately" if chat.type != "private" else "Your e-mail?"
    await update.effective_message.reply_text(text)


HANDLERS = [
    CommandHandler("start", _start),
    CommandHandler("login", _login),
    CallbackQueryHandler(_refresh),
]


async def test_start_command_is_answered_with_a_keyboard(
    emu: TelegramEmulator, server: LoopbackServer
) -> None:
    ann = emu.user(1001, "Ann")
    async with polling(emu, server, HANDLERS):
        await ann.send("/start")
        reply = await ann.next_message()
    assert reply.text == "Welcome"
    assert [b.text for b in reply.buttons] == ["Refresh"]
    assert reply.reply_to_message_id is None or reply.reply_to_message_id == 1
    assert emu.calls("getMe")
    assert emu.calls("getUpdates")


async def test_button_tap_reaches_callback_handler_and_is_answered(
    emu: TelegramEmulator, server: LoopbackServer
) -> None:
    ann = emu.user(1001, "Ann")
    async with polling(emu, server, HANDLERS):
        await ann.send("/start")
        card = await ann.next_message()
        tap = await ann.tap(card, "Refresh")
        answer = await tap.answer()
        await ann.wait_until(
            lambda u: (m := u.message(card.message_id)) is not None and m.edit_date is not None
        )
    assert answer.text == "Refreshing..."
    edited = ann.message(card.message_id)
    assert edited is not None
    assert edited.text == "Refreshed (refresh:1)"
    assert edited.buttons == ()  # editing without reply_markup drops the keyboard, as on Telegram


async def test_bot_refuses_login_in_a_group(emu: TelegramEmulator, server: LoopbackServer) -> None:
    ann = emu.user(1001, "Ann")
    family = emu.group("Family car")
    ann_in_group = family.join(ann)
    async with polling(emu, server, HANDLERS):
        await ann_in_group.send(f"/login@{emu.bot_username}")
        reply = await ann_in_group.next_message()
    assert reply.text == "Please log in privately"
    assert reply.chat_id == family.chat_id < 0
    assert ann.history == ()


async def test_group_chatter_without_command_does_not_reach_the_bot(
    emu: TelegramEmulator, server: LoopbackServer
) -> None:
    member = emu.user(1002, "Bob", chat_type="group")
    async with polling(emu, server, HANDLERS):
        await member.send("hello everyone")
        await member.send("/login")
        reply = await member.next_message()
    assert reply.text == "Please log in privately"
    assert len(emu.calls("sendMessage")) == 1
