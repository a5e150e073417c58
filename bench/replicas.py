"""Replicas benchmark: N chats send /status at once through a round-robin forwarder to 1, then 2 bot
processes in webhook mode on PostgreSQL, with the Renault simulator (its own process) at 100 ms a request.

For each replica count: a fresh database, N linked accounts (one car, one chat each), the replicas started
as `python -m bot`, the Telegram emulator pushing the updates to the forwarder (40 connections, as
Telegram's default `max_connections`). Two rounds: the first /status of every chat (cold: a live read and a
JWT per account, while the replicas' pollers make their first sweep too), then a second one (warm: readings
under a minute old, no Renault call). Prints updates/s (N over first send to last reply) and the p50/p95
latency (an update queued in the emulator to the bot's reply arriving there), and the CPU seconds each
replica, this process (emulator, forwarder) and PostgreSQL spent during the round, to show where the time
goes.

    python -m bench.replicas [--chats 1000] [--latency-ms 100] [--replicas 1 2] [--database-url URL]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from bench.poll import PASSWORD, link_all, separate_simulator
from bench.status import percentile
from bot.app.graph import GraphOptions, build_graph, system_clock
from bot.app.http import new_http_client
from bot.persistence.crypto import CredentialCipher, generate_key
from bot.persistence.engine import Database
from bot.persistence.migrations import upgrade_database
from bot.renault.locales import LocaleOverrides
from bot.simulator.http_server import LoopbackServer
from bot.simulator.telegram import EmulatedUser, TelegramEmulator
from tests.support.fakes import RecordingNotifier
from tests.support.forwarder import RoundRobinForwarder, serve_forwarder
from tests.support.replicas import Replica, ReplicaSet, fresh_database, replica_env

FIRST_CHAT = 10_000
TELEGRAM_MAX_CONNECTIONS = 40
ROUND_TIMEOUT_S = 600.0


@dataclass(frozen=True, slots=True)
class Round:
    """One round's figures."""

    label: str
    updates_per_second: float
    p50_ms: float
    p95_ms: float
    replica_cpu_s: tuple[float, ...]
    bench_cpu_s: float
    postgres_cpu_s: float
    seconds: float


def process_cpu(pid: int) -> float:
    """User + system CPU seconds a process used so far (Linux /proc; 0 when it is gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def cpu_seconds(replica: Replica) -> float:
    """CPU seconds the replica's process used so far."""
    assert replica.process is not None
    return process_cpu(replica.process.pid)


def postgres_cpu() -> float:
    """CPU seconds of every PostgreSQL server process on this machine (0 when none is visible)."""
    total = 0.0
    for comm in Path("/proc").glob("[0-9]*/comm"):
        try:
            if comm.read_text().strip() == "postgres":
                total += process_cpu(int(comm.parent.name))
        except OSError:
            continue
    return total


async def status_round(
    label: str, emu: TelegramEmulator, users: list[EmulatedUser], replicas: list[Replica]
) -> Round:
    """Every user sends /status at once; wait for every reply; the figures."""
    before_calls = len(emu.calls("sendMessage"))
    cpu_before = [cpu_seconds(r) for r in replicas]
    bench_before = time.process_time()
    pg_before = postgres_cpu()
    sent_at: dict[int, datetime] = {}
    for user in users:
        sent_at[user.chat_id] = datetime.now(UTC)
        await user.send("/status")

    def replies() -> dict[int, datetime] | None:
        calls = emu.calls("sendMessage")[before_calls:]
        first: dict[int, datetime] = {}
        for call in calls:
            chat = int(call.params.get("chat_id", 0))
            first.setdefault(chat, call.at)
        return first if len(first) >= len(users) else None

    await users[0].wait_until(lambda _u: replies() is not None, timeout=ROUND_TIMEOUT_S)
    first = replies()
    assert first is not None
    latencies = [(first[chat] - sent).total_seconds() for chat, sent in sent_at.items()]
    span = (max(first.values()) - min(sent_at.values())).total_seconds()
    return Round(
        label,
        len(users) / span,
        1000 * percentile(latencies, 0.5),
        1000 * percentile(latencies, 0.95),
        tuple(cpu_seconds(r) - b for r, b in zip(replicas, cpu_before, strict=True)),
        time.process_time() - bench_before,
        postgres_cpu() - pg_before,
        span,
    )


