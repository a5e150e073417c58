"""Pricing sessions per chat: a feed with gaps is priced from the nearest price and flagged, a tariff outage
is retried, a car without a known battery says why, nothing is stored wrong on bad input."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest

from bot.app.graph import GraphOptions
from bot.app.tariffs import tariff_factory
from bot.domain.history import BatteryReading, ChargeSession
from bot.domain.pricing import EnergyMethod, Unpriced
from bot.domain.tariff import PriceSlot, TariffChoice, TariffKind, TariffProvider, TariffUnavailable
from bot.features.costs.logic import SessionCost
from bot.features.costs.store import SqlCostStore
from bot.features.costs.use_cases.sessions import CostService
from bot.features.history.store import SqlHistoryRepository
from bot.features.linking.ports import LinkResult
from bot.features.polling.jobs import PollerSettings
from bot.persistence.accounts import SqlAccountRepository
from bot.services.errors import InvalidInput
from bot.simulator.tariff import TariffSimulator, agile_like_day
from tests.persistence import factories as f
from tests.support.feeds import InProcessFeeds
from tests.support.stack import Stack, service_stack

pytestmark = pytest.mark.slow  # measured: most of its tests take over a second

CHAT = 100
START = datetime(2026, 11, 2, 1, 0, tzinfo=UTC)
FEED = TariffChoice(TariffKind.URL, url="https://prices.example/feed.json", currency="EUR")


class ScriptedFeed:
    """A price source with a one-hour hole at 02:00, that can be made to fail."""

    def __init__(self) -> None:
        self.down = False
        self.calls = 0

    async def prices(self, start: datetime, end: datetime) -> list[PriceSlot]:
        self.calls += 1
        if self.down:
            raise TariffUnavailable("the tariff source could not be reached")
        day = START.replace(hour=0)
        return [
            PriceSlot(day + timedelta(hours=h), day + timedelta(hours=h + 1), Decimal("0.20"), "EUR")
            for h in range(24)
            if h != 2
        ]


class Choices:
    """The chat's tariff, settable."""

    def __init__(self, choice: TariffChoice | None) -> None:
        self.choice = choice

    async def tariff(self, chat_id: int) -> TariffChoice | None:
        return self.choice


async def _service(stack: Stack, feed: ScriptedFeed, choice: TariffChoice | None) -> tuple[CostService, int]:
    _, (vehicle_id,) = await SqlAccountRepository(stack.db, stack.cipher).create_linked(
        CHAT, "fr_FR", f.EMAIL, f.secrets(), [f.zoe()]
    )

    def factory(_choice: TariffChoice, _zone: str) -> TariffProvider:
        return feed

    store = SqlCostStore(stack.db, stack.cipher)
    service = CostService(
        store,
        Choices(choice),
        factory,
        stack.graph.stores.vehicles,
        stack.graph.stores.chats,
        stack.graph.gateway,
        stack.clock,
        linking=stack.graph.linking,
    )
    stack.clock.set(START + timedelta(days=1))
    history = SqlHistoryRepository(stack.db)
    await history.add_session(ChargeSession(vehicle_id, START, START + timedelta(hours=3), 50, 80, 15.6))
    return service, vehicle_id


async def _costs(stack: Stack) -> list[SessionCost]:
    return await SqlCostStore(stack.db, stack.cipher).costs(CHAT, START, START + timedelta(days=1))


async def test_a_feed_gap_is_priced_from_the_nearest_price_and_flagged(tmp_path: Path) -> None:
    async with service_stack(tmp_path) as stack:
        feed = ScriptedFeed()
        service, _ = await _service(stack, feed, FEED)
        await service.refresh(CHAT)
        (cost,) = await _costs(stack)
        assert cost.gaps
        # 52 kWh × 30 % = 15.6 kWh in the battery, / 0.9 from the grid, all at 0.20 (the gap's neighbours)
        assert cost.cost == Decimal("3.466667")
        calls = feed.calls
        await service.refresh(CHAT)
        assert feed.calls == calls  # a final answer is not priced again


async def test_a_tariff_outage_leaves_the_session_unpriced_and_it_is_priced_later(tmp_path: Path) -> None:
    async with service_stack(tmp_path) as stack:
        feed = ScriptedFeed()
        feed.down = True
        service, _ = await _service(stack, feed, FEED)
        await service.refresh(CHAT)
        (cost,) = await _costs(stack)
        assert cost.cost is None
        assert cost.reason is Unpriced.TARIFF_DOWN
        feed.down = False
        await service.refresh(CHAT)
        (cost,) = await _costs(stack)
        assert cost.cost == Decimal("3.466667")


