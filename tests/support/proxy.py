"""A forwarding HTTP proxy on loopback that records what went through it (plain requests and CONNECT)."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from urllib.parse import urlsplit


@dataclass
class LoopbackProxy:
    """Where the proxy listens and the target (`host:port`) of each request or tunnel it forwarded."""

    url: str = ""
    targets: list[str] = field(default_factory=list)


async def _pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    with contextlib.suppress(ConnectionError):
        while chunk := await reader.read(64 * 1024):
            writer.write(chunk)
            await writer.drain()
    with contextlib.suppress(ConnectionError, OSError):
        writer.close()


async def _connect(target: str) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
    host, _, port = target.rpartition(":")
    return await asyncio.open_connection(host, int(port))


async def _forward(head: bytes, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> str:
    """Forward one absolute-form request to its origin (closing after it) and relay the answer."""
    request_line, *header_lines = head.decode("latin-1").removesuffix("\r\n\r\n").split("\r\n")
    method, target, version = request_line.split(" ")
    headers = [line for line in header_lines if not line.lower().startswith(("connection:", "proxy-"))]
    length = next((int(h.split(":", 1)[1]) for h in headers if h.lower().startswith("content-length:")), 0)
    body = await reader.readexactly(length)
    parts = urlsplit(target)
    origin = f"{parts.hostname}:{parts.port or 80}"
    up_reader, up_writer = await _connect(origin)
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    lines = [f"{method} {path} {version}", *headers, "Connection: close", "", ""]
    up_writer.write("\r\n".join(lines).encode("latin-1") + body)
    await up_writer.drain()
    writer.write(await up_reader.read())  # the origin closes after its answer
    await writer.drain()
    up_writer.close()
    return origin


@asynccontextmanager
async def loopback_proxy() -> AsyncIterator[LoopbackProxy]:
    """Serve a proxy on 127.0.0.1: `CONNECT host:port` tunnels, `GET http://host:port/path` is forwarded."""
    proxy = LoopbackProxy()

    async def serve(client_reader: asyncio.StreamReader, client_writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                head = await client_reader.readuntil(b"\r\n\r\n")
                method, target, _ = head.split(b"\r\n", 1)[0].decode("latin-1").split(" ")
                if method != "CONNECT":
                    proxy.targets.append(await _forward(head, client_reader, client_writer))
                    continue
                proxy.targets.append(target)
                up_reader, up_writer = await _connect(target)
                client_writer.write(b"HTTP/1.1 200 Connection established\r\n\r\n")
                await client_writer.drain()
                await asyncio.gather(_pipe(client_reader, up_writer), _pipe(up_reader, client_writer))
                return
        except (asyncio.IncompleteReadError, ConnectionError):
            client_writer.close()

    server = await asyncio.start_server(serve, "127.0.0.1", 0)
    proxy.url = f"http://127.0.0.1:{server.sockets[0].getsockname()[1]}"
    try:
        yield proxy
    finally:
        server.close()
