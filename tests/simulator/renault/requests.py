"""Build a valid request for any endpoint definition of the client's table."""

from __future__ import annotations

from typing import Any

from bot.renault.endpoints import Endpoint, Method

_SLOT = {"id": 1, "activated": True, "monday": {"startTime": "T01:00Z", "duration": 300}, "tuesday": None}
_HVAC_SLOT = {"id": 1, "activated": True, "monday": {"readyAtTime": "T06:45Z"}, "tuesday": None}
_EXTRA: dict[str, dict[str, Any]] = {
    "hvac-start": {"targetTemperature": 21},
    "charge-set-mode": {"action": "schedule_mode"},
    "charge-set-schedule": {"schedules": [_SLOT]},
    "hvac-set-schedule": {"schedules": [_HVAC_SLOT]},
}
_QUERY: dict[str, dict[str, str]] = {
    "charges": {"start": "20261001", "end": "20261101"},
    "hvac-sessions": {"start": "20261001", "end": "20261101"},
    "charge-history": {"type": "month", "start": "202610", "end": "202611"},
    "hvac-history": {"type": "month", "start": "202610", "end": "202611"},
}
_EV_SETTINGS: dict[str, Any] = {
    "delegatedActivated": False,
    "chargeModeRq": "SCHEDULED",
    "chargeTimeStart": "00:00",
    "chargeDuration": 480,
    "preconditioningTemperature": 21.0,
    "programs": [
        {"programActivationStatus": False, "programType": "CHARGE", "programDepartureTime": "07:30"}
    ],
}


def query_for(definition: Endpoint) -> dict[str, str]:
    """Extra query parameters the endpoint needs."""
    return _QUERY.get(definition.key, {})


def body_for(definition: Endpoint) -> Any:
    """A valid body for an action definition (None for reads)."""
    if definition.method is Method.GET:
        return None
    if definition.id == "charge-start/kcm-settings":
        return dict(_EV_SETTINGS)
    if definition.key == "soc-levels-set":
        return {"socMin": 20, "socTarget": 80}
    if definition.key in ("refresh-location", "refresh-battery-status"):
        return {"data": {"type": definition.data_type}}
    attributes = dict(definition.attributes) | _EXTRA.get(definition.key, {})
    return {"data": {"type": definition.data_type, "attributes": attributes}}
