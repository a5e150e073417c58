"""A deferred ping holds while the car's stored state says it, with the charge tracker's "charging"."""

from __future__ import annotations

import pytest

from bot.domain.phases import ChargePhase, phase_named
from bot.domain.preferences import NotificationKind
from bot.domain.snapshot import ChargeState, PlugState, VehicleSnapshot
from bot.features.notifications.logic import still_holds

PLUGGED = VehicleSnapshot("VIN", plug=PlugState.PLUGGED, charge=ChargeState.CHARGE_IN_PROGRESS)


@pytest.mark.parametrize(
    ("kind", "phase", "holds"),
    [
        (NotificationKind.CHARGE_STARTED, ChargePhase.CHARGING, True),
        (NotificationKind.CHARGE_STARTED, ChargePhase.COMPLETE, False),
        # An unknown phase is no news: the ping is not dropped for it.
        (NotificationKind.CHARGE_STARTED, ChargePhase.UNKNOWN, True),
        (NotificationKind.CHARGE_STARTED, None, True),
        (NotificationKind.PLUGGED_NOT_CHARGING, ChargePhase.PLUGGED_IDLE, True),
        (NotificationKind.PLUGGED_NOT_CHARGING, ChargePhase.CHARGING, False),
        (NotificationKind.LOW_BATTERY, ChargePhase.CHARGING, False),
        (NotificationKind.LOW_BATTERY, ChargePhase.UNPLUGGED, True),
        (NotificationKind.CHARGE_COMPLETE, ChargePhase.UNPLUGGED, True),
    ],
)
def test_a_passing_state_holds_while_the_stored_phase_says_it(
    kind: NotificationKind, phase: ChargePhase | None, holds: bool
) -> None:
    assert still_holds(kind, PLUGGED, phase) is holds


def test_the_phase_follows_the_models_meaning_not_the_raw_code() -> None:
    # V2G charging is a charge (the stored phase says so), though its code is not CHARGE_IN_PROGRESS.
    v2g = VehicleSnapshot("VIN", plug=PlugState.PLUGGED, charge=ChargeState.V2G_CHARGING_NORMAL)
    assert still_holds(NotificationKind.CHARGE_STARTED, v2g, ChargePhase.CHARGING)
    assert not still_holds(NotificationKind.LOW_BATTERY, v2g, ChargePhase.CHARGING)


def test_a_stored_phase_name_reads_back_and_an_unknown_one_is_none() -> None:
    assert phase_named("charging") is ChargePhase.CHARGING
    assert phase_named("renamed_long_ago") is None
    assert phase_named(None) is None
