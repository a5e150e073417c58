"""The /smarttariff forms: `octopus C`, `url https://...` or `fixed PEAK OFFPEAK HH:MM HH:MM`."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import time
from decimal import Decimal, InvalidOperation

from bot.domain.smart_schedule import TariffChoice, TariffKind


def parse_tariff(args: Sequence[str]) -> TariffChoice | None:
    """The tariff a /smarttariff command names; None when unreadable."""
    if len(args) == 2 and args[0].lower() == "octopus":
        return TariffChoice(TariffKind.OCTOPUS, region=args[1].upper(), currency="GBP")
    if len(args) == 2 and args[0].lower() == "url":
        return TariffChoice(TariffKind.URL, url=args[1])
    if len(args) == 5 and args[0].lower() == "fixed":
        try:
            peak, off_peak = Decimal(args[1].replace(",", ".")), Decimal(args[2].replace(",", "."))
            start, end = time.fromisoformat(args[3]), time.fromisoformat(args[4])
        except (InvalidOperation, ValueError):
            return None
        return TariffChoice(
            TariffKind.FIXED, peak=peak, off_peak=off_peak, off_peak_start=start, off_peak_end=end
        )
    return None
