"""Use case: a message that carried a secret (a password, a 2FA code) leaves the chat, or its sender is
asked to delete it.

The first attempt is made while the update is handled. A failure that may pass (a timeout, a network
error, Telegram's flood control or a 5xx) becomes a row in the database, retried by a job with a growing
wait, so it survives a restart and any replica can finish it. When Telegram refuses for good (the message
can no longer be deleted) or the retries run out, the sender is asked, through the notification outbox
and in their language, to delete the message themselves.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from enum import Enum
from typing import Protocol

from bot.domain.events import SecretNotDeleted
from bot.services.conversation_ports import PendingErasure, SecretDeletionStore
from bot.services.fanout import merged
from bot.services.outbox_ports import DeliveryReport, Outbox
from bot.services.ports import ChatRepository, Clock

log = logging.getLogger(__name__)

# Retries wait 30 s, 1, 2, 4, 8 minutes: about a quarter of an hour in all before the sender is asked.
MAX_ATTEMPTS = 6
FIRST_RETRY = timedelta(seconds=30)
# Telegram lets a bot delete a message only while it is younger than 48 hours; past this, ask at once.
DELETABLE_FOR = timedelta(hours=47)
# A retry claimed by one replica is not taken by another for this long.
CLAIM_LEASE = timedelta(minutes=2)


class Erasure(Enum):
    """How one deleteMessage went."""

    GONE = "gone"  # deleted, or already gone
    RETRY = "retry"  # may work later: timeout, network error, flood control, Telegram's 5xx
    REFUSED = "refused"  # Telegram will not delete it (too old, not deletable)


class MessageEraser(Protocol):
    """Deletes a chat message (implemented on the Telegram Bot API in telegram_ui)."""

    async def erase(self, chat_id: int, message_id: int) -> Erasure:
        """Delete the message; never raises for Telegram errors."""
        ...


class SecretMessages:
    """Delete secret-bearing messages, retry durably, and ask the sender when it cannot be done."""

    def __init__(
        self,
        store: SecretDeletionStore,
        chats: ChatRepository,
        notifications: Outbox,
        clock: Clock,
    ) -> None:
        self._store = store
        self._chats = chats
        self._notifications = notifications
        self._clock = clock

    async def erase(self, eraser: MessageEraser, chat_id: int, message_id: int, sent_at: datetime) -> Erasure:
        """Delete the message now; a failure is kept for `retry_due` or told to the sender."""
        outcome = await eraser.erase(chat_id, message_id)
        if outcome is Erasure.RETRY:
            now = self._clock()
            await self._store.add(PendingErasure(chat_id, message_id, sent_at, 1, now + FIRST_RETRY))
            log.info("a secret-bearing message could not be deleted yet; retried later")
        elif outcome is Erasure.REFUSED:
            await self._ask_sender(chat_id, message_id, sent_at)
        return outcome

    async def retry_due(self, eraser: MessageEraser, limit: int = 100) -> DeliveryReport:
        """Retry every due deletion; ask the sender for those that cannot or will not succeed."""
        now = self._clock()
        reports: list[DeliveryReport] = []
        for pending in await self._store.claim_due(now, CLAIM_LEASE, limit):
            outcome = await eraser.erase(pending.chat_id, pending.message_id)
            attempts = pending.attempts + 1
            if outcome is Erasure.GONE:
                await self._store.remove(pending.chat_id, pending.message_id)
            elif (
                outcome is Erasure.REFUSED
                or attempts >= MAX_ATTEMPTS
                or now - pending.sent_at >= DELETABLE_FOR
            ):
                reports.append(await self._ask_sender(pending.chat_id, pending.message_id, pending.sent_at))
            else:
                wait = FIRST_RETRY * 2 ** (attempts - 1)
                await self._store.add(
                    PendingErasure(pending.chat_id, pending.message_id, pending.sent_at, attempts, now + wait)
                )
        return merged(reports)

    async def _ask_sender(self, chat_id: int, message_id: int, sent_at: datetime) -> DeliveryReport:
        log.warning("a secret-bearing message could not be deleted; its sender is asked to delete it")
        await self._store.remove(chat_id, message_id)
        settings = await self._chats.get(chat_id)
        if settings is None:
            return DeliveryReport()
        event = SecretNotDeleted(chat_id, message_id, sent_at)
        entries = await self._notifications.enqueue_for_chat(None, settings, [event])
        return await self._notifications.deliver(entries)
