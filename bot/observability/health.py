"""The operations endpoint: GET /healthz (JSON, 200 or 503) and GET /metrics (Prometheus text).

A deliberately small HTTP/1.1 server on `asyncio.start_server`: one request per connection, GET only, no body.
It must not import the simulator's server (adapters do not import each other), and it needs far less.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass

from bot.observability.metrics import CONTENT_TYPE, Registry

log = logging.getLogger(__name__)

Probe = Callable[[], Awaitable[bool]]

_READ_TIMEOUT_SECONDS = 10.0
_REASONS = {
    200: "OK",
    404: "Not Found",
    405: "Method Not Allowed",
    400: "Bad Request",
    503: "Service Unavailable",
}


@dataclass(frozen=True)
class HealthCheck:
    """One named check: `probe()` answers True when that dependency is fine."""

    name: str
    probe: Probe


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


async def run_checks(checks: Sequence[HealthCheck], timeout_seconds: float) -> HealthReport:
    """Run every check concurrently; one that raises or exceeds the timeout counts as failing."""
    outcomes = await asyncio.gather(*(_run_one(check, timeout_seconds) for check in checks))
    return HealthReport({check.name: ok for check, ok in zip(checks, outcomes, strict=True)})


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
        host: str = "0.0.0.0",  # noqa: S104 - a container's health port must be reachable from outside it
        port: int = 8080,
        check_timeout_seconds: float = 5.0,
    ) -> None:
        names = [check.name for check in checks]
        if len(set(names)) != len(names):
            raise ValueError("health check names must be unique")
        self._registry = registry
        self._checks = tuple(checks)
        self._host = host
        self._port = port
        self._timeout = check_timeout_seconds
        self._server: asyncio.Server | None = None
        self._connections: set[asyncio.Task[None]] = set()

    @property
    def port(self) -> int:
        """The bound port (useful when started with port 0)."""
        if self._server is None:
            raise RuntimeError("health server not started")
        return int(self._server.sockets[0].getsockname()[1])

    async def start(self) -> None:
        """Bind the socket and start answering."""
        self._server = await asyncio.start_server(self._on_connection, self._host, self._port)
        log.info("health endpoint listening on %s:%d", self._host, self.port)

    async def stop(self) -> None:
        """Stop accepting and close open connections."""
        server, self._server = self._server, None
        if server is not None:
            server.close()
        for task in list(self._connections):
            task.cancel()
        for task in list(self._connections):
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        if server is not None:
            with contextlib.suppress(Exception):
                await server.wait_closed()

    async def __aenter__(self) -> HealthServer:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    async def respond(self, method: str, path: str) -> tuple[int, str, bytes]:
        """The (status, content type, body) answer to one request."""
        path = path.split("?", 1)[0]
        if path not in ("/healthz", "/metrics"):
            return 404, "text/plain; charset=utf-8", b"not found\n"
        if method not in ("GET", "HEAD"):
            return 405, "text/plain; charset=utf-8", b"method not allowed\n"
        if path == "/metrics":
            return 200, CONTENT_TYPE, self._registry.render().encode("utf-8")
        report = await run_checks(self._checks, self._timeout)
        return (200 if report.healthy else 503), "application/json", report.to_json().encode("utf-8")

    async def _on_connection(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        if task is not None:
            self._connections.add(task)
        try:
            head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), _READ_TIMEOUT_SECONDS)
            parts = head.decode("latin-1").split("\r\n", 1)[0].split(" ")
            if len(parts) == 3:
                method, target, _version = parts
                status, content_type, body = await self.respond(method, target)
            else:
                status, content_type, body, method = 400, "text/plain; charset=utf-8", b"bad request\n", "GET"
            await _write(writer, status, content_type, b"" if method == "HEAD" else body, len(body))
        except (ConnectionError, TimeoutError, asyncio.IncompleteReadError, asyncio.LimitOverrunError):
            pass  # the client went away or sent garbage; nothing to answer
        finally:
            if task is not None:
                self._connections.discard(task)
            writer.close()
            with contextlib.suppress(Exception):
                await writer.wait_closed()


async def _write(
    writer: asyncio.StreamWriter, status: int, content_type: str, body: bytes, length: int
) -> None:
    head = (
        f"HTTP/1.1 {status} {_REASONS.get(status, 'Unknown')}\r\n"
        f"content-type: {content_type}\r\ncontent-length: {length}\r\n"
        "cache-control: no-store\r\nconnection: close\r\n\r\n"
    )
    writer.write(head.encode("latin-1") + body)
    await writer.drain()
