"""Poll one vehicle: read it, diff it per chat, queue the pings, store state and history, then send.

Exactly-once delivery: a poll's outbox rows and the new state (which remembers having diffed them) are
committed in ONE transaction, by its batch (`PollBatch`, one commit per claimed batch) or on their own, and
only then delivered. A crash before the commit replays the same diff next time (same dedup keys); a crash
after it leaves the entries to the outbox flush.

A poll costs one Renault request (battery-status). Cockpit (mileage) is read at most once a day; location only
on demand (never here). The vehicle's memory holds one `TrackedState` per chat (see bot.domain.diff) plus the
poller's own bookkeeping (follow-ups, last cockpit read, outage tracking).
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from datetime import datetime, timedelta

from bot.domain.actions import ActionKind
from bot.domain.diff import TrackedState, diff
from bot.domain.events import (
    CredentialsExpired,
    Event,
    RenaultUnreachable,
    ServiceRecovered,
    TargetReached,
)
from bot.domain.models import traits_for
from bot.domain.phases import phase_of
from bot.domain.poll_memory import PollMemory
from bot.domain.readings import merged
from bot.domain.snapshot import VehicleSnapshot
from bot.domain.vehicle import Role
from bot.domain.zones import zone_or_utc
from bot.features.polling.logic.cadence import next_due
from bot.features.polling.ports import (
    NextPoll,
    PollNotifications,
    PollOutcome,
    PollStates,
    PollVehicles,
    VehicleReader,
)
from bot.features.polling.use_cases.batch import PollBatch
from bot.services import errors
from bot.services.gateway import ResolvedAccounts
from bot.services.outbox_ports import DeliveryReport, NewPing
from bot.services.ports import (
    AccountFlags,
    Clock,
    CredentialsUnreadable,
    PollHealth,
    ReadingRecorder,
    StoredAccount,
    StoredVehicle,
    StoredVehicleState,
    Subscriber,
)
from bot.services.snapshot_mapping import merge_known

log = logging.getLogger(__name__)

BATTERY = "battery-status"
COCKPIT = "cockpit"
COCKPIT_EVERY = timedelta(days=1)
NEEDS_LOGIN_RECHECK = timedelta(hours=6)
# How soon a vehicle whose stored secrets no key reads is looked at again (the key may be put back meanwhile).
UNREADABLE_RECHECK = timedelta(minutes=15)
QUOTA_WAIT = timedelta(minutes=15)
# Renault failing this long for a vehicle is worth a ping (once per outage, with recovery).
OUTAGE_NOTICE_AFTER = timedelta(minutes=30)
MAX_BACKOFF = timedelta(hours=1)


class PollingService:
    """The poll-one-vehicle use case."""

    def __init__(
        self,
        *,
        vehicles: PollVehicles,
        accounts: AccountFlags,
        states: PollStates,
        reader: VehicleReader,
        notifications: PollNotifications,
        history: ReadingRecorder,
        next_poll: NextPoll,
        clock: Clock,
        follow_up_count: int = 3,
    ) -> None:
        self._vehicles = vehicles
        self._accounts = accounts
        self._states = states
        self._reader = reader
        self._notify = notifications
        self._history = history
        self._next_poll = next_poll
        self._clock = clock
        self._follow_up_count = follow_up_count

    async def open_batch(self, vehicle_ids: Sequence[int]) -> PollBatch:
        """The unit of work of a claimed batch: five bulk reads instead of five per vehicle."""
        ids = list(dict.fromkeys(vehicle_ids))
        vehicles = await self._vehicles.get_many(ids)
        account_ids = sorted({vehicle.account_id for vehicle in vehicles.values()})
        return PollBatch(
            ids=frozenset(ids),
            vehicles=vehicles,
            resolved=await self._reader.preload(account_ids),
            states=await self._states.load_many(ids),
            subscribers=await self._vehicles.chats_for_vehicles(ids),
            account_sizes=await self._vehicles.account_sizes(account_ids),
        )

    async def close_batch(self, batch: PollBatch) -> DeliveryReport:
        """Commit the batch's outbox rows and states in one transaction, then deliver its pings once.

        Exactly-once: the pings and the states that remember having diffed them are stored atomically, and
        only then sent; a crash before the commit replays the same diff (same keys) at the next poll.
        """
        await self._record_readings(batch)
        reserved = await self._states.commit_sweep(batch.saves, batch.pings)
        batch.saves, batch.pings = [], []
        return await self._notify.deliver(reserved)

    async def _record_readings(self, batch: PollBatch) -> None:
        """The batch's readings, all at once (their inserts share the group commit's transactions)."""
        readings, batch.readings = batch.readings, []
        results = await asyncio.gather(
            *(self._history.record(*reading) for reading in readings), return_exceptions=True
        )
        for failure in results:
            if isinstance(failure, BaseException):
                # A lost history point must not cost the batch its states and pings: logged, not raised.
                if isinstance(failure, asyncio.CancelledError):
                    raise failure
                log.warning("a reading of the batch was not stored: %s", type(failure).__name__)

    @asynccontextmanager
    async def batch(self, vehicle_ids: Sequence[int]) -> AsyncIterator[PollBatch]:
        """`open_batch`, the block's polls (given the batch), then `close_batch` even if the block failed."""
        batch = await self.open_batch(vehicle_ids)
        try:
            yield batch
        finally:
            await self.close_batch(batch)

    async def poll(self, vehicle_id: int, batch: PollBatch | None = None) -> PollOutcome:
        """Poll one vehicle the caller holds the lease of; returns when to poll it next.

        Inside a batch (one that claimed this vehicle) the reads come from it and the writes wait for its
        commit; otherwise the poll reads and commits on its own.
        """
        now = self._clock()
        if batch is not None and not batch.holds(vehicle_id):
            batch = None
        try:
            vehicle = await self._vehicle(vehicle_id, batch)
        except CredentialsUnreadable:
            return self._unreadable(vehicle_id, now)
        if vehicle is None:
            return PollOutcome(now + NEEDS_LOGIN_RECHECK, problem="unknown vehicle")
        account = await self._account(vehicle.account_id, batch)
        if account is None or account.needs_login:
            await self._tell_needs_login(vehicle.account_id)
            return PollOutcome(now + NEEDS_LOGIN_RECHECK, problem="needs login")
        if batch is not None:
            stored = batch.states[vehicle_id]
            subscribers: Sequence[Subscriber] = batch.subscribers.get(vehicle_id, [])
        else:
            stored = await self._states.load(vehicle_id)
            subscribers = await self._vehicles.chats_for_vehicle(vehicle_id)
        memory = stored.memory
        resolved = batch.resolved if batch is not None else None
        try:
            snapshot, requests, memory = await self._read(vehicle, stored, memory, now, resolved)
        except errors.NeedsLogin:
            if batch is not None:
                batch.resolved.needs_login(vehicle.account_id)  # its other vehicles in the batch too
            await self._accounts.mark_needs_login(vehicle.account_id)
            await self._tell_needs_login(vehicle.account_id)
            retry = now + NEEDS_LOGIN_RECHECK
            await self._store(_read_failed(stored, PollHealth.NEEDS_LOGIN, now, retry), [], batch)
            return PollOutcome(retry, requests=1, problem="needs login")
        except errors.SecretsUnreadable:
            return self._unreadable(vehicle_id, now)
        except errors.RenaultBusy as busy:
            retry = busy.retry_at if busy.retry_at and busy.retry_at > now else now + QUOTA_WAIT
            await self._store(_read_failed(stored, PollHealth.QUOTA, now, retry), [], batch)
            return PollOutcome(retry, requests=1, problem="busy")
        except errors.ServiceError as failure:
            return await self._failed(vehicle, stored, memory, subscribers, now, failure, batch)
        return await self._process(vehicle, stored, memory, subscribers, snapshot, now, requests, batch)

    def _unreadable(self, vehicle_id: int, now: datetime) -> PollOutcome:
        # A key problem (the operator's), not a refused login: no flag, no state, no ping; a restored key
        # recovers at the next look. Logged here and counted by the cipher.
        log.warning(
            "vehicle %s skipped: its stored secrets cannot be decrypted with the configured keys", vehicle_id
        )
        return PollOutcome(now + UNREADABLE_RECHECK, problem="unreadable")

    async def _vehicle(self, vehicle_id: int, batch: PollBatch | None) -> StoredVehicle | None:
        if batch is not None and vehicle_id in batch.vehicles:
            return batch.vehicles[vehicle_id]
        return await self._vehicles.get(vehicle_id)

    async def _account(self, account_id: int, batch: PollBatch | None) -> StoredAccount | None:
        if batch is not None and account_id in batch.resolved.accounts:
            return batch.resolved.accounts[account_id]
        return await self._accounts.get(account_id)

    async def _store(self, state: StoredVehicleState, pings: list[NewPing], batch: PollBatch | None) -> int:
        """The poll's writes: left to the batch's commit, or committed now (pings and state in one
        transaction) and delivered. Returns how many pings were sent now."""
        if batch is not None:
            batch.keep(state, pings)
            return 0
        reserved = await self._states.commit_sweep([state], pings)
        return (await self._notify.deliver(reserved)).sent

    async def expect_action(
        self, vehicle_id: int, chat_id: int, action: ActionKind, reference: str, sent_at: datetime
    ) -> None:
        """A chat sent an action: watch for the car's confirmation and poll a few times soon."""
        vehicle = await self._vehicles.get(vehicle_id)
        if vehicle is None:
            return
        stored = await self._states.load(vehicle_id)
        memory = stored.memory
        traits = traits_for(vehicle.info.model_code)
        tracked = memory.tracked(chat_id).expect(action, reference, sent_at, traits)
        chats = {**memory.chats, chat_id: tracked}
        memory = dataclasses.replace(memory, chats=chats, follow_ups=self._follow_up_count)
        size = await self._account_size(vehicle, None)
        soon = self._clock() + self._next_poll(stored.phase, size, True)
        next_at = soon if stored.next_poll_at is None else min(stored.next_poll_at, soon)
        await self._states.save(dataclasses.replace(stored, memory=memory, next_poll_at=next_at))

    async def _read(
        self,
        vehicle: StoredVehicle,
        stored: StoredVehicleState,
        memory: PollMemory,
        now: datetime,
        resolved: ResolvedAccounts | None,
    ) -> tuple[VehicleSnapshot, int, PollMemory]:
        # The reader (the gateway) raises service errors only: Renault's are translated there, not here.
        snapshot = await self._reader.read(vehicle, BATTERY, resolved)
        requests = 1
        if self._cockpit_due(vehicle, memory, now):
            try:
                extra = await self._reader.read(vehicle, COCKPIT, resolved)
                snapshot = merged(snapshot, extra)
            except (errors.FeatureUnavailable, errors.RenaultDown, errors.PrivacyMode):
                pass  # mileage is a nicety; the battery reading stands on its own
            requests += 1
            memory = dataclasses.replace(memory, cockpit_at=now)
        previous = stored.snapshot
        if previous is not None:
            snapshot = merge_known(snapshot, previous)
        return snapshot, requests, memory

    def _cockpit_due(self, vehicle: StoredVehicle, memory: PollMemory, now: datetime) -> bool:
        if COCKPIT in vehicle.unsupported:
            return False
        if vehicle.capabilities.supported and not vehicle.capabilities.supports(COCKPIT):
            return False
        if memory.cockpit_at is None:
            return True
        return now - memory.cockpit_at >= COCKPIT_EVERY

    async def _process(
        self,
        vehicle: StoredVehicle,
        stored: StoredVehicleState,
        memory: PollMemory,
        subscribers: Sequence[Subscriber],
        snapshot: VehicleSnapshot,
        now: datetime,
        requests: int,
        batch: PollBatch | None,
    ) -> PollOutcome:
        traits = traits_for(vehicle.info.model_code)
        chats: dict[int, TrackedState] = {}
        pings: list[NewPing] = []
        stop_charge = False
        recovered = self._recovery(vehicle, memory, now)
        for sub in subscribers:
            chat_id = sub.settings.chat_id
            result = diff(
                memory.tracked(chat_id),
                snapshot,
                sub.preferences,
                traits,
                now,
                zone=zone_or_utc(sub.settings.time_zone),
            )
            chats[chat_id] = result.state
            events: list[Event] = list(result.events)
            stop_charge |= any(isinstance(e, TargetReached) and e.stop_charge for e in events)
            if recovered is not None and sub.preferences.wants(recovered.kind):
                events.append(recovered)
            pings += self._notify.pings_for_chat(vehicle.vehicle_id, sub.settings, events)
        if stop_charge:
            requests += await self._stop_charge(vehicle, batch.resolved if batch is not None else None)
        if batch is not None:
            # Stored at the batch's end: awaiting its transaction here kept one of POLL_CONCURRENCY's slots
            # busy without a Renault request in flight.
            batch.record(vehicle.vehicle_id, stored.snapshot, snapshot, traits)
        else:
            await self._history.record(vehicle.vehicle_id, stored.snapshot, snapshot, traits)
        phase = phase_of(snapshot, traits).value
        follow_up = memory.follow_ups > 0
        memory = dataclasses.replace(
            memory,
            chats=chats,
            follow_ups=max(memory.follow_ups - 1, 0),
            failing_since=None,
            outage_told=False,
        )
        delay = self._next_poll(phase, await self._account_size(vehicle, batch), follow_up)
        next_at = next_due(stored.next_poll_at, now, delay)
        state = StoredVehicleState(
            vehicle_id=vehicle.vehicle_id,
            snapshot=snapshot,
            phase=phase,
            car_reported_at=snapshot.reported_at or stored.car_reported_at,
            memory=memory,
            next_poll_at=next_at,
            health=PollHealth.OK,
            health_at=now,
            read_at=now,
        )
        sent = await self._store(state, pings, batch)
        return PollOutcome(next_at, requests=requests, queued=len(pings), sent=sent)

    async def _stop_charge(self, vehicle: StoredVehicle, resolved: ResolvedAccounts | None) -> int:
        """A chat's virtual limit was reached with stop-at-target: stop the charge once (one request)."""
        try:
            await self._reader.stop_charge(vehicle, resolved)
        except errors.ServiceError as failure:
            # The ping still goes out; the user can stop the charge by hand. Not retried: the target event
            # is emitted once per charge, so a retry loop could not come from it anyway.
            log.warning(
                "stop at target failed for vehicle %s: %s", vehicle.vehicle_id, type(failure).__name__
            )
        return 1

    def _recovery(self, vehicle: StoredVehicle, memory: PollMemory, now: datetime) -> ServiceRecovered | None:
        if not memory.outage_told or memory.failing_since is None:
            return None
        return ServiceRecovered(scope=vehicle.info.vin, since=now, problem_since=memory.failing_since)

    async def _failed(
        self,
        vehicle: StoredVehicle,
        stored: StoredVehicleState,
        memory: PollMemory,
        subscribers: Sequence[Subscriber],
        now: datetime,
        failure: errors.ServiceError,
        batch: PollBatch | None,
    ) -> PollOutcome:
        since = memory.failing_since or now
        pings: list[NewPing] = []
        told = memory.outage_told
        if not told and now - since >= OUTAGE_NOTICE_AFTER:
            event = RenaultUnreachable(scope=vehicle.info.vin, since=since)
            pings = self._notify.pings(vehicle.vehicle_id, [event], subscribers)
            told = True
        memory = dataclasses.replace(memory, failing_since=since, outage_told=told)
        normal = self._next_poll(stored.phase, await self._account_size(vehicle, batch), False)
        # Back off while Renault fails: double the time since the outage began, within limits.
        delay = min(max(normal, now - since), MAX_BACKOFF)
        next_at = now + delay
        health = PollHealth.RENAULT_DOWN if isinstance(failure, errors.RenaultDown) else PollHealth.FAILED
        state = dataclasses.replace(_read_failed(stored, health, now, next_at), memory=memory)
        sent = await self._store(state, pings, batch)
        problem = type(failure).__name__
        return PollOutcome(next_at, requests=1, queued=len(pings), sent=sent, problem=problem)

    async def _tell_needs_login(self, account_id: int) -> None:
        account = await self._accounts.get(account_id)
        if account is None or account.needs_login_told:
            return
        now = self._clock()
        event = CredentialsExpired(scope=f"account:{account_id}", since=now)
        subscribers = await self._account_subscribers(account_id)
        owners = [s for s in subscribers if s.role is Role.OWNER]
        members = [s for s in subscribers if s.role is not Role.OWNER]
        entries = await self._notify.enqueue(None, [event], owners, account_id=account_id)
        member_event = dataclasses.replace(event, for_member=True)
        entries += await self._notify.enqueue(None, [member_event], members, account_id=account_id)
        # Told once: the flag is set after the reservation, so a crash in between tells (at most) again.
        await self._accounts.mark_needs_login_told(account_id)
        await self._notify.deliver(entries)

    async def _account_subscribers(self, account_id: int) -> list[Subscriber]:
        found: dict[int, Subscriber] = {}
        for vehicle_id in await self._vehicle_ids_of(account_id):
            for sub in await self._vehicles.chats_for_vehicle(vehicle_id):
                found.setdefault(sub.settings.chat_id, sub)
        return list(found.values())

    async def _vehicle_ids_of(self, account_id: int) -> list[int]:
        ids: set[int] = set()
        for link in await self._accounts.chats_for_account(account_id):
            for linked in await self._vehicles.vehicles_for_chat(link.chat_id):
                if linked.account_id == account_id:
                    ids.add(linked.vehicle_id)
        return sorted(ids)

    async def _account_size(self, vehicle: StoredVehicle, batch: PollBatch | None) -> int:
        # Read from the database (in bulk for a batch), never kept per process: a vehicle linked or removed
        # on another replica changes the budget's share at this replica's next batch.
        if batch is not None and vehicle.account_id in batch.account_sizes:
            return max(batch.account_sizes[vehicle.account_id], 1)
        sizes = await self._vehicles.account_sizes([vehicle.account_id])
        return max(sizes.get(vehicle.account_id, 0), 1)


def _read_failed(
    stored: StoredVehicleState, health: PollHealth, now: datetime, next_at: datetime
) -> StoredVehicleState:
    """The stored state after a poll that could not read the car: the last reading stays, the card warns."""
    return dataclasses.replace(stored, health=health, health_at=now, next_poll_at=next_at)
