"""The one shared HTTP client for Renault and the tariff sources, and the transport it runs on."""

from __future__ import annotations

from urllib.request import getproxies

import httpx

from bot.observability.http_metrics import response_hook
from bot.observability.metrics import BotMetrics
from bot.renault.http11 import LeanTransport

HTTP_TIMEOUT = httpx.Timeout(20.0, connect=10.0)
MAX_CONNECTIONS = 200


def new_http_client(
    transport: httpx.AsyncBaseTransport | None = None, metrics: BotMetrics | None = None
) -> httpx.AsyncClient:
    """The one shared HTTP client (Renault, tariffs); tests and the demo pass the simulator's transport."""
    limits = httpx.Limits(max_connections=MAX_CONNECTIONS, max_keepalive_connections=50)
    hooks = {"response": [response_hook(metrics)]} if metrics is not None else {}
    return httpx.AsyncClient(
        transport=transport or default_transport(), timeout=HTTP_TIMEOUT, limits=limits, event_hooks=hooks
    )


def default_transport() -> httpx.AsyncBaseTransport | None:
    """The lean transport, or None (httpx's own) when the environment configures a proxy."""
    # httpx's own transport costs more CPU per request than the rest of a poll (see bot.renault.http11), but
    # it is the one that honours HTTP(S)_PROXY.
    return None if getproxies() else LeanTransport(MAX_CONNECTIONS)
