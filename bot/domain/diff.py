"""Turn (what we remembered, the new reading) into notifications, TeslaMate-style: only on real changes.

Per-chat design: `diff` is called once per (vehicle, subscribed chat), each chat with its own `TrackedState`
and its own `NotificationPreferences`. Low-battery crossings with hysteresis, the virtual target, the plug
reminder and pending actions are therefore per chat by construction (each chat's `low_battery_armed`
follows its own threshold), and a chat that subscribes later starts fresh (its first reading only
initialises). The result is deterministic, so running it per chat costs nothing in consistency: every chat
sees the same phase transitions with the same dedup keys. Services store the states per chat, e.g.
`{str(chat_id): state.to_json()}` in the vehicle's memory. The charge itself (its start, level, energy) is the
vehicle's, followed once by its charge tracker (`bot.domain.charge_tracking`), whose step each chat's diff is
handed: every chat and /history tell the same charge.

Rules:
* Reading events come only from a car report time newer than every one seen; stale or equal times never
  notify.
* The first reading ever only initialises the memory.
* An implausible reading (a jump to 100 % with an unchanged range, a drop faster than the model can drive,
  a rise without charging faster than it can charge: `bot.domain.plausibility`) is held back; a second
  newer reading agreeing with it (within 3 points) releases it, a disagreeing one discards it.
* Timers (plugged-not-charging grace, plug reminder, action deadlines) use `now` on the last accepted
  reading, so they fire even when the car stays silent; their dedup keys make them once-only.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta, tzinfo
from typing import Any

from bot.domain.actions import ActionKind, confirmation_deadline, confirmation_for
from bot.domain.charge_tracking import ChargeInProgress, ChargeStep
from bot.domain.codec import CodecError, decode, encode
from bot.domain.events import (
    ActionConfirmed,
    ActionNotConfirmed,
    Event,
    LowBattery,
    PluggedNotCharging,
    PlugReminder,
    PreconditioningConfirmed,
    TargetReached,
    answers_user,
)
from bot.domain.health import ServiceHealth, ServiceStatus, service_events
from bot.domain.models import ModelTraits
from bot.domain.phases import ChargePhase
from bot.domain.plausibility import implausible
from bot.domain.preferences import NotificationPreferences
from bot.domain.snapshot import VehicleSnapshot
from bot.domain.transitions import FULL_LEVEL, phase_events

LOW_BATTERY_HYSTERESIS = 5
PLUGGED_GRACE = timedelta(minutes=15)
REMINDER_WINDOW = timedelta(hours=3)
CONFIRM_TOLERANCE = 3
# Car clocks and ours differ a little; a report this much older than the send may still reflect it.
CLOCK_SKEW = timedelta(minutes=2)
_FORMAT = 1


@dataclass(frozen=True, slots=True)
class PendingAction:
    """An action a chat sent, waiting for the car to report the expected state."""

    action: ActionKind
    reference: str
    sent_at: datetime
    deadline: datetime


@dataclass(frozen=True, slots=True)
class TrackedState:
    """The memory between two polls for one (vehicle, chat)."""

    snapshot: VehicleSnapshot | None = None
    phase: ChargePhase = ChargePhase.UNKNOWN
    target_notified: bool = False
    low_battery_armed: bool = True
    plugged_since: datetime | None = None
    idle_since: datetime | None = None
    idle_notified: bool = False
    pending: VehicleSnapshot | None = None
    actions: tuple[PendingAction, ...] = ()
    last_reminder_date: date | None = None
    last_seen_at: datetime | None = None

    def to_json(self) -> dict[str, Any]:
        """A JSON-compatible dict of this state, versioned."""
        data: dict[str, Any] = encode(self)
        data["format"] = _FORMAT
        return data

    @classmethod
    def from_json(cls, data: object) -> TrackedState:
        """Rebuild a stored state; a corrupt, foreign or old-format value gives a fresh state."""
        if not isinstance(data, dict) or data.get("format") != _FORMAT:
            return cls()
        try:
            state: TrackedState = decode(cls, {k: v for k, v in data.items() if k != "format"})
        except CodecError:
            return cls()
        return state

    def expect(
        self, action: ActionKind, reference: str, sent_at: datetime, traits: ModelTraits
    ) -> TrackedState:
        """Remember an accepted action so a later reading confirms it (or its deadline reports it)."""
        deadline = confirmation_deadline(action, traits, sent_at)
        if deadline is None:
            return self
        kept = tuple(a for a in self.actions if a.action is not action)
        return replace(self, actions=(*kept, PendingAction(action, reference, sent_at, deadline)))


@dataclass(frozen=True, slots=True)
class DiffResult:
    """The new memory and the events to deliver to this chat."""

    state: TrackedState
    events: list[Event] = field(default_factory=list)


def diff(
    previous: TrackedState,
    current: VehicleSnapshot,
    preferences: NotificationPreferences,
    traits: ModelTraits,
    now: datetime,
    *,
    charge: ChargeStep,
    phase: ChargePhase,
    zone: tzinfo = UTC,
) -> DiffResult:
    """Compare a new reading with the memory of one chat; `charge` is the vehicle's charge around the reading
    (its one tracker, `bot.domain.charge_tracking.follow`), `phase` the reading's phase (`phase_of`, read once
    per reading by the poll), `zone` the chat's time zone (plug reminder)."""
    state, events = previous, list[Event]()
    newer = current.reported_at is not None and (
        state.last_seen_at is None or current.reported_at > state.last_seen_at
    )
    if newer:
        state = replace(state, last_seen_at=current.reported_at)
        if state.snapshot is None:
            state = _initialise(state, current, phase, preferences)
        else:
            accepted, state = _screen(state, current, phase, traits)
            if accepted is not None:
                state, events = _accept(state, accepted, phase, preferences, traits, charge)
    state, outcomes = _settle_actions(state, current if newer else None, phase, traits, now)
    if any(isinstance(e, PreconditioningConfirmed) for e in outcomes):
        events = [e for e in events if not isinstance(e, PreconditioningConfirmed)]
    events += outcomes
    state, timed = _timers(state, preferences, now, zone)
    events += timed
    return DiffResult(state, [e for e in events if answers_user(e) or preferences.wants(e.kind)])


