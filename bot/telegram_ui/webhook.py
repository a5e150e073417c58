"""The webhook endpoint Telegram posts updates to, feeding the Application's update queue.

Ours rather than PTB's `Updater.start_webhook`: PTB's tornado handler lets tornado buffer up to 100 MB of
body before it looks at the secret header, compares the secret with `!=`, and answers malformed JSON with a
500. Here the request head is judged before a byte of body is read (the secret, compared in constant time,
and the announced length), the body is streamed against a 1 MB cap, and a rejected request gets its answer
and a closed connection, so its body is never read. Tornado is the server PTB's webhooks already use.
"""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import json
import logging
from dataclasses import dataclass
from http import HTTPStatus
from typing import Any

import tornado.web
from telegram import Bot, Update
from telegram.error import TelegramError
from telegram.ext import ExtBot
from tornado.http1connection import HTTP1Connection
from tornado.httpserver import HTTPServer
from tornado.iostream import StreamClosedError
from tornado.netutil import bind_sockets

from bot.telegram_ui.ordering import JournaledQueue

log = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"  # noqa: S105 - the header's name, not a secret
# Telegram's updates are a few kilobytes; 1 MB leaves room for the largest and refuses floods.
MAX_BODY_BYTES = 1024 * 1024
# A client gets this long to send its head, then its body; an idle kept-alive connection is closed after it.
_READ_TIMEOUT_SECONDS = 10.0


def secret_matches(expected: str, given: str | None) -> bool:
    """True when the request's secret header equals ours, compared in constant time."""
    if given is None:
        return False
    return hmac.compare_digest(expected.encode("utf-8"), given.encode("utf-8"))


@dataclass(frozen=True)
class WebhookRoute:
    """Where updates arrive and who takes them: the path, the secret, the bot and the update queue."""

    path: str
    secret: str
    bot: Bot
    queue: asyncio.Queue[object]


class WebhookServer:
    """Serves the webhook path on host:port; use as an async context manager, or call start() and stop()."""

    def __init__(self, route: WebhookRoute, host: str, port: int) -> None:
        self._route = route
        self._host = host
        self._port = port
        self._server: HTTPServer | None = None
        self._bound_port: int | None = None

    @property
    def port(self) -> int:
        """The bound port (useful when started with port 0)."""
        if self._server is None or self._bound_port is None:
            raise RuntimeError("webhook server not started")
        return self._bound_port

    async def start(self) -> None:
        """Bind the socket and start taking updates."""
        sockets = bind_sockets(self._port, self._host)
        self._bound_port = int(sockets[0].getsockname()[1])
        self._server = HTTPServer(
            _application(self._route),
            idle_connection_timeout=_READ_TIMEOUT_SECONDS,
            body_timeout=_READ_TIMEOUT_SECONDS,
            # Tornado's own backstop (a 400 and a closed connection), for other paths and for a chunk that
            # announces more at once; the webhook handler refuses anything over the cap itself, with a 413.
            max_body_size=2 * MAX_BODY_BYTES,
        )
        self._server.add_sockets(sockets)
        log.info("webhook listening on %s:%d", self._host, self.port)

    async def stop(self) -> None:
        """Stop accepting and close open connections."""
        server, self._server = self._server, None
        if server is not None:
            server.stop()
            await server.close_all_connections()

    async def __aenter__(self) -> WebhookServer:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()


def _application(route: WebhookRoute) -> tornado.web.Application:
    """One route: the webhook path (a trailing slash allowed); every other path is a 404."""
    path = "/" + route.path.strip("/")
    handlers: list[Any] = [(rf"{path.rstrip('/')}/?", _UpdateHandler, {"route": route})]
    # No access log: a line per update would say nothing the update journal does not.
    return tornado.web.Application(handlers, log_function=lambda _handler: None)


@tornado.web.stream_request_body
class _UpdateHandler(tornado.web.RequestHandler):
    """POST one update: secret and length judged on the head, body streamed under the cap, then queued."""

    SUPPORTED_METHODS = ("POST",)

    def initialize(self, route: WebhookRoute) -> None:
        """Per request: the route's bot, secret and queue."""
        self._route = route
        self._chunks: list[bytes] = []
        self._received = 0
        self._refused = False

    async def prepare(self) -> None:
        """Before any body is read: refuse a wrong secret or an announced body over the cap."""
        if not secret_matches(self._route.secret, self.request.headers.get(SECRET_HEADER)):
            await self._refuse(HTTPStatus.FORBIDDEN)
            return
        length = self.request.headers.get("Content-Length")
        if length is not None and length.isdigit() and int(length) > MAX_BODY_BYTES:
            await self._refuse(HTTPStatus.REQUEST_ENTITY_TOO_LARGE)

    async def data_received(self, chunk: bytes) -> None:
        """Keep the body while under the cap (a chunked body announces no length)."""
        if self._refused:
            return
        self._received += len(chunk)
        if self._received > MAX_BODY_BYTES:
            self._chunks.clear()
            await self._refuse(HTTPStatus.REQUEST_ENTITY_TOO_LARGE)
            return
        self._chunks.append(chunk)

    async def post(self) -> None:
        """Parse the update (malformed: 400) and queue it (not saved: 503, so Telegram sends it again)."""
        body = b"".join(self._chunks)
        update = self._update(body)
        if update is None:
            self._answer(HTTPStatus.BAD_REQUEST)
            return
        if isinstance(self._route.bot, ExtBot):
            self._route.bot.insert_callback_data(update)
        try:
            queue = self._route.queue
            if isinstance(queue, JournaledQueue):  # journaled as Telegram sent it (no re-serialising)
                await queue.put_received(update, _text(body))
            else:
                await queue.put(update)
        except TelegramError as exc:
            # The journal could not record it (ordering.UpdateNotSaved): Telegram must deliver it again.
            log.warning("update %s not taken: %s", update.update_id, type(exc).__name__)
            self._answer(HTTPStatus.SERVICE_UNAVAILABLE)
            return
        self._answer(HTTPStatus.OK)

    def _update(self, body: bytes) -> Update | None:
        try:
            data = json.loads(body)
        except ValueError:  # UnicodeDecodeError is a ValueError too
            log.info("webhook request refused: the body is not JSON")
            return None
        if not isinstance(data, dict) or not isinstance(data.get("update_id"), int):
            log.info("webhook request refused: the body is not an update")
            return None
        try:
            return Update.de_json(data, self._route.bot)
        except Exception as exc:  # a shape PTB cannot read is the sender's fault, never a 500
            log.info("webhook request refused: unreadable update (%s)", type(exc).__name__)
            return None

    def _answer(self, status: HTTPStatus) -> asyncio.Future[None]:
        self.set_status(status)
        self.set_header("Content-Type", "text/plain; charset=utf-8")
        return self.finish(f"{status.value} {status.phrase}\n")

    async def _refuse(self, status: HTTPStatus) -> None:
        """Answer, then close the connection: the only way not to read the body that follows."""
        log.info("webhook request refused: %d %s", status.value, status.phrase)
        self._refused = True
        self.set_header("Connection", "close")
        with contextlib.suppress(StreamClosedError):
            await self._answer(status)
        connection = self.request.connection
        if isinstance(connection, HTTP1Connection):
            connection.close()

    def compute_etag(self) -> None:
        """Never an ETag: every answer is fresh."""


def _text(body: bytes) -> str | None:
    """The body as text for the journal (None: the update is serialised again instead)."""
    try:
        return body.decode()
    except UnicodeDecodeError:  # JSON in UTF-16 or UTF-32, which json.loads reads too
        return None
