"""LeanTransport over real loopback sockets: framing, keep-alive, limits, timeouts, failures and TLS."""

from __future__ import annotations

import asyncio
import datetime as dt
import ssl
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path

import httpx
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from bot.renault.http11 import LeanTransport
from bot.simulator.http_server import LoopbackServer

RawHandler = Callable[[asyncio.StreamReader, asyncio.StreamWriter], Awaitable[None]]


@asynccontextmanager
async def raw_server(
    handler: RawHandler, tls: ssl.SSLContext | None = None
) -> AsyncIterator[tuple[str, list[int]]]:
    """A socket server running `handler` per connection; yields its URL and a connection counter."""
    connections: list[int] = [0]

    async def serve(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        connections[0] += 1
        try:
            await handler(reader, writer)
        except (ConnectionError, asyncio.IncompleteReadError):
            pass
        finally:
            writer.close()

    server = await asyncio.start_server(serve, "127.0.0.1", 0, ssl=tls)
    port = server.sockets[0].getsockname()[1]
    try:
        yield f"{'https' if tls else 'http'}://{'localhost' if tls else '127.0.0.1'}:{port}", connections
    finally:
        server.close()


async def read_head(reader: asyncio.StreamReader) -> bytes:
    """One request head (these tests send no request bodies to raw servers)."""
    return await reader.readuntil(b"\r\n\r\n")


async def let_the_loop_run(turns: int = 10) -> None:
    """Give the event loop a few turns to process socket events that have already arrived (no timed wait)."""
    for _turn in range(turns):
        await asyncio.sleep(0)


async def echo(request: httpx.Request) -> httpx.Response:
    body = await request.aread()
    return httpx.Response(
        201,
        headers=[("set-cookie", "a=1"), ("set-cookie", "b=2"), ("x-method", request.method)],
        content=body or request.url.query,
    )


async def test_get_and_post_round_trip_and_reuse_one_connection() -> None:
    transport = LeanTransport()
    async with LoopbackServer(echo) as server, httpx.AsyncClient(transport=transport) as client:
        got = await client.get(f"{server.url}/path", params={"q": "1"})
        posted = await client.post(f"{server.url}/path", json={"level": 60})
        assert transport.idle_connections == 1
    assert (got.status_code, got.content) == (201, b"q=1")
    assert got.headers.get_list("set-cookie") == ["a=1", "b=2"]
    assert (posted.headers["x-method"], posted.json()) == ("POST", {"level": 60})


async def test_chunked_and_close_delimited_bodies_are_read_whole() -> None:
    async def chunked_then_close(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await read_head(reader)
        writer.write(
            b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n"
        )
        await read_head(reader)
        writer.write(b"HTTP/1.1 200 OK\r\nConnection: close\r\n\r\nuntil the end")
        await writer.drain()

    transport = LeanTransport()
    async with (
        raw_server(chunked_then_close) as (url, connections),
        httpx.AsyncClient(transport=transport) as client,
    ):
        first = await client.get(url)
        second = await client.get(url)
        assert transport.idle_connections == 0  # the server said close
    assert (first.text, second.text) == ("hello world", "until the end")
    assert connections == [1]


async def test_a_connection_the_server_closed_is_not_reused() -> None:
    hung_up = asyncio.Event()

    async def one_answer_then_close(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await read_head(reader)
        writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")
        writer.close()
        await writer.wait_closed()
        hung_up.set()

    transport = LeanTransport()
    async with (
        raw_server(one_answer_then_close) as (url, connections),
        httpx.AsyncClient(transport=transport) as client,
    ):
        assert (await client.get(url)).text == "ok"
        await hung_up.wait()
        await let_the_loop_run()  # the FIN is in the client's socket: one loop turn reads it
        assert (await client.get(url)).text == "ok"
    assert connections == [2]


async def test_no_more_than_max_connections_are_open_at_once() -> None:
    active = peak = 0

    async def slow(request: httpx.Request) -> httpx.Response:
        nonlocal active, peak
        active += 1
        peak = max(peak, active)
        await asyncio.sleep(0.01)
        active -= 1
        return httpx.Response(200, text=request.url.path)

    transport = LeanTransport(max_connections=2)
    async with LoopbackServer(slow) as server, httpx.AsyncClient(transport=transport) as client:
        answers = await asyncio.gather(*(client.get(f"{server.url}/{n}") for n in range(10)))
    assert [answer.text for answer in answers] == [f"/{n}" for n in range(10)]
    assert peak == 2


async def test_a_silent_server_gives_a_read_timeout_and_frees_the_slot() -> None:
    async def silent(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await read_head(reader)
        await asyncio.sleep(1)

    transport = LeanTransport(max_connections=1)
    async with raw_server(silent) as (url, _), httpx.AsyncClient(transport=transport, timeout=0.05) as client:
        for _attempt in range(2):  # the second would wait for ever if the first had kept the only slot
            with pytest.raises(httpx.ReadTimeout):
                await client.get(url)


async def test_pool_timeout_when_every_connection_is_busy() -> None:
    asked = asyncio.Event()

    async def silent(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await read_head(reader)
        asked.set()
        await asyncio.sleep(1)

    transport = LeanTransport(max_connections=1)
    timeout = httpx.Timeout(5.0, pool=0.05)
    async with (
        raw_server(silent) as (url, _),
        httpx.AsyncClient(transport=transport, timeout=timeout) as client,
    ):
        hanging = asyncio.ensure_future(client.get(url))
        await asked.wait()  # the first request holds the only connection
        with pytest.raises(httpx.PoolTimeout):
            await client.get(url)
        hanging.cancel()
        with pytest.raises(asyncio.CancelledError):
            await hanging


async def test_a_server_that_hangs_up_without_answering_is_a_protocol_error() -> None:
    async def hang_up(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await read_head(reader)

    async with raw_server(hang_up) as (url, _), httpx.AsyncClient(transport=LeanTransport()) as client:
        with pytest.raises(httpx.RemoteProtocolError):
            await client.get(url)


async def test_garbage_instead_of_http_is_a_protocol_error() -> None:
    async def garbage(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await read_head(reader)
        writer.write(b"NOT HTTP AT ALL\r\n\r\n")
        await writer.drain()

    async with raw_server(garbage) as (url, _), httpx.AsyncClient(transport=LeanTransport()) as client:
        with pytest.raises(httpx.RemoteProtocolError):
            await client.get(url)


async def test_a_refused_connection_is_a_connect_error() -> None:
    server = await asyncio.start_server(lambda r, w: None, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    server.close()
    await server.wait_closed()
    async with httpx.AsyncClient(transport=LeanTransport()) as client:
        with pytest.raises(httpx.ConnectError):
            await client.get(f"http://127.0.0.1:{port}/")


async def test_a_response_closed_before_its_end_drops_the_connection() -> None:
    async def big(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, content=b"x" * 500_000)

    transport = LeanTransport(max_connections=1)
    async with LoopbackServer(big) as server, httpx.AsyncClient(transport=transport) as client:
        async with client.stream("GET", server.url) as response:
            async for _chunk in response.aiter_raw():
                break
        assert transport.idle_connections == 0
        assert len((await client.get(server.url)).content) == 500_000  # the slot was freed


def _self_signed(tmp_path: Path) -> tuple[ssl.SSLContext, ssl.SSLContext]:
    """A server context with a fresh certificate for localhost, and a client context trusting only it."""
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
    server = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    server.load_cert_chain(cert_file, key_file)
    client = ssl.create_default_context(cafile=str(cert_file))
    return server, client


async def test_tls_is_verified(tmp_path: Path) -> None:
    async def hello(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await read_head(reader)
        writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 6\r\n\r\nsecure")
        await writer.drain()
        await reader.read()

    server_tls, client_tls = _self_signed(tmp_path)
    async with raw_server(hello, tls=server_tls) as (url, _):
        async with httpx.AsyncClient(transport=LeanTransport(verify=client_tls)) as client:
            assert (await client.get(url)).text == "secure"
        async with httpx.AsyncClient(transport=LeanTransport()) as client:  # default CA bundle: untrusted
            with pytest.raises(httpx.ConnectError):
                await client.get(url)


async def test_idle_connections_past_their_expiry_are_closed_without_another_request_to_their_host() -> None:
    transport = LeanTransport(keepalive_expiry=0.0)  # every idle connection is stale at once
    async with LoopbackServer(echo) as server, httpx.AsyncClient(transport=transport) as client:
        assert (await client.get(server.url)).status_code == 201
        assert transport.idle_connections == 0
