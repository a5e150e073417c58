"""The bot's former lean HTTP/1.1 transport (h11 on asyncio streams), kept only as a reference for
`python -m bench.transport`: the bot now runs on httpx-aiohttp (bot/app/http.py), which costs about the
same CPU per request and honours proxies.

Why not httpx's default transport: for every request, httpcore's pool re-examines each pooled connection
(a socket poll and several wrapper layers per connection), and anyio wraps every read and write. With the
poller keeping a hundred requests in flight, that bookkeeping cost more CPU than the rest of a poll. Here a
request takes an idle connection for its host from a list (or opens one), writes the request, and reads
the answer with h11, which does all the HTTP parsing and framing. httpx keeps doing everything above the
transport (URLs, headers, decoding, timeouts configuration, event hooks).

Scope: HTTP/1.1 over TCP or TLS (verified with httpx's default CA bundle), no proxies.
"""

from __future__ import annotations

import asyncio
import ssl
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field

import h11
import httpx

Origin = tuple[str, str, int]

_READ_SIZE = 64 * 1024


class LeanTransport(httpx.AsyncBaseTransport):
    """HTTP/1.1 with keep-alive, at most `max_connections` open at once (further requests wait)."""

    def __init__(
        self,
        max_connections: int = 200,
        *,
        keepalive_expiry: float = 5.0,
        verify: ssl.SSLContext | bool = True,
    ) -> None:
        self._max_connections = max_connections
        self._keepalive_expiry = keepalive_expiry
        self._ssl = httpx.create_ssl_context(verify=verify)
        self._idle: dict[Origin, list[_Connection]] = {}
        self._slots: asyncio.Semaphore | None = None  # made on first use, inside the running loop
        self._closed = False
        self._next_sweep = 0.0

    @property
    def idle_connections(self) -> int:
        """Open connections waiting for a request."""
        return sum(len(connections) for connections in self._idle.values())

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        """Send one request and return its response, whose body is read as the caller consumes it."""
        if self._closed:
            raise httpx.ConnectError("transport closed", request=request)
        timeouts = request.extensions.get("timeout", {})
        if self._slots is None:
            self._slots = asyncio.Semaphore(self._max_connections)
        try:
            async with asyncio.timeout(timeouts.get("pool")):
                await self._slots.acquire()
        except TimeoutError:
            raise httpx.PoolTimeout("no connection free in time", request=request) from None
        connection: _Connection | None = None
        try:
            url = request.url
            origin = (url.scheme, url.host, url.port or (443 if url.scheme == "https" else 80))
            connection = self._take_idle(origin) or await self._connect(origin, request, timeouts)
            head = await connection.exchange(request, timeouts)
        except BaseException:
            if connection is not None:
                connection.close()
            self._slots.release()
            raise
        return httpx.Response(
            status_code=head.status_code,
            headers=[(name, value) for name, value in head.headers],
            stream=_Body(self, connection, request, timeouts.get("read")),
            extensions={"http_version": b"HTTP/1.1", "reason_phrase": head.reason},
        )

    def _take_idle(self, origin: Origin) -> _Connection | None:
        idle = self._idle.get(origin)
        now = time.monotonic()
        while idle:
            connection = idle.pop()
            if connection.reusable(now, self._keepalive_expiry):
                return connection
            connection.close()  # the server closed it, or it sat idle too long to trust
        return None

    async def _connect(
        self, origin: Origin, request: httpx.Request, timeouts: dict[str, float]
    ) -> _Connection:
        scheme, host, port = origin
        tls = self._ssl if scheme == "https" else None
        try:
            async with asyncio.timeout(timeouts.get("connect")):
                reader, writer = await asyncio.open_connection(
                    host, port, ssl=tls, server_hostname=host if tls else None, limit=_READ_SIZE
                )
        except TimeoutError:
            raise httpx.ConnectTimeout(f"timed out connecting to {host}", request=request) from None
        except (OSError, ssl.SSLError) as exc:
            raise httpx.ConnectError(f"{type(exc).__name__} connecting to {host}", request=request) from exc
        return _Connection(origin, reader, writer)

    def give_back(self, connection: _Connection, reusable: bool) -> None:
        """A response body was read to the end (reusable) or abandoned (closed); frees its slot."""
        now = time.monotonic()
        if reusable and not self._closed:
            connection.idle_since = now
            self._idle.setdefault(connection.origin, []).append(connection)
        else:
            connection.close()
        if now >= self._next_sweep:
            self._sweep(now)
        if self._slots is not None:
            self._slots.release()

    def _sweep(self, now: float) -> None:
        # Idle connections to a host nobody calls any more would stay open until shutdown otherwise.
        self._next_sweep = now + self._keepalive_expiry
        for origin, connections in list(self._idle.items()):
            kept: list[_Connection] = []
            for connection in connections:
                if connection.reusable(now, self._keepalive_expiry):
                    kept.append(connection)
                else:
                    connection.close()
            if kept:
                self._idle[origin] = kept
            else:
                del self._idle[origin]

    async def aclose(self) -> None:
        """Close every idle connection; connections in use close when their response does."""
        self._closed = True
        for connections in self._idle.values():
            for connection in connections:
                connection.close()
        self._idle.clear()


