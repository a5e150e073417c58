"""/export benchmark: a year of readings (one every 10 minutes) and a daily charge, written as CSV.

Measures the use case and the CSV writer the /export handler runs (`CostDesk.export` → `write_csv`), on
a SQLite file: the first export prices every session (fixed two-rate tariff, no network), so it is timed
apart from a second one. Prints rows, file size, wall time and the peak of Python allocations during the
export (tracemalloc, in a separate pass: tracing slows it), which stays flat however many rows the period
holds because rows are read a page at a time and written to a temporary file.

    python -m bench.export [--days 365] [--every-minutes 10]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import tempfile
import time
import tracemalloc
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import insert

from bot.app.graph import build_graph
from bot.app.http import new_http_client
from bot.domain.events import Event
from bot.domain.history import ChargeSession
from bot.domain.preferences import ChatSettings
from bot.domain.tariff import TariffChoice, TariffKind
from bot.domain.vehicle import VehicleInfo
from bot.features.costs.telegram.export_csv import write_csv
from bot.features.costs.telegram.handlers import export_period
from bot.features.history.store import SqlHistoryRepository
from bot.persistence.accounts import SqlAccountRepository
from bot.persistence.crypto import CredentialCipher, generate_key
from bot.persistence.engine import Database
from bot.persistence.migrations import upgrade_database
from bot.persistence.tables import BatteryReadingRow
from bot.services.outbox_ports import DeliveryResult, DeliveryStatus
from bot.services.ports import AccountSecrets, NewVehicle

CHAT = 7001
END = datetime(2026, 12, 1, tzinfo=UTC)


class _Silent:
    """A notifier that sends nothing (the benchmark queues no ping)."""

    async def send(self, chat: ChatSettings, event: Event) -> DeliveryResult:
        return DeliveryResult(DeliveryStatus.SENT)


async def _fill(db: Database, cipher: CredentialCipher, days: int, every: int) -> int:
    secrets = AccountSecrets("bench-login-token", "bench-person")
    car = NewVehicle(VehicleInfo("VF1BENCH000000001", "X102VE", "ZOE", plate="BE-NCH-01"), "bench-kamereon")
    _, (vehicle_id,) = await SqlAccountRepository(db, cipher).create_linked(
        CHAT, "fr_FR", "b@x.org", secrets, [car]
    )
    start = END - timedelta(days=days)
    rows = []
    moment = start
    while moment < END:
        hour = moment.hour
        rows.append(
            {
                "vehicle_id": vehicle_id,
                "reported_at": moment,
                "level": 40 + (hour % 8) * 5 if 0 <= hour < 8 else 80 - hour,
                "range_km": 200.0,
                "charging": 0 <= hour < 8,
                "power_kw": 7.4 if 0 <= hour < 8 else None,
                "plugged": hour >= 20 or hour < 8,
                "mileage_km": 10_000.0 + (moment - start).days * 40,
            }
        )
        moment += timedelta(minutes=every)
    async with db.write() as session:
        for offset in range(0, len(rows), 5000):
            await session.execute(insert(BatteryReadingRow), rows[offset : offset + 5000])
    history = SqlHistoryRepository(db)
    for day in range(days):
        night = start + timedelta(days=day)
        await history.add_session(
            ChargeSession(vehicle_id, night, night + timedelta(hours=7, minutes=50), 40, 75)
        )
    return len(rows)


async def run(days: int = 365, every_minutes: int = 10) -> None:
    """Fill a database, export everything twice, print the figures."""
    with tempfile.TemporaryDirectory() as folder:
        db = Database.from_url(f"sqlite:///{Path(folder) / 'bench.db'}")
        await upgrade_database(db)
        cipher = CredentialCipher.from_setting(generate_key())
        async with new_http_client() as http:
            graph = build_graph(http, db, cipher, lambda: END, _Silent())
            readings = await _fill(db, cipher, days, every_minutes)
            choice = TariffChoice(
                TariffKind.FIXED,
                peak=Decimal("0.30"),
                off_peak=Decimal("0.10"),
                off_peak_start=datetime(2026, 1, 1, 22).time(),
                off_peak_end=datetime(2026, 1, 1, 6).time(),
            )
            await graph.smart.set_tariff(CHAT, choice)
            print(f"stored: {readings} readings and {days} sessions over {days} days")
            passes = (
                ("first export (prices every session)", False),
                ("second export (already priced)", False),
                ("third export, traced", True),
            )
            for label, traced in passes:
                period = export_period("a", END, "UTC")
                assert period is not None
                if traced:
                    tracemalloc.start()
                began = time.perf_counter()
                written = await write_csv(await graph.costs.export(CHAT, *period), ZoneInfo("UTC"))
                seconds = time.perf_counter() - began
                size = os.fstat(written.file.fileno()).st_size
                written.file.close()
                figure = f"{label}: {written.sessions + written.readings} rows, {size / 1e6:.1f} MB CSV"
                if traced:
                    _, peak = tracemalloc.get_traced_memory()
                    tracemalloc.stop()
                    print(f"{figure}, peak Python allocations during the export {peak / 1e6:.1f} MB")
                else:
                    print(f"{figure} in {seconds:.2f} s")
        await db.dispose()


def main() -> None:
    """Parse the arguments and run."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--every-minutes", type=int, default=10)
    arguments = parser.parse_args()
    asyncio.run(run(arguments.days, arguments.every_minutes))


if __name__ == "__main__":
    main()
