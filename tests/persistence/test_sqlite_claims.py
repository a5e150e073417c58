"""Two Database objects on one SQLite file (two processes, e.g. the bot and a worker) share the leases."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.persistence.accounts import SqlAccountRepository
from bot.persistence.crypto import CredentialCipher, generate_key
from bot.persistence.engine import Database
from bot.persistence.migrations import upgrade_database
from bot.persistence.state import SqlVehicleStateRepository
from tests.persistence import factories as f
from tests.support.clock import FakeClock


@pytest.fixture
async def two_databases(tmp_path: Path) -> AsyncIterator[tuple[Database, Database]]:
    """Two independent engines (own pools, own write locks) on the same SQLite file."""
    url = f"sqlite:///{tmp_path / 'shared.db'}"
    first, second = Database.from_url(url), Database.from_url(url)
    await upgrade_database(first)
    yield first, second
    await first.dispose()
    await second.dispose()


async def test_two_databases_on_one_sqlite_file_never_claim_the_same_vehicle(
    two_databases: tuple[Database, Database],
) -> None:
    first, second = two_databases
    cipher = CredentialCipher.from_setting(generate_key())
    vehicles = [f.zoe(vin=f"VF1AG000X6423{n:04d}") for n in range(40)]
    _, ids = await SqlAccountRepository(first, cipher).create_linked(
        100, "fr_FR", f.EMAIL, f.secrets(), vehicles
    )
    clock = FakeClock()
    a, b = SqlVehicleStateRepository(first), SqlVehicleStateRepository(second)

    claims = await asyncio.gather(
        *(repo.claim_due(clock(), 3, f"owner-{n}", 60) for n in range(10) for repo in (a, b))
    )

    claimed = [vehicle_id for batch in claims for vehicle_id in batch]
    assert len(claimed) == len(set(claimed)) == len(ids)
