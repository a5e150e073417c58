"""/status benchmark: a user's /status to the bot's reply, through the Telegram emulator over loopback.

The bot is the production graph (`bot.app.run.open_bot` + `front_end`, real clock, SQLite file) talking
HTTP to the Renault simulator (a fixed latency per request) and to the Telegram emulator. The clock starts
when the user's message (or button tap) is queued in the emulator and stops when the bot's reply (or edit)
lands there, so the bot's long-poll pick-up is part of the figure (`poll_interval=0` keeps it minimal).

Cold is a fresh process with no valid JWT anywhere (the stored one is wiped first): it mints one. A restart is
a fresh process right after another stored its JWT: it reads that JWT from the database and mints none.

    python -m bench.status [--repetitions 10] [--latency-ms 100]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import update

from bot.app.run import Running, front_end, open_bot
from bot.config import Settings
from bot.persistence.crypto import CredentialCipher, generate_key
from bot.persistence.tables import AccountRow, VehicleStateRow
from bot.simulator.http_server import LoopbackServer
from bot.simulator.renault.simulator import RenaultSimulator
from bot.simulator.telegram import EmulatedUser, TelegramEmulator
from bot.telegram_ui.application import BotApplication

EMAIL, PASSWORD = "status-bench@example.com", "bench-password"
USER_ID = 4242
WAIT_S = 30.0
REFRESH = "🔄 Refresh"


@dataclass(frozen=True, slots=True)
class Sample:
    """One timed exchange: seconds from the user's message to the bot's answer, Renault requests made."""

    seconds: float
    renault_requests: int
    endpoints: tuple[str, ...] = ()


def percentile(values: list[float], fraction: float) -> float:
    """The nearest-rank percentile (no interpolation: with few samples it is an observed value)."""
    ordered = sorted(values)
    rank = max(1, min(len(ordered), round(fraction * len(ordered) + 0.5)))
    return ordered[rank - 1]


def figure_line(label: str, samples: list[Sample], latency_s: float) -> str:
    """One printed line: median and p90 in ms, Renault requests per exchange, against one round trip."""
    seconds = [s.seconds for s in samples]
    median, p90 = statistics.median(seconds), percentile(seconds, 0.9)
    requests = sorted({s.renault_requests for s in samples})
    counted = "/".join(str(n) for n in requests)
    bound = (
        f"= {median / latency_s:.2f} x the {latency_s * 1000:.0f} ms lower bound (one Renault round trip)"
        if latency_s > 0
        else "(no Renault latency: no lower bound to compare with)"
    )
    endpoints = ", ".join(samples[-1].endpoints) or "none"
    return (
        f"{label}: median {median * 1000:.0f} ms, p90 {p90 * 1000:.0f} ms over {len(samples)} runs; "
        f"{counted} Renault requests each ({endpoints}); median {bound}"
    )


class Bench:
    """The emulator, the simulator and the bot's settings; `bot()` starts one bot process on them."""

    def __init__(self, sim: RenaultSimulator, emu: TelegramEmulator, settings: Settings) -> None:
        self.sim = sim
        self.emu = emu
        self.settings = settings
        # One key for every "process": a restart must read the credentials the first one stored.
        self.cipher = CredentialCipher.from_setting(generate_key())
        self.user = emu.user(USER_ID, "Bench")

    @asynccontextmanager
    async def bot(self) -> AsyncIterator[Running]:
        """A fresh bot process (new HTTP client, account proxies, caches) long-polling the emulator."""
        async with open_bot(self.settings, self.cipher, self.emu.token) as opened:
            application = front_end(opened, self.settings)
            async with application:
                await _start_polling(application)
                try:
                    yield opened
                finally:
                    await _stop_polling(application)

    async def timed(self, act: Callable[[], Awaitable[object]], kind: str) -> Sample:
        """Run `act` (queue a message or a tap) and wait until the bot's next `kind` event lands."""
        seen = len(self.user.events)
        before = self.sim.log.total
        started = time.perf_counter()
        await act()
        await self.user.wait_until(lambda u: _landed(u, seen, kind), timeout=WAIT_S)
        elapsed = time.perf_counter() - started
        made = self.sim.log.total - before
        endpoints = tuple(sorted(r.key for r in self.sim.log.records[len(self.sim.log.records) - made :]))
        return Sample(elapsed, made, endpoints)

    async def status(self) -> Sample:
        """A /status answered by a new card."""
        return await self.timed(lambda: self.user.send("/status"), "sent")

    async def refresh(self, level: int) -> Sample:
        """The card's Refresh button answered by an edit (the car's level changes so the edit is visible)."""
        self.sim.set_level(self._vin(), level)
        card = self.user.bot_messages[-1]
        return await self.timed(lambda: self.user.tap(card, REFRESH), "edited")

    def _vin(self) -> str:
        return self.sim.account(EMAIL).vehicles[0].vin


def _landed(user: EmulatedUser, seen: int, kind: str) -> bool:
    return any(event.kind == kind and event.message.from_bot for event in user.events[seen:])


