"""The one transport (httpx-aiohttp) honours HTTP(S)_PROXY and NO_PROXY, for Renault and for Telegram.

Everything goes through a forwarding proxy on loopback that records what passed through it; the targets
are loopback servers, one plain and one TLS (reached with CONNECT, as Renault's HTTPS endpoints would be).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import ssl
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import httpx
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from httpx_aiohttp import AiohttpTransport

from bot.app.http import new_http_client
from bot.renault.wire import send
from bot.simulator.http_server import LoopbackServer
from bot.simulator.telegram import TelegramEmulator
from bot.telegram_ui.application import new_bot
from tests.support.proxy import loopback_proxy


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    """The environment without any proxy variable (the machine's own must not leak into the tests)."""
    for name in list(os.environ):
        if name.lower().endswith("_proxy"):
            monkeypatch.delenv(name)
    return monkeypatch


async def hello(request: httpx.Request) -> httpx.Response:
    return httpx.Response(200, text=f"hello {request.url.path}")


def port_of(url: str) -> int:
    return httpx.URL(url).port or 0


async def test_without_a_proxy_the_client_runs_on_aiohttp(env: pytest.MonkeyPatch) -> None:
    async with LoopbackServer(hello) as server, new_http_client() as client:
        assert isinstance(client._transport, AiohttpTransport)
        assert (await client.get(f"{server.url}/x")).text == "hello /x"


async def test_requests_go_through_the_configured_proxy(env: pytest.MonkeyPatch) -> None:
    async with LoopbackServer(hello) as server, loopback_proxy() as proxy:
        env.setenv("HTTP_PROXY", proxy.url)
        async with new_http_client() as client:
            answer = await client.get(f"{server.url}/through")
        assert answer.text == "hello /through"
        assert proxy.targets == [f"127.0.0.1:{server.port}"]


async def test_a_no_proxy_host_bypasses_the_proxy(env: pytest.MonkeyPatch) -> None:
    async with LoopbackServer(hello) as server, loopback_proxy() as proxy:
        env.setenv("HTTP_PROXY", proxy.url)
        env.setenv("NO_PROXY", "localhost")
        async with new_http_client() as client:
            direct = await client.get(f"http://localhost:{server.port}/direct")
            assert proxy.targets == []
            proxied = await client.get(f"{server.url}/proxied")
        assert (direct.text, proxied.text) == ("hello /direct", "hello /proxied")
        assert proxy.targets == [f"127.0.0.1:{server.port}"]


async def test_https_goes_through_the_proxy_with_connect_and_is_verified(
    env: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    server_tls, cert_file = self_signed(tmp_path)
    async with tls_server(server_tls) as port, loopback_proxy() as proxy:
        env.setenv("HTTPS_PROXY", proxy.url)
        env.setenv("SSL_CERT_FILE", str(cert_file))  # trust our own certificate, as httpx's env allows
        async with new_http_client() as client:
            answer = await client.get(f"https://localhost:{port}/secure")
    assert answer.text == "secure"
    assert proxy.targets == [f"localhost:{port}"]


async def test_telegram_requests_go_through_the_proxy_and_honour_no_proxy(env: pytest.MonkeyPatch) -> None:
    emulator = TelegramEmulator()
    async with LoopbackServer(emulator.handle) as server, loopback_proxy() as proxy:
        env.setenv("HTTP_PROXY", proxy.url)
        env.setenv("NO_PROXY", "localhost")
        through = new_bot(emulator.token, f"{server.url}/bot", f"{server.url}/file/bot")
        local = f"http://localhost:{server.port}"
        direct = new_bot(emulator.token, f"{local}/bot", f"{local}/file/bot")
        async with direct:
            assert proxy.targets == []  # initialize() called getMe straight
        async with through:
            assert (await through.get_me()).is_bot
        assert len(proxy.targets) >= 2  # initialize()'s getMe and get_me
        assert set(proxy.targets) == {f"127.0.0.1:{server.port}"}
    assert len(emulator.calls("getMe")) >= 2


@asynccontextmanager
async def tls_server(context: ssl.SSLContext) -> AsyncIterator[int]:
    """A one-answer HTTPS server on loopback; yields its port."""

    async def answer(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            await reader.readuntil(b"\r\n\r\n")
            writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 6\r\nConnection: close\r\n\r\nsecure")
            await writer.drain()
        finally:
            writer.close()

    server = await asyncio.start_server(answer, "127.0.0.1", 0, ssl=context)
    try:
        yield int(server.sockets[0].getsockname()[1])
    finally:
        server.close()


def self_signed(tmp_path: Path) -> tuple[ssl.SSLContext, Path]:
    """A server context for `localhost` and the certificate file a client must trust."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=1))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName("localhost")]), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_file, key_file = tmp_path / "cert.pem", tmp_path / "key.pem"
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert_file, key_file)
    return context, cert_file


async def test_the_shared_client_keeps_no_cookie_from_an_answer(env: pytest.MonkeyPatch) -> None:
    # The client is shared by every account: a device cookie Gigya sets for one user must never go out with
    # another's request, whether the request is built by the client or by `bot.renault.wire.send`.
    sent: list[str | None] = []

    async def cookies(request: httpx.Request) -> httpx.Response:
        sent.append(request.headers.get("cookie"))
        return httpx.Response(200, text="ok", headers={"Set-Cookie": "gmid=first-user; Path=/"})

    async with LoopbackServer(cookies) as server, new_http_client() as client:
        url = f"http://localhost:{server.port}"  # a host name: aiohttp's own jar ignores cookies of an IP
        await client.get(f"{url}/accounts.webSdkBootstrap")
        await client.get(f"{url}/accounts.login")
        await send(client, "GET", f"{url}/accounts.getJWT")
        await send(client, "GET", f"{url}/accounts.login", cookie="gmid=second-user")
    assert sent == [None, None, None, "gmid=second-user"]
    assert len(client.cookies) == 0


async def test_each_host_keeps_its_route_request_after_request(env: pytest.MonkeyPatch) -> None:
    # The client remembers which transport serves each origin: alternating hosts must still each go their
    # own way (localhost straight, 127.0.0.1 through the proxy), on another port too.
    async with LoopbackServer(hello) as one, LoopbackServer(hello) as two, loopback_proxy() as proxy:
        env.setenv("HTTP_PROXY", proxy.url)
        env.setenv("NO_PROXY", "localhost")
        async with new_http_client() as client:
            for server in (one, two, one, two):
                await client.get(f"http://localhost:{server.port}/direct")
                await client.get(f"{server.url}/proxied")
        assert proxy.targets == [f"127.0.0.1:{s.port}" for s in (one, two, one, two)]
