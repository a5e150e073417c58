"""A scriptable fake Gigya + Kamereon backend for the client tests (an httpx handler)."""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs

import httpx

GIGYA = "https://gigya.test"
KAMEREON = "https://kamereon.test"
LOGIN_TOKEN = "st2.s.secret-login-token"
PASSWORD = "hunter2-password"
EMAIL = "owner@example.com"
CODE = "123456"


def make_jwt(exp: float) -> str:
    """An unsigned JWT whose only claim is exp."""

    def part(obj: dict[str, Any]) -> str:
        return base64.urlsafe_b64encode(json.dumps(obj).encode()).decode().rstrip("=")

    return f"{part({'alg': 'none'})}.{part({'exp': int(exp)})}.sig"


def gigya_ok(**fields: Any) -> httpx.Response:
    return httpx.Response(200, json={"errorCode": 0, "statusCode": 200, **fields})


def gigya_error(code: int, details: str = "", **fields: Any) -> httpx.Response:
    body = {"errorCode": code, "errorDetails": details, "errorMessage": "error", "statusCode": 403, **fields}
    return httpx.Response(200, json=body)


def kamereon_error(code: str | int, status: int = 400, message: str = "error") -> httpx.Response:
    return httpx.Response(status, json={"errors": [{"errorCode": code, "errorMessage": message}]})


def attrs(attributes: dict[str, Any]) -> httpx.Response:
    return httpx.Response(200, json={"data": {"type": "Car", "id": "VIN", "attributes": attributes}})


@dataclass
class FakeBackend:
    """Records every request; `routes` maps a Kamereon path suffix to a response factory."""

    clock: Callable[[], float]
    tfa: bool = False
    wrong_code_details: str = "Wrong verification code"
    trusted_gmids: set[str] = field(default_factory=set)
    jwt_error: int | None = None
    routes: dict[str, Callable[[httpx.Request], httpx.Response]] = field(default_factory=dict)
    requests: list[httpx.Request] = field(default_factory=list)
    issued_jwts: list[str] = field(default_factory=list)
    revoked_jwts: set[str] = field(default_factory=set)

    def count(self, fragment: str) -> int:
        return sum(1 for r in self.requests if fragment in r.url.path)

    def answer_battery(self, level: int = 50) -> None:
        """Answer every battery-status read with this level."""
        self.routes["/battery-status"] = lambda _: attrs({"batteryLevel": level})

    async def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        if request.url.host == "gigya.test":
            return self._gigya(request)
        return self._kamereon(request)

    def _gigya(self, request: httpx.Request) -> httpx.Response:
        method = request.url.path.rsplit("/", 1)[-1]
        form = {k: v[0] for k, v in parse_qs(request.content.decode()).items()}
        query = dict(request.url.params)
        if method == "accounts.login":
            if form.get("password") != PASSWORD:
                return gigya_error(403042, "invalid loginID or password")
            cookie = request.headers.get("cookie", "")
            if self.tfa and not any(f"gmid={g}" in cookie for g in self.trusted_gmids):
                return gigya_error(403101, "Pending Two-Factor Authentication", regToken="reg-1")
            return gigya_ok(sessionInfo={"cookieValue": LOGIN_TOKEN})
        if method == "accounts.webSdkBootstrap":
            return httpx.Response(
                200,
                headers=[("set-cookie", "gmid=gmid-1; Path=/"), ("set-cookie", "ucid=ucid-1; Path=/")],
                json={},
            )
        if method == "accounts.tfa.initTFA":
            return gigya_ok(gigyaAssertion="assertion-1")
        if method == "accounts.tfa.email.getEmails":
            return gigya_ok(emails=[{"id": "email-1", "obfuscated": "o***@example.com"}])
        if method == "accounts.tfa.email.sendVerificationCode":
            return gigya_ok(phvToken="phv-1")
        if method == "accounts.tfa.email.completeVerification":
            if query.get("code") != CODE:
                return gigya_error(400006, self.wrong_code_details)
            return gigya_ok(providerAssertion="provider-1")
        if method == "accounts.tfa.finalizeTFA":
            if query.get("tempDevice") == "false":
                self.trusted_gmids.add(query.get("gmid", "gmid-1"))
            return gigya_ok()
        if method == "accounts.getAccountInfo":
            return gigya_ok(data={"personId": "person-1"})
        if method == "accounts.getJWT":
            if self.jwt_error is not None:
                return gigya_error(self.jwt_error, "Unauthorized user")
            token = make_jwt(self.clock() + 900) + f".{len(self.issued_jwts)}"
            self.issued_jwts.append(token)
            return gigya_ok(id_token=token)
        return gigya_error(400001, "unknown method")

    def _kamereon(self, request: httpx.Request) -> httpx.Response:
        token = request.headers.get("x-gigya-id_token", "")
        if token in self.revoked_jwts:
            return kamereon_error("err.func.wired.unauthorized", 401, "The access is unauthorized")
        path = request.url.path
        for suffix, factory in self.routes.items():
            if path.endswith(suffix):
                return factory(request)
        return kamereon_error("err.func.wired.not-found", 404, "The specified url does not exist")
