"""RenaultSimulator: Gigya + Kamereon behind one httpx handler, with configuration, faults and a log."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Any

import httpx

from bot.simulator.http_server import DropConnection
from bot.simulator.renault.accounts import (
    GIGYA_API_KEYS,
    KAMEREON_API_KEY,
    AccountStore,
    JwtMinter,
    SimAccount,
)
from bot.simulator.renault.car import SimCar
from bot.simulator.renault.faults import (
    FaultRule,
    QuotaWindow,
    RenaultFault,
    RequestLog,
    RequestRecord,
    fault_response,
)
from bot.simulator.renault.gigya import GigyaService, request_cookies, request_params
from bot.simulator.renault.kamereon import KamereonService, Routed
from bot.simulator.renault.wire import QUOTA, UNAUTHORIZED

Clock = Callable[[], datetime]


def _strip_prefix(path: str, prefix: str) -> str | None:
    if path == prefix or path.startswith(prefix + "/"):
        return path[len(prefix) :]
    return None


class RenaultSimulator:
    """A simulated MyRenault backend answering with the real wire format (protocol §2-§8)."""

    def __init__(
        self,
        clock: Clock,
        *,
        gigya_api_keys: Iterable[str] = GIGYA_API_KEYS,
        kamereon_api_key: str = KAMEREON_API_KEY,
        latency_s: float = 0.0,
        seed: int | None = None,
        keep_records: int | None = 100_000,
        quota_per_hour: int | None = None,
        gigya_lockout_after: int | None = None,
    ) -> None:
        self._clock = clock
        self.store = AccountStore()
        self._jwts = JwtMinter()
        self.gigya = GigyaService(
            self.store, self._jwts, frozenset(gigya_api_keys), seed, lockout_after=gigya_lockout_after
        )
        self.kamereon = KamereonService(self.store, self._jwts, kamereon_api_key)
        self.latency_s = latency_s  # real sleep per request: for loopback benchmarks only
        self.faults: list[FaultRule] = []
        self.log = RequestLog(keep_records)
        self.quota = QuotaWindow(quota_per_hour) if quota_per_hour is not None else None
        self._serial = 0

    # --- configuration ---

    def add_account(
        self, email: str, password: str, *, two_factor: bool = False, locale: str = "fr_FR"
    ) -> SimAccount:
        """Create a MyRenault account (Gigya identity + Kamereon person and account)."""
        self._serial += 1
        n = self._serial
        account = SimAccount(
            email=email,
            password=password,
            two_factor=two_factor,
            locale=locale,
            uid=f"uid-{n}",
            person_id=f"person-id-{n}",
            account_id=f"account-id-{n}",
        )
        self.store.add(account)
        return account

    def add_vehicle(
        self,
        account: SimAccount,
        model_code: str,
        vin: str | None = None,
        plate: str | None = None,
        **initial_state: Any,
    ) -> SimCar:
        """Attach a car to an account; `initial_state` sets SimCar fields (battery_level, plugged...)."""
        self._serial += 1
        vin = vin or f"VF1SIM{self._serial:011d}"
        if vin in self.store.cars:
            raise ValueError("a car with this VIN already exists")
        plugged = bool(initial_state.pop("plugged", False))
        charging = bool(initial_state.pop("charging", False))
        car = SimCar(
            vin=vin,
            model_code=model_code,
            account_id=account.account_id,
            plate=plate or f"SIM-{self._serial:05d}",
            updated_at=self._clock(),
            **initial_state,
        )
        if plugged:
            car.plug(self._clock())
            if not charging and car.charging:
                car.stop_charging(self._clock())
        account.vehicles.append(car)
        self.store.cars[vin] = car
        return car

    def car(self, vin: str) -> SimCar:
        """A car by VIN, its physics advanced to now."""
        car = self.store.cars[vin]
        car.advance(self._clock())
        return car

    def plug(self, vin: str) -> SimCar:
        """Plug the car in now (it starts charging in 'always' mode)."""
        car = self.store.cars[vin]
        car.plug(self._clock())
        return car

    def unplug(self, vin: str) -> SimCar:
        """Unplug the car now."""
        car = self.store.cars[vin]
        car.unplug(self._clock())
        return car

    def set_level(self, vin: str, level: float) -> SimCar:
        """Force the battery level now."""
        car = self.store.cars[vin]
        car.set_level(self._clock(), level)
        return car

    def move(self, vin: str, latitude: float, longitude: float, km: float = 0.0) -> SimCar:
        """Drive the car to a new place, using energy for `km`."""
        car = self.store.cars[vin]
        car.move(self._clock(), latitude, longitude, km)
        return car

    def account(self, email: str) -> SimAccount:
        """An account by e-mail."""
        account = self.store.find(email)
        if account is None:
            raise KeyError("no such account")
        return account

    def revoke_login_tokens(self, email: str) -> int:
        """Invalidate every Gigya login token of the account (getJWT then answers 403005)."""
        return self.store.revoke_login_tokens(self.account(email))

    def require_captcha(self, email: str, required: bool = True) -> None:
        """Make Gigya answer the account's logins with 401020 (captcha required), or stop doing so."""
        self.account(email).captcha_required = required

    def last_two_factor_code(self, email: str) -> str:
        """The code the last verification e-mail contained."""
        code = self.account(email).last_code
        if code is None:
            raise LookupError("no verification code was sent")
        return code

    def inject(self, fault: RenaultFault, *, times: int | None = 1, **filters: Any) -> FaultRule:
        """Add a fault rule (filters: endpoint, path_contains, vin, method, latency_s)."""
        rule = FaultRule(fault, times=times, **filters)
        self.faults.append(rule)
        return rule

    def clear_faults(self) -> None:
        """Remove every fault rule."""
        self.faults.clear()

    # --- serving ---

    def transport(self) -> httpx.MockTransport:
        """An in-process transport for `httpx.AsyncClient(transport=...)`."""
        return httpx.MockTransport(self._handle_in_process)

    async def _handle_in_process(self, request: httpx.Request) -> httpx.Response:
        try:
            return await self.handle(request)
        except DropConnection:
            # What an httpx client sees when the loopback server closes the socket without answering.
            raise httpx.RemoteProtocolError(
                "Server disconnected without sending a response.", request=request
            ) from None

    async def handle(self, request: httpx.Request) -> httpx.Response:
        """Answer one request (Gigya under `/gigya`, Kamereon under `/kamereon`, or unprefixed)."""
        content = await request.aread()
        now = self._clock()
        path = request.url.path
        gigya_path = _strip_prefix(path, "/gigya")
        kamereon_path = _strip_prefix(path, "/kamereon")
        if gigya_path is None and kamereon_path is None:
            if path.startswith("/accounts."):
                gigya_path = path
            else:
                kamereon_path = path
        if gigya_path is not None:
            routed = self._gigya_route(request, gigya_path, content)
        else:
            routed = self.kamereon.route(request.method, kamereon_path or "", content)
        rule = self._matching_rule(request.method, path, routed)
        latency = self.latency_s + (rule.latency_s if rule is not None else 0.0)
        if latency > 0:
            await asyncio.sleep(latency)
        if rule is not None and rule.fault is RenaultFault.HOLD:
            await rule.release.wait()
        response: httpx.Response | None = None
        try:
            if rule is not None and rule.fault not in (RenaultFault.SLOW, RenaultFault.HOLD):
                response = fault_response(rule.fault)
            elif gigya_path is not None:
                response = self._gigya(request, routed.endpoint, content, now)
            else:
                response = self._kamereon(request, routed, content, now)
            return response
        finally:
            self._record(request, routed, now, response, rule)

    def _gigya_route(self, request: httpx.Request, gigya_path: str, content: bytes) -> Routed:
        params = request_params(request, content)
        account = self.store.find(params.get("loginID", "")) or self.store.login_tokens.get(
            params.get("login_token", "")
        )
        return Routed(gigya_path.lstrip("/"), account)

    def _gigya(self, request: httpx.Request, method: str, content: bytes, now: datetime) -> httpx.Response:
        params = request_params(request, content)
        return self.gigya.handle(method, params, request_cookies(request), now)

    def _kamereon(
        self, request: httpx.Request, routed: Routed, content: bytes, now: datetime
    ) -> httpx.Response:
        error, person_id = self.kamereon.check_headers(request, now)
        if error is not None or person_id is None:
            return (error or UNAUTHORIZED).response()
        account = routed.account
        if self.quota is not None and account is not None and not self.quota.allow(account.account_id, now):
            return QUOTA.response()
        return self.kamereon.answer(request, routed, person_id, content, now)

    def _matching_rule(self, method: str, path: str, routed: Routed) -> FaultRule | None:
        for rule in self.faults:
            if rule.matches(method, path, routed.endpoint, routed.vin):
                if rule.times is not None:
                    rule.times -= 1
                return rule
        return None

    def _record(
        self,
        request: httpx.Request,
        routed: Routed,
        now: datetime,
        response: httpx.Response | None,
        rule: FaultRule | None,
    ) -> None:
        account = routed.account
        self.log.add(
            RequestRecord(
                method=request.method,
                path=request.url.path,
                endpoint=routed.endpoint,
                at=now,
                status=response.status_code if response is not None else None,
                account_id=account.account_id if account is not None else None,
                vin=routed.vin,
                fault=rule.fault if rule is not None else None,
            )
        )
