"""The backend's own Kamereon path table and per-model support, written from docs/renault-protocol.md.

Deliberately independent of the client (bot.renault.endpoints / capabilities): both are transcribed from
the protocol reference, so a wrong path or a wrong support cell on either side makes a test fail instead
of being mirrored. Paths are relative to `/commerce/v1/accounts/{accountId}/kamereon` (§3.1); a route
name is what the request log and fault filters use ("charge-start/kcm-settings": feature/wire variant).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

DEFAULT = "default"  # the wire of §6.2's default definitions

_V1 = "/kca/car-adapter/v1/cars/{vin}"
_V2 = "/kca/car-adapter/v2/cars/{vin}"
_KCM = "/kcm/v1/vehicles/{vin}"


@dataclass(frozen=True, slots=True)
class Route:
    """One request shape the backend knows: method, path template and, on shared URLs, the body it carries."""

    name: str
    method: str
    path: str
    features: tuple[str, ...]  # what the request does; a model accepts it when one of them uses `wire`
    wire: frozenset[str] = frozenset({DEFAULT})  # the per-model variants under which this route answers
    attributes: tuple[tuple[str, str], ...] = ()  # fixed `data.attributes` that pick it on a shared URL
    query: tuple[str, ...] = ()  # required query parameters besides `country`

    @property
    def is_action(self) -> bool:
        """True for a POST."""
        return self.method == "POST"

    @property
    def feature(self) -> str:
        """The main feature, for refusal reasons and privacy checks."""
        return self.features[0]

    def matches(self, body: Any) -> bool:
        """Whether the body carries this route's fixed attributes."""
        if not self.attributes:
            return True
        data = body.get("data") if isinstance(body, dict) else None
        attrs = data.get("attributes") if isinstance(data, dict) else None
        return isinstance(attrs, dict) and all(attrs.get(k) == v for k, v in self.attributes)


def _get(name: str, path: str, *, wire: str = DEFAULT, feature: str | None = None, query: str = "") -> Route:
    return Route(name, "GET", path, (feature or name,), frozenset({wire}), query=tuple(query.split()))


def _post(
    name: str,
    path: str,
    *attributes: tuple[str, str],
    features: tuple[str, ...] | None = None,
    wire: frozenset[str] = frozenset({DEFAULT}),
) -> Route:
    return Route(name, "POST", path, features or (name.split("/")[0],), wire, attributes)


_START, _STOP, _RESUME, _PAUSE = (
    ("action", "start"),
    ("action", "stop"),
    ("action", "resume"),
    ("action", "pause"),
)
_EITHER_HVAC_STOP = frozenset({DEFAULT, "stop"})  # "cancel" and "stop" reach the same URL on every model
_PAUSE_RESUME = frozenset({"kcm-pause-resume"})
# The pause-resume URL exists for a model when either charge direction uses it; the first feature names
# the direction (refusal reasons are looked up under it).
_CHARGE = ("charge-start", "charge-stop")

