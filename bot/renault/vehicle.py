"""Vehicle proxy: every read of §4, routed per model through the capability table."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

from bot.renault.capabilities import ModelCapabilities, capabilities_for
from bot.renault.endpoints import VEHICLE_CONTRACTS_PATH, VEHICLE_DETAILS_PATH, Endpoint, Envelope
from bot.renault.errors import NotSupported
from bot.renault.history import (
    Alert,
    Contract,
    HvacSession,
    PeriodSummary,
    RenaultChargeSession,
    VehicleDetails,
    parse_alerts,
    parse_charge_history,
    parse_charges,
    parse_contracts,
    parse_hvac_history,
    parse_hvac_sessions,
    parse_vehicle_details,
)
from bot.renault.models import (
    BatteryStatus,
    ChargeModeInfo,
    Cockpit,
    HvacStatus,
    Location,
    LockStatus,
    ResState,
    SocLevels,
    TyrePressure,
    parse_battery_status,
    parse_charge_mode,
    parse_cockpit,
    parse_hvac_status,
    parse_location,
    parse_lock_status,
    parse_pressure,
    parse_res_state,
    parse_soc_levels,
)
from bot.renault.parsing import attributes, bare
from bot.renault.schedules import (
    ChargeSchedules,
    HvacSettings,
    parse_charging_settings,
    parse_ev_settings,
    parse_hvac_settings,
    parse_kca_calendar,
)
from bot.renault.session import Session
from bot.renault.vehicle_actions import VehicleActions

log = logging.getLogger(__name__)


class RenaultVehicle(VehicleActions):
    """One car of one account; reads here, actions in VehicleActions."""

    def __init__(
        self, session: Session, account_id: str, vin: str, model_code: str, unsupported: Iterable[str] = ()
    ) -> None:
        self._session = session
        self.account_id = account_id
        self.vin = vin
        self.model_code = model_code
        self.capabilities: ModelCapabilities = capabilities_for(model_code or None)
        self._learned: set[str] = set(unsupported)

    def __repr__(self) -> str:
        return f"RenaultVehicle(model_code={self.model_code!r}, vin=...{self.vin[-4:]!r})"

    @property
    def learned_unsupported(self) -> frozenset[str]:
        """Endpoints that answered not-supported/forbidden at run time."""
        return frozenset(self._learned)

    def learn_unsupported(self, keys: Iterable[str]) -> None:
        """Remember endpoints as unsupported (e.g. restored from storage)."""
        self._learned.update(keys)

    def supports(self, endpoint: str) -> bool:
        """Static table minus endpoints learned unsupported at run time."""
        return self.capabilities.supports(endpoint) and endpoint not in self._learned

    def _route(self, key: str) -> Endpoint:
        route = self.capabilities.route(key)
        if route is None or key in self._learned:
            raise NotSupported(f"{key} is not supported by model {self.model_code}", None, endpoint=key)
        return route

    async def _call(
        self, key: str, route: Endpoint, params: Mapping[str, str] | None = None, json_body: Any = None
    ) -> Any:
        try:
            return await self._session.request(
                route.method.value,
                route.full_path(self.account_id, self.vin),
                key,
                params=params,
                json_body=json_body,
            )
        except NotSupported as exc:
            log.info("%s answered not supported (%s); disabling it for this car", key, exc.code)
            self._learned.add(key)
            exc.endpoint = key
            raise

    async def _read(self, key: str, params: Mapping[str, str] | None = None) -> Any:
        route = self._route(key)
        body = await self._call(key, route, params)
        if route.envelope is Envelope.ATTRIBUTES:
            return attributes(body)
        if route.envelope is Envelope.BARE:
            return bare(body)
        return body

    async def battery_status(self) -> BatteryStatus:
        """battery-status (power in kW whatever the model reports)."""
        attrs = await self._read("battery-status")
        return parse_battery_status(attrs, self.capabilities.reports_power_in_watts)

    async def cockpit(self) -> Cockpit:
        """cockpit."""
        return parse_cockpit(await self._read("cockpit"))

    async def hvac_status(self) -> HvacStatus:
        """hvac-status."""
        return parse_hvac_status(await self._read("hvac-status"))

    async def location(self) -> Location:
        """location."""
        return parse_location(await self._read("location"))

    async def charge_mode(self) -> ChargeModeInfo:
        """charge-mode."""
        return parse_charge_mode(await self._read("charge-mode"))

    async def charge_schedule(self) -> ChargeSchedules:
        """The charge schedule: KCA calendar or KCM ev/settings, normalised."""
        route = self._route("charge-schedule")
        body = await self._read("charge-schedule")
        return parse_ev_settings(body) if route.envelope is Envelope.BARE else parse_kca_calendar(body)

    async def charging_settings(self) -> ChargeSchedules:
        """charging-settings: mode and KCA schedule slots."""
        return parse_charging_settings(await self._read("charging-settings"))

    async def soc_levels(self) -> SocLevels:
        """soc-levels (KCM charge limits)."""
        return parse_soc_levels(await self._read("soc-levels"))

    async def hvac_settings(self) -> HvacSettings:
        """hvac-settings."""
        return parse_hvac_settings(await self._read("hvac-settings"))

    async def lock_status(self) -> LockStatus:
        """lock-status."""
        return parse_lock_status(await self._read("lock-status"))

    async def pressure(self) -> TyrePressure:
        """pressure (tyres, mbar)."""
        return parse_pressure(await self._read("pressure"))

    async def res_state(self) -> ResState:
        """res-state."""
        return parse_res_state(await self._read("res-state"))

    async def notification_settings(self) -> Mapping[str, Any]:
        """notification-settings (content undocumented: returned as is)."""
        return dict(await self._read("notification-settings"))

    async def charges(self, start: date, end: date) -> tuple[RenaultChargeSession, ...]:
        """Charge sessions between two dates (durations in minutes)."""
        attrs = await self._read("charges", {"start": f"{start:%Y%m%d}", "end": f"{end:%Y%m%d}"})
        return parse_charges(attrs, self.capabilities.charge_durations_in_minutes)

    async def charge_history(
        self, start: date, end: date, period: str = "month"
    ) -> tuple[PeriodSummary, ...]:
        """Aggregated charges per day or month."""
        attrs = await self._read("charge-history", _history_params(start, end, period))
        return parse_charge_history(attrs)

    async def hvac_sessions(self, start: date, end: date) -> tuple[HvacSession, ...]:
        """Pre-conditioning sessions between two dates."""
        attrs = await self._read("hvac-sessions", {"start": f"{start:%Y%m%d}", "end": f"{end:%Y%m%d}"})
        return parse_hvac_sessions(attrs)

    async def hvac_history(self, start: date, end: date, period: str = "month") -> tuple[PeriodSummary, ...]:
        """Aggregated pre-conditioning per day or month."""
        return parse_hvac_history(await self._read("hvac-history", _history_params(start, end, period)))

    async def alerts(self) -> tuple[Alert, ...]:
        """Vehicle alerts."""
        return parse_alerts(await self._read("alerts"))

    async def contracts(self) -> tuple[Contract, ...]:
        """Contracts (warranty, connected services)."""
        cfg = self._session.config
        params = {
            "locale": cfg.locale,
            "brand": "RENAULT",
            "connectedServicesContracts": "true",
            "warranty": "true",
            "warrantyMaintenanceContracts": "true",
        }
        path = VEHICLE_CONTRACTS_PATH.format(accountId=self.account_id, vin=self.vin)
        return parse_contracts(await self._session.request("GET", path, "contracts", params=params))

    async def details(self) -> VehicleDetails:
        """Vehicle details (model, brand, plate)."""
        path = VEHICLE_DETAILS_PATH.format(accountId=self.account_id, vin=self.vin)
        return parse_vehicle_details(bare(await self._session.request("GET", path, "details")))


def _history_params(start: date, end: date, period: str) -> dict[str, str]:
    if period not in ("day", "month"):
        raise ValueError("period must be 'day' or 'month'")
    fmt = "%Y%m%d" if period == "day" else "%Y%m"
    return {"type": period, "start": start.strftime(fmt), "end": end.strftime(fmt)}
