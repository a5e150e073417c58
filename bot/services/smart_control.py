"""Use case: carry out a smart-charge plan. Propose, Confirm (write the schedule or arm start/stop), Cancel
(restore the owner's schedule), and the start/stop executor run by a repeating job.

Every Renault call goes through `RenaultGateway.call`, so the per-account call budget and the error table
apply exactly as for a button tap. Rights are checked here, whatever a callback's payload says.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import replace
from datetime import datetime

from bot.domain.events import SmartChargeSwitched
from bot.domain.planner import ChargePlan
from bot.domain.schedule import ChargeSchedule, ScheduleMode
from bot.domain.smart_schedule import (
    KcmProgram,
    KcmSettings,
    PlanKind,
    PlannedCharge,
    SmartChargeState,
    SmartScheduleInvalid,
    desired_charging,
    kcm_window_settings,
    plan_finished,
    restorable,
    window_schedule,
)
from bot.domain.vehicle import Right
from bot.renault import models as wire
from bot.renault.ev_settings import EvSettingsWrite
from bot.renault.schedules import WEEKDAYS, ChargeProgram, ChargeSchedules
from bot.renault.vehicle import RenaultVehicle
from bot.services import schedule_mapping
from bot.services.errors import FeatureUnavailable, InvalidInput, ServiceError
from bot.services.gateway import RenaultGateway
from bot.services.linking import LinkingService
from bot.services.ports import Clock
from bot.services.smart_ports import SmartChargeStore
from bot.services.views import LinkedVehicle

log = logging.getLogger(__name__)

_TO_WIRE_MODE = {
    ScheduleMode.ALWAYS: wire.ChargeMode.ALWAYS,
    ScheduleMode.SCHEDULED: wire.ChargeMode.SCHEDULED,
}


class SmartChargeControl:
    """Propose, confirm and cancel smart-charge plans, and run armed start/stop plans."""

    def __init__(
        self, linking: LinkingService, gateway: RenaultGateway, store: SmartChargeStore, clock: Clock
    ) -> None:
        self._linking = linking
        self._gateway = gateway
        self._store = store
        self._clock = clock

    async def propose(
        self, chat_id: int, vehicle_id: int, plan: ChargePlan, target_level: int, ready_by: datetime
    ) -> PlannedCharge:
        """Keep the plan shown to the chat so Confirm carries out exactly that; a window wins over slots."""
        vehicle = await self._commander(chat_id, vehicle_id)
        if plan.window is not None:
            planned = PlannedCharge(
                PlanKind.WINDOW, (plan.window.window,), target_level, ready_by, self._clock()
            )
        elif plan.slots is not None:
            planned = PlannedCharge(
                PlanKind.SLOTS, plan.slots.intervals, target_level, ready_by, self._clock()
            )
        else:
            raise InvalidInput(["smart.error.no_plan"])
        state = await self._store.state(vehicle.vehicle_id) or SmartChargeState(vehicle.vehicle_id, chat_id)
        await self._store.save_state(replace(state, chat_id=chat_id, proposed=planned))
        return planned

    async def confirm(self, chat_id: int, vehicle_id: int) -> PlannedCharge:
        """Write the proposed window as the schedule (keeping the old one), or arm the start/stop plan."""
        vehicle = await self._commander(chat_id, vehicle_id)
        state = await self._store.state(vehicle.vehicle_id)
        if state is None or state.proposed is None:
            raise InvalidInput(["smart.error.nothing_to_confirm"])
        planned = state.proposed
        if plan_finished(planned.intervals, self._clock()):
            raise InvalidInput(["smart.error.plan_expired"])
        if planned.kind is PlanKind.WINDOW:
            state = await self._write_window(vehicle, state, planned)
        else:
            for feature in ("charge-start", "charge-stop"):
                if not vehicle.capabilities.supports(feature):
                    raise FeatureUnavailable(feature)
            state = replace(state, commanded=None)
        await self._store.save_state(replace(state, chat_id=chat_id, proposed=None, active=planned))
        log.info("smart plan %s confirmed for vehicle %s", planned.kind.value, vehicle.vehicle_id)
        return planned

    async def cancel(self, chat_id: int, vehicle_id: int) -> bool:
        """Drop the plans; restore the schedule (or stop a charge we started). True when the car was told."""
        vehicle = await self._commander(chat_id, vehicle_id)
        state = await self._store.state(vehicle.vehicle_id)
        told = False
        if state is not None and state.active is not None:
            stored = await self._gateway.stored(vehicle.vehicle_id)
            proxy = await self._gateway.vehicle(stored)
            if state.active.kind is PlanKind.WINDOW and state.previous_kcm is not None:
                await self._write_kcm(vehicle, proxy, state.previous_kcm)
                told = True
            elif state.active.kind is PlanKind.WINDOW and state.previous is not None:
                await self._write(vehicle, proxy, restorable(state.previous))
                told = True
            elif state.active.kind is PlanKind.SLOTS and state.commanded:
                await self._gateway.call(stored, proxy.stop_charge, "charge-stop")
                told = True
        await self._store.delete_state(vehicle.vehicle_id)
        return told

    async def run_due(self) -> list[tuple[int, SmartChargeSwitched]]:
        """Start or stop armed start/stop plans at their boundaries; returns each switch with its chat."""
        now = self._clock()
        told: list[tuple[int, SmartChargeSwitched]] = []
        for state in await self._store.armed():
            plan = state.active
            if plan is None:
                continue
            finished = plan_finished(plan.intervals, now)
            wanted = False if finished else desired_charging(plan.intervals, now)
            try:
                if wanted != state.commanded and (wanted or state.commanded):
                    vin = await self._switch(state.vehicle_id, wanted)
                    told.append((state.chat_id, SmartChargeSwitched(vin, state.vehicle_id, wanted, now)))
            except ServiceError as error:
                # One car failing (quota, Renault down) must not hold up the others; retried next tick.
                log.warning("smart executor: vehicle %s: %s", state.vehicle_id, type(error).__name__)
                continue
            if finished:
                await self._store.delete_state(state.vehicle_id)
            else:
                await self._store.save_state(replace(state, commanded=wanted))
        return told

    async def _commander(self, chat_id: int, vehicle_id: int) -> LinkedVehicle:
        return await self._linking.resolve(chat_id, vehicle_id, Right.COMMAND)

    async def _write_window(
        self, vehicle: LinkedVehicle, state: SmartChargeState, planned: PlannedCharge
    ) -> SmartChargeState:
        stored = await self._gateway.stored(vehicle.vehicle_id)
        proxy = await self._gateway.vehicle(stored)
        if not vehicle.capabilities.supports("charge-set-schedule"):
            if proxy.supports("charge-set-programs"):
                return await self._write_kcm_window(vehicle, proxy, state, planned)
            raise FeatureUnavailable("charge-set-schedule")
        # Re-confirming keeps the schedule saved the first time: it is the owner's, not an earlier plan.
        previous = state.previous
        if previous is None or state.active is None:
            previous = await self._read_previous(vehicle, proxy)
        try:
            schedule = window_schedule(planned.intervals[0], previous)
        except SmartScheduleInvalid:
            raise InvalidInput(["smart.error.schedule_rules"]) from None
        await self._write(vehicle, proxy, schedule)
        return replace(state, previous=previous)

    async def _write_kcm_window(
        self, vehicle: LinkedVehicle, proxy: RenaultVehicle, state: SmartChargeState, planned: PlannedCharge
    ) -> SmartChargeState:
        """The R5 family: the window becomes ev/settings start/duration plus one departure program."""
        previous = state.previous_kcm
        if previous is None or state.active is None:
            stored = await self._gateway.stored(vehicle.vehicle_id)
            read = await self._gateway.call(stored, proxy.charge_schedule, "charge-schedule")
            previous = kcm_from_wire(read)
        try:
            settings = kcm_window_settings(planned.intervals[0], previous)
        except ValueError:
            raise InvalidInput(["smart.error.schedule_rules"]) from None
        await self._write_kcm(vehicle, proxy, settings)
        return replace(state, previous_kcm=previous)

    async def _write_kcm(self, vehicle: LinkedVehicle, proxy: RenaultVehicle, settings: KcmSettings) -> None:
        stored = await self._gateway.stored(vehicle.vehicle_id)
        write = kcm_to_wire(settings)
        await self._gateway.call(stored, lambda: proxy.set_ev_settings_programs(write), "charge-set-programs")

    async def _read_previous(self, vehicle: LinkedVehicle, proxy: RenaultVehicle) -> ChargeSchedule:
        stored = await self._gateway.stored(vehicle.vehicle_id)
        if proxy.supports("charging-settings"):
            read = await self._gateway.call(stored, proxy.charging_settings, "charging-settings")
            return schedule_mapping.to_domain(read)
        if proxy.supports("charge-schedule"):
            read = await self._gateway.call(stored, proxy.charge_schedule, "charge-schedule")
            if read.source == "kca-calendar":
                return schedule_mapping.to_domain(read)
        # Nothing readable in the slot format: Cancel will clear our program and leave the car "always".
        return ChargeSchedule(ScheduleMode.ALWAYS)

    async def _write(self, vehicle: LinkedVehicle, proxy: RenaultVehicle, schedule: ChargeSchedule) -> None:
        stored = await self._gateway.stored(vehicle.vehicle_id)
        slots = schedule_mapping.to_wire(schedule)
        await self._gateway.call(stored, lambda: proxy.set_charge_schedule(slots), "charge-set-schedule")
        mode = _TO_WIRE_MODE.get(schedule.mode)
        if mode is not None and proxy.supports("charge-set-mode"):
            await self._gateway.call(stored, lambda: proxy.set_charge_mode(mode), "charge-set-mode")

    async def _switch(self, vehicle_id: int, on: bool) -> str:
        stored = await self._gateway.stored(vehicle_id)
        proxy = await self._gateway.vehicle(stored)
        operation: Callable[[], Awaitable[object]] = proxy.start_charge if on else proxy.stop_charge
        await self._gateway.call(stored, operation, "charge-start" if on else "charge-stop")
        return stored.info.vin


_FROM_WIRE_MODE = {wire.ChargeMode.SCHEDULED: ScheduleMode.SCHEDULED}


def kcm_from_wire(read: ChargeSchedules) -> KcmSettings:
    """The car's ev/settings read as domain KCM settings (anything but SCHEDULED counts as always)."""
    programs = tuple(
        KcmProgram(
            p.program_type,
            p.departure.replace(tzinfo=None),
            p.activated,
            frozenset(i for i, day in enumerate(WEEKDAYS) if day in p.days),
        )
        for p in read.programs
        if p.departure is not None
    )
    start = read.charge_start.replace(tzinfo=None) if read.charge_start is not None else None
    mode = _FROM_WIRE_MODE.get(read.mode, ScheduleMode.ALWAYS)
    return KcmSettings(mode, start, read.charge_duration_minutes, programs)


def kcm_to_wire(settings: KcmSettings) -> EvSettingsWrite:
    """Domain KCM settings as the Renault client's ev/settings write."""
    programs = tuple(
        ChargeProgram(
            p.program_type, p.departure_utc, p.activated, frozenset(WEEKDAYS[i] for i in sorted(p.days))
        )
        for p in settings.programs
    )
    mode = wire.ChargeMode.SCHEDULED if settings.mode is ScheduleMode.SCHEDULED else wire.ChargeMode.ALWAYS
    duration = settings.charge_duration_minutes
    return EvSettingsWrite(
        mode, programs, settings.charge_start_utc, duration if duration is not None and duration > 0 else None
    )
