"""Updates benchmark: the whole bot as a process answering bursts of /status, against a bare PTB floor.

The bot is `python -m bot` (long polling, SQLite file), the Telegram Bot API emulator
(`bench.telegram_process`) and the Renault simulator (`python -m bot.simulator`, 100 ms a request) each run
in a process of their own on loopback. N accounts are linked (one car, one chat each) before any latency is
added. Then, for each subject and with `NO_PROXY=127.0.0.1,localhost` set and unset, a fresh process
answers a warm-up burst (not measured: it creates the chats' settings and reads the cars whose reading is
older than a minute), then `--bursts` bursts in which every chat sends /status at once, with every reading
under a minute old (warm: no Renault request). Per burst: the subject's CPU (user + system, /proc) from the
first send to the last reply, divided by the updates; updates/s; Renault requests per update.

Subjects, side by side in the same run:
- `bot`: the bot itself, its poller included (POLL_INTERVAL_SECONDS=3600; the bursts start once its
  first sweep is over, when Renault heard nothing for 2 s, so no poll falls in a burst);
- `ptb-httpx` / `ptb-aiohttp`: a bare python-telegram-bot bot answering /status with a 4-button card
  (`bench.bare_ptb`), on PTB's default HTTPXRequest and on httpx-aiohttp: the floor;
- `ptb-aiohttp-limited`: the same on httpx-aiohttp behind PTB's own rate limiter at the bot's send rate, as
  the bot sends: the floor of a bot that keeps to Telegram's limit (its replies spread over the burst).

Then the cold /status: the bot restarted with every stored reading two minutes old; `--cold` chats, one
after the other, each send their first /status to the new process (nothing in its memory; the JWT the process
before minted and stored is still valid, so none is minted): the time to the reply and the Renault requests
it took, against the round trip.

    python -m bench.bot_updates [--chats 200] [--bursts 3] [--latency-ms 100] [--send-rate 30] [--cold 5]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import update

from bench.poll import PASSWORD, link_all, separate_simulator
from bench.replicas import process_cpu
from bot.app.graph import GraphOptions, build_graph, system_clock
from bot.app.http import new_http_client
from bot.persistence.crypto import CredentialCipher, generate_key
from bot.persistence.engine import Database
from bot.persistence.migrations import upgrade_database
from bot.persistence.tables import VehicleStateRow
from bot.renault.locales import LocaleOverrides
from bot.simulator.telegram.emulator import DEFAULT_TOKEN
from tests.support.fakes import RecordingNotifier

SUBJECTS = ("bot", "ptb-httpx", "ptb-aiohttp", "ptb-aiohttp-limited")
NO_PROXY = "127.0.0.1,localhost"
# Whether NO_PROXY is set, per --proxy choice.
ENVIRONMENTS = {"both": (True, False), "set": (True,), "unset": (False,)}
FIRST_CHAT = 10_000  # bench.poll.link_all links user n to chat 10_000 + n
STOP_TIMEOUT_S = 20.0
# After the warm-up, the bot's poller makes its first sweep (1 s after start): bursts start once Renault
# heard nothing for this long.
QUIET_S = 2.0
QUIET_TIMEOUT_S = 120.0
# The subjects run in a scratch folder: `bench` (not installed, unlike `bot`) is found from the checkout.
CHECKOUT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True, slots=True)
class Burst:
    """One measured burst of one subject."""

    subject: str
    no_proxy: bool
    updates: int
    seconds: float
    cpu_s: float
    renault_requests: int
    p50_ms: float
    p95_ms: float
    renault_keys: str = ""

    @property
    def cpu_ms_per_update(self) -> float:
        """The subject's CPU milliseconds per update over the burst."""
        return 1000 * self.cpu_s / self.updates

    @property
    def per_second(self) -> float:
        """Updates answered per second (first send to last reply)."""
        return self.updates / self.seconds


@dataclass(frozen=True, slots=True)
class Cold:
    """One chat's first /status after a restart."""

    seconds: float
    renault_by_key: dict[str, int]


