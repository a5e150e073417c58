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

import dataclasses
import importlib
import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from enum import Enum
from typing import Any, Protocol
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.domain.account import OutboxEntry, Subscriber
from bot.domain.preferences import ChatSettings, NotificationKind
from bot.domain.snapshot import ChargeState, PlugState, VehicleSnapshot
from bot.services.ports import ChatRepository, Clock, NotificationLog, VehicleStateRepository

log = logging.getLogger(__name__)

_CLAIM_SUFFIX = "#claim"
DOMAIN_MODULES: tuple[str, ...] = ("bot.domain.",)
_NEVER = datetime(9999, 1, 1, tzinfo=UTC)


class Notice(Protocol):
    """What delivery needs from a domain event: its kind and a stable de-duplication key."""

    @property
    def kind(self) -> NotificationKind:
        """The kind of ping (switched on or off in the chat's preferences)."""
        ...

    @property
    def dedup_key(self) -> str:
        """Same event, same key: across polls, restarts and replicas."""
        ...


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

    async def send(self, chat: ChatSettings, event: Notice) -> DeliveryResult:
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
    zone = _zone(settings.time_zone)
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


def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def still_holds(kind: NotificationKind, snapshot: VehicleSnapshot | None) -> bool:
    """Whether a deferred ping still says something true about the car's latest known state."""
    if snapshot is None:
        return True
    rule = _STILL_HOLDS.get(kind)
    return True if rule is None else rule(snapshot)


def _charging(s: VehicleSnapshot) -> bool:
    return s.charge is ChargeState.CHARGE_IN_PROGRESS


# Pings about a passing state are dropped at the end of quiet hours when the state is over; pings about
# something that happened (charge complete, interrupted...) always hold.
_STILL_HOLDS: dict[NotificationKind, Any] = {
    NotificationKind.CHARGE_STARTED: _charging,
    NotificationKind.PLUGGED: lambda s: s.plug is PlugState.PLUGGED,
    NotificationKind.UNPLUGGED: lambda s: s.plug is PlugState.UNPLUGGED,
    NotificationKind.PLUGGED_NOT_CHARGING: lambda s: s.plug is PlugState.PLUGGED and not _charging(s),
    NotificationKind.LOW_BATTERY: lambda s: not _charging(s),
    NotificationKind.PLUG_REMINDER: lambda s: s.plug is not PlugState.PLUGGED,
}


def outbox_key(event: Notice, chat_id: int) -> str:
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
        event_modules: tuple[str, ...] = DOMAIN_MODULES,
    ) -> None:
        self._log = log_store
        self._chats = chats
        self._states = states
        self._notifier = notifier
        self._clock = clock
        self._max_age = max_age
        self._event_modules = event_modules
        self._paused_until: datetime | None = None

    async def enqueue(
        self, vehicle_id: int, events: Sequence[Notice], subscribers: Iterable[Subscriber]
    ) -> list[OutboxEntry]:
        """Reserve one outbox entry per event and interested chat; returns the entries newly reserved."""
        now = self._clock()
        reserved: list[OutboxEntry] = []
        for subscriber in subscribers:
            settings = subscriber.settings
            if not settings.active:
                continue
            wanted = [e for e in events if subscriber.preferences.wants(e.kind)]
            if not wanted:
                continue
            quiet_end = quiet_until(settings, now)
            deliver_at = quiet_end or now
            for event in wanted:
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
            event = decode_event(entry.payload, self._event_modules)
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

    async def _holds(self, entry: OutboxEntry, event: Notice) -> bool:
        vehicle_id = entry.payload.get("vehicle_id")
        if not isinstance(vehicle_id, int):
            return True
        state = await self._states.load(vehicle_id)
        return still_holds(event.kind, state.snapshot)

    async def _send(
        self, entry: OutboxEntry, chat: ChatSettings, event: Notice, report: DeliveryReport
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


# --- Event payloads: domain events as JSON, so the outbox survives restarts ---
# Generic over frozen dataclasses of bot.domain, so a new event type needs no change here.


def encode_event(event: Notice, *, vehicle_id: int, deferred: bool = False) -> dict[str, Any]:
    """The outbox payload of an event: its type and fields as JSON, the vehicle and the deferral flag."""
    return {"event": _encode(event), "vehicle_id": vehicle_id, "deferred": deferred}


def decode_event(payload: dict[str, Any], modules: tuple[str, ...] = DOMAIN_MODULES) -> Notice:
    """Rebuild the event of an outbox payload from types of `modules`; ValueError when it cannot be read."""
    try:
        value = _decode(payload["event"], modules)
    except (KeyError, TypeError, AttributeError, ImportError) as exc:
        raise ValueError("unreadable event payload") from exc
    if not hasattr(value, "kind") or not hasattr(value, "dedup_key"):
        raise ValueError("payload is not an event")
    event: Notice = value
    return event


def _encode(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        fields = {f.name: _encode(getattr(value, f.name)) for f in dataclasses.fields(value) if f.init}
        return {"$type": _type_name(type(value)), "fields": fields}
    if isinstance(value, Enum):
        return {"$enum": _type_name(type(value)), "value": value.value}
    if isinstance(value, datetime):
        return {"$datetime": value.isoformat()}
    if isinstance(value, date):
        return {"$date": value.isoformat()}
    if isinstance(value, time):
        return {"$time": value.isoformat()}
    if isinstance(value, timedelta):
        return {"$timedelta": value.total_seconds()}
    if isinstance(value, tuple | list):
        return {"$tuple": [_encode(v) for v in value]}
    if isinstance(value, frozenset | set):
        return {"$frozenset": [_encode(v) for v in value]}
    if isinstance(value, dict):
        return {"$dict": [[_encode(k), _encode(v)] for k, v in value.items()]}
    return value


def _decode(value: Any, modules: tuple[str, ...]) -> Any:
    if not isinstance(value, dict):
        return value
    if "$type" in value:
        cls = _resolve(value["$type"], modules)
        return cls(**{name: _decode(v, modules) for name, v in value["fields"].items()})
    if "$enum" in value:
        return _resolve(value["$enum"], modules)(value["value"])
    decoders: dict[str, Any] = {
        "$datetime": datetime.fromisoformat,
        "$date": date.fromisoformat,
        "$time": time.fromisoformat,
        "$timedelta": lambda v: timedelta(seconds=v),
        "$tuple": lambda v: tuple(_decode(x, modules) for x in v),
        "$frozenset": lambda v: frozenset(_decode(x, modules) for x in v),
        "$dict": lambda v: {_decode(k, modules): _decode(x, modules) for k, x in v},
    }
    for tag, decoder in decoders.items():
        if tag in value:
            return decoder(value[tag])
    raise ValueError("unknown payload value")


def _type_name(cls: type) -> str:
    return f"{cls.__module__}:{cls.__qualname__}"


def _resolve(name: str, modules: tuple[str, ...]) -> Any:
    module_name, _, qualname = name.partition(":")
    # Only our own domain values may be rebuilt from stored JSON, never an arbitrary importable class.
    if not module_name.startswith(modules):
        raise ValueError("payload names a type outside the allowed modules")
    target: Any = importlib.import_module(module_name)
    for part in qualname.split("."):
        target = getattr(target, part)
    return target
