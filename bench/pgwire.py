"""A counting TCP relay in front of PostgreSQL: the bytes each way and the statements a client sends.

A benchmark points one bot process's DATABASE_URL at its own relay, so every figure is that process's alone
(pg_stat_statements is usually not loaded, and the server's own counters mix every database and client).
The relay reads the frontend half of the wire protocol (plain text only: the benchmark's server has no TLS):
after the untyped start-up messages every message is a type byte and a length; an Execute ('E') or a simple
Query ('Q') is one statement run, a Sync ('S') ends one round trip of the extended protocol.
"""

from __future__ import annotations

import asyncio
import contextlib
from dataclasses import dataclass, field

# Start-up requests answered by one byte before the real start-up message (no TLS, no GSS here).
_NEGOTIATIONS = {80877103, 80877104}
_EXECUTE, _QUERY, _SYNC = ord("E"), ord("Q"), ord("S")


@dataclass(slots=True)
class WireCounts:
    """What the clients of one relay sent and received so far."""

    statements: int = 0
    round_trips: int = 0
    bytes_sent: int = 0
    bytes_received: int = 0
    connections: int = 0

    def copy(self) -> WireCounts:
        """A snapshot (to subtract later)."""
        return WireCounts(
            self.statements, self.round_trips, self.bytes_sent, self.bytes_received, self.connections
        )


@dataclass(slots=True)
class FrontendParser:
    """Splits a client's byte stream into protocol messages and counts statements and syncs."""

    counts: WireCounts
    started: bool = False
    buffer: bytearray = field(default_factory=bytearray)

    def feed(self, data: bytes) -> None:
        """Take the next bytes the client sent; count every message completed by them."""
        buffer = self.buffer
        buffer += data
        at = 0
        while True:
            if not self.started:
                if len(buffer) - at < 8:
                    break
                length = int.from_bytes(buffer[at : at + 4], "big")
                if len(buffer) - at < length:
                    break
                code = int.from_bytes(buffer[at + 4 : at + 8], "big")
                self.started = code not in _NEGOTIATIONS
                at += length
                continue
            if len(buffer) - at < 5:
                break
            length = int.from_bytes(buffer[at + 1 : at + 5], "big")
            if len(buffer) - at < 1 + length:
                break
            kind = buffer[at]
            if kind in (_EXECUTE, _QUERY):
                self.counts.statements += 1
            if kind in (_SYNC, _QUERY):
                self.counts.round_trips += 1
            at += 1 + length
        del buffer[:at]


class CountingRelay:
    """Listens on a loopback port and relays every connection to PostgreSQL, counting its traffic."""

    def __init__(self, target_host: str, target_port: int) -> None:
        self._target = (target_host, target_port)
        self.counts = WireCounts()
        self._server: asyncio.Server | None = None
        self._tasks: set[asyncio.Task[None]] = set()
        self._upstream: set[int] = set()

    @property
    def port(self) -> int:
        """The loopback port clients connect to."""
        assert self._server is not None
        return int(self._server.sockets[0].getsockname()[1])

    def upstream_ports(self) -> set[int]:
        """The local ports of the relay's open connections to PostgreSQL (pg_stat_activity.client_port)."""
        return set(self._upstream)

    async def __aenter__(self) -> CountingRelay:
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", 0)
        return self

    async def __aexit__(self, *exc: object) -> None:
        assert self._server is not None
        self._server.close()
        for task in list(self._tasks):
            task.cancel()
        for task in list(self._tasks):
            with contextlib.suppress(asyncio.CancelledError, OSError):
                await task
        await self._server.wait_closed()

    async def _serve(self, client_in: asyncio.StreamReader, client_out: asyncio.StreamWriter) -> None:
        self.counts.connections += 1
        server_in, server_out = await asyncio.open_connection(*self._target)
        local_port = int(server_out.get_extra_info("sockname")[1])
        self._upstream.add(local_port)
        parser = FrontendParser(self.counts)
        up = asyncio.create_task(self._pump(client_in, server_out, parser))
        down = asyncio.create_task(self._pump(server_in, client_out, None))
        for task in (up, down):
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)
        with contextlib.suppress(asyncio.CancelledError, OSError):
            await asyncio.wait({up, down}, return_when=asyncio.FIRST_COMPLETED)
        for task in (up, down):
            task.cancel()
        for writer in (server_out, client_out):
            writer.close()
        self._upstream.discard(local_port)

    async def _pump(
        self, source: asyncio.StreamReader, sink: asyncio.StreamWriter, parser: FrontendParser | None
    ) -> None:
        while data := await source.read(65536):
            if parser is not None:
                self.counts.bytes_sent += len(data)
                parser.feed(data)
            else:
                self.counts.bytes_received += len(data)
            sink.write(data)
            await sink.drain()
