"""Metrics recorded around the use cases, by wrapping them: services and adapters know nothing of metrics.

Part of the composition root: it may import every layer.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta

from bot.domain.events import Event
from bot.domain.preferences import ChatSettings
from bot.domain.schedule import ChargeSchedule
from bot.domain.snapshot import ChargeMode, VehicleSnapshot
from bot.features.actions.ports import ActionOutcome, ActionRequest
from bot.features.actions.use_cases import ActionService
from bot.features.polling.ports import PollOutcome
from bot.observability.metrics import BotMetrics
from bot.renault.gate import RequestGate
from bot.services.outbox_ports import DeliveryResult, Notifier
from bot.services.ports import NotificationLog, OutboxEntry, OutboxPayload


class CountingGate:
    """A RequestGate that counts quota cooldowns as they start."""

    def __init__(self, inner: RequestGate, metrics: BotMetrics) -> None:
        self._inner = inner
        self._metrics = metrics

    async def before_request(self, account_key: str, endpoint: str) -> None:
        """Delegate the budget check."""
        await self._inner.before_request(account_key, endpoint)

    async def on_quota_exceeded(self, account_key: str) -> None:
        """Count, then start the cooldown."""
        self._metrics.quota_cooldowns.inc()
        await self._inner.on_quota_exceeded(account_key)


class CountingNotifier:
    """A Notifier that counts deliveries by outcome."""

    def __init__(self, inner: Notifier, metrics: BotMetrics) -> None:
        self._inner = inner
        self._metrics = metrics

    async def send(self, chat: ChatSettings, event: Event) -> DeliveryResult:
        """Send and count."""
        result = await self._inner.send(chat, event)
        self._metrics.notifications.inc(status=result.status.value)
        if result.uncertain:
            self._metrics.possible_duplicates.inc(cause="timeout")  # it is sent again later
        return result


class CountingOutbox:
    """A NotificationLog counting the claims taken over from a dead or late sender (possible duplicates)."""

    def __init__(self, inner: NotificationLog, metrics: BotMetrics) -> None:
        self._inner = inner
        self._metrics = metrics

    async def reserve(
        self,
        dedup_key: str,
        chat_id: int,
        payload: OutboxPayload,
        deliver_at: datetime,
        *,
        vehicle_id: int | None = None,
        account_id: int | None = None,
    ) -> bool:
        """Delegate."""
        return await self._inner.reserve(
            dedup_key, chat_id, payload, deliver_at, vehicle_id=vehicle_id, account_id=account_id
        )

    async def pending(self, now: datetime, limit: int) -> list[OutboxEntry]:
        """Delegate."""
        return await self._inner.pending(now, limit)

    async def claim(self, entry: OutboxEntry, owner: str, now: datetime, lease: timedelta) -> bool:
        """Claim, counting a won claim that had another owner."""
        won = await self._inner.claim(entry, owner, now, lease)
        if won and entry.claim_owner is not None:
            self._metrics.possible_duplicates.inc(cause="takeover")
        return won

    async def mark_sent(self, dedup_key: str, sent_at: datetime) -> None:
        """Delegate."""
        await self._inner.mark_sent(dedup_key, sent_at)

    async def mark_dropped(self, dedup_key: str, reason: str) -> None:
        """Delegate."""
        await self._inner.mark_dropped(dedup_key, reason)

    async def reschedule(self, dedup_key: str, deliver_at: datetime, reason: str) -> None:
        """Delegate."""
        await self._inner.reschedule(dedup_key, deliver_at, reason)

    async def pause(self, scope: str, until: datetime) -> None:
        """Delegate."""
        await self._inner.pause(scope, until)

    async def pauses(self, now: datetime) -> dict[str, datetime]:
        """Delegate."""
        return await self._inner.pauses(now)


class TimedActions:
    """The action use case with the latency of each action recorded (tap to Renault's answer)."""

    def __init__(self, inner: ActionService, metrics: BotMetrics) -> None:
        self._inner = inner
        self._metrics = metrics

    async def run(self, chat_id: int, vehicle_id: int, request: ActionRequest) -> ActionOutcome:
        """Run the action, timing it (also when it fails)."""
        with self._metrics.timed(request.kind.value):
            return await self._inner.run(chat_id, vehicle_id, request)

    async def known_state(self, chat_id: int, vehicle_id: int) -> VehicleSnapshot | None:
        """The car's last stored reading."""
        return await self._inner.known_state(chat_id, vehicle_id)

    async def charge_mode(self, chat_id: int, vehicle_id: int) -> ChargeMode | None:
        """The car's charge mode, asked of Renault."""
        return await self._inner.charge_mode(chat_id, vehicle_id)

    async def schedule(self, chat_id: int, vehicle_id: int) -> ChargeSchedule:
        """Read the car's schedule."""
        return await self._inner.schedule(chat_id, vehicle_id)

    async def set_schedule(self, chat_id: int, vehicle_id: int, schedule: ChargeSchedule) -> ChargeSchedule:
        """Write the car's schedule, timing it."""
        with self._metrics.timed("schedule"):
            return await self._inner.set_schedule(chat_id, vehicle_id, schedule)


def counted_poll(
    poll_one: Callable[[int], Awaitable[PollOutcome]], metrics: BotMetrics
) -> Callable[[int], Awaitable[PollOutcome]]:
    """A poll-one-vehicle function that counts outcomes ('ok', or the problem it reports, or 'error')."""

    async def poll(vehicle_id: int) -> PollOutcome:
        try:
            outcome = await poll_one(vehicle_id)
        except Exception:
            metrics.polls.inc(outcome="error")
            raise
        metrics.polls.inc(outcome=(outcome.problem or "ok").replace(" ", "_"))
        return outcome

    return poll


def ticked(flush: Callable[[], Awaitable[None]], metrics: BotMetrics) -> Callable[[], Awaitable[None]]:
    """The end-of-tick outbox flush, also stamping the poller's last tick for the health check."""

    async def run() -> None:
        try:
            await flush()
        finally:
            metrics.poller_last_tick.set(time.time())

    return run
