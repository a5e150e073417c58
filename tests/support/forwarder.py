"""A round-robin forwarder on loopback: the test's stand-in for the load balancer in front of the replicas.

Each request goes to the next backend in turn; a backend that refuses the connection (killed) is skipped,
like nginx's `proxy_next_upstream error`. It records which backend took each Telegram update.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

import httpx

from bot.simulator.http_server import LoopbackServer


@dataclass
class Routed:
    """Which backend (index) answered which update, in the order they were forwarded."""

    update_id: int | None
    backend: int
    status: int


@dataclass
class RoundRobinForwarder:
    """Forward every request to the backends in turn; `serve_forwarder` gives it the balancer's address."""

    backends: list[str]
    routed: list[Routed] = field(default_factory=list)
    _next: int = 0
    _client: httpx.AsyncClient | None = None

    async def handle(self, request: httpx.Request) -> httpx.Response:
        """Forward to the next live backend; 502 when none answers."""
        if self._client is None:
            self._client = httpx.AsyncClient(timeout=30.0)
        body = request.content
        update_id = _update_id(body)
        path = request.url.raw_path.decode("ascii")
        headers = {k: v for k, v in request.headers.items() if k.lower() not in ("host", "content-length")}
        for _ in range(len(self.backends)):
            index = self._next % len(self.backends)
            self._next += 1
            target = f"{self.backends[index]}{path}"
            try:
                answer = await self._client.request(request.method, target, content=body, headers=headers)
            except httpx.TransportError:
                continue  # a dead replica: the next one takes the request
            self.routed.append(Routed(update_id, index, answer.status_code))
            return httpx.Response(answer.status_code, content=answer.content, headers=_kept(answer.headers))
        return httpx.Response(502, text="no backend answered")

    def backend_of(self, update_id: int) -> int | None:
        """The backend that took an update (the last one, if it was forwarded more than once)."""
        taken = [r.backend for r in self.routed if r.update_id == update_id]
        return taken[-1] if taken else None

    async def aclose(self) -> None:
        """Close the forwarding client."""
        if self._client is not None:
            await self._client.aclose()


def _update_id(body: bytes) -> int | None:
    try:
        data = json.loads(body)
    except ValueError:
        return None
    value = data.get("update_id") if isinstance(data, dict) else None
    return value if isinstance(value, int) else None


def _kept(headers: httpx.Headers) -> dict[str, str]:
    return {k: v for k, v in headers.items() if k.lower() not in ("content-length", "transfer-encoding")}


async def serve_forwarder(forwarder: RoundRobinForwarder) -> LoopbackServer:
    """The forwarder on a loopback port (stop it with `await server.stop()`)."""
    server = LoopbackServer(forwarder.handle)
    await server.start()
    return server
