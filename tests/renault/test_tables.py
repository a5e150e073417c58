"""The endpoint, capability and locale tables."""

from __future__ import annotations

import pytest

from bot.renault.capabilities import MODEL_CODES, capabilities_for
from bot.renault.endpoints import ENDPOINTS, Envelope, Gateway, Method, variants
from bot.renault.errors import UnknownLocale
from bot.renault.locales import LOCALES, LocaleOverrides, resolve_locale


def test_every_endpoint_path_is_relative_to_the_account_kamereon_root() -> None:
    for ep in ENDPOINTS.values():
        assert ep.path.startswith(("/kca/", "/kcm/", "/vehicles/")), ep.id
        assert "{vin}" in ep.path


def test_battery_status_is_kca_v2_with_attributes_envelope() -> None:
    ep = ENDPOINTS["battery-status"]
    assert (ep.method, ep.version, ep.gateway, ep.envelope) == (
        Method.GET,
        2,
        Gateway.KCA,
        Envelope.ATTRIBUTES,
    )
    assert ep.full_path("acc", "VIN1") == (
        "/commerce/v1/accounts/acc/kamereon/kca/car-adapter/v2/cars/VIN1/battery-status"
    )


def test_charge_start_has_four_variants_default_first() -> None:
    ids = [e.id for e in variants("charge-start")]
    assert ids[0] == "charge-start"
    assert set(ids) == {
        "charge-start",
        "charge-start/kcm",
        "charge-start/kcm-pause-resume",
        "charge-start/kcm-settings",
    }


def test_r5_starts_charge_through_ev_settings_and_cannot_stop() -> None:
    caps = capabilities_for("R5E1VE")
    route = caps.route("charge-start")
    assert route is not None
    assert route.path.endswith("/ev/settings")
    assert not caps.supports("charge-stop")
    hvac_stop = caps.route("hvac-stop")
    assert hvac_stop is not None
    assert ("action", "stop") in hvac_stop.attributes


def test_spring_charges_through_pause_resume() -> None:
    caps = capabilities_for("XBG1VE")
    start, stop = caps.route("charge-start"), caps.route("charge-stop")
    assert start is not None
    assert start.attributes == (("action", "resume"),)
    assert stop is not None
    assert stop.attributes == (("action", "pause"),)
    assert caps.charge_via_kcm


def test_zoe_40_reports_power_in_watts_and_has_no_location() -> None:
    caps = capabilities_for("X101VE")
    assert caps.reports_power_in_watts
    assert caps.charge_durations_in_minutes
    assert not caps.supports("location")


def test_unknown_model_gets_default_definitions() -> None:
    caps = capabilities_for("ZZZ999")
    assert not caps.documented
    route = caps.route("charge-start")
    assert route is not None
    assert route.id == "charge-start"
    assert caps.supports("battery-status")
    assert not caps.supports("charge-pause")


@pytest.mark.parametrize("model", MODEL_CODES)
def test_every_model_supports_cockpit_and_knows_every_key(model: str) -> None:
    caps = capabilities_for(model)
    assert caps.supports("cockpit")
    assert set(caps.routes) >= {e.key for e in ENDPOINTS.values()}


def test_there_are_thirty_locales_with_country_from_the_last_two_letters() -> None:
    assert len(LOCALES) == 30
    assert LOCALES["en_GB"].country == "GB"
    assert LOCALES["es_MX"].gigya_url == "https://accounts.us1.gigya.com"
    assert LOCALES["en_AU"].kamereon_url == "https://api-wired-prod-1-apn1.wrd-aws.com"


def test_overrides_win_over_the_table_and_keep_path_prefixes() -> None:
    cfg = resolve_locale(
        "fr_FR",
        LocaleOverrides(gigya_url="http://127.0.0.1:8080/gigya/", kamereon_url="http://127.0.0.1:8080/k"),
    )
    assert cfg.gigya_url == "http://127.0.0.1:8080/gigya"
    assert cfg.kamereon_url == "http://127.0.0.1:8080/k"
    assert cfg.gigya_api_key == LOCALES["fr_FR"].gigya_api_key
    assert cfg.country == "FR"


def test_unknown_locale_without_overrides_is_refused() -> None:
    with pytest.raises(UnknownLocale):
        resolve_locale("xx_YY")
    cfg = resolve_locale("xx_YY", LocaleOverrides("http://g", "gk", "http://k", None))
    assert cfg.country == "YY"
