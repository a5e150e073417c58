"""Sending actions to the car (precondition, charge control, charge mode and limits, horn, lights)."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from datetime import timedelta

from bot.domain.actions import ActionKind, as_requested, spec_of
from bot.domain.schedule import ChargeSchedule, validate
from bot.domain.snapshot import ChargeMode, VehicleSnapshot
from bot.domain.vehicle import Right
from bot.features.actions.ports import TEMPERATURE_RANGE_C, ActionOutcome, ActionRequest
from bot.renault import models as wire
from bot.renault.vehicle import RenaultVehicle
from bot.services import schedule_mapping, snapshot_mapping
from bot.services.conversation_ports import ActionRateStore
from bot.services.errors import FeatureUnavailable, InvalidInput, ServiceError, TooManyActions
from bot.services.gateway import RenaultGateway
from bot.services.ports import ActionWatcher, Clock, LinkingPort, VehicleStateRepository

log = logging.getLogger(__name__)

# One action per chat per this interval: a double tap must not send two commands to the car.
ACTION_INTERVAL = timedelta(seconds=5)

_WIRE_MODE = {
    ChargeMode.ALWAYS: wire.RenaultChargeMode.ALWAYS,
    ChargeMode.SCHEDULED: wire.RenaultChargeMode.SCHEDULED,
}


class ActionService:
    """Use cases of the action buttons, /precondition and /charge."""

    def __init__(
        self,
        linking: LinkingPort,
        gateway: RenaultGateway,
        clock: Clock,
        watcher: ActionWatcher | None = None,
        default_temperature_c: float = 21.0,
        *,
        rates: ActionRateStore,
        states: VehicleStateRepository | None = None,
    ) -> None:
        self._linking = linking
        self._gateway = gateway
        self._clock = clock
        self._watcher = watcher
        self._default_temperature = default_temperature_c
        # The rate lives in the database: a double tap split across two replicas is still one action.
        self._rates = rates
        self._states = states

    async def run(self, chat_id: int, vehicle_id: int, request: ActionRequest) -> ActionOutcome:
        """Check rights and rate, send the action to the car, and report Renault's acceptance."""
        spec = spec_of(request.kind)
        vehicle = await self._linking.resolve(chat_id, vehicle_id, spec.right)
        if spec.endpoints and not any(vehicle.capabilities.supports(key) for key in spec.endpoints):
            raise FeatureUnavailable(spec.endpoints[0])
        await self._check_rate(chat_id)
        _validate(request)
        stored = await self._gateway.stored(vehicle.vehicle_id)
        proxy = await self._gateway.vehicle(stored)
        operation = self._operation(proxy, request)
        await self._gateway.call(stored, operation, spec.endpoints[0] if spec.endpoints else "")
        sent_at = self._clock()
        if self._watcher is not None:
            # Polling watches for the car's confirmation: one reference per chat, action and second.
            reference = f"{chat_id}-{request.kind.value}-{int(sent_at.timestamp())}"
            await self._watcher.expect_action(vehicle.vehicle_id, chat_id, request.kind, reference, sent_at)
        log.info("action %s accepted for vehicle %s", request.kind.value, vehicle.vehicle_id)
        known = await self._stored_snapshot(vehicle.vehicle_id)
        expected = None
        if known is not None:
            expected = as_requested(
                known, request.kind, scheduled=request.at is not None, charge_mode=request.charge_mode
            )
        return ActionOutcome(vehicle, request.kind.value, accepted=True, snapshot=expected)

    async def known_state(self, chat_id: int, vehicle_id: int) -> VehicleSnapshot | None:
        """The car's last stored reading (no Renault call): what menus and buttons follow."""
        vehicle = await self._linking.resolve(chat_id, vehicle_id, Right.READ)
        return await self._stored_snapshot(vehicle.vehicle_id)

    async def charge_mode(self, chat_id: int, vehicle_id: int) -> ChargeMode | None:
        """The car's charge mode read live (its charge-mode endpoint, else its schedule); None if unknown.

        No reading stores it (the card does not read it), so /charge asks the car each time it is opened; a
        failed read leaves the menu without it rather than without the menu.
        """
        vehicle = await self._linking.resolve(chat_id, vehicle_id, Right.READ)
        stored = await self._gateway.stored(vehicle.vehicle_id)
        reader = _mode_reader(await self._gateway.vehicle(stored))
        if reader is None:
            return None
        endpoint, read = reader
        try:
            mode = snapshot_mapping.charge_mode_of(await self._gateway.call(stored, read, endpoint))
        except ServiceError as exc:
            log.info("charge mode not read for vehicle %s: %s", vehicle.vehicle_id, type(exc).__name__)
            return None
        return None if mode is ChargeMode.UNKNOWN else mode

    async def _stored_snapshot(self, vehicle_id: int) -> VehicleSnapshot | None:
        if self._states is None:
            return None
        return (await self._states.load(vehicle_id)).snapshot

    async def schedule(self, chat_id: int, vehicle_id: int) -> ChargeSchedule:
        """The car's charge schedule (read live)."""
        vehicle = await self._linking.resolve(chat_id, vehicle_id, Right.COMMAND)
        stored = await self._gateway.stored(vehicle.vehicle_id)
        proxy = await self._gateway.vehicle(stored)
        key = "charging-settings" if proxy.supports("charging-settings") else "charge-schedule"
        if not proxy.supports(key):
            raise FeatureUnavailable("charge-schedule")
        read = proxy.charging_settings if key == "charging-settings" else proxy.charge_schedule
        return schedule_mapping.to_domain(await self._gateway.call(stored, read, key))

    async def set_schedule(self, chat_id: int, vehicle_id: int, schedule: ChargeSchedule) -> ChargeSchedule:
        """Validate against Renault's rules, then write; if Renault refuses, the car keeps its schedule."""
        vehicle = await self._linking.resolve(chat_id, vehicle_id, Right.COMMAND)
        problems = validate(schedule)
        if problems:
            raise InvalidInput([f"schedule.problem.{p.code.value}" for p in problems])
        stored = await self._gateway.stored(vehicle.vehicle_id)
        proxy = await self._gateway.vehicle(stored)
        if not proxy.supports("charge-set-schedule"):
            raise FeatureUnavailable("charge-set-schedule")
        slots = schedule_mapping.to_wire(schedule)
        await self._gateway.call(stored, lambda: proxy.set_charge_schedule(slots), "charge-set-schedule")
        return schedule

    async def _check_rate(self, chat_id: int) -> None:
        wait = await self._rates.try_acquire(chat_id, self._clock(), ACTION_INTERVAL)
        if wait is not None:
            raise TooManyActions(wait.total_seconds())

    def _operation(self, proxy: RenaultVehicle, request: ActionRequest) -> Callable[[], Awaitable[object]]:
        kind = request.kind
        simple: dict[ActionKind, Callable[[], Awaitable[object]]] = {
            ActionKind.PRECONDITION_STOP: proxy.stop_hvac,
            ActionKind.CHARGE_START: proxy.start_charge,
            ActionKind.CHARGE_STOP: proxy.stop_charge,
            ActionKind.CHARGE_PAUSE: proxy.pause_charge,
            ActionKind.CHARGE_RESUME: proxy.resume_charge,
            ActionKind.HORN: proxy.horn,
            ActionKind.LIGHTS: proxy.lights,
            ActionKind.LOCATION: proxy.refresh_location,
            ActionKind.REFRESH: proxy.refresh_battery_status,
        }
        if kind in simple:
            return simple[kind]
        if kind is ActionKind.PRECONDITION:
            temperature = request.temperature_c or self._default_temperature
            return lambda: proxy.start_hvac(temperature, request.at)
        if kind is ActionKind.CHARGE_MODE and request.charge_mode in _WIRE_MODE:
            mode = _WIRE_MODE[request.charge_mode]
            return lambda: proxy.set_charge_mode(mode)
        if (
            kind is ActionKind.CHARGE_LIMITS
            and request.min_level is not None
            and request.target_level is not None
        ):
            low, high = request.min_level, request.target_level
            return lambda: proxy.set_soc_levels(low, high)
        raise InvalidInput(["error.action_parameters"])


