"""Delivering pings exactly once: the Notifier port, the outbox use case, quiet hours and chat clean-up.

Flow: a poll turns events into outbox entries (one per chat that wants the event) BEFORE the vehicle's new
state is saved, so a crash between the poll and the send loses nothing: the next poll produces the same dedup
keys, `reserve` refuses them, and the entries already stored are delivered by `deliver` / `flush`.

No ping is sent twice, even with several replicas flushing the same outbox: before sending, an entry is
claimed by reserving `<key>#claim` (a unique insert that only one replica wins, stored with a far-future due
time so it never shows up as pending). The price is at-most-once in the tiny window between the claim and
Telegram's answer.
A Telegram RetryAfter re-queues the ping under a new key (`<key>#r<n>`) due after the wait.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from enum import Enum
from typing import Any, Protocol

from bot.domain.account import OutboxEntry, Subscriber
from bot.domain.events import Event, answers_user, event_from_json, event_to_json, expires_at
from bot.domain.preferences import ChatSettings, NotificationKind
from bot.domain.snapshot import PlugState, VehicleSnapshot
from bot.domain.zones import zone_or_utc
from bot.services.poll_readings import reports_charging
from bot.services.ports import ChatRepository, Clock, NotificationLog, VehicleStateRepository

log = logging.getLogger(__name__)

_CLAIM_SUFFIX = "#claim"
_NEVER = datetime(9999, 1, 1, tzinfo=UTC)


class DeliveryStatus(Enum):
    """What happened to one send."""

    SENT = "sent"
    BLOCKED = "blocked"  # the user blocked the bot or the chat is gone: deactivate it
    RETRY_LATER = "retry_later"  # Telegram flood control (RetryAfter): try again after the wait
    FAILED = "failed"  # permanent failure for this ping (bad request...): drop it


@dataclass(frozen=True, slots=True)
class DeliveryResult:
    """The notifier's answer for one ping."""

    status: DeliveryStatus
    retry_after_seconds: float | None = None


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
    blocked_chats: list[int] = field(default_factory=list)


def quiet_until(settings: ChatSettings, now: datetime) -> datetime | None:
    """When the chat's quiet hours end (UTC), or None when a ping may be sent now."""
    quiet = settings.quiet_hours
    if quiet is None:
        return None
    zone = zone_or_utc(settings.time_zone)
    local = now.astimezone(zone)
    if not quiet.contains(local.time().replace(tzinfo=None)):
        return None
    end = local.replace(hour=quiet.end.hour, minute=quiet.end.minute, second=0, microsecond=0)
    if end <= local:
        end = (local + timedelta(days=1)).replace(
            hour=quiet.end.hour, minute=quiet.end.minute, second=0, microsecond=0
        )
    # Rebuild from naive local time so a DST change between now and the end is applied correctly.
    return end.replace(tzinfo=None).replace(tzinfo=zone).astimezone(UTC)


def still_holds(kind: NotificationKind, snapshot: VehicleSnapshot | None) -> bool:
    """Whether a deferred ping still says something true about the car's latest known state."""
    if snapshot is None:
        return True
    rule = _STILL_HOLDS.get(kind)
    return True if rule is None else rule(snapshot)


# Pings about a passing state are dropped at the end of quiet hours when the state is over; pings about
# something that happened (charge complete, interrupted...) always hold.
_STILL_HOLDS: dict[NotificationKind, Callable[[VehicleSnapshot], bool]] = {
    NotificationKind.CHARGE_STARTED: reports_charging,
    NotificationKind.PLUGGED: lambda s: s.plug is PlugState.PLUGGED,
    NotificationKind.UNPLUGGED: lambda s: s.plug is PlugState.UNPLUGGED,
    NotificationKind.PLUGGED_NOT_CHARGING: lambda s: s.plug is PlugState.PLUGGED and not reports_charging(s),
    NotificationKind.LOW_BATTERY: lambda s: not reports_charging(s),
    NotificationKind.PLUG_REMINDER: lambda s: s.plug is not PlugState.PLUGGED,
}


def outbox_key(event: Event, chat_id: int) -> str:
    """The outbox key of one event for one chat."""
    return f"{event.dedup_key}@{chat_id}"


