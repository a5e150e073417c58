"""A TLS server on 127.0.0.1 whose answers are scripts writing raw bytes: to drip, flood or redirect.

For the hostile-feed tests: the answer is written by hand, so a test controls exactly how fast and how much
arrives, and the server records how much it managed to send before the client hung up.
"""

from __future__ import annotations

import asyncio
import contextlib
import ssl
from collections.abc import Awaitable, Callable

Answer = Callable[[asyncio.StreamWriter], Awaitable[None]]


class ScriptedServer:
    """Serves `answer` for every request on a TLS loopback port; counts connections and bytes sent."""

    def __init__(self, tls: ssl.SSLContext, answer: Answer) -> None:
        self._tls = tls
        self._answer = answer
        self._server: asyncio.Server | None = None
        self.connections = 0
        self.in_flight = 0
        self.most_in_flight = 0
        self.sent = 0
        self.requests: list[str] = []
        self._writers: set[asyncio.StreamWriter] = set()

    @property
    def port(self) -> int:
        """The bound port."""
        assert self._server is not None
        return int(self._server.sockets[0].getsockname()[1])

    async def __aenter__(self) -> ScriptedServer:
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", 0, ssl=self._tls)
        return self

    async def __aexit__(self, *exc: object) -> None:
        assert self._server is not None
        self._server.close()
        for writer in list(self._writers):
            writer.close()
        with contextlib.suppress(Exception):
            await asyncio.wait_for(self._server.wait_closed(), 5)

    async def write(self, writer: asyncio.StreamWriter, data: bytes) -> None:
        """Send bytes and wait until the socket took them (so `sent` counts what really left)."""
        writer.write(data)
        await writer.drain()
        self.sent += len(data)

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.connections += 1
        self._writers.add(writer)
        self.in_flight += 1
        self.most_in_flight = max(self.most_in_flight, self.in_flight)
        try:
            head = await reader.readuntil(b"\r\n\r\n")
            self.requests.append(head.split(b"\r\n", 1)[0].decode())
            await self._answer(writer)
        except (ConnectionError, asyncio.IncompleteReadError, ssl.SSLError):
            pass
        finally:
            self.in_flight -= 1
            self._writers.discard(writer)
            writer.close()
            with contextlib.suppress(Exception):
                await writer.wait_closed()


def response_head(status: str = "200 OK", **headers: str) -> bytes:
    """A status line and headers (`content_type=` becomes `Content-Type:`), ending the head."""
    lines = [f"HTTP/1.1 {status}"] + [f"{k.replace('_', '-').title()}: {v}" for k, v in headers.items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode()