def _initialise(
    state: TrackedState, current: VehicleSnapshot, phase: ChargePhase, preferences: NotificationPreferences
) -> TrackedState:
    at = current.reported_at
    level = current.battery_level
    return replace(
        state,
        snapshot=current,
        phase=phase,
        low_battery_armed=level is None or level > preferences.low_battery_threshold,
        plugged_since=at if phase.is_plugged else None,
        # Already idle when first seen: we do not know for how long, so no "not charging" ping for it.
        idle_since=None,
        idle_notified=True,
    )


def _screen(
    state: TrackedState, current: VehicleSnapshot, phase: ChargePhase, traits: ModelTraits
) -> tuple[VehicleSnapshot | None, TrackedState]:
    """Hold back an implausible reading until a second one agrees; returns the reading to accept, if any."""
    assert state.snapshot is not None
    held = state.pending
    if (
        held is not None
        and held.battery_level is not None
        and current.battery_level is not None
        and abs(current.battery_level - held.battery_level) <= CONFIRM_TOLERANCE
    ):
        return current, replace(state, pending=None)
    if implausible(state.snapshot, current, state.phase, phase, traits):
        return None, replace(state, pending=current)
    return current, replace(state, pending=None)


def _accept(
    state: TrackedState,
    current: VehicleSnapshot,
    read_phase: ChargePhase,
    preferences: NotificationPreferences,
    traits: ModelTraits,
    charge: ChargeStep,
) -> tuple[TrackedState, list[Event]]:
    before = state.snapshot
    assert before is not None
    assert current.reported_at is not None
    at = current.reported_at
    phase = state.phase if read_phase is ChargePhase.UNKNOWN else read_phase
    events: list[Event] = []
    if traits.is_electric and phase is not state.phase and state.phase is not ChargePhase.UNKNOWN:
        ending = _ending(charge, before) if state.phase is ChargePhase.CHARGING else None
        events += phase_events(before, current, state.phase, phase, ending, traits)
    ongoing = (charge.after or charge.latest) if phase is ChargePhase.CHARGING else None
    state = _track_plug(state, phase, at)
    state = replace(state, target_notified=state.target_notified and ongoing is not None)
    state, low = _low_battery(state, current, preferences, traits)
    events += low
    state, target = _target(state, current, phase, ongoing, preferences, traits)
    events += target
    if traits.reports_hvac_state and current.hvac_on is True and before.hvac_on is False:
        events.append(
            PreconditioningConfirmed(
                current.vin, at, current.battery_level, None, current.outside_temperature_c
            )
        )
    return replace(state, snapshot=current, phase=phase), events


def _ending(charge: ChargeStep, before: VehicleSnapshot) -> ChargeInProgress | None:
    """The vehicle's charge a chat last saw in progress: the one open before this reading, or the latest one
    when the vehicle ended it at a reading the chat held back as implausible (not one started since)."""
    if charge.before is not None:
        return charge.before
    latest = charge.latest
    if latest is None or before.reported_at is None or latest.started_at > before.reported_at:
        return None
    return latest


def _track_plug(state: TrackedState, phase: ChargePhase, at: datetime) -> TrackedState:
    plugged_since = state.plugged_since
    if phase.is_plugged and not state.phase.is_plugged:
        plugged_since = at
    elif phase is ChargePhase.UNPLUGGED:
        plugged_since = None
    # The "not charging" timer runs only for a cable plugged in and never charging or waiting since.
    idle_since, notified = state.idle_since, state.idle_notified
    if phase is ChargePhase.PLUGGED_IDLE and state.phase is ChargePhase.UNPLUGGED:
        idle_since, notified = at, False
    elif phase is not ChargePhase.PLUGGED_IDLE:
        idle_since, notified = None, False
    return replace(state, plugged_since=plugged_since, idle_since=idle_since, idle_notified=notified)


