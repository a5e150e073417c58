"""Use case: carry out a smart-charge plan. Propose, Confirm (write the schedule or arm start/stop), Cancel
(restore the owner's schedule), and the start/stop executor run by a repeating job.

Every Renault call goes through `RenaultGateway.call`, so the per-account call budget and the error table
apply exactly as for a button tap. Rights are checked here, whatever a callback's payload says, and again by
the executor before each switch: a plan whose chat may no longer control the car (removed, left, made a
viewer) is withdrawn, never carried out in its name (`withdraw`, `run_due`).
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import replace
from datetime import datetime

from bot.domain.schedule import ChargeSchedule, ScheduleMode
from bot.domain.vehicle import LinkedVehicle, Right, Role
from bot.features.smart_charging.events import SmartChargeSwitched, SmartPlanWithdrawn, Withdrawal
from bot.features.smart_charging.logic.planner import ChargePlan
from bot.features.smart_charging.logic.schedule import (
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
from bot.features.smart_charging.ports import SmartChargeStore
from bot.renault import models as wire
from bot.renault.ev_settings import EvSettingsWrite
from bot.renault.schedules import WEEKDAYS, ChargeSchedules, RenaultKcmProgram
from bot.renault.vehicle import RenaultVehicle
from bot.services import schedule_mapping
from bot.services.errors import FeatureUnavailable, InvalidInput, NotLinked, NotPermitted, ServiceError
from bot.services.gateway import RenaultGateway
from bot.services.ports import AccountRepository, Clock, LinkingPort

log = logging.getLogger(__name__)

_TO_WIRE_MODE = {
    ScheduleMode.ALWAYS: wire.RenaultChargeMode.ALWAYS,
    ScheduleMode.SCHEDULED: wire.RenaultChargeMode.SCHEDULED,
}


Told = tuple[int, SmartChargeSwitched | SmartPlanWithdrawn]
"""A ping the smart-charging executor owes a chat: (chat id, event)."""


class SmartChargeControl:
    """Propose, confirm and cancel smart-charge plans, and run armed start/stop plans."""

    def __init__(
        self,
        linking: LinkingPort,
        gateway: RenaultGateway,
        store: SmartChargeStore,
        clock: Clock,
        accounts: AccountRepository | None = None,
    ) -> None:
        self._linking = linking
        self._gateway = gateway
        self._store = store
        self._clock = clock
        self._accounts = accounts  # who owns a car, to tell them a member's plan was withdrawn

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
        if state is not None:
            told = await self._undo(state)
        await self._store.delete_state(vehicle.vehicle_id)
        return told

    async def withdraw(self, chat_id: int, vehicle_ids: list[int]) -> list[tuple[int, SmartPlanWithdrawn]]:
        """Cancel the chat's plans and daily goals on these cars, which it may no longer control.

        Called when the owner removes the member or makes them a viewer, or the member leaves: the car is
        put back as Cancel would (the owner's schedule, a charge the plan started stopped), in the name of
        whoever changed the membership. When that fails, the saved schedule is handed to an owner, whose
        Cancel can still restore it. Returns the pings owed to the account's owners.
        """
        told: list[tuple[int, SmartPlanWithdrawn]] = []
        for vehicle_id in vehicle_ids:
            await self._store.delete_goal(chat_id, vehicle_id)
            state = await self._store.state(vehicle_id)
            if state is None or state.chat_id != chat_id:
                continue
            if state.active is None:  # only a proposal: nothing on the car, nobody to tell
                await self._store.delete_state(vehicle_id)
                continue
            owners = await self._owners(vehicle_id)
            try:
                outcome = Withdrawal.RESTORED if await self._undo(state) else Withdrawal.UNTOUCHED
            except ServiceError as error:
                log.warning("smart plan of vehicle %s not undone: %s", vehicle_id, type(error).__name__)
                outcome = Withdrawal.LEFT_CHARGING if state.commanded else Withdrawal.NOT_RESTORED
                if state.active.kind is PlanKind.WINDOW and owners:
                    await self._store.save_state(replace(state, chat_id=owners[0], proposed=None))
                    told += await self._withdrawn(vehicle_id, owners, outcome)
                    continue
            await self._store.delete_state(vehicle_id)
            log.info("smart plan of vehicle %s withdrawn: its chat lost the right", vehicle_id)
            told += await self._withdrawn(vehicle_id, owners, outcome)
        return told

    async def run_due(self) -> list[Told]:
        """Start or stop armed start/stop plans at their boundaries; returns each switch with its chat.

        Before each switch the plan's chat must still hold the command right: a plan whose chat lost it
        is cancelled without touching the car, and the account's owners are told."""
        now = self._clock()
        told: list[Told] = []
        for state in await self._store.armed():
            plan = state.active
            if plan is None:
                continue
            finished = plan_finished(plan.intervals, now)
            wanted = False if finished else desired_charging(plan.intervals, now)
            try:
                if wanted != state.commanded and (wanted or state.commanded):
                    if not await self._may_command(state.chat_id, state.vehicle_id):
                        log.warning(
                            "smart plan of vehicle %s cancelled: its chat may no longer control the car",
                            state.vehicle_id,
                        )
                        await self._store.delete_state(state.vehicle_id)
                        outcome = Withdrawal.LEFT_CHARGING if state.commanded else Withdrawal.UNTOUCHED
                        told += await self._withdrawn(
                            state.vehicle_id, await self._owners(state.vehicle_id), outcome
                        )
                        continue
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

    async def _may_command(self, chat_id: int, vehicle_id: int) -> bool:
        try:
            await self._commander(chat_id, vehicle_id)
        except (NotPermitted, NotLinked):
            return False
        return True

    async def _undo(self, state: SmartChargeState) -> bool:
        """Put the car back as it was before the state's active plan; True when the car was told."""
        if state.active is None:
            return False
        stored = await self._gateway.stored(state.vehicle_id)
        proxy = await self._gateway.vehicle(stored)
        if state.active.kind is PlanKind.WINDOW and state.previous_kcm is not None:
            await self._write_kcm(state.vehicle_id, proxy, state.previous_kcm)
            return True
        if state.active.kind is PlanKind.WINDOW and state.previous is not None:
            await self._write(state.vehicle_id, proxy, restorable(state.previous))
            return True
        if state.active.kind is PlanKind.SLOTS and state.commanded:
            await self._gateway.call(stored, proxy.stop_charge, "charge-stop")
            return True
        return False

    async def _owners(self, vehicle_id: int) -> list[int]:
        if self._accounts is None:
            return []
        stored = await self._gateway.stored(vehicle_id)
        links = await self._accounts.chats_for_account(stored.account_id)
        return [link.chat_id for link in links if link.role is Role.OWNER]

    async def _withdrawn(
        self, vehicle_id: int, owners: list[int], outcome: Withdrawal
    ) -> list[tuple[int, SmartPlanWithdrawn]]:
        stored = await self._gateway.stored(vehicle_id)
        event = SmartPlanWithdrawn(stored.info.vin, vehicle_id, outcome, self._clock())
        return [(owner, event) for owner in owners]

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
        await self._write(vehicle.vehicle_id, proxy, schedule)
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
        await self._write_kcm(vehicle.vehicle_id, proxy, settings)
        return replace(state, previous_kcm=previous)

    async def _write_kcm(self, vehicle_id: int, proxy: RenaultVehicle, settings: KcmSettings) -> None:
        stored = await self._gateway.stored(vehicle_id)
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

    async def _write(self, vehicle_id: int, proxy: RenaultVehicle, schedule: ChargeSchedule) -> None:
        stored = await self._gateway.stored(vehicle_id)
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


_FROM_WIRE_MODE = {wire.RenaultChargeMode.SCHEDULED: ScheduleMode.SCHEDULED}


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
        RenaultKcmProgram(
            p.program_type, p.departure_utc, p.activated, frozenset(WEEKDAYS[i] for i in sorted(p.days))
        )
        for p in settings.programs
    )
    mode = (
        wire.RenaultChargeMode.SCHEDULED
        if settings.mode is ScheduleMode.SCHEDULED
        else wire.RenaultChargeMode.ALWAYS
    )
    duration = settings.charge_duration_minutes
    return EvSettingsWrite(
        mode, programs, settings.charge_start_utc, duration if duration is not None and duration > 0 else None
    )
