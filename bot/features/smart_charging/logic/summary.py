"""What an owner is told about a smart-charging plan: the planner's figures reduced to plain values.

Both the interactive /smartcharge answer and the daily plan ping (an outbox event, stored as JSON) render
from this one shape, so the two always read the same.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.features.smart_charging.logic.planner import ChargePlan, PlanNote
from bot.features.smart_charging.logic.schedule import PlanKind, PlannedCharge


@dataclass(frozen=True, slots=True)
class PlanSummary:
    """A plan as shown: when, how much, what it costs and saves, and the notes the owner must know."""

    current_level: float
    currency: str
    notes: tuple[PlanNote, ...] = ()
    kind: PlanKind | None = None  # None: nothing to carry out (only notes)
    starts_at: datetime | None = None
    ends_at: datetime | None = None
    slot_count: int = 0
    energy_kwh: float | None = None
    cost: float | None = None
    saving: float | None = None
    target_level: int | None = None


def summarize(plan: ChargePlan, planned: PlannedCharge | None, current_level: float) -> PlanSummary:
    """The summary of a planner answer and what Confirm would carry out."""
    notes = tuple(note for note in PlanNote if note in plan.notes)
    currency = plan.currency or ""
    chosen = plan.window if plan.window is not None else plan.slots
    if planned is None or chosen is None:
        return PlanSummary(current_level, currency, notes)
    first, last = planned.intervals[0], planned.intervals[-1]
    saving = plan.saving(chosen)
    return PlanSummary(
        current_level,
        currency,
        notes,
        kind=planned.kind,
        starts_at=first.start,
        ends_at=first.end if planned.kind is PlanKind.WINDOW else last.end,
        slot_count=len(planned.intervals),
        energy_kwh=float(chosen.estimate.energy_kwh),
        cost=float(chosen.estimate.cost),
        saving=float(saving) if saving is not None and saving > 0 else None,
        target_level=planned.target_level,
    )
