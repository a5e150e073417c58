"""Fetching a user-given feed: https to public addresses only, a byte cap while streaming, one deadline.

`GuardedFetcher` is the only way the tariff sources reach the network, on HTTP clients of their own (never
the Renault client), a few at a time:
- the URL must be https, name a host, carry no credentials and not name an inside host
  (`bot.domain.feed_url`); each redirect target is checked the same way (at most `max_redirects`);
- every connection checks every address of the host and connects to a checked one (`bot.tariffs.outbound`);
- the body is counted while it streams (compressed and decompressed) and dropped past `max_bytes`;
- `deadline_s` bounds the whole fetch (resolving, connecting, redirects, every byte), not each read.
Messages and errors never hold the URL: a generic feed URL may carry an API token in its query.
"""

from __future__ import annotations

import asyncio
import ssl
import zlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Protocol

import httpx

from bot.domain.feed_url import url_problem
from bot.domain.tariff import TariffFormatError, TariffRefused, TariffUnavailable
from bot.tariffs.outbound import (
    AddressRefused,
    GuardedBackend,
    GuardedTransport,
    Network,
    Resolver,
    system_resolver,
)


@dataclass(frozen=True, slots=True)
class FeedPolicy:
    """The bounds of every feed fetch (SECURITY.md, "Limits")."""

    max_bytes: int = 4 * 1024 * 1024  # a price feed is a few hundred slots; far more is a wrong URL
    deadline_s: float = 20.0  # the whole fetch, redirects and every byte included
    connect_s: float = 5.0
    read_s: float = 10.0  # one read; the deadline bounds their sum
    max_redirects: int = 3
    concurrency: int = 8  # fetches at once in this process; the others queue (outside their deadline)


@dataclass(frozen=True, slots=True)
class FetchedFeed:
    """A fetched feed: its bytes (decompressed) and its declared content type."""

    body: bytes
    content_type: str


class FeedFetch(Protocol):
    """How the tariff sources GET their documents."""

    async def get(self, url: str, params: Mapping[str, str] | None = None) -> FetchedFeed:
        """The document at `url`; TariffUnavailable, TariffRefused or TariffFormatError when it fails."""
        ...


class GuardedFetcher:
    """FeedFetch with the checks above; each fetch on a short-lived client over the guarded backend."""

    def __init__(
        self,
        policy: FeedPolicy | None = None,
        *,
        resolver: Resolver = system_resolver,
        allowed: Iterable[Network] = (),
        ssl_context: ssl.SSLContext | None = None,
    ) -> None:
        self._policy = policy or FeedPolicy()
        # `allowed` lets tests reach their loopback servers; the bot's wiring never gives any.
        self._backend = GuardedBackend(resolver, allowed)
        self._ssl_context = ssl_context
        self._slots = asyncio.Semaphore(self._policy.concurrency)

    def __repr__(self) -> str:
        return f"GuardedFetcher({self._policy!r})"

    async def get(self, url: str, params: Mapping[str, str] | None = None) -> FetchedFeed:
        """GET within the policy; the deadline starts once a fetch slot is free."""
        _check(url)
        async with self._slots:
            try:
                async with asyncio.timeout(self._policy.deadline_s):
                    return await self._fetch(url, params)
            except TimeoutError:
                raise TariffUnavailable("the tariff source did not answer in time") from None

    async def _fetch(self, url: str, params: Mapping[str, str] | None) -> FetchedFeed:
        timeout = httpx.Timeout(self._policy.read_s, connect=self._policy.connect_s)
        transport = GuardedTransport(self._backend, self._context(), max_connections=2)
        async with httpx.AsyncClient(
            transport=transport, timeout=timeout, follow_redirects=False, trust_env=False
        ) as client:
            target, query = url, dict(params or {})
            for _ in range(self._policy.max_redirects + 1):
                try:
                    # No params at all when there are none: httpx would drop the query a `next` link carries.
                    async with client.stream(
                        "GET", target, params=query or None, headers={"accept-encoding": "gzip, deflate"}
                    ) as response:
                        if not response.is_redirect:
                            return await self._document(response)
                        target, query = _redirect_target(response), {}
                except AddressRefused:
                    raise TariffRefused("the tariff source is not on a public address") from None
                except httpx.TimeoutException:
                    raise TariffUnavailable("the tariff source did not answer in time") from None
                except (httpx.HTTPError, httpx.InvalidURL):
                    raise TariffUnavailable("the tariff source could not be reached") from None
        raise TariffUnavailable("the tariff source redirected too many times")

    async def _document(self, response: httpx.Response) -> FetchedFeed:
        if response.status_code >= 400:
            raise TariffUnavailable(f"the tariff source answered HTTP {response.status_code}")
        cap = self._policy.max_bytes
        declared = response.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > cap:
            raise TariffFormatError("the tariff source answered with an oversized document")
        decoder = _Decoder(response.headers.get("content-encoding", ""), cap)
        # Raw bytes, decoded here: httpx's decoder would inflate a small compressed chunk without a bound.
        async for chunk in response.aiter_raw():
            decoder.feed(chunk)
        return FetchedFeed(decoder.finish(), response.headers.get("content-type", ""))

    def _context(self) -> ssl.SSLContext:
        if self._ssl_context is None:
            self._ssl_context = httpx.create_ssl_context()  # the system's trust, as httpx would use
        return self._ssl_context


