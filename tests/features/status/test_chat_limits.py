"""Per-chat limits (Refresh, location) and members' shares through the real graph, on SQLite and
PostgreSQL: counted before Renault is asked, shared by two graphs (replicas) on one database, kept across
a restart; a member's spent share never marks the car's card as over quota for everyone."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import pytest

from bot.app.graph import build_graph
from bot.domain.vehicle import Role
from bot.features.linking.ports import LinkResult
from bot.persistence.engine import Database
from bot.services.chat_limits import ChatLimits
from bot.services.ports import LimitReached
from bot.services.spending import spent_for
from tests.support.replicas import fresh_database
from tests.support.stack import Stack, service_stack

pytestmark = pytest.mark.slow  # measured: most of its tests take over a second

EMAIL, PASSWORD = "owner@example.com", "s3cret-Pass"
OWNER, VIEWER, DRIVER = 1001, 2002, 3003
VIN = "VF1RCB00012345678"
PG_URL = os.environ.get("TEST_DATABASE_URL", "")


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
async def database_url(request: pytest.FixtureRequest) -> AsyncIterator[str | None]:
    """None (a fresh SQLite file) or a fresh PostgreSQL database."""
    if request.param == "sqlite":
        yield None
        return
    if not PG_URL:
        pytest.skip("TEST_DATABASE_URL not set")
    async with fresh_database(PG_URL, "bot_chat_limits") as url:
        yield url


async def _owned(stack: Stack) -> int:
    account = stack.sim.add_account(EMAIL, PASSWORD)
    stack.sim.add_vehicle(account, "XCB1VE", vin=VIN, plugged=True, battery_level=50)
    await stack.graph.settings.chat(OWNER, "en")
    linked = await stack.graph.linking.begin(OWNER, "fr_FR", EMAIL, PASSWORD)
    assert isinstance(linked, LinkResult)
    assert linked.active_vehicle_id is not None
    return linked.active_vehicle_id


async def _joined(stack: Stack, chat_id: int, role: Role) -> None:
    await stack.graph.settings.chat(chat_id, "en")
    invite = await stack.graph.sharing.invite(OWNER, role, "Ann")
    await stack.graph.sharing.join(chat_id, invite.token, "Bob", private=True)


async def test_refresh_past_its_limit_asks_renault_nothing_on_any_replica_or_after_a_restart(
    tmp_path: Path, database_url: str | None
) -> None:
    async with service_stack(tmp_path, database_url=database_url) as stack:
        vehicle = await _owned(stack)
        first = stack.clock()
        for _ in range(10):
            await stack.graph.status.status(OWNER, vehicle, refresh=True)
            stack.clock.advance(minutes=1)
        calls = stack.sim.log.count(vin=VIN)
        replica = build_graph(stack.http, stack.db, stack.cipher, stack.clock, stack.notifier)
        with pytest.raises(LimitReached) as refused:
            await replica.status.status(OWNER, vehicle, refresh=True)
        assert (refused.value.limit, refused.value.cap) == ("refresh", 10)
        assert refused.value.retry_at == first + timedelta(hours=1)
        restarted = Database(stack.db.target)
        try:
            graph = build_graph(stack.http, restarted, stack.cipher, stack.clock, stack.notifier)
            with pytest.raises(LimitReached):
                await graph.status.status(OWNER, vehicle, refresh=True)
        finally:
            await restarted.dispose()
        assert stack.sim.log.count(vin=VIN) == calls
        # The card without Refresh is still there, and the limit ends with its hour.
        assert (await stack.graph.status.status(OWNER, vehicle)).snapshot.battery_level == 50
        stack.clock.set(first + timedelta(hours=1))
        await stack.graph.status.status(OWNER, vehicle, refresh=True)
        assert stack.sim.log.count(vin=VIN) > calls


async def test_location_reads_are_limited_per_chat(tmp_path: Path, database_url: str | None) -> None:
    async with service_stack(tmp_path, database_url=database_url) as stack:
        vehicle = await _owned(stack)
        await _joined(stack, DRIVER, Role.DRIVER)
        for _ in range(10):
            await stack.graph.status.location(OWNER, vehicle)
        reads = stack.sim.log.count(key="location")
        with pytest.raises(LimitReached) as refused:
            await stack.graph.status.location(OWNER, vehicle)
        assert refused.value.limit == "where"
        # "Car's position is home" reads the position too: the same count.
        with pytest.raises(LimitReached):
            await stack.graph.costs.set_home_from_car(OWNER)
        assert stack.sim.log.count(key="location") == reads
        # Another chat has its own count.
        assert (await stack.graph.status.location(DRIVER, vehicle)).point is not None


async def test_a_members_spent_share_leaves_the_card_and_the_owner_alone(
    tmp_path: Path, database_url: str | None
) -> None:
    async with service_stack(tmp_path, database_url=database_url) as stack:
        vehicle = await _owned(stack)
        await _joined(stack, VIEWER, Role.VIEWER)
        calls = stack.sim.log.count(vin=VIN)
        with spent_for(VIEWER), pytest.raises(LimitReached) as refused:  # noqa: PT012 - taps until refused
            for _ in range(10):
                stack.clock.advance(minutes=1)
                await stack.graph.status.status(VIEWER, vehicle, refresh=True)
        assert refused.value.limit == "member"
        assert stack.sim.log.count(vin=VIN) - calls == 10  # a sixth of the account's 60 calls
        # The viewer's /status, once the stored reading is old, is that reading rather than an error.
        stack.clock.advance(minutes=5)
        with spent_for(VIEWER):
            stored_card = await stack.graph.status.status(VIEWER, vehicle)
        assert stored_card.snapshot.battery_level == 50
        assert stored_card.stale_reason is None
        assert stack.sim.log.count(vin=VIN) - calls == 10
        # Everyone's card still reads as fresh (not "Renault is limiting requests"), and the owner's
        # Refresh and the poller's reads go on.
        with spent_for(OWNER):
            card = await stack.graph.status.status(OWNER, vehicle, refresh=True)
        assert card.stale_reason is None
        stored = await stack.graph.gateway.stored(vehicle)
        assert (await stack.graph.gateway.read(stored, "battery-status")).battery_level == 50


def test_refresh_and_location_follow_a_budget_above_60_calls_an_hour() -> None:
    assert ChatLimits.for_budget(60) == ChatLimits.for_budget(0) == ChatLimits()
    raised = ChatLimits.for_budget(10_000)  # the simulated car
    assert (raised.refresh.cap, raised.where.cap, raised.costs.cap, raised.export.cap) == (
        1666,
        1666,
        10,
        5,
    )
