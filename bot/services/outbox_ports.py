"""The outbox's ports, shared by every producer of pings and the sender: what a ping to reserve is, how the
notifier answers a send, and the one port a use case enqueues and delivers through.

The notifications feature (`bot/features/notifications/`) implements `Outbox`; the Telegram notifier
(`bot/telegram_ui/notifier.py`) implements `Notifier`; the outbox store reserves `NewPing`s. They sit in the
kernel because kernels (the secret-message retries, the job fan-out, the notifier, the stores) speak them too.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import Enum
from typing import Protocol

from bot.domain.events import Event
from bot.domain.preferences import ChatSettings
from bot.services.ports import OutboxEntry, OutboxPayload


@dataclass(frozen=True, slots=True)
class NewPing:
    """An outbox row to reserve (a batch reserves its pings when it commits), owned by its vehicle (deleted
    with it)."""

    dedup_key: str
    chat_id: int
    payload: OutboxPayload
    deliver_at: datetime
    vehicle_id: int | None

    @property
    def entry(self) -> OutboxEntry:
        """The outbox entry this ping is once reserved (no claim yet)."""
        return OutboxEntry(self.dedup_key, self.chat_id, self.payload, self.deliver_at)


class DeliveryStatus(Enum):
    """What happened to one send."""

    SENT = "sent"
    BLOCKED = "blocked"  # the user blocked the bot (or their account or the group is gone): deactivate
    RETRY_LATER = "retry_later"  # Telegram flood control for this chat (429): wait retry_after, then again
    UNAVAILABLE = "unavailable"  # Telegram could not be reached (network, 5xx): every chat waits a little
    FAILED = "failed"  # Telegram refused this one message (bad request...): drop it, keep the chat


@dataclass(frozen=True, slots=True)
class DeliveryResult:
    """The notifier's answer for one ping: what happened, how long to wait, Telegram's reason."""

    status: DeliveryStatus
    retry_after_seconds: float | None = None
    reason: str | None = None
    # The send may have reached Telegram although no answer came (a timeout): sending again may duplicate.
    uncertain: bool = False


class Notifier(Protocol):
    """Renders an event in the chat's language and time zone and sends it (implemented in telegram_ui)."""

    async def send(self, chat: ChatSettings, event: Event) -> DeliveryResult:
        """Send one ping; never raises for Telegram errors, it maps them to a DeliveryResult."""
        ...


@dataclass(slots=True)
class DeliveryReport:
    """Counts of what one delivery round did."""

    sent: int = 0
    dropped: int = 0
    deferred: int = 0
    skipped: int = 0
    taken_over: int = 0  # claims of a dead or late sender taken over: each a possible duplicate
    blocked_chats: list[int] = field(default_factory=list)


class Outbox(Protocol):
    """Enqueue a chat's pings and deliver them: the notifications' use case as its producers see it."""

    async def enqueue_for_chat(
        self,
        vehicle_id: int | None,
        settings: ChatSettings,
        events: Sequence[Event],
        *,
        account_id: int | None = None,
    ) -> list[OutboxEntry]:
        """Reserve events already filtered for one chat (deferred to the end of its quiet hours)."""
        ...

    async def deliver(self, entries: Sequence[OutboxEntry]) -> DeliveryReport:
        """Deliver the due entries among `entries`; the others stay in the outbox."""
        ...
