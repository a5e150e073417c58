"""Poll one vehicle, as one forward pipeline: read it, judge it, make the pings, keep them, then send.

`PollingService.poll` reads the car (`_read`: the batch's or the stores' records, the gateway, the merge with
what was known) into a `verdict.Read`; `verdict.judge` diffs it per chat and says what to store and do; the
notifications' use case makes the chats' pings; the batch keeps the state, the pings and the reading for its
one commit (or the poll commits them itself, outside a batch), and only then are they delivered.

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
from bot.domain.models import traits_for
from bot.domain.poll_memory import PollMemory
from bot.domain.snapshot import VehicleSnapshot
from bot.features.polling.logic.readings import merged
from bot.features.polling.ports import (
    NextPoll,
    PollNotifications,
    PollOutcome,
    PollStates,
    PollVehicles,
    VehicleReader,
)
from bot.features.polling.use_cases.batch import PollBatch
from bot.features.polling.use_cases.login_notice import LoginNotice
from bot.features.polling.use_cases.verdict import NEEDS_LOGIN_RECHECK, Failure, Read, judge
from bot.services import errors
from bot.services.gateway import ResolvedAccounts
from bot.services.outbox_ports import DeliveryReport, NewPing
from bot.services.ports import (
    AccountFlags,
    Clock,
    CredentialsUnreadable,
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
# How soon a vehicle whose stored secrets no key reads is looked at again (the key may be put back meanwhile).
UNREADABLE_RECHECK = timedelta(minutes=15)


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
        self._login_notice = LoginNotice(accounts, vehicles, notifications, clock)

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
        commit; otherwise the poll reads and commits on its own. One way through: read, judge, pings, keep.
        """
        now = self._clock()
        sweep = batch if batch is not None and batch.holds(vehicle_id) else None
        read = await self._read(vehicle_id, sweep, now)
        if isinstance(read, PollOutcome):
            return read  # unknown, or its secrets unreadable: nothing to store, nobody to tell
        verdict = judge(read, now, self._next_poll)
        vehicle, resolved = read.vehicle, sweep.resolved if sweep is not None else None
        pings: list[NewPing] = []
        if verdict.tell_login:
            # The login is lost (the verdict has no chat's events then): the account's chats are told once.
            if verdict.login_lost:
                if resolved is not None:
                    resolved.needs_login(vehicle.account_id)  # its other vehicles in the batch too
                await self._accounts.mark_needs_login(vehicle.account_id)
            await self._login_notice.tell(vehicle.account_id)
        else:
            pings = self._notify.pings_for_chats(vehicle_id, verdict.notices)
        if verdict.stop_charge:
            # A chat's virtual limit was reached with stop-at-target: stop the charge once (one request).
            try:
                await self._reader.stop_charge(vehicle, resolved)
            except errors.ServiceError as failure:
                # The ping still goes out; the user can stop the charge by hand. Not retried: the target
                # event is emitted once per charge, so a retry loop could not come from it anyway.
                log.warning("stop at target failed for vehicle %s: %s", vehicle_id, type(failure).__name__)
        sent = 0
        if verdict.state is not None and sweep is not None:
            # Stored at the batch's end: awaiting a transaction here kept one of POLL_CONCURRENCY's slots
            # busy without a Renault request in flight.
            sweep.keep(verdict.state, pings, verdict.reading, read.traits)
        elif verdict.state is not None:
            if verdict.reading is not None:
                await self._history.record(vehicle_id, *verdict.reading, read.traits)
            # The pings and the state that remembers having diffed them in one transaction, then sent.
            reserved = await self._states.commit_sweep([verdict.state], pings)
            sent = (await self._notify.deliver(reserved)).sent
        return PollOutcome(
            verdict.next_poll_at, verdict.requests, queued=len(pings), sent=sent, problem=verdict.problem
        )

    async def _read(self, vehicle_id: int, sweep: PollBatch | None, now: datetime) -> Read | PollOutcome:
        """The car's records (from the batch, or the stores) and what Renault says of it now, merged with
        what was known; a failure to read is part of the `Read`, for the verdict."""
        try:
            vehicle = await self._vehicle(vehicle_id, sweep)
        except CredentialsUnreadable:
            return self._unreadable(vehicle_id, now)
        if vehicle is None:
            return PollOutcome(now + NEEDS_LOGIN_RECHECK, problem="unknown vehicle")
        account = await self._account(vehicle.account_id, sweep)
        if sweep is not None:
            stored = sweep.states[vehicle_id]
            subscribers: Sequence[Subscriber] = sweep.subscribers.get(vehicle_id, [])
        elif account is None or account.needs_login:
            stored, subscribers = StoredVehicleState(vehicle_id), []  # not read: nothing is stored
        else:
            stored = await self._states.load(vehicle_id)
            subscribers = await self._vehicles.chats_for_vehicle(vehicle_id)
        read = Read(vehicle, stored, subscribers, 1, stored.memory)
        if account is None or account.needs_login:
            return dataclasses.replace(read, failure=Failure.LOGIN_KNOWN)
        resolved = sweep.resolved if sweep is not None else None
        try:
            snapshot, requests, memory = await self._renault(vehicle, stored.memory, now, resolved)
        except errors.NeedsLogin:
            return dataclasses.replace(read, requests=1, failure=Failure.LOGIN_LOST)
        except errors.SecretsUnreadable:
            return self._unreadable(vehicle_id, now)
        except errors.RenaultBusy as busy:
            return dataclasses.replace(read, requests=1, failure=Failure.BUSY, retry_at=busy.retry_at)
        except errors.ServiceError as failure:
            down = Failure.DOWN if isinstance(failure, errors.RenaultDown) else Failure.OTHER
            size = await self._account_size(vehicle, sweep)
            return dataclasses.replace(
                read, account_size=size, requests=1, failure=down, problem=type(failure).__name__
            )
        size = await self._account_size(vehicle, sweep)
        previous = stored.snapshot
        if previous is not None:
            snapshot = merge_known(snapshot, previous)
        return dataclasses.replace(
            read, account_size=size, memory=memory, snapshot=snapshot, requests=requests
        )

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

    async def _renault(
        self, vehicle: StoredVehicle, memory: PollMemory, now: datetime, resolved: ResolvedAccounts | None
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
        return snapshot, requests, memory

    def _cockpit_due(self, vehicle: StoredVehicle, memory: PollMemory, now: datetime) -> bool:
        if COCKPIT in vehicle.unsupported:
            return False
        if vehicle.capabilities.supported and not vehicle.capabilities.supports(COCKPIT):
            return False
        if memory.cockpit_at is None:
            return True
        return now - memory.cockpit_at >= COCKPIT_EVERY

    async def _account_size(self, vehicle: StoredVehicle, batch: PollBatch | None) -> int:
        # Read from the database (in bulk for a batch), never kept per process: a vehicle linked or removed
        # on another replica changes the budget's share at this replica's next batch.
        if batch is not None and vehicle.account_id in batch.account_sizes:
            return max(batch.account_sizes[vehicle.account_id], 1)
        sizes = await self._vehicles.account_sizes([vehicle.account_id])
        return max(sizes.get(vehicle.account_id, 0), 1)

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
