"""The one HTTP transport of the bot: httpx on aiohttp, for Renault, the tariff sources and Telegram.

Why aiohttp under httpx: httpx's own transport (httpcore) re-examines every pooled connection on every
request; with a hundred polls in flight that bookkeeping cost more CPU than the rest of a poll
(`python -m bench.transport` measures the transports side by side). `httpx_aiohttp.HttpxAiohttpClient` is an
`httpx.AsyncClient` whose transports are aiohttp's, so everything above the transport (URLs, headers,
timeouts, event hooks, the simulator's in-process transport in tests) stays httpx.

Proxies: with no explicit transport, httpx reads HTTPS_PROXY / HTTP_PROXY / ALL_PROXY / NO_PROXY and mounts
one aiohttp transport per proxy (aiohttp does the proxying, CONNECT for https); hosts that NO_PROXY names
go straight through the default aiohttp transport. python-telegram-bot's requests use the same client class
(`bot/telegram_ui/request.py`).
"""

from __future__ import annotations

from collections.abc import Collection

import httpx
from httpx_aiohttp import HttpxAiohttpClient

from bot.observability.http_metrics import response_hook
from bot.observability.metrics import BotMetrics
from bot.renault.locales import renault_hosts as hosts_of

# The hosts of the built-in Renault locales (the settings' URL overrides add theirs).
BUILT_IN_HOSTS = hosts_of()

HTTP_TIMEOUT = httpx.Timeout(20.0, connect=10.0)
MAX_CONNECTIONS = 200


def new_http_client(
    transport: httpx.AsyncBaseTransport | None = None,
    metrics: BotMetrics | None = None,
    renault_hosts: Collection[str] = BUILT_IN_HOSTS,
) -> httpx.AsyncClient:
    """The one shared HTTP client (Renault); tests and the demo pass the simulator's transport.

    With `metrics`, responses from `renault_hosts` (the built-in ones unless the settings override them)
    are counted.
    """
    limits = httpx.Limits(max_connections=MAX_CONNECTIONS, max_keepalive_connections=50)
    hooks = {"response": [response_hook(metrics, renault_hosts)]} if metrics is not None else {}
    # trust_env (httpx's default) makes the proxy variables count; an explicit transport ignores them.
    return HttpxAiohttpClient(transport=transport, timeout=HTTP_TIMEOUT, limits=limits, event_hooks=hooks)
