"""The screen a chat was last asked to answer with buttons (a menu, a confirmation, a list), in the database.

A screen that waits for a tap or a typed value records itself here (state name, its buttons, a few values);
the router reads it to say what the chat is expected to do, with the same buttons again, on any replica and
after a restart. A new command forgets it; it expires with the other drafts.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

from telegram import InlineKeyboardMarkup

from bot.services.conversation_ports import DRAFT_TTL, DraftStore

log = logging.getLogger(__name__)

KIND = "focus"
VERSION = 1


@dataclass(frozen=True, slots=True)
class Focus:
    """A chat's current screen: which registry state, for which car, with which buttons and values."""

    state: str
    vehicle_id: int | None = None
    keyboard: InlineKeyboardMarkup | None = None
    data: Mapping[str, str] = field(default_factory=dict)


def encode(focus: Focus) -> str:
    """The focus as JSON text."""
    return json.dumps(
        {
            "v": VERSION,
            "s": focus.state,
            "vid": focus.vehicle_id,
            "k": focus.keyboard.to_dict() if focus.keyboard is not None else None,
            "d": dict(focus.data),
        }
    )


def decode(text: str) -> Focus | None:
    """A stored focus; None when it was written by another version or is damaged."""
    try:
        raw = json.loads(text)
        if raw.get("v") != VERSION:
            return None
        keyboard = InlineKeyboardMarkup.de_json(raw["k"], None) if raw.get("k") else None
        vehicle = raw.get("vid")
        return Focus(
            state=str(raw["s"]),
            vehicle_id=int(vehicle) if vehicle is not None else None,
            keyboard=keyboard,
            data={str(k): str(v) for k, v in dict(raw.get("d") or {}).items()},
        )
    except (ValueError, KeyError, TypeError, AttributeError):
        log.warning("a stored screen focus could not be read; it is ignored")
        return None


class FocusStore:
    """Reads and writes the chats' focus through the draft store (encrypted, with an expiry)."""

    def __init__(self, drafts: DraftStore) -> None:
        self._drafts = drafts

    async def get(self, chat_id: int, now: datetime) -> Focus | None:
        """The chat's live focus, if any."""
        text = await self._drafts.load_draft(chat_id, KIND, now)
        return decode(text) if text is not None else None

    async def put(self, chat_id: int, focus: Focus, now: datetime) -> None:
        """Make `focus` the chat's current screen."""
        await self._drafts.save_draft(chat_id, KIND, encode(focus), now + DRAFT_TTL)

    async def clear(self, chat_id: int) -> None:
        """The chat left its screen (it answered, or moved on with a command)."""
        await self._drafts.drop_draft(chat_id, KIND)