def _low_battery(
    state: TrackedState, current: VehicleSnapshot, preferences: NotificationPreferences, traits: ModelTraits
) -> tuple[TrackedState, list[Event]]:
    level, at = current.battery_level, current.reported_at
    if level is None or at is None or not traits.is_electric:
        return state, []
    threshold = preferences.low_battery_threshold
    if state.low_battery_armed and level <= threshold:
        event = LowBattery(current.vin, at, level, threshold, current.range_km)
        return replace(state, low_battery_armed=False), [event]
    if not state.low_battery_armed and level >= threshold + LOW_BATTERY_HYSTERESIS:
        return replace(state, low_battery_armed=True), []
    return state, []


def _target(
    state: TrackedState,
    current: VehicleSnapshot,
    phase: ChargePhase,
    session: ChargeInProgress | None,
    preferences: NotificationPreferences,
    traits: ModelTraits,
) -> tuple[TrackedState, list[Event]]:
    target, level, at = preferences.target_level, current.battery_level, current.reported_at
    if target is None or level is None or at is None or session is None or state.target_notified:
        return state, []
    if phase is not ChargePhase.CHARGING or level < target:
        return state, []
    stop = preferences.stop_at_target and traits.can_stop_charge
    event = TargetReached(current.vin, at, level, target, session.started_at, stop_charge=stop)
    return replace(state, target_notified=True), [event]


def _settle_actions(
    state: TrackedState,
    reading: VehicleSnapshot | None,
    phase: ChargePhase,
    traits: ModelTraits,
    now: datetime,
) -> tuple[TrackedState, list[Event]]:
    if not state.actions:
        return state, []
    waiting: list[PendingAction] = []
    events: list[Event] = []
    known = reading if reading is not None else state.snapshot
    vin = known.vin if known is not None else ""
    level = state.snapshot.battery_level if state.snapshot is not None else None
    for pending in state.actions:
        outcome = _outcome(pending, reading, phase, traits, now, vin, level)
        if outcome is None:
            waiting.append(pending)
        else:
            events.append(outcome)
    return replace(state, actions=tuple(waiting)), events


def _outcome(
    pending: PendingAction,
    reading: VehicleSnapshot | None,
    phase: ChargePhase,
    traits: ModelTraits,
    now: datetime,
    vin: str,
    level: int | None,
) -> Event | None:
    confirmation = confirmation_for(pending.action, traits)
    at = reading.reported_at if reading is not None else None
    if (
        confirmation is not None
        and reading is not None
        and at is not None
        and at >= pending.sent_at - CLOCK_SKEW
        and confirmation.confirmed_by(reading, phase)
    ):
        if pending.action is ActionKind.PRECONDITION:
            return PreconditioningConfirmed(
                reading.vin, at, reading.battery_level, pending.reference, reading.outside_temperature_c
            )
        return ActionConfirmed(
            reading.vin, pending.action, pending.reference, pending.sent_at, at, reading.battery_level
        )
    if confirmation is None or now >= pending.deadline:
        return ActionNotConfirmed(
            vin, pending.action, pending.reference, pending.sent_at, pending.deadline, level
        )
    return None


def _timers(
    state: TrackedState, preferences: NotificationPreferences, now: datetime, zone: tzinfo
) -> tuple[TrackedState, list[Event]]:
    snapshot = state.snapshot
    if snapshot is None or snapshot.battery_level is None:
        return state, []
    events: list[Event] = []
    level = snapshot.battery_level
    if (
        state.phase is ChargePhase.PLUGGED_IDLE
        and state.idle_since is not None
        and not state.idle_notified
        and level < FULL_LEVEL
        and now - state.idle_since >= PLUGGED_GRACE
    ):
        events.append(PluggedNotCharging(snapshot.vin, state.idle_since, level))
        state = replace(state, idle_notified=True)
    day = _reminder_day(preferences, now, zone)
    if (
        day is not None
        and day != state.last_reminder_date
        and state.phase is ChargePhase.UNPLUGGED
        and level < preferences.reminder_below_level
    ):
        events.append(PlugReminder(snapshot.vin, day, level, preferences.reminder_below_level))
        state = replace(state, last_reminder_date=day)
    return state, events


def _reminder_day(preferences: NotificationPreferences, now: datetime, zone: tzinfo) -> date | None:
    """The local date whose reminder is due now (within the window after the reminder time), if any."""
    if preferences.reminder_time is None:
        return None
    local_now = now.astimezone(zone)
    for day in (local_now.date(), local_now.date() - timedelta(days=1)):
        due = datetime.combine(day, preferences.reminder_time, tzinfo=zone)
        if timedelta(0) <= now - due <= REMINDER_WINDOW:
            return day
    return None


__all__ = [
    "DiffResult",
    "PendingAction",
    "ServiceHealth",
    "ServiceStatus",
    "TrackedState",
    "diff",
    "service_events",
]
