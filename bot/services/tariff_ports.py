"""The chat's tariff as the use cases that price charging read it, and how its price source is built.

Smart charging stores the choice (`/smarttariff`; `bot.features.smart_charging.ports.SmartChargeStore`
extends `TariffChoices`) and plans with it; the costs price past sessions with the same source. The factory
is `bot.app.tariffs`, which knows the HTTP client and the `bot.tariffs` adapters the use cases may not import.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from bot.domain.tariff import TariffChoice, TariffProvider

TariffFactory = Callable[[TariffChoice, str], TariffProvider]
"""Builds the price source for a chat's tariff choice."""


class TariffChoices(Protocol):
    """The chat's tariff (the one /smarttariff set): what the costs read of smart charging's choices."""

    async def tariff(self, chat_id: int) -> TariffChoice | None:
        """The chat's tariff choice, or None."""
        ...
