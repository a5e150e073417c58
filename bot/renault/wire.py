"""HTTP plumbing shared by Gigya and Kamereon: sending on the shared client and decoding answers.

Every httpx exception is translated here, and answers are classified in the order of protocol §7.2.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from typing import Any

import httpx

from bot.renault.errors import (
    GIGYA_ERRORS,
    ApiKeyRejected,
    AuthenticationError,
    QuotaExceeded,
    RenaultError,
    UpstreamUnavailable,
    http_error,
    kamereon_error,
)

log = logging.getLogger(__name__)

JsonObject = dict[str, Any]


async def send(
    http: httpx.AsyncClient,
    method: str,
    url: str,
    *,
    params: Mapping[str, str] | None = None,
    data: Mapping[str, str] | None = None,
    json_body: Any = None,
    headers: Mapping[str, str] | None = None,
    cookie: str | None = None,
) -> httpx.Response:
    """Send one request; cookies are explicit per request, never taken from the shared client's jar."""
    # Built here rather than by `http.build_request`: the client's cookie jar is never merged in (the client
    # is shared by every account, so a jar cookie such as another user's Gigya gmid must not leak), and the
    # client-level merging it skips was a visible share of a poll's CPU.
    merged = httpx.Headers(http.headers)
    merged.update(headers or {})
    if cookie:
        merged["Cookie"] = cookie
    request = httpx.Request(
        method,
        url,
        params=params,
        data=data,
        json=json_body,
        headers=merged,
        extensions={"timeout": http.timeout.as_dict()},
    )
    try:
        return await http.send(request)
    except httpx.TimeoutException as exc:
        raise UpstreamUnavailable(f"timeout calling {request.url.host}") from exc
    except httpx.HTTPError as exc:  # TransportError and friends; never leak the httpx type
        raise UpstreamUnavailable(f"{type(exc).__name__} calling {request.url.host}") from exc


def _text(response: httpx.Response) -> str:
    # JSON is UTF-8 (RFC 8259); httpx's `.text` first parses the Content-Type header with the email
    # package to find a charset, a cost paid on every Renault answer for nothing.
    return response.content.decode("utf-8", errors="replace")


def _loads(text: str) -> Any:
    try:
        return json.loads(text)
    except ValueError as exc:
        raise UpstreamUnavailable("invalid JSON in answer") from exc


def retry_after(response: httpx.Response) -> float | None:
    """Seconds from a Retry-After header, when it is a number."""
    value = response.headers.get("Retry-After")
    try:
        return float(value) if value is not None else None
    except ValueError:
        return None


def decode_gigya(response: httpx.Response, method: str) -> JsonObject:
    """Body of a Gigya answer; raises for a non-zero errorCode (checked before the HTTP status)."""
    body = _loads(_text(response))
    if not isinstance(body, dict):
        raise UpstreamUnavailable(f"Gigya {method}: answer is not an object")
    code = body.get("errorCode", 0)
    if isinstance(code, int) and code != 0:
        raise gigya_error(code, body, method)
    if response.is_error:
        raise UpstreamUnavailable(f"Gigya {method}: HTTP {response.status_code}", str(response.status_code))
    return body


def gigya_error(code: int, body: Mapping[str, Any], method: str) -> RenaultError:
    """Exception for a Gigya error body (only the public errorMessage is kept, never request data)."""
    cls = GIGYA_ERRORS.get(code, AuthenticationError)
    message = str(body.get("errorMessage") or body.get("statusReason") or "error")
    return cls(f"Gigya {method}: {code} {message}", str(code))


def _first_error(body: Mapping[str, Any]) -> tuple[str, str] | None:
    errors = body.get("errors")
    if not isinstance(errors, list) or not errors:
        return None
    first = errors[0] if isinstance(errors[0], dict) else {}
    code = first.get("errorCode")
    if code is None:
        messages = body.get("messages")
        if isinstance(messages, list) and messages and isinstance(messages[0], dict):
            code = messages[0].get("code")
    return str(code), _error_details(str(first.get("errorMessage") or ""))


def _error_details(message: str) -> str:
    """Human-readable details; a nested upstream JSON error list is flattened (§7.1 (b))."""
    try:
        nested = json.loads(message)
    except ValueError:
        return message
    if not isinstance(nested, dict) or not isinstance(nested.get("errors"), list):
        return message
    parts = []
    for err in nested["errors"]:
        if isinstance(err, dict):
            source = err.get("source")
            pointer = source.get("pointer") if isinstance(source, dict) else None
            words = [str(w) for w in (err.get("title"), pointer, err.get("detail")) if w]
            if words:
                parts.append(" ".join(words))
    return ", ".join(parts) or message


def decode_kamereon(response: httpx.Response, endpoint: str) -> Any:
    """Body of a Kamereon answer, or the mapped exception (processing order of §7.2)."""
    text = _text(response).strip()
    if response.status_code == 429 and not text.startswith("{"):
        raise QuotaExceeded(f"{endpoint}: HTTP 429", "429", retry_after(response))
    if not text:
        if response.is_error:
            raise http_error(response.status_code, endpoint)
        return {}
    if not text.startswith(("{", "[")):
        # HTML from a proxy, or any other non-JSON answer (§7.5).
        raise UpstreamUnavailable(f"{endpoint}: non-JSON answer (HTTP {response.status_code})")
    body = _loads(text)
    if isinstance(body, dict):
        first = _first_error(body)
        if first is not None:
            exc = kamereon_error(first[0], first[1], endpoint)
            if isinstance(exc, QuotaExceeded):
                exc.retry_after_seconds = retry_after(response)
            raise exc
        if body.get("error") == "access_denied":
            raise ApiKeyRejected(f"{endpoint}: API key rejected", "access_denied")
    if response.is_error:
        exc = http_error(response.status_code, endpoint)
        if isinstance(exc, QuotaExceeded):
            exc.retry_after_seconds = retry_after(response)
        raise exc
    return body
