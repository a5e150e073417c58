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

No cookie jar, neither httpx's nor aiohttp's: the client is shared by every account, so a cookie an answer
sets for one user (Gigya's device id `gmid`) must never go out with another's request (aiohttp's jar even
replaced the other user's own `gmid`); the requests that need a cookie carry it themselves
(`bot.renault.wire.send`). Kamereon needs none, and storing them was a visible share of a poll's CPU.
"""

from __future__ import annotations

import ssl
from collections.abc import Collection
from typing import Any

import aiohttp
import httpx
from httpx_aiohttp import AiohttpTransport, HttpxAiohttpClient

from bot.observability.http_metrics import response_hook
from bot.observability.metrics import BotMetrics
from bot.renault.locales import renault_hosts as hosts_of

# The hosts of the built-in Renault locales (the settings' URL overrides add theirs).
BUILT_IN_HOSTS = hosts_of()

DEFAULT_LIMITS = httpx.Limits(max_connections=100, max_keepalive_connections=20)  # httpx's own defaults
# httpx's certificate argument: a file, or (file, key file[, password]).
CertTypes = str | tuple[str, str] | tuple[str, str, str]
HTTP_TIMEOUT = httpx.Timeout(20.0, connect=10.0)
MAX_CONNECTIONS = 200
MAX_ORIGINS = 64


class _NoCookies(httpx.Cookies):
    """A client cookie jar that stays empty: nothing is kept from an answer."""

    def extract_cookies(self, response: httpx.Response) -> None:
        """Keep nothing (see the module's docstring)."""


class _CookielessTransport(AiohttpTransport):
    """httpx-aiohttp's transport on an aiohttp session whose cookie jar keeps nothing."""

    def get_client(self) -> aiohttp.ClientSession:
        """The session the library would build, with aiohttp's no-op cookie jar."""
        # httpx's None (no limit) is aiohttp's 0.
        limit = self.limits.max_connections or 0
        connector = aiohttp.TCPConnector(
            keepalive_timeout=self.limits.keepalive_expiry, ssl=self.ssl_context, limit=limit
        )
        return aiohttp.ClientSession(connector=connector, cookie_jar=aiohttp.DummyCookieJar())


class SharedHttpClient(HttpxAiohttpClient):
    """httpx on aiohttp without cookie jars: the client every account's requests share."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._no_cookies = _NoCookies()
        self._transports: dict[tuple[str, str, int | None], httpx.AsyncBaseTransport] = {}

    @property
    def cookies(self) -> httpx.Cookies:
        """Always empty: answers' cookies are not kept, so a request sends only the cookie it was given."""
        return self._no_cookies

    @cookies.setter
    def cookies(self, cookies: object) -> None:
        raise TypeError("the shared HTTP client keeps no cookies: give a request its own")

    def _transport_for_url(self, url: httpx.URL) -> httpx.AsyncBaseTransport:
        # httpx matches the URL against every proxy pattern (NO_PROXY's hosts among them) on every request;
        # the patterns are fixed at construction and match on scheme, host and port only, so the choice is
        # kept per origin (the bot talks to a handful of hosts).
        origin = (url.scheme, url.host, url.port)
        transport = self._transports.get(origin)
        if transport is None:
            if len(self._transports) >= MAX_ORIGINS:
                self._transports.clear()
            transport = self._transports[origin] = super()._transport_for_url(url)
        return transport

    def _init_transport(
        self,
        verify: ssl.SSLContext | str | bool = True,
        cert: CertTypes | None = None,
        trust_env: bool = True,
        http1: bool = True,
        http2: bool = False,
        limits: httpx.Limits = DEFAULT_LIMITS,
        transport: httpx.AsyncBaseTransport | None = None,
        **kwargs: Any,
    ) -> httpx.AsyncBaseTransport:
        # The hook httpx calls for its default transport; httpx-aiohttp overrides it the same way.
        if transport is not None:
            return transport
        return _CookielessTransport(
            verify=verify, cert=cert, trust_env=trust_env, http1=http1, http2=http2, limits=limits
        )

    def _init_proxy_transport(
        self,
        proxy: httpx.Proxy,
        verify: ssl.SSLContext | str | bool = True,
        cert: CertTypes | None = None,
        trust_env: bool = True,
        http1: bool = True,
        http2: bool = False,
        limits: httpx.Limits = DEFAULT_LIMITS,
        **kwargs: Any,
    ) -> httpx.AsyncBaseTransport:
        # The hook httpx calls for each proxy's transport (HTTP(S)_PROXY / ALL_PROXY).
        return _CookielessTransport(
            verify=verify,
            cert=cert,
            trust_env=trust_env,
            http1=http1,
            http2=http2,
            limits=limits,
            proxy=proxy,
        )


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
    return SharedHttpClient(transport=transport, timeout=HTTP_TIMEOUT, limits=limits, event_hooks=hooks)
