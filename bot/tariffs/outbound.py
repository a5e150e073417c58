"""Connections that cannot be turned inward: every address of a feed's host is checked when connecting.

`GuardedBackend` is an httpcore network backend: it resolves the host itself, refuses the connection when
any address is not public (`bot.domain.feed_url.is_public`), and connects to the very address it checked,
so a DNS answer that changes between a check and the connection (rebinding) cannot slip through. TLS still
verifies the certificate against the host name. `GuardedTransport` puts it under an httpx client.

The only way past the check is the `allowed` networks given to the backend's constructor: tests use it to
reach their loopback servers; the bot's wiring (`bot.app.tariffs`) never passes any, and no setting does.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Sequence
from typing import Any

import httpcore
import httpx

from bot.domain.feed_url import IPAddress, ip_literal, is_public

Resolver = Callable[[str, int], Awaitable[Sequence[str]]]
"""Host name and port -> the addresses to connect to (the default asks the system's resolver)."""

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


class AddressRefused(Exception):
    """The host resolved to an address that is not public: nothing was connected."""


async def system_resolver(host: str, port: int) -> Sequence[str]:
    """Every address the system resolver gives for `host` (TCP), in its order, without duplicates."""
    loop = asyncio.get_running_loop()
    try:
        infos = await loop.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except OSError as error:
        raise httpcore.ConnectError(f"the name could not be resolved: {type(error).__name__}") from None
    seen: dict[str, None] = {}
    for *_, sockaddr in infos:
        seen.setdefault(str(sockaddr[0]), None)
    return list(seen)


class GuardedBackend(httpcore.AsyncNetworkBackend):
    """Resolves, checks every address, then connects to a checked address; never a Unix socket."""

    def __init__(self, resolver: Resolver = system_resolver, allowed: Iterable[Network] = ()) -> None:
        self._resolver = resolver
        self._allowed = tuple(allowed)
        self._inner = httpcore.AnyIOBackend()

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,  # noqa: ASYNC109 - httpcore's backend interface names it so
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        """Connect to the first reachable address of `host`, once every one of them passed the check."""
        literal = ip_literal(host)
        addresses = [str(literal)] if literal is not None else list(await self._resolver(host, port))
        if not addresses:
            raise httpcore.ConnectError("the name has no address")
        for address in addresses:
            if not self._may_reach(ipaddress.ip_address(address)):
                # One inward address is enough to refuse: the host is not a public feed.
                raise AddressRefused("the feed's host has an address that is not public")
        failure: httpcore.ConnectError | httpcore.ConnectTimeout | None = None
        for address in addresses:
            try:
                return await self._inner.connect_tcp(
                    address, port, timeout=timeout, local_address=local_address, socket_options=socket_options
                )
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as error:
                failure = error
        assert failure is not None
        raise failure

    async def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,  # noqa: ASYNC109 - httpcore's backend interface names it so
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        """Never: a feed is on the internet."""
        raise AddressRefused("a feed is never reached through a local socket")

    async def sleep(self, seconds: float) -> None:
        """Wait (httpcore's retries)."""
        await self._inner.sleep(seconds)

    def _may_reach(self, address: IPAddress) -> bool:
        return is_public(address) or any(address in network for network in self._allowed)


_TIMEOUTS = (httpcore.TimeoutException,)
_FAILURES = (
    httpcore.NetworkError,
    httpcore.ProtocolError,
    httpcore.UnsupportedProtocol,
    httpcore.PoolTimeout,
)


def _mapped(error: Exception, request: httpx.Request) -> httpx.TransportError:
    if isinstance(error, _TIMEOUTS):
        return httpx.TimeoutException(str(error), request=request)
    return httpx.TransportError(str(error), request=request)


class _Body(httpx.AsyncByteStream):
    """httpcore's response body as httpx's, with httpcore's errors turned into httpx's."""

    def __init__(self, stream: Any, request: httpx.Request) -> None:
        self._stream = stream
        self._request = request

    async def __aiter__(self) -> AsyncIterator[bytes]:
        try:
            async for part in self._stream:
                yield part
        except (*_TIMEOUTS, *_FAILURES) as error:
            raise _mapped(error, self._request) from None

    async def aclose(self) -> None:
        await self._stream.aclose()


class GuardedTransport(httpx.AsyncBaseTransport):
    """An httpx transport on an httpcore pool over a `GuardedBackend` (HTTP/1.1, no proxy)."""

    def __init__(self, backend: GuardedBackend, ssl_context: Any, max_connections: int) -> None:
        self._pool = httpcore.AsyncConnectionPool(
            ssl_context=ssl_context,
            max_connections=max_connections,
            network_backend=backend,
        )

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        """Send the request over the guarded pool."""
        assert isinstance(request.stream, httpx.AsyncByteStream)
        core_request = httpcore.Request(
            method=request.method,
            url=httpcore.URL(
                scheme=request.url.raw_scheme,
                host=request.url.raw_host,
                port=request.url.port,
                target=request.url.raw_path,
            ),
            headers=request.headers.raw,
            content=request.stream,
            extensions=request.extensions,
        )
        try:
            response = await self._pool.handle_async_request(core_request)
        except (*_TIMEOUTS, *_FAILURES) as error:
            raise _mapped(error, request) from None
        return httpx.Response(
            status_code=response.status,
            headers=response.headers,
            stream=_Body(response.stream, request),
            extensions=response.extensions,
        )

    async def aclose(self) -> None:
        """Close the pool's connections."""
        await self._pool.aclose()
