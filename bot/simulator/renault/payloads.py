"""Read endpoints: a car's state rendered in the exact wire shapes of §3 and §4, per model."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from bot.simulator.renault.accounts import SimAccount
from bot.simulator.renault.car import HVAC_RUN, SimCar
from bot.simulator.renault.wire import iso

# Newer cars (R5 family) answer without `data.type` and with V2L fields (§4.1).
_NEW_PLATFORM = frozenset({"R5E1VE", "A5E1AE", "A4E1VE", "XCB1SE", "XDD1VE", "XBG2VE"})
_GDC = frozenset({"X101VE"})  # Zoe phase 1: watts, -1.0 when not charging, hvac always "off"
_STATUS_DOOR_NAMING = frozenset({"XHN1SU", "XJB2SU"})

_LABELS: dict[str, tuple[str, str, str, str]] = {
    # model code -> (brand, model label, energy code, family code)
    "X101VE": ("RENAULT", "ZOE", "ELEC", "X10"),
    "X102VE": ("RENAULT", "ZOE", "ELEC", "X10"),
    "X071VE": ("RENAULT", "TWINGO III", "ELEC", "X07"),
    "XBG1VE": ("DACIA", "SPRING", "ELEC", "XBG"),
    "XBG2VE": ("DACIA", "SPRING", "ELEC", "XBG"),
    "XCB1VE": ("RENAULT", "MEGANE E-TECH", "ELECX", "XCB"),
    "XCB1SE": ("RENAULT", "SCENIC E-TECH", "ELECX", "XCB"),
    "R5E1VE": ("RENAULT", "RENAULT 5", "ELECX", "X1316"),
    "A5E1AE": ("ALPINE", "A290", "ELECX", "X1316"),
    "A4E1VE": ("RENAULT", "RENAULT 4", "ELECX", "X1316"),
    "XDD1VE": ("RENAULT", "MASTER IV", "ELECX", "XDD"),
    "XHN1SU": ("RENAULT", "AUSTRAL", "GASLN", "XHN"),
    "XJA1VP": ("RENAULT", "CLIO V", "ESS", "XJA"),
    "XJB1SU": ("RENAULT", "CAPTUR II", "ESS", "XJB"),
}


def model_label(model_code: str) -> tuple[str, str, str, str]:
    """Brand, marketing label, energy code and family code of a model."""
    return _LABELS.get(model_code, ("RENAULT", model_code, "ELEC", model_code[:3]))


def kca(car: SimCar, attributes: dict[str, Any], type_: str = "Car") -> dict[str, Any]:
    """The KCA `data.attributes` envelope; newer cars omit `type`."""
    data: dict[str, Any] = {"id": car.vin, "attributes": attributes}
    if car.model_code not in _NEW_PLATFORM:
        data = {"type": type_, **data}
    return {"data": data}


def vehicle_details(car: SimCar) -> dict[str, Any]:
    """The `vehicleDetails` object of §3.6."""
    brand, label, energy, family = model_label(car.model_code)
    electric = energy in ("ELEC", "ELECX")
    return {
        "vin": car.vin,
        "registrationNumber": car.plate,
        "brand": {"label": brand},
        "model": {"code": car.model_code, "label": label, "group": "971"},
        "family": {"code": family, "label": f"FAMILLE {family}", "group": "007"},
        "energy": {"code": energy, "label": "ELECTRIQUE" if electric else "ESSENCE", "group": "019"},
        "engineEnergyType": "ELEC" if electric else "OTHER",
        "connectivityTechnology": "RLINK1" if car.model_code in _GDC else "OPENRLINK",
        "electrical": electric,
        "assets": [],
    }


def vehicles_body(account: SimAccount) -> dict[str, Any]:
    """`GET accounts/{id}/vehicles` (§3.6)."""
    links = [
        {
            "brand": model_label(car.model_code)[0],
            "vin": car.vin,
            "status": "ACTIVE",
            "linkType": "OWNER",
            "mileage": int(car.mileage_km),
            "vehicleDetails": vehicle_details(car),
        }
        for car in account.vehicles
    ]
    return {"accountId": account.account_id, "country": account.country, "vehicleLinks": links}


def person_body(account: SimAccount) -> dict[str, Any]:
    """`GET persons/{personId}` (§3.5): one MYRENAULT account plus the CRM one without vehicles."""
    accounts = [
        {
            "accountId": account.account_id,
            "accountType": "MYRENAULT",
            "accountStatus": "ACTIVE",
            "country": account.country,
            "personId": account.person_id,
            "relationType": "OWNER",
        },
        {
            "accountId": f"sfdc-{account.account_id}",
            "accountType": "SFDC",
            "accountStatus": "ACTIVE",
            "country": account.country,
            "personId": account.person_id,
            "relationType": "OWNER",
        },
    ]
    return {
        "personId": account.person_id,
        "type": "I",
        "country": account.country,
        "idp": {"idpType": "GIGYA", "idpStatus": "ACTIVE", "login": account.email, "loginType": "EMAIL"},
        "accounts": accounts,
        "locale": account.locale.replace("_", "-"),
    }


def _battery(car: SimCar, now: datetime, q: dict[str, str]) -> dict[str, Any]:
    gdc = car.model_code in _GDC
    if car.charging:
        status = 1.0
    elif not car.plugged:
        status = -1.0 if gdc else 0.0
    elif car.charge_ended:
        status = 0.2
    elif car.charge_mode == "scheduled" and not car.paused:
        status = 0.1
    else:
        status = 0.0
    power = car.power_kw if car.charging else 0.0
    attrs: dict[str, Any] = {
        "timestamp": iso(car.reported_at or now),
        "batteryLevel": car.level,
        "batteryAutonomy": car.range_km,
        "batteryCapacity": 0,
        "batteryAvailableEnergy": car.available_energy_kwh,
        "plugStatus": 1 if car.plugged else 0,
        "chargingStatus": status,
        "chargingRemainingTime": car.remaining_minutes(),
    }
    if car.plugged:
        attrs["chargingInstantaneousPower"] = power * 1000.0 if gdc else power
    if car.model_code in _NEW_PLATFORM:
        attrs["V2L_SystemStatusDisplay"] = 0
        attrs["chargingRemainingTimeLastUpdateDateTime"] = iso(car.reported_at or now)
    else:
        attrs["batteryTemperature"] = 20
    return kca(car, attrs)


def _cockpit(car: SimCar, now: datetime, q: dict[str, str]) -> dict[str, Any]:
    attrs: dict[str, Any] = {"totalMileage": round(car.mileage_km, 2)}
    if car.model_code in _NEW_PLATFORM:
        attrs["fuelQuantity"] = 0.0
        attrs["timestamp"] = iso(car.reported_at or now)
    return kca(car, attrs)


def _hvac_status(car: SimCar, now: datetime, q: dict[str, str]) -> dict[str, Any]:
    if car.model_code in _GDC:
        # Zoe phase 1 always reports "off", even while pre-conditioning (§8 item 10).
        return kca(car, {"externalTemperature": car.outside_temperature_c, "hvacStatus": "off"})
    attrs: dict[str, Any] = {
        "hvacStatus": "on" if car.hvac_on else "off",
        "socThreshold": float(car.soc_min),
        "lastUpdateTime": iso(car.reported_at or now),
    }
    if car.hvac_ready_at is not None:
        attrs["nextHvacStartDate"] = iso(car.hvac_ready_at - HVAC_RUN)
    if car.model_code in _NEW_PLATFORM:
        attrs["internalTemperature"] = car.hvac_target_c if car.hvac_on else car.cabin_temperature_c
    else:
        attrs["externalTemperature"] = car.outside_temperature_c
    return kca(car, attrs)


def _hvac_settings(car: SimCar, now: datetime, q: dict[str, str]) -> dict[str, Any]:
    schedules = car.hvac_schedules or [{"id": i, "activated": False} for i in range(1, 6)]
    return kca(car, {"dateTime": iso(now), "mode": "scheduled", "schedules": schedules})


def _location(car: SimCar, now: datetime, q: dict[str, str]) -> dict[str, Any]:
    attrs = {
        "gpsDirection": None,
        "gpsLatitude": car.latitude,
        "gpsLongitude": car.longitude,
        "lastUpdateTime": iso(car.location_at or now),
    }
    return kca(car, attrs)


def _lock_status(car: SimCar, now: datetime, q: dict[str, str]) -> dict[str, Any]:
    names = ("DoorRearLeft", "DoorRearRight", "DoorDriver", "DoorPassenger")
    if car.model_code in _STATUS_DOOR_NAMING:
        doors = {f"status{n}": "closed" for n in names} | {"statusDoorTailGate": "closed"}
    else:
        doors = {f"doorStatus{n[4:]}": "closed" for n in names} | {"hatchStatus": "closed"}
    lock = "locked" if car.locked else "unlocked"
    return kca(car, {"lockStatus": lock, **doors, "lastUpdateTime": iso(car.reported_at or now)})


def _res_state(car: SimCar, now: datetime, q: dict[str, str]) -> dict[str, Any]:
    return kca(car, {"details": "Stopped, ready for RES", "code": "10"}, "ResState")


def _pressure(car: SimCar, now: datetime, q: dict[str, str]) -> dict[str, Any]:
    attrs: dict[str, Any] = {f"{w}Pressure": 2600 for w in ("fl", "fr", "rl", "rr")}
    attrs |= {f"{w}Status": 0 for w in ("fl", "fr", "rl", "rr")}
    return kca(car, attrs)


def _charge_mode(car: SimCar, now: datetime, q: dict[str, str]) -> dict[str, Any]:
    if car.model_code in _GDC:
        mode = "always_charging" if car.charge_mode == "always" else "schedule_mode"
    else:
        mode = car.charge_mode
    return kca(car, {"chargeMode": mode})


def _charging_settings(car: SimCar, now: datetime, q: dict[str, str]) -> dict[str, Any]:
    return kca(car, {"dateTime": iso(now), "mode": car.charge_mode, "schedules": car.schedules})


def _charge_schedule(car: SimCar, now: datetime, q: dict[str, str]) -> dict[str, Any]:
    return kca(car, {"calendar": car.calendar})


def _charges(car: SimCar, now: datetime, q: dict[str, str]) -> dict[str, Any]:
    minutes = car.model_code in _GDC
    start, end = q.get("start", "00000000"), q.get("end", "99999999")
    items = []
    for s in car.sessions:
        if not start <= s.started_at.strftime("%Y%m%d") <= end:
            continue
        seconds = (s.ended_at - s.started_at).total_seconds()
        items.append(
            {
                "chargeStartDate": iso(s.started_at),
                "chargeEndDate": iso(s.ended_at),
                "chargeDuration": round(seconds / 60) if minutes else round(seconds),
                "chargeStartBatteryLevel": s.start_level,
                "chargeEndBatteryLevel": s.end_level,
                "chargeBatteryLevelRecovered": s.end_level - s.start_level,
                "chargeEnergyRecovered": round(s.energy_kwh, 2),
                "chargePower": "slow" if s.power_kw <= 7.4 else "accelerated",
                "chargeStartInstantaneousPower": int(s.power_kw * 1000),
                "chargeEndStatus": "ok" if s.ok else "error",
            }
        )
    return kca(car, {"charges": items})


def _charge_history(car: SimCar, now: datetime, q: dict[str, str]) -> dict[str, Any]:
    period = "month" if q.get("type") == "month" else "day"
    fmt = "%Y%m" if period == "month" else "%Y%m%d"
    buckets: dict[str, list[float]] = {}
    for s in car.sessions:
        bucket = buckets.setdefault(s.started_at.strftime(fmt), [0, 0.0, 0])
        bucket[0] += 1
        bucket[1] += (s.ended_at - s.started_at).total_seconds() / 60
        bucket[2] += 0 if s.ok else 1
    summaries = [
        {
            period: k,
            "totalChargesNumber": int(v[0]),
            "totalChargesDuration": round(v[1]),
            "totalChargesErrors": int(v[2]),
        }
        for k, v in sorted(buckets.items(), reverse=True)
    ]
    return kca(car, {"chargeSummaries": summaries})


def _hvac_sessions(car: SimCar, now: datetime, q: dict[str, str]) -> dict[str, Any]:
    sessions = [
        {"hvacSessionRequestDate": iso(t), "hvacSessionStartDate": iso(t), "hvacSessionEndStatus": "ok"}
        for t in car.hvac_sessions
    ]
    return kca(car, {"hvacSessions": sessions})


def _hvac_history(car: SimCar, now: datetime, q: dict[str, str]) -> dict[str, Any]:
    period = "month" if q.get("type") == "month" else "day"
    fmt = "%Y%m" if period == "month" else "%Y%m%d"
    counts: dict[str, int] = {}
    for t in car.hvac_sessions:
        counts[t.strftime(fmt)] = counts.get(t.strftime(fmt), 0) + 1
    summaries = [
        {period: k, "totalHvacSessionsNumber": v, "totalHvacSessionsErrors": 0}
        for k, v in sorted(counts.items())
    ]
    return kca(car, {"hvacSessionsSummaries": summaries})


def _notification_settings(car: SimCar, now: datetime, q: dict[str, str]) -> dict[str, Any]:
    return kca(car, {})


def _ev_settings(car: SimCar, now: datetime, q: dict[str, str]) -> dict[str, Any]:
    return dict(car.ev_settings)


def _soc_levels(car: SimCar, now: datetime, q: dict[str, str]) -> dict[str, Any]:
    return {
        "lastEnergyUpdateTimestamp": iso(car.reported_at or now),
        "socMin": car.soc_min,
        "socTarget": car.soc_target,
    }


def _alerts(car: SimCar, now: datetime, q: dict[str, str]) -> list[dict[str, Any]]:
    return []


def _gateway(car: SimCar, now: datetime, q: dict[str, str]) -> dict[str, Any]:
    brand, label, energy, family = model_label(car.model_code)
    attrs = {
        "vin": car.vin,
        "brand": brand,
        "carGateway": "GDC" if car.model_code in _GDC else "AVN",
        "canGeneration": "C1A",
        "energy": "electric" if energy.startswith("ELEC") else "gasoline",
        "familyCode": family,
        "modelCodeDetail": car.model_code,
        "modelName": label,
        "registrationNumber": car.plate,
        "deliveryCountry": "FR ",
        "privacyMode": "on" if car.privacy_mode else "off",
    }
    return kca(car, attrs)


ReadRenderer = Callable[[SimCar, datetime, dict[str, str]], Any]

READS: dict[str, ReadRenderer] = {
    "car-adapter": _gateway,
    "battery-status": _battery,
    "cockpit": _cockpit,
    "hvac-status": _hvac_status,
    "hvac-settings": _hvac_settings,
    "location": _location,
    "lock-status": _lock_status,
    "res-state": _res_state,
    "pressure": _pressure,
    "charge-mode": _charge_mode,
    "charging-settings": _charging_settings,
    "charge-schedule": _charge_schedule,
    "charge-schedule/kcm-settings": _ev_settings,
    "charges": _charges,
    "charge-history": _charge_history,
    "hvac-sessions": _hvac_sessions,
    "hvac-history": _hvac_history,
    "notification-settings": _notification_settings,
    "soc-levels": _soc_levels,
    "alerts": _alerts,
}
