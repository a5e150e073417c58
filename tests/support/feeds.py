"""Tariff feeds for tests: a simulator's handler behind the real guarded fetcher on a TLS loopback port,
or, for tests about parsing only, in process.

`served_feeds` is the real path (the fetcher's checks, TLS, a socket), reached through the fetcher's test
seam: a resolver naming the loopback server and the loopback network allowed. `InProcessFeeds` skips the
network entirely; the fetcher's own rules are tested in tests/tariffs/test_feed_fetch.py.
"""

from __future__ import annotations

import ipaddress
from collections.abc import AsyncIterator, Mapping, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

from bot.domain.tariff import TariffUnavailable
from bot.simulator.http_server import Handler, LoopbackServer
from bot.tariffs.fetch import FeedPolicy, FetchedFeed, GuardedFetcher
from tests.support.tls import make_tls

FEED_HOST = "feed.test"
LOOPBACK = ipaddress.ip_network("127.0.0.1/32")


async def loopback_names(host: str, port: int) -> Sequence[str]:
    """Every test feed host is the loopback server."""
    return ["127.0.0.1"]


@dataclass(frozen=True)
class ServedFeeds:
    """A guarded fetcher and the https base URL (`https://feed.test:<port>`) of the served handler."""

    fetcher: GuardedFetcher
    base_url: str


@asynccontextmanager
async def served_feeds(
    handler: Handler, folder: Path, policy: FeedPolicy | None = None
) -> AsyncIterator[ServedFeeds]:
    """Serve `handler` over TLS on loopback and yield a guarded fetcher that may reach it."""
    tls = make_tls(folder / "tls", (FEED_HOST,))
    async with LoopbackServer(handler, tls=tls.server) as server:
        fetcher = GuardedFetcher(policy, resolver=loopback_names, allowed=[LOOPBACK], ssl_context=tls.client)
        yield ServedFeeds(fetcher, f"https://{FEED_HOST}:{server.port}")


class InProcessFeeds:
    """A FeedFetch answering from a handler in process (parsing tests: no network, no checks)."""

    def __init__(self, handler: Handler) -> None:
        async def answer(request: httpx.Request) -> httpx.Response:
            return await handler(request)

        self._client = httpx.AsyncClient(transport=httpx.MockTransport(answer))

    async def get(self, url: str, params: Mapping[str, str] | None = None) -> FetchedFeed:
        """The handler's answer as a document; an HTTP error status is TariffUnavailable."""
        response = await self._client.get(url, params=params)
        if response.status_code >= 400:
            raise TariffUnavailable(f"the tariff source answered HTTP {response.status_code}")
        return FetchedFeed(response.content, response.headers.get("content-type", ""))

    async def __aenter__(self) -> InProcessFeeds:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self._client.aclose()
