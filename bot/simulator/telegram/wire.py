"""Bot API JSON for users, chats and messages, built from the emulator's records."""

from __future__ import annotations

from typing import Any

from bot.simulator.telegram.model import ChatMessage, Entity
from bot.simulator.telegram.state import BotIdentity, ChatRecord, UserRecord


def bot_json(bot: BotIdentity) -> dict[str, Any]:
    """The bot as a User object (getMe adds the capability flags)."""
    return {"id": bot.id, "is_bot": True, "first_name": bot.first_name, "username": bot.username}


def user_json(user: UserRecord) -> dict[str, Any]:
    """A human user as a User object."""
    out: dict[str, Any] = {"id": user.id, "is_bot": False, "first_name": user.first_name}
    for key in ("last_name", "username", "language_code"):
        value = getattr(user, key)
        if value is not None:
            out[key] = value
    return out


def chat_json(chat: ChatRecord) -> dict[str, Any]:
    """A Chat object: private chats carry the user's names, groups their title."""
    out: dict[str, Any] = {"id": chat.id, "type": chat.type}
    partner = chat.partner
    if partner is not None:
        out["first_name"] = partner.first_name
        if partner.username:
            out["username"] = partner.username
    else:
        out["title"] = chat.title or "Group"
    return out


def entities_json(entities: tuple[Entity, ...]) -> list[dict[str, Any]]:
    """MessageEntity objects."""
    return [{"type": e.type, "offset": e.offset, "length": e.length} for e in entities]


def message_json(message: ChatMessage, chat: ChatRecord, bot: BotIdentity) -> dict[str, Any]:
    """A Message object as the Bot API returns it."""
    sender = bot_json(bot) if message.from_bot else user_json(chat.members[message.sender_id])
    out: dict[str, Any] = {
        "message_id": message.message_id,
        "from": sender,
        "chat": chat_json(chat),
        "date": int(message.date.timestamp()),
    }
    if message.edit_date is not None:
        out["edit_date"] = int(message.edit_date.timestamp())
    if message.text is not None:
        out["text"] = message.text
        if message.entities:
            out["entities"] = entities_json(message.entities)
    if message.caption is not None:
        out["caption"] = message.caption
    if message.location is not None:
        loc = message.location
        out["location"] = {"latitude": loc.latitude, "longitude": loc.longitude}
        if loc.live_period:
            out["location"]["live_period"] = loc.live_period
    if message.photo is not None:
        out["photo"] = _photo_sizes(message)
    if message.document is not None:
        doc = message.document
        out["document"] = {
            "file_id": doc.file_id,
            "file_unique_id": doc.file_unique_id,
            "file_name": doc.filename,
            "mime_type": doc.mime_type,
            "file_size": len(doc.data),
        }
    if message.attachment is not None:
        name, body = message.attachment
        out[name] = body
    if message.keyboard and message.reply_markup is not None:
        out["reply_markup"] = dict(message.reply_markup)
    if message.reply_to_message_id is not None:
        replied = chat.messages.get(message.reply_to_message_id)
        if replied is not None:
            out["reply_to_message"] = message_json(replied, chat, bot)
    return out


def _photo_sizes(message: ChatMessage) -> list[dict[str, Any]]:
    photo = message.photo
    assert photo is not None
    # Telegram returns several sizes, smallest first; a thumbnail plus the original is enough here.
    return [
        {
            "file_id": f"{photo.file_id}-s",
            "file_unique_id": f"{photo.file_unique_id}-s",
            "width": 90,
            "height": 51,
        },
        {
            "file_id": photo.file_id,
            "file_unique_id": photo.file_unique_id,
            "width": photo.width,
            "height": photo.height,
            "file_size": len(photo.data),
        },
    ]
