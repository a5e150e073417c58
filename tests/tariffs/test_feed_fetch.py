"""Hostile feeds: the guarded fetcher reaches public https addresses only (checked when connecting and on
every redirect), caps the body while it streams and gives up at one total deadline.

Every test stays on loopback: inward addresses are refused before any connection, and the loopback test
servers are reached through the fetcher's explicit test seam (an allowed network and a resolver)."""

from __future__ import annotations

import asyncio
import gzip
import ipaddress
from collections.abc import Sequence
from pathlib import Path

import pytest

from bot.domain.tariff import TariffFormatError, TariffRefused, TariffUnavailable
from bot.tariffs.fetch import FeedPolicy, GuardedFetcher
from tests.support.scripted import ScriptedServer, response_head
from tests.support.tls import LoopbackTls, make_tls

LOOPBACK = ipaddress.ip_network("127.0.0.1/32")
TEN_MB = 10 * 1024 * 1024
GUARD = 30.0  # a hung fetch fails the test instead of hanging it


class Names:
    """A resolver for tests: fixed answers per name, counting the lookups."""

    def __init__(self) -> None:
        self.answers: dict[str, list[str]] = {}
        self.lookups: list[str] = []

    def set(self, name: str, *addresses: str) -> None:
        """Answer `name` with these addresses from now on."""
        self.answers[name] = list(addresses)

    async def __call__(self, host: str, port: int) -> Sequence[str]:
        """The configured answer (a KeyError for a name the test did not expect)."""
        self.lookups.append(host)
        return self.answers[host]


@pytest.fixture
def tls(tmp_path: Path) -> LoopbackTls:
    return make_tls(tmp_path / "tls", ("feed.test", "other.test"))


def _fetcher(tls: LoopbackTls, names: Names, policy: FeedPolicy | None = None) -> GuardedFetcher:
    return GuardedFetcher(policy, resolver=names, allowed=[LOOPBACK], ssl_context=tls.client)


async def _ok(server: ScriptedServer, writer: asyncio.StreamWriter) -> None:
    body = b'{"prices": []}'
    await server.write(writer, response_head(content_type="application/json", content_length=str(len(body))))
    await server.write(writer, body)


def _json_server(tls: LoopbackTls) -> ScriptedServer:
    server: ScriptedServer

    async def answer(writer: asyncio.StreamWriter) -> None:
        await _ok(server, writer)

    server = ScriptedServer(tls.server, answer)
    return server


async def test_the_test_seam_reaches_a_loopback_server_and_nothing_else(tls: LoopbackTls) -> None:
    async with _json_server(tls) as server:
        names = Names()
        names.set("feed.test", "127.0.0.1")
        document = await _fetcher(tls, names).get(f"https://feed.test:{server.port}/prices.json")
        assert document.body == b'{"prices": []}'
        assert document.content_type == "application/json"
        # Without the seam the very same server is refused: loopback is not public.
        with pytest.raises(TariffRefused):
            await GuardedFetcher(resolver=names, ssl_context=tls.client).get(
                f"https://feed.test:{server.port}/prices.json"
            )
        assert server.connections == 1


@pytest.mark.parametrize(
    "addresses",
    [
        ["127.0.0.1"],
        ["127.53.0.1"],
        ["169.254.169.254"],
        ["10.0.0.5"],
        ["172.16.3.4"],
        ["192.168.1.10"],
        ["100.64.0.1"],
        ["0.0.0.0"],  # noqa: S104 - an address a name resolves to, nothing binds here
        ["::1"],
        ["fc00::1"],
        ["fd12:3456::1"],
        ["fe80::1"],
        ["::ffff:127.0.0.1"],
        ["::ffff:10.1.2.3"],
        ["64:ff9b::a00:1"],
        ["2002:a00:1::1"],
        ["93.184.216.34", "10.0.0.5"],  # one inward address is enough: the connection could land there
    ],
)
async def test_a_host_resolving_inside_is_refused_before_any_connection(
    tls: LoopbackTls, addresses: list[str]
) -> None:
    names = Names()
    names.set("prices.example.com", *addresses)
    fetcher = GuardedFetcher(resolver=names, ssl_context=tls.client)
    with pytest.raises(TariffRefused):
        await fetcher.get("https://prices.example.com/feed.json")
    assert names.lookups == ["prices.example.com"]


@pytest.mark.parametrize(
    "url",
    [
        "http://prices.example.com/feed.json",
        "https://user@prices.example.com/feed.json",
        "https://user:secret@prices.example.com/feed.json",
        "https://127.0.0.1/feed.json",
        "https://169.254.169.254/latest/meta-data/",
        "https://[::1]/feed.json",
        "https://[::ffff:127.0.0.1]/feed.json",
        "https://postgres:5432/",
        "https://bot-1:8080/healthz",
        "https://localhost/feed.json",
    ],
)
async def test_refused_urls_resolve_nothing(tls: LoopbackTls, url: str) -> None:
    names = Names()
    with pytest.raises(TariffRefused):
        await GuardedFetcher(resolver=names, ssl_context=tls.client).get(url)
    assert names.lookups == []


def _redirecting(tls: LoopbackTls, location: str) -> ScriptedServer:
    server: ScriptedServer

    async def answer(writer: asyncio.StreamWriter) -> None:
        await server.write(writer, response_head("302 Found", location=location, content_length="0"))

    server = ScriptedServer(tls.server, answer)
    return server


