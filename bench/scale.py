"""Scale-out benchmark: one full sweep of N cars on PostgreSQL by 1, then 2 `python -m bot worker` processes.

One fresh PostgreSQL database for the run (dropped afterwards), N accounts with one car each linked through
the production graph, the Renault simulator in its own process (`python -m bot.simulator`, answering every
request after a fixed latency), the Telegram Bot API emulator in this process; all on loopback. For each
worker count, that many workers are started (POLL_INTERVAL_SECONDS=3600: a car polled once is not due again
within the run), they make a warm-up sweep (logins, the daily cockpit read), then every car is made due at
once and the steady sweep is measured:

- cars per second: the polls made while every worker was polling, over that time (the workers tick on their
  own 5 s clocks, so one may start up to a tick after the other); and the whole sweep, first poll to last;
- no car polled twice: the simulator's battery-status reads per VIN in the sweep (each must be exactly 1);
- the leases' spread: polls per worker, from each worker's own /metrics;
- per worker: CPU per poll (/proc), peak RSS, and its database traffic per poll through its own counting
  relay (bench.pgwire: statements, round trips, bytes each way), plus the CPU of its PostgreSQL backends;
- the database's own counters (pg_stat_database: commits, rows read and written) per poll;
- the machine: every core's busy time over the sweep, the simulator's CPU and this process's (its relays).

    python -m bench.scale [--cars 10000] [--latency-ms 100] [--workers 1 2] [--concurrency N]
                          [--database-url URL]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import httpx
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from bench.bot_poll import BATTERY, stop_bot, tail
from bench.pgwire import CountingRelay, WireCounts
from bench.poll import PASSWORD, Backend, link_all, separate_simulator
from bench.replicas import process_cpu
from bot.app.graph import GraphOptions, build_graph, system_clock
from bot.app.http import new_http_client
from bot.persistence.crypto import CredentialCipher, generate_key
from bot.persistence.engine import Database
from bot.persistence.migrations import upgrade_database
from bot.renault.locales import LocaleOverrides
from bot.simulator.http_server import LoopbackServer
from bot.simulator.telegram import TelegramEmulator
from tests.support.fakes import RecordingNotifier
from tests.support.replicas import free_port, fresh_database

SWEEP_TIMEOUT_S = 900.0
SAMPLE_EVERY_S = 0.2
PG_COUNTERS = ("xact_commit", "tup_returned", "tup_fetched", "tup_inserted", "tup_updated", "tup_deleted")


@dataclass
class Worker:
    """One `python -m bot worker` process, its health port and the relay its database traffic goes through."""

    name: str
    process: subprocess.Popen[bytes]
    health_port: int
    relay: CountingRelay
    log_path: Path


@dataclass(frozen=True, slots=True)
class WorkerFigures:
    """One worker's share of the steady sweep."""

    polls: int
    cpu_seconds: float
    wire: WireCounts
    backend_cpu_seconds: float
    peak_rss_mb: float
    connections: int


@dataclass(frozen=True, slots=True)
class Sweep:
    """What one steady sweep measured."""

    workers: list[WorkerFigures]
    cars_per_second: float
    sweep_seconds: float
    overlap_seconds: float
    polled_once: int
    polled_twice: int
    not_polled: int
    renault_requests: int
    database: dict[str, int] = field(default_factory=dict)
    # What else the sweep cost the machine: every core's busy time, the simulator's and this process's CPU
    # (its relays and sampling), and the load average after it. A sweep that kept every core busy measured
    # the machine, not how far a worker goes.
    cores_busy: float = 0.0
    simulator_cpu_seconds: float = 0.0
    bench_cpu_seconds: float = 0.0
    load_average: tuple[float, float, float] = (0.0, 0.0, 0.0)


async def polls_of(client: httpx.AsyncClient, worker: Worker) -> int:
    """Polls the worker made so far, every outcome (its own renault_bot_polls_total)."""
    answer = await client.get(f"http://127.0.0.1:{worker.health_port}/metrics")
    total = 0.0
    for line in answer.text.splitlines():
        if line.startswith("renault_bot_polls_total{"):
            total += float(line.rsplit(" ", 1)[1])
    return int(total)


async def battery_reads(client: httpx.AsyncClient, backend: Backend) -> tuple[int, int, dict[str, int]]:
    """All requests, battery-status reads, and requests per VIN the simulator answered so far."""
    answer = (await client.get(f"{backend.url}/_sim/requests")).json()
    return int(answer["total"]), int(answer["by_key"].get(BATTERY, 0)), dict(answer["by_vin"])


