"""python-telegram-bot's requests (getUpdates and every send) on httpx-aiohttp, the bot's one transport.

PTB's `HTTPXRequest` keeps everything it does (timeouts, multipart uploads, mapping errors to TimedOut and
NetworkError); only the client it builds is `httpx_aiohttp.HttpxAiohttpClient`, whose transports are
aiohttp's. The proxy variables are honoured the same way as for the Renault client (`bot/app/http.py`).
"""

from __future__ import annotations

import json
from typing import Any

import httpx
from httpx_aiohttp import HttpxAiohttpClient
from telegram._utils.types import JSONDict
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


class UpdatesRequest(AiohttpRequest):
    """The getUpdates request; it keeps each update of the last batch as Telegram sent it (JSON text).

    The journal stores every update's content on arrival (for a take-over, `bot/telegram_ui/ordering.py`):
    PTB's `Update.to_json()` walks every object of the update again, a tenth of a warm /status's CPU, where
    dumping the dict Telegram sent is one C call.
    """

    __slots__ = ("_received",)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._received: dict[int, str] = {}

    def parse_json_payload(self, payload: bytes) -> JSONDict:  # type: ignore[override]
        """PTB's parsing (its documented hook); a list of updates is kept, by update_id, as JSON text."""
        data = super().parse_json_payload(payload)
        result = data.get("result") if isinstance(data, dict) else None
        if isinstance(result, list):
            self._received = {
                item["update_id"]: json.dumps(item)
                for item in result
                if isinstance(item, dict) and isinstance(item.get("update_id"), int)
            }
        return data

    def received(self) -> dict[int, str]:
        """The last batch's updates as Telegram sent them, by update_id; handed over once, then forgotten
        (an update may hold a password typed in the chat: no copy outlives its journaling, which seals it)."""
        taken, self._received = self._received, {}
        return taken


def send_request() -> AiohttpRequest:
    """The request every Bot API call but getUpdates goes through (PTB's default pool size)."""
    return AiohttpRequest(connection_pool_size=SEND_POOL_SIZE)


def get_updates_request() -> UpdatesRequest:
    """The request long polling's getUpdates goes through (one call at a time)."""
    return UpdatesRequest(connection_pool_size=GET_UPDATES_POOL_SIZE)
