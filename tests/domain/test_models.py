"""The car model table: known codes, hybrids, quirks and the fallback for unknown codes."""

from __future__ import annotations

import pytest

from bot.domain.models import DEFAULT_TRAITS, MODELS, Powertrain, energy_added_kwh, traits_for
from bot.renault.capabilities import MODEL_CODES

# The codes the Renault client's capability table knows: every one needs domain traits.
PROTOCOL_CODES = list(MODEL_CODES)


@pytest.mark.parametrize("code", PROTOCOL_CODES)
def test_every_model_code_of_the_reference_is_in_the_table(code: str) -> None:
    traits = traits_for(code)
    assert traits.known
    assert traits.code == code
    assert traits.name


@pytest.mark.parametrize(
    ("code", "electric", "error_means_idle", "limits", "capacity"),
    [
        ("X101VE", True, True, False, 41.0),
        ("X102VE", True, False, False, 52.0),
        ("XBG1VE", True, False, False, 25.0),
        ("R5E1VE", True, False, True, 52.0),
        ("XCB1VE", True, False, True, 60.0),
        ("XHN1SU", False, False, False, None),
        ("XJA1VP", False, False, False, None),
        ("XJF2BI", False, False, False, None),
    ],
)
def test_model_table_rows(
    code: str, electric: bool, error_means_idle: bool, limits: bool, capacity: float | None
) -> None:
    traits = traits_for(code)
    assert traits.is_electric is electric
    assert traits.charge_error_means_not_charging is error_means_idle
    assert traits.supports_charge_limits is limits
    assert traits.usable_capacity_kwh == capacity


@pytest.mark.parametrize(
    ("code", "smallest", "drive", "charge"),
    [
        ("X101VE", 22.0, 80.0, 43.0),
        ("X102VE", 52.0, 100.0, 50.0),
        ("X071VE", 21.4, 60.0, 22.0),
        ("XBG1VE", 25.0, 48.0, 30.0),
        ("XCB1VE", 40.0, 160.0, 130.0),
        ("XCB1SE", 60.0, 160.0, 150.0),
        ("R5E1VE", 40.0, 110.0, 100.0),
        ("A4E1VE", 40.0, 110.0, 100.0),
        ("XDD1VE", 52.0, 105.0, 130.0),
    ],
)
def test_physical_limits_take_the_most_permissive_version(
    code: str, smallest: float, drive: float, charge: float
) -> None:
    traits = traits_for(code)
    assert (traits.smallest_capacity_kwh, traits.peak_drive_kw, traits.fastest_charge_kw) == (
        smallest,
        drive,
        charge,
    )


def test_every_battery_electric_model_has_physical_limits() -> None:
    for traits in MODELS.values():
        if traits.powertrain is Powertrain.BEV:
            assert traits.usable_capacity_kwh is not None
            assert traits.smallest_capacity_kwh is not None
            assert traits.smallest_capacity_kwh <= traits.usable_capacity_kwh
            assert traits.peak_drive_kw is not None
            assert traits.fastest_charge_kw is not None
            assert traits.default_ac_power_kw is not None
            assert traits.fastest_charge_kw >= traits.default_ac_power_kw


def test_only_zoe_phase_one_reads_charge_error_as_not_charging() -> None:
    assert [t.code for t in MODELS.values() if t.charge_error_means_not_charging] == ["X101VE"]


def test_zoe_phase_one_cannot_report_hvac_state() -> None:
    assert traits_for("X101VE").reports_hvac_state is False
    assert traits_for("X102VE").reports_hvac_state is True


def test_hybrids_and_combustion_cars_cannot_start_a_charge() -> None:
    for traits in MODELS.values():
        if traits.powertrain in (Powertrain.HEV, Powertrain.ICE):
            assert not traits.is_electric
            assert not traits.can_start_charge


@pytest.mark.parametrize("code", [None, "", "ZZZ9ZZ"])
def test_unknown_codes_get_electric_defaults(code: str | None) -> None:
    traits = traits_for(code)
    assert not traits.known
    assert traits.is_electric
    assert traits.usable_capacity_kwh == DEFAULT_TRAITS.usable_capacity_kwh
    assert traits.code == (code or "")


def test_lookup_ignores_case_and_padding() -> None:
    assert traits_for(" x102ve ").code == "X102VE"


def test_energy_added_uses_usable_capacity() -> None:
    assert energy_added_kwh(traits_for("X102VE"), 20, 80) == 31.2
    assert energy_added_kwh(traits_for("X102VE"), 80, 80) == 0.0
    assert energy_added_kwh(traits_for("UNKNOWN"), 20, 80) is None