async def run_with(
    count: int, chats: int, latency_ms: float, admin_url: str, send_rate: float
) -> list[Round]:
    """One replica count: set up, two rounds, tear down."""
    key = generate_key()
    emu = TelegramEmulator(system_clock)
    forwarder = RoundRobinForwarder([])
    async with (
        fresh_database(admin_url, "bot_bench") as database_url,
        separate_simulator(chats, latency_ms) as backend,
        LoopbackServer(emu.handle) as telegram,
    ):
        db = Database.from_url(database_url)
        await upgrade_database(db)
        overrides = LocaleOverrides(gigya_url=f"{backend.url}/gigya", kamereon_url=f"{backend.url}/kamereon")
        async with new_http_client() as http:
            graph = build_graph(
                http,
                db,
                CredentialCipher.from_setting(key),
                system_clock,
                RecordingNotifier(),
                GraphOptions(locale_overrides=overrides, max_calls_per_hour=0),
            )
            started = time.perf_counter()
            await link_all(graph.linking, backend.emails, PASSWORD)
            print(f"  linked {chats} accounts in {time.perf_counter() - started:.1f} s")
        await db.dispose()
        await backend.slow_down()
        front = await serve_forwarder(forwarder)
        with tempfile.TemporaryDirectory(prefix="bench-replicas-") as folder:
            env = replica_env(
                database_url=database_url,
                credentials_key=key,
                token=emu.token,
                telegram_url=telegram.url,
                renault_url=backend.url,
                webhook_url=f"{front.url}/telegram-hook",
                RENAULT_MAX_CALLS_PER_HOUR="0",
                LOG_LEVEL="WARNING",
                TELEGRAM_MESSAGES_PER_SECOND=str(send_rate),
            )
            replicas = ReplicaSet(Path(folder), env)
            try:
                for index in range(count):
                    replicas.add(f"r{index}")
                forwarder.backends = [r.url for r in replicas.replicas]
                for replica in replicas.replicas:
                    await replicas.start(replica)
                # link_all used chat ids FIRST_CHAT + n for user n (bench.poll)
                users = [emu.user(FIRST_CHAT + n, f"User{n}") for n in range(chats)]
                async with emu.webhook_pusher(max_connections=TELEGRAM_MAX_CONNECTIONS):
                    rounds = [
                        await status_round("cold", emu, users, replicas.replicas),
                        await status_round("warm", emu, users, replicas.replicas),
                    ]
            finally:
                replicas.stop_all()
                emu.close()
                await front.stop()
                await forwarder.aclose()
    return rounds


async def run(
    chats: int, latency_ms: float, counts: list[int], admin_url: str, send_rate: float = 30.0
) -> None:
    """Each replica count in turn; print the figures and the scaling factor."""
    results: dict[int, list[Round]] = {}
    for count in counts:
        print(
            f"{count} replica(s), {chats} chats, simulator at {latency_ms:.0f} ms, "
            f"each replica sending at most {send_rate:g} messages/s:"
        )
        results[count] = await run_with(count, chats, latency_ms, admin_url, send_rate)
        for r in results[count]:
            cpu = " + ".join(f"{c:.1f}" for c in r.replica_cpu_s)
            print(
                f"  /status {r.label}: {r.updates_per_second:.0f} updates/s, p50 {r.p50_ms:.0f} ms, "
                f"p95 {r.p95_ms:.0f} ms; CPU s: replicas {cpu}, emulator+forwarder {r.bench_cpu_s:.1f}, "
                f"PostgreSQL {r.postgres_cpu_s:.1f}, in {r.seconds:.1f} s on {os.cpu_count()} cores"
            )
    if len(counts) > 1:
        low, high = results[counts[0]], results[counts[-1]]
        for a, b in zip(low, high, strict=True):
            factor = b.updates_per_second / a.updates_per_second
            print(f"scaling {counts[0]} -> {counts[-1]} replicas, {a.label}: x{factor:.2f} updates/s")


def main() -> None:
    """Parse the arguments and run the benchmark."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--chats", type=int, default=1000)
    parser.add_argument("--latency-ms", type=float, default=100.0)
    parser.add_argument("--replicas", type=int, nargs="+", default=[1, 2])
    parser.add_argument(
        "--database-url",
        default=os.environ.get("TEST_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/test"),
        help="a PostgreSQL server where a scratch database may be created (and dropped)",
    )
    parser.add_argument(
        "--send-rate",
        type=float,
        default=30.0,
        help="TELEGRAM_MESSAGES_PER_SECOND of each replica (Telegram's own limit is about 30 per bot)",
    )
    args = parser.parse_args()
    asyncio.run(run(args.chats, args.latency_ms, args.replicas, args.database_url, args.send_rate))


if __name__ == "__main__":
    main()
