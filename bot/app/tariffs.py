"""The tariff sources a chat can choose, all fetching through the guarded feed fetcher (never the Renault
client: `bot.tariffs.fetch`)."""

from __future__ import annotations

from bot.domain.tariff import TariffChoice, TariffKind, TariffProvider
from bot.domain.zones import zone_or_utc
from bot.services.errors import InvalidInput
from bot.services.tariff_ports import TariffFactory
from bot.tariffs.fetch import FeedFetch
from bot.tariffs.fixed import FixedTwoRateTariff
from bot.tariffs.generic import GenericUrlTariff
from bot.tariffs.octopus import OctopusAgileTariff


def tariff_factory(feeds: FeedFetch) -> TariffFactory:
    """Builds the chat's chosen tariff source on the feed fetcher."""

    def build(choice: TariffChoice, zone: str) -> TariffProvider:
        if choice.kind is TariffKind.OCTOPUS:
            return OctopusAgileTariff(feeds, choice.region or "")
        if choice.kind is TariffKind.URL:
            return GenericUrlTariff(feeds, choice.url or "", currency=choice.currency)
        if choice.peak is None or choice.off_peak is None:
            raise InvalidInput(["smart.error.no_tariff"])
        if choice.off_peak_start is None or choice.off_peak_end is None:
            raise InvalidInput(["smart.error.no_tariff"])
        return FixedTwoRateTariff(
            choice.peak,
            choice.off_peak,
            choice.off_peak_start,
            choice.off_peak_end,
            zone_or_utc(zone),
            choice.currency,
        )

    return build
