"""The tick: leases, bounded concurrency, two pollers sharing work, dead replicas, failures, worker loop."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta

import pytest
from telegram.ext import ApplicationBuilder

from bot.features.polling.jobs import (
    Poller,
    PollerSettings,
    pause_before_next_tick,
    register_poller,
    run_worker,
)
from bot.features.polling.ports import PollOutcome
from tests.support.clock import FakeClock
from tests.support.fakes import FakeStates


class Recorder:
    """poll_one that records who polls what, and how many run at once."""

    def __init__(self, clock: FakeClock, interval: timedelta = timedelta(minutes=10)) -> None:
        self.clock = clock
        self.interval = interval
        self.polled: list[int] = []
        self.in_flight: set[int] = set()
        self.max_parallel = 0
        self.overlaps = 0
        self.failing: set[int] = set()

    async def __call__(self, vehicle_id: int) -> PollOutcome:
        if vehicle_id in self.in_flight:
            self.overlaps += 1
        self.in_flight.add(vehicle_id)
        self.max_parallel = max(self.max_parallel, len(self.in_flight))
        for _ in range(3):
            await asyncio.sleep(0)  # let other polls interleave
        self.in_flight.discard(vehicle_id)
        if vehicle_id in self.failing:
            raise RuntimeError("bug")
        self.polled.append(vehicle_id)
        return PollOutcome(self.clock() + self.interval, requests=1)


def _states(clock: FakeClock, count: int) -> FakeStates:
    states = FakeStates()
    for vid in range(1, count + 1):
        states.add(vid, clock())
    return states


async def test_tick_polls_due_vehicles_and_schedules_the_next_poll() -> None:
    clock = FakeClock()
    states = _states(clock, 3)
    states.add(4, clock() + timedelta(minutes=5))
    recorder = Recorder(clock)
    poller = Poller(states, recorder, clock, owner="a")
    report = await poller.tick()
    assert sorted(recorder.polled) == [1, 2, 3]
    assert report.polled == 3
    assert report.requests == 3
    assert states.leases == {}
    assert states.states[1].next_poll_at == clock() + timedelta(minutes=10)
    assert (await poller.tick()).polled == 0


async def test_a_car_due_before_the_next_tick_is_polled_by_this_one_not_a_tick_late() -> None:
    clock = FakeClock()
    states = FakeStates()
    states.add(1, clock() + timedelta(seconds=0.9))  # its last poll began just after its tick
    states.add(2, clock() + timedelta(seconds=1.1))  # due after the next tick: that one polls it
    recorder = Recorder(clock)
    poller = Poller(states, recorder, clock, settings=PollerSettings(tick_seconds=1.0))
    assert (await poller.tick()).polled == 1
    assert recorder.polled == [1]


async def test_concurrency_is_bounded() -> None:
    clock = FakeClock()
    states = _states(clock, 20)
    recorder = Recorder(clock)
    poller = Poller(states, recorder, clock, settings=PollerSettings(concurrency=3, batch_size=7))
    report = await poller.tick()
    assert report.polled == 20
    assert recorder.max_parallel == 3


async def test_two_pollers_never_poll_the_same_vehicle_and_share_the_work() -> None:
    clock = FakeClock()
    states = _states(clock, 50)
    recorder = Recorder(clock)
    settings = PollerSettings(concurrency=5, batch_size=5)
    a = Poller(states, recorder, clock, settings=settings, owner="a")
    b = Poller(states, recorder, clock, settings=settings, owner="b")
    ra, rb = await asyncio.gather(a.tick(), b.tick())
    assert recorder.overlaps == 0
    assert sorted(recorder.polled) == list(range(1, 51))
    assert ra.polled > 0
    assert rb.polled > 0


async def test_vehicles_leased_by_a_dead_replica_are_taken_over_when_the_lease_expires() -> None:
    clock = FakeClock()
    states = _states(clock, 4)
    await states.claim_due(clock(), 10, "dead", lease_seconds=300)  # then the process died
    recorder = Recorder(clock)
    survivor = Poller(states, recorder, clock, owner="alive")
    assert (await survivor.tick()).polled == 0
    clock.advance(seconds=301)
    assert (await survivor.tick()).polled == 4


async def test_a_failing_vehicle_is_retried_later_and_does_not_stop_the_others() -> None:
    clock = FakeClock()
    states = _states(clock, 3)
    recorder = Recorder(clock)
    recorder.failing.add(2)
    poller = Poller(states, recorder, clock)
    report = await poller.tick()
    assert sorted(recorder.polled) == [1, 3]
    assert report.failed == 1
    assert states.states[2].next_poll_at == clock() + timedelta(minutes=5)
    assert states.leases == {}


async def test_outbox_is_flushed_after_each_tick() -> None:
    clock = FakeClock()
    flushed: list[bool] = []

    async def flush() -> None:
        flushed.append(True)

    poller = Poller(_states(clock, 1), Recorder(clock), clock, flush=flush)
    await poller.tick()
    await poller.tick()
    assert flushed == [True, True]


async def test_worker_loop_polls_until_stopped_then_releases_its_leases() -> None:
    clock = FakeClock()
    states = _states(clock, 2)
    recorder = Recorder(clock)
    stop = asyncio.Event()
    housekeeping: list[bool] = []

    async def purge() -> None:
        housekeeping.append(True)
        stop.set()

    poller = Poller(states, recorder, clock, settings=PollerSettings(tick_seconds=0.01), owner="w")
    await run_worker(poller, stop, housekeeping=purge)
    assert sorted(recorder.polled) == [1, 2]
    assert housekeeping == [True]
    assert all(lease.owner != "w" for lease in states.leases.values())


async def test_register_poller_adds_a_single_instance_tick_job_to_the_job_queue() -> None:
    clock = FakeClock()
    application = ApplicationBuilder().token("123:TEST").build()
    assert application.job_queue is not None
    poller = Poller(_states(clock, 1), Recorder(clock), clock)

    async def purge() -> None:
        return None

    jobs = register_poller(application.job_queue, poller, housekeeping=purge)
    assert [job.name for job in jobs] == ["poller-tick", "poller-housekeeping"]
    for job in jobs:
        job.schedule_removal()


class BrokenClaims(FakeStates):
    """A state store whose database is down for claims."""

    async def claim_due(
        self, now: datetime, limit: int, owner: str, lease_seconds: float, due_by: datetime | None = None
    ) -> list[int]:
        raise ConnectionError("database unavailable")


async def test_a_failing_claim_is_logged_and_the_tick_returns(caplog: pytest.LogCaptureFixture) -> None:
    clock = FakeClock()
    states = BrokenClaims()
    states.add(1, clock())
    poller = Poller(states, Recorder(clock), clock)
    report = await poller.tick()
    assert report.polled == 0
    assert "claiming due vehicles failed" in caplog.text


async def test_several_batches_are_in_flight_at_once() -> None:
    clock = FakeClock()
    states = _states(clock, 12)
    recorder = Recorder(clock)
    settings = PollerSettings(batch_size=3, concurrency=12, batches_in_flight=3)
    report = await Poller(states, recorder, clock, settings=settings).tick()
    assert report.polled == 12
    assert recorder.max_parallel == 9  # three batches of three, polled together
    assert states.leases == {}


def test_the_worker_starts_ticks_one_period_apart_whatever_a_tick_takes() -> None:
    assert pause_before_next_tick(1.0, 0.25) == 0.75
    assert pause_before_next_tick(1.0, 0.0) == 1.0
    assert pause_before_next_tick(1.0, 3.0) == 0.0
