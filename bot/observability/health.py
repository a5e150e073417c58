"""The operations endpoint: GET /healthz (JSON, 200 or 503) and GET /metrics (Prometheus text).

Tornado speaks HTTP (it is already installed for python-telegram-bot's webhooks, and runs on our event loop);
the routes and answers are ours, in `HealthServer.respond`. prometheus-client's own server cannot serve them:
it answers /metrics on every path and method, in a thread, with no room for the asynchronous health checks.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass

import tornado.web
from tornado.httpserver import HTTPServer
from tornado.netutil import bind_sockets

from bot.observability.metrics import CONTENT_TYPE, Registry

log = logging.getLogger(__name__)

Probe = Callable[[], Awaitable[bool]]

Answer = tuple[int, str, bytes]

# A client gets this long to send its request head, and an idle kept-alive connection is closed after it.
_READ_TIMEOUT_SECONDS = 10.0
# Only GETs are answered; a larger body is refused before it is read in full.
_MAX_BODY_BYTES = 64 * 1024


@dataclass(frozen=True)
class HealthCheck:
    """One named check: `probe()` answers True when that dependency is fine.

    `cache_seconds`: its outcome is reused this long, so a probe that costs a remote call (Telegram's getMe)
    or a database connection runs at most once per period however often /healthz is asked.
    """

    name: str
    probe: Probe
    cache_seconds: float = 0.0


def tick_freshness(
    last_tick: Callable[[], float | None], max_age_seconds: float, clock: Callable[[], float] = time.time
) -> Probe:
    """A probe that is healthy while the last poller tick (Unix seconds) is younger than `max_age_seconds`.

    Before the first tick, the age counts from when the probe was built, so a fresh start is not "degraded".
    """
    started = clock()

    async def probe() -> bool:
        tick = last_tick()
        age = clock() - (tick if tick is not None else started)
        return age <= max_age_seconds

    return probe


@dataclass(frozen=True)
class HealthReport:
    """The outcome of running every check once."""

    results: dict[str, bool]

    @property
    def healthy(self) -> bool:
        """True when every check passed."""
        return all(self.results.values())

    def to_json(self) -> str:
        """`{"status": "ok"|"degraded", "checks": {name: "ok"|"failing"}}`."""
        checks = {name: "ok" if ok else "failing" for name, ok in self.results.items()}
        return json.dumps({"status": "ok" if self.healthy else "degraded", "checks": checks})


async def _run_one(check: HealthCheck, timeout_seconds: float) -> bool:
    try:
        return bool(await asyncio.wait_for(check.probe(), timeout_seconds))
    except TimeoutError:
        log.warning("health check %s timed out after %.1fs", check.name, timeout_seconds)
    except Exception as exc:  # a broken check means "unhealthy", never a crashed endpoint
        # Only the type: messages of driver errors may carry connection strings.
        log.warning("health check %s failed: %s", check.name, type(exc).__name__)
    return False


class HealthServer:
    """Serves /healthz and /metrics; use as an async context manager, or call start() and stop()."""

    def __init__(
        self,
        registry: Registry,
        checks: Sequence[HealthCheck] = (),
        host: str = "127.0.0.1",
        port: int = 8080,
        check_timeout_seconds: float = 5.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        names = [check.name for check in checks]
        if len(set(names)) != len(names):
            raise ValueError("health check names must be unique")
        self._registry = registry
        self._checks = tuple(checks)
        self._host = host
        self._port = port
        self._timeout = check_timeout_seconds
        self._clock = clock
        # name -> (when it ran, its outcome); one lock per check so concurrent requests share one probe.
        self._outcomes: dict[str, tuple[float, bool]] = {}
        self._locks = {check.name: asyncio.Lock() for check in checks}
        self._server: HTTPServer | None = None
        self._bound_port: int | None = None

    @property
    def port(self) -> int:
        """The bound port (useful when started with port 0)."""
        if self._server is None or self._bound_port is None:
            raise RuntimeError("health server not started")
        return self._bound_port

    async def start(self) -> None:
        """Bind the socket and start answering."""
        sockets = bind_sockets(self._port, self._host)
        self._bound_port = int(sockets[0].getsockname()[1])
        self._server = HTTPServer(
            _application(self.respond),
            idle_connection_timeout=_READ_TIMEOUT_SECONDS,
            max_body_size=_MAX_BODY_BYTES,
        )
        self._server.add_sockets(sockets)
        log.info("health endpoint listening on %s:%d", self._host, self.port)

    async def stop(self) -> None:
        """Stop accepting and close open connections."""
        server, self._server = self._server, None
        if server is not None:
            server.stop()
            await server.close_all_connections()

    async def __aenter__(self) -> HealthServer:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    async def respond(self, method: str, path: str) -> Answer:
        """The (status, content type, body) answer to one request."""
        path = path.split("?", 1)[0]
        if path not in ("/healthz", "/metrics"):
            return 404, "text/plain; charset=utf-8", b"not found\n"
        if method not in ("GET", "HEAD"):
            return 405, "text/plain; charset=utf-8", b"method not allowed\n"
        if path == "/metrics":
            return 200, CONTENT_TYPE, self._registry.render().encode("utf-8")
        outcomes = await asyncio.gather(*(self._outcome(check) for check in self._checks))
        report = HealthReport({check.name: ok for check, ok in zip(self._checks, outcomes, strict=True)})
        return (200 if report.healthy else 503), "application/json", report.to_json().encode("utf-8")

    async def _outcome(self, check: HealthCheck) -> bool:
        async with self._locks[check.name]:
            cached = self._outcomes.get(check.name)
            if cached is not None and self._clock() - cached[0] < check.cache_seconds:
                return cached[1]
            ok = await _run_one(check, self._timeout)
            self._outcomes[check.name] = (self._clock(), ok)
            return ok


def _application(respond: Callable[[str, str], Awaitable[Answer]]) -> tornado.web.Application:
    """A tornado application handing every request, whatever its path and method, to `respond`."""

    class Responder(tornado.web.RequestHandler):
        async def answer(self) -> None:
            status, content_type, body = await respond(self.request.method or "GET", self.request.path)
            self.set_status(status)
            self.set_header("Content-Type", content_type)
            self.set_header("Cache-Control", "no-store")
            # Tornado sends the length and, for HEAD, no body. Not awaited: a client that left has nothing to
            # hear, and tornado itself marks that failed write as seen.
            self.finish(body)

        get = head = post = put = delete = patch = options = answer

        def compute_etag(self) -> None:
            return None  # every scrape must read fresh values, never a 304

    # No access log: a scrape or probe every few seconds would drown the bot's own lines.
    return tornado.web.Application([(r".*", Responder)], log_function=lambda _handler: None)
