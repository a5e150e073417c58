"""The poller's claim at fleet size: `claim_due` on PostgreSQL with N cars, timed, and the plans it runs.

One scratch PostgreSQL database (dropped afterwards) at the newest schema, holding only what the claim reads:
N accounts, each with one car and one active chat, written with generate_series (no Renault, no linking, so
100,000 cars take seconds). Two shapes of the fleet:

- steady: next poll times spread evenly over the 20-minute idle interval, the last 5 s of them already due
  (what one 5 s tick finds), and a share of the accounts (--needs-login) waiting for their owner to log in
  again, due since long ago: the claim passes over those every time;
- parked: the steady fleet once the poller parked the cars no claim may take (`park_unclaimable`, what each
  poller does every third of a lease): out of the claim's way until they are looked at again;
- new: no car polled yet (a fresh deployment; `bench.scale` makes every car due this way).

In each, `claim_due` of one batch (POLL_CONCURRENCY 100 makes batches of 200) is timed through the repository,
the leases given back after each claim, then the claim's statements are shown with EXPLAIN ANALYZE.

    python -m bench.claim [--cars 100000] [--batch 200] [--repetitions 20] [--needs-login 0.01]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import time
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import event, text

from bot.persistence.engine import Database
from bot.persistence.migrations import upgrade_database
from bot.persistence.state import SqlVehicleStateRepository
from tests.support.replicas import fresh_database

OWNER = "bench-claim"
LEASE_SECONDS = 120.0


async def fill(db: Database, cars: int, needs_login: float) -> None:
    """N accounts, cars, chats and links, one each; states in the steady shape."""
    stale = int(cars * needs_login)
    statements = [
        "INSERT INTO accounts (id, person_key, locale, email_masked, email_enc, secrets_enc, needs_login, "
        "needs_login_told, calls_in_window, share_location) SELECT g, md5(g::text), 'fr_FR', 'x', 'x', 'x', "
        "g <= :stale, false, 0, false FROM generate_series(1, :cars) g",
        "INSERT INTO vehicles (id, account_id, vin, model_code, model_name, brand, kamereon_account_enc) "
        "SELECT g, g, 'VIN' || g, 'X102VE', 'ZOE', 'RENAULT', 'x' FROM generate_series(1, :cars) g",
        "INSERT INTO chats (chat_id, language, time_zone, units, default_temperature_c, active) "
        "SELECT 10000 + g, 'fr', 'UTC', 'km', 21.0, true FROM generate_series(1, :cars) g",
        "INSERT INTO chat_links (chat_id, account_id, role) "
        "SELECT 10000 + g, g, 'owner' FROM generate_series(1, :cars) g",
        "INSERT INTO vehicle_states (vehicle_id, memory) "
        "SELECT g, '{}'::json FROM generate_series(1, :cars) g",
        "SELECT setval(pg_get_serial_sequence('accounts', 'id'), :cars)",
        "SELECT setval(pg_get_serial_sequence('vehicles', 'id'), :cars)",
    ]
    async with db.engine.begin() as conn:
        for statement in statements:
            await conn.execute(text(statement), {"cars": cars, "stale": stale})
    await steady(db, stale)


async def steady(db: Database, stale: int) -> None:
    """Next poll times over the next 20 minutes, 5 s of them due; the stale accounts' cars due a day ago."""
    async with db.engine.begin() as conn:
        await conn.execute(
            text(
                "UPDATE vehicle_states SET next_poll_at = CASE WHEN vehicle_id <= :stale "
                "THEN now() - interval '1 day' "
                "ELSE now() - interval '5 seconds' + (vehicle_id % 1200) * interval '1 second' END"
            ),
            {"stale": stale},
        )
    await analyze(db)


async def parked(db: Database) -> None:
    """The steady fleet after one `park_unclaimable`, timed (the stale accounts' cars parked for 15 min)."""
    now = datetime.now(UTC)
    started = time.perf_counter()
    count = await SqlVehicleStateRepository(db).park_unclaimable(now, now + timedelta(minutes=15))
    print(
        f"park_unclaimable parked {count} cars in {1000 * (time.perf_counter() - started):.1f} ms", flush=True
    )
    await analyze(db)


async def never_polled(db: Database) -> None:
    """Every car without a next poll time."""
    async with db.engine.begin() as conn:
        await conn.execute(text("UPDATE vehicle_states SET next_poll_at = NULL"))
    await analyze(db)


