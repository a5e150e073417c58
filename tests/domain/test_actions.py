"""The actions table: what is offered to whom, and how actions are confirmed."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.domain.actions import (
    ACTIONS,
    ActionKind,
    available_actions,
    confirmation_deadline,
    confirmation_for,
)
from bot.domain.models import traits_for
from bot.domain.phases import ChargePhase
from bot.domain.snapshot import ChargeState, PlugState, VehicleSnapshot
from bot.domain.vehicle import Capabilities, Right, Role

EVERYTHING = Capabilities(
    frozenset(
        {
            "hvac-start",
            "hvac-stop",
            "charge-start",
            "charge-stop",
            "charge-set-mode",
            "soc-levels-set",
            "location",
            "charging-settings",
            "horn-start",
            "lights-start",
        }
    )
)
ZOE_50 = traits_for("X102VE")


OWNER = Role.OWNER.rights(location_shared=False)
DRIVER = Role.DRIVER.rights(location_shared=False)
VIEWER = Role.VIEWER.rights(location_shared=False)


def snap(plug: PlugState, charge: ChargeState, hvac_on: bool | None = False) -> VehicleSnapshot:
    return VehicleSnapshot(vin="V", plug=plug, charge=charge, hvac_on=hvac_on)


PLUGGED_IDLE = snap(PlugState.PLUGGED, ChargeState.NOT_IN_CHARGE)
CHARGING = snap(PlugState.PLUGGED, ChargeState.CHARGE_IN_PROGRESS)
UNPLUGGED = snap(PlugState.UNPLUGGED, ChargeState.NOT_IN_CHARGE)


def test_every_kind_has_a_row_with_an_i18n_label() -> None:
    assert set(ACTIONS) == set(ActionKind)
    assert all(spec.label_key.startswith("action.") for spec in ACTIONS.values())


def test_start_charge_only_when_plugged_and_not_charging() -> None:
    assert ActionKind.CHARGE_START in available_actions(EVERYTHING, OWNER, PLUGGED_IDLE, ZOE_50)
    assert ActionKind.CHARGE_STOP not in available_actions(EVERYTHING, OWNER, PLUGGED_IDLE, ZOE_50)
    assert ActionKind.CHARGE_START not in available_actions(EVERYTHING, OWNER, UNPLUGGED, ZOE_50)


def test_stop_charge_only_when_charging() -> None:
    offered = available_actions(EVERYTHING, OWNER, CHARGING, ZOE_50)
    assert ActionKind.CHARGE_STOP in offered
    assert ActionKind.CHARGE_START not in offered


def test_viewers_only_get_read_actions() -> None:
    offered = available_actions(EVERYTHING, VIEWER, PLUGGED_IDLE, ZOE_50)
    assert offered == [ActionKind.REFRESH]


def test_viewers_get_the_location_when_the_owner_shares_it() -> None:
    rights = Role.VIEWER.rights(location_shared=True)
    offered = available_actions(EVERYTHING, rights, PLUGGED_IDLE, ZOE_50)
    assert offered == [ActionKind.REFRESH, ActionKind.LOCATION]


def test_drivers_get_commands_and_the_location_but_not_management() -> None:
    rights = Role.DRIVER.rights(location_shared=False)
    offered = available_actions(EVERYTHING, rights, PLUGGED_IDLE, ZOE_50)
    assert ActionKind.LOCATION in offered
    assert ActionKind.CHARGE_START in offered
    assert Right.MANAGE not in rights
    assert Right.MANAGE in OWNER


def test_unsupported_endpoints_hide_their_actions() -> None:
    offered = available_actions(Capabilities(), OWNER, PLUGGED_IDLE, ZOE_50)
    assert offered == [ActionKind.REFRESH]


def test_pause_resume_only_where_start_stop_are_missing() -> None:
    spring = Capabilities(frozenset({"charge-pause", "charge-resume"}))
    assert ActionKind.CHARGE_RESUME in available_actions(spring, DRIVER, PLUGGED_IDLE, ZOE_50)
    both = Capabilities(frozenset({"charge-start", "charge-resume"}))
    offered = available_actions(both, DRIVER, PLUGGED_IDLE, ZOE_50)
    assert ActionKind.CHARGE_START in offered
    assert ActionKind.CHARGE_RESUME not in offered


def test_precondition_stop_hidden_when_hvac_is_off() -> None:
    assert ActionKind.PRECONDITION_STOP not in available_actions(EVERYTHING, OWNER, UNPLUGGED, ZOE_50)
    running = snap(PlugState.UNPLUGGED, ChargeState.NOT_IN_CHARGE, hvac_on=True)
    assert ActionKind.PRECONDITION_STOP in available_actions(EVERYTHING, OWNER, running, ZOE_50)


def test_hybrids_get_no_charge_actions() -> None:
    offered = available_actions(EVERYTHING, OWNER, PLUGGED_IDLE, traits_for("XHN1SU"))
    assert not {ActionKind.CHARGE_START, ActionKind.SCHEDULE, ActionKind.CHARGE_LIMITS} & set(offered)


def test_no_snapshot_offers_both_start_and_stop() -> None:
    offered = available_actions(EVERYTHING, OWNER, None, ZOE_50)
    assert {ActionKind.CHARGE_START, ActionKind.CHARGE_STOP} <= set(offered)


@pytest.mark.parametrize(
    ("kind", "reading", "phase", "confirmed"),
    [
        (ActionKind.CHARGE_START, CHARGING, ChargePhase.CHARGING, True),
        (ActionKind.CHARGE_START, PLUGGED_IDLE, ChargePhase.PLUGGED_IDLE, False),
        (ActionKind.CHARGE_STOP, PLUGGED_IDLE, ChargePhase.PLUGGED_IDLE, True),
        (
            ActionKind.PRECONDITION,
            snap(PlugState.UNPLUGGED, ChargeState.UNKNOWN, True),
            ChargePhase.UNPLUGGED,
            True,
        ),
        (ActionKind.PRECONDITION, UNPLUGGED, ChargePhase.UNPLUGGED, False),
        (ActionKind.PRECONDITION_STOP, UNPLUGGED, ChargePhase.UNPLUGGED, True),
        (ActionKind.REFRESH, UNPLUGGED, ChargePhase.UNPLUGGED, True),
    ],
)
def test_confirmation_rules(
    kind: ActionKind, reading: VehicleSnapshot, phase: ChargePhase, confirmed: bool
) -> None:
    confirmation = confirmation_for(kind, ZOE_50)
    assert confirmation is not None
    assert confirmation.confirmed_by(reading, phase) is confirmed


def test_actions_without_a_readable_outcome_are_not_awaited() -> None:
    sent = datetime(2026, 1, 1, tzinfo=UTC)
    assert confirmation_deadline(ActionKind.SCHEDULE, ZOE_50, sent) is None
    assert confirmation_deadline(ActionKind.PRECONDITION, traits_for("X101VE"), sent) is None
    assert confirmation_deadline(ActionKind.CHARGE_START, ZOE_50, sent) == sent + timedelta(minutes=10)
