"""Counting Renault HTTP responses in an httpx response hook: the Renault client knows nothing of metrics."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable

import httpx

from bot.observability.metrics import BotMetrics

ResponseHook = Callable[[httpx.Response], Awaitable[None]]


def endpoint_kind(method: str, path: str) -> str:
    """A small fixed name for a Renault URL: gigya, kca_read, kca_action, kcm_read, kcm_action, commerce."""
    if path.rsplit("/", 1)[-1].startswith("accounts."):
        return "gigya"
    for family in ("kca", "kcm"):
        if f"/kamereon/{family}/" in path:
            # Reads are GETs; every remote action (charge, HVAC, schedules) is a POST or PUT.
            return f"{family}_read" if method.upper() == "GET" else f"{family}_action"
    if "/commerce/v1/" in path:
        return "commerce"
    return "other"


def response_hook(metrics: BotMetrics) -> ResponseHook:
    """An httpx response hook counting responses by status class and kind, and error responses by code."""

    async def hook(response: httpx.Response) -> None:
        request = response.request
        metrics.record_renault_response(response.status_code, endpoint_kind(request.method, request.url.path))
        if response.status_code >= 400:
            await response.aread()
            metrics.renault_errors.inc(code=_error_code(response))

    return hook


def _error_code(response: httpx.Response) -> str:
    # Kamereon puts the code in errors[0].errorCode; anything else is counted by its HTTP status.
    try:
        body = json.loads(response.content)
        code = body["errors"][0]["errorCode"]
        return str(code)[:60]
    except (ValueError, KeyError, IndexError, TypeError):
        return f"http_{response.status_code}"
