"""Leases that follow liveness: renewed while a tick works, short by default, taken over from the dead.

The heartbeat's pauses are `ManualWaits` the test lets end after moving the fake clock: nothing sleeps.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import datetime, timedelta

from bot.features.polling.jobs import Poller, PollerSettings
from bot.features.polling.ports import PollOutcome
from tests.support.clock import FakeClock
from tests.support.fakes import FakeStates
from tests.support.waits import ManualWaits

LEASE = PollerSettings().lease_seconds
BEAT = LEASE / 3
INTERVAL = timedelta(minutes=10)


class Held:
    """poll_one that hangs until the test lets it go, and records how each poll ended."""

    def __init__(self, clock: FakeClock) -> None:
        self.clock = clock
        self.started: list[int] = []
        self.cancelled: list[int] = []
        self.go = asyncio.Event()

    async def __call__(self, vehicle_id: int) -> PollOutcome:
        self.started.append(vehicle_id)
        try:
            await self.go.wait()
        except asyncio.CancelledError:
            self.cancelled.append(vehicle_id)
            raise
        return PollOutcome(self.clock() + INTERVAL, requests=1)


class Recorder:
    """poll_one that answers at once and records what it polled."""

    def __init__(self, clock: FakeClock) -> None:
        self.clock = clock
        self.polled: list[int] = []

    async def __call__(self, vehicle_id: int) -> PollOutcome:
        self.polled.append(vehicle_id)
        return PollOutcome(self.clock() + INTERVAL, requests=1)


class UnrenewableStates(FakeStates):
    """A store whose database stops answering renewals once the polls are in flight."""

    async def renew(self, owner: str, now: datetime, lease_seconds: float) -> int:
        raise ConnectionError("database unavailable")


def _states(clock: FakeClock, count: int) -> FakeStates:
    states = FakeStates()
    for vehicle_id in range(1, count + 1):
        states.add(vehicle_id, clock())
    return states


async def _until(condition: Callable[[], bool]) -> None:
    for _ in range(100):
        if condition():
            return
        await asyncio.sleep(0)
    raise AssertionError("never happened")


async def _beat(clock: FakeClock, beats: ManualWaits, seconds: float) -> None:
    """Once the heartbeat pauses for `seconds`, let that much time pass and the pause end."""
    await _until(lambda: beats.waiting(seconds))
    clock.advance(seconds)
    await beats.elapse(seconds)


def test_the_default_lease_is_short() -> None:
    assert LEASE == 30.0


async def test_a_poll_longer_than_the_lease_keeps_its_car_because_the_heartbeat_renews_it() -> None:
    clock = FakeClock()
    states = _states(clock, 1)
    held, beats = Held(clock), ManualWaits()
    worker = Poller(states, held, clock, owner="a", sleep=beats.wait)
    tick = asyncio.create_task(worker.tick())
    await _until(lambda: held.started == [1])
    for _ in range(6):  # two whole leases
        await _beat(clock, beats, BEAT)
    await _until(lambda: states.renewals == 6)
    other = Recorder(clock)
    assert (await Poller(states, other, clock, owner="b", sleep=ManualWaits().wait).tick()).polled == 0
    assert states.leases[1].until == clock() + timedelta(seconds=LEASE)
    held.go.set()
    assert (await tick).polled == 1
    assert states.leases == {}
    assert other.polled == []


async def test_one_renewal_extends_every_lease_the_process_holds() -> None:
    clock = FakeClock()
    states = _states(clock, 5)
    held, beats = Held(clock), ManualWaits()
    tick = asyncio.create_task(Poller(states, held, clock, owner="a", sleep=beats.wait).tick())
    await _until(lambda: len(held.started) == 5)
    await _beat(clock, beats, BEAT)
    await _until(lambda: states.renewals == 1)
    assert {lease.until for lease in states.leases.values()} == {clock() + timedelta(seconds=LEASE)}
    held.go.set()
    await tick


async def test_leases_that_cannot_be_renewed_stop_the_polls_while_they_still_hold() -> None:
    clock = FakeClock()
    states = UnrenewableStates()
    states.add(1, clock())
    held, beats = Held(clock), ManualWaits()
    tick = asyncio.create_task(Poller(states, held, clock, owner="a", sleep=beats.wait).tick())
    await _until(lambda: held.started == [1])
    for pause in (BEAT, BEAT, LEASE * 0.8 - 2 * BEAT):  # the last pause ends with a fifth of the lease left
        await _beat(clock, beats, pause)
    report = await asyncio.wait_for(tick, timeout=10)
    assert held.cancelled == [1]
    assert report.polled == 0
    assert states.leases[1].until > clock()  # stopped before another replica could take the car


async def test_a_restarted_process_takes_over_at_once_the_cars_its_dead_predecessor_held() -> None:
    clock = FakeClock()
    states = _states(clock, 4)
    await states.claim_due(clock(), 3, "dead", LEASE)  # then the process was killed
    await states.claim_due(clock(), 1, "alive-elsewhere", LEASE)
    recorder = Recorder(clock)
    restarted = Poller(
        states,
        recorder,
        clock,
        owner="new",
        owner_gone=lambda owner: owner == "dead",
        sleep=ManualWaits().wait,
    )
    assert (await restarted.tick()).polled == 3
    assert sorted(recorder.polled) == [1, 2, 3]
    assert [lease.owner for lease in states.leases.values()] == ["alive-elsewhere"]


async def test_after_a_crash_elsewhere_every_car_is_polled_again_once_the_short_lease_ran_out() -> None:
    clock = FakeClock()
    states = _states(clock, 4)
    await states.claim_due(clock(), 10, "died-on-another-host", LEASE)
    recorder = Recorder(clock)
    survivor = Poller(states, recorder, clock, owner="b", sleep=ManualWaits().wait)
    clock.advance(LEASE - 1)
    assert (await survivor.tick()).polled == 0
    clock.advance(1)
    assert (await survivor.tick()).polled == 4


async def test_a_sibling_that_died_on_this_host_gives_its_cars_up_within_a_third_of_a_lease() -> None:
    clock = FakeClock()
    states = _states(clock, 2)
    gone: set[str] = set()
    recorder = Recorder(clock)
    poller = Poller(
        states, recorder, clock, owner="me", owner_gone=gone.__contains__, sleep=ManualWaits().wait
    )
    await states.claim_due(clock(), 2, "sibling", LEASE)
    assert (await poller.tick()).polled == 0  # the sibling runs: its leases are its own
    gone.add("sibling")  # then it is killed
    clock.advance(BEAT - 1)
    assert (await poller.tick()).polled == 0  # the states table is not scanned at every tick
    clock.advance(1)
    assert (await poller.tick()).polled == 2


async def test_the_tick_parks_unclaimable_cars_at_start_then_every_third_of_a_lease() -> None:
    clock = FakeClock()
    states = _states(clock, 1)
    poller = Poller(states, Recorder(clock), clock, owner="me", sleep=ManualWaits().wait)
    await poller.tick()
    park = PollerSettings().park_unclaimable
    assert states.parked == [(clock(), clock() + park)]
    clock.advance(BEAT - 1)
    await poller.tick()
    assert len(states.parked) == 1  # not at every tick: the look walks the head of the due range
    clock.advance(1)
    await poller.tick()
    assert states.parked[-1] == (clock(), clock() + park)
