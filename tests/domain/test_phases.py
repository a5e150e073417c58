"""Charge phases from plug and charging codes, per model."""

from __future__ import annotations

import pytest

from bot.domain.models import traits_for
from bot.domain.phases import ChargePhase, phase_of
from bot.domain.snapshot import ChargeState, PlugState, VehicleSnapshot

ZOE_40 = traits_for("X101VE")
ZOE_50 = traits_for("X102VE")


def snap(plug: PlugState, charge: ChargeState) -> VehicleSnapshot:
    return VehicleSnapshot(vin="VF1TEST", plug=plug, charge=charge)


@pytest.mark.parametrize(
    ("plug", "charge", "expected"),
    [
        (PlugState.UNPLUGGED, ChargeState.NOT_IN_CHARGE, ChargePhase.UNPLUGGED),
        (PlugState.UNPLUGGED, ChargeState.CHARGE_ERROR, ChargePhase.UNPLUGGED),
        (PlugState.UNPLUGGED, ChargeState.CHARGE_IN_PROGRESS, ChargePhase.UNPLUGGED),
        (PlugState.PLUGGED, ChargeState.NOT_IN_CHARGE, ChargePhase.PLUGGED_IDLE),
        (PlugState.PLUGGED, ChargeState.WAITING_FOR_PLANNED_CHARGE, ChargePhase.WAITING_FOR_SCHEDULE),
        (PlugState.PLUGGED, ChargeState.CHARGE_ENDED, ChargePhase.COMPLETE),
        (PlugState.PLUGGED, ChargeState.WAITING_FOR_CURRENT_CHARGE, ChargePhase.PLUGGED_IDLE),
        (PlugState.PLUGGED, ChargeState.CHARGE_IN_PROGRESS, ChargePhase.CHARGING),
        (PlugState.PLUGGED, ChargeState.V2G_CHARGING_NORMAL, ChargePhase.CHARGING),
        (PlugState.PLUGGED, ChargeState.V2L_CONNECTED, ChargePhase.PLUGGED_IDLE),
        (PlugState.PLUGGED, ChargeState.UNAVAILABLE, ChargePhase.UNKNOWN),
        (PlugState.PLUGGED, ChargeState.UNKNOWN, ChargePhase.UNKNOWN),
        (PlugState.PLUG_ERROR, ChargeState.NOT_IN_CHARGE, ChargePhase.ERROR),
        (PlugState.UNKNOWN, ChargeState.CHARGE_IN_PROGRESS, ChargePhase.CHARGING),
        (PlugState.UNKNOWN, ChargeState.NOT_IN_CHARGE, ChargePhase.UNKNOWN),
    ],
)
def test_phase_of_a_zoe_50(plug: PlugState, charge: ChargeState, expected: ChargePhase) -> None:
    assert phase_of(snap(plug, charge), ZOE_50) is expected


def test_charge_error_while_plugged_is_an_error_on_zoe_50() -> None:
    assert phase_of(snap(PlugState.PLUGGED, ChargeState.CHARGE_ERROR), ZOE_50) is ChargePhase.ERROR


def test_charge_error_while_plugged_only_means_idle_on_zoe_40() -> None:
    assert phase_of(snap(PlugState.PLUGGED, ChargeState.CHARGE_ERROR), ZOE_40) is ChargePhase.PLUGGED_IDLE


def test_hybrids_have_no_charge_phase() -> None:
    reading = snap(PlugState.PLUGGED, ChargeState.CHARGE_IN_PROGRESS)
    assert phase_of(reading, traits_for("XHN1SU")) is ChargePhase.UNKNOWN


def test_every_charge_state_has_a_phase_on_every_model() -> None:
    for plug in PlugState:
        for charge in ChargeState:
            for traits in (ZOE_40, ZOE_50, traits_for("R5E1VE"), traits_for("")):
                assert isinstance(phase_of(snap(plug, charge), traits), ChargePhase)


def test_plugged_phases() -> None:
    assert ChargePhase.CHARGING.is_plugged
    assert ChargePhase.WAITING_FOR_SCHEDULE.is_plugged
    assert not ChargePhase.UNPLUGGED.is_plugged
    assert not ChargePhase.UNKNOWN.is_plugged
