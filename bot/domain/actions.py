"""The actions table: every button/command a chat can send to a car, as data.

Endpoint keys are the logical keys of `bot.renault.endpoints` (`hvac-start`, `charge-start`, ...), which is
also what `Capabilities.supported` holds. A row is shown when the car supports one of its endpoints, the
chat's rights (its role) allow it and the car's current state makes it meaningful.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from enum import Enum
from types import MappingProxyType

from bot.domain.models import DEFAULT_TRAITS, ModelTraits
from bot.domain.phases import ChargePhase, phase_of
from bot.domain.snapshot import ChargeMode, ChargeState, VehicleSnapshot
from bot.domain.vehicle import Capabilities, Right


class ActionKind(Enum):
    """Everything a chat can ask of a car."""

    REFRESH = "refresh"
    PRECONDITION = "precondition"
    PRECONDITION_STOP = "precondition_stop"
    CHARGE_START = "charge_start"
    CHARGE_STOP = "charge_stop"
    CHARGE_PAUSE = "charge_pause"
    CHARGE_RESUME = "charge_resume"
    CHARGE_MODE = "charge_mode"
    CHARGE_LIMITS = "charge_limits"
    LOCATION = "location"
    SCHEDULE = "schedule"
    HORN = "horn"
    LIGHTS = "lights"


@dataclass(frozen=True, slots=True)
class Confirmation:
    """What a later car report must show to confirm an action, and how long to wait for it."""

    within: timedelta
    phases: frozenset[ChargePhase] = frozenset()
    hvac_on: bool | None = None
    any_newer_report: bool = False

    def confirmed_by(self, snapshot: VehicleSnapshot, phase: ChargePhase) -> bool:
        """Whether this reading shows the expected state (the caller checks it is newer than the send)."""
        if self.any_newer_report:
            return True
        if self.phases and phase in self.phases:
            return True
        return self.hvac_on is not None and snapshot.hvac_on is self.hvac_on


@dataclass(frozen=True, slots=True)
class ActionSpec:
    """One row of the actions table."""

    kind: ActionKind
    endpoints: tuple[str, ...]
    label_key: str
    right: Right = Right.COMMAND
    confirmation: Confirmation | None = None
    ask_twice: bool = False
    needs_electric: bool = False


_NOT_CHARGING = frozenset(
    {
        ChargePhase.PLUGGED_IDLE,
        ChargePhase.WAITING_FOR_SCHEDULE,
        ChargePhase.COMPLETE,
        ChargePhase.UNPLUGGED,
        ChargePhase.ERROR,
    }
)
_CHARGING = frozenset({ChargePhase.CHARGING})

_TABLE: tuple[ActionSpec, ...] = (
    ActionSpec(
        ActionKind.REFRESH,
        (),
        "action.refresh",
        right=Right.READ,
        confirmation=Confirmation(timedelta(minutes=10), any_newer_report=True),
    ),
    ActionSpec(
        ActionKind.PRECONDITION,
        ("hvac-start",),
        "action.precondition",
        confirmation=Confirmation(timedelta(minutes=10), hvac_on=True),
    ),
    ActionSpec(
        ActionKind.PRECONDITION_STOP,
        ("hvac-stop",),
        "action.precondition_stop",
        confirmation=Confirmation(timedelta(minutes=10), hvac_on=False),
    ),
    ActionSpec(
        ActionKind.CHARGE_START,
        ("charge-start",),
        "action.charge_start",
        confirmation=Confirmation(timedelta(minutes=10), phases=_CHARGING),
        needs_electric=True,
    ),
    ActionSpec(
        ActionKind.CHARGE_STOP,
        ("charge-stop",),
        "action.charge_stop",
        confirmation=Confirmation(timedelta(minutes=10), phases=_NOT_CHARGING),
        needs_electric=True,
    ),
    ActionSpec(
        ActionKind.CHARGE_PAUSE,
        ("charge-pause",),
        "action.charge_pause",
        confirmation=Confirmation(timedelta(minutes=10), phases=_NOT_CHARGING),
        needs_electric=True,
    ),
    ActionSpec(
        ActionKind.CHARGE_RESUME,
        ("charge-resume",),
        "action.charge_resume",
        confirmation=Confirmation(timedelta(minutes=10), phases=_CHARGING),
        needs_electric=True,
    ),
    ActionSpec(ActionKind.CHARGE_MODE, ("charge-set-mode",), "action.charge_mode", needs_electric=True),
    ActionSpec(ActionKind.CHARGE_LIMITS, ("soc-levels-set",), "action.charge_limits", needs_electric=True),
    ActionSpec(ActionKind.LOCATION, ("location",), "action.location", right=Right.LOCATE),
    ActionSpec(
        ActionKind.SCHEDULE,
        ("charging-settings", "charge-schedule"),
        "action.schedule",
        needs_electric=True,
    ),
    ActionSpec(ActionKind.HORN, ("horn-start",), "action.horn", ask_twice=True),
    ActionSpec(ActionKind.LIGHTS, ("lights-start",), "action.lights"),
)

ACTIONS: Mapping[ActionKind, ActionSpec] = MappingProxyType({spec.kind: spec for spec in _TABLE})
"""Every action by kind, in display order."""


def spec_of(kind: ActionKind) -> ActionSpec:
    """The table row of an action."""
    return ACTIONS[kind]


def confirmation_for(kind: ActionKind, traits: ModelTraits) -> Confirmation | None:
    """How the car confirms this action on this model; None when no reading can confirm it."""
    confirmation = ACTIONS[kind].confirmation
    if confirmation is not None and confirmation.hvac_on is not None and not traits.reports_hvac_state:
        return None  # Zoe phase 1 always reports HVAC off: waiting would only produce a false alarm.
    return confirmation


def confirmation_deadline(kind: ActionKind, traits: ModelTraits, sent_at: datetime) -> datetime | None:
    """When an action sent at `sent_at` counts as not confirmed; None when it is never awaited."""
    confirmation = confirmation_for(kind, traits)
    return None if confirmation is None else sent_at + confirmation.within


# Where a car has both, one Start/Stop button is enough: pause/resume do the same on those cars.
_SUPERSEDED_BY: Mapping[ActionKind, str] = MappingProxyType(
    {ActionKind.CHARGE_RESUME: "charge-start", ActionKind.CHARGE_PAUSE: "charge-stop"}
)


def _meaningful(kind: ActionKind, snapshot: VehicleSnapshot | None, phase: ChargePhase) -> bool:
    # State rules: only offer what the car's current state makes sensible. Unknown state offers both.
    if kind in (ActionKind.CHARGE_START, ActionKind.CHARGE_RESUME):
        return phase in (ChargePhase.PLUGGED_IDLE, ChargePhase.WAITING_FOR_SCHEDULE, ChargePhase.ERROR) or (
            phase is ChargePhase.UNKNOWN and snapshot is None
        )
    if kind in (ActionKind.CHARGE_STOP, ActionKind.CHARGE_PAUSE):
        return phase is ChargePhase.CHARGING or (phase is ChargePhase.UNKNOWN and snapshot is None)
    if kind is ActionKind.PRECONDITION_STOP:
        return snapshot is None or snapshot.hvac_on is not False
    return True


def available_actions(
    capabilities: Capabilities,
    rights: frozenset[Right],
    snapshot: VehicleSnapshot | None,
    traits: ModelTraits = DEFAULT_TRAITS,
) -> list[ActionKind]:
    """The actions to offer now, in table order: supported by the car, allowed to the chat, sensible now."""
    phase = ChargePhase.UNKNOWN if snapshot is None else phase_of(snapshot, traits)
    offered: list[ActionKind] = []
    for spec in _TABLE:
        if spec.right not in rights:
            continue
        if spec.needs_electric and not traits.is_electric:
            continue
        if spec.endpoints and not any(capabilities.supports(key) for key in spec.endpoints):
            continue
        if spec.kind in _SUPERSEDED_BY and capabilities.supports(_SUPERSEDED_BY[spec.kind]):
            continue
        if _meaningful(spec.kind, snapshot, phase):
            offered.append(spec.kind)
    return offered


# What Renault accepting an action means for the car's state until the car reports again.
_CHARGE_AFTER: Mapping[ActionKind, ChargeState] = MappingProxyType(
    {
        ActionKind.CHARGE_START: ChargeState.CHARGE_IN_PROGRESS,
        ActionKind.CHARGE_RESUME: ChargeState.CHARGE_IN_PROGRESS,
        ActionKind.CHARGE_STOP: ChargeState.NOT_IN_CHARGE,
        ActionKind.CHARGE_PAUSE: ChargeState.NOT_IN_CHARGE,
    }
)


def as_requested(
    snapshot: VehicleSnapshot,
    kind: ActionKind,
    *,
    scheduled: bool = False,
    charge_mode: ChargeMode | None = None,
) -> VehicleSnapshot:
    """The known state with an accepted action applied, so the buttons after it offer its undo, not itself."""
    if kind in _CHARGE_AFTER:
        return replace(snapshot, charge=_CHARGE_AFTER[kind])
    if kind is ActionKind.PRECONDITION and not scheduled:
        return replace(snapshot, hvac_on=True)
    if kind is ActionKind.PRECONDITION_STOP:
        return replace(snapshot, hvac_on=False)
    if kind is ActionKind.CHARGE_MODE and charge_mode is not None:
        return replace(snapshot, charge_mode=charge_mode)
    return snapshot