class EmulatorProcess:
    """`python -m bench.telegram_process`: the emulator in its own process, one command at a time."""

    def __init__(self, child: asyncio.subprocess.Process, url: str) -> None:
        self.child = child
        self.url = url

    async def command(self, line: str, subject: subprocess.Popen[bytes] | None = None) -> dict[str, Any]:
        """Send one command and read its JSON answer; fail at once if `subject` exits meanwhile."""
        answer = asyncio.ensure_future(self._command(line))
        while subject is not None and not answer.done():
            await asyncio.wait({answer}, timeout=0.5)
            if not answer.done() and subject.poll() is not None:
                answer.cancel()
                raise RuntimeError(f"the subject exited with {subject.returncode} during {line!r}")
        return await answer

    async def _command(self, line: str) -> dict[str, Any]:
        assert self.child.stdin is not None
        assert self.child.stdout is not None
        self.child.stdin.write(f"{line}\n".encode())
        await self.child.stdin.drain()
        answer: dict[str, Any] = json.loads(await self.child.stdout.readline())
        if "error" in answer:
            raise RuntimeError(answer["error"])
        return answer


@asynccontextmanager
async def emulator_process(chats: int) -> AsyncIterator[EmulatorProcess]:
    """Start the emulator process and wait for its URL; stop it afterwards."""
    child = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bench.telegram_process",
        "--chats", str(chats), "--first-chat", str(FIRST_CHAT),
        stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE,
    )  # fmt: skip
    try:
        assert child.stdout is not None
        first = (await asyncio.wait_for(child.stdout.readline(), timeout=60)).decode().split()
        if first[:1] != ["ready"]:
            raise RuntimeError(f"the emulator process did not start: {first}")
        yield EmulatorProcess(child, first[1])
    finally:
        if child.returncode is None:
            child.terminate()
        await child.wait()


