"""Charge schedules between the Renault client's slot values and the domain's programs."""

from __future__ import annotations

from bot.domain.schedule import ChargeProgram, ChargeSchedule, DaySlot, ScheduleMode, Weekday
from bot.renault import models as wire
from bot.renault.schedules import ChargeSchedules, ChargeScheduleSlot, DayPeriod

_MODES = {
    wire.RenaultChargeMode.ALWAYS: ScheduleMode.ALWAYS,
    wire.RenaultChargeMode.SCHEDULED: ScheduleMode.SCHEDULED,
    wire.RenaultChargeMode.DELAYED: ScheduleMode.DELAYED,
}


def to_domain(schedules: ChargeSchedules) -> ChargeSchedule:
    """The car's schedule as domain programs (one per slot, days in Monday-first order)."""
    programs = []
    for slot in schedules.slots:
        days: list[DaySlot | None] = []
        for day in Weekday:
            period = slot.days.get(day.name.lower())
            start = None if period is None else period.start.replace(tzinfo=None)  # UTC by convention
            days.append(None if period is None or start is None else DaySlot(start, period.duration_minutes))
        programs.append(ChargeProgram(slot.id, slot.activated, tuple(days)))
    return ChargeSchedule(_MODES.get(schedules.mode, ScheduleMode.ALWAYS), tuple(programs))


def to_wire(schedule: ChargeSchedule) -> list[ChargeScheduleSlot]:
    """Domain programs as the slots the Renault client writes."""
    slots = []
    for program in schedule.programs:
        days = {
            day.name.lower(): DayPeriod(slot.start_utc, slot.duration_minutes)
            for day, slot in zip(Weekday, program.days, strict=True)
            if slot is not None
        }
        slots.append(ChargeScheduleSlot(program.program_id, program.activated, days))
    return slots
