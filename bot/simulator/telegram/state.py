"""The emulator's world: the bot, users, chats with their messages, callback queries and command menus."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any

from bot.simulator.telegram.errors import BLOCKED, CHAT_NOT_FOUND, BotApiError, bad_request
from bot.simulator.telegram.model import (
    ApiCall,
    BotCommand,
    CallbackAnswer,
    ChatEvent,
    ChatMessage,
    EventKind,
    Photo,
)
from bot.simulator.telegram.params import Params
from bot.simulator.telegram.signal import Signal
from bot.simulator.telegram.updates import UpdateQueue

Clock = Callable[[], datetime]


@dataclass(frozen=True)
class BotIdentity:
    """Who the bot is (getMe)."""

    id: int
    first_name: str
    username: str


@dataclass(frozen=True)
class UserRecord:
    """A Telegram user taking part in the emulation."""

    id: int
    first_name: str
    language_code: str | None = "en"
    username: str | None = None
    last_name: str | None = None


@dataclass
class ChatRecord:
    """One chat: its kind, members, messages (current versions), deletions and what the bot did."""

    id: int
    type: str
    title: str | None = None
    members: dict[int, UserRecord] = field(default_factory=dict)
    messages: dict[int, ChatMessage] = field(default_factory=dict)
    deleted: list[ChatMessage] = field(default_factory=list)
    events: list[ChatEvent] = field(default_factory=list)
    actions: list[str] = field(default_factory=list)
    reply_keyboard: dict[str, Any] | None = None
    blocked: bool = False
    bot_removed: bool = False
    _next_message_id: int = 1
    _attachments: int = 0

    def next_attachment(self) -> int:
        """A running number for the files users attach, so each gets its own file id."""
        self._attachments += 1
        return self._attachments

    def new_message_id(self) -> int:
        """Message ids are counted per chat, as in Telegram's private chats and basic groups."""
        message_id = self._next_message_id
        self._next_message_id += 1
        return message_id

    @property
    def partner(self) -> UserRecord | None:
        """The other side of a private chat."""
        return self.members.get(self.id) if self.type == "private" else None


@dataclass(frozen=True)
class CallbackRecord:
    """A callback query sent to the bot, waiting for answerCallbackQuery."""

    query_id: str
    chat_id: int
    message_id: int
    user_id: int
    created_at: datetime


@dataclass
class TelegramFault:
    """An injected error answer for the next `remaining` matching calls."""

    error: BotApiError
    method: str | None
    chat_id: int | None
    remaining: int


class EmulatorState:
    """Everything the Bot API methods read and change; tests observe it through the client views."""

    def __init__(self, clock: Clock, bot: BotIdentity, callback_ttl: timedelta) -> None:
        self.clock = clock
        self.bot = bot
        self.callback_ttl = callback_ttl
        self.chats: dict[int, ChatRecord] = {}
        self.updates = UpdateQueue()
        self.signal = Signal()
        self.callbacks: dict[str, CallbackRecord] = {}
        self.answers: dict[str, CallbackAnswer] = {}
        self.commands: dict[tuple[str, str], tuple[BotCommand, ...]] = {}
        self.files: dict[str, Photo] = {}
        self.webhook_url = ""
        self.webhook_secret = ""
        self.log: list[ApiCall] = []
        self.faults: list[TelegramFault] = []
        self._next_query = 1
        self._next_file = 1

    def chat_for(self, params: Params, name: str = "chat_id") -> ChatRecord:
        """The chat a call targets; unknown ids fail with `chat not found`."""
        raw = params.text(name)
        try:
            chat_id = int(raw)
        except ValueError:
            raise bad_request(CHAT_NOT_FOUND) from None
        chat = self.chats.get(chat_id)
        if chat is None:
            raise bad_request(CHAT_NOT_FOUND)
        return chat

    def writable_chat(self, params: Params) -> ChatRecord:
        """The target chat, refusing like Telegram when the user blocked the bot or removed it."""
        chat = self.chat_for(params)
        if chat.blocked:
            raise BotApiError(403, BLOCKED)
        if chat.bot_removed:
            raise BotApiError(403, "Forbidden: bot was kicked from the group chat")
        return chat

    def record(self, chat: ChatRecord, kind: EventKind, message: ChatMessage) -> None:
        """Apply a change to a chat, remember it as an event and wake whoever waits for it."""
        if kind == "deleted":
            chat.messages.pop(message.message_id, None)
            chat.deleted.append(message)
        else:
            chat.messages[message.message_id] = message
        chat.events.append(ChatEvent(kind, message))
        self.signal.notify()

    def edited(self, chat: ChatRecord, message: ChatMessage, **changes: Any) -> ChatMessage:
        """Store a new version of a message, stamped with the edit time."""
        new = replace(message, edit_date=self.clock(), **changes)
        self.record(chat, "edited", new)
        return new

    def new_query_id(self) -> str:
        """A fresh callback query id."""
        query_id = f"q{self._next_query}"
        self._next_query += 1
        return query_id

    def store_file(self, data: bytes, filename: str | None) -> Photo:
        """Keep an uploaded photo so it can be re-sent by file_id or downloaded."""
        number = self._next_file
        self._next_file += 1
        photo = Photo(f"AgAC-emu-{number}", f"AQAD-emu-{number}", data, filename)
        self.files[photo.file_id] = photo
        return photo

    def take_fault(self, method: str, chat_id: int | None) -> BotApiError | None:
        """The injected error for this call, if one matches (consumed as it fires)."""
        for fault in self.faults:
            if fault.method not in (None, method) or fault.chat_id not in (None, chat_id):
                continue
            fault.remaining -= 1
            if fault.remaining <= 0:
                self.faults.remove(fault)
            return fault.error
        return None
