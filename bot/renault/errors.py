"""The one exception tree of the Renault client, and the table mapping backend codes to it.

No httpx exception escapes `bot.renault`; every failure becomes a `RenaultError`. Messages and
reprs never carry secrets (passwords, tokens, JWTs, codes, e-mail addresses).
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType


class RenaultError(Exception):
    """Base of every error raised by the Renault client."""

    def __init__(self, message: str = "", code: str | None = None) -> None:
        super().__init__(message or type(self).__name__)
        self.code = code

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.args[0]!r}, code={self.code!r})"


class UnknownLocale(RenaultError):
    """The locale is not built in and no complete override was given."""


class AuthenticationError(RenaultError):
    """Gigya refused a call for a reason without a dedicated class."""


class InvalidCredentials(AuthenticationError):
    """Wrong e-mail/password, or an outdated Gigya API key (403042)."""


class AccountLocked(AuthenticationError):
    """Gigya temporarily locked the account after too many failed logins (403120)."""


class CaptchaRequired(AuthenticationError):
    """Gigya wants a captcha before it accepts this login (401020, 401021, 400021)."""


class LoginTokenExpired(AuthenticationError):
    """The stored login token is no longer valid (403005/403013): log in again."""


class TwoFactorError(AuthenticationError):
    """Base of the e-mail two-factor failures."""


class TwoFactorCodeInvalid(TwoFactorError):
    """Wrong code (400006): the same challenge may be retried."""


class TwoFactorCodeExpired(TwoFactorError):
    """The challenge expired or was used: restart the login."""


class TwoFactorUnavailable(TwoFactorError):
    """No (or no usable) e-mail address is registered for two-factor authentication."""


class KamereonError(RenaultError):
    """Kamereon refused a call for a reason without a more specific class."""


class Unauthorized(KamereonError):
    """The JWT was rejected even after a refresh (err.func.wired.unauthorized / HTTP 401)."""


class ApiKeyRejected(KamereonError):
    """The gateway refused the Kamereon API key ({"error": "access_denied"})."""


class QuotaExceeded(KamereonError):
    """Per-account quota reached (err.func.wired.overloaded, HTTP 429) or the local budget is spent."""

    def __init__(self, message: str = "", code: str | None = None, retry_after_seconds: float | None = None):
        super().__init__(message, code)
        self.retry_after_seconds = retry_after_seconds


class NotSupported(KamereonError):
    """The endpoint is not available for this car (table, or learned from the backend)."""

    def __init__(self, message: str = "", code: str | None = None, endpoint: str = "") -> None:
        super().__init__(message, code)
        self.endpoint = endpoint


class NoData(NotSupported):
    """The backend has no data for this car and endpoint (err.func.wired.notFound, new-style 404)."""


class PrivacyModeOn(KamereonError):
    """The car's privacy mode is on."""


class ActionInProgress(KamereonError):
    """A remote action of the same kind is already running (409001)."""


class InvalidRequest(KamereonError):
    """The request was rejected as invalid (bad body, past start time, missing parameter)."""


class InsufficientBatteryLevel(KamereonError):
    """The battery is too low for the requested remote action."""


class VehicleNotLinked(KamereonError):
    """The vehicle is not (or no longer) linked to the account, or not connected."""


class UpstreamUnavailable(RenaultError):
    """Renault or the car gateway is unreachable or answered garbage (5xx, timeouts, HTML, bad JSON)."""


class UnexpectedResponse(RenaultError):
    """A well-formed answer that does not have the expected shape."""


# Kamereon error codes (§7.3, §7.4, §6.5) -> exception class. New-style integer codes are keyed as strings.
KAMEREON_ERRORS: Mapping[str, type[RenaultError]] = MappingProxyType(
    {
        "err.func.400": InvalidRequest,
        "err.func.403": NotSupported,  # "Access is denied for this resource": not available for this car
        "err.tech.500": UpstreamUnavailable,
        "err.tech.501": NotSupported,
        "err.func.wired.notFound": NoData,
        "err.tech.wired.kamereon-proxy": UpstreamUnavailable,
        "err.func.wired.overloaded": QuotaExceeded,
        "err.func.privacy.on": PrivacyModeOn,
        "err.func.wired.forbidden": NotSupported,
        "409001": ActionInProgress,
        "err.func.wired.unauthorized": Unauthorized,
        "err.func.wired.low.battery.level": InsufficientBatteryLevel,
        "err.func.wired.not-found": NotSupported,
        "err.func.wired.invalid-body-format": InvalidRequest,
        "err.func.wired.invalid-body": InvalidRequest,
        "err.func.wired.methodNotAllowed": NotSupported,
        "err.func.wired.missingRequestParam": InvalidRequest,
        "err.func.wired.empty-vehicle-link": VehicleNotLinked,
        "err.func.not.connected": VehicleNotLinked,
        "err.func.vcps.ev.charge-mode.error": NotSupported,
        "err.func.vcps.ev.charge-schedule.error": NotSupported,
        "err.tech.vcps.ev.hvac-settings.error": NotSupported,
        "err.func.vcps.users-helper.get-notification-settings.error": NotSupported,
        "404": NoData,
        "400001": NotSupported,
        "502000": UpstreamUnavailable,
    }
)

# Gigya error codes (§2.6, §2.8.5) valid for every call; call-specific ones are handled in gigya.py.
GIGYA_ERRORS: Mapping[int, type[RenaultError]] = MappingProxyType(
    {
        403042: InvalidCredentials,
        403120: AccountLocked,
        401020: CaptchaRequired,
        401021: CaptchaRequired,
        400021: CaptchaRequired,
        403005: LoginTokenExpired,
        403013: LoginTokenExpired,
        403007: UpstreamUnavailable,  # server-side permission incident (Aug 2020), transient
        500001: UpstreamUnavailable,
        503001: UpstreamUnavailable,
    }
)

# HTTP statuses without a usable body (§7.5) -> exception class.
HTTP_ERRORS: Mapping[int, type[RenaultError]] = MappingProxyType(
    {
        400: InvalidRequest,
        401: Unauthorized,
        403: NotSupported,
        404: NotSupported,
        409: ActionInProgress,
        429: QuotaExceeded,
    }
)


def kamereon_error(code: str, message: str, endpoint: str = "") -> RenaultError:
    """Build the exception for a Kamereon error code (unknown codes -> KamereonError)."""
    cls = KAMEREON_ERRORS.get(code, KamereonError)
    text = f"{endpoint}: {code}: {message}" if endpoint else f"{code}: {message}"
    if issubclass(cls, NotSupported):
        return cls(text, code, endpoint=endpoint)
    return cls(text, code)


def http_error(status: int, endpoint: str = "") -> RenaultError:
    """Build the exception for a failing HTTP status without a Kamereon error body."""
    if status >= 500:
        return UpstreamUnavailable(f"{endpoint}: HTTP {status}", str(status))
    cls = HTTP_ERRORS.get(status, UnexpectedResponse)
    text = f"{endpoint}: HTTP {status}"
    if issubclass(cls, NotSupported):
        return cls(text, str(status), endpoint=endpoint)
    return cls(text, str(status))