@dataclass(frozen=True, slots=True)
class _Head:
    status_code: int
    reason: bytes
    headers: list[tuple[bytes, bytes]]


@dataclass(slots=True, eq=False)
class _Connection:
    """One socket and its h11 state machine."""

    origin: Origin
    reader: asyncio.StreamReader
    writer: asyncio.StreamWriter
    h11: h11.Connection = field(default_factory=lambda: h11.Connection(h11.CLIENT))
    idle_since: float = 0.0

    def reusable(self, now: float, expiry: float) -> bool:
        """Still open, not half-closed by the server, and not idle for longer than `expiry`."""
        return not (self.writer.is_closing() or self.reader.at_eof()) and now - self.idle_since < expiry

    async def exchange(self, request: httpx.Request, timeouts: dict[str, float]) -> _Head:
        """Write the request, then read up to the response head (interim 1xx answers skipped)."""
        body = await request.aread()
        headers = [(name, value) for name, value in request.headers.raw]
        data = self.h11.send(h11.Request(method=request.method, target=request.url.raw_path, headers=headers))
        if body:
            data = (data or b"") + (self.h11.send(h11.Data(data=body)) or b"")
        data = (data or b"") + (self.h11.send(h11.EndOfMessage()) or b"")
        try:
            self.writer.write(data)
            async with asyncio.timeout(timeouts.get("write")):
                await self.writer.drain()
        except TimeoutError:
            raise httpx.WriteTimeout("timed out sending the request", request=request) from None
        except OSError as exc:
            raise httpx.WriteError(f"{type(exc).__name__} sending the request", request=request) from exc
        while True:
            event = await self.next_event(request, timeouts.get("read"))
            if isinstance(event, h11.Response):
                return _Head(event.status_code, bytes(event.reason), list(event.headers))
            if not isinstance(event, h11.InformationalResponse):
                raise httpx.RemoteProtocolError(f"unexpected {type(event).__name__}", request=request)

    async def next_event(self, request: httpx.Request, read_timeout: float | None) -> object:
        """The next h11 event, reading from the socket as needed; errors become httpx errors."""
        try:
            while True:
                event = self.h11.next_event()
                if event is h11.PAUSED:  # only after a response we never asked for (pipelining)
                    raise httpx.RemoteProtocolError("unexpected data after the response", request=request)
                if event is not h11.NEED_DATA:
                    assert not isinstance(event, type)
                    return event
                try:
                    async with asyncio.timeout(read_timeout):
                        chunk = await self.reader.read(_READ_SIZE)
                except TimeoutError:
                    raise httpx.ReadTimeout("timed out reading the response", request=request) from None
                except OSError as exc:
                    failure = f"{type(exc).__name__} reading the response"
                    raise httpx.ReadError(failure, request=request) from exc
                self.h11.receive_data(chunk)  # b"" marks the end of the stream
        except h11.RemoteProtocolError as exc:
            raise httpx.RemoteProtocolError(str(exc), request=request) from exc

    def close(self) -> None:
        """Close the socket (no wait: the peer needs no goodbye)."""
        self.writer.close()


class _Body(httpx.AsyncByteStream):
    """The response body, read from the connection on demand; the connection is handed back at the end."""

    def __init__(
        self, transport: LeanTransport, connection: _Connection, request: httpx.Request, timeout: float | None
    ) -> None:
        self._transport = transport
        self._connection: _Connection | None = connection
        self._request = request
        self._timeout = timeout

    async def __aiter__(self) -> AsyncIterator[bytes]:
        connection = self._connection
        if connection is None:
            return
        try:
            while True:
                event = await connection.next_event(self._request, self._timeout)
                if isinstance(event, h11.Data):
                    yield bytes(event.data)
                elif isinstance(event, h11.EndOfMessage):
                    break
                else:
                    unexpected = f"unexpected {type(event).__name__}"
                    raise httpx.RemoteProtocolError(unexpected, request=self._request)
        except BaseException:
            self._finish(reusable=False)
            raise
        state = connection.h11
        reusable = state.our_state is h11.DONE and state.their_state is h11.DONE
        if reusable:
            state.start_next_cycle()
        self._finish(reusable)

    async def aclose(self) -> None:
        # Closed before the end (or after a failure): the connection's state is unknown, so it is dropped.
        self._finish(reusable=False)

    def _finish(self, reusable: bool) -> None:
        if self._connection is not None:
            self._transport.give_back(self._connection, reusable)
            self._connection = None
