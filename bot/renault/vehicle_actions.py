"""Vehicle actions of §5, routed per model (KCA v1/v2, KCM, pause-resume, ev/settings)."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from bot.renault.endpoints import ENDPOINTS, Endpoint, Envelope
from bot.renault.ev_settings import EvSettingsWrite, ev_settings_body
from bot.renault.models import ActionResult, RenaultChargeMode, parse_action_result
from bot.renault.parsing import bare
from bot.renault.schedules import (
    ChargeScheduleSlot,
    HvacScheduleSlot,
    charge_schedule_payload,
    hvac_schedule_payload,
)

_CHARGE_MODE_ACTIONS = {
    RenaultChargeMode.ALWAYS: "always_charging",
    RenaultChargeMode.SCHEDULED: "schedule_mode",
}


def _wire_datetime(moment: datetime) -> str:
    if moment.tzinfo is None:
        raise ValueError("action times must be timezone-aware")
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _envelope(route: Endpoint, extra: Mapping[str, Any] | None = None) -> dict[str, Any]:
    attrs = {**dict(route.attributes), **(extra or {})}
    data: dict[str, Any] = {"type": route.data_type}
    if attrs:
        data["attributes"] = attrs
    return {"data": data}


class VehicleActions(ABC):
    """Action half of RenaultVehicle; the read half provides routing and the HTTP call."""

    @abstractmethod
    def _route(self, key: str) -> Endpoint:
        """The definition for a key, or NotSupported."""

    @abstractmethod
    async def _call(
        self, key: str, route: Endpoint, params: Mapping[str, str] | None = None, json_body: Any = None
    ) -> Any:
        """Send one request for a key."""

    async def _act(self, key: str, extra: Mapping[str, Any] | None = None) -> ActionResult:
        route = self._route(key)
        body = _envelope(route, extra) if route.envelope is Envelope.ATTRIBUTES else dict(extra or {})
        return parse_action_result(key, await self._call(key, route, json_body=body))

    async def start_hvac(self, temperature_c: float, when: datetime | None = None) -> ActionResult:
        """Start pre-conditioning now, or have the cabin ready at `when`."""
        temp: float | int = int(temperature_c) if float(temperature_c).is_integer() else temperature_c
        extra: dict[str, Any] = {"targetTemperature": temp}
        if when is not None:
            extra["startDateTime"] = _wire_datetime(when)
        return await self._act("hvac-start", extra)

    async def stop_hvac(self) -> ActionResult:
        """Stop pre-conditioning (`cancel` or `stop` depending on the model)."""
        return await self._act("hvac-stop")

    async def start_charge(self) -> ActionResult:
        """Start charging: KCA, KCM charge/start, pause-resume, or ev/settings rewrite (§5.2-§5.5)."""
        route = self._route("charge-start")
        if route.id != "charge-start/kcm-settings":
            return await self._act("charge-start")
        # No dedicated command on these models: deactivate every program and post the settings back.
        settings = dict(bare(await self._call("charge-start", ENDPOINTS["charge-schedule/kcm-settings"])))
        programs = settings.get("programs")
        settings["programs"] = [
            {**p, "programActivationStatus": False} if isinstance(p, Mapping) else p
            for p in (programs if isinstance(programs, list) else [])
        ]
        return parse_action_result(
            "charge-start", await self._call("charge-start", route, json_body=settings)
        )

    async def stop_charge(self) -> ActionResult:
        """Stop charging (KCA stop or KCM pause, per model)."""
        return await self._act("charge-stop")

    async def pause_charge(self) -> ActionResult:
        """Pause the charge (KCM pause-resume)."""
        return await self._act("charge-pause")

    async def resume_charge(self) -> ActionResult:
        """Resume the charge (KCM pause-resume)."""
        return await self._act("charge-resume")

    async def set_charge_mode(self, mode: RenaultChargeMode) -> ActionResult:
        """Charge always or on schedule (wire values always_charging / schedule_mode)."""
        action = _CHARGE_MODE_ACTIONS.get(mode)
        if action is None:
            raise ValueError(f"cannot set charge mode {mode.value}")
        return await self._act("charge-set-mode", {"action": action})

    async def set_charge_schedule(self, slots: Sequence[ChargeScheduleSlot]) -> ActionResult:
        """Replace the charge schedule slots (KCA v2 or KCM charge/schedule)."""
        return await self._act("charge-set-schedule", {"schedules": charge_schedule_payload(slots)})

    async def set_ev_settings_programs(self, write: EvSettingsWrite) -> ActionResult:
        """Set the KCM charge mode, start/duration and programs: GET ev/settings, change, POST all back."""
        route = self._route("charge-set-programs")
        current = bare(await self._call("charge-set-programs", ENDPOINTS["charge-schedule/kcm-settings"]))
        body = ev_settings_body(current, write)
        return parse_action_result(
            "charge-set-programs", await self._call("charge-set-programs", route, json_body=body)
        )

    async def set_hvac_schedule(self, slots: Sequence[HvacScheduleSlot]) -> ActionResult:
        """Replace the HVAC schedule slots."""
        return await self._act("hvac-set-schedule", {"schedules": hvac_schedule_payload(slots)})

    async def horn(self) -> ActionResult:
        """Sound the horn."""
        return await self._act("horn-start")

    async def lights(self) -> ActionResult:
        """Flash the lights."""
        return await self._act("lights-start")

    async def refresh_location(self) -> ActionResult:
        """Ask the car to report its position."""
        return await self._act("refresh-location")

    async def refresh_battery_status(self) -> ActionResult:
        """Ask the car to report its battery status."""
        return await self._act("refresh-battery-status")

    async def set_soc_levels(self, min_level: int, target_level: int) -> ActionResult:
        """Set the KCM charge limits (bare body socMin/socTarget)."""
        return await self._act("soc-levels-set", {"socMin": min_level, "socTarget": target_level})