async def _start_polling(application: BotApplication) -> None:
    await application.start()
    assert application.updater is not None
    # Like the e2e harness: no pause between getUpdates calls, so pick-up latency is the minimum.
    await application.updater.start_polling(poll_interval=0.0, timeout=1)


async def _stop_polling(application: BotApplication) -> None:
    assert application.updater is not None
    await application.updater.stop()
    await application.stop()


async def _link(bench: Bench, opened: Running) -> None:
    # Linking is set-up, not measured: done through the use case, without latency.
    latency, bench.sim.latency_s = bench.sim.latency_s, 0.0
    await opened.graph.linking.begin(USER_ID, "fr_FR", EMAIL, PASSWORD)
    bench.sim.latency_s = latency


async def _age_stored_reading(opened: Running) -> None:
    # Set-up, not measured: as if the last read of the car were two minutes ago (the benchmark runs on
    # the real clock, and the reading the previous round stored would otherwise be shown as it is).
    two_minutes_ago = datetime.now(UTC) - timedelta(minutes=2)
    async with opened.db.write() as session:
        await session.execute(update(VehicleStateRow).values(health_at=two_minutes_ago))


async def _forget_stored_jwt(opened: Running) -> None:
    # Set-up, not measured: no process has minted a JWT yet (the previous round's stored one is wiped).
    async with opened.db.write() as session:
        await session.execute(update(AccountRow).values(jwt_enc=None, jwt_expires_at=None))


@asynccontextmanager
async def running_bench(latency_s: float, folder: Path) -> AsyncIterator[Bench]:
    """Serve the simulator and the emulator on loopback and point the bot's settings at them."""
    sim = RenaultSimulator(lambda: datetime.now(UTC), latency_s=latency_s)
    sim.add_vehicle(sim.add_account(EMAIL, PASSWORD), "X102VE", battery_level=60)
    emu = TelegramEmulator()
    async with LoopbackServer(sim.handle) as renault, LoopbackServer(emu.handle) as telegram:
        settings = Settings(
            _env_file=None,  # the benchmark never reads a developer's .env
            telegram_api_url=telegram.url,
            renault_gigya_url=f"{renault.url}/gigya",
            renault_kamereon_url=f"{renault.url}/kamereon",
            database_url=f"sqlite:///{folder / 'bench.db'}",
            renault_backend="renault",
            # The bot's own hourly budget would throttle a benchmark that reads one car many times.
            renault_max_calls_per_hour=10_000,
        )
        try:
            yield Bench(sim, emu, settings)
        finally:
            emu.close()


async def measure(repetitions: int, latency_s: float) -> dict[str, list[Sample]]:
    """Cold, restart, warm cached and warm Refresh exchanges, `repetitions` of each."""
    results: dict[str, list[Sample]] = {"cold": [], "restart": [], "cached": [], "refresh": []}
    with tempfile.TemporaryDirectory(prefix="bench-status-") as folder:
        async with running_bench(latency_s, Path(folder)) as bench:
            async with bench.bot() as opened:
                await _link(bench, opened)
            for n in range(repetitions):
                async with bench.bot() as fresh:
                    # Cold: the stored reading is older than a minute, so this process reads the car.
                    await _age_stored_reading(fresh)
                    await _forget_stored_jwt(fresh)
                    results["cold"].append(await bench.status())
                async with bench.bot() as fresh:
                    # A restart: the same, but the JWT the cold process stored is still valid.
                    await _age_stored_reading(fresh)
                    results["restart"].append(await bench.status())
                    if n < repetitions - 1:
                        continue
                    # The last process is now warm: the stored reading is < 60 s old and the JWT minted.
                    for _ in range(repetitions):
                        results["cached"].append(await bench.status())
                    for k in range(repetitions):
                        results["refresh"].append(await bench.refresh(level=40 + k % 2 * 10))
    return results


async def run(repetitions: int = 10, latency_ms: float = 100.0) -> None:
    """Measure and print the four figures."""
    latency_s = latency_ms / 1000
    print(
        f"/status through the Telegram emulator, Renault simulator at {latency_ms:.0f} ms per request; "
        "includes the bot's long-poll pick-up (start_polling(poll_interval=0))"
    )
    results = await measure(repetitions, latency_s)
    print(figure_line("/status warm, cached reading (< 60 s old)", results["cached"], latency_s))
    print(figure_line("/status warm, Refresh button (reads Renault)", results["refresh"], latency_s))
    print(figure_line("/status cold (fresh process, JWT minted)", results["cold"], latency_s))
    print(figure_line("/status after a restart (fresh process, stored JWT)", results["restart"], latency_s))


def main(argv: list[str] | None = None) -> None:
    """Parse the arguments and run the benchmark."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--repetitions", type=int, default=10)
    parser.add_argument("--latency-ms", type=float, default=100.0)
    args = parser.parse_args(argv)
    asyncio.run(run(args.repetitions, args.latency_ms))


if __name__ == "__main__":
    main()
