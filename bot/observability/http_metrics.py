"""Counting Renault HTTP responses in an httpx response hook: the Renault client knows nothing of metrics.

Only responses from Renault's hosts are counted, and every label comes from a fixed set (the endpoint kinds,
the error codes the client knows, `http_4xx`-style statuses, `other`): whatever another server or an error
body says can never create a new series.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, Collection

import httpx

from bot.observability.metrics import BotMetrics
from bot.renault.errors import GIGYA_ERRORS, KAMEREON_ERRORS

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


# Error codes that may be a label: those the Renault client knows (anything else is counted as `other`).
KNOWN_ERROR_CODES = frozenset(KAMEREON_ERRORS) | frozenset(str(code) for code in GIGYA_ERRORS)
OTHER = "other"


def response_hook(metrics: BotMetrics, hosts: Collection[str]) -> ResponseHook:
    """An httpx response hook counting Renault's responses (from `hosts` only) by status class and kind, and
    error responses by code."""

    async def hook(response: httpx.Response) -> None:
        request = response.request
        if request.url.host not in hosts:
            return  # not Renault (a proxy check, a stray call): not Renault's figures
        metrics.record_renault_response(response.status_code, endpoint_kind(request.method, request.url.path))
        if response.status_code >= 400:
            await response.aread()
            metrics.renault_errors.inc(code=error_label(response.status_code, response.content))

    return hook


def error_label(status_code: int, body: bytes) -> str:
    """The label of an error response: a code the client knows, else `other`; no code: `http_<status>`."""
    # Kamereon puts the code in errors[0].errorCode; without one the HTTP status (4xx and 5xx only) says it.
    try:
        code = str(json.loads(body)["errors"][0]["errorCode"])
    except (ValueError, KeyError, IndexError, TypeError):
        return f"http_{status_code}" if 400 <= status_code <= 599 else OTHER
    return code if code in KNOWN_ERROR_CODES else OTHER
