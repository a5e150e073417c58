"""Poller benchmark: N linked vehicles (one account each) on the simulator served over loopback.

Prints the wall time of one full sweep (every vehicle due, polled once), the peak RSS and the Renault requests
per vehicle per sweep. The first sweep is a warm-up (JWTs, the daily cockpit read); the second is the steady
state that the targets are about (<= 30 s, <= 300 MB, 1 request per vehicle).

    python -m bench.poll [--vehicles 10000] [--latency-ms 100] [--concurrency 500] [--database-url URL]
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import pstats
import resource
import sys
import tempfile
import time
from pathlib import Path

import httpx

from bot.domain.events import Event
from bot.domain.preferences import ChatSettings
from bot.persistence.crypto import CredentialCipher, generate_key
from bot.persistence.engine import Database
from bot.persistence.migrations import upgrade_database
from bot.poller.scheduler import PollerSettings
from bot.renault.locales import LocaleOverrides
from bot.services.linking import LinkingService
from bot.services.notify import DeliveryResult, DeliveryStatus
from bot.simulator.http_server import LoopbackServer
from bot.simulator.renault.simulator import RenaultSimulator
from bot.wiring import CoreOptions, build_core, build_polling
from tests.support.clock import FakeClock


class CountingNotifier:
    """Telegram stand-in: counts the pings."""

    def __init__(self) -> None:
        self.sent = 0

    async def send(self, chat: ChatSettings, event: Event) -> DeliveryResult:
        """Count and accept."""
        self.sent += 1
        return DeliveryResult(DeliveryStatus.SENT)


def peak_rss_mb() -> float:
    """Peak resident set size of this process (ru_maxrss is KiB on Linux, bytes on macOS)."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


async def link_all(core_linking: LinkingService, sim: RenaultSimulator, count: int) -> None:
    """Create `count` accounts with one car each and link each to its own chat (no latency while linking)."""
    for n in range(count):
        account = sim.add_account(f"bench{n}@example.com", "bench-pw")
        sim.add_vehicle(account, "X102VE", battery_level=60)
    semaphore = asyncio.Semaphore(50)

    async def link(n: int) -> None:
        async with semaphore:
            await core_linking.begin(10_000 + n, "fr_FR", f"bench{n}@example.com", "bench-pw")

    await asyncio.gather(*(link(n) for n in range(count)))


async def run(
    vehicles: int,
    latency_ms: float,
    concurrency: int,
    database_url: str | None,
    profile: bool = False,
) -> None:
    """Set up, warm up, then time one steady-state sweep."""
    clock = FakeClock()
    sim = RenaultSimulator(clock, keep_records=1000)
    requests = 0

    async def counting(request: httpx.Request) -> httpx.Response:
        nonlocal requests
        requests += 1
        return await sim.handle(request)

    with tempfile.TemporaryDirectory() as tmp:
        db = Database.from_url(database_url or f"sqlite:///{Path(tmp) / 'bench.db'}")
        await upgrade_database(db)
        limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
        async with LoopbackServer(counting) as server, httpx.AsyncClient(limits=limits, timeout=120) as http:
            overrides = LocaleOverrides(
                gigya_url=f"{server.url}/gigya", kamereon_url=f"{server.url}/kamereon"
            )
            options = CoreOptions(locale_overrides=overrides, max_calls_per_hour=60)
            core = build_core(http, db, CredentialCipher.from_setting(generate_key()), clock, options)
            started = time.perf_counter()
            await link_all(core.linking, sim, vehicles)
            print(f"linked {vehicles} accounts in {time.perf_counter() - started:.1f} s")
            settings = PollerSettings(batch_size=concurrency * 2, concurrency=concurrency, lease_seconds=600)
            parts = build_polling(
                core, CountingNotifier(), poll_interval_seconds=60, poller_settings=settings
            )
            sim.latency_s = latency_ms / 1000
            for label in ("warm-up sweep", "steady sweep"):
                clock.advance(seconds=120)  # everything due again, JWTs still valid (15 min)
                before = requests
                profiler = cProfile.Profile() if profile and label == "steady sweep" else None
                started = time.perf_counter()
                if profiler is not None:
                    profiler.enable()
                report = await parts.poller.tick()
                elapsed = time.perf_counter() - started
                if profiler is not None:
                    profiler.disable()
                    pstats.Stats(profiler).sort_stats("tottime").print_stats(45)
                made = requests - before
                print(
                    f"{label}: {report.polled} vehicles polled ({report.failed} failed) in {elapsed:.1f} s; "
                    f"{made} requests = {made / max(report.polled, 1):.2f} per vehicle"
                )
        await db.dispose()
    print(f"peak RSS: {peak_rss_mb():.0f} MB")


def main() -> None:
    """Parse the arguments and run the benchmark."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--vehicles", type=int, default=10_000)
    parser.add_argument("--latency-ms", type=float, default=100.0)
    parser.add_argument("--concurrency", type=int, default=500)
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--profile", action="store_true", help="print a cProfile of the steady sweep")
    args = parser.parse_args()
    asyncio.run(run(args.vehicles, args.latency_ms, args.concurrency, args.database_url, args.profile))


if __name__ == "__main__":
    main()
