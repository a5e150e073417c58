"""Renault client errors -> service errors, in one table (the boundary between the two trees)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta

from bot.renault import errors as renault
from bot.services import errors as service

log = logging.getLogger(__name__)

QUOTA_COOLDOWN = timedelta(minutes=15)
"""After a quota error the account makes no call for this long (the budget gate enforces it)."""

_SIMPLE: tuple[tuple[type[renault.RenaultError], Callable[[], service.ServiceError]], ...] = (
    (renault.TwoFactorCodeInvalid, service.CodeRejected),
    (renault.TwoFactorCodeExpired, service.CodeExpired),
    (renault.InvalidCredentials, service.LoginRejected),
    (renault.AccountLocked, service.LoginLocked),
    (renault.CaptchaRequired, service.LoginNeedsCaptcha),
    (renault.LoginTokenExpired, service.NeedsLogin),
    (renault.PrivacyModeOn, service.PrivacyMode),
    (renault.ActionInProgress, service.ActionBusy),
    (renault.UpstreamUnavailable, service.RenaultDown),
    (renault.UnexpectedResponse, service.RenaultDown),
    (renault.ApiKeyRejected, service.RenaultDown),
)


def translate(exc: renault.RenaultError, now: datetime, feature: str = "") -> service.ServiceError:
    """The service error that tells the user what happened and what to do."""
    if isinstance(exc, renault.QuotaExceeded):
        # Without a Retry-After, the account's quota cooldown is what decides the next possible call.
        wait = (
            exc.retry_after_seconds if exc.retry_after_seconds is not None else QUOTA_COOLDOWN.total_seconds()
        )
        return service.RenaultBusy(now + timedelta(seconds=wait))
    if isinstance(exc, renault.NotSupported):
        return service.FeatureUnavailable(exc.endpoint or feature)
    if isinstance(exc, renault.InvalidRequest):
        return service.InvalidInput(["error.renault_refused_input"])
    if isinstance(exc, renault.InsufficientBatteryLevel):
        return service.InvalidInput(["error.battery_too_low"])
    for kind, make in _SIMPLE:
        if isinstance(exc, kind):
            return make()
    log.warning("unmapped Renault error %s (code %s)", type(exc).__name__, exc.code)
    return service.RenaultDown()