def peak_rss_mb(pid: int) -> float:
    """A process's peak resident set size (VmHWM), in MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def machine_cpu() -> tuple[float, float]:
    """Busy and total CPU seconds of every core so far (/proc/stat; idle and iowait are not busy)."""
    fields = [int(x) for x in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    tick = os.sysconf("SC_CLK_TCK")
    total = sum(fields[:8])  # user nice system idle iowait irq softirq steal (guest is inside user)
    return (total - fields[3] - fields[4]) / tick, total / tick


def simulator_pid() -> int:
    """The pid of our `python -m bot.simulator` child (0 when none is found)."""
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            parent = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            command = (entry / "cmdline").read_bytes()
        except OSError:
            continue
        if parent == os.getpid() and b"bot.simulator" in command:
            return int(entry.name)
    return 0


async def database_counters(engine: AsyncEngine) -> dict[str, int]:
    """The scratch database's pg_stat_database counters (fresh: the snapshot is cleared first)."""
    async with engine.connect() as conn:
        await conn.execute(text("SELECT pg_stat_clear_snapshot()"))
        # A fixed list of column names of ours: nothing here comes from outside input.
        query = f"SELECT {', '.join(PG_COUNTERS)} FROM pg_stat_database WHERE datname = current_database()"  # noqa: S608
        row = (await conn.execute(text(query))).one()
    return {name: int(value) for name, value in zip(PG_COUNTERS, row, strict=True)}


async def backend_cpu(engine: AsyncEngine, ports: Mapping[int, str]) -> dict[str, float]:
    """CPU seconds of the PostgreSQL backends serving each worker (matched by the relay's client port)."""
    async with engine.connect() as conn:
        rows = (
            await conn.execute(
                text("SELECT pid, client_port FROM pg_stat_activity WHERE datname = current_database()")
            )
        ).all()
    totals: dict[str, float] = dict.fromkeys(ports.values(), 0.0)
    for pid, client_port in rows:
        name = ports.get(int(client_port or 0))
        if name is not None:
            totals[name] += process_cpu(int(pid))
    return totals


def worker_env(
    *, database_url: str, key: str, token: str, telegram_url: str, renault_url: str, health_port: int
) -> dict[str, str]:
    """A worker's environment: no .env file, no proxy variable, a poll interval longer than the run."""
    keep = {k: v for k, v in os.environ.items() if k in ("PATH", "HOME", "LANG", "PYTHONPATH")}
    return {
        **keep,
        "PYTHONUNBUFFERED": "1",
        "TELEGRAM_BOT_TOKEN": token,
        "TELEGRAM_API_URL": telegram_url,
        "DATABASE_URL": database_url,
        "CREDENTIALS_KEY": key,
        "RENAULT_GIGYA_URL": f"{renault_url}/gigya",
        "RENAULT_KAMEREON_URL": f"{renault_url}/kamereon",
        "RENAULT_MAX_CALLS_PER_HOUR": "0",
        "POLL_INTERVAL_SECONDS": "3600",
        "HEALTH_PORT": str(health_port),
        "LOG_LEVEL": "WARNING",
    }


async def make_all_due(engine: AsyncEngine) -> None:
    """Every car due now (a NULL next poll time is due first)."""
    async with engine.begin() as conn:
        await conn.execute(text("UPDATE vehicle_states SET next_poll_at = NULL"))


async def wait_released(engine: AsyncEngine) -> None:
    """Until no live lease is held (the last batch of a sweep has been given back, or its lease ran out)."""
    while True:
        async with engine.connect() as conn:
            held = (
                await conn.execute(
                    text(
                        "SELECT count(*) FROM vehicle_states "
                        "WHERE lease_owner IS NOT NULL AND lease_expires_at > now()"
                    )
                )
            ).scalar_one()
        if held == 0:
            return
        await asyncio.sleep(SAMPLE_EVERY_S)


