"""The poller's tick: claim due vehicles with a lease, poll them with bounded concurrency, release them.

The polling feature's driving adapter (its scheduled work, as a Telegram part is a front-end's): the JobQueue
or the worker loop drives the use case through `PollOne`, which the composition root binds to a batch.

Several replicas (or `python -m bot worker` processes) share the work through the database: `claim_due` leases
each vehicle to one owner (PostgreSQL: FOR UPDATE SKIP LOCKED), so a vehicle is never polled by two at once.
Leases follow liveness: while a tick works, a heartbeat renews every lease of this process in one statement,
so a lease can be short (30 s by default) and a replica that dies mid-poll gives its cars up within that
time; a process restarted on the same host takes over at once what its dead predecessor held. When the
leases cannot be renewed for most of their length, the polls in flight are cancelled, so a lease is never
used after it may have passed to another.

The same `Poller` runs as a JobQueue job inside the bot (`register_poller`) or in a plain loop without
Telegram's update loop (`run_worker`).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable, Sequence
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from telegram.ext import CallbackContext, Job, JobQueue

from bot.features.polling.ports import LeaseStore, PollOutcome
from bot.poller.owners import new_owner
from bot.services.ports import Clock, StorageUnavailable

log = logging.getLogger(__name__)

PollOne = Callable[[int], Awaitable[PollOutcome]]
Housekeeping = Callable[[], Awaitable[object]]
Sleep = Callable[[float], Awaitable[None]]
OwnerGone = Callable[[str], bool]
# Opens one claimed batch's unit of work (bulk reads before, one commit after: PollingService.batch) and
# yields the poll-one function bound to it; bot.app joins the two.
BatchScope = Callable[[Sequence[int]], AbstractAsyncContextManager[PollOne]]


@dataclass(frozen=True, slots=True)
class PollerSettings:
    """How the poller works: tick period, batch size, concurrency, lease length and a poll's time limit."""

    tick_seconds: float = 5.0
    batch_size: int = 200
    concurrency: int = 50
    # Renewed by the heartbeat while the tick works, so it only bounds how long a dead process's cars wait.
    lease_seconds: float = 30.0
    # A poll is a few Renault requests of at most 20 s each (maybe a login): one stuck longer is cancelled.
    poll_timeout_seconds: float = 120.0
    # Batches polled at once: while one batch does its bulk reads and writes, another's requests are in
    # flight, so the Renault round trips overlap the database work instead of waiting for it.
    batches_in_flight: int = 2
    # A poll that failed unexpectedly is retried after this long (the car is not hammered by a bug).
    retry_after_error: timedelta = timedelta(minutes=5)
    # Due vehicles no claim may take (login needed, no active chat) are looked at again after this long.
    park_unclaimable: timedelta = timedelta(minutes=15)


@dataclass(slots=True)
class TickReport:
    """What one tick did."""

    polled: int = 0
    failed: int = 0
    requests: int = 0


