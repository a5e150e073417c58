"""Whole-bot poll benchmark: `python -m bot` on SQLite with long polling, polling N cars every few seconds.

The bot is a subprocess (its CPU read from /proc), the Renault simulator another (`python -m bot.simulator`,
answering every request after a fixed latency), the Telegram Bot API emulator is served by this process; all
on loopback. The accounts (one car each) are linked first, without latency, through the production graph on
the same database. Then, for each proxy setting (NO_PROXY=127.0.0.1,localhost set, then no proxy variable at
all), a fresh bot process polls until every car was polled twice (the warm-up: JWTs, the daily cockpit read),
then a steady window is measured: battery-status reads per car in the window (the interval allows
window / interval of them; none may be starved) and the bot's CPU (user + system) per poll.

    python -m bench.bot_poll [--cars 200] [--interval-seconds 5] [--window-seconds 30] [--latency-ms 100]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import httpx

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
from tests.support.replicas import free_port

BATTERY = "battery-status"
NO_PROXY = "127.0.0.1,localhost"
PROXY_VARIABLES = ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "NO_PROXY")
WARM_UP_TIMEOUT_S = 300.0


@dataclass(frozen=True, slots=True)
class Window:
    """What one steady window measured."""

    label: str
    polls_per_car: list[int]
    cpu_seconds: float
    seconds: float

    @property
    def polls(self) -> int:
        """Battery-status reads in the window, all cars."""
        return sum(self.polls_per_car)


async def request_counts(client: httpx.AsyncClient, backend: Backend) -> dict[str, int]:
    """battery-status reads per VIN so far, from the simulator's own counters."""
    answer = (await client.get(f"{backend.url}/_sim/requests")).json()
    # by_vin counts every request about a car; within a steady window that is battery-status alone (the
    # cockpit is read once a day, at the warm-up), which the per-key total below confirms.
    by_vin: dict[str, int] = answer["by_vin"]
    by_vin["__battery_total__"] = int(answer["by_key"].get(BATTERY, 0))
    return by_vin


def bot_env(
    *,
    database_url: str,
    key: str,
    token: str,
    telegram_url: str,
    renault_url: str,
    interval_s: int,
    proxy: bool,
) -> dict[str, str]:
    """The bot's environment: no .env, no proxy variable except NO_PROXY when `proxy` is set."""
    keep = {k: v for k, v in os.environ.items() if k in ("PATH", "HOME", "LANG", "PYTHONPATH")}
    env = {
        **keep,
        "PYTHONUNBUFFERED": "1",
        "TELEGRAM_BOT_TOKEN": token,
        "TELEGRAM_API_URL": telegram_url,
        "DATABASE_URL": database_url,
        "CREDENTIALS_KEY": key,
        "RENAULT_GIGYA_URL": f"{renault_url}/gigya",
        "RENAULT_KAMEREON_URL": f"{renault_url}/kamereon",
        "RENAULT_MAX_CALLS_PER_HOUR": "0",
        "POLL_INTERVAL_SECONDS": str(interval_s),
        "HEALTH_PORT": str(free_port()),
        "LOG_LEVEL": "WARNING",
    }
    for name in PROXY_VARIABLES:
        env.pop(name, None)
        env.pop(name.lower(), None)
    if proxy:
        env["NO_PROXY"] = NO_PROXY
    return env


def spawn_bot(env: Mapping[str, str], folder: Path, log_path: Path) -> subprocess.Popen[bytes]:
    """`python -m bot` (long polling), its output to `log_path`."""
    with log_path.open("ab") as log:
        # Our own interpreter and module; the environment is built above.
        return subprocess.Popen(
            [sys.executable, "-m", "bot"], cwd=folder, env=dict(env), stdout=log, stderr=subprocess.STDOUT
        )


