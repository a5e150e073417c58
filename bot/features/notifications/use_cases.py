"""Delivering pings at least once: the outbox use case (`NotificationService`), quiet hours and chat clean-up.

Its ports (the `Notifier` the Telegram sender implements, `NewPing`, `DeliveryReport`, the `Outbox` producers
see) are the kernel's `bot/services/outbox_ports.py`; its pure rules are `logic.py`.

Flow: a poll turns events into outbox entries (one per chat that wants the event) BEFORE the vehicle's new
state is saved, so a crash between the poll and the send loses nothing: the next poll produces the same dedup
keys, `reserve` refuses them, and the entries already stored are delivered by `deliver` / `flush`.

Sending takes the entry's claim first: a lease (`CLAIM_LEASE`) with this process's name, so several
replicas flushing the same outbox send each ping once. A claim whose owner died (kill -9 while Telegram was
answering) is taken over once its lease ran out, or at once when the owner is known to be gone (a restart
on the same host): the ping is sent rather than lost. The price is a rare duplicate, when the dead owner's
send had reached Telegram: such takeovers (and re-sends after a timed-out send) are counted as possible
duplicates. Telegram's answers are told apart: flood control pauses that chat, Telegram being unreachable
pauses every chat (both stored, so every replica waits), a blocked bot deactivates the chat, and any other
refusal drops only that ping with Telegram's reason in the log.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, datetime, timedelta

from bot.domain.events import Event, answers_user, expires_at
from bot.domain.phases import phase_named
from bot.domain.preferences import ChatSettings, NotificationPreferences
from bot.features.notifications.logic import EVERY_CHAT, chat_scope, outbox_key, quiet_until, still_holds
from bot.services.outbox_ports import DeliveryReport, DeliveryResult, DeliveryStatus, NewPing, Notifier
from bot.services.ports import (
    ChatRepository,
    Clock,
    NotificationLog,
    OutboxEntry,
    OutboxPayload,
    Subscriber,
    VehicleStateRepository,
)

log = logging.getLogger(__name__)

# Longer than a send can take (PTB's timeouts and one flood-control retry in its rate limiter), so a live
# sender never loses its claim; short enough that a ping of a dead sender goes out within minutes.
CLAIM_LEASE = timedelta(minutes=2)
# The pause of every chat's sends when Telegram cannot be reached (network error, 5xx), unless it says more.
UNREACHABLE_PAUSE = timedelta(seconds=30)


class NotificationService:
    """Puts events in the outbox for the chats that want them, and delivers due entries at least once."""

    def __init__(
        self,
        log_store: NotificationLog,
        chats: ChatRepository,
        states: VehicleStateRepository,
        notifier: Notifier,
        clock: Clock,
        *,
        owner: str = "notifier",
        owner_gone: Callable[[str], bool] = lambda _owner: False,
        max_age: timedelta = timedelta(hours=12),
    ) -> None:
        self._log = log_store
        self._chats = chats
        self._states = states
        self._notifier = notifier
        self._clock = clock
        self._owner = owner
        self._owner_gone = owner_gone
        self._max_age = max_age

    async def enqueue(
        self,
        vehicle_id: int | None,
        events: Sequence[Event],
        subscribers: Iterable[Subscriber],
        *,
        account_id: int | None = None,
    ) -> list[OutboxEntry]:
        """Reserve the events for every active chat whose preferences want them; returns the new entries."""
        return await self.enqueue_each(vehicle_id, [(s, events) for s in subscribers], account_id=account_id)

    async def enqueue_each(
        self,
        vehicle_id: int | None,
        notices: Iterable[tuple[Subscriber, Sequence[Event]]],
        *,
        account_id: int | None = None,
    ) -> list[OutboxEntry]:
        """`enqueue` with each chat's own events, in one reservation."""
        return await self.reserve(self.pings(vehicle_id, notices), account_id)

    async def enqueue_for_chat(
        self,
        vehicle_id: int | None,
        settings: ChatSettings,
        events: Sequence[Event],
        *,
        account_id: int | None = None,
    ) -> list[OutboxEntry]:
        """Reserve events already filtered for one chat (deferred to the end of its quiet hours).

        The entry is tied to its vehicle (or, for an account's ping, its account), so deleting that deletes
        the entry in the same transaction; neither its key nor its stored payload holds the VIN.
        """
        return await self.reserve(self.pings_for_chat(vehicle_id, settings, events), account_id)

    def pings(
        self, vehicle_id: int | None, notices: Iterable[tuple[Subscriber, Sequence[Event]]]
    ) -> list[NewPing]:
        """The outbox rows `enqueue_each` would reserve (each chat's wanted events), not reserved yet."""
        found: list[NewPing] = []
        for subscriber, events in notices:
            found += self.pings_for_chat(vehicle_id, subscriber.settings, events, subscriber.preferences)
        return found

    def pings_for_chats(
        self, vehicle_id: int | None, notices: Iterable[tuple[ChatSettings, Sequence[Event]]]
    ) -> list[NewPing]:
        """`pings_for_chat` for several chats, each with its events already filtered."""
        return [
            ping for settings, events in notices for ping in self.pings_for_chat(vehicle_id, settings, events)
        ]

    def pings_for_chat(
        self,
        vehicle_id: int | None,
        settings: ChatSettings,
        events: Sequence[Event],
        wants: NotificationPreferences | None = None,
    ) -> list[NewPing]:
        """The outbox rows `enqueue_for_chat` would reserve, not reserved yet; with the chat's preferences,
        only the events they want (and those that answer the user)."""
        if wants is not None:
            events = [e for e in events if answers_user(e) or wants.wants(e.kind)]
        if not settings.active or not events:
            return []
        quiet_end = quiet_until(settings, self._clock())
        deliver_at = quiet_end or self._clock()
        return [
            NewPing(
                outbox_key(event, settings.chat_id, vehicle_id),
                settings.chat_id,
                OutboxPayload(event, vehicle_id, deferred=quiet_end is not None),
                deliver_at,
                vehicle_id,
            )
            for event in events
        ]

    async def reserve(self, pings: Sequence[NewPing], account_id: int | None = None) -> list[OutboxEntry]:
        """Reserve outbox rows one by one (each key once); returns the entries reserved now."""
        reserved: list[OutboxEntry] = []
        for ping in pings:
            if await self._log.reserve(
                ping.dedup_key,
                ping.chat_id,
                ping.payload,
                ping.deliver_at,
                vehicle_id=ping.vehicle_id,
                account_id=account_id,
            ):
                reserved.append(ping.entry)
        return reserved

    async def flush(self, limit: int = 100) -> DeliveryReport:
        """Deliver every due entry (deferred pings, pings left by a crash or a dead sender, retries)."""
        entries = await self._log.pending(self._clock(), limit)
        return await self.deliver(entries)

    async def deliver(self, entries: Sequence[OutboxEntry]) -> DeliveryReport:
        """Deliver the due entries among `entries`; the others stay in the outbox."""
        report = DeliveryReport()
        due = [entry for entry in entries if entry.deliver_at <= self._clock()]
        report.skipped += len(entries) - len(due)
        if not due:
            return report
        pauses = await self._log.pauses(self._clock())
        for entry in due:
            now = self._clock()
            if _paused(pauses, entry.chat_id, now) or not self._takeable(entry, now):
                report.skipped += 1  # Telegram asked to wait, or another live sender has it
                continue
            if not await self._log.claim(entry, self._owner, now, CLAIM_LEASE):
                report.skipped += 1  # another replica claimed it first
                continue
            if entry.claim_owner is not None:
                report.taken_over += 1
                log.warning("took over a ping its sender did not finish (it may arrive twice)")
            await self._deliver_claimed(entry, now, report, pauses)
        return report

    def _takeable(self, entry: OutboxEntry, now: datetime) -> bool:
        if entry.claim_owner is None:
            return True
        if entry.claim_owner == self._owner:
            return False  # this process is sending it right now
        expired = entry.claim_expires_at is None or entry.claim_expires_at <= now
        return expired or self._owner_gone(entry.claim_owner)

    async def _deliver_claimed(
        self, entry: OutboxEntry, now: datetime, report: DeliveryReport, pauses: dict[str, datetime]
    ) -> None:
        if now - entry.deliver_at > self._max_age:
            await self._drop(entry, "too old", report)
            return
        chat = await self._chats.get(entry.chat_id)
        if chat is None or not chat.active:
            await self._drop(entry, "chat inactive", report)
            return
        quiet_end = quiet_until(chat, now)
        if quiet_end is not None:
            # The chat's quiet hours started after the ping was queued: wait for them to end.
            await self._log.reschedule(entry.dedup_key, quiet_end, "quiet hours")
            report.deferred += 1
            return
        payload = entry.payload
        if payload is None:
            await self._drop(entry, "unreadable payload or vehicle gone", report)
            return
        if payload.deferred and not await self._holds(payload):
            await self._drop(entry, "no longer holds", report)
            return
        await self._send(entry, chat, payload.event, report, pauses)

    async def _holds(self, payload: OutboxPayload) -> bool:
        ends = expires_at(payload.event)
        if ends is not None and self._clock() >= ends:
            return False
        if payload.vehicle_id is None:
            return True
        state = await self._states.load(payload.vehicle_id)
        return still_holds(payload.event.kind, state.snapshot, phase_named(state.phase))

    async def _send(
        self,
        entry: OutboxEntry,
        chat: ChatSettings,
        event: Event,
        report: DeliveryReport,
        pauses: dict[str, datetime],
    ) -> None:
        try:
            result = await self._notifier.send(chat, event)
        except Exception:
            # The notifier maps Telegram errors itself; anything else is a bug: keep the ping out of a loop.
            log.exception("notifier failed for outbox entry of chat %s", entry.chat_id)
            result = DeliveryResult(DeliveryStatus.FAILED, reason="notifier error")
        now = self._clock()
        status = result.status
        if status is DeliveryStatus.SENT:
            await self._log.mark_sent(entry.dedup_key, now)
            report.sent += 1
        elif status is DeliveryStatus.BLOCKED:
            await self._chats.deactivate(entry.chat_id)
            report.blocked_chats.append(entry.chat_id)
            await self._drop(entry, result.reason or "chat blocked the bot", report)
        elif status in (DeliveryStatus.RETRY_LATER, DeliveryStatus.UNAVAILABLE):
            await self._wait(entry, result, now, pauses)
            report.deferred += 1
        else:
            log.warning("ping to chat %s dropped: %s", entry.chat_id, result.reason or "send failed")
            await self._drop(entry, result.reason or "send failed", report)

    async def _wait(
        self, entry: OutboxEntry, result: DeliveryResult, now: datetime, pauses: dict[str, datetime]
    ) -> None:
        flood = result.status is DeliveryStatus.RETRY_LATER
        default = timedelta(seconds=1) if flood else UNREACHABLE_PAUSE
        wait = timedelta(seconds=result.retry_after_seconds) if result.retry_after_seconds else default
        scope = chat_scope(entry.chat_id) if flood else EVERY_CHAT
        until = now + wait
        # Stored, so every replica holds this chat's (or every chat's) sends until then, not just us.
        await self._log.pause(scope, until)
        pauses[scope] = max(until, pauses.get(scope, until))
        reason = "flood control" if flood else (result.reason or "Telegram unreachable")
        await self._log.reschedule(entry.dedup_key, until, reason)

    async def _drop(self, entry: OutboxEntry, reason: str, report: DeliveryReport) -> None:
        await self._log.mark_dropped(entry.dedup_key, reason)
        report.dropped += 1


def _paused(pauses: dict[str, datetime], chat_id: int, now: datetime) -> bool:
    until = max(pauses.get(EVERY_CHAT, _LONG_AGO), pauses.get(chat_scope(chat_id), _LONG_AGO))
    return until > now


_LONG_AGO = datetime(1970, 1, 1, tzinfo=UTC)
