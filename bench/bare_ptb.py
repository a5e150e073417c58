"""The floor of `bench.bot_updates`: a bare python-telegram-bot bot answering /status with a 4-button card.

No database, no journal, no services: PTB's long polling, its update processing and one `reply_text` with
a fixed text and four inline buttons, as many updates at once as the bot handles (16). The transport is
PTB's own default `HTTPXRequest` (`--transport httpx`) or the same request on httpx-aiohttp, as the bot
runs (`--transport aiohttp`, `bot/telegram_ui/request.py`). Reads TELEGRAM_BOT_TOKEN and TELEGRAM_API_URL.

    python -m bench.bare_ptb --transport {httpx,aiohttp}
"""

from __future__ import annotations

import argparse
import os
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import AIORateLimiter, ApplicationBuilder, CommandHandler, ContextTypes
from telegram.request import HTTPXRequest

from bot.telegram_ui.request import GET_UPDATES_POOL_SIZE, SEND_POOL_SIZE, AiohttpRequest

CONCURRENT_UPDATES = 16
# About the size of the bot's card: a title, the level, range, plug and charge lines, the age.
CARD = (
    "🚗 Renault 5 E-Tech (AB-123-CD)\n"
    "🔋 60 % · 180 km\n"
    "🔌 Plugged in, not charging\n"
    "🌡️ Battery 18 °C\n"
    "🕒 Read 12 s ago (10:42)"
)
BUTTONS = InlineKeyboardMarkup(
    [
        [
            InlineKeyboardButton("🔄 Refresh", callback_data="1:a:7:REFRESH"),
            InlineKeyboardButton("⚡ Charge", callback_data="1:a:7:CHARGE_START"),
        ],
        [
            InlineKeyboardButton("❄️ Precondition", callback_data="1:a:7:PRECONDITION"),
            InlineKeyboardButton("📍 Where", callback_data="1:a:7:LOCATION"),
        ],
    ]
)


async def status(update: Update, _context: ContextTypes.DEFAULT_TYPE) -> None:
    """/status: the fixed card."""
    assert update.effective_message is not None
    await update.effective_message.reply_text(CARD, reply_markup=BUTTONS)


def requests(transport: str) -> tuple[HTTPXRequest, HTTPXRequest]:
    """(sends, getUpdates) with PTB's default pool sizes, on the chosen transport."""
    kind = AiohttpRequest if transport == "aiohttp" else HTTPXRequest
    return kind(connection_pool_size=SEND_POOL_SIZE), kind(connection_pool_size=GET_UPDATES_POOL_SIZE)


def main() -> None:
    """Run the bare bot with long polling until SIGTERM/SIGINT."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--transport", choices=("httpx", "aiohttp"), default="httpx")
    parser.add_argument(
        "--rate", type=float, default=0.0, help="messages/s at most, as the bot's limiter (0: no limiter)"
    )
    args = parser.parse_args()
    send, get_updates = requests(args.transport)
    builder: Any = ApplicationBuilder()
    if args.rate > 0:  # PTB's own limiter, as the bot uses it (bot/app/run.py)
        builder = builder.rate_limiter(AIORateLimiter(overall_max_rate=args.rate, max_retries=1))
    application: Any = (
        builder.token(os.environ["TELEGRAM_BOT_TOKEN"])
        .base_url(f"{os.environ['TELEGRAM_API_URL']}/bot")
        .request(send)
        .get_updates_request(get_updates)
        .concurrent_updates(CONCURRENT_UPDATES)
        .build()
    )
    application.add_handler(CommandHandler("status", status))
    application.run_polling(drop_pending_updates=False)


if __name__ == "__main__":
    main()
