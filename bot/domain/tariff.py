"""Electricity prices as time slots, the tariff-provider port, its small exception tree, and a chat's choice.

Money is `decimal.Decimal` in the currency's MAIN unit (pounds, euros), never floats: prices are summed
over many slots and shown to the user, so binary rounding errors would show. Providers convert at the edge
(Octopus quotes pence per kWh; its adapter divides by 100). Rounding happens only when a value is rendered.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from decimal import Decimal
from enum import Enum
from typing import Protocol


class TariffError(Exception):
    """Base of every error a tariff source reports; messages never carry URLs with secrets or raw bodies."""


class TariffUnavailable(TariffError):
    """The tariff source could not be reached or refused to answer (network, timeout, HTTP error)."""


class TariffRefused(TariffUnavailable):
    """The tariff URL, a redirect or the host's address leads somewhere a feed may not be (not public
    https, credentials in the URL); `problem` names which rule when the URL itself was refused."""

    def __init__(self, message: str, problem: str | None = None) -> None:
        super().__init__(message)
        self.problem = problem


class TariffFormatError(TariffError):
    """The tariff source answered, but not in the documented format."""


@dataclass(frozen=True, slots=True)
class PriceSlot:
    """The price of one kWh drawn in [start, end); times are aware, price in the currency's main unit."""

    start: datetime
    end: datetime
    price_per_kwh: Decimal
    currency: str

    def __post_init__(self) -> None:
        if self.start.tzinfo is None or self.end.tzinfo is None:
            raise ValueError("price slot times must be time-zone aware")
        if self.end <= self.start:
            raise ValueError("price slot must end after it starts")

    @property
    def duration(self) -> timedelta:
        """How long the price applies."""
        return self.end - self.start

    def overlaps(self, start: datetime, end: datetime) -> bool:
        """Whether the slot shares any time with [start, end)."""
        return self.start < end and start < self.end


class TariffProvider(Protocol):
    """A source of prices; raises TariffUnavailable or TariffFormatError, never transport exceptions."""

    async def prices(self, start: datetime, end: datetime) -> list[PriceSlot]:
        """Every known slot overlapping [start, end), sorted; may be incomplete (not yet published)."""
        ...


def sorted_unique(slots: Sequence[PriceSlot]) -> list[PriceSlot]:
    """Slots sorted by start, with exact duplicates (pagination overlaps) removed."""
    return sorted(set(slots), key=lambda slot: (slot.start, slot.end))


def clip(slots: Sequence[PriceSlot], start: datetime, end: datetime) -> list[PriceSlot]:
    """The slots overlapping [start, end), sorted; a provider's answer to `prices(start, end)`."""
    return [slot for slot in sorted_unique(slots) if slot.overlaps(start, end)]


class TariffKind(Enum):
    """The tariff sources a chat can choose."""

    OCTOPUS = "octopus"
    URL = "url"
    FIXED = "fixed"


@dataclass(frozen=True, slots=True)
class TariffChoice:
    """A chat's tariff source: Octopus Agile region, a generic price URL, or a fixed two-rate tariff.

    For FIXED, `peak`/`off_peak` are prices per kWh in the main currency unit and the off-peak period runs
    from `off_peak_start` to `off_peak_end` local time.
    """

    kind: TariffKind
    region: str | None = None
    url: str | None = None
    peak: Decimal | None = None
    off_peak: Decimal | None = None
    off_peak_start: time | None = None
    off_peak_end: time | None = None
    currency: str = "EUR"

    def __repr__(self) -> str:
        # A price URL may carry an API key in its query: never show it.
        return f"TariffChoice(kind={self.kind.value!r}, region={self.region!r})"
