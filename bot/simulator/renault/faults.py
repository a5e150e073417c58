"""Fault injection and the request log: what tests use to make the backend misbehave and to watch it."""

from __future__ import annotations

import asyncio
from collections import Counter, deque
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import Enum

import httpx

from bot.simulator.http_server import DropConnection
from bot.simulator.renault.wire import (
    FAILED_FORWARD,
    FORBIDDEN,
    HTML_502,
    PRIVACY_ON,
    QUOTA,
    UNAUTHORIZED,
    KamereonRefusal,
)


class RenaultFault(Enum):
    """Ways a request can be made to fail."""

    HTTP_500 = "http_500"  # Kamereon technical error envelope, HTTP 500
    QUOTA = "quota"  # err.func.wired.overloaded, HTTP 429
    FORBIDDEN = "forbidden"  # err.func.wired.forbidden, HTTP 403
    PRIVACY = "privacy"  # err.func.privacy.on
    UNAUTHORIZED = "unauthorized"  # err.func.wired.unauthorized (JWT rejected)
    HTML_502 = "html_502"  # proxy HTML page with HTTP 502
    HTML_200 = "html_200"  # proxy HTML page served with HTTP 200 ("Invalid JSON" for clients)
    INVALID_JSON = "invalid_json"  # truncated JSON with HTTP 200
    DROP = "drop"  # close the connection without answering
    SLOW = "slow"  # answer normally after `latency_s` seconds (benchmarks only)
    HOLD = "hold"  # answer normally once the test sets the rule's `release` (a slow Renault, no sleep)


_ERRORS: dict[RenaultFault, KamereonRefusal] = {
    RenaultFault.HTTP_500: FAILED_FORWARD,
    RenaultFault.QUOTA: QUOTA,
    RenaultFault.FORBIDDEN: FORBIDDEN,
    RenaultFault.PRIVACY: PRIVACY_ON,
    RenaultFault.UNAUTHORIZED: UNAUTHORIZED,
}


@dataclass(slots=True, eq=False)
class FaultRule:
    """Apply `fault` to requests matching every given filter; `times=None` means until removed."""

    fault: RenaultFault
    endpoint: str | None = None  # endpoint id or logical key ('charge-start' matches every variant)
    path_contains: str | None = None
    vin: str | None = None
    method: str | None = None
    times: int | None = 1
    latency_s: float = 0.0
    release: asyncio.Event = field(default_factory=asyncio.Event)

    def matches(self, method: str, path: str, endpoint: str, vin: str | None) -> bool:
        """Whether this rule applies to the request."""
        return (
            (self.times is None or self.times > 0)
            and (self.endpoint is None or self.endpoint in (endpoint, endpoint_key(endpoint)))
            and (self.path_contains is None or self.path_contains in path)
            and (self.vin is None or self.vin == vin)
            and (self.method is None or self.method.upper() == method)
        )


def fault_response(fault: RenaultFault) -> httpx.Response:
    """The answer for a failing fault (SLOW is handled by the caller)."""
    if fault is RenaultFault.DROP:
        raise DropConnection
    if fault is RenaultFault.HTML_502:
        return httpx.Response(502, text=HTML_502, headers={"content-type": "text/html"})
    if fault is RenaultFault.HTML_200:
        return httpx.Response(200, text=HTML_502, headers={"content-type": "text/html"})
    if fault is RenaultFault.INVALID_JSON:
        return httpx.Response(
            200, text='{"data": {"type": "Car", "attr', headers={"content-type": "application/json"}
        )
    return _ERRORS[fault].response()


def endpoint_key(endpoint_id: str) -> str:
    """The logical key of an endpoint id ('charge-start/kcm-settings' -> 'charge-start')."""
    return endpoint_id.split("/", 1)[0]


@dataclass(frozen=True, slots=True)
class RequestRecord:
    """One request as the simulator saw it."""

    method: str
    path: str
    endpoint: str
    at: datetime
    status: int | None = None
    account_id: str | None = None
    vin: str | None = None
    fault: RenaultFault | None = None

    @property
    def key(self) -> str:
        """Logical endpoint key (variant suffix dropped)."""
        return endpoint_key(self.endpoint)


class RequestLog:
    """Every request the simulator received, with counters tests can assert on."""

    def __init__(self, keep: int | None = 100_000) -> None:
        self._keep = keep
        self.records: list[RequestRecord] = []
        self.by_endpoint: Counter[str] = Counter()
        self.by_key: Counter[str] = Counter()
        self.by_vin: Counter[str] = Counter()
        self.by_account: Counter[str] = Counter()
        self.total = 0

    def add(self, record: RequestRecord) -> None:
        """Append a record and bump the counters."""
        self.total += 1
        self.by_endpoint[record.endpoint] += 1
        self.by_key[record.key] += 1
        if record.vin is not None:
            self.by_vin[record.vin] += 1
        if record.account_id is not None:
            self.by_account[record.account_id] += 1
        self.records.append(record)
        if self._keep is not None and len(self.records) > self._keep:
            # Benchmarks run for a long time; counters stay exact, the detail list is bounded.
            del self.records[: len(self.records) - self._keep]

    def count(
        self,
        endpoint: str | None = None,
        *,
        key: str | None = None,
        vin: str | None = None,
        method: str | None = None,
    ) -> int:
        """How many requests matched: `endpoint` is an exact id, `key` a logical key (all variants)."""
        filters = (endpoint, key, vin, method)
        if filters == (endpoint, None, None, None) and endpoint is not None:
            return self.by_endpoint[endpoint]
        if filters == (None, key, None, None) and key is not None:
            return self.by_key[key]
        if filters == (None, None, vin, None) and vin is not None:
            return self.by_vin[vin]
        return sum(
            1
            for r in self.records
            if (endpoint is None or r.endpoint == endpoint)
            and (key is None or r.key == key)
            and (vin is None or r.vin == vin)
            and (method is None or r.method == method.upper())
        )

    def endpoints(self) -> list[str]:
        """Endpoint keys in arrival order."""
        return [r.endpoint for r in self.records]

    def clear(self) -> None:
        """Forget everything (counters too)."""
        self.records.clear()
        self.by_endpoint.clear()
        self.by_key.clear()
        self.by_vin.clear()
        self.by_account.clear()
        self.total = 0


class QuotaWindow:
    """The backend's per-account quota: at most `per_hour` Kamereon calls in any sliding hour (§7.6)."""

    def __init__(self, per_hour: int) -> None:
        self.per_hour = per_hour
        self._calls: dict[str, deque[datetime]] = {}

    def allow(self, account_id: str, now: datetime) -> bool:
        """Count one call; False (and not counted) when the account is over its quota."""
        calls = self._calls.setdefault(account_id, deque())
        horizon = now - timedelta(hours=1)
        while calls and calls[0] <= horizon:
            calls.popleft()
        if len(calls) >= self.per_hour:
            return False
        calls.append(now)
        return True
