"""Octopus Agile half-hourly prices from Octopus Energy's public (no key) REST API.

`GET {base}/v1/products/{product}/electricity-tariffs/E-1R-{product}-{region}/standard-unit-rates/
?period_from=...&period_to=...` answers `{"count", "next", "previous", "results": [...]}`; each result has
`value_inc_vat` (pence per kWh, VAT included), `valid_from` and `valid_to` (UTC, ISO 8601). Results come
newest first and are paginated: `next` is the absolute URL of the following page, or null.
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from urllib.parse import urlsplit

from bot.domain.tariff import PriceSlot, TariffFormatError, clip
from bot.tariffs.fetch import FeedFetch
from bot.tariffs.parsing import parse_json, parse_price, parse_time

OCTOPUS_API = "https://api.octopus.energy"
DEFAULT_PRODUCT = "AGILE-24-10-01"
# Grid supply point groups, one letter per region (there is no I or O).
REGIONS = frozenset("ABCDEFGHJKLMNP")
_PENCE_PER_POUND = Decimal(100)


class OctopusAgileTariff:
    """TariffProvider for one Agile product in one region; prices come out in GBP per kWh."""

    def __init__(
        self,
        feeds: FeedFetch,
        region: str,
        product: str = DEFAULT_PRODUCT,
        base_url: str = OCTOPUS_API,
        max_pages: int = 20,
    ) -> None:
        region = region.strip().upper()
        if region not in REGIONS:
            raise ValueError(f"unknown Octopus region letter {region!r}")
        if not product or "/" in product:
            raise ValueError("invalid Octopus product code")
        self._feeds = feeds
        self._region = region
        self._product = product
        self._base = base_url.rstrip("/")
        self._max_pages = max_pages

    @property
    def tariff_code(self) -> str:
        """The tariff code Octopus uses in its URLs, e.g. E-1R-AGILE-24-10-01-C."""
        return f"E-1R-{self._product}-{self._region}"

    async def prices(self, start: datetime, end: datetime) -> list[PriceSlot]:
        """Every published half-hour overlapping [start, end), following pagination."""
        url: str | None = (
            f"{self._base}/v1/products/{self._product}/electricity-tariffs/"
            f"{self.tariff_code}/standard-unit-rates/"
        )
        params: dict[str, str] | None = {"period_from": _iso(start), "period_to": _iso(end)}
        slots: list[PriceSlot] = []
        pages = 0
        while url is not None:
            pages += 1
            if pages > self._max_pages:
                raise TariffFormatError("the tariff source keeps paginating; giving up")
            document = await self._feeds.get(url, params)
            page_slots, url = _parse_page(parse_json(document.body), end)
            slots.extend(page_slots)
            params = None  # `next` already carries the query
            if url is not None and not self._same_origin(url):
                raise TariffFormatError("the tariff source pointed to another host")
        return clip(slots, start, end)

    def _same_origin(self, url: str) -> bool:
        # Never follow a `next` link off the API host: the client might carry other services' headers.
        here, there = urlsplit(self._base), urlsplit(url)
        return (here.scheme, here.netloc) == (there.scheme, there.netloc)


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _parse_page(document: object, end: datetime) -> tuple[list[PriceSlot], str | None]:
    if not isinstance(document, dict) or not isinstance(document.get("results"), list):
        raise TariffFormatError("the tariff source answered without a results list")
    following = document.get("next")
    if following is not None and not isinstance(following, str):
        raise TariffFormatError("the tariff source answered a malformed next link")
    return [_parse_result(item, end) for item in document["results"]], following


def _parse_result(item: object, end: datetime) -> PriceSlot:
    if not isinstance(item, dict):
        raise TariffFormatError("a tariff result is not an object")
    start = parse_time(item.get("valid_from"), "valid_from")
    # A null valid_to means "until further notice" (fixed tariffs); it then lasts to the end asked for.
    raw_end = item.get("valid_to")
    stop = end if raw_end is None else parse_time(raw_end, "valid_to")
    pence = parse_price(item.get("value_inc_vat"), "value_inc_vat")
    if stop <= start:
        raise TariffFormatError("a tariff result ends before it starts")
    return PriceSlot(start.astimezone(UTC), stop.astimezone(UTC), pence / _PENCE_PER_POUND, "GBP")
