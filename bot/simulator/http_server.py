"""A small asyncio HTTP/1.1 server that serves an httpx-style handler on a loopback port.

The simulators are written once as `async (httpx.Request) -> httpx.Response` handlers: in-process they
sit behind `httpx.MockTransport`, and this server puts the very same handler on a real socket so that
end-to-end tests and the demo exercise the real HTTP stack.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import ssl
from collections.abc import Awaitable, Callable

import httpx

Handler = Callable[[httpx.Request], Awaitable[httpx.Response]]

log = logging.getLogger(__name__)

_MAX_HEADER_BYTES = 64 * 1024


class DropConnection(Exception):
    """Raised by a handler to close the socket without answering (simulates a dropped connection)."""


class LoopbackServer:
    """Serves one handler on 127.0.0.1 (over TLS when given a server context, for https feeds in tests);
    use as an async context manager or call start()/stop()."""

    def __init__(
        self, handler: Handler, host: str = "127.0.0.1", port: int = 0, tls: ssl.SSLContext | None = None
    ) -> None:
        self._handler = handler
        self._host = host
        self._port = port
        self._tls = tls
        self._server: asyncio.Server | None = None
        self._connections: dict[asyncio.Task[None], asyncio.StreamWriter] = {}

    @property
    def port(self) -> int:
        """The bound port (useful when started with port 0)."""
        if self._server is None:
            raise RuntimeError("server not started")
        sock = self._server.sockets[0]
        return int(sock.getsockname()[1])

    @property
    def url(self) -> str:
        """Base URL of the server, without a trailing slash."""
        scheme = "https" if self._tls is not None else "http"
        return f"{scheme}://{self._host}:{self.port}"

    async def start(self) -> None:
        """Bind the socket and start accepting connections."""
        self._server = await asyncio.start_server(
            self._on_connection, self._host, self._port, backlog=4096, ssl=self._tls
        )

    async def stop(self) -> None:
        """Stop accepting, then close every open connection."""
        if self._server is not None:
            self._server.close()
        # Closing the sockets ends each connection's read loop normally; cancel only what lingers.
        for writer in list(self._connections.values()):
            writer.close()
        tasks = list(self._connections)
        if tasks:
            _done, lingering = await asyncio.wait(tasks, timeout=1.0)
            for task in lingering:
                task.cancel()
        if self._server is not None:
            with contextlib.suppress(Exception):
                await self._server.wait_closed()
            self._server = None

    async def __aenter__(self) -> LoopbackServer:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    async def _on_connection(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        self._connections[task] = writer
        try:
            while True:
                request = await _read_request(reader, self.url, by_host=self._tls is not None)
                if request is None:
                    break
                try:
                    response = await self._handler(request)
                except DropConnection:
                    break
                except Exception:
                    log.exception("simulated server handler failed")
                    response = httpx.Response(500, text="internal simulator error")
                await _write_response(writer, response)
                if request.headers.get("connection", "").lower() == "close":
                    break
        except (ConnectionError, asyncio.IncompleteReadError, asyncio.LimitOverrunError, ssl.SSLError):
            pass
        finally:
            self._connections.pop(task, None)
            writer.close()
            with contextlib.suppress(Exception):
                await writer.wait_closed()


async def _read_request(
    reader: asyncio.StreamReader, base_url: str, by_host: bool = False
) -> httpx.Request | None:
    try:
        head = await reader.readuntil(b"\r\n\r\n")
    except asyncio.IncompleteReadError:
        return None
    if len(head) > _MAX_HEADER_BYTES:
        return None
    lines = head.decode("latin-1").split("\r\n")
    method, target, _version = lines[0].split(" ", 2)
    headers: list[tuple[str, str]] = []
    for line in lines[1:]:
        if not line:
            continue
        name, _, value = line.partition(":")
        headers.append((name.strip(), value.strip()))
    lowered = {k.lower(): v for k, v in headers}
    body = b""
    if "content-length" in lowered:
        body = await reader.readexactly(int(lowered["content-length"]))
    elif lowered.get("transfer-encoding", "").lower() == "chunked":
        body = await _read_chunked(reader)
    kept = [(k, v) for k, v in headers if k.lower() not in ("transfer-encoding", "content-length")]
    if by_host and "host" in lowered:
        # An https client names the host it asked for (a test name that resolves here), as a real server sees.
        base_url = f"https://{lowered['host']}"
    return httpx.Request(method, base_url + target, headers=kept, content=body)


async def _read_chunked(reader: asyncio.StreamReader) -> bytes:
    parts: list[bytes] = []
    while True:
        size_line = await reader.readuntil(b"\r\n")
        size = int(size_line.split(b";", 1)[0].strip(), 16)
        if size == 0:
            await reader.readuntil(b"\r\n")
            return b"".join(parts)
        parts.append(await reader.readexactly(size))
        await reader.readexactly(2)


async def _write_response(writer: asyncio.StreamWriter, response: httpx.Response) -> None:
    body = await response.aread()
    reason = response.reason_phrase or "OK"
    lines = [f"HTTP/1.1 {response.status_code} {reason}"]
    for name, value in response.headers.multi_items():  # keep repeated headers (Set-Cookie) apart
        if name.lower() in ("content-length", "transfer-encoding", "connection", "content-encoding"):
            continue
        lines.append(f"{name}: {value}")
    lines.append(f"content-length: {len(body)}")
    writer.write(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body)
    await writer.drain()
