"""Per-model capability table as data: model code -> endpoint key -> variant or NOT_SUPPORTED.

Transcribed from the support matrix of the protocol reference (§6.4, renault-api 0.6.2) plus the
unit flags of §6.6. Cell tokens: `+` default listed, `.` not listed (default used), `x` not supported,
anything else is the suffix of an alternative definition in `endpoints.ENDPOINTS` (`<key>/<suffix>`).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Final

from bot.renault.endpoints import ALL_KEYS, ENDPOINTS, Endpoint

log = logging.getLogger(__name__)

NOT_SUPPORTED: Final = None
"""Marker of an endpoint the model does not support (no HTTP call is made)."""

MODEL_CODES: tuple[str, ...] = (
    "A4E1VE",
    "A5E1AE",
    "BD11SL",
    "DU31SU",
    "R5E1VE",
    "X071VE",
    "X101VE",
    "X102VE",
    "XBG1VE",
    "XBG2VE",
    "XCB1SE",
    "XCB1VE",
    "XDD1VE",
    "XFB2BI",
    "XFB2BK",
    "XHN1CP",
    "XHN1ML",
    "XHN1SU",
    "XJA1VP",
    "XJA2VP",
    "XJB1SU",
    "XJB2CP",
    "XJB2SU",
    "XJF2BI",
    "XJL2TR",
)

# One row per endpoint key, one token per model in MODEL_CODES order (§6.4).
_MATRIX: Mapping[str, str] = {
    "charge-set-mode": "x x . . x . . . . . . . + . . . . . . . . . . x .",
    "charge-set-schedule": "x x . . x . + . . . . kcm x . . . . . . . . . . x .",
    "charge-start": (
        "kcm-settings kcm-settings x . kcm-settings . + + kcm-pause-resume kcm-settings kcm-settings "
        "kcm kcm-settings . + x x x x x x x x x ."
    ),
    "charge-stop": "x x . . x . . kcm-pause-resume kcm-pause-resume x x x x . . . x x x x x x x x .",
    "horn-start": "+ + x x + . . x x + + + + . x + + + x x x + + + .",
    "lights-start": "+ + x x + . . x x + + + + . x + + + x x x + + + .",
    "hvac-start": "+ + . . + . + + + + + + + . + . x x x x + x x x .",
    "hvac-stop": "+ stop . . stop . + . stop stop . stop + . . . . . . . . . . x .",
    "hvac-set-schedule": "x x . . x . . . . . . . . . . . . . . . . . . x .",
    "refresh-location": ". + . . + . . . + + . . . . . . + . . . . . . + .",
    "alerts": ". x x . + . . . x x . . . . . . x . x x . . x x .",
    "battery-status": "+ + x x + + + + + + + + + + + + x x x x + x x x .",
    "charge-history": "x x x x x x . . x x . x x x . x x x x x x . x x x",
    "charge-mode": "x x x x x x + x x x x x x x . x x x x x x x x x x",
    "charge-schedule": (
        "kcm-settings kcm-settings x x kcm-settings x + x x kcm-settings kcm-settings x kcm-settings x . "
        "kcm-settings x . x x x . x x x"
    ),
    "charges": "+ + . x + . . . . + . . . . . . x . x x . . x x .",
    "charging-settings": ". x x x x + . + x x x + x + + x x x x x + x x x x",
    "cockpit": "+ + + + + + + + + + + + + + + + + + + + + + + + +",
    "hvac-history": ". x x x x x . . x x . x x x x x x . x x x . x x x",
    "hvac-sessions": ". x x x x x . . x x . x x x x x x . x x x . x x x",
    "hvac-settings": ". x x x + + . + x + + + + + x + x . x x + . x x x",
    "hvac-status": "+ + x x + + + + + + + + + + + + x x x x + x x x x",
    "location": "+ + + + + + x + + + + + + x + + + + + + + + + + +",
    "lock-status": "x x x x x x x x x x x x x x x x x + x x x x + x x",
    "notification-settings": "x x x . x x . . x x . x x x x x x . x x x . x x .",
    "pressure": "x x x x x x x + x x x x x x x x x x x x x x x x x",
    "res-state": "x x x x x x x x x x x x x x x x x x x x x x x x x",
    "soc-levels": "+ + x x + . x x x + + + + . . . x x x x x x x x .",
}

# Keys outside renault-api's matrix, derived from it: pause/resume exist where the KCM pause-resume
# endpoint is used; setting SoC limits follows reading them.
_PAUSE_RESUME_MODELS = frozenset({"X102VE", "XBG1VE"})

# §6.6 unit flags.
_WATTS_MODELS = frozenset({"X101VE"})
_DURATION_MINUTES_MODELS = frozenset({"X101VE"})
_KCM_CHARGE_MODELS = frozenset({"XBG1VE"})


@dataclass(frozen=True)
class ModelCapabilities:
    """What one model supports and how it reports units."""

    model_code: str | None
    routes: Mapping[str, Endpoint | None] = field(repr=False)
    reports_power_in_watts: bool = False  # chargingInstantaneousPower in W instead of kW
    charge_durations_in_minutes: bool = False  # charges[].chargeDuration in minutes instead of seconds
    charge_via_kcm: bool = False
    documented: bool = True

    def route(self, key: str) -> Endpoint | None:
        """The definition to call for a logical key, or None when not supported."""
        if key not in self.routes:
            raise KeyError(f"unknown endpoint key {key!r}")
        return self.routes[key]

    def supports(self, key: str) -> bool:
        """True when the model has a definition for the key."""
        return self.routes.get(key) is not None

    @property
    def supported(self) -> frozenset[str]:
        """Every supported logical key."""
        return frozenset(k for k, v in self.routes.items() if v is not None)


def _resolve_token(key: str, token: str) -> Endpoint | None:
    if token == "x":  # noqa: S105 - a matrix cell, not a secret
        return NOT_SUPPORTED
    if token in {"+", "."}:
        return ENDPOINTS[key]
    return ENDPOINTS[f"{key}/{token}"]


def _routes_for(model_code: str | None) -> dict[str, Endpoint | None]:
    column = MODEL_CODES.index(model_code) if model_code in MODEL_CODES else None
    routes: dict[str, Endpoint | None] = {}
    for key in ALL_KEYS:
        row = _MATRIX.get(key)
        if row is not None and column is not None:
            routes[key] = _resolve_token(key, row.split()[column])
        elif key in ("charge-pause", "charge-resume"):
            routes[key] = ENDPOINTS[key] if model_code in _PAUSE_RESUME_MODELS else NOT_SUPPORTED
        else:
            routes[key] = ENDPOINTS[key]
    routes["soc-levels-set"] = ENDPOINTS["soc-levels-set"] if routes["soc-levels"] else NOT_SUPPORTED
    # Programs are written where the reference documents POSTing ev/settings: the charge-start models (§5.4).
    # XHN1CP reads its schedule there too, but its charge start is forbidden, so writing is not assumed.
    kcm_settings = routes.get("charge-start") is ENDPOINTS["charge-start/kcm-settings"]
    routes["charge-set-programs"] = ENDPOINTS["charge-set-programs"] if kcm_settings else NOT_SUPPORTED
    return routes


def _build(model_code: str | None) -> ModelCapabilities:
    return ModelCapabilities(
        model_code=model_code,
        routes=MappingProxyType(_routes_for(model_code)),
        reports_power_in_watts=model_code in _WATTS_MODELS,
        charge_durations_in_minutes=model_code in _DURATION_MINUTES_MODELS,
        charge_via_kcm=model_code in _KCM_CHARGE_MODELS,
        documented=model_code in MODEL_CODES,
    )


_TABLE: Mapping[str, ModelCapabilities] = MappingProxyType({code: _build(code) for code in MODEL_CODES})
_DEFAULT = _build(None)


def capabilities_for(model_code: str | None) -> ModelCapabilities:
    """Capabilities of a model; unknown or missing codes get the default definitions (§6.1)."""
    if model_code is None:
        return _DEFAULT
    known = _TABLE.get(model_code)
    if known is None:
        log.warning("Model %s is not documented; using default endpoint definitions", model_code)
        return ModelCapabilities(model_code, _DEFAULT.routes, documented=False)
    return known
