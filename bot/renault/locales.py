"""Per-locale Gigya/Kamereon configuration (protocol §1) and explicit overrides."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from urllib.parse import urlsplit

from bot.renault.errors import UnknownLocale

GIGYA_EU = "https://accounts.eu1.gigya.com"
GIGYA_US = "https://accounts.us1.gigya.com"
GIGYA_AU = "https://gigya-prod-au1.renaultgroup.com"
KAMEREON_EU = "https://api-wired-prod-1-euw1.wrd-aws.com"
KAMEREON_US = "https://api-wired-prod-1-usw2.wrd-aws.com"
KAMEREON_AU = "https://api-wired-prod-1-apn1.wrd-aws.com"

# These keys are public application identifiers embedded in the MyRenault apps, not user secrets.
KAMEREON_API_KEY = "YjkKtHmGfaceeuExUDKGxrLZGGvtVS0J"
GIGYA_KEY_EU = "3_VgdkgtIRH3AdHvJm-cjV2ug2EFE0lxt0IJzMC4MFqZjFpn_GYFXVdNZ19L7wZX0N"
GIGYA_KEY_FR_LU = "3_zt44Wl_wT9mnqn-BHrR19PvXj3wYRPQKLcPbGWawlatFR837KdxSZZStbBTDaqnb"
GIGYA_KEY_MX = "4_yTFqPSsGxVyRXPZUM7t1Iw"
GIGYA_KEY_AU = "4_GC9iGd3sH8sMJpz2x0q0CQ"

_EU_LOCALES = [
    "bg_BG",
    "cs_CZ",
    "da_DK",
    "de_DE",
    "de_AT",
    "de_CH",
    "en_GB",
    "en_IE",
    "es_ES",
    "fi_FI",
    "fr_FR",
    "fr_BE",
    "fr_CH",
    "hr_HR",
    "hu_HU",
    "it_IT",
    "it_CH",
    "nl_NL",
    "nl_BE",
    "no_NO",
    "pl_PL",
    "pt_PT",
    "ro_RO",
    "ru_RU",
    "sk_SK",
    "sl_SI",
    "sv_SE",
]


@dataclass(frozen=True)
class LocaleConfig:
    """Everything needed to talk to Gigya and Kamereon for one locale."""

    locale: str
    country: str
    gigya_url: str
    gigya_api_key: str
    kamereon_url: str
    kamereon_api_key: str


@dataclass(frozen=True)
class LocaleOverrides:
    """Explicit values that win over the built-in table (e.g. a simulator URL with a path prefix)."""

    gigya_url: str | None = None
    gigya_api_key: str | None = None
    kamereon_url: str | None = None
    kamereon_api_key: str | None = None


def country_of(locale: str) -> str:
    """The country sent as ?country=XX: the last two letters of the locale, upper case."""
    return locale[-2:].upper()


def _config(locale: str, gigya_url: str, gigya_key: str, kamereon_url: str) -> LocaleConfig:
    return LocaleConfig(locale, country_of(locale), gigya_url, gigya_key, kamereon_url, KAMEREON_API_KEY)


LOCALES: Mapping[str, LocaleConfig] = MappingProxyType(
    {
        **{loc: _config(loc, GIGYA_EU, GIGYA_KEY_EU, KAMEREON_EU) for loc in _EU_LOCALES},
        "fr_LU": _config("fr_LU", GIGYA_EU, GIGYA_KEY_FR_LU, KAMEREON_EU),
        "es_MX": _config("es_MX", GIGYA_US, GIGYA_KEY_MX, KAMEREON_US),
        "en_AU": _config("en_AU", GIGYA_AU, GIGYA_KEY_AU, KAMEREON_AU),
    }
)
"""The 30 built-in locales."""


def resolve_locale(locale: str, overrides: LocaleOverrides | None = None) -> LocaleConfig:
    """Configuration for a locale; overrides win. An unknown locale needs all four overrides."""
    ov = overrides or LocaleOverrides()
    base = LOCALES.get(locale)
    gigya_url = ov.gigya_url or (base.gigya_url if base else None)
    gigya_key = ov.gigya_api_key or (base.gigya_api_key if base else None)
    kamereon_url = ov.kamereon_url or (base.kamereon_url if base else None)
    kamereon_key = ov.kamereon_api_key or (base.kamereon_api_key if base else KAMEREON_API_KEY)
    if gigya_url is None or gigya_key is None or kamereon_url is None:
        raise UnknownLocale(f"unknown locale {locale!r}")
    return LocaleConfig(
        locale=locale,
        country=country_of(locale),
        gigya_url=gigya_url.rstrip("/"),
        gigya_api_key=gigya_key,
        kamereon_url=kamereon_url.rstrip("/"),
        kamereon_api_key=kamereon_key,
    )


def renault_hosts(overrides: LocaleOverrides | None = None) -> frozenset[str]:
    """Every host name the client may call: the built-in Gigya and Kamereon hosts and any override's."""
    urls = [config.gigya_url for config in LOCALES.values()] + [c.kamereon_url for c in LOCALES.values()]
    if overrides is not None:
        urls += [url for url in (overrides.gigya_url, overrides.kamereon_url) if url]
    return frozenset(host for host in (urlsplit(url).hostname for url in urls) if host)