def _validate(request: ActionRequest) -> None:
    problems = []
    low, high = TEMPERATURE_RANGE_C
    if request.temperature_c is not None and not low <= request.temperature_c <= high:
        problems.append("error.temperature_range")
    for level in (request.min_level, request.target_level):
        if level is not None and not 0 <= level <= 100:
            problems.append("error.level_range")
    if (
        request.min_level is not None
        and request.target_level is not None
        and request.min_level > request.target_level
    ):
        problems.append("error.level_order")
    if problems:
        raise InvalidInput(problems)


def _mode_reader(proxy: RenaultVehicle) -> tuple[str, Callable[[], Awaitable[wire.RenaultChargeMode]]] | None:
    # The endpoint that tells the car's charge mode: its own where the model has it, else the schedule's.
    async def from_mode() -> wire.RenaultChargeMode:
        return (await proxy.charge_mode()).mode

    async def from_settings() -> wire.RenaultChargeMode:
        return (await proxy.charging_settings()).mode

    async def from_schedule() -> wire.RenaultChargeMode:
        return (await proxy.charge_schedule()).mode

    for endpoint, read in (
        ("charge-mode", from_mode),
        ("charging-settings", from_settings),
        ("charge-schedule", from_schedule),
    ):
        if proxy.supports(endpoint):
            return endpoint, read
    return None
