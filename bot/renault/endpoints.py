"""The Kamereon endpoint table as data: key -> method, path, version, gateway and body envelope.

Paths of vehicle endpoints are relative to `/commerce/v1/accounts/{accountId}/kamereon` (protocol
§4, §5, §6.2). Logical keys (`battery-status`, `charge-start`, ...) are what callers and the per-model
capability table speak; a key maps to one or more concrete definitions (variants) listed here.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from types import MappingProxyType

COMMERCE_ROOT = "/commerce/v1"
ACCOUNT_KAMEREON_ROOT = "/commerce/v1/accounts/{accountId}/kamereon"
PERSON_PATH = "/commerce/v1/persons/{personId}"
VEHICLES_PATH = "/commerce/v1/accounts/{accountId}/vehicles"
VEHICLE_DETAILS_PATH = "/commerce/v1/accounts/{accountId}/vehicles/{vin}/details"
VEHICLE_CONTRACTS_PATH = "/commerce/v1/accounts/{accountId}/vehicles/{vin}/contracts"
KAMEREON_CONTENT_TYPE = "application/vnd.api+json"


class Gateway(StrEnum):
    """Which backend family serves an endpoint."""

    KCA = "kca"  # kca/car-adapter: JSON:API envelopes
    KCM = "kcm"  # kcm/v1/vehicles: newer EVs, settings as bare JSON
    KAMEREON = "kamereon"  # kamereon/vehicles/{vin}/alerts


class Envelope(StrEnum):
    """Shape of a request/response body."""

    ATTRIBUTES = "data.attributes"  # {"data": {"type": ..., "id": ..., "attributes": {...}}}
    BARE = "bare"  # plain JSON object
    BARE_LIST = "bare-list"  # plain JSON array


class Method(StrEnum):
    """HTTP method."""

    GET = "GET"
    POST = "POST"


@dataclass(frozen=True)
class Endpoint:
    """One concrete endpoint definition (a variant of a logical key)."""

    id: str  # unique id of this definition, e.g. "charge-start" or "charge-start/kcm-pause-resume"
    key: str  # the logical key it implements, e.g. "charge-start"
    method: Method
    path: str  # relative to ACCOUNT_KAMEREON_ROOT, with a {vin} placeholder
    version: int | None
    gateway: Gateway
    envelope: Envelope
    data_type: str | None = None  # JSON:API `data.type` of an action body
    attributes: tuple[tuple[str, str], ...] = ()  # fixed attributes of an action body (e.g. action=start)
    query: tuple[str, ...] = ()  # extra query parameter names besides `country`

    def relative_path(self, vin: str) -> str:
        """Path relative to the account's kamereon root."""
        return self.path.format(vin=vin)

    def full_path(self, account_id: str, vin: str) -> str:
        """Path from the Kamereon root URL (starts with /commerce/v1)."""
        return ACCOUNT_KAMEREON_ROOT.format(accountId=account_id) + self.relative_path(vin)


_KCA1 = "/kca/car-adapter/v1/cars/{vin}"
_KCA2 = "/kca/car-adapter/v2/cars/{vin}"
_KCM = "/kcm/v1/vehicles/{vin}"
_HISTORY_QUERY = ("type", "start", "end")
_SESSION_QUERY = ("start", "end")


def _read(
    key: str,
    path: str,
    version: int | None,
    gateway: Gateway = Gateway.KCA,
    *,
    envelope: Envelope = Envelope.ATTRIBUTES,
    query: tuple[str, ...] = (),
    ident: str | None = None,
) -> Endpoint:
    return Endpoint(ident or key, key, Method.GET, path, version, gateway, envelope, query=query)


def _action(
    ident: str,
    key: str,
    path: str,
    data_type: str | None,
    *attributes: tuple[str, str],
    version: int = 1,
    gateway: Gateway = Gateway.KCA,
    envelope: Envelope = Envelope.ATTRIBUTES,
) -> Endpoint:
    return Endpoint(ident, key, Method.POST, path, version, gateway, envelope, data_type, attributes)


