"""Tariff sources (an adapter): Octopus Agile, a generic JSON/CSV URL, or a fixed two-rate tariff.

Every HTTP source shares the application's `httpx.AsyncClient`; every failure surfaces as
`bot.domain.tariff.TariffUnavailable` or `TariffFormatError`, never as an httpx exception.
"""

from bot.tariffs.fixed import FixedTwoRateTariff
from bot.tariffs.generic import GenericUrlTariff
from bot.tariffs.octopus import OctopusAgileTariff

__all__ = ["FixedTwoRateTariff", "GenericUrlTariff", "OctopusAgileTariff"]
