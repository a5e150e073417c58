"""Poller benchmark: N linked vehicles (one account each) on the simulator served over loopback.

Prints the wall time of one full sweep (every vehicle due, polled once), the peak RSS and the Renault requests
per vehicle per sweep. The first sweep is a warm-up (JWTs, the daily cockpit read); the second is the steady
state that the targets are about (<= 30 s, <= 300 MB, 1 request per vehicle).

By default the simulator runs in its own process (`python -m bot.simulator`), as Renault would: the bot's
process, whose time and memory are measured, does only the bot's work. `--in-process` serves it from the
benchmark's own event loop instead (both sides then share one core).

    python -m bench.poll [--vehicles 10000] [--latency-ms 100] [--concurrency 100] [--database-url URL]
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
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

from bot.app.graph import GraphOptions, build_graph
from bot.app.http import new_http_client
from bot.app.run import tune_garbage_collector
from bot.domain.events import Event
from bot.domain.preferences import ChatSettings
from bot.features.linking.use_cases.linking import LinkingService
from bot.features.polling.jobs import PollerSettings
from bot.persistence.crypto import CredentialCipher, generate_key
from bot.persistence.engine import Database
from bot.persistence.migrations import upgrade_database
from bot.renault.locales import LocaleOverrides
from bot.services.outbox_ports import DeliveryResult, DeliveryStatus
from bot.simulator.http_server import LoopbackServer
from bot.simulator.renault.simulator import RenaultSimulator
from tests.support.clock import FakeClock

PASSWORD = "bench-pw"


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


async def link_all(core_linking: LinkingService, emails: list[str], password: str) -> None:
    """Link each account to its own chat (done before latency is added)."""
    semaphore = asyncio.Semaphore(50)

    async def link(n: int, email: str) -> None:
        async with semaphore:
            await core_linking.begin(10_000 + n, "fr_FR", email, password)

    await asyncio.gather(*(link(n, email) for n, email in enumerate(emails)))


@asynccontextmanager
async def in_process_simulator(vehicles: int, latency_ms: float) -> AsyncIterator[Backend]:
    """The simulator on this event loop (fake clock shared with the bot)."""
    sim = RenaultSimulator(FakeClock(), keep_records=1000)
    emails = [f"bench{n}@example.com" for n in range(vehicles)]
    for email in emails:
        sim.add_vehicle(sim.add_account(email, PASSWORD), "X102VE", battery_level=60)

    async def slow_down() -> None:
        sim.latency_s = latency_ms / 1000

    async with LoopbackServer(sim.handle) as server:
        yield Backend(server.url, emails, slow_down)


@asynccontextmanager
async def separate_simulator(vehicles: int, latency_ms: float) -> AsyncIterator[Backend]:
    """`python -m bot.simulator` in a child process, on the wall clock."""
    child = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot.simulator", "--port", "0", "--accounts", str(vehicles),
        "--model", "X102VE", "--password", PASSWORD,
        stdout=asyncio.subprocess.PIPE,
    )  # fmt: skip
    try:
        assert child.stdout is not None
        first = (await asyncio.wait_for(child.stdout.readline(), timeout=120)).decode()
        url = first.rsplit(" ", 1)[-1].strip()

        async def slow_down() -> None:
            async with httpx.AsyncClient() as control:
                (await control.post(f"{url}/_sim/latency", params={"ms": latency_ms})).raise_for_status()

        emails = [f"user{n}@example.com" for n in range(1, vehicles + 1)]
        yield Backend(url, emails, slow_down)
    finally:
        child.terminate()
        await child.wait()


@dataclass(frozen=True, slots=True)
class Backend:
    """Where the simulator is, who to log in as, and how to switch its latency on."""

    url: str
    emails: list[str]
    slow_down: Callable[[], Awaitable[None]]


async def run(
    vehicles: int,
    latency_ms: float,
    concurrency: int,
    database_url: str | None,
    profile: bool = False,
    in_process: bool = False,
) -> None:
    """Set up, warm up, then time one steady-state sweep."""
    tune_garbage_collector()  # as `python -m bot` and `python -m bot worker` do
    clock = FakeClock()
    requests = 0

    async def count(request: httpx.Request) -> None:
        nonlocal requests
        requests += 1

    serve = in_process_simulator if in_process else separate_simulator
    with tempfile.TemporaryDirectory() as tmp:
        db = Database.from_url(database_url or f"sqlite:///{Path(tmp) / 'bench.db'}")
        await upgrade_database(db)
        async with serve(vehicles, latency_ms) as backend, new_http_client() as http:  # the bot's own client
            http.event_hooks = {**http.event_hooks, "request": [count]}
            overrides = LocaleOverrides(
                gigya_url=f"{backend.url}/gigya", kamereon_url=f"{backend.url}/kamereon"
            )
            settings = PollerSettings(batch_size=concurrency * 2, concurrency=concurrency, lease_seconds=600)
            options = GraphOptions(
                locale_overrides=overrides, max_calls_per_hour=60, poll_interval_seconds=60, poller=settings
            )
            cipher = CredentialCipher.from_setting(generate_key())
            parts = build_graph(http, db, cipher, clock, CountingNotifier(), options)
            started = time.perf_counter()
            await link_all(parts.linking, backend.emails, PASSWORD)
            print(f"linked {vehicles} accounts in {time.perf_counter() - started:.1f} s")
            await backend.slow_down()
            for label in ("warm-up sweep", "steady sweep"):
                clock.advance(seconds=120)  # everything due again, JWTs still valid (15 min)
                before = requests
                profiler = cProfile.Profile() if profile and label == "steady sweep" else None
                started, cpu_started = time.perf_counter(), time.process_time()
                loop_cpu_started = time.thread_time()
                if profiler is not None:
                    profiler.enable()
                report = await parts.poller.tick()
                elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu_started
                loop_cpu = time.thread_time() - loop_cpu_started
                if profiler is not None:
                    profiler.disable()
                    pstats.Stats(profiler).sort_stats("tottime").print_stats(45)
                made = requests - before
                print(
                    f"{label}: {report.polled} vehicles polled ({report.failed} failed) in {elapsed:.1f} s; "
                    f"{made} requests = {made / max(report.polled, 1):.2f} per vehicle; "
                    f"bot CPU {cpu:.1f} s = {1000 * cpu / max(report.polled, 1):.2f} ms per vehicle "
                    f"(event loop {loop_cpu:.1f} s, other threads: {cpu - loop_cpu:.1f} s)"
                )
        await db.dispose()
    where = "in this process" if in_process else "in a separate process"
    print(f"peak RSS: {peak_rss_mb():.0f} MB (the bot's process; simulator {where})")


def main() -> None:
    """Parse the arguments and run the benchmark."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--vehicles", type=int, default=10_000)
    parser.add_argument("--latency-ms", type=float, default=100.0)
    parser.add_argument("--concurrency", type=int, default=100)
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--profile", action="store_true", help="print a cProfile of the steady sweep")
    parser.add_argument("--in-process", action="store_true", help="serve the simulator from this process")
    args = parser.parse_args()
    asyncio.run(
        run(
            args.vehicles, args.latency_ms, args.concurrency, args.database_url, args.profile, args.in_process
        )
    )


if __name__ == "__main__":
    main()
