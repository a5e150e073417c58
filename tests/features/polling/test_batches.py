"""Each claimed batch runs in the batch scope; its leases go back together, even when the scope fails."""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping, Sequence
from contextlib import asynccontextmanager
from datetime import datetime, timedelta

from bot.features.polling.jobs import Poller, PollerSettings, PollOne
from tests.features.polling.test_jobs import Recorder, _states
from tests.support.clock import FakeClock
from tests.support.fakes import FakeStates


class Scopes:
    """A batch scope that records the batches and whether polls ran inside one; `fail_on_exit` breaks it."""

    def __init__(self, recorder: Recorder) -> None:
        self.recorder = recorder
        self.batches: list[list[int]] = []
        self.fail_on_exit = False

    @asynccontextmanager
    async def __call__(self, ids: Sequence[int]) -> AsyncIterator[PollOne]:
        self.batches.append(list(ids))
        yield self.recorder
        if self.fail_on_exit:
            raise RuntimeError("bulk write failed")


class CountingStates(FakeStates):
    """FakeStates counting bulk releases."""

    def __init__(self) -> None:
        super().__init__()
        self.bulk_releases = 0

    async def release_many(self, owner: str, next_poll_at: Mapping[int, datetime]) -> None:
        self.bulk_releases += 1
        await super().release_many(owner, next_poll_at)


async def test_each_claimed_batch_is_polled_inside_one_scope_and_released_at_once() -> None:
    clock = FakeClock()
    states = CountingStates()
    for vid in range(1, 6):
        states.add(vid, clock())
    recorder = Recorder(clock)
    scopes = Scopes(recorder)
    poller = Poller(states, recorder, clock, settings=PollerSettings(batch_size=3), batch=scopes)

    report = await poller.tick()

    assert [sorted(batch) for batch in scopes.batches] == [[1, 2, 3], [4, 5]]
    assert report.polled == 5
    assert states.bulk_releases == 2
    assert states.leases == {}
    assert all(s.next_poll_at == clock() + timedelta(minutes=10) for s in states.states.values())


async def test_a_failing_batch_scope_still_gives_back_every_lease() -> None:
    clock = FakeClock()
    states = _states(clock, 3)
    recorder = Recorder(clock)
    scopes = Scopes(recorder)
    scopes.fail_on_exit = True
    poller = Poller(states, recorder, clock, batch=scopes, owner="a")

    await poller.tick()

    assert states.leases == {}
    assert sorted(recorder.polled) == [1, 2, 3]
    # The polls' own next times stand; nothing is polled again until then.
    assert await states.claim_due(clock.advance(minutes=5), 10, "b", 60) == []