async def analyze(db: Database) -> None:
    """VACUUM ANALYZE, as autovacuum would after such an update (outside a transaction)."""
    async with db.engine.connect() as conn:
        conn = await conn.execution_options(isolation_level="AUTOCOMMIT")
        await conn.execute(text("VACUUM ANALYZE"))


async def time_claims(db: Database, batch: int, repetitions: int) -> tuple[list[float], int]:
    """Seconds per `claim_due` (each followed by giving the leases back) and the cars the last one claimed."""
    states = SqlVehicleStateRepository(db)
    seconds: list[float] = []
    claimed = 0
    for _ in range(repetitions):
        started = time.perf_counter()
        ids = await states.claim_due(datetime.now(UTC), batch, OWNER, LEASE_SECONDS)
        seconds.append(time.perf_counter() - started)
        claimed = len(ids)
        await states.release_all(OWNER)
    return seconds, claimed


async def plans(db: Database, batch: int) -> list[str]:
    """EXPLAIN ANALYZE of each SELECT one claim runs (captured from the repository, then rolled back)."""
    captured: list[tuple[str, Any]] = []

    def record(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
        if statement.lstrip().upper().startswith("SELECT"):
            captured.append((statement, parameters))

    event.listen(db.engine.sync_engine, "before_cursor_execute", record)
    try:
        await SqlVehicleStateRepository(db).claim_due(datetime.now(UTC), batch, OWNER, LEASE_SECONDS)
    finally:
        event.remove(db.engine.sync_engine, "before_cursor_execute", record)
        await SqlVehicleStateRepository(db).release_all(OWNER)
    lines: list[str] = []
    async with db.engine.connect() as conn:
        for statement, parameters in captured:
            lines.append(" ".join(statement.split()))
            explained = await conn.exec_driver_sql(
                f"EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) {statement}", tuple(parameters)
            )
            lines.extend(f"    {row[0]}" for row in explained)
        await conn.rollback()
    return lines


def summary(label: str, seconds: Sequence[float], claimed: int) -> str:
    """One printed line for a shape of the fleet."""
    ms = sorted(1000 * s for s in seconds)
    return (
        f"{label}: claim_due of {claimed} cars: median {statistics.median(ms):.1f} ms, "
        f"min {ms[0]:.1f} ms, max {ms[-1]:.1f} ms over {len(ms)} claims; load average "
        f"{', '.join(f'{x:.1f}' for x in os.getloadavg())}"
    )


async def run(
    cars: int = 100_000,
    batch: int = 200,
    repetitions: int = 20,
    needs_login: float = 0.01,
    admin_url: str = "",
) -> dict[str, int]:
    """Fill a scratch database, time the claim in both shapes and print the plans; cars claimed per shape."""
    print(
        f"bench.claim: {cars} cars on PostgreSQL, batches of {batch}, {needs_login:.0%} of accounts waiting "
        f"for a new login; load average {', '.join(f'{x:.1f}' for x in os.getloadavg())} "
        f"on {os.cpu_count()} cores",
        flush=True,
    )
    claimed_by_shape: dict[str, int] = {}
    async with fresh_database(admin_url, "bot_claim") as database_url:
        db = Database.from_url(database_url)
        try:
            await upgrade_database(db)
            started = time.perf_counter()
            await fill(db, cars, needs_login)
            print(f"wrote {cars} cars in {time.perf_counter() - started:.1f} s", flush=True)
            for label, shape in (("steady", None), ("parked", parked), ("new", never_polled)):
                if shape is not None:
                    await shape(db)
                seconds, claimed = await time_claims(db, batch, repetitions)
                claimed_by_shape[label] = claimed
                print(summary(label, seconds, claimed), flush=True)
                for line in await plans(db, batch):
                    print(f"  {line}")
        finally:
            await db.dispose()
    print(
        f"command: python -m bench.claim --cars {cars} --batch {batch} --repetitions {repetitions} "
        f"--needs-login {needs_login:g}"
    )
    return claimed_by_shape


def main(argv: list[str] | None = None) -> None:
    """Parse the arguments and run the benchmark."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--cars", type=int, default=100_000)
    parser.add_argument("--batch", type=int, default=200)
    parser.add_argument("--repetitions", type=int, default=20)
    parser.add_argument(
        "--needs-login", type=float, default=0.01, help="share of the accounts waiting for a new login"
    )
    parser.add_argument(
        "--database-url",
        default=os.environ.get("TEST_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/test"),
        help="a PostgreSQL server where a scratch database may be created (and dropped)",
    )
    args = parser.parse_args(argv)
    asyncio.run(run(args.cars, args.batch, args.repetitions, args.needs_login, args.database_url))


if __name__ == "__main__":
    main()