ROUTES: tuple[Route, ...] = (
    # Reads (§4.0).
    _get("car-adapter", _V2),
    _get("battery-status", _V2 + "/battery-status"),
    _get("cockpit", _V1 + "/cockpit"),
    _get("cockpit", _V2 + "/cockpit"),  # requested as v2 for years; still answered (§4.0)
    _get("hvac-status", _V1 + "/hvac-status"),
    _get("hvac-settings", _V1 + "/hvac-settings"),
    _get("location", _V1 + "/location"),
    _get("lock-status", _V1 + "/lock-status"),
    _get("res-state", _V1 + "/res-state"),
    _get("pressure", _V1 + "/pressure"),
    _get("charge-mode", _V1 + "/charge-mode"),
    _get("charging-settings", _V1 + "/charging-settings"),
    _get("charge-schedule", _V1 + "/charge-schedule"),
    _get(
        "charge-schedule/kcm-settings", _KCM + "/ev/settings", wire="kcm-settings", feature="charge-schedule"
    ),
    _get("charges", _V1 + "/charges", query="start end"),
    _get("charge-history", _V1 + "/charge-history", query="start end"),
    _get("hvac-sessions", _V1 + "/hvac-sessions", query="start end"),
    _get("hvac-history", _V1 + "/hvac-history", query="start end"),
    _get("notification-settings", _V1 + "/notification-settings"),
    _get("soc-levels", _KCM + "/ev/soc-levels"),
    _get("alerts", "/vehicles/{vin}/alerts"),
    # Actions (§5.0).
    _post("hvac-start", _V1 + "/actions/hvac-start", _START),
    _post("hvac-stop", _V1 + "/actions/hvac-start", ("action", "cancel"), wire=_EITHER_HVAC_STOP),
    _post("hvac-stop/stop", _V1 + "/actions/hvac-start", _STOP, wire=_EITHER_HVAC_STOP),
    _post("charge-start", _V1 + "/actions/charging-start", _START),
    _post("charge-stop", _V1 + "/actions/charging-start", _STOP),
    _post("charge-start/kcm", _KCM + "/charge/start", _START, wire=frozenset({"kcm"})),
    _post(
        "charge-start/kcm-pause-resume",
        _KCM + "/charge/pause-resume",
        _RESUME,
        features=_CHARGE,
        wire=_PAUSE_RESUME,
    ),
    _post(
        "charge-stop/kcm-pause-resume",
        _KCM + "/charge/pause-resume",
        _PAUSE,
        features=_CHARGE[::-1],  # refused like a charge stop
        wire=_PAUSE_RESUME,
    ),
    # The app's "charge now" and a program rewrite are the same POST; only the body differs (§5.4).
    _post("charge-start/kcm-settings", _KCM + "/ev/settings", wire=frozenset({"kcm-settings"})),
    _post("charge-set-mode", _V1 + "/actions/charge-mode"),
    _post("charge-set-schedule", _V2 + "/actions/charge-schedule"),
    _post("charge-set-schedule/kcm", _KCM + "/charge/schedule", wire=frozenset({"kcm"})),
    _post("hvac-set-schedule", _V2 + "/actions/hvac-schedule"),
    _post("horn-start", _V1 + "/actions/horn-lights", _START, ("target", "horn")),
    _post("lights-start", _V1 + "/actions/horn-lights", _START, ("target", "lights")),
    _post("refresh-location", _V1 + "/actions/refresh-location"),
    _post("refresh-battery-status", _V1 + "/actions/refresh-battery-status"),
    _post("soc-levels-set", _KCM + "/ev/soc-levels", features=("soc-levels",)),  # allowed where the read is
)

_BY_PATH: dict[tuple[str, str], list[Route]] = {}
for _route in ROUTES:
    _BY_PATH.setdefault((_route.method, _route.path), []).append(_route)


def find_route(method: str, template: str, body: Any) -> Route | None:
    """The route a request is, from its method, `{vin}` path template and body; None for an unknown URL."""
    return next((r for r in _BY_PATH.get((method, template), []) if r.matches(body)), None)


@dataclass(frozen=True, slots=True)
class _Model:
    off: str  # features the backend refuses for this model (§6.4 "✗" cells)
    via: Mapping[str, str] = field(default_factory=dict)  # feature -> non-default wire (§6.2 alternatives)


_EV_SETTINGS = {"charge-start": "kcm-settings", "charge-schedule": "kcm-settings"}
_CLIO_V = (
    "charge-start charge-stop horn-start lights-start hvac-start alerts battery-status charge-history "
    "charge-mode charge-schedule charges charging-settings hvac-history hvac-sessions hvac-settings "
    "hvac-status lock-status notification-settings pressure res-state soc-levels"
)