@pytest.mark.parametrize(
    "target",
    [
        "https://inside.example.com/feed.json",  # resolves to 10.0.0.9 (below)
        "https://10.0.0.9/feed.json",
        "https://[fe80::1]/feed.json",
        "http://feed.test/feed.json",
        "https://user:pw@feed.test/feed.json",
    ],
)
async def test_a_redirect_inward_is_refused(tls: LoopbackTls, target: str) -> None:
    async with _redirecting(tls, target) as server:
        names = Names()
        names.set("feed.test", "127.0.0.1")
        names.set("inside.example.com", "10.0.0.9")
        with pytest.raises(TariffRefused):
            await _fetcher(tls, names).get(f"https://feed.test:{server.port}/start")
        assert server.connections == 1


async def test_endless_redirects_give_up(tls: LoopbackTls) -> None:
    names = Names()
    names.set("feed.test", "127.0.0.1")
    async with _redirecting(tls, "/again") as server:
        with pytest.raises(TariffUnavailable, match="redirected too many times"):
            await _fetcher(tls, names).get(f"https://feed.test:{server.port}/start")
        assert len(server.requests) == 4  # the first request and three redirects


async def test_each_connection_checks_the_address_again_so_rebinding_fails(tls: LoopbackTls) -> None:
    async with _json_server(tls) as server:
        names = Names()
        names.set("feed.test", "127.0.0.1")
        fetcher = _fetcher(tls, names)
        url = f"https://feed.test:{server.port}/prices.json"
        await fetcher.get(url)
        names.set("feed.test", "10.0.0.1")  # the name now points inside
        with pytest.raises(TariffRefused):
            await fetcher.get(url)
        assert server.connections == 1
        assert names.lookups == ["feed.test", "feed.test"]


def _flood(tls: LoopbackTls, *, declared: bool, compressed: bool = False) -> ScriptedServer:
    server: ScriptedServer
    chunk = b"x" * 65536

    async def answer(writer: asyncio.StreamWriter) -> None:
        if compressed:
            body = gzip.compress(b"0" * TEN_MB)
            head = response_head(content_encoding="gzip", content_length=str(len(body)))
            await server.write(writer, head)
            await server.write(writer, body)
            return
        length = {"content_length": str(TEN_MB)} if declared else {"transfer_encoding": "chunked"}
        await server.write(writer, response_head(content_type="text/csv", **length))
        for _ in range(TEN_MB // len(chunk)):
            piece = chunk if declared else b"%x\r\n%s\r\n" % (len(chunk), chunk)
            await server.write(writer, piece)
        if not declared:
            await server.write(writer, b"0\r\n\r\n")

    server = ScriptedServer(tls.server, answer)
    return server


@pytest.mark.parametrize("declared", [True, False])
async def test_a_10_mb_body_is_refused_while_it_streams(tls: LoopbackTls, declared: bool) -> None:
    names = Names()
    names.set("feed.test", "127.0.0.1")
    policy = FeedPolicy(max_bytes=256 * 1024)
    async with _flood(tls, declared=declared) as server:
        async with asyncio.timeout(GUARD):
            with pytest.raises(TariffFormatError, match="oversized"):
                await _fetcher(tls, names, policy).get(f"https://feed.test:{server.port}/big.csv")
        await asyncio.sleep(0)
    # The client hung up long before the end: the server could not send the 10 MB.
    assert server.sent < TEN_MB


async def test_a_compressed_bomb_is_refused_without_inflating_it(tls: LoopbackTls) -> None:
    names = Names()
    names.set("feed.test", "127.0.0.1")
    async with _flood(tls, declared=True, compressed=True) as server:
        with pytest.raises(TariffFormatError, match="oversized"):
            await _fetcher(tls, names, FeedPolicy(max_bytes=1024 * 1024)).get(
                f"https://feed.test:{server.port}/bomb"
            )


async def test_a_drip_feeding_server_is_cut_off_at_the_total_deadline(tls: LoopbackTls) -> None:
    server: ScriptedServer

    async def drip(writer: asyncio.StreamWriter) -> None:
        await server.write(writer, response_head(content_type="text/csv", transfer_encoding="chunked"))
        while True:  # one byte every 50 ms: each read is quick, the whole never ends
            await server.write(writer, b"1\r\nx\r\n")
            await asyncio.sleep(0.05)

    server = ScriptedServer(tls.server, drip)
    names = Names()
    names.set("feed.test", "127.0.0.1")
    policy = FeedPolicy(deadline_s=0.5, read_s=10.0)
    async with server:
        async with asyncio.timeout(GUARD):
            with pytest.raises(TariffUnavailable, match="in time"):
                await _fetcher(tls, names, policy).get(f"https://feed.test:{server.port}/drip.csv")
    assert server.sent > 0


async def test_fetches_at_once_are_bounded(tls: LoopbackTls) -> None:
    release, two_in = asyncio.Event(), asyncio.Event()
    server: ScriptedServer

    async def slow(writer: asyncio.StreamWriter) -> None:
        if server.in_flight >= 2:
            two_in.set()
        await release.wait()
        await _ok(server, writer)

    server = ScriptedServer(tls.server, slow)
    names = Names()
    names.set("feed.test", "127.0.0.1")
    fetcher = _fetcher(tls, names, FeedPolicy(concurrency=2))
    async with server:
        url = f"https://feed.test:{server.port}/prices.json"
        async with asyncio.timeout(GUARD), asyncio.TaskGroup() as group:
            tasks = [group.create_task(fetcher.get(url)) for _ in range(5)]
            await two_in.wait()
            await asyncio.sleep(0.1)  # a third fetch, were it not held back, would have connected by now
            assert server.connections == 2
            release.set()
        assert all(t.result().body == b'{"prices": []}' for t in tasks)
    assert server.most_in_flight == 2
