"""The whole service graph on the Renault simulator (in-process transport) and a fresh SQLite database."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

from bot.persistence.crypto import CredentialCipher, generate_key
from bot.persistence.engine import Database
from bot.persistence.migrations import upgrade_database
from bot.simulator.renault import RenaultSimulator
from bot.wiring import Core, CoreOptions, build_core, new_http_client
from tests.support.clock import FakeClock


@dataclass
class Stack:
    """What a service-level test drives: the simulator, the clock and the real use cases."""

    sim: RenaultSimulator
    clock: FakeClock
    core: Core
    db_path: Path


@asynccontextmanager
async def service_stack(tmp_path: Path, options: CoreOptions | None = None) -> AsyncIterator[Stack]:
    """Yield a ready stack; closes the HTTP client and the database afterwards."""
    clock = FakeClock()
    sim = RenaultSimulator(clock)
    db_path = tmp_path / "data" / "bot.db"
    db = Database.from_url(f"sqlite:///{db_path}")
    await upgrade_database(db)
    cipher = CredentialCipher.from_setting(generate_key())
    async with new_http_client(sim.transport()) as http:
        try:
            yield Stack(sim, clock, build_core(http, db, cipher, clock, options), db_path)
        finally:
            await db.dispose()
