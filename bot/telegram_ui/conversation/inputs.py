"""The kinds of input a chat can send, as the router tells them apart."""

from __future__ import annotations

from enum import Enum

from telegram import Message
from telegram.constants import MessageEntityType


class InputKind(Enum):
    """What arrived: the router answers each kind in every state."""

    TEXT = "text"
    COMMAND = "command"
    PHOTO = "photo"
    STICKER = "sticker"
    VOICE = "voice"
    AUDIO = "audio"
    VIDEO = "video"
    VIDEO_NOTE = "video_note"
    ANIMATION = "animation"
    DOCUMENT = "document"
    LOCATION = "location"
    CONTACT = "contact"
    POLL = "poll"
    DICE = "dice"
    OTHER = "other"
    EDIT = "edit"  # a message the user edited: never taken as an answer
    TAP = "tap"  # a button tap no feature took (a stale or garbled one)


# Checked in this order: a GIF also carries a `document`, a venue a `location`.
_ATTACHMENTS: tuple[tuple[str, InputKind], ...] = (
    ("photo", InputKind.PHOTO),
    ("sticker", InputKind.STICKER),
    ("voice", InputKind.VOICE),
    ("audio", InputKind.AUDIO),
    ("video_note", InputKind.VIDEO_NOTE),
    ("video", InputKind.VIDEO),
    ("animation", InputKind.ANIMATION),
    ("document", InputKind.DOCUMENT),
    ("location", InputKind.LOCATION),
    ("contact", InputKind.CONTACT),
    ("poll", InputKind.POLL),
    ("dice", InputKind.DICE),
)

MEDIA_KINDS = frozenset(kind for _, kind in _ATTACHMENTS) | {InputKind.OTHER}
"""Everything that is neither text, a command, an edit nor a tap."""


def command_of(message: Message) -> tuple[str, str | None] | None:
    """('status', 'the_bot') for '/status@the_bot ...', ('status', None) for '/status'; None if no command."""
    entities = message.entities or ()
    text = message.text or ""
    if not entities or entities[0].type != MessageEntityType.BOT_COMMAND or entities[0].offset != 0:
        return None
    word = text[1 : entities[0].length]
    name, _, addressee = word.partition("@")
    return name.lower(), (addressee or None)


def input_kind(message: Message) -> InputKind:
    """The kind of a new message."""
    if message.text is not None:
        return InputKind.COMMAND if command_of(message) is not None else InputKind.TEXT
    for attribute, kind in _ATTACHMENTS:
        if getattr(message, attribute, None):
            return kind
    return InputKind.OTHER
