"""One truth per car: /status shows the stored state, whichever replica stored it, and says when the last
read failed (the issue-23 scenarios: 60 % on the card while the poller stored 4 %)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

from bot.app.graph import Graph, GraphOptions, build_graph
from bot.features.linking.ports import LinkResult
from bot.features.polling.jobs import PollerSettings
from bot.persistence.engine import Database
from bot.services.errors import RenaultDown
from bot.services.ports import PollHealth
from bot.simulator.renault.faults import RenaultFault
from tests.support.stack import Stack, service_stack

pytestmark = pytest.mark.slow  # measured: most of its tests take over a second

CHAT = 1001
EMAIL, PASSWORD = "owner@example.com", "s3cret-Pass"
OPTIONS = GraphOptions(poller=PollerSettings(tick_seconds=60))


@dataclass
class TwoReplicas:
    """Two service graphs on one SQLite file, each on its own engine, like two processes."""

    stack: Stack
    other: Graph
    vin: str
    vehicle_id: int

    @property
    def one(self) -> Graph:
        """The first replica."""
        return self.stack.graph


@asynccontextmanager
async def two_replicas(tmp_path: Path) -> AsyncIterator[TwoReplicas]:
    async with service_stack(tmp_path, OPTIONS) as stack:
        account = stack.sim.add_account(EMAIL, PASSWORD)
        vin = stack.sim.add_vehicle(account, "X102VE", battery_level=60.0).vin
        linked = await stack.graph.linking.begin(CHAT, "fr_FR", EMAIL, PASSWORD)
        assert isinstance(linked, LinkResult)
        second_db = Database.from_url(f"sqlite:///{stack.db_path}")
        try:
            other = build_graph(stack.http, second_db, stack.cipher, stack.clock, stack.notifier, OPTIONS)
            yield TwoReplicas(stack, other, vin, linked.vehicles[0].vehicle_id)
        finally:
            await second_db.dispose()


async def test_the_card_shows_what_the_poller_stored_between_two_status_calls(tmp_path: Path) -> None:
    async with two_replicas(tmp_path) as r:
        first = await r.one.status.status(CHAT)
        assert first.snapshot.battery_level == 60
        r.stack.clock.advance(seconds=5)
        r.stack.sim.set_level(r.vin, 4.0)
        await r.other.polling.poll(r.vehicle_id)  # the other replica's poller stores 4 %
        r.stack.sim.log.clear()
        second = await r.one.status.status(CHAT)
    assert second.snapshot.battery_level == 4
    assert second.stale_reason is None
    assert "battery-status" not in r.stack.sim.log.endpoints()  # the stored state was recent: no call


async def test_a_refresh_on_one_replica_is_what_the_other_shows(tmp_path: Path) -> None:
    async with two_replicas(tmp_path) as r:
        await r.other.status.status(CHAT)
        r.stack.clock.advance(seconds=10)
        r.stack.sim.set_level(r.vin, 35.0)
        refreshed = await r.one.status.status(CHAT, refresh=True)
        r.stack.sim.log.clear()
        shown = await r.other.status.status(CHAT)
        readings = await r.other.history.overview(CHAT)
    assert refreshed.snapshot.battery_level == 35
    assert shown.snapshot.battery_level == 35
    assert "battery-status" not in r.stack.sim.log.endpoints()
    assert readings.readings[-1].level == 35  # /history has the Refresh's reading too


async def test_a_failed_poll_is_said_on_the_card_with_the_stored_reading_not_an_older_one(
    tmp_path: Path,
) -> None:
    async with two_replicas(tmp_path) as r:
        assert (await r.one.status.status(CHAT)).snapshot.battery_level == 60
        r.stack.clock.advance(seconds=5)
        r.stack.sim.set_level(r.vin, 4.0)
        await r.other.polling.poll(r.vehicle_id)
        r.stack.clock.advance(minutes=5)
        r.stack.sim.inject(RenaultFault.HTTP_500, times=None, endpoint="battery-status")
        await r.other.polling.poll(r.vehicle_id)  # Renault fails for the poller now
        r.stack.sim.log.clear()
        view = await r.one.status.status(CHAT)
    assert view.snapshot.battery_level == 4
    assert view.stale_reason == "renault_down"
    assert "battery-status" not in r.stack.sim.log.endpoints()  # the failed poll was a moment ago


async def test_a_failed_read_after_the_stored_state_aged_says_so_with_the_last_good_reading(
    tmp_path: Path,
) -> None:
    async with two_replicas(tmp_path) as r:
        r.stack.sim.set_level(r.vin, 4.0)
        await r.other.polling.poll(r.vehicle_id)
        r.stack.clock.advance(minutes=10)
        r.stack.sim.inject(RenaultFault.HTTP_500, times=None, endpoint="battery-status")
        view = await r.one.status.status(CHAT)  # not recent: read live, which fails
        state = await r.other.stores.states.load(r.vehicle_id)
        told_elsewhere = await r.other.status.status(CHAT)
    assert (view.snapshot.battery_level, view.stale_reason) == (4, "renault_down")
    assert state.health is PollHealth.RENAULT_DOWN
    assert told_elsewhere.stale_reason == "renault_down"


async def test_a_quota_refusal_of_the_poller_is_on_the_card(tmp_path: Path) -> None:
    async with service_stack(tmp_path, GraphOptions(max_calls_per_hour=2)) as stack:
        account = stack.sim.add_account(EMAIL, PASSWORD)
        stack.sim.add_vehicle(account, "X102VE", battery_level=50.0)
        linked = await stack.graph.linking.begin(CHAT, "fr_FR", EMAIL, PASSWORD)
        assert isinstance(linked, LinkResult)
        vehicle_id = linked.vehicles[0].vehicle_id
        await stack.graph.polling.poll(vehicle_id)
        await stack.graph.polling.poll(vehicle_id)
        stack.clock.advance(minutes=2)
        outcome = await stack.graph.polling.poll(vehicle_id)  # the hour's budget is spent
        view = await stack.graph.status.status(CHAT)
    assert outcome.problem == "busy"
    assert view.snapshot.battery_level == 50
    assert view.stale_reason == "quota"


async def test_where_is_stored_for_every_replica_and_shown_without_a_call_while_recent(
    tmp_path: Path,
) -> None:
    async with two_replicas(tmp_path) as r:
        await r.other.polling.poll(r.vehicle_id)
        r.stack.sim.move(r.vin, 45.75, 4.85)
        first = await r.one.status.location(CHAT)
        r.stack.clock.advance(seconds=20)
        r.stack.sim.move(r.vin, 43.3, 5.4)  # moved since, but the stored position is recent
        r.stack.sim.log.clear()
        shown = await r.other.status.location(CHAT)
        state = await r.other.stores.states.load(r.vehicle_id)
    assert (first.point.latitude, first.point.longitude) == (45.75, 4.85)
    assert (shown.point.latitude, shown.point.longitude) == (45.75, 4.85)
    assert shown.stale_reason is None
    assert r.stack.sim.log.count(key="location") == 0  # the other replica read the stored one
    assert state.snapshot is not None
    assert state.snapshot.location == first.point


async def test_where_reads_again_once_the_stored_position_aged(tmp_path: Path) -> None:
    async with two_replicas(tmp_path) as r:
        await r.other.polling.poll(r.vehicle_id)
        r.stack.sim.move(r.vin, 45.75, 4.85)
        await r.one.status.location(CHAT)
        r.stack.clock.advance(minutes=2)
        r.stack.sim.move(r.vin, 43.3, 5.4)
        shown = await r.other.status.location(CHAT)
        r.stack.clock.advance(minutes=5)
        await r.one.polling.poll(r.vehicle_id)  # a later poll keeps the stored position
        state = await r.one.stores.states.load(r.vehicle_id)
    assert (shown.point.latitude, shown.point.longitude) == (43.3, 5.4)
    assert state.snapshot is not None
    assert state.snapshot.location == shown.point


async def test_a_failed_where_shows_the_stored_position_with_the_failure(tmp_path: Path) -> None:
    async with two_replicas(tmp_path) as r:
        await r.other.polling.poll(r.vehicle_id)
        r.stack.sim.move(r.vin, 45.75, 4.85)
        stored = await r.one.status.location(CHAT)
        r.stack.clock.advance(minutes=10)
        r.stack.sim.inject(RenaultFault.HTTP_500, times=None, endpoint="location")
        shown = await r.other.status.location(CHAT)
        state = await r.one.stores.states.load(r.vehicle_id)
    assert shown.point == stored.point
    assert shown.stale_reason == "renault_down"
    assert state.health is PollHealth.RENAULT_DOWN  # the card says so too


async def test_a_failed_where_with_nothing_stored_is_the_error(tmp_path: Path) -> None:
    async with two_replicas(tmp_path) as r:
        await r.other.polling.poll(r.vehicle_id)
        r.stack.sim.inject(RenaultFault.HTTP_500, times=None, endpoint="location")
        with pytest.raises(RenaultDown):
            await r.one.status.location(CHAT)
