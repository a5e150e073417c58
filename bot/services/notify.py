"""Delivering pings at least once: the Notifier port, the outbox use case, quiet hours and chat clean-up.

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
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from enum import Enum
from typing import Protocol

from bot.domain.events import Event, answers_user, expires_at
from bot.domain.preferences import ChatSettings, NotificationKind
from bot.domain.snapshot import PlugState, VehicleSnapshot
from bot.domain.zones import zone_or_utc
from bot.services.polling.ports import NewPing
from bot.services.polling.readings import reports_charging
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
EVERY_CHAT = "telegram"


def chat_scope(chat_id: int) -> str:
    """The pause scope of one chat."""
    return f"chat:{chat_id}"


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


def outbox_key(event: Event, chat_id: int, vehicle_id: int | None = None) -> str:
    """The outbox key of one event for one chat; the car is named by our id, never by its VIN."""
    return f"{_without_vin(event.dedup_key, event, vehicle_id)}@{chat_id}"


def _vin_of(event: Event) -> str | None:
    vin = getattr(event, "vin", None)
    return vin if isinstance(vin, str) and vin else None


def _without_vin(text: str, event: Event, vehicle_id: int | None) -> str:
    vin = _vin_of(event)
    if vin is None:
        return text
    return text.replace(vin, f"vehicle{vehicle_id}" if vehicle_id is not None else "vehicle")


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
        return await self.reserve(self.pings(vehicle_id, events, subscribers), account_id)

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
        self, vehicle_id: int | None, events: Sequence[Event], subscribers: Iterable[Subscriber]
    ) -> list[NewPing]:
        """The outbox rows `enqueue` would reserve, not reserved yet (a poll batch reserves them later)."""
        found: list[NewPing] = []
        for subscriber in subscribers:
            wanted = [e for e in events if answers_user(e) or subscriber.preferences.wants(e.kind)]
            found += self.pings_for_chat(vehicle_id, subscriber.settings, wanted)
        return found

    def pings_for_chat(
        self, vehicle_id: int | None, settings: ChatSettings, events: Sequence[Event]
    ) -> list[NewPing]:
        """The outbox rows `enqueue_for_chat` would reserve, not reserved yet."""
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
        return still_holds(payload.event.kind, state.snapshot)

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
