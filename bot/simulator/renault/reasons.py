"""How the real backend refuses an endpoint a model does not support (protocol §6.5), as data."""

from __future__ import annotations

from bot.simulator.renault.wire import (
    FORBIDDEN,
    HTTP_400,
    HTTP_404,
    INVALID_BODY,
    INVALID_BODY_FORMAT,
    METHOD_NOT_ALLOWED,
    MISSING_PARAM,
    NO_DATA,
    NO_GDC,
    NOT_FOUND,
    NOT_SUPPORTED,
    TECH_502000,
    URL_NOT_FOUND,
    VCPS_CHARGE_MODE,
    VCPS_CHARGE_SCHEDULE,
    VCPS_HVAC_SETTINGS,
    VCPS_NOTIFICATIONS,
    KamereonRefusal,
)

_TOKENS: dict[str, KamereonRefusal] = {
    "F": FORBIDDEN,
    "N": NOT_FOUND,
    "U": URL_NOT_FOUND,
    "D": NO_DATA,
    "G": NO_GDC,
    "B": INVALID_BODY,
    "BF": INVALID_BODY_FORMAT,
    "M": METHOD_NOT_ALLOWED,
    "P": MISSING_PARAM,
    "VM": VCPS_CHARGE_MODE,
    "VS": VCPS_CHARGE_SCHEDULE,
    "VH": VCPS_HVAC_SETTINGS,
    "VN": VCPS_NOTIFICATIONS,
    "T": TECH_502000,
    "S": NOT_SUPPORTED,
    "H400": HTTP_400,
    "H404": HTTP_404,
}

_CLIO = (
    "charge-start:F charge-stop:BF horn-start:F hvac-start:F lights-start:F alerts:U battery-status:N "
    "charge-history:U charge-mode:F charge-schedule:F charges:N charging-settings:F hvac-history:U "
    "hvac-sessions:U hvac-settings:F hvac-status:N lock-status:N notification-settings:VN pressure:N "
    "res-state:N soc-levels:F"
)

