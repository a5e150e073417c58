"""Telegram Bot API emulator: a fake api.telegram.org for tests and the terminal demo."""

from __future__ import annotations

from bot.simulator.telegram.client import EmulatedGroup, EmulatedUser, Tap
from bot.simulator.telegram.emulator import DEFAULT_TOKEN, TelegramEmulator
from bot.simulator.telegram.errors import BotApiError
from bot.simulator.telegram.model import (
    ApiCall,
    BotCommand,
    Button,
    CallbackAnswer,
    ChatEvent,
    ChatMessage,
    Entity,
    Location,
    Photo,
)

__all__ = [
    "DEFAULT_TOKEN",
    "ApiCall",
    "BotApiError",
    "BotCommand",
    "Button",
    "CallbackAnswer",
    "ChatEvent",
    "ChatMessage",
    "EmulatedGroup",
    "EmulatedUser",
    "Entity",
    "Location",
    "Photo",
    "Tap",
    "TelegramEmulator",
]