class Poller:
    """Claims due vehicles, polls each with `poll_one`, then delivers due outbox entries."""

    def __init__(
        self,
        states: LeaseStore,
        poll_one: PollOne,
        clock: Clock,
        *,
        flush: Housekeeping | None = None,
        settings: PollerSettings | None = None,
        owner: str | None = None,
        batch: BatchScope | None = None,
        owner_gone: OwnerGone = lambda _owner: False,
        sleep: Sleep = asyncio.sleep,
    ) -> None:
        self._states = states
        self._poll_one = poll_one
        self._batch = batch
        self.clock = clock
        self._flush = flush
        self.settings = settings or PollerSettings()
        self.owner = owner or new_owner()
        self._semaphore = asyncio.Semaphore(self.settings.concurrency)
        self._lock = asyncio.Lock()
        self._owner_gone = owner_gone
        self._sleep = sleep
        self._renewing = False
        self._next_takeover_check: datetime | None = None
        self._background: asyncio.Task[TickReport] | None = None
        # Ticks not started because the last sweep still ran (a slow Renault): counted, not logged.
        self.ticks_skipped = 0

    def tick_in_background(self) -> bool:
        """Start a tick as this poller's own task unless one is running; False when one still runs.

        The JobQueue's job calls this and returns at once, so a sweep slower than the tick period (Renault
        answering in 20 s) never makes APScheduler warn "maximum number of running instances" every period:
        the period's tick is simply skipped, counted in `ticks_skipped`.
        """
        if self._background is not None and not self._background.done():
            self.ticks_skipped += 1
            return False
        self._background = asyncio.create_task(self.tick(), name="poller-sweep")
        self._background.add_done_callback(_log_failure)
        return True

    async def tick(self) -> TickReport:
        """Poll every vehicle due now (in batches), then flush the outbox; never two ticks at once."""
        report = TickReport()
        if self._lock.locked():
            return report  # the previous tick is still running: skip rather than pile up
        async with self._lock:
            await self._take_over_from_gone_owners()
            started = self.clock()  # before the first claim of this tick
            work = asyncio.create_task(self._lanes(report))
            lost = asyncio.Event()
            beat = asyncio.create_task(self._heartbeat(work, lost, started))
            try:
                await work
            except asyncio.CancelledError:
                current = asyncio.current_task()
                if not lost.is_set() or (current is not None and current.cancelling()):
                    raise
                # The heartbeat stopped the polls: the leases may have passed to another; they run out.
            finally:
                if not self._renewing:  # a renewal is left to finish: its transaction is not cut short
                    beat.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await beat
            if self._flush is not None:
                await _guarded(self._flush, "outbox flush")
        return report

    async def _lanes(self, report: TickReport) -> None:
        """Claim and poll in several lanes until nothing more is due."""
        swept = asyncio.Event()  # set when a claim comes back short: nothing more is due
        lanes = max(1, self.settings.batches_in_flight)
        await asyncio.gather(*(self._lane(report, swept) for _ in range(lanes)))

    async def _take_over_from_gone_owners(self) -> None:
        """Give back at once the leases of a process of this host that no longer runs (our predecessor);
        park the due vehicles no claim may take."""
        now = self.clock()
        if self._next_takeover_check is not None and now < self._next_takeover_check:
            return
        # At the first tick (a restart), then every third of a lease: the look is a scan of the states table.
        self._next_takeover_check = now + timedelta(seconds=self.settings.lease_seconds / 3)
        try:
            owners = await self._states.lease_owners(now)
            for owner in sorted(owners):
                if owner != self.owner and self._owner_gone(owner):
                    await self._states.release_all(owner)
                    log.info("took over the poll leases of %s, a process that is gone", owner)
            # Same cadence: vehicles a claim passes over would otherwise be walked past by every claim.
            await self._states.park_unclaimable(now, now + self.settings.park_unclaimable)
        except StorageUnavailable:
            return  # said once by the database; the claim that follows fails the same way
        except Exception:
            log.exception("looking for poll leases of gone processes (or parking vehicles) failed")

    async def _heartbeat(self, work: asyncio.Future[Any], lost: asyncio.Event, started: datetime) -> None:
        """Renew this process's leases while `work` runs; stop `work` when they could not be for too long."""
        lease = self.settings.lease_seconds
        every = lease / 3
        held_until = started + timedelta(seconds=lease)  # the earliest lease of the tick runs out then
        margin = timedelta(seconds=lease * 0.2)  # stop while the lease still holds, not after
        while not work.done():
            left = (held_until - margin - self.clock()).total_seconds()
            await self._sleep(max(0.0, min(every, left)))
            now = self.clock()
            self._renewing = True
            try:
                await asyncio.wait_for(self._states.renew(self.owner, now, lease), timeout=every)
            except Exception as exc:
                if not isinstance(exc, StorageUnavailable):  # an outage is said once by the database
                    log.warning("renewing the poll leases failed: %s", type(exc).__name__)
                if self.clock() >= held_until - margin:
                    log.error("the poll leases could not be renewed in time: the polls in flight are stopped")
                    lost.set()
                    work.cancel()
                    return
            else:
                held_until = now + timedelta(seconds=lease)
            finally:
                self._renewing = False

    async def _lane(self, report: TickReport, swept: asyncio.Event) -> None:
        """Claim and poll batch after batch until a claim finds fewer vehicles due than a full batch."""
        while not swept.is_set():
            try:
                now = self.clock()
                # A car due before the next tick is polled by this one: a tick early at most, rather than a
                # whole tick late when its due time falls just after a tick (its last poll began a few
                # milliseconds after its tick, so the next is due that much after the tick an interval on).
                due_by = now + timedelta(seconds=self.settings.tick_seconds)
                ids = await self._states.claim_due(
                    now, self.settings.batch_size, self.owner, self.settings.lease_seconds, due_by
                )
            except StorageUnavailable:
                # Said once by the database when the outage began; the next tick tries again.
                swept.set()
                return
            except Exception:
                # The database is unavailable: nothing was leased; the next tick tries again.
                log.exception("claiming due vehicles failed")
                swept.set()
                return
            if len(ids) < self.settings.batch_size:
                swept.set()
            if ids:
                await self._run_batch(ids, report)

    async def _run_batch(self, ids: Sequence[int], report: TickReport) -> None:
        next_at: dict[int, datetime] = {}
        try:
            scope = self._batch(ids) if self._batch is not None else contextlib.nullcontext(self._poll_one)
            async with scope as poll_one:
                polls = (self._run(poll_one, vehicle_id, report, next_at) for vehicle_id in ids)
                await asyncio.gather(*polls)
        except Exception as exc:
            # The batch's bulk read or write failed: its vehicles are retried later, never left leased.
            if not isinstance(exc, StorageUnavailable):  # a storage outage is said once, not per batch
                log.exception("polling a batch of %s vehicles failed", len(ids))
            retry = self.clock() + self.settings.retry_after_error
            next_at = {vehicle_id: next_at.get(vehicle_id, retry) for vehicle_id in ids}
        # One transaction gives back the whole batch (it used to be one per vehicle).
        with contextlib.suppress(StorageUnavailable):  # else the leases run out by themselves
            await self._states.release_many(self.owner, next_at)

    async def _run(
        self, poll_one: PollOne, vehicle_id: int, report: TickReport, next_at: dict[int, datetime]
    ) -> None:
        async with self._semaphore:
            next_at[vehicle_id] = await self._poll(poll_one, vehicle_id, report)

    async def _poll(self, poll_one: PollOne, vehicle_id: int, report: TickReport) -> datetime:
        try:
            outcome = await asyncio.wait_for(poll_one(vehicle_id), timeout=self.settings.poll_timeout_seconds)
        except StorageUnavailable:
            report.failed += 1  # said once by the database; retried after the outage
            return self.clock() + self.settings.retry_after_error
        except Exception:
            # One broken vehicle must not stop the others; the error is logged and it is retried later.
            log.exception("polling vehicle %s failed", vehicle_id)
            report.failed += 1
            return self.clock() + self.settings.retry_after_error
        report.polled += 1
        report.requests += outcome.requests
        return outcome.next_poll_at

    async def shutdown(self) -> None:
        """Let a running background tick finish, then give back every lease this poller holds."""
        if self._background is not None and not self._background.done():
            with contextlib.suppress(Exception):  # its failure was logged by its done callback
                await self._background
        await self._states.release_all(self.owner)


