"""Wire-level answers shared by the Gigya and Kamereon halves: JSON bodies and error envelopes."""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import httpx

KAMEREON_CONTENT_TYPE = "application/json;charset=UTF-8"
GIGYA_CONTENT_TYPE = "text/javascript"


def iso(moment: datetime) -> str:
    """Kamereon/Gigya timestamp: UTC, second precision, `Z` suffix."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def iso_ms(moment: datetime) -> str:
    """Gigya `time` field: UTC with milliseconds."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def json_response(status: int, body: Any, content_type: str = KAMEREON_CONTENT_TYPE) -> httpx.Response:
    """A response whose body is `body` serialised as JSON."""
    return httpx.Response(status, content=json.dumps(body).encode(), headers={"content-type": content_type})


_NESTED_OUTER = {400: "err.func.400", 403: "err.func.403"}


@dataclass(frozen=True, slots=True)
class KamereonRefusal:
    """One way the backend refuses a request: HTTP status plus the body style it uses."""

    status: int
    code: str | int
    message: str
    style: str = "classic"  # classic | technical | nested | new | plain | gateway

    def response(self) -> httpx.Response:
        """Render the error the way the real backend does (§7.1)."""
        if self.style == "plain":
            return httpx.Response(self.status, text=self.message)
        if self.style == "gateway":
            return json_response(self.status, {"error": "access_denied", "error_description": self.message})
        if self.style == "new":
            error = {
                "errorCode": self.code,
                "errorMessage": self.message,
                "errorLevel": "error",
                "errorType": "functional",
            }
            return json_response(self.status, {"errors": [error], "error_reference": str(uuid.uuid4())})
        kind = "TECHNICAL" if self.style == "technical" else "FUNCTIONAL"
        message = self.message
        if self.style == "nested":
            inner = {"status": str(self.status), "code": str(self.code), "detail": self.message}
            message = json.dumps({"errors": [inner]})
            code = _NESTED_OUTER.get(self.status, f"err.tech.{self.status}")
        else:
            code = str(self.code)
        body = {
            "type": kind,
            "messages": [{"code": code, "message": message}],
            "errors": [{"errorCode": code, "errorMessage": message}],
            "error_reference": kind,
        }
        return json_response(self.status, body)


FORBIDDEN = KamereonRefusal(403, "err.func.wired.forbidden", "The access is forbidden")
NOT_FOUND = KamereonRefusal(404, "err.func.wired.notFound", "Resource not found")
URL_NOT_FOUND = KamereonRefusal(404, "err.func.wired.not-found", "The specified url does not exist")
NO_DATA = KamereonRefusal(404, 404, "There is no data for this vin and uid", "new")
NO_GDC = KamereonRefusal(400, 400001, "The vehicle does not have a GDC gateway", "new")
NOT_SUPPORTED = KamereonRefusal(
    501, "not-supported", "This feature is not technically supported by this gateway", "nested"
)
INVALID_BODY_FORMAT = KamereonRefusal(400, "err.func.wired.invalid-body-format", "Invalid body format")
INVALID_BODY = KamereonRefusal(400, "err.func.wired.invalid-body", "Invalid body")
METHOD_NOT_ALLOWED = KamereonRefusal(405, "err.func.wired.methodNotAllowed", "Method not allowed")
MISSING_PARAM = KamereonRefusal(400, "err.func.wired.missingRequestParam", "Missing request parameter")
UNAUTHORIZED = KamereonRefusal(401, "err.func.wired.unauthorized", "The access is unauthorized")
ACCESS_DENIED = KamereonRefusal(403, "security.access", "Access is denied for this resource", "nested")
QUOTA = KamereonRefusal(429, "err.func.wired.overloaded", "You have reached your quota limit")
PRIVACY_ON = KamereonRefusal(409, "err.func.privacy.on", "Privacy mode currently ON")
FAILED_FORWARD = KamereonRefusal(
    500, "err.tech.wired.kamereon-proxy", "Failed to forward request to remote service.", "technical"
)
CHARGE_MODE_IN_PROGRESS = KamereonRefusal(409, 409001, "A remote CHARGE_MODE is already in progress")
FUTURE_DATE = KamereonRefusal(400, "Future", "must be a future date", "nested")
WRONG_API_KEY = KamereonRefusal(403, "access_denied", "Unauthorized", "gateway")
VCPS_CHARGE_MODE = KamereonRefusal(400, "err.func.vcps.ev.charge-mode.error", "Charge mode error")
VCPS_CHARGE_SCHEDULE = KamereonRefusal(400, "err.func.vcps.ev.charge-schedule.error", "Charge schedule error")
VCPS_HVAC_SETTINGS = KamereonRefusal(
    500, "err.tech.vcps.ev.hvac-settings.error", "Hvac settings error", "technical"
)
VCPS_NOTIFICATIONS = KamereonRefusal(
    400, "err.func.vcps.users-helper.get-notification-settings.error", "Notification settings error"
)
TECH_502000 = KamereonRefusal(502, 502000, "Technical error", "new")
HTTP_400 = KamereonRefusal(400, 400, "Bad Request", "plain")
HTTP_404 = KamereonRefusal(404, 404, "Not Found", "plain")

HTML_502 = (
    "<html><head><title>502 Bad Gateway</title></head>"
    "<body><center><h1>502 Bad Gateway</h1></center></body></html>"
)


def gigya_body(now: datetime, **fields: Any) -> dict[str, Any]:
    """A successful Gigya envelope carrying `fields`."""
    body: dict[str, Any] = {
        "callId": uuid.uuid4().hex,
        "errorCode": 0,
        "apiVersion": 2,
        "statusCode": 200,
        "statusReason": "OK",
        "time": iso_ms(now),
    }
    body.update(fields)
    return body


_GIGYA_STATUS = {400: "Bad Request", 401: "Unauthorized", 403: "Forbidden", 500: "Internal Server Error"}


def gigya_error(now: datetime, code: int, message: str, details: str, **fields: Any) -> dict[str, Any]:
    """A Gigya error envelope (served with HTTP 200, like the real service)."""
    status = code // 1000
    body: dict[str, Any] = {
        "callId": uuid.uuid4().hex,
        "errorCode": code,
        "errorDetails": details,
        "errorMessage": message,
        "apiVersion": 2,
        "statusCode": status,
        "statusReason": _GIGYA_STATUS.get(status, "Error"),
        "time": iso_ms(now),
    }
    body.update(fields)
    return body


def gigya_response(body: dict[str, Any], cookies: dict[str, str] | None = None) -> httpx.Response:
    """Gigya answers HTTP 200 with a `text/javascript` body, errors included."""
    headers = [("content-type", GIGYA_CONTENT_TYPE)]
    for name, value in (cookies or {}).items():
        headers.append(("set-cookie", f"{name}={value}; Path=/; Max-Age=31536000; SameSite=None; Secure"))
    return httpx.Response(200, content=json.dumps(body).encode(), headers=headers)
