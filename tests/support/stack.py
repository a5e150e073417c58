"""The whole object graph on the Renault simulator (in-process transport) and a fresh SQLite database."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

from bot.app.graph import Graph, GraphOptions, build_graph
from bot.app.http import new_http_client
from bot.persistence.crypto import CredentialCipher, generate_key
from bot.persistence.engine import Database
from bot.persistence.migrations import upgrade_database
from bot.simulator.renault import RenaultSimulator
from tests.support.clock import FakeClock
from tests.support.fakes import RecordingNotifier


@dataclass
class Stack:
    """What a service-level test drives: the simulator, the clock, the notifier and the real graph."""

    sim: RenaultSimulator
    clock: FakeClock
    graph: Graph
    db_path: Path
    notifier: RecordingNotifier
    http: httpx.AsyncClient
    db: Database
    cipher: CredentialCipher

    def rebuilt(self, options: GraphOptions | None = None) -> Graph:
        """A new graph on the same database, key and notifier, as after a process restart."""
        self.graph = build_graph(self.http, self.db, self.cipher, self.clock, self.notifier, options)
        return self.graph


@asynccontextmanager
async def service_stack(
    tmp_path: Path, options: GraphOptions | None = None, *, database_url: str | None = None
) -> AsyncIterator[Stack]:
    """Yield a ready stack (a fresh SQLite file unless `database_url`); closes the HTTP client and the
    database afterwards."""
    clock = FakeClock()
    sim = RenaultSimulator(clock)
    db_path = tmp_path / "data" / "bot.db"
    db = Database.from_url(database_url or f"sqlite:///{db_path}")
    await upgrade_database(db)
    cipher = CredentialCipher.from_setting(generate_key())
    notifier = RecordingNotifier()
    async with new_http_client(sim.transport()) as http:
        try:
            graph = build_graph(http, db, cipher, clock, notifier, options)
            yield Stack(sim, clock, graph, db_path, notifier, http, db, cipher)
        finally:
            await db.dispose()