async def wait_sweep(
    client: httpx.AsyncClient, backend: Backend, workers: list[Worker], cars: int, start: dict[str, int]
) -> tuple[list[tuple[float, list[int]]], dict[str, int]]:
    """Sample every worker's polls until every car was read once since `start`; the samples and the counts."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + SWEEP_TIMEOUT_S
    samples: list[tuple[float, list[int]]] = []
    while True:
        for worker in workers:
            if worker.process.poll() is not None:
                raise RuntimeError(f"{worker.name} exited:\n{tail(worker.log_path)}")
        polls = [await polls_of(client, w) for w in workers]
        samples.append((time.perf_counter(), polls))
        _, _, by_vin = await battery_reads(client, backend)
        done = sum(1 for vin, n in by_vin.items() if n > start.get(vin, 0))
        if done >= cars:
            return samples, by_vin
        if loop.time() > deadline:
            raise TimeoutError(f"{done} of {cars} cars polled in {SWEEP_TIMEOUT_S:.0f} s")
        await asyncio.sleep(SAMPLE_EVERY_S)


def rates(samples: list[tuple[float, list[int]]]) -> tuple[float, float, float]:
    """Cars/s while every worker polled, that stretch's length, and the whole sweep's length."""
    base = samples[0][1]
    totals = [(t, sum(p) - sum(base)) for t, p in samples]
    started = [t for t, p in samples if sum(p) > sum(base)]
    first = started[0] if started else samples[0][0]
    last_sample = next((t for t, n in totals if n >= totals[-1][1]), samples[-1][0])
    # Every worker busy: from the sample where the last of them had begun to the one where 90 % was done.
    all_in = next((t for t, p in samples if all(a > b for a, b in zip(p, base, strict=True))), first)
    target = 0.9 * totals[-1][1]
    ninety = next((t for t, n in totals if n >= target), last_sample)
    at = dict(totals)
    if ninety - all_in >= 1.0:
        return (at[ninety] - at[all_in]) / (ninety - all_in), ninety - all_in, last_sample - first
    whole = max(last_sample - first, SAMPLE_EVERY_S)  # a sweep shorter than a sample counts as one
    return totals[-1][1] / whole, whole, whole


async def measure(
    client: httpx.AsyncClient,
    backend: Backend,
    workers: list[Worker],
    cars: int,
    engine: AsyncEngine,
    start: dict[str, int],
) -> Sweep:
    """A warm-up sweep (each car read once since `start`, counted before any worker), then the measured."""
    await wait_sweep(client, backend, workers, cars, start)  # the warm-up: every car read once more
    await wait_released(engine)
    await asyncio.sleep(1.5)  # pg_stat_database is flushed about once a second
    total_before, _, before = await battery_reads(client, backend)
    polls_before = [await polls_of(client, w) for w in workers]
    cpu_before = [process_cpu(w.process.pid) for w in workers]
    wire_before = [w.relay.counts.copy() for w in workers]
    backends_before = await backends(engine, workers)
    db_before = await database_counters(engine)
    simulator = simulator_pid()
    machine_before, simulator_before, own_before = machine_cpu(), process_cpu(simulator), time.process_time()
    await make_all_due(engine)
    samples, after = await wait_sweep(client, backend, workers, cars, before)
    await wait_released(engine)
    machine_after, simulator_after, own_after = machine_cpu(), process_cpu(simulator), time.process_time()
    total_after, _, after = await battery_reads(client, backend)
    polls_after = [await polls_of(client, w) for w in workers]
    cpu_after = [process_cpu(w.process.pid) for w in workers]
    backends_after = await backends(engine, workers)
    await asyncio.sleep(1.5)
    db_after = await database_counters(engine)
    per_vin = [after.get(vin, 0) - before.get(vin, 0) for vin in after if vin in start or vin in after]
    figures = [
        WorkerFigures(
            polls=pa - pb,
            cpu_seconds=ca - cb,
            wire=_minus(w.relay.counts, wb),
            backend_cpu_seconds=backends_after.get(w.name, 0.0) - backends_before.get(w.name, 0.0),
            peak_rss_mb=peak_rss_mb(w.process.pid),
            connections=len(w.relay.upstream_ports()),
        )
        for w, pa, pb, ca, cb, wb in zip(
            workers, polls_after, polls_before, cpu_after, cpu_before, wire_before, strict=True
        )
    ]
    rate, overlap, whole = rates(samples)
    return Sweep(
        workers=figures,
        cars_per_second=rate,
        sweep_seconds=whole,
        overlap_seconds=overlap,
        polled_once=sum(1 for n in per_vin if n == 1),
        polled_twice=sum(1 for n in per_vin if n > 1),
        not_polled=cars - sum(1 for n in per_vin if n >= 1),
        renault_requests=total_after - total_before,
        database={k: db_after[k] - db_before[k] for k in PG_COUNTERS},
        cores_busy=(machine_after[0] - machine_before[0])
        / max(machine_after[1] - machine_before[1], 1e-9)
        * (os.cpu_count() or 1),
        simulator_cpu_seconds=simulator_after - simulator_before,
        bench_cpu_seconds=own_after - own_before,
        load_average=os.getloadavg(),
    )


async def backends(engine: AsyncEngine, workers: list[Worker]) -> dict[str, float]:
    """CPU seconds so far of the PostgreSQL backends of each worker's connections."""
    ports = {port: w.name for w in workers for port in w.relay.upstream_ports()}
    return await backend_cpu(engine, ports)