class Renault:
    """The simulator's request counter (its `/_sim/requests` control path)."""

    def __init__(self, url: str) -> None:
        self.url = url

    async def counts(self) -> dict[str, int]:
        """Requests answered so far, per endpoint key."""
        async with httpx.AsyncClient() as control:
            response = await control.get(f"{self.url}/_sim/requests")
            response.raise_for_status()
            by_key: dict[str, int] = response.json()["by_key"]
            return by_key

    async def quiet(self, seconds: float = QUIET_S) -> None:
        """Wait until no request came for `seconds` (the subject's poller finished its first sweep)."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + QUIET_TIMEOUT_S
        last, since = await self.counts(), loop.time()
        while loop.time() - since < seconds and loop.time() < deadline:
            await asyncio.sleep(seconds / 4)
            now = await self.counts()
            if now != last:
                last, since = now, loop.time()


def subject_env(base: dict[str, str], no_proxy: bool) -> dict[str, str]:
    """The environment of a subject process: `base`, with NO_PROXY (both spellings) set or not at all."""
    env = {k: v for k, v in base.items() if k.lower() not in ("no_proxy", "http_proxy", "https_proxy")}
    if no_proxy:
        env["NO_PROXY"] = env["no_proxy"] = NO_PROXY
    return env


def subject_command(subject: str, env: dict[str, str]) -> list[str]:
    """The command line of a subject (`env`: its environment, for the send rate)."""
    if subject == "bot":
        return [sys.executable, "-m", "bot"]
    if subject == "ptb-aiohttp-limited":  # the floor with PTB's rate limiter at the bot's send rate
        rate = env.get("TELEGRAM_MESSAGES_PER_SECOND", "30")
        return [sys.executable, "-m", "bench.bare_ptb", "--transport", "aiohttp", "--rate", rate]
    return [sys.executable, "-m", "bench.bare_ptb", "--transport", subject.removeprefix("ptb-")]


@asynccontextmanager
async def running(subject: str, env: dict[str, str], folder: Path) -> AsyncIterator[subprocess.Popen[bytes]]:
    """The subject's process, its output in a log file in `folder`; SIGTERM and wait afterwards."""
    log_path = folder / f"{subject}.log"
    with log_path.open("ab") as log:
        # Our own interpreter and a fixed module: nothing here comes from outside input.
        process = subprocess.Popen(  # noqa: S603, ASYNC220 - started once, waited for below
            subject_command(subject, env), cwd=folder, env=env, stdout=log, stderr=subprocess.STDOUT
        )
    try:
        yield process
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            await asyncio.to_thread(process.wait, STOP_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            process.kill()
            await asyncio.to_thread(process.wait)
        if process.returncode not in (0, -signal.SIGTERM):
            print(f"  {subject} exited with {process.returncode}:\n{log_path.read_text()[-3000:]}")


async def measured_burst(
    subject: str, no_proxy: bool, process: subprocess.Popen[bytes], emu: EmulatorProcess, renault: Renault
) -> Burst:
    """One burst with the subject's CPU and the Renault requests over it."""
    pid = process.pid
    before_cpu, before = process_cpu(pid), await renault.counts()
    figures = await emu.command("burst", subject=process)
    cpu = process_cpu(pid) - before_cpu
    made = made_since(before, await renault.counts())
    return Burst(
        subject,
        no_proxy,
        int(figures["updates"]),
        float(figures["seconds"]),
        cpu,
        sum(made.values()),
        float(figures["p50_ms"]),
        float(figures["p95_ms"]),
        ", ".join(f"{key} {n}" for key, n in sorted(made.items())),
    )


def made_since(before: dict[str, int], after: dict[str, int]) -> dict[str, int]:
    """Renault requests per endpoint key between two counts."""
    return {key: n - before.get(key, 0) for key, n in after.items() if n > before.get(key, 0)}


async def link_chats(database_url: str, key: str, renault_url: str, emails: list[str]) -> None:
    """Link every account to its chat through the use case (set-up, before any latency)."""
    db = Database.from_url(database_url)
    await upgrade_database(db)
    overrides = LocaleOverrides(gigya_url=f"{renault_url}/gigya", kamereon_url=f"{renault_url}/kamereon")
    async with new_http_client() as http:
        graph = build_graph(
            http,
            db,
            CredentialCipher.from_setting(key),
            system_clock,
            RecordingNotifier(),
            GraphOptions(locale_overrides=overrides, max_calls_per_hour=0),
        )
        await link_all(graph.linking, emails, PASSWORD)
    await db.dispose()


async def age_readings(database_url: str) -> None:
    """Every stored reading two minutes old, so the next /status reads the car (warm-up and cold run)."""
    db = Database.from_url(database_url)
    async with db.write() as session:
        await session.execute(
            update(VehicleStateRow).values(health_at=datetime.now(UTC) - timedelta(minutes=2))
        )
    await db.dispose()


async def measure_cold(
    env: dict[str, str], folder: Path, emu: EmulatorProcess, renault: Renault, database_url: str, chats: int
) -> list[Cold]:
    """Restart the bot on aged readings; each of `chats` chats sends its first /status, one at a time."""
    await age_readings(database_url)
    samples: list[Cold] = []
    async with running("bot", subject_env(env, no_proxy=False), folder) as process:
        await emu.command("one 0", subject=process)  # the process is up; chat 0 is not counted
        for index in range(1, chats + 1):
            before = await renault.counts()
            answer = await emu.command(f"one {index}", subject=process)
            samples.append(Cold(float(answer["seconds"]), made_since(before, await renault.counts())))
    return samples


async def measure(
    chats: int,
    bursts: int,
    latency_ms: float,
    send_rate: float,
    cold: int,
    subjects: tuple[str, ...] = SUBJECTS,
    environments: tuple[bool, ...] = (True, False),
) -> tuple[list[Burst], list[Cold]]:
    """Set up, run every subject in both proxy environments, then the cold /status."""
    key = generate_key()
    results: list[Burst] = []
    with tempfile.TemporaryDirectory(prefix="bench-bot-updates-") as name:
        folder = Path(name)
        database_url = f"sqlite:///{folder / 'bot.db'}"
        async with separate_simulator(chats, latency_ms) as backend, emulator_process(chats) as emu:
            started = time.perf_counter()
            await link_chats(database_url, key, backend.url, backend.emails)
            print(f"  linked {chats} accounts in {time.perf_counter() - started:.1f} s", flush=True)
            await backend.slow_down()
            renault = Renault(backend.url)
            keep = {k: v for k, v in os.environ.items() if k in ("PATH", "HOME", "LANG")}
            env = {
                **keep,
                "PYTHONPATH": os.pathsep.join(filter(None, [str(CHECKOUT), os.environ.get("PYTHONPATH")])),
                "PYTHONUNBUFFERED": "1",
                "TELEGRAM_BOT_TOKEN": DEFAULT_TOKEN,
                "TELEGRAM_API_URL": emu.url,
                "DATABASE_URL": database_url,
                "CREDENTIALS_KEY": key,
                "RENAULT_GIGYA_URL": f"{backend.url}/gigya",
                "RENAULT_KAMEREON_URL": f"{backend.url}/kamereon",
                "RENAULT_MAX_CALLS_PER_HOUR": "0",
                "POLL_INTERVAL_SECONDS": "3600",
                "TELEGRAM_MESSAGES_PER_SECOND": f"{send_rate:g}",
                "LOG_LEVEL": "WARNING",
            }
            for no_proxy in environments:
                for subject in subjects:
                    if subject == "bot":
                        # Readings a previous subject's warm-up stored could go stale (60 s) in the middle
                        # of this one's bursts: aged now, every car is read by this warm-up instead.
                        await age_readings(database_url)
                    async with running(subject, subject_env(env, no_proxy), folder) as process:
                        # Warm-up: the process up, the chats' settings made, the cars read.
                        await emu.command("burst", subject=process)
                        await renault.quiet()
                        for _ in range(bursts):
                            burst = await measured_burst(subject, no_proxy, process, emu, renault)
                            print("  " + burst_line(burst), flush=True)
                            results.append(burst)
            colds = []
            if cold > 0:
                colds = await measure_cold(env, folder, emu, renault, database_url, min(cold, chats - 1))
    return results, colds


def burst_line(burst: Burst) -> str:
    """One measured burst, printed."""
    proxy = f"NO_PROXY={NO_PROXY}" if burst.no_proxy else "no proxy variable"
    keys = f" ({burst.renault_keys})" if burst.renault_keys else ""
    return (
        f"{burst.subject:11} {proxy:28} {burst.updates} updates: "
        f"{burst.cpu_ms_per_update:5.2f} ms CPU/update, {burst.per_second:5.1f} updates/s, "
        f"{burst.renault_requests / burst.updates:.2f} Renault requests/update, "
        f"p50 {burst.p50_ms:.0f} ms, p95 {burst.p95_ms:.0f} ms{keys}"
    )


def summary(results: list[Burst]) -> list[str]:
    """Per subject and environment: CPU per update (min and median), updates/s, the bot against the floor."""
    lines: list[str] = []
    medians: dict[tuple[str, bool], float] = {}
    for no_proxy in (True, False):
        for subject in SUBJECTS:
            mine = [b for b in results if b.subject == subject and b.no_proxy == no_proxy]
            if not mine:
                continue
            cpu = [b.cpu_ms_per_update for b in mine]
            medians[subject, no_proxy] = statistics.median(cpu)
            requests = sum(b.renault_requests for b in mine) / sum(b.updates for b in mine)
            proxy = f"NO_PROXY={NO_PROXY}" if no_proxy else "no proxy variable"
            lines.append(
                f"{subject:11} {proxy:28} CPU/update median {statistics.median(cpu):.2f} ms "
                f"(min {min(cpu):.2f}), {statistics.median(b.per_second for b in mine):.1f} updates/s, "
                f"{requests:.2f} Renault requests/update"
            )
    asked = [b for b in results if b.renault_requests > 0]
    if asked:
        # A warm burst must not read Renault: the figure would then price reads, not the answer.
        lines.append(
            f"warning: {len(asked)} of {len(results)} warm bursts asked Renault "
            f"({sum(b.renault_requests for b in asked)} requests): their CPU includes the reads"
        )
    floors = (("ptb-aiohttp", "bare PTB on httpx-aiohttp"), ("ptb-aiohttp-limited", "the same rate-limited"))
    for no_proxy in (True, False):
        for subject, name in floors:
            bot = medians.get(("bot", no_proxy))
            floor = medians.get((subject, no_proxy))
            if bot is None or floor is None:
                continue
            proxy = f"NO_PROXY={NO_PROXY}" if no_proxy else "no proxy variable"
            # /proc counts CPU in clock ticks (10 ms): a tiny run can show a floor of 0.
            ratio = f"x{bot / floor:.1f}" if floor > 0 else "x? (the floor is under one /proc clock tick)"
            lines.append(f"bot / {name}, {proxy}: {ratio} CPU per update")
    return lines


def cold_line(samples: list[Cold], latency_ms: float) -> str:
    """The cold /status, printed: median time, against the round trip, and the requests each took."""
    if not samples:
        return "cold /status: not measured"
    median = statistics.median(s.seconds for s in samples)
    keys: dict[str, int] = {}
    for sample in samples:
        for key, n in sample.renault_by_key.items():
            keys[key] = keys.get(key, 0) + n
    made = ", ".join(f"{key} {n / len(samples):g}" for key, n in sorted(keys.items())) or "none"
    bound = (
        f" = {median * 1000 / latency_ms:.2f} round trips of {latency_ms:.0f} ms" if latency_ms > 0 else ""
    )
    return (
        f"cold /status (first after a restart, reading 2 min old): median {median * 1000:.0f} ms over "
        f"{len(samples)} chats{bound}; Renault requests each: {made}"
    )


async def run(
    chats: int = 200,
    bursts: int = 3,
    latency_ms: float = 100.0,
    send_rate: float = 30.0,
    cold: int = 5,
    subjects: tuple[str, ...] = SUBJECTS,
    proxy: str = "both",
) -> None:
    """Measure and print the figures and the command."""
    command = (
        f"python -m bench.bot_updates --chats {chats} --bursts {bursts} --latency-ms {latency_ms:g} "
        f"--send-rate {send_rate:g} --cold {cold}"
        + "".join(f" --subject {s}" for s in subjects if subjects != SUBJECTS)
        + (f" --proxy {proxy}" if proxy != "both" else "")
    )
    print(
        f"{command}\n{chats} linked chats sending /status at once, "
        f"{bursts} bursts per subject and environment; "
        f"Renault simulator at {latency_ms:g} ms; the bot sends at most {send_rate:g} messages/s; "
        f"{os.cpu_count()} cores, load average {os.getloadavg()[0]:.2f} at start",
        flush=True,
    )
    environments = ENVIRONMENTS[proxy]
    results, colds = await measure(chats, bursts, latency_ms, send_rate, cold, subjects, environments)
    for line in summary(results):
        print(line)
    print(cold_line(colds, latency_ms))
    print(f"load average {os.getloadavg()[0]:.2f} at the end")


def main() -> None:
    """Parse the arguments and run the benchmark."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--chats", type=int, default=200)
    parser.add_argument("--bursts", type=int, default=3)
    parser.add_argument("--latency-ms", type=float, default=100.0)
    parser.add_argument("--send-rate", type=float, default=30.0, help="TELEGRAM_MESSAGES_PER_SECOND")
    parser.add_argument("--cold", type=int, default=5, help="chats timed on their first /status (0: none)")
    parser.add_argument("--subject", action="append", choices=SUBJECTS, help="only this subject (repeatable)")
    parser.add_argument(
        "--proxy", choices=tuple(ENVIRONMENTS), default="both", help="NO_PROXY set, unset or both"
    )
    args = parser.parse_args()
    subjects = tuple(args.subject) if args.subject else SUBJECTS
    asyncio.run(
        run(args.chats, args.bursts, args.latency_ms, args.send_rate, args.cold, subjects, args.proxy)
    )


if __name__ == "__main__":
    main()
