"""The one place where the Renault client's parsed models become a domain `VehicleSnapshot`."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from types import MappingProxyType

from bot.domain.snapshot import ChargeMode, ChargeState, GeoPoint, PlugState, VehicleSnapshot
from bot.renault import models as wire

_PLUG: Mapping[wire.PlugStatus, PlugState] = MappingProxyType(
    {
        wire.PlugStatus.UNPLUGGED: PlugState.UNPLUGGED,
        wire.PlugStatus.PLUGGED: PlugState.PLUGGED,
        wire.PlugStatus.PLUG_ERROR: PlugState.PLUG_ERROR,
        wire.PlugStatus.PLUG_UNKNOWN: PlugState.UNKNOWN,
        wire.PlugStatus.UNKNOWN: PlugState.UNKNOWN,
    }
)

_CHARGE: Mapping[wire.ChargingStatus, ChargeState] = MappingProxyType(
    {
        wire.ChargingStatus.NOT_IN_CHARGE: ChargeState.NOT_IN_CHARGE,
        wire.ChargingStatus.WAITING_FOR_A_PLANNED_CHARGE: ChargeState.WAITING_FOR_PLANNED_CHARGE,
        wire.ChargingStatus.CHARGE_ENDED: ChargeState.CHARGE_ENDED,
        wire.ChargingStatus.WAITING_FOR_CURRENT_CHARGE: ChargeState.WAITING_FOR_CURRENT_CHARGE,
        wire.ChargingStatus.ENERGY_FLAP_OPENED: ChargeState.ENERGY_FLAP_OPENED,
        wire.ChargingStatus.CHARGE_IN_PROGRESS: ChargeState.CHARGE_IN_PROGRESS,
        wire.ChargingStatus.CHARGE_ERROR: ChargeState.CHARGE_ERROR,
        wire.ChargingStatus.UNAVAILABLE: ChargeState.UNAVAILABLE,
        wire.ChargingStatus.V2G_CHARGING_WAITING: ChargeState.V2G_CHARGING_WAITING,
        wire.ChargingStatus.V2L_CONNECTED: ChargeState.V2L_CONNECTED,
        wire.ChargingStatus.V2G_DISCHARGING: ChargeState.V2G_DISCHARGING,
        wire.ChargingStatus.V2G_CHARGING_NORMAL: ChargeState.V2G_CHARGING_NORMAL,
        wire.ChargingStatus.UNKNOWN: ChargeState.UNKNOWN,
    }
)

_MODE: Mapping[wire.RenaultChargeMode, ChargeMode] = MappingProxyType(
    {
        wire.RenaultChargeMode.ALWAYS: ChargeMode.ALWAYS,
        wire.RenaultChargeMode.SCHEDULED: ChargeMode.SCHEDULED,
        wire.RenaultChargeMode.DELAYED: ChargeMode.SCHEDULED,
        wire.RenaultChargeMode.UNKNOWN: ChargeMode.UNKNOWN,
    }
)


def from_battery(vin: str, battery: wire.BatteryStatus) -> VehicleSnapshot:
    """A snapshot holding what battery-status reports."""
    return VehicleSnapshot(
        vin=vin,
        reported_at=battery.timestamp,
        battery_level=battery.battery_level,
        range_km=battery.autonomy_km,
        plug=_PLUG[battery.plug_status],
        charge=_CHARGE[battery.charging_status],
        charging_power_kw=battery.charging_power_kw,
        remaining_minutes=battery.remaining_minutes,
        available_energy_kwh=battery.available_energy_kwh,
        battery_temperature_c=battery.temperature_c,
    )


def with_cockpit(snapshot: VehicleSnapshot, cockpit: wire.Cockpit) -> VehicleSnapshot:
    """Add the mileage from cockpit."""
    return replace(snapshot, mileage_km=cockpit.total_mileage_km)


def with_hvac(snapshot: VehicleSnapshot, hvac: wire.HvacStatus) -> VehicleSnapshot:
    """Add the HVAC state and temperatures from hvac-status."""
    return replace(
        snapshot,
        hvac_on=hvac.on,
        outside_temperature_c=hvac.external_temp,
        cabin_temperature_c=hvac.internal_temp,
    )


def with_location(snapshot: VehicleSnapshot, location: wire.Location) -> VehicleSnapshot:
    """Add the GPS position from location (kept out when the car sent no coordinates)."""
    if location.lat is None or location.lon is None:
        return snapshot
    return replace(snapshot, location=GeoPoint(location.lat, location.lon, location.last_update))


def with_charge_mode(snapshot: VehicleSnapshot, info: wire.ChargeModeInfo) -> VehicleSnapshot:
    """Add the charge mode."""
    return replace(snapshot, charge_mode=charge_mode_of(info.mode))


def charge_mode_of(mode: wire.RenaultChargeMode) -> ChargeMode:
    """Renault's charge mode (from the charge-mode endpoint or a charge schedule) as the domain's."""
    return _MODE[mode]


def merge_known(base: VehicleSnapshot, previous: VehicleSnapshot | None) -> VehicleSnapshot:
    """Fill fields this read did not fetch with the last known values (same car)."""
    if previous is None or previous.vin != base.vin:
        return base
    return replace(
        base,
        mileage_km=base.mileage_km if base.mileage_km is not None else previous.mileage_km,
        hvac_on=base.hvac_on if base.hvac_on is not None else previous.hvac_on,
        outside_temperature_c=_first(base.outside_temperature_c, previous.outside_temperature_c),
        cabin_temperature_c=_first(base.cabin_temperature_c, previous.cabin_temperature_c),
        location=base.location or previous.location,
        charge_mode=base.charge_mode or previous.charge_mode,
    )


def _first(value: float | None, fallback: float | None) -> float | None:
    return value if value is not None else fallback