# model -> "key:TOKEN ..." (a key may also be a variant id such as charge-stop/kcm-pause-resume).
_RECORDED: dict[str, str] = {
    "A4E1VE": (
        "charge-set-mode:B charge-set-schedule:F charge-stop:BF hvac-set-schedule:F charge-history:U "
        "charge-mode:F lock-status:D notification-settings:G pressure:D res-state:D"
    ),
    "A5E1AE": (
        "charge-set-mode:F charge-set-schedule:F charge-stop:BF hvac-set-schedule:F alerts:U "
        "charge-history:U charge-mode:F charging-settings:F hvac-history:U hvac-sessions:U lock-status:N "
        "notification-settings:G pressure:N res-state:N hvac-settings:T"
    ),
    "BD11SL": (
        "charge-start:F horn-start:F lights-start:F alerts:U battery-status:N charge-history:U charge-mode:F "
        "charge-schedule:F charging-settings:F hvac-settings:F hvac-history:U hvac-sessions:U hvac-status:N "
        "lock-status:N pressure:N res-state:N notification-settings:G soc-levels:F"
    ),
    "DU31SU": (
        "horn-start:F lights-start:F battery-status:N charge-history:U charge-mode:F charge-schedule:F "
        "charges:N charging-settings:F hvac-history:U hvac-sessions:U hvac-settings:F hvac-status:N "
        "lock-status:N pressure:N res-state:N soc-levels:F"
    ),
    "R5E1VE": (
        "charge-set-mode:F charge-set-schedule:F charge-stop:BF hvac-set-schedule:F charge-history:U "
        "charge-mode:F charging-settings:F hvac-history:U hvac-sessions:U lock-status:N "
        "notification-settings:VN pressure:N res-state:F"
    ),
    "X071VE": (
        "charge-history:U charge-mode:VM charge-schedule:VS hvac-history:U hvac-sessions:U lock-status:N "
        "notification-settings:VN pressure:N res-state:N"
    ),
    "X101VE": "location:S lock-status:S pressure:S res-state:S soc-levels:S",
    "X102VE": (
        "horn-start:F lights-start:F charge-mode:H400 charge-schedule:H404 lock-status:H404 res-state:H404 "
        "soc-levels:F"
    ),
    "XBG1VE": (
        "horn-start:F lights-start:F alerts:U charge-history:U charge-mode:F charge-schedule:F "
        "charging-settings:F hvac-history:U hvac-sessions:U hvac-settings:VH lock-status:N "
        "notification-settings:VN pressure:N res-state:N soc-levels:F"
    ),
    "XBG2VE": (
        "charge-stop:BF charge-stop/kcm-pause-resume:F alerts:U charge-history:U hvac-history:U "
        "hvac-sessions:U charge-mode:F charging-settings:F lock-status:D pressure:D res-state:D "
        "notification-settings:G"
    ),
    "XCB1SE": (
        "charge-stop:BF charge-stop/kcm-pause-resume:F charging-settings:F pressure:N charge-mode:F "
        "lock-status:N res-state:N"
    ),
    "XCB1VE": (
        "charge-stop:BF charge-history:U charge-mode:VM charge-schedule:VS hvac-history:U hvac-sessions:U "
        "lock-status:N notification-settings:VN pressure:N res-state:N"
    ),
    "XDD1VE": (
        "charge-set-schedule:F charge-stop:F charge-history:U charge-mode:F charging-settings:F "
        "hvac-history:U hvac-sessions:U lock-status:D notification-settings:G pressure:D res-state:D"
    ),
    "XFB2BI": (
        "charge-history:U charge-mode:VM charge-schedule:VS hvac-history:U hvac-sessions:U location:N "
        "lock-status:N notification-settings:VN pressure:N res-state:N"
    ),
    "XFB2BK": (
        "horn-start:F lights-start:F hvac-history:U hvac-sessions:U hvac-settings:U lock-status:N "
        "pressure:N res-state:N notification-settings:VN"
    ),
    "XHN1CP": (
        "charge-start:F charge-history:U charge-mode:F charging-settings:F hvac-history:U hvac-sessions:U "
        "lock-status:N notification-settings:VN pressure:N res-state:N"
    ),
    "XHN1ML": (
        "charge-start:F charge-stop:U hvac-start:F alerts:U battery-status:N charge-history:U charge-mode:F "
        "charge-schedule:F charges:N charging-settings:F hvac-history:U hvac-sessions:U hvac-settings:F "
        "hvac-status:N lock-status:N notification-settings:VN pressure:N res-state:N soc-levels:N"
    ),
    "XHN1SU": (
        "charge-start:F charge-stop:U hvac-start:M battery-status:N charge-history:U charge-mode:F "
        "charging-settings:F pressure:H404 soc-levels:F hvac-status:N res-state:N"
    ),
    "XJA1VP": _CLIO,
    "XJA2VP": _CLIO,
    "XJB1SU": (
        "charge-start:U charge-stop:U horn-start:U lights-start:U charge-history:U charge-mode:VM "
        "charge-schedule:VS hvac-history:U hvac-sessions:U lock-status:N notification-settings:VN "
        "pressure:N res-state:N soc-levels:F"
    ),
    "XJB2CP": (
        "charge-start:F charge-stop:BF hvac-start:F battery-status:N charge-mode:F charging-settings:F "
        "hvac-status:N lock-status:N pressure:N res-state:N soc-levels:F"
    ),
    "XJB2SU": (
        "charge-start:U charge-stop:U hvac-start:U alerts:U battery-status:U charge-history:U hvac-history:U "
        "hvac-sessions:U hvac-status:U soc-levels:U charge-mode:F charge-schedule:F charging-settings:F "
        "hvac-settings:F charges:N notification-settings:VN pressure:N res-state:N"
    ),
    "XJF2BI": (
        "charge-set-mode:F charge-set-schedule:F charge-start:F charge-stop:F hvac-set-schedule:F "
        "hvac-start:F hvac-stop:F alerts:U battery-status:N charge-history:U charge-mode:F charge-schedule:F "
        "charges:P charging-settings:F hvac-history:U hvac-sessions:U hvac-settings:F hvac-status:N "
        "lock-status:N notification-settings:G pressure:N res-state:N soc-levels:F"
    ),
    "XJL2TR": (
        "charge-history:U charge-mode:F charge-schedule:F charging-settings:F hvac-history:U hvac-sessions:U "
        "hvac-settings:U hvac-status:N lock-status:N pressure:N res-state:N"
    ),
}


def _parse(spec: str) -> dict[str, KamereonRefusal]:
    pairs = (item.split(":") for item in spec.split())
    return {key: _TOKENS[token] for key, token in pairs}


REASONS: dict[str, dict[str, KamereonRefusal]] = {model: _parse(spec) for model, spec in _RECORDED.items()}

# Keys derived from another one answer like it (setting SoC limits follows reading them).
_ALIASES = {"soc-levels-set": "soc-levels", "charge-pause": "charge-stop", "charge-resume": "charge-start"}


def refusal(model_code: str, endpoint_id: str, key: str, *, is_action: bool) -> KamereonRefusal:
    """The error the backend gives this model for an endpoint it does not support."""
    recorded = REASONS.get(model_code, {})
    for candidate in (endpoint_id, key, _ALIASES.get(key, key)):
        if candidate in recorded:
            return recorded[candidate]
    if key == "charge-stop":
        return INVALID_BODY_FORMAT  # the usual answer to a KCA "stop" on cars that cannot stop (§7.4)
    return FORBIDDEN if is_action else NOT_FOUND