def _minus(now: WireCounts, then: WireCounts) -> WireCounts:
    return WireCounts(
        now.statements - then.statements,
        now.round_trips - then.round_trips,
        now.bytes_sent - then.bytes_sent,
        now.bytes_received - then.bytes_received,
        now.connections - then.connections,
    )


async def start_workers(
    count: int, folder: Path, database_url: str, env: Mapping[str, str], client: httpx.AsyncClient
) -> list[Worker]:
    """`count` workers, each behind its own counting relay; returns once each answers /metrics."""
    url = make_url(database_url)
    workers: list[Worker] = []
    for index in range(count):
        relay = await CountingRelay(url.host or "127.0.0.1", url.port or 5432).__aenter__()
        relayed = url.set(host="127.0.0.1", port=relay.port).render_as_string(hide_password=False)
        health_port = free_port()
        log_path = folder / f"worker{index}.log"
        with log_path.open("ab") as log:
            # Our own interpreter and module; the environment is built here.
            process = subprocess.Popen(  # noqa: ASYNC220 - started once, before anything is measured
                [sys.executable, "-m", "bot", "worker"],
                cwd=folder,
                env={**env, "DATABASE_URL": relayed, "HEALTH_PORT": str(health_port)},
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        workers.append(Worker(f"worker{index}", process, health_port, relay, log_path))
    for worker in workers:
        for _ in range(300):
            if worker.process.poll() is not None:
                raise RuntimeError(f"{worker.name} exited:\n{tail(worker.log_path)}")
            try:
                await polls_of(client, worker)
                break
            except httpx.TransportError:
                await asyncio.sleep(0.2)
    return workers


async def stop_workers(workers: list[Worker]) -> None:
    """SIGTERM each (leases given back), then close the relays."""
    for worker in workers:
        worker.process.terminate()
    for worker in workers:
        await asyncio.to_thread(stop_bot, worker.process)
        await worker.relay.__aexit__(None, None, None)


def report(count: int, sweep: Sweep, cars: int) -> list[str]:
    """The printed lines for one worker count."""
    polls = sum(w.polls for w in sweep.workers) or 1
    wire = WireCounts()
    for w in sweep.workers:
        wire.statements += w.wire.statements
        wire.round_trips += w.wire.round_trips
        wire.bytes_sent += w.wire.bytes_sent
        wire.bytes_received += w.wire.bytes_received
    lines = [
        f"{count} worker(s): {sweep.cars_per_second:.0f} cars/s while all polled "
        f"({sweep.overlap_seconds:.1f} s); whole sweep {cars} cars in {sweep.sweep_seconds:.1f} s "
        "(first poll to last)",
        f"  cars read once {sweep.polled_once}, twice or more {sweep.polled_twice}, "
        f"not read {sweep.not_polled}; "
        f"Renault requests {sweep.renault_requests} = {sweep.renault_requests / polls:.2f} per poll",
        f"  polls per worker: {', '.join(str(w.polls) for w in sweep.workers)}",
    ]
    for index, w in enumerate(sweep.workers):
        n = max(w.polls, 1)
        lines.append(
            f"  worker{index}: CPU {1000 * w.cpu_seconds / n:.2f} ms per poll, "
            f"peak RSS {w.peak_rss_mb:.0f} MB, {w.connections} database connections open; "
            f"its PostgreSQL backends {1000 * w.backend_cpu_seconds / n:.2f} ms per poll"
        )
    lines.append(
        f"  machine: {sweep.cores_busy:.2f} of {os.cpu_count()} cores busy from the sweep's start to its "
        f"leases' release; simulator {1000 * sweep.simulator_cpu_seconds / polls:.2f} ms CPU per poll, "
        f"this process (relays, sampling) {1000 * sweep.bench_cpu_seconds / polls:.2f} ms; load average "
        f"{', '.join(f'{x:.1f}' for x in sweep.load_average)}"
    )
    database = ", ".join(f"{k} {v / polls:.2f}" for k, v in sweep.database.items())
    lines.append(
        f"  database per poll: {wire.statements / polls:.2f} statements, "
        f"{wire.round_trips / polls:.2f} round trips, {wire.bytes_sent / polls:.0f} B sent + "
        f"{wire.bytes_received / polls:.0f} B received; "
        f"pg_stat_database: {database}"
    )
    return lines


async def run(
    cars: int = 10_000,
    latency_ms: float = 100.0,
    counts: tuple[int, ...] = (1, 2),
    admin_url: str = "",
    concurrency: int | None = None,
) -> dict[int, Sweep]:
    """Link once, then each worker count in turn; print the figures, the ratio and the command."""
    print(
        f"bench.scale: {cars} cars (one account each) on PostgreSQL, Renault simulator at {latency_ms:g} ms "
        f"(its own process), workers {', '.join(map(str, counts))}, POLL_CONCURRENCY "
        f"{concurrency or 'default'}; load average "
        f"{', '.join(f'{x:.1f}' for x in os.getloadavg())} on {os.cpu_count()} cores",
        flush=True,
    )
    key = generate_key()
    emu = TelegramEmulator(system_clock)
    results: dict[int, Sweep] = {}
    async with (
        fresh_database(admin_url, "bot_scale") as database_url,
        separate_simulator(cars, 0.0) as backend,
        LoopbackServer(emu.handle) as telegram,
    ):
        db = Database.from_url(database_url)
        await upgrade_database(db)
        overrides = LocaleOverrides(gigya_url=f"{backend.url}/gigya", kamereon_url=f"{backend.url}/kamereon")
        async with new_http_client() as http:
            options = GraphOptions(locale_overrides=overrides, max_calls_per_hour=0)
            graph = build_graph(
                http, db, CredentialCipher.from_setting(key), system_clock, RecordingNotifier(), options
            )
            started = time.perf_counter()
            await link_all(graph.linking, backend.emails, PASSWORD)
            print(f"linked {cars} accounts in {time.perf_counter() - started:.1f} s", flush=True)
        await db.dispose()
        engine = create_async_engine(
            make_url(database_url).set(drivername="postgresql+asyncpg"), isolation_level="AUTOCOMMIT"
        )
        env = worker_env(
            database_url=database_url,
            key=key,
            token=emu.token,
            telegram_url=telegram.url,
            renault_url=backend.url,
            health_port=0,
        )
        if concurrency is not None:  # else the worker's default (POLL_CONCURRENCY, batches of twice it)
            env["POLL_CONCURRENCY"] = str(concurrency)
        try:
            async with httpx.AsyncClient(timeout=30.0) as client:
                (
                    await client.post(f"{backend.url}/_sim/latency", params={"ms": latency_ms})
                ).raise_for_status()
                for count in counts:
                    with tempfile.TemporaryDirectory(prefix="bench-scale-") as folder:
                        await make_all_due(engine)
                        # Counted before the workers start: a small fleet may be swept before they answer.
                        _, _, start = await battery_reads(client, backend)
                        workers = await start_workers(count, Path(folder), database_url, env, client)
                        try:
                            results[count] = await measure(client, backend, workers, cars, engine, start)
                        finally:
                            await stop_workers(workers)
                    for line in report(count, results[count], cars):
                        print(line, flush=True)
        finally:
            await engine.dispose()
            emu.close()
    if len(counts) > 1:
        low, high = results[counts[0]], results[counts[-1]]
        factor = high.cars_per_second / low.cars_per_second if low.cars_per_second else 0.0
        print(
            f"scaling {counts[0]} -> {counts[-1]} workers: x{factor:.2f} "
            f"cars/s; load average now {', '.join(f'{x:.1f}' for x in os.getloadavg())}"
        )
    print(
        f"command: python -m bench.scale --cars {cars} --latency-ms {latency_ms:g} "
        f"--workers {' '.join(map(str, counts))}"
        + (f" --concurrency {concurrency}" if concurrency is not None else "")
    )
    return results


def main(argv: list[str] | None = None) -> None:
    """Parse the arguments and run the benchmark."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--cars", type=int, default=10_000)
    parser.add_argument("--latency-ms", type=float, default=100.0)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument(
        "--concurrency", type=int, default=None, help="each worker's POLL_CONCURRENCY (default: the bot's)"
    )
    parser.add_argument(
        "--database-url",
        default=os.environ.get("TEST_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/test"),
        help="a PostgreSQL server where a scratch database may be created (and dropped)",
    )
    args = parser.parse_args(argv)
    asyncio.run(run(args.cars, args.latency_ms, tuple(args.workers), args.database_url, args.concurrency))


if __name__ == "__main__":
    main()