async def test_a_look_asks_the_tariff_once_for_nearby_sessions_even_when_it_is_down(tmp_path: Path) -> None:
    async with service_stack(tmp_path) as stack:
        feed = ScriptedFeed()
        feed.down = True
        service, vehicle_id = await _service(stack, feed, FEED)
        evening = START + timedelta(hours=19)
        history = SqlHistoryRepository(stack.db)
        await history.add_session(
            ChargeSession(vehicle_id, evening, evening + timedelta(hours=1), 60, 70, 5.2)
        )
        await service.refresh(CHAT)
        assert feed.calls == 1  # not once per session (nor a timeout per session when the source is down)
        assert [c.reason for c in await _costs(stack)] == [Unpriced.TARIFF_DOWN, Unpriced.TARIFF_DOWN]
        feed.down = False
        await service.refresh(CHAT)
        assert feed.calls == 2
        # Each session priced from its own window of the one answer: 0.20 throughout
        assert [c.cost for c in await _costs(stack)] == [Decimal("3.466667"), Decimal("1.155556")]


async def test_without_a_tariff_the_session_says_why(tmp_path: Path) -> None:
    async with service_stack(tmp_path) as stack:
        service, _ = await _service(stack, ScriptedFeed(), None)
        await service.refresh(CHAT)
        (cost,) = await _costs(stack)
        assert cost.reason is Unpriced.NO_TARIFF
        assert cost.battery_kwh == Decimal("15.6")


@pytest.mark.parametrize("typed", ["abc", "-1", "5.01", "NaN", "1001 total"])
async def test_a_bad_away_price_stores_nothing(tmp_path: Path, typed: str) -> None:
    async with service_stack(tmp_path) as stack:
        service, vehicle_id = await _service(stack, ScriptedFeed(), FEED)
        await service.ask_away_price(CHAT, vehicle_id, START)
        with pytest.raises(InvalidInput):
            await service.set_away_price(CHAT, typed)
        assert await _costs(stack) == []
        assert await service.awaiting_price(CHAT) is not None  # the question still stands


async def test_an_away_total_is_what_the_charge_cost(tmp_path: Path) -> None:
    async with service_stack(tmp_path) as stack:
        service, vehicle_id = await _service(stack, ScriptedFeed(), FEED)
        await service.ask_away_price(CHAT, vehicle_id, START)
        cost = await service.set_away_price(CHAT, "12,50 total")
        assert cost.cost == Decimal("12.500000")
        assert await service.awaiting_price(CHAT) is None
        stack.clock.advance(minutes=11)
        await service.ask_away_price(CHAT, vehicle_id, START)
        stack.clock.advance(minutes=11)
        assert await service.awaiting_price(CHAT) is None  # the question expired


class HourlyFeed:
    """A price per hour of the day: hour / 100 (19:00 costs 0.19)."""

    async def prices(self, start: datetime, end: datetime) -> list[PriceSlot]:
        first = start.replace(minute=0, second=0, microsecond=0)
        hours = int((end - first) / timedelta(hours=1)) + 1
        return [
            PriceSlot(
                first + timedelta(hours=h),
                first + timedelta(hours=h + 1),
                Decimal((first + timedelta(hours=h)).hour) / 100,
                "EUR",
            )
            for h in range(hours)
        ]


async def test_a_paused_charge_compares_with_one_charge_at_once_from_plug_in(tmp_path: Path) -> None:
    async with service_stack(tmp_path) as stack:
        _, (vehicle_id,) = await SqlAccountRepository(stack.db, stack.cipher).create_linked(
            CHAT, "fr_FR", f.EMAIL, f.secrets(), [f.zoe()]
        )
        store = SqlCostStore(stack.db, stack.cipher)
        service = CostService(
            store,
            Choices(FEED),
            lambda _c, _z: HourlyFeed(),
            stack.graph.stores.vehicles,
            stack.graph.stores.chats,
            stack.graph.gateway,
            stack.clock,
            linking=stack.graph.linking,
        )
        evening = datetime(2026, 11, 2, 19, 0, tzinfo=UTC)
        history = SqlHistoryRepository(stack.db)
        for hour, level, charging in (
            (0, 40, False),
            (1, 40, False),
            (2, 40, False),
            (3, 40, True),
            (4, 50, False),
            (5, 50, False),
            (6, 50, True),
            (7, 60, False),
        ):
            reading = BatteryReading(
                vehicle_id, evening + timedelta(hours=hour), level, charging=charging, plugged=True
            )
            assert await history.add_reading(reading)
        first, second = evening + timedelta(hours=3), evening + timedelta(hours=6)
        await history.add_session(ChargeSession(vehicle_id, first, first + timedelta(hours=1), 40, 50, 5.2))
        await history.add_session(ChargeSession(vehicle_id, second, second + timedelta(hours=1), 50, 60, 5.2))
        stack.clock.set(evening + timedelta(days=1))
        await service.refresh(CHAT)
        costs = await store.costs(CHAT, evening, evening + timedelta(days=1))
        # 5.2 kWh / 0.9 each; charged at 22:00 (0.22) and 01:00 (0.01)
        assert [c.cost for c in costs] == [Decimal("1.271111"), Decimal("0.057778")]
        # At once from plug-in: 19:00-20:00 (0.19), then 20:00-21:00 (0.20), not 19:00 twice
        assert [c.at_plug_in for c in costs] == [Decimal("1.097778"), Decimal("1.155556")]
        assert all(c.plugged_at == evening for c in costs)