class NotificationService:
    """Puts events in the outbox for the chats that want them, and delivers due entries exactly once."""

    def __init__(
        self,
        log_store: NotificationLog,
        chats: ChatRepository,
        states: VehicleStateRepository,
        notifier: Notifier,
        clock: Clock,
        *,
        max_age: timedelta = timedelta(hours=12),
    ) -> None:
        self._log = log_store
        self._chats = chats
        self._states = states
        self._notifier = notifier
        self._clock = clock
        self._max_age = max_age
        self._paused_until: datetime | None = None

    async def enqueue(
        self, vehicle_id: int | None, events: Sequence[Event], subscribers: Iterable[Subscriber]
    ) -> list[OutboxEntry]:
        """Reserve the events for every active chat whose preferences want them; returns the new entries."""
        reserved: list[OutboxEntry] = []
        for subscriber in subscribers:
            wanted = [e for e in events if answers_user(e) or subscriber.preferences.wants(e.kind)]
            reserved += await self.enqueue_for_chat(vehicle_id, subscriber.settings, wanted)
        return reserved

    async def enqueue_for_chat(
        self, vehicle_id: int | None, settings: ChatSettings, events: Sequence[Event]
    ) -> list[OutboxEntry]:
        """Reserve events already filtered for one chat (deferred to the end of its quiet hours)."""
        if not settings.active or not events:
            return []
        now = self._clock()
        quiet_end = quiet_until(settings, now)
        deliver_at = quiet_end or now
        reserved: list[OutboxEntry] = []
        for event in events:
            payload = encode_event(event, vehicle_id=vehicle_id, deferred=quiet_end is not None)
            key = outbox_key(event, settings.chat_id)
            if await self._log.reserve(key, settings.chat_id, payload, deliver_at):
                reserved.append(OutboxEntry(key, settings.chat_id, payload, deliver_at))
        return reserved

    async def flush(self, limit: int = 100) -> DeliveryReport:
        """Deliver every due entry (deferred pings, pings left by a crash, retries)."""
        entries = await self._log.pending(self._clock(), limit)
        return await self.deliver(entries)

    async def deliver(self, entries: Sequence[OutboxEntry]) -> DeliveryReport:
        """Deliver the due entries among `entries`; the others stay in the outbox."""
        report = DeliveryReport()
        for entry in entries:
            now = self._clock()
            if self._paused_until is not None and now < self._paused_until:
                report.skipped += 1
                continue
            if entry.dedup_key.endswith(_CLAIM_SUFFIX) or entry.deliver_at > now:
                report.skipped += 1
                continue
            await self._deliver_one(entry, now, report)
        return report

    async def _deliver_one(self, entry: OutboxEntry, now: datetime, report: DeliveryReport) -> None:
        if now - entry.deliver_at > self._max_age:
            await self._drop(entry, "too old", report)
            return
        chat = await self._chats.get(entry.chat_id)
        if chat is None or not chat.active:
            await self._drop(entry, "chat inactive", report)
            return
        if quiet_until(chat, now) is not None:
            # The chat's quiet hours started after the ping was queued: wait for them to end.
            report.deferred += 1
            return
        try:
            event = decode_event(entry.payload)
        except ValueError:
            await self._drop(entry, "unreadable payload", report)
            return
        if entry.payload.get("deferred") and not await self._holds(entry, event):
            await self._drop(entry, "no longer holds", report)
            return
        if not await self._log.reserve(entry.dedup_key + _CLAIM_SUFFIX, entry.chat_id, {}, _NEVER):
            report.skipped += 1  # another replica (or an earlier attempt) owns this ping
            return
        await self._send(entry, chat, event, report)

    async def _holds(self, entry: OutboxEntry, event: Event) -> bool:
        ends = expires_at(event)
        if ends is not None and self._clock() >= ends:
            return False
        vehicle_id = entry.payload.get("vehicle_id")
        if not isinstance(vehicle_id, int):
            return True
        state = await self._states.load(vehicle_id)
        return still_holds(event.kind, state.snapshot)

    async def _send(
        self, entry: OutboxEntry, chat: ChatSettings, event: Event, report: DeliveryReport
    ) -> None:
        try:
            result = await self._notifier.send(chat, event)
        except Exception:
            # The notifier maps Telegram errors itself; anything else is a bug: keep the ping out of a loop.
            log.exception("notifier failed for outbox entry of chat %s", entry.chat_id)
            result = DeliveryResult(DeliveryStatus.FAILED)
        now = self._clock()
        if result.status is DeliveryStatus.SENT:
            await self._log.mark_sent(entry.dedup_key, now)
            report.sent += 1
        elif result.status is DeliveryStatus.BLOCKED:
            await self._chats.deactivate(entry.chat_id)
            report.blocked_chats.append(entry.chat_id)
            await self._drop(entry, "chat blocked the bot", report)
        elif result.status is DeliveryStatus.RETRY_LATER:
            wait = timedelta(seconds=result.retry_after_seconds or 1.0)
            self._paused_until = now + wait
            await self._log.reserve(_retry_key(entry.dedup_key), entry.chat_id, entry.payload, now + wait)
            await self._log.mark_dropped(entry.dedup_key, "retried later")
            report.deferred += 1
        else:
            await self._drop(entry, "send failed", report)

    async def _drop(self, entry: OutboxEntry, reason: str, report: DeliveryReport) -> None:
        await self._log.mark_dropped(entry.dedup_key, reason)
        report.dropped += 1


def _retry_key(key: str) -> str:
    base, sep, attempt = key.rpartition("#r")
    if sep and attempt.isdigit():
        return f"{base}#r{int(attempt) + 1}"
    return f"{key}#r1"


def encode_event(event: Event, *, vehicle_id: int | None, deferred: bool = False) -> dict[str, Any]:
    """The outbox payload of an event: the event as JSON, its vehicle, and whether quiet hours deferred it."""
    return {"event": event_to_json(event), "vehicle_id": vehicle_id, "deferred": deferred}


def decode_event(payload: dict[str, Any]) -> Event:
    """Rebuild the event of an outbox payload; raises ValueError when it cannot be read."""
    raw = payload.get("event")
    if not isinstance(raw, dict):
        raise ValueError("outbox payload without an event")
    return event_from_json(raw)  # CodecError is a ValueError
