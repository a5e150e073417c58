"""`python -m bot.simulator --port N`: serve the simulated Renault backend on loopback.

Point the bot at it with RENAULT_GIGYA_URL=http://127.0.0.1:N/gigya and
RENAULT_KAMEREON_URL=http://127.0.0.1:N/kamereon; the real API keys are accepted.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

import httpx

from bot.simulator.http_server import LoopbackServer
from bot.simulator.renault import RenaultSimulator

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class SimulatorOptions:
    """Command line options of the simulator."""

    port: int
    latency_ms: float
    accounts: int
    vehicles_per_account: int
    model: str
    two_factor: bool
    password: str


def parse_args(argv: Sequence[str] | None = None) -> SimulatorOptions:
    """Parse the command line."""
    parser = argparse.ArgumentParser(prog="python -m bot.simulator", description="Simulated Renault backend")
    parser.add_argument("--port", type=int, default=8080, help="loopback port (0 = any free port)")
    parser.add_argument("--latency-ms", type=float, default=0.0, help="delay added to every answer")
    parser.add_argument("--accounts", type=int, default=1, help="accounts user1@example.com ... to create")
    parser.add_argument("--vehicles-per-account", type=int, default=1)
    parser.add_argument("--model", default="R5E1VE", help="model code of the created vehicles")
    parser.add_argument("--two-factor", action="store_true", help="accounts require the e-mailed code")
    parser.add_argument("--password", default="password", help="password of every created account")
    ns = parser.parse_args(argv)
    return SimulatorOptions(
        port=ns.port,
        latency_ms=ns.latency_ms,
        accounts=ns.accounts,
        vehicles_per_account=ns.vehicles_per_account,
        model=ns.model,
        two_factor=ns.two_factor,
        password=ns.password,
    )


def build_simulator(options: SimulatorOptions) -> RenaultSimulator:
    """A simulator on the wall clock, populated as the options say."""
    sim = RenaultSimulator(lambda: datetime.now(UTC), latency_s=options.latency_ms / 1000.0)
    for i in range(1, options.accounts + 1):
        account = sim.add_account(f"user{i}@example.com", options.password, two_factor=options.two_factor)
        for _ in range(options.vehicles_per_account):
            sim.add_vehicle(account, options.model)
    return sim


def control(sim: RenaultSimulator) -> Callable[[httpx.Request], Awaitable[httpx.Response]]:
    """The simulator plus `POST /_sim/latency?ms=N` (a benchmark sets up fast, then adds latency) and
    `GET /_sim/requests` (the request counters: total, per endpoint key and per VIN, for the benchmarks)."""

    async def handle(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/_sim/requests" and request.method == "GET":
            counts = {"total": sim.log.total, "by_key": sim.log.by_key, "by_vin": sim.log.by_vin}
            return httpx.Response(200, json=counts)
        if request.url.path == "/_sim/latency" and request.method == "POST":
            try:
                sim.latency_s = max(float(request.url.params.get("ms", "0")), 0.0) / 1000.0
            except ValueError:
                return httpx.Response(400, text="ms must be a number")
            return httpx.Response(204)
        return await sim.handle(request)

    return handle


async def serve(options: SimulatorOptions) -> None:
    """Serve until cancelled (Ctrl-C)."""
    sim = build_simulator(options)
    async with LoopbackServer(control(sim), port=options.port) as server:
        print(f"Renault simulator on {server.url}", flush=True)
        print(f"  RENAULT_GIGYA_URL={server.url}/gigya")
        print(f"  RENAULT_KAMEREON_URL={server.url}/kamereon")
        await asyncio.Event().wait()


def main(argv: Sequence[str] | None = None) -> None:
    """Entry point."""
    logging.basicConfig(level=logging.INFO)
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(serve(parse_args(argv)))


if __name__ == "__main__":
    main()
