"""python-telegram-bot's requests (getUpdates and every send) on httpx-aiohttp, the bot's one transport.

PTB's `HTTPXRequest` keeps everything it does (timeouts, multipart uploads, mapping errors to TimedOut and
NetworkError); only the client it builds is `httpx_aiohttp.HttpxAiohttpClient`, whose transports are
aiohttp's. The proxy variables are honoured the same way as for the Renault client (`bot/app/http.py`).
"""

from __future__ import annotations

import httpx
from httpx_aiohttp import HttpxAiohttpClient
from telegram.request import HTTPXRequest

# PTB's own defaults: one connection for getUpdates (a single long poll at a time), 256 for everything else.
GET_UPDATES_POOL_SIZE = 1
SEND_POOL_SIZE = 256


class AiohttpRequest(HTTPXRequest):
    """PTB's HTTPXRequest whose httpx client runs on aiohttp."""

    __slots__ = ()

    def _build_client(self) -> httpx.AsyncClient:
        # PTB builds (and rebuilds after a shutdown) its client here, from the keyword arguments it derived
        # from its own parameters; only the client class differs from PTB's.
        return HttpxAiohttpClient(**self._client_kwargs)


def send_request() -> AiohttpRequest:
    """The request every Bot API call but getUpdates goes through (PTB's default pool size)."""
    return AiohttpRequest(connection_pool_size=SEND_POOL_SIZE)


def get_updates_request() -> AiohttpRequest:
    """The request long polling's getUpdates goes through (one call at a time)."""
    return AiohttpRequest(connection_pool_size=GET_UPDATES_POOL_SIZE)