def _check(url: str) -> None:
    problem = url_problem(url)
    if problem is not None:
        raise TariffRefused(f"the tariff URL is refused: {problem.value}", problem.value)


def _redirect_target(response: httpx.Response) -> str:
    location = response.headers.get("location")
    if not location:
        raise TariffUnavailable("the tariff source redirected nowhere")
    try:
        target = str(response.url.join(location))
    except httpx.InvalidURL:
        raise TariffUnavailable("the tariff source redirected to a malformed URL") from None
    _check(target)
    return target


class _Decoder:
    """Counts the body as it streams: raw bytes and decompressed bytes, each within the cap."""

    def __init__(self, encoding: str, cap: int) -> None:
        kind = encoding.strip().lower()
        if kind not in ("", "identity", "gzip", "x-gzip", "deflate"):
            raise TariffFormatError("the tariff source used an unknown content encoding")
        # 47: zlib or gzip header, detected; deflate servers send zlib-wrapped data (RFC 9110).
        self._inflate = None if kind in ("", "identity") else zlib.decompressobj(47)
        self._cap = cap
        self._raw = 0
        self._parts: list[bytes] = []
        self._size = 0

    def feed(self, chunk: bytes) -> None:
        """Take one raw chunk; TariffFormatError past the cap."""
        self._raw += len(chunk)
        if self._raw > self._cap:
            raise TariffFormatError("the tariff source answered with an oversized document")
        self._add(chunk if self._inflate is None else self._inflated(chunk))

    def finish(self) -> bytes:
        """The whole body."""
        if self._inflate is not None:
            self._add(self._inflated(b"") + self._inflate.flush())
        return b"".join(self._parts)

    def _inflated(self, chunk: bytes) -> bytes:
        assert self._inflate is not None
        try:
            # Never more than the room left (+1 to notice an overflow): a bomb cannot blow up memory.
            out = self._inflate.decompress(chunk, self._cap - self._size + 1)
        except zlib.error:
            raise TariffFormatError("the tariff source sent a corrupt compressed document") from None
        if self._inflate.unconsumed_tail:
            raise TariffFormatError("the tariff source answered with an oversized document")
        return out

    def _add(self, data: bytes) -> None:
        self._size += len(data)
        if self._size > self._cap:
            raise TariffFormatError("the tariff source answered with an oversized document")
        self._parts.append(data)
