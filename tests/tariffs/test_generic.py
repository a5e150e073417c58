"""The generic JSON/CSV price feed: the documented format, its defaults, and its errors."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import httpx
import pytest

from bot.domain.tariff import PriceSlot, TariffFormatError, TariffUnavailable
from bot.simulator.tariff import TariffFault, TariffSimulator, agile_like_day
from bot.tariffs.fetch import GuardedFetcher
from bot.tariffs.generic import GenericUrlTariff
from tests.support.feeds import InProcessFeeds, served_feeds

DAY = datetime(2026, 3, 29, tzinfo=UTC)
WIDE = (DAY - timedelta(days=2), DAY + timedelta(days=2))


def _serving(body: str | bytes, content_type: str = "") -> InProcessFeeds:
    async def handler(request: httpx.Request) -> httpx.Response:
        headers = {"content-type": content_type} if content_type else {}
        content = body.encode() if isinstance(body, str) else body
        return httpx.Response(200, content=content, headers=headers)

    return InProcessFeeds(handler)


async def _prices(body: str | bytes, content_type: str = "", currency: str = "EUR") -> list[PriceSlot]:
    async with _serving(body, content_type) as client:
        return await GenericUrlTariff(client, "https://feed.test/p?token=s3cret", currency).prices(*WIDE)


async def test_json_with_explicit_ends_offsets_and_currency() -> None:
    body = """{"currency": "sek", "prices": [
      {"start": "2026-03-29T02:00:00+01:00", "end": "2026-03-29T03:00:00+01:00", "price": "0.5"},
      {"start": "2026-03-29T00:00:00Z", "end": "2026-03-29T01:00:00Z", "price": 1.25}]}"""
    slots = await _prices(body, "application/json")
    assert [(s.start, s.end, s.price_per_kwh) for s in slots] == [
        (DAY, DAY + timedelta(hours=1), Decimal("1.25")),
        (DAY + timedelta(hours=1), DAY + timedelta(hours=2), Decimal("0.5")),
    ]
    assert {s.currency for s in slots} == {"SEK"}


async def test_missing_end_runs_to_next_start_then_resolution() -> None:
    body = """{"resolution_minutes": 15, "prices": [
      {"start": "2026-03-29T00:00:00Z", "price": 0.1},
      {"start": "2026-03-29T01:00:00Z", "price": 0.2}]}"""
    slots = await _prices(body)
    assert [(s.start, s.end) for s in slots] == [
        (DAY, DAY + timedelta(hours=1)),
        (DAY + timedelta(hours=1), DAY + timedelta(hours=1, minutes=15)),
    ]
    assert slots[0].currency == "EUR"


async def test_csv_with_columns_in_any_order() -> None:
    body = "price,start,currency\n0.30,2026-03-29T00:00:00Z,NOK\n0.10,2026-03-29T01:00:00Z,\n"
    slots = await _prices(body, "text/csv", currency="DKK")
    assert [(s.price_per_kwh, s.currency) for s in slots] == [
        (Decimal("0.30"), "NOK"),
        (Decimal("0.10"), "DKK"),
    ]
    assert slots[1].end == DAY + timedelta(hours=2)


async def test_format_is_sniffed_without_a_content_type() -> None:
    csv_slots = await _prices("start,end,price\n2026-03-29T00:00:00Z,2026-03-29T00:30:00Z,0.2\n")
    json_slots = await _prices('{"prices": [{"start": "2026-03-29T00:00:00Z", "price": 0.2}]}')
    assert len(csv_slots) == len(json_slots) == 1


async def test_only_slots_inside_the_period_are_kept() -> None:
    body = """{"prices": [{"start": "2020-01-01T00:00:00Z", "end": "2020-01-01T01:00:00Z", "price": 0.1},
      {"start": "2026-03-29T00:00:00Z", "price": 0.2}]}"""
    slots = await _prices(body)
    assert [s.price_per_kwh for s in slots] == [Decimal("0.2")]


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        ("{not json", "application/json"),
        ('{"prices": "none"}', "application/json"),
        ('[{"start": "2026-03-29T00:00:00Z", "price": 1}]', ""),
        ('{"prices": [{"start": "2026-03-29T00:00:00", "price": 1}]}', ""),
        ('{"prices": [{"start": "2026-03-29T00:00:00Z", "price": NaN}]}', ""),
        ('{"prices": [{"start": "2026-03-29T00:00:00Z"}]}', ""),
        ('{"currency": "euro", "prices": []}', ""),
        ('{"resolution_minutes": 0, "prices": []}', ""),
        ('{"prices": [{"start": "2026-03-29T01:00:00Z", "end": "2026-03-29T00:00:00Z", "price": 1}]}', ""),
        ("when,cost\n2026-03-29T00:00:00Z,1\n", "text/csv"),
        ("start,price\n2026-03-29T00:00:00Z,cheap\n", "text/csv"),
        (b"start,price\n\xff\xfe,1\n", "text/csv"),
    ],
)
async def test_malformed_documents_are_format_errors(body: str | bytes, content_type: str) -> None:
    with pytest.raises(TariffFormatError):
        await _prices(body, content_type)


async def test_simulated_feed_round_trips_both_formats() -> None:
    sim = TariffSimulator(agile_like_day(DAY))
    async with InProcessFeeds(sim) as client:
        from_json = await GenericUrlTariff(client, "https://feed.test/prices.json").prices(*WIDE)
        from_csv = await GenericUrlTariff(client, "https://feed.test/prices.csv").prices(*WIDE)
    assert from_json == from_csv
    assert len(from_json) == 48


async def test_http_error_is_unavailable_and_never_names_the_url(tmp_path: Path) -> None:
    sim = TariffSimulator()
    sim.fail_next(TariffFault.SERVER_ERROR)
    async with served_feeds(sim, tmp_path) as feeds:
        provider = GenericUrlTariff(feeds.fetcher, f"{feeds.base_url}/prices.json?token=s3cret")
        with pytest.raises(TariffUnavailable) as caught:
            await provider.prices(*WIDE)
    assert "s3cret" not in str(caught.value)
    assert "s3cret" not in repr(provider)


async def test_both_formats_over_https_on_a_real_socket(tmp_path: Path) -> None:
    sim = TariffSimulator(agile_like_day(DAY))
    async with served_feeds(sim, tmp_path) as feeds:
        from_json = await GenericUrlTariff(feeds.fetcher, f"{feeds.base_url}/prices.json").prices(*WIDE)
        from_csv = await GenericUrlTariff(feeds.fetcher, f"{feeds.base_url}/prices.csv").prices(*WIDE)
    assert from_json == from_csv
    assert len(from_json) == 48


async def test_invalid_url_is_unavailable() -> None:
    with pytest.raises(TariffUnavailable):
        await GenericUrlTariff(GuardedFetcher(), "ftp://feed.test/prices.json").prices(*WIDE)