def stop_bot(process: subprocess.Popen[bytes]) -> None:
    """SIGTERM and wait (its leases given back), then SIGKILL if it hangs."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


async def measure_window(
    label: str,
    process: subprocess.Popen[bytes],
    client: httpx.AsyncClient,
    backend: Backend,
    cars: int,
    window_s: float,
    log_path: Path,
) -> Window:
    """Wait for two polls of every car, then count polls and CPU over `window_s` seconds."""
    start = await request_counts(client, backend)
    loop = asyncio.get_running_loop()
    deadline = loop.time() + WARM_UP_TIMEOUT_S
    while True:
        if process.poll() is not None:
            raise RuntimeError(f"the bot exited:\n{tail(log_path)}")
        now = await request_counts(client, backend)
        warmed = [vin for vin in now if not vin.startswith("__") and now[vin] - start.get(vin, 0) >= 2]
        if len(warmed) >= cars:
            break
        if loop.time() > deadline:
            raise TimeoutError(f"{len(warmed)} of {cars} cars polled twice in {WARM_UP_TIMEOUT_S:.0f} s")
        await asyncio.sleep(0.2)
    before, cpu_before, started = now, process_cpu(process.pid), time.perf_counter()
    await asyncio.sleep(window_s)
    after, cpu_after, seconds = await request_counts(client, backend), process_cpu(process.pid), 0.0
    seconds = time.perf_counter() - started
    vins = [vin for vin in after if not vin.startswith("__")]
    per_car = [after[vin] - before.get(vin, 0) for vin in vins]
    per_car += [0] * (cars - len(per_car))  # a car never read at all is starved too
    battery = after["__battery_total__"] - before["__battery_total__"]
    if battery != sum(per_car):
        print(f"  note: {sum(per_car) - battery} requests in the window were not battery-status")
    return Window(label, per_car, cpu_after - cpu_before, seconds)


def reference_cpu_ms() -> float:
    """CPU ms of a fixed pure-Python workload in this process: how loaded (slow) the machine was meanwhile.

    On a shared machine the CPU a poll costs grows with the load (caches, clock speed); printed beside the
    figures so runs can be compared.
    """
    payload = {"level": 50, "range_km": 150.0, "plugged": True, "at": "2026-01-01T00:00:00+00:00"}
    started = time.process_time()
    for _ in range(20_000):
        json.loads(json.dumps(payload))
    return 1000 * (time.process_time() - started)


def tail(path: Path) -> str:
    """The end of a log file."""
    return path.read_text(errors="replace")[-4000:]


def report(window: Window, interval_s: int) -> str:
    """One printed line for a window."""
    allowed = int(window.seconds // interval_s)
    per_car = window.polls_per_car
    under = sum(1 for n in per_car if n < allowed - 1)
    per_poll_ms = 1000 * window.cpu_seconds / max(window.polls, 1)
    return (
        f"{window.label}: polls per car in {window.seconds:.1f} s: min {min(per_car)}, median "
        f"{statistics.median(per_car):g}, max {max(per_car)} ({allowed} allowed by the interval; "
        f"{under} cars under {allowed - 1}); bot CPU {window.cpu_seconds:.2f} s for {window.polls} polls = "
        f"{per_poll_ms:.2f} ms per poll"
    )


async def run(
    cars: int = 200, interval_s: int = 5, window_s: float = 30.0, latency_ms: float = 100.0
) -> None:
    """Link, then one bot process per proxy setting; print the figures and the command."""
    print(
        f"bench.bot_poll: {cars} cars (one account each), POLL_INTERVAL_SECONDS={interval_s}, Renault "
        f"simulator at {latency_ms:g} ms per request (its own process), Telegram emulator (this process), "
        f"`python -m bot` on SQLite with long polling; {window_s:g} s steady window after every car was "
        "polled twice"
    )
    print(f"reference workload (json round trips, fixed size) before: {reference_cpu_ms():.0f} ms CPU")
    key = generate_key()
    emu = TelegramEmulator(system_clock)
    with tempfile.TemporaryDirectory(prefix="bench-bot-poll-") as tmp:
        folder = Path(tmp)
        database_url = f"sqlite:///{folder / 'bot.db'}"
        async with separate_simulator(cars, 0.0) as backend, LoopbackServer(emu.handle) as telegram:
            db = Database.from_url(database_url)
            await upgrade_database(db)
            overrides = LocaleOverrides(
                gigya_url=f"{backend.url}/gigya", kamereon_url=f"{backend.url}/kamereon"
            )
            async with new_http_client() as http:
                options = GraphOptions(locale_overrides=overrides, max_calls_per_hour=0)
                graph = build_graph(
                    http, db, CredentialCipher.from_setting(key), system_clock, RecordingNotifier(), options
                )
                started = time.perf_counter()
                await link_all(graph.linking, backend.emails, PASSWORD)
                print(f"linked {cars} accounts in {time.perf_counter() - started:.1f} s")
            await db.dispose()
            async with httpx.AsyncClient(timeout=10.0) as client:
                (
                    await client.post(f"{backend.url}/_sim/latency", params={"ms": latency_ms})
                ).raise_for_status()
                for label, proxy in ((f"NO_PROXY={NO_PROXY}", True), ("no proxy variable", False)):
                    env = bot_env(
                        database_url=database_url,
                        key=key,
                        token=emu.token,
                        telegram_url=telegram.url,
                        renault_url=backend.url,
                        interval_s=interval_s,
                        proxy=proxy,
                    )
                    log_path = folder / f"bot-{'proxy' if proxy else 'plain'}.log"
                    process = spawn_bot(env, folder, log_path)
                    try:
                        window = await measure_window(
                            label, process, client, backend, cars, window_s, log_path
                        )
                    finally:
                        stop_bot(process)
                    print(report(window, interval_s), flush=True)
                    print(f"  reference workload in this process after it: {reference_cpu_ms():.0f} ms CPU")
            emu.close()  # ends the long poll still waiting, before the server goes
    print(
        f"command: python -m bench.bot_poll --cars {cars} --interval-seconds {interval_s} "
        f"--window-seconds {window_s:g} --latency-ms {latency_ms:g}"
    )


def main(argv: list[str] | None = None) -> None:
    """Parse the arguments and run the benchmark."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--cars", type=int, default=200)
    parser.add_argument("--interval-seconds", type=int, default=5)
    parser.add_argument("--window-seconds", type=float, default=30.0)
    parser.add_argument("--latency-ms", type=float, default=100.0)
    args = parser.parse_args(argv)
    asyncio.run(run(args.cars, args.interval_seconds, args.window_seconds, args.latency_ms))


if __name__ == "__main__":
    main()
