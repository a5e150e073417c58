"""A short POLL_INTERVAL_SECONDS is kept, not stretched: the real poller and use cases on a fake clock."""

from __future__ import annotations

import functools
import itertools
from collections import defaultdict
from collections.abc import AsyncIterator, Mapping, Sequence
from contextlib import asynccontextmanager
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from bot.app.graph import GraphOptions
from bot.features.linking.ports import LinkResult
from bot.features.polling.jobs import Poller, PollOne
from bot.features.polling.ports import PollOutcome
from bot.features.polling.use_cases.batch import PollBatch
from tests.support.clock import FakeClock
from tests.support.stack import service_stack

pytestmark = pytest.mark.slow  # measured: most of its tests take over a second

INTERVAL = 5
WINDOW = 30
# Between claiming a batch and starting its polls the bot reads the batch from the database and waits
# for free request slots: the polls of a tick start a little after the tick itself.
CLAIM_TO_POLL = timedelta(milliseconds=300)


class LateStart:
    """The poller's lease store, with time passing between a claim and the polls of the claimed batch."""

    def __init__(self, store: object, clock: FakeClock) -> None:
        self._store = store
        self._clock = clock

    def __getattr__(self, name: str) -> object:
        return getattr(self._store, name)

    async def claim_due(
        self, now: datetime, limit: int, owner: str, lease_seconds: float, due_by: datetime | None = None
    ) -> list[int]:
        ids: list[int] = await self._store.claim_due(now, limit, owner, lease_seconds, due_by)  # type: ignore[attr-defined]
        if ids:
            self._clock.advance(CLAIM_TO_POLL.total_seconds())
        return ids

    async def release_many(self, owner: str, next_poll_at: Mapping[int, datetime]) -> None:
        await self._store.release_many(owner, next_poll_at)  # type: ignore[attr-defined]


@pytest.mark.parametrize("cars", [1, 30])
async def test_each_car_is_polled_every_interval_within_a_second(tmp_path: Path, cars: int) -> None:
    options = GraphOptions(max_calls_per_hour=0, poll_interval_seconds=INTERVAL, poll_concurrency=10)
    async with service_stack(tmp_path, options) as stack:
        for n in range(cars):
            email = f"owner{n}@example.com"
            stack.sim.add_vehicle(stack.sim.add_account(email, "pw-123456"), "X102VE")
            linked = await stack.graph.linking.begin(1000 + n, "fr_FR", email, "pw-123456")
            assert isinstance(linked, LinkResult)
        # Concurrency 10: batches of 20, so 30 cars take several claims (and lags) per tick.
        parts = stack.graph
        polled: dict[int, list[datetime]] = defaultdict(list)

        async def poll_one(vehicle_id: int, batch: PollBatch | None = None) -> PollOutcome:
            polled[vehicle_id].append(stack.clock())
            return await parts.polling.poll(vehicle_id, batch)

        @asynccontextmanager
        async def batches(ids: Sequence[int]) -> AsyncIterator[PollOne]:
            async with parts.polling.batch(ids) as batch:
                yield functools.partial(poll_one, batch=batch)

        poller = Poller(
            LateStart(stack.graph.stores.states, stack.clock),  # type: ignore[arg-type]
            poll_one,
            stack.clock,
            settings=parts.poller.settings,
            batch=batches,
        )
        tick = timedelta(seconds=poller.settings.tick_seconds)
        start = stack.clock()
        ticks = 0
        while stack.clock() < start + timedelta(seconds=WINDOW):
            ticks += 1
            stack.clock.set(start + ticks * tick)  # the JobQueue's fixed-rate schedule
            await poller.tick()
    assert len(polled) == cars
    for times in polled.values():
        gaps = [(b - a).total_seconds() for a, b in itertools.pairwise(times)]
        assert all(INTERVAL - 1 < gap < INTERVAL + 1 for gap in gaps), gaps
        assert len(times) >= WINDOW // INTERVAL
