"""/status of a known chat in one read: its settings, its vehicles, the one it chose and their stored states
come from one statement, and the card is the one the long way (`status`) gives."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from bot.domain.vehicle import Role
from bot.features.linking.ports import LinkResult
from bot.services.errors import NotLinked
from tests.support.stack import Stack, service_stack
from tests.support.statements import recorded

OWNER, VIEWER = 1001, 2002
EMAIL, PASSWORD = "owner@example.com", "s3cret-Pass"


async def _linked(stack: Stack, vehicles: int = 1) -> LinkResult:
    account = stack.sim.add_account(EMAIL, PASSWORD)
    for level in range(vehicles):
        stack.sim.add_vehicle(account, "X102VE", battery_level=40.0 + 10 * level)
    await stack.graph.settings.chat(OWNER, "de")
    linked = await stack.graph.linking.begin(OWNER, "fr_FR", EMAIL, PASSWORD)
    assert isinstance(linked, LinkResult)
    return linked


async def test_a_known_chat_card_is_one_statement_and_no_renault_call(tmp_path: Path) -> None:
    async with service_stack(tmp_path) as stack:
        await _linked(stack)
        long_way = await stack.graph.status.status(OWNER)  # reads the car and stores the state
        requests = stack.sim.log.count()
        with recorded(stack.db) as seen:
            found = await stack.graph.status.card(OWNER)
        assert found is not None
        settings, card = found
        assert len(seen) == 1
        assert seen[0].startswith("SELECT")
        assert stack.sim.log.count() == requests
        assert settings.language == "de"
        assert card == long_way.__class__(
            long_way.vehicle, card.snapshot, fetched_at=long_way.fetched_at, stale_reason=None
        )
        assert card.snapshot.battery_level == long_way.snapshot.battery_level == 40


async def test_the_card_is_the_chosen_vehicle_of_several(tmp_path: Path) -> None:
    async with service_stack(tmp_path) as stack:
        linked = await _linked(stack, vehicles=2)
        second = linked.vehicles[1].vehicle_id
        await stack.graph.linking.select(OWNER, second)
        found = await stack.graph.status.card(OWNER)
        assert found is not None
        assert found[1].vehicle.vehicle_id == second
        assert found[1].snapshot.battery_level == 50


async def test_a_new_or_stopped_chat_goes_the_long_way(tmp_path: Path) -> None:
    async with service_stack(tmp_path) as stack:
        await _linked(stack)
        assert await stack.graph.status.card(3003) is None  # never seen: its settings are made first
        await stack.graph.settings.save_chat(
            dataclasses.replace(await stack.graph.settings.chat(OWNER, "de"), active=False)
        )
        assert await stack.graph.status.card(OWNER) is None  # back after /stop: reactivated first


async def test_a_known_chat_without_a_car_is_told_it_is_not_linked(tmp_path: Path) -> None:
    async with service_stack(tmp_path) as stack:
        await stack.graph.settings.chat(OWNER, "en")
        with pytest.raises(NotLinked):
            await stack.graph.status.card(OWNER)


async def test_a_viewer_card_carries_no_position(tmp_path: Path) -> None:
    async with service_stack(tmp_path) as stack:
        await _linked(stack)
        await stack.graph.settings.chat(VIEWER, "en")
        invite = await stack.graph.sharing.invite(OWNER, Role.VIEWER, "Ann")
        await stack.graph.sharing.join(VIEWER, invite.token, "Bob", private=True)
        where = await stack.graph.status.location(OWNER)  # the owner's /where stores a position
        assert where.point is not None
        found = await stack.graph.status.card(VIEWER)
        assert found is not None
        assert found[1].vehicle.role is Role.VIEWER
        assert found[1].snapshot.location is None
