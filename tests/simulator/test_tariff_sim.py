"""The simulated tariff server answers like Octopus and the generic feed, and injects faults on request."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx

from bot.simulator.tariff import TariffFault, TariffSimulator, agile_like_day

DAY = datetime(2026, 3, 10, tzinfo=UTC)
RATES = "/v1/products/AGILE-X/electricity-tariffs/E-1R-AGILE-X-C/standard-unit-rates/"


async def _get(sim: TariffSimulator, url: str) -> httpx.Response:
    async with httpx.AsyncClient(transport=httpx.MockTransport(sim)) as client:
        return await client.get(url)


def test_agile_like_day_is_cheapest_at_night_and_dearest_at_teatime() -> None:
    day = agile_like_day(DAY)
    cheapest = min(day, key=lambda s: s.pence_per_kwh)
    dearest = max(day, key=lambda s: s.pence_per_kwh)
    assert len(day) == 48
    assert cheapest.start.hour < 6
    assert 16 <= dearest.start.hour < 19


async def test_octopus_pages_newest_first_with_absolute_next_link() -> None:
    sim = TariffSimulator(agile_like_day(DAY), page_size=20)
    first = (await _get(sim, f"https://sim.test{RATES}")).json()
    assert first["count"] == 48
    assert first["results"][0]["valid_from"] == "2026-03-10T23:30:00Z"
    assert first["next"].startswith("https://sim.test/")
    assert "page=2" in first["next"]
    last = (await _get(sim, f"https://sim.test{RATES}?page=3")).json()
    assert len(last["results"]) == 8
    assert last["next"] is None


async def test_octopus_period_filter() -> None:
    sim = TariffSimulator(agile_like_day(DAY))
    frm, to = "2026-03-10T01:00:00Z", "2026-03-10T02:00:00Z"
    body = (await _get(sim, f"https://sim.test{RATES}?period_from={frm}&period_to={to}")).json()
    assert sorted(r["valid_from"] for r in body["results"]) == [
        "2026-03-10T01:00:00Z",
        "2026-03-10T01:30:00Z",
    ]


async def test_queued_faults_hit_one_request_each() -> None:
    sim = TariffSimulator(agile_like_day(DAY))
    sim.fail_next(TariffFault.SERVER_ERROR, TariffFault.BAD_JSON)
    assert (await _get(sim, f"https://sim.test{RATES}")).status_code == 503
    assert (await _get(sim, f"https://sim.test{RATES}")).content.startswith(b'{"results": [')
    assert (await _get(sim, f"https://sim.test{RATES}")).status_code == 200


async def test_unknown_path_is_404_and_feeds_serve_every_slot() -> None:
    sim = TariffSimulator(agile_like_day(DAY) + agile_like_day(DAY + timedelta(days=1)))
    assert (await _get(sim, "https://sim.test/nothing")).status_code == 404
    assert len((await _get(sim, "https://sim.test/prices.json")).json()["prices"]) == 96
    assert (await _get(sim, "https://sim.test/prices.csv")).text.count("\n") == 97
