"""Frozen values the emulator hands to tests: messages as a user sees them, buttons, calls, answers."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

EventKind = Literal["sent", "edited", "deleted"]


@dataclass(frozen=True)
class Entity:
    """A message entity (offset and length in UTF-16 code units, as Telegram counts them)."""

    type: str
    offset: int
    length: int


@dataclass(frozen=True)
class Button:
    """One inline keyboard button."""

    text: str
    callback_data: str | None = None
    url: str | None = None


@dataclass(frozen=True)
class Location:
    """A location pin."""

    latitude: float
    longitude: float
    live_period: int | None = None


@dataclass(frozen=True)
class Photo:
    """An uploaded (or re-sent) photo; the bytes are kept out of the repr."""

    file_id: str
    file_unique_id: str
    data: bytes = field(repr=False)
    filename: str | None = None
    width: int = 1280
    height: int = 720


@dataclass(frozen=True)
class Document:
    """An uploaded file sent with sendDocument; the bytes are kept out of the repr."""

    file_id: str
    file_unique_id: str
    data: bytes = field(repr=False)
    filename: str | None = None
    mime_type: str | None = None


@dataclass(frozen=True)
class ChatMessage:
    """One message in a chat, in the version the user sees (the latest edit)."""

    message_id: int
    chat_id: int
    sender_id: int
    from_bot: bool
    date: datetime
    text: str | None = None
    source_text: str | None = None
    parse_mode: str | None = None
    entities: tuple[Entity, ...] = ()
    keyboard: tuple[tuple[Button, ...], ...] = ()
    reply_markup: Mapping[str, Any] | None = None
    location: Location | None = None
    photo: Photo | None = None
    document: Document | None = None
    caption: str | None = None
    edit_date: datetime | None = None
    reply_to_message_id: int | None = None
    link_preview_options: Mapping[str, Any] | None = None
    # What a user attached that the emulator only passes on (sticker, voice, contact, poll...): the Bot
    # API field name and its object, exactly as Telegram would put them in the Message.
    attachment: tuple[str, Any] | None = None

    @property
    def buttons(self) -> tuple[Button, ...]:
        """Every inline button, row by row."""
        return tuple(button for row in self.keyboard for button in row)

    def button(self, label: str) -> Button:
        """The inline button whose text or callback data is `label`."""
        for candidate in self.buttons:
            if label in (candidate.text, candidate.callback_data):
                return candidate
        raise LookupError(f"no button {label!r} on message {self.message_id}")


@dataclass(frozen=True)
class ChatEvent:
    """Something the bot did to a chat: sent, edited or deleted a message."""

    kind: EventKind
    message: ChatMessage


@dataclass(frozen=True)
class CallbackAnswer:
    """What the bot answered to a button tap (answerCallbackQuery)."""

    query_id: str
    text: str | None = None
    show_alert: bool = False
    url: str | None = None
    cache_time: int | None = None


@dataclass(frozen=True)
class BotCommand:
    """One entry of a bot's command menu."""

    command: str
    description: str


@dataclass(frozen=True)
class ApiCall:
    """One request the bot made: method, decoded parameters, names of uploaded files, outcome."""

    method: str
    params: Mapping[str, Any]
    files: tuple[str, ...]
    status: int
    at: datetime
    error: str | None = None
