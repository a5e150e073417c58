"""History and info reads: charge sessions, aggregates, HVAC sessions, alerts, contracts, vehicle details."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from bot.renault.parsing import integer, number, text, timestamp


@dataclass(frozen=True)
class RenaultChargeSession:
    """One charge session; duration always in minutes, start power in kW."""

    start: datetime | None
    end: datetime | None
    duration_minutes: float | None
    start_level: int | None
    end_level: int | None
    level_recovered: int | None
    energy_kwh: float | None
    power_category: str | None
    start_power_kw: float | None
    end_status: str | None


def parse_charges(attrs: Mapping[str, Any], durations_in_minutes: bool) -> tuple[RenaultChargeSession, ...]:
    """Parse charges[]; durations are seconds except on X101VE (§6.6)."""
    sessions = []
    for c in attrs.get("charges") or []:
        if not isinstance(c, Mapping):
            continue
        duration = number(c.get("chargeDuration"))
        if duration is not None and not durations_in_minutes:
            duration /= 60.0
        power_w = number(c.get("chargeStartInstantaneousPower"))
        sessions.append(
            RenaultChargeSession(
                start=timestamp(c.get("chargeStartDate")),
                end=timestamp(c.get("chargeEndDate")),
                duration_minutes=duration,
                start_level=integer(c.get("chargeStartBatteryLevel")),
                end_level=integer(c.get("chargeEndBatteryLevel")),
                level_recovered=integer(c.get("chargeBatteryLevelRecovered")),
                energy_kwh=number(c.get("chargeEnergyRecovered")),
                power_category=text(c.get("chargePower")),
                start_power_kw=power_w / 1000.0 if power_w is not None else None,
                end_status=text(c.get("chargeEndStatus")),
            )
        )
    return tuple(sessions)


@dataclass(frozen=True)
class PeriodSummary:
    """One day or month of charge-history / hvac-history."""

    period: str  # YYYYMMDD or YYYYMM
    count: int | None
    duration_minutes: int | None
    errors: int | None


def parse_charge_history(attrs: Mapping[str, Any]) -> tuple[PeriodSummary, ...]:
    """Parse chargeSummaries[]."""
    return tuple(
        PeriodSummary(
            str(s.get("day") or s.get("month") or ""),
            integer(s.get("totalChargesNumber")),
            integer(s.get("totalChargesDuration")),
            integer(s.get("totalChargesErrors")),
        )
        for s in attrs.get("chargeSummaries") or []
        if isinstance(s, Mapping)
    )


def parse_hvac_history(attrs: Mapping[str, Any]) -> tuple[PeriodSummary, ...]:
    """Parse hvacSessionsSummaries[]."""
    return tuple(
        PeriodSummary(
            str(s.get("day") or s.get("month") or ""),
            integer(s.get("totalHvacSessionsNumber")),
            None,
            integer(s.get("totalHvacSessionsErrors")),
        )
        for s in attrs.get("hvacSessionsSummaries") or []
        if isinstance(s, Mapping)
    )


@dataclass(frozen=True)
class HvacSession:
    """One pre-conditioning session."""

    requested: datetime | None
    started: datetime | None
    end_status: str | None


def parse_hvac_sessions(attrs: Mapping[str, Any]) -> tuple[HvacSession, ...]:
    """Parse hvacSessions[] (often empty)."""
    return tuple(
        HvacSession(
            timestamp(s.get("hvacSessionRequestDate")),
            timestamp(s.get("hvacSessionStartDate")),
            text(s.get("hvacSessionEndStatus")),
        )
        for s in attrs.get("hvacSessions") or []
        if isinstance(s, Mapping)
    )


@dataclass(frozen=True)
class Alert:
    """A vehicle alert."""

    id: str | None
    code: str | None
    title: str | None
    description: str | None
    criticity: int | None
    created: datetime | None
    closed: bool


def parse_alerts(body: Any) -> tuple[Alert, ...]:
    """Parse the bare alerts array."""
    return tuple(
        Alert(
            text(a.get("id")),
            text(a.get("alertCode")),
            text(a.get("alertCodeTitle") or a.get("shortDescription")),
            text(a.get("alertCodeDescription")),
            integer(a.get("criticity")),
            timestamp(a.get("creationDateTime")),
            bool(a.get("closureReason")),
        )
        for a in (body if isinstance(body, list) else [])
        if isinstance(a, Mapping)
    )


@dataclass(frozen=True)
class Contract:
    """A contract of the vehicle (warranty, connected services...)."""

    type: str | None
    code: str | None
    status: str | None
    description: str | None
    start: str | None
    end: str | None


def parse_contracts(body: Any) -> tuple[Contract, ...]:
    """Parse the bare contracts array."""
    return tuple(
        Contract(
            text(c.get("type")),
            text(c.get("code")),
            text(c.get("status")),
            text(c.get("description")),
            text(c.get("startDate")),
            text(c.get("endDate")),
        )
        for c in (body if isinstance(body, list) else [])
        if isinstance(c, Mapping)
    )


@dataclass(frozen=True)
class VehicleDetails:
    """vehicleDetails of a vehicle link or the details call."""

    vin: str
    model_code: str
    model_name: str
    brand: str
    plate: str | None
    energy: str | None  # engineEnergyType, else energy.code

    @property
    def uses_electricity(self) -> bool:
        """True for EVs and plug-in hybrids."""
        return self.energy in {"ELEC", "ELECX", "PHEV"}


def _label(obj: Any, key: str = "label") -> str | None:
    return text(obj.get(key)) if isinstance(obj, Mapping) else None


def parse_vehicle_details(details: Mapping[str, Any], brand_fallback: str | None = None) -> VehicleDetails:
    """Parse a vehicleDetails object."""
    model = details.get("model")
    return VehicleDetails(
        vin=str(details.get("vin") or ""),
        model_code=_label(model, "code") or "",
        model_name=_label(model) or "",
        brand=_label(details.get("brand")) or brand_fallback or "",
        plate=text(details.get("registrationNumber")),
        energy=text(details.get("engineEnergyType")) or _label(details.get("energy"), "code"),
    )
