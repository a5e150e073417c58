"""Two pollers (two processes' worth of services) on one PostgreSQL: never the same vehicle at once, never
both notify. PostgreSQL only: several replicas on one SQLite file are not a supported deployment."""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import AsyncIterator

import pytest
from sqlalchemy.engine import make_url

from bot.app.graph import Graph, GraphOptions, build_graph
from bot.app.http import new_http_client
from bot.domain.events import Event
from bot.domain.preferences import ChatSettings
from bot.features.linking.ports import LinkResult
from bot.features.polling.jobs import Poller, PollerSettings
from bot.features.polling.ports import PollOutcome
from bot.persistence.crypto import CredentialCipher, generate_key
from bot.persistence.engine import Database
from bot.persistence.migrations import upgrade_database
from bot.services.outbox_ports import DeliveryResult, DeliveryStatus
from bot.simulator.renault import RenaultSimulator
from tests.support.clock import FakeClock
from tests.support.replicas import run_as_admin

pytestmark = pytest.mark.slow  # measured: most of its tests take over a second

PG_URL = os.environ.get("TEST_DATABASE_URL", "")
VEHICLES = 12


@pytest.fixture
async def database_url() -> AsyncIterator[str]:
    """A uniquely named empty PostgreSQL database, so parallel test workers never meet."""
    if not PG_URL:
        if os.environ.get("CI"):
            pytest.fail("TEST_DATABASE_URL must be set in CI")
        pytest.skip("TEST_DATABASE_URL not set")
    name = f"bot_poll_{uuid.uuid4().hex[:12]}"
    await run_as_admin(PG_URL, f'CREATE DATABASE "{name}"')
    yield make_url(PG_URL).set(database=name).render_as_string(hide_password=False)
    await run_as_admin(PG_URL, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


class SharedNotifier:
    """Both replicas' Telegram: records every ping with its chat."""

    def __init__(self) -> None:
        self.sent: list[tuple[int, str]] = []

    async def send(self, chat: ChatSettings, event: Event) -> DeliveryResult:
        await asyncio.sleep(0)
        self.sent.append((chat.chat_id, event.dedup_key))
        return DeliveryResult(DeliveryStatus.SENT)


@pytest.mark.postgres
async def test_two_pollers_share_vehicles_without_overlap_or_double_pings(database_url: str) -> None:
    clock = FakeClock()
    sim = RenaultSimulator(clock)
    cipher = CredentialCipher.from_setting(generate_key())
    db_a, db_b = Database.from_url(database_url), Database.from_url(database_url)
    await upgrade_database(db_a)
    notifier = SharedNotifier()
    in_flight: set[int] = set()
    overlaps: list[int] = []
    polled: list[int] = []
    async with new_http_client(sim.transport()) as http_a, new_http_client(sim.transport()) as http_b:
        core_a = build_graph(http_a, db_a, cipher, clock, notifier, GraphOptions(max_calls_per_hour=0))
        core_b = build_graph(http_b, db_b, cipher, clock, notifier, GraphOptions(max_calls_per_hour=0))
        vins = []
        for n in range(VEHICLES):
            account = sim.add_account(f"owner{n}@example.com", "pw")
            vins.append(sim.add_vehicle(account, "X102VE", battery_level=30).vin)
            linked = await core_a.linking.begin(1000 + n, "fr_FR", f"owner{n}@example.com", "pw")
            assert isinstance(linked, LinkResult)

        def poller(core: Graph, owner: str) -> Poller:

            async def poll_one(vehicle_id: int) -> PollOutcome:
                if vehicle_id in in_flight:
                    overlaps.append(vehicle_id)
                in_flight.add(vehicle_id)
                try:
                    return await core.polling.poll(vehicle_id)
                finally:
                    in_flight.discard(vehicle_id)
                    polled.append(vehicle_id)

            settings = PollerSettings(batch_size=3, concurrency=3)
            return Poller(core.stores.states, poll_one, clock, settings=settings, owner=owner)

        a, b = poller(core_a, "replica-a"), poller(core_b, "replica-b")
        for minute in range(90):
            if minute == 10:
                for vin in vins:
                    sim.plug(vin)
            clock.advance(minutes=1)
            await asyncio.gather(a.tick(), b.tick())
    await db_a.dispose()
    await db_b.dispose()
    assert overlaps == []
    assert len(set(polled)) == VEHICLES
    assert notifier.sent, "the plug-ins were notified"
    assert len(notifier.sent) == len(set(notifier.sent))
    assert {chat for chat, _ in notifier.sent} == {1000 + n for n in range(VEHICLES)}
