"""Updates across replicas: each recorded once on arrival (before Telegram gets its 200), each chat's
handled one at a time in update_id order whichever replica received them, different chats in parallel.

Two PTB seams, no patching: the Application's update queue (`JournaledQueue.put` is awaited by the webhook
handler and by long polling before the update counts as delivered) and its update processor
(`ChatOrderedProcessor`, which takes the chat's turn from the `UpdateJournal` around the handlers).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any

from telegram import Update
from telegram.ext import BaseUpdateProcessor

from bot.services.conversation_ports import UpdateJournal

log = logging.getLogger(__name__)


class JournaledQueue(asyncio.Queue[object]):
    """The update queue: an update is recorded before it is queued, and a redelivered one is dropped."""

    def __init__(self, journal: UpdateJournal, clock: Callable[[], datetime]) -> None:
        super().__init__()
        self._journal = journal
        self._clock = clock

    async def put(self, item: object) -> None:
        """Record, then queue; an update seen before is logged and acknowledged without being handled."""
        if isinstance(item, Update):
            chat = item.effective_chat
            fresh = await self._journal.arrived(item.update_id, chat.id if chat else None, self._clock())
            if not fresh:
                log.info("update %s was delivered again: already taken, not handled twice", item.update_id)
                return
        await super().put(item)


class ChatOrderedProcessor(BaseUpdateProcessor):
    """Handles updates concurrently, but one chat's updates one at a time and in order (the chat's turn)."""

    def __init__(self, journal: UpdateJournal, max_concurrent_updates: int) -> None:
        super().__init__(max_concurrent_updates)
        self._journal = journal

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        """Run the handlers for the update inside its chat's turn (updates without a chat run at once)."""
        chat = update.effective_chat if isinstance(update, Update) else None
        if chat is None or not isinstance(update, Update):
            await coroutine
            return
        async with self._journal.turn(chat.id, update.update_id):
            await coroutine

    async def initialize(self) -> None:
        """Nothing to open: the journal belongs to the object graph."""

    async def shutdown(self) -> None:
        """Nothing to close: the journal belongs to the object graph."""
