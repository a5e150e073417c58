"""Benchmark of the Renault client against the simulator served on loopback with 100 ms latency.

Prints (a) a warm status read, (b) requests and round trips of a cold login + status,
(c) throughput of 1,000 different vehicles read concurrently.  Run: `python -m bench.client`.
"""

from __future__ import annotations

import asyncio
import time
from datetime import UTC, datetime

import httpx

from bot.app.http import new_http_client
from bot.renault.client import RenaultClient
from bot.renault.gigya import LoginResult
from bot.renault.locales import LocaleOverrides
from bot.renault.vehicle import RenaultVehicle
from bot.simulator.http_server import LoopbackServer
from bot.simulator.renault.simulator import RenaultSimulator

LATENCY_S = 0.1
EMAIL, PASSWORD = "bench@example.com", "bench-password"


async def status(car: RenaultVehicle) -> None:
    """The four reads a status card needs, run together."""
    await asyncio.gather(car.battery_status(), car.cockpit(), car.hvac_status(), car.location())


async def main() -> None:
    """Run the three measurements and print them."""
    sim = RenaultSimulator(lambda: datetime.now(UTC), latency_s=LATENCY_S)
    account = sim.add_account(EMAIL, PASSWORD)
    first = sim.add_vehicle(account, "X102VE")
    fleet = [sim.add_vehicle(account, "X102VE") for _ in range(1000)]
    calls = 0

    async def counting(request: httpx.Request) -> httpx.Response:
        nonlocal calls
        calls += 1
        return await sim.handle(request)

    async with LoopbackServer(counting) as server, new_http_client() as http:  # the bot's own client
        overrides = LocaleOverrides(gigya_url=f"{server.url}/gigya", kamereon_url=f"{server.url}/kamereon")
        client = RenaultClient(http, overrides=overrides)

        # (b) cold login + status
        started = time.perf_counter()
        result = await client.login("fr_FR", EMAIL, PASSWORD)
        assert isinstance(result, LoginResult)
        renault = client.account(result.credentials, "bench")
        vehicles = await renault.vehicles()
        car = renault.vehicle(vehicles[0].account_id, first.vin, first.model_code)
        await status(car)
        cold = time.perf_counter() - started
        print(f"(b) cold login + status: {calls} requests, {cold:.2f} s = {cold / LATENCY_S:.1f} round trips")

        # (a) warm status read
        started = time.perf_counter()
        await status(car)
        warm = time.perf_counter() - started
        print(
            f"(a) warm status read (4 endpoints): {warm * 1000:.0f} ms"
            f" = {warm / LATENCY_S:.2f} x one round trip"
        )

        # (c) 1,000 different vehicles, concurrently
        cars = [renault.vehicle(account.account_id, c.vin, c.model_code) for c in fleet]
        before = calls
        started = time.perf_counter()
        await asyncio.gather(*(c.battery_status() for c in cars))
        spent = time.perf_counter() - started
        print(
            f"(c) 1,000 vehicles battery-status: {calls - before} requests in {spent:.2f} s "
            f"= {len(cars) / spent:.0f} vehicles/s"
        )


if __name__ == "__main__":
    asyncio.run(main())
