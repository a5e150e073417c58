"""A simulated tariff server: Octopus's standard-unit-rates endpoint (paginated) and a generic JSON/CSV feed.

Used by tests and the demo as an `async (httpx.Request) -> httpx.Response` handler, behind
`httpx.MockTransport` or `LoopbackServer`. Faults are queued per request (`fail_next`) so a test scripts
exactly which call goes wrong.
"""

from __future__ import annotations

import json
import math
import re
from collections import deque
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from enum import Enum

import httpx

_OCTOPUS_PATH = re.compile(
    r"^/v1/products/(?P<product>[^/]+)/electricity-tariffs/E-1R-(?P=product)-(?P<region>[A-Z])"
    r"/standard-unit-rates/$"
)


class TariffFault(Enum):
    """What the next request gets instead of a good answer."""

    SERVER_ERROR = "server_error"
    NOT_FOUND = "not_found"
    BAD_JSON = "bad_json"
    WRONG_SHAPE = "wrong_shape"


@dataclass(frozen=True, slots=True)
class SimSlot:
    """One simulated half-hour (or any length) price, in pence per kWh including VAT."""

    start: datetime
    end: datetime
    pence_per_kwh: Decimal


def agile_like_day(day_start: datetime, slots: int = 48) -> list[SimSlot]:
    """A deterministic Agile-shaped curve: cheap at night, a 16:00-19:00 peak, half-hour slots."""
    result = []
    for index in range(slots):
        start = day_start + timedelta(minutes=30 * index)
        hour = start.astimezone(UTC).hour + start.minute / 60
        base = 18 + 8 * math.sin((hour - 9) / 24 * 2 * math.pi)
        if 16 <= hour < 19:
            base += 15
        result.append(SimSlot(start, start + timedelta(minutes=30), Decimal(f"{base:.2f}")))
    return result


class TariffSimulator:
    """Serves the configured slots; `page_size` forces pagination, `fail_next` injects faults."""

    def __init__(self, slots: list[SimSlot] | None = None, page_size: int = 100) -> None:
        self.slots: list[SimSlot] = list(slots or [])
        self.page_size = page_size
        self.requests: list[httpx.Request] = []
        self._faults: deque[TariffFault] = deque()

    def fail_next(self, *faults: TariffFault) -> None:
        """Queue faults: each following request consumes one."""
        self._faults.extend(faults)

    async def __call__(self, request: httpx.Request) -> httpx.Response:
        """Answer one request like the real services would."""
        self.requests.append(request)
        if self._faults:
            return _faulty(self._faults.popleft())
        if _OCTOPUS_PATH.match(request.url.path):
            return self._octopus(request)
        if request.url.path == "/prices.json":
            return httpx.Response(200, json=self._generic_json())
        if request.url.path == "/prices.csv":
            return httpx.Response(200, text=self._generic_csv(), headers={"content-type": "text/csv"})
        return httpx.Response(404, json={"detail": "Not found."})

    def _octopus(self, request: httpx.Request) -> httpx.Response:
        params = request.url.params
        lo = _parse(params.get("period_from"))
        hi = _parse(params.get("period_to"))
        chosen = [s for s in self.slots if (lo is None or s.end > lo) and (hi is None or s.start < hi)]
        chosen.sort(key=lambda s: s.start, reverse=True)  # Octopus lists newest first
        page = int(params.get("page", "1"))
        first = (page - 1) * self.page_size
        body = {
            "count": len(chosen),
            "next": str(request.url.copy_merge_params({"page": str(page + 1)}))
            if first + self.page_size < len(chosen)
            else None,
            "previous": None,
            "results": [_octopus_result(s) for s in chosen[first : first + self.page_size]],
        }
        return httpx.Response(200, json=body)

    def _generic_json(self) -> dict[str, object]:
        prices = [
            {"start": s.start.isoformat(), "end": s.end.isoformat(), "price": str(s.pence_per_kwh / 100)}
            for s in self.slots
        ]
        return {"currency": "EUR", "prices": prices}

    def _generic_csv(self) -> str:
        lines = ["start,end,price"]
        lines += [f"{s.start.isoformat()},{s.end.isoformat()},{s.pence_per_kwh / 100}" for s in self.slots]
        return "\n".join(lines) + "\n"


def _octopus_result(slot: SimSlot) -> dict[str, object]:
    inc = slot.pence_per_kwh
    return {
        "value_exc_vat": float(inc / Decimal("1.05")),
        "value_inc_vat": float(inc),
        "valid_from": _z(slot.start),
        "valid_to": _z(slot.end),
        "payment_method": None,
    }


def _z(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _parse(value: str | None) -> datetime | None:
    return None if value is None else datetime.fromisoformat(value)


def _faulty(fault: TariffFault) -> httpx.Response:
    if fault is TariffFault.SERVER_ERROR:
        return httpx.Response(503, text="upstream unavailable")
    if fault is TariffFault.NOT_FOUND:
        return httpx.Response(404, json={"detail": "No EnergyProduct matches the given query."})
    if fault is TariffFault.BAD_JSON:
        return httpx.Response(200, content=b'{"results": [', headers={"content-type": "application/json"})
    return httpx.Response(200, content=json.dumps({"detail": "ok"}).encode())
