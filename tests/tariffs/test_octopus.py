"""Octopus Agile prices: parsing, pagination, and errors translated into the tariff exception tree."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import httpx
import pytest

from bot.domain.tariff import TariffFormatError, TariffUnavailable
from bot.simulator.tariff import SimSlot, TariffFault, TariffSimulator, agile_like_day
from bot.tariffs.fetch import FeedFetch, GuardedFetcher
from bot.tariffs.octopus import OctopusAgileTariff
from tests.support.feeds import InProcessFeeds, served_feeds

DAY = datetime(2026, 3, 10, tzinfo=UTC)
BASE = "https://api.octopus.test"


@pytest.fixture
def sim() -> TariffSimulator:
    return TariffSimulator(agile_like_day(DAY), page_size=10)


@pytest.fixture
async def client(sim: TariffSimulator) -> AsyncIterator[InProcessFeeds]:
    async with InProcessFeeds(sim) as shared:
        yield shared


def _agile(client: FeedFetch, region: str = "C") -> OctopusAgileTariff:
    return OctopusAgileTariff(client, region, product="AGILE-24-10-01", base_url=BASE)


async def test_all_pages_are_followed_and_slots_come_sorted_in_pounds(
    sim: TariffSimulator, client: FeedFetch
) -> None:
    slots = await _agile(client).prices(DAY, DAY + timedelta(days=1))
    assert len(slots) == 48
    assert len(sim.requests) == 5  # 48 results in pages of 10
    assert [s.start for s in slots] == sorted(s.start for s in slots)
    assert slots[0].price_per_kwh == sim.slots[0].pence_per_kwh / 100
    assert all(s.currency == "GBP" for s in slots)
    assert isinstance(slots[0].price_per_kwh, Decimal)


async def test_request_names_product_region_and_period(sim: TariffSimulator, client: FeedFetch) -> None:
    await _agile(client, region="j").prices(DAY, DAY + timedelta(hours=2))
    first = sim.requests[0]
    assert first.url.path == (
        "/v1/products/AGILE-24-10-01/electricity-tariffs/E-1R-AGILE-24-10-01-J/standard-unit-rates/"
    )
    assert first.url.params["period_from"] == "2026-03-10T00:00:00Z"
    assert first.url.params["period_to"] == "2026-03-10T02:00:00Z"


async def test_only_slots_overlapping_the_period_are_returned(client: FeedFetch) -> None:
    start = DAY + timedelta(hours=3, minutes=15)
    slots = await _agile(client).prices(start, start + timedelta(hours=1))
    assert [s.start for s in slots] == [DAY + timedelta(hours=3, minutes=30 * i) for i in range(3)]


def test_unknown_region_letter_is_refused() -> None:
    with pytest.raises(ValueError, match="region"):
        OctopusAgileTariff(GuardedFetcher(), "I")


@pytest.mark.parametrize("fault", [TariffFault.SERVER_ERROR, TariffFault.NOT_FOUND])
async def test_http_errors_become_tariff_unavailable(
    sim: TariffSimulator, client: FeedFetch, fault: TariffFault
) -> None:
    sim.fail_next(fault)
    with pytest.raises(TariffUnavailable, match="HTTP"):
        await _agile(client).prices(DAY, DAY + timedelta(days=1))


async def test_error_on_a_later_page_is_reported_too(sim: TariffSimulator) -> None:
    calls = 0

    async def handler(request: httpx.Request) -> httpx.Response:
        nonlocal calls
        calls += 1
        if calls == 2:
            sim.fail_next(TariffFault.SERVER_ERROR)
        return await sim(request)

    async with InProcessFeeds(handler) as client:
        with pytest.raises(TariffUnavailable):
            await _agile(client).prices(DAY, DAY + timedelta(days=1))
    assert calls == 2


@pytest.mark.parametrize("fault", [TariffFault.BAD_JSON, TariffFault.WRONG_SHAPE])
async def test_malformed_answers_become_format_errors(
    sim: TariffSimulator, client: FeedFetch, fault: TariffFault
) -> None:
    sim.fail_next(fault)
    with pytest.raises(TariffFormatError):
        await _agile(client).prices(DAY, DAY + timedelta(days=1))


@pytest.mark.parametrize(
    "result",
    [
        {"value_inc_vat": "abc", "valid_from": "2026-03-10T00:00:00Z", "valid_to": "2026-03-10T00:30:00Z"},
        {"value_inc_vat": 10.5, "valid_from": "2026-03-10T00:00:00", "valid_to": "2026-03-10T00:30:00Z"},
        {"value_inc_vat": 10.5, "valid_from": "yesterday", "valid_to": "2026-03-10T00:30:00Z"},
        {"value_inc_vat": 10.5, "valid_from": "2026-03-10T01:00:00Z", "valid_to": "2026-03-10T00:30:00Z"},
        {"value_inc_vat": True, "valid_from": "2026-03-10T00:00:00Z", "valid_to": "2026-03-10T00:30:00Z"},
        "not an object",
    ],
)
async def test_bad_results_become_format_errors(result: object) -> None:
    async def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json={"next": None, "results": [result]})

    async with InProcessFeeds(handler) as client:
        with pytest.raises(TariffFormatError):
            await _agile(client).prices(DAY, DAY + timedelta(days=1))


async def test_null_valid_to_lasts_until_the_end_asked_for() -> None:
    async def handler(request: httpx.Request) -> httpx.Response:
        result = {"value_inc_vat": 24.5, "valid_from": "2026-01-01T00:00:00Z", "valid_to": None}
        return httpx.Response(200, json={"next": None, "results": [result]})

    async with InProcessFeeds(handler) as client:
        (slot,) = await _agile(client).prices(DAY, DAY + timedelta(days=1))
    assert slot.end == DAY + timedelta(days=1)
    assert slot.price_per_kwh == Decimal("0.245")


async def test_next_link_to_another_host_is_not_followed() -> None:
    seen: list[str] = []

    async def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request.url.host)
        return httpx.Response(200, json={"next": "https://evil.test/page2", "results": []})

    async with InProcessFeeds(handler) as client:
        with pytest.raises(TariffFormatError, match="another host"):
            await _agile(client).prices(DAY, DAY + timedelta(days=1))
    assert seen == ["api.octopus.test"]


async def test_endless_pagination_is_cut_off() -> None:
    async def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json={"next": f"{BASE}/again", "results": []})

    async with InProcessFeeds(handler) as client:
        provider = OctopusAgileTariff(client, "C", base_url=BASE, max_pages=3)
        with pytest.raises(TariffFormatError, match="paginating"):
            await provider.prices(DAY, DAY + timedelta(days=1))


async def test_unreachable_server_is_tariff_unavailable_without_httpx_leaking(tmp_path: Path) -> None:
    async with served_feeds(TariffSimulator(), tmp_path) as feeds:
        closed = feeds.base_url
    # The server is gone: its port refuses the connection.
    with pytest.raises(TariffUnavailable, match="could not be reached") as caught:
        await OctopusAgileTariff(feeds.fetcher, "C", base_url=closed).prices(DAY, DAY + timedelta(days=1))
    assert caught.value.__cause__ is None
    assert caught.value.__suppress_context__


async def test_pagination_works_over_https_on_a_real_loopback_socket(tmp_path: Path) -> None:
    sim = TariffSimulator(agile_like_day(DAY), page_size=7)
    async with served_feeds(sim, tmp_path) as feeds:
        provider = OctopusAgileTariff(feeds.fetcher, "A", base_url=feeds.base_url)
        slots = await provider.prices(DAY, DAY + timedelta(days=1))
    assert len(slots) == 48
    assert len(sim.requests) == 7


async def test_duplicate_results_across_pages_are_merged() -> None:
    slot = SimSlot(DAY, DAY + timedelta(minutes=30), Decimal("12.00"))
    sim = TariffSimulator([slot, slot], page_size=1)
    async with InProcessFeeds(sim) as client:
        slots = await _agile(client).prices(DAY, DAY + timedelta(days=1))
    assert len(slots) == 1