_DEFINITIONS: tuple[Endpoint, ...] = (
    # Reads (§4). The car-adapter root is informational; cockpit is v1 (v2 is a stale alias).
    _read("car-adapter", _KCA2, 2),
    _read("battery-status", _KCA2 + "/battery-status", 2),
    _read("cockpit", _KCA1 + "/cockpit", 1),
    _read("hvac-status", _KCA1 + "/hvac-status", 1),
    _read("hvac-settings", _KCA1 + "/hvac-settings", 1),
    _read("location", _KCA1 + "/location", 1),
    _read("lock-status", _KCA1 + "/lock-status", 1),
    _read("res-state", _KCA1 + "/res-state", 1),
    _read("pressure", _KCA1 + "/pressure", 1),
    _read("charge-mode", _KCA1 + "/charge-mode", 1),
    _read("charging-settings", _KCA1 + "/charging-settings", 1),
    _read("charge-schedule", _KCA1 + "/charge-schedule", 1),
    _read(
        "charge-schedule",
        _KCM + "/ev/settings",
        1,
        Gateway.KCM,
        envelope=Envelope.BARE,
        ident="charge-schedule/kcm-settings",
    ),
    _read("charges", _KCA1 + "/charges", 1, query=_SESSION_QUERY),
    _read("charge-history", _KCA1 + "/charge-history", 1, query=_HISTORY_QUERY),
    _read("hvac-sessions", _KCA1 + "/hvac-sessions", 1, query=_SESSION_QUERY),
    _read("hvac-history", _KCA1 + "/hvac-history", 1, query=_HISTORY_QUERY),
    _read("notification-settings", _KCA1 + "/notification-settings", 1),
    _read("soc-levels", _KCM + "/ev/soc-levels", 1, Gateway.KCM, envelope=Envelope.BARE),
    _read("alerts", "/vehicles/{vin}/alerts", None, Gateway.KAMEREON, envelope=Envelope.BARE_LIST),
    # Actions (§5).
    _action("hvac-start", "hvac-start", _KCA1 + "/actions/hvac-start", "HvacStart", ("action", "start")),
    _action("hvac-stop", "hvac-stop", _KCA1 + "/actions/hvac-start", "HvacStart", ("action", "cancel")),
    _action("hvac-stop/stop", "hvac-stop", _KCA1 + "/actions/hvac-start", "HvacStart", ("action", "stop")),
    _action(
        "charge-start",
        "charge-start",
        _KCA1 + "/actions/charging-start",
        "ChargingStart",
        ("action", "start"),
    ),
    _action(
        "charge-stop", "charge-stop", _KCA1 + "/actions/charging-start", "ChargingStart", ("action", "stop")
    ),
    _action(
        "charge-start/kcm",
        "charge-start",
        _KCM + "/charge/start",
        "ChargingStart",
        ("action", "start"),
        gateway=Gateway.KCM,
    ),
    _action(
        "charge-start/kcm-pause-resume",
        "charge-start",
        _KCM + "/charge/pause-resume",
        "ChargePauseResume",
        ("action", "resume"),
        gateway=Gateway.KCM,
    ),
    _action(
        "charge-stop/kcm-pause-resume",
        "charge-stop",
        _KCM + "/charge/pause-resume",
        "ChargePauseResume",
        ("action", "pause"),
        gateway=Gateway.KCM,
    ),
    # Charge start for the newest EVs: GET ev/settings, deactivate every program, POST it back (§5.4).
    _action(
        "charge-start/kcm-settings",
        "charge-start",
        _KCM + "/ev/settings",
        None,
        gateway=Gateway.KCM,
        envelope=Envelope.BARE,
    ),
    _action(
        "charge-pause",
        "charge-pause",
        _KCM + "/charge/pause-resume",
        "ChargePauseResume",
        ("action", "pause"),
        gateway=Gateway.KCM,
    ),
    _action(
        "charge-resume",
        "charge-resume",
        _KCM + "/charge/pause-resume",
        "ChargePauseResume",
        ("action", "resume"),
        gateway=Gateway.KCM,
    ),
    _action("charge-set-mode", "charge-set-mode", _KCA1 + "/actions/charge-mode", "ChargeMode"),
    _action(
        "charge-set-schedule",
        "charge-set-schedule",
        _KCA2 + "/actions/charge-schedule",
        "ChargeSchedule",
        version=2,
    ),
    _action(
        "charge-set-schedule/kcm",
        "charge-set-schedule",
        _KCM + "/charge/schedule",
        "ChargeSchedule",
        gateway=Gateway.KCM,
    ),
    _action(
        "hvac-set-schedule", "hvac-set-schedule", _KCA2 + "/actions/hvac-schedule", "HvacSchedule", version=2
    ),
    _action(
        "horn-start",
        "horn-start",
        _KCA1 + "/actions/horn-lights",
        "HornLights",
        ("action", "start"),
        ("target", "horn"),
    ),
    _action(
        "lights-start",
        "lights-start",
        _KCA1 + "/actions/horn-lights",
        "HornLights",
        ("action", "start"),
        ("target", "lights"),
    ),
    _action("refresh-location", "refresh-location", _KCA1 + "/actions/refresh-location", "RefreshLocation"),
    _action(
        "refresh-battery-status",
        "refresh-battery-status",
        _KCA1 + "/actions/refresh-battery-status",
        "RefreshBatteryStatus",
    ),
    _action(
        "soc-levels-set",
        "soc-levels-set",
        _KCM + "/ev/soc-levels",
        None,
        gateway=Gateway.KCM,
        envelope=Envelope.BARE,
    ),
)

# Writing the charge programs of the newest EVs is the same POST ev/settings as their charge start (§5.4, the
# whole object sent back), with programs left active. The backend tells the two apart by the body only, so
# this key stays out of ALL_KEYS (probing it is probing charge-start); capabilities derive it per model.
_SHARED_WIRE: tuple[Endpoint, ...] = (
    _action(
        "charge-set-programs",
        "charge-set-programs",
        _KCM + "/ev/settings",
        None,
        gateway=Gateway.KCM,
        envelope=Envelope.BARE,
    ),
)

ENDPOINTS: Mapping[str, Endpoint] = MappingProxyType({e.id: e for e in _DEFINITIONS + _SHARED_WIRE})
"""Every concrete endpoint definition by id; the default variant of a key has id == key."""

READ_KEYS: tuple[str, ...] = tuple(dict.fromkeys(e.key for e in _DEFINITIONS if e.method is Method.GET))
ACTION_KEYS: tuple[str, ...] = tuple(dict.fromkeys(e.key for e in _DEFINITIONS if e.method is Method.POST))
ALL_KEYS: tuple[str, ...] = READ_KEYS + ACTION_KEYS


def endpoint(endpoint_id: str) -> Endpoint:
    """The definition with this id (raises KeyError for an unknown id)."""
    return ENDPOINTS[endpoint_id]


def variants(key: str) -> tuple[Endpoint, ...]:
    """Every definition implementing a logical key, default first."""
    return tuple(e for e in _DEFINITIONS + _SHARED_WIRE if e.key == key)