async def test_an_agile_session_is_priced_from_the_historic_half_hours_of_the_octopus_api(
    tmp_path: Path,
) -> None:
    day = START.replace(hour=0)
    octopus = TariffSimulator(agile_like_day(day), page_size=10)  # paginated, newest first, like Octopus
    async with (
        service_stack(tmp_path) as stack,
        InProcessFeeds(octopus) as http,
    ):
        _, (vehicle_id,) = await SqlAccountRepository(stack.db, stack.cipher).create_linked(
            CHAT, "fr_FR", f.EMAIL, f.secrets(), [f.zoe()]
        )
        store = SqlCostStore(stack.db, stack.cipher)
        agile = TariffChoice(TariffKind.OCTOPUS, region="C", currency="GBP")
        service = CostService(
            store,
            Choices(agile),
            tariff_factory(http),
            stack.graph.stores.vehicles,
            stack.graph.stores.chats,
            stack.graph.gateway,
            stack.clock,
            linking=stack.graph.linking,
        )
        start = day + timedelta(hours=1, minutes=15)
        await SqlHistoryRepository(stack.db).add_session(
            ChargeSession(vehicle_id, start, start + timedelta(minutes=90), 50, 60, 5.2)
        )
        stack.clock.set(day + timedelta(days=1))
        await service.refresh(CHAT)
        (cost,) = await store.costs(CHAT, day, day + timedelta(days=1))
        pence = {s.start: s.pence_per_kwh for s in agile_like_day(day)}
        half = timedelta(minutes=30)
        slot = day + timedelta(hours=1)
        # 15, 30, 30 and 15 minutes of the half-hours from 01:00, pence → pounds
        average = (
            pence[slot] + 2 * pence[slot + half] + 2 * pence[slot + 2 * half] + pence[slot + 3 * half]
        ) / 600
        grid = Decimal("5.2") / Decimal("0.9")
        assert cost.currency == "GBP"
        assert not cost.gaps
        assert cost.cost is not None
        assert abs(cost.cost - grid * average) < Decimal("0.000001")
        assert any("standard-unit-rates" in request.url.path for request in octopus.requests)


class FlatFeed:
    """0.20 EUR/kWh at every hour asked for."""

    async def prices(self, start: datetime, end: datetime) -> list[PriceSlot]:
        hour = start.replace(minute=0, second=0, microsecond=0)
        hours = int((end - hour) / timedelta(hours=1)) + 1
        return [
            PriceSlot(hour + timedelta(hours=h), hour + timedelta(hours=h + 1), Decimal("0.20"), "EUR")
            for h in range(hours)
        ]


async def test_a_simulated_car_that_reports_its_energy_is_priced_from_its_counter(tmp_path: Path) -> None:
    options = GraphOptions(max_calls_per_hour=60, poller=PollerSettings(tick_seconds=60))
    async with service_stack(tmp_path, options) as stack:
        account = stack.sim.add_account(f.EMAIL, "s3cret-pass")
        vin = stack.sim.add_vehicle(account, "X102VE", battery_level=40).vin
        assert isinstance(await stack.graph.linking.begin(CHAT, "fr_FR", f.EMAIL, "s3cret-pass"), LinkResult)

        async def run(minutes: int, step: int) -> None:
            for _ in range(0, minutes, step):
                stack.clock.advance(minutes=step)
                await stack.graph.poller.tick()

        await run(30, 1)
        stack.sim.plug(vin)
        await run(4 * 60, 5)
        stack.sim.unplug(vin)
        await run(60, 5)

        vehicle = (await stack.graph.stores.vehicles.vehicles_for_chat(CHAT))[0]
        store = SqlCostStore(stack.db, stack.cipher)
        (session,) = await store.sessions(
            vehicle.vehicle_id, stack.clock() - timedelta(days=1), stack.clock()
        )
        # The simulator reports the battery's energy (52 kWh × level, rounded to the kWh) with each reading.
        assert session.start_level is not None
        assert session.end_level == 100
        assert session.start_energy_kwh == round(52 * session.start_level / 100)
        assert session.end_energy_kwh == 52
        assert session.energy_method is EnergyMethod.REPORTED
        reported = 52 - round(52 * session.start_level / 100)
        assert session.energy_kwh == reported

        def factory(_choice: TariffChoice, _zone: str) -> TariffProvider:
            return FlatFeed()

        service = CostService(
            store,
            Choices(FEED),
            factory,
            stack.graph.stores.vehicles,
            stack.graph.stores.chats,
            stack.graph.gateway,
            stack.clock,
            linking=stack.graph.linking,
        )
        await service.refresh(CHAT)
        (cost,) = await store.costs(CHAT, session.started_at, session.started_at + timedelta(seconds=1))
        assert cost.method is EnergyMethod.REPORTED
        assert cost.battery_kwh == Decimal(str(float(reported)))
        assert cost.cost == (Decimal(reported) / Decimal("0.9") * Decimal("0.20")).quantize(
            Decimal("0.000001")
        )
