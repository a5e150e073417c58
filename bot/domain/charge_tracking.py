"""The one charge tracker: what counts as charging, where a charge starts and ends, once per vehicle.

The poll follows each new reading with `follow` on the tracker kept in the vehicle's poll memory (one per
vehicle, stored with its state, so every replica continues it); the resulting `ChargeStep` is handed to each
chat's diff (the pings: "charge complete, from 42 %") and to the history feature (the stored sessions), so a
ping and /history tell the same charge by construction (docs/architecture.md, "One charge, one tracker").
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import datetime

from bot.domain.models import ModelTraits
from bot.domain.phases import ChargePhase, phase_of
from bot.domain.snapshot import VehicleSnapshot


@dataclass(frozen=True, slots=True)
class ChargeInProgress:
    """A charge: when the car first reported it, and from which level and energy counter it started."""

    started_at: datetime
    start_level: int | None
    start_energy_kwh: float | None = None


@dataclass(frozen=True, slots=True)
class ChargeTracker:
    """The vehicle's tracker: the last reading it followed (time, level, energy counter, whether it showed a
    charge) and the latest charge, in progress or ended (`ended_at`)."""

    seen_at: datetime | None = None
    level: int | None = None
    energy_kwh: float | None = None
    was_charging: bool | None = None
    charge: ChargeInProgress | None = None
    ended_at: datetime | None = None

    @property
    def in_progress(self) -> ChargeInProgress | None:
        """The charge in progress, if any."""
        return self.charge if self.ended_at is None else None


@dataclass(frozen=True, slots=True)
class ChargeStep:
    """The vehicle's charge around one reading: in progress before it, in progress after it, and the latest
    charge (the one just ended, or one a chat's held-back reading has not ended yet for that chat)."""

    before: ChargeInProgress | None = None
    after: ChargeInProgress | None = None
    latest: ChargeInProgress | None = None
    # False for a reading not newer than the last one followed: the step is no news (nothing to store).
    followed: bool = True

    @property
    def started(self) -> bool:
        """Whether this reading started a charge."""
        return self.after is not None and self.after != self.before

    @property
    def ended(self) -> ChargeInProgress | None:
        """The charge this reading ended, if any."""
        return self.before if self.before is not None and self.after != self.before else None


def charging(snapshot: VehicleSnapshot, traits: ModelTraits) -> bool | None:
    """Whether a reading shows a charge in progress, with the model's meaning of the codes; None when the
    reading says nothing (an unknown phase is no news: a charge in progress stays in progress)."""
    return charging_in(phase_of(snapshot, traits))


def charging_in(phase: ChargePhase) -> bool | None:
    """Whether a reading of this phase shows a charge in progress; None for an unknown phase (no news)."""
    if phase is ChargePhase.UNKNOWN:
        return None
    return phase is ChargePhase.CHARGING


def follow(
    tracker: ChargeTracker, reading: VehicleSnapshot, phase: ChargePhase
) -> tuple[ChargeTracker, ChargeStep]:
    """The tracker after `reading` (`phase`: its phase, `phase_of` with the model's traits, read once per
    reading by the poll), and the step it made; a reading not newer than the last followed one changes
    nothing (the car sent the same report again)."""
    current = tracker.in_progress
    at = reading.reported_at
    if at is None or (tracker.seen_at is not None and at <= tracker.seen_at):
        return tracker, ChargeStep(current, current, tracker.charge, followed=False)
    now = charging_in(phase)
    seen = dataclasses.replace(
        tracker,
        seen_at=at,
        level=reading.battery_level if reading.battery_level is not None else tracker.level,
        energy_kwh=reading.available_energy_kwh,
        was_charging=tracker.was_charging if now is None else now,
    )
    if now is None or (now and current is not None):
        return seen, ChargeStep(current, current, tracker.charge)
    if now:
        start = _start(tracker, reading, at)
        return dataclasses.replace(seen, charge=start, ended_at=None), ChargeStep(None, start, start)
    if current is not None:
        return dataclasses.replace(seen, ended_at=at), ChargeStep(current, None, current)
    return seen, ChargeStep(None, None, tracker.charge)


def _start(tracker: ChargeTracker, first: VehicleSnapshot, at: datetime) -> ChargeInProgress:
    # The charge began after the last reading followed, so it started from that reading's level and counter;
    # from the first charging reading's own when there was none (the car's first reading ever already
    # charging) or it was charging already (a start not seen).
    if tracker.seen_at is None or tracker.was_charging:
        return ChargeInProgress(at, first.battery_level, first.available_energy_kwh)
    level = tracker.level if tracker.level is not None else first.battery_level
    return ChargeInProgress(at, level, tracker.energy_kwh)