def register_poller(
    job_queue: JobQueue[Any],
    poller: Poller,
    *,
    housekeeping: Housekeeping | None = None,
    housekeeping_every: timedelta = timedelta(hours=6),
) -> list[Job[Any]]:
    """Run the poller's tick (and optional housekeeping such as history purge) on the JobQueue."""

    async def tick(_: CallbackContext[Any, Any, Any, Any]) -> None:
        # Returns at once: the sweep runs as the poller's own task (see Poller.tick_in_background).
        poller.tick_in_background()

    jobs = [
        job_queue.run_repeating(
            tick,
            interval=poller.settings.tick_seconds,
            first=1.0,
            name="poller-tick",
            job_kwargs={"max_instances": 1, "coalesce": True},
        )
    ]
    if housekeeping is not None:

        async def keep(_: CallbackContext[Any, Any, Any, Any]) -> None:
            await _guarded(housekeeping, "housekeeping")

        jobs.append(
            job_queue.run_repeating(keep, interval=housekeeping_every, first=60.0, name="poller-housekeeping")
        )
    return jobs


async def run_worker(
    poller: Poller,
    stop: asyncio.Event,
    *,
    housekeeping: Housekeeping | None = None,
    housekeeping_every: timedelta = timedelta(hours=6),
) -> None:
    """`python -m bot worker`: tick until `stop` is set, without Telegram's update loop; releases leases."""
    last_housekeeping: datetime | None = None
    loop = asyncio.get_running_loop()
    try:
        while not stop.is_set():
            started = loop.time()
            await poller.tick()
            now = poller.clock()
            due = last_housekeeping is None or now - last_housekeeping >= housekeeping_every
            if housekeeping is not None and due:
                await _guarded(housekeeping, "housekeeping")
                last_housekeeping = now
            wait = pause_before_next_tick(poller.settings.tick_seconds, loop.time() - started)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), timeout=wait)
    finally:
        await poller.shutdown()


def pause_before_next_tick(tick_seconds: float, busy_seconds: float) -> float:
    """The wait after a tick that took `busy_seconds`: ticks start one period apart, like the JobQueue's."""
    # Waiting a whole period after the tick ended would make every interval a tick's duration longer.
    return max(0.0, tick_seconds - busy_seconds)


def _log_failure(task: asyncio.Task[TickReport]) -> None:
    # A background tick's own errors are caught per batch; this is for a bug in the tick itself.
    if not task.cancelled() and task.exception() is not None:
        log.error("poller tick failed", exc_info=task.exception())


async def _guarded(work: Housekeeping, what: str) -> None:
    # Background work logs its failures and carries on; the next tick tries again. A storage outage is
    # logged once by the database when it begins, not by every job at every tick.
    try:
        await work()
    except StorageUnavailable:
        return
    except Exception:
        log.exception("%s failed", what)
