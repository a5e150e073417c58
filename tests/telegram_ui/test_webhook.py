"""The webhook endpoint over loopback HTTP: the secret and the length judged on the head, before any body
is read; bodies over 1 MB refused with a 413; malformed JSON a 400; a good update queued; a failed queue a
503."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx
import pytest
from telegram import Bot, Update
from telegram.error import NetworkError

from bot.telegram_ui.webhook import (
    MAX_BODY_BYTES,
    SECRET_HEADER,
    WebhookRoute,
    WebhookServer,
    secret_matches,
)

SECRET = "hook-secret-0123456789"
PATH = "/telegram-hook"
TOKEN = "123456:" + "A" * 35


def _update(update_id: int, text: str = "/help") -> dict[str, object]:
    return {
        "update_id": update_id,
        "message": {
            "message_id": update_id,
            "date": 1_700_000_000,
            "chat": {"id": 42, "type": "private", "first_name": "Wes"},
            "from": {"id": 42, "is_bot": False, "first_name": "Wes"},
            "text": text,
        },
    }


@asynccontextmanager
async def _serving(
    queue: asyncio.Queue[object] | None = None,
) -> AsyncIterator[tuple[str, asyncio.Queue[object]]]:
    queue = queue if queue is not None else asyncio.Queue()
    route = WebhookRoute(path=PATH, secret=SECRET, bot=Bot(TOKEN), queue=queue)
    async with WebhookServer(route, host="127.0.0.1", port=0) as server:
        yield f"http://127.0.0.1:{server.port}", queue


async def _raw(base: str, head: str, body: bytes = b"") -> bytes:
    """Send a request head (and maybe a first piece of body), then read whatever comes back within 5 s."""
    host, port = base.removeprefix("http://").split(":")
    reader, writer = await asyncio.open_connection(host, int(port))
    try:
        writer.write(head.replace("\n", "\r\n").encode() + b"\r\n" + body)
        await writer.drain()
        return await asyncio.wait_for(reader.read(4096), timeout=5)
    finally:
        writer.close()


def _head(*, length: int, secret: str | None = SECRET, extra: str = "") -> str:
    secret_line = f"{SECRET_HEADER}: {secret}\n" if secret is not None else ""
    return (
        f"POST {PATH} HTTP/1.1\nHost: bot\nContent-Type: application/json\n"
        f"Content-Length: {length}\n{secret_line}{extra}"
    )


async def test_a_good_update_is_queued_and_answered_200() -> None:
    async with _serving() as (base, queue), httpx.AsyncClient() as client:
        answer = await client.post(f"{base}{PATH}", json=_update(7), headers={SECRET_HEADER: SECRET})
    assert answer.status_code == 200
    update = queue.get_nowait()
    assert isinstance(update, Update)
    assert update.update_id == 7
    assert update.message is not None
    assert update.message.text == "/help"


@pytest.mark.parametrize("headers", [{}, {SECRET_HEADER: "wrong"}, {SECRET_HEADER: SECRET + "x"}])
async def test_a_missing_or_wrong_secret_is_refused_403(headers: dict[str, str]) -> None:
    async with _serving() as (base, queue), httpx.AsyncClient() as client:
        answer = await client.post(f"{base}{PATH}", json=_update(7), headers=headers)
    assert answer.status_code == 403
    assert queue.empty()


async def test_the_secret_is_judged_before_the_body_is_sent() -> None:
    # Only the head is sent: a server that read the body before the secret would wait for it, then time out.
    async with _serving() as (base, _queue):
        answer = await _raw(base, _head(length=100_000, secret="wrong"))
    assert answer.startswith(b"HTTP/1.1 403 ")


async def test_a_2mb_body_is_refused_413_before_it_is_read() -> None:
    # The head announces 2 MB and only 1 KB follows: the answer comes without waiting for the rest.
    async with _serving() as (base, queue):
        answer = await _raw(base, _head(length=2 * 1024 * 1024), b"{" + b" " * 1023)
    assert answer.startswith(b"HTTP/1.1 413 ")
    assert queue.empty()


async def test_a_chunked_body_over_the_cap_is_refused_413_while_it_streams() -> None:
    # A chunked body announces no length: it is counted as it arrives and refused once past 1 MB.
    chunk = b" " * 65_536
    piece = f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n"
    pieces = MAX_BODY_BYTES // len(chunk) + 2
    head = f"POST {PATH} HTTP/1.1\nHost: bot\nTransfer-Encoding: chunked\n{SECRET_HEADER}: {SECRET}\n"
    async with _serving() as (base, queue):
        answer = await _raw(base, head, piece * pieces)  # the final 0-length chunk is never sent
    assert answer.startswith(b"HTTP/1.1 413 ")
    assert queue.empty()


async def test_a_body_just_under_the_cap_is_still_read() -> None:
    padded = json.dumps(_update(9)).encode()
    padded = padded[:-1] + b" " * (MAX_BODY_BYTES - len(padded)) + b"}"
    assert len(padded) == MAX_BODY_BYTES
    async with _serving() as (base, queue), httpx.AsyncClient() as client:
        answer = await client.post(
            f"{base}{PATH}",
            content=padded,
            headers={SECRET_HEADER: SECRET, "Content-Type": "application/json"},
        )
    assert answer.status_code == 200
    assert isinstance(queue.get_nowait(), Update)


@pytest.mark.parametrize(
    "body",
    [b"{not json", b"\xff\xfe", b"[1, 2]", b'{"message": {}}', b'{"update_id": "x"}', b""],
)
async def test_a_malformed_body_is_a_400_not_a_500(body: bytes) -> None:
    async with _serving() as (base, queue), httpx.AsyncClient() as client:
        answer = await client.post(
            f"{base}{PATH}", content=body, headers={SECRET_HEADER: SECRET, "Content-Type": "application/json"}
        )
    assert answer.status_code == 400
    assert queue.empty()


async def test_an_update_the_journal_could_not_save_is_a_503_so_telegram_sends_it_again() -> None:
    class Unsaved(asyncio.Queue[object]):
        async def put(self, item: object) -> None:
            raise NetworkError("storage unavailable")

    async with _serving(Unsaved()) as (base, _queue), httpx.AsyncClient() as client:
        answer = await client.post(f"{base}{PATH}", json=_update(7), headers={SECRET_HEADER: SECRET})
    assert answer.status_code == 503


async def test_only_post_on_the_webhook_path_is_served() -> None:
    async with _serving() as (base, _queue), httpx.AsyncClient() as client:
        elsewhere = await client.post(f"{base}/other", json=_update(7), headers={SECRET_HEADER: SECRET})
        got = await client.get(f"{base}{PATH}", headers={SECRET_HEADER: SECRET})
    assert elsewhere.status_code == 404
    assert got.status_code == 405


def test_secret_matches_only_the_exact_secret() -> None:
    assert secret_matches(SECRET, SECRET)
    assert not secret_matches(SECRET, None)
    assert not secret_matches(SECRET, "")
    assert not secret_matches(SECRET, SECRET[:-1])
    assert not secret_matches(SECRET, SECRET + "0")
    assert not secret_matches(SECRET, SECRET.upper())
    assert not secret_matches(SECRET, "é" * len(SECRET))  # not ASCII: compared as bytes, never a TypeError