# One entry per model code of §6.3, read column by column from the support matrix of §6.4.
MODELS: Mapping[str, _Model] = MappingProxyType(
    {
        "A4E1VE": _Model(
            "charge-set-mode charge-set-schedule charge-stop hvac-set-schedule charge-history charge-mode "
            "lock-status notification-settings pressure res-state",
            _EV_SETTINGS,
        ),
        "A5E1AE": _Model(
            "charge-set-mode charge-set-schedule charge-stop hvac-set-schedule alerts charge-history "
            "charge-mode charging-settings hvac-history hvac-sessions hvac-settings lock-status "
            "notification-settings pressure res-state",
            {**_EV_SETTINGS, "hvac-stop": "stop"},
        ),
        "BD11SL": _Model(
            "charge-start horn-start lights-start alerts battery-status charge-history charge-mode "
            "charge-schedule charging-settings hvac-history hvac-sessions hvac-settings hvac-status "
            "lock-status notification-settings pressure res-state soc-levels"
        ),
        "DU31SU": _Model(
            "horn-start lights-start battery-status charge-history charge-mode charge-schedule charges "
            "charging-settings hvac-history hvac-sessions hvac-settings hvac-status lock-status pressure "
            "res-state soc-levels"
        ),
        "R5E1VE": _Model(
            "charge-set-mode charge-set-schedule charge-stop hvac-set-schedule charge-history charge-mode "
            "charging-settings hvac-history hvac-sessions lock-status notification-settings pressure "
            "res-state",
            {**_EV_SETTINGS, "hvac-stop": "stop"},
        ),
        "X071VE": _Model(
            "charge-history charge-mode charge-schedule hvac-history hvac-sessions lock-status "
            "notification-settings pressure res-state"
        ),
        "X101VE": _Model("location lock-status pressure res-state soc-levels"),
        "X102VE": _Model(
            "horn-start lights-start charge-mode charge-schedule lock-status res-state soc-levels",
            {"charge-stop": "kcm-pause-resume"},
        ),
        "XBG1VE": _Model(
            "horn-start lights-start alerts charge-history charge-mode charge-schedule charging-settings "
            "hvac-history hvac-sessions hvac-settings lock-status notification-settings pressure "
            "res-state soc-levels",
            {"charge-start": "kcm-pause-resume", "charge-stop": "kcm-pause-resume", "hvac-stop": "stop"},
        ),
        "XBG2VE": _Model(
            "charge-stop alerts charge-history charge-mode charging-settings hvac-history hvac-sessions "
            "lock-status notification-settings pressure res-state",
            {**_EV_SETTINGS, "hvac-stop": "stop"},
        ),
        "XCB1SE": _Model(
            "charge-stop charge-mode charging-settings lock-status pressure res-state", _EV_SETTINGS
        ),
        "XCB1VE": _Model(
            "charge-stop charge-history charge-mode charge-schedule hvac-history hvac-sessions "
            "lock-status notification-settings pressure res-state",
            {"charge-start": "kcm", "charge-set-schedule": "kcm", "hvac-stop": "stop"},
        ),
        "XDD1VE": _Model(
            "charge-set-schedule charge-stop charge-history charge-mode charging-settings hvac-history "
            "hvac-sessions lock-status notification-settings pressure res-state",
            _EV_SETTINGS,
        ),
        "XFB2BI": _Model(
            "charge-history charge-mode charge-schedule hvac-history hvac-sessions location lock-status "
            "notification-settings pressure res-state"
        ),
        "XFB2BK": _Model(
            "horn-start lights-start hvac-history hvac-sessions hvac-settings lock-status "
            "notification-settings pressure res-state"
        ),
        "XHN1CP": _Model(
            "charge-start charge-history charge-mode charging-settings hvac-history hvac-sessions "
            "lock-status notification-settings pressure res-state",
            {"charge-schedule": "kcm-settings"},
        ),
        "XHN1ML": _Model(
            "charge-start charge-stop hvac-start alerts battery-status charge-history charge-mode "
            "charge-schedule charges charging-settings hvac-history hvac-sessions hvac-settings "
            "hvac-status lock-status notification-settings pressure res-state soc-levels"
        ),
        "XHN1SU": _Model(
            "charge-start charge-stop hvac-start battery-status charge-history charge-mode "
            "charging-settings hvac-status pressure res-state soc-levels"
        ),
        "XJA1VP": _Model(_CLIO_V),
        "XJA2VP": _Model(_CLIO_V),
        "XJB1SU": _Model(
            "charge-start charge-stop horn-start lights-start charge-history charge-mode charge-schedule "
            "hvac-history hvac-sessions lock-status notification-settings pressure res-state soc-levels"
        ),
        "XJB2CP": _Model(
            "charge-start charge-stop hvac-start battery-status charge-mode charging-settings hvac-status "
            "lock-status pressure res-state soc-levels"
        ),
        "XJB2SU": _Model(
            "charge-start charge-stop hvac-start alerts battery-status charge-history charge-mode "
            "charge-schedule charges charging-settings hvac-history hvac-sessions hvac-settings "
            "hvac-status notification-settings pressure res-state soc-levels"
        ),
        "XJF2BI": _Model(
            "charge-set-mode charge-set-schedule charge-start charge-stop hvac-start hvac-stop "
            "hvac-set-schedule alerts battery-status charge-history charge-mode charge-schedule charges "
            "charging-settings hvac-history hvac-sessions hvac-settings hvac-status lock-status "
            "notification-settings pressure res-state soc-levels"
        ),
        "XJL2TR": _Model(
            "charge-history charge-mode charge-schedule charging-settings hvac-history hvac-sessions "
            "hvac-settings hvac-status lock-status pressure res-state"
        ),
    }
)


def wire_for(model_code: str, feature: str) -> str | None:
    """The wire variant this model uses for a feature, or None when the backend refuses it.

    Models missing from the table get every default (§6.1): the real backend answers them as it answers
    any car, which is what a client falling back to the defaults sees.
    """
    model = MODELS.get(model_code)
    if model is None:
        return DEFAULT
    if feature in model.off.split():
        return None
    return model.via.get(feature, DEFAULT)


def accepts(model_code: str, route: Route) -> bool:
    """Whether the backend answers this route for this model (otherwise it refuses, §6.5)."""
    return any(wire_for(model_code, feature) in route.wire for feature in route.features)


FEATURES: frozenset[str] = frozenset(feature for route in ROUTES for feature in route.features)
"""Every feature a route serves (a name in MODELS outside this set would be a silent typo)."""
