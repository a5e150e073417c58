"""The Kamereon half: header checks, commerce endpoints, and vehicle endpoints routed per model."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import httpx

from bot.simulator.renault.accounts import AccountStore, JwtMinter, SimAccount
from bot.simulator.renault.actions import run_action
from bot.simulator.renault.car import SimCar
from bot.simulator.renault.payloads import READS, person_body, vehicle_details, vehicles_body
from bot.simulator.renault.reasons import refusal
from bot.simulator.renault.routes import Route, accepts, find_route
from bot.simulator.renault.wire import (
    ACCESS_DENIED,
    INVALID_BODY_FORMAT,
    MISSING_PARAM,
    PRIVACY_ON,
    UNAUTHORIZED,
    URL_NOT_FOUND,
    WRONG_API_KEY,
    KamereonRefusal,
    json_response,
)

_PERSON = re.compile(r"^/commerce/v1/persons/(?P<person>[^/]+)$")
_ACCOUNT = re.compile(r"^/commerce/v1/accounts/(?P<account>[^/]+)(?P<rest>/.*)$")
_VIN_IN_KAMEREON = re.compile(r"^/(?:kca/car-adapter/v\d/cars|kcm/v1/vehicles|vehicles)/(?P<vin>[^/]+)")
_VIN_IN_COMMERCE = re.compile(r"^/vehicles/(?P<vin>[^/]+)/(?P<what>details|contracts)$")


@dataclass(frozen=True, slots=True)
class Routed:
    """What a Kamereon request turned out to be (for the request log)."""

    endpoint: str
    account: SimAccount | None = None
    vin: str | None = None
    route: Route | None = None  # set for vehicle endpoints of the path table


def _template(rest: str, vin: str) -> str:
    return rest.replace(f"/{vin}", "/{vin}", 1)


def _body(content: bytes) -> Any:
    if not content:
        return None
    try:
        return json.loads(content)
    except (ValueError, UnicodeDecodeError):
        return None


class KamereonService:
    """Answers Kamereon requests like the real backend, with its own path and per-model table (routes.py)."""

    def __init__(self, store: AccountStore, jwts: JwtMinter, api_key: str) -> None:
        self._store = store
        self._jwts = jwts
        self._api_key = api_key

    def route(self, method: str, path: str, content: bytes) -> Routed:
        """Identify the endpoint, account and VIN of a request without answering it."""
        person = _PERSON.match(path)
        if person:
            return Routed("person", self._store.by_person.get(person["person"]))
        account_match = _ACCOUNT.match(path)
        if not account_match:
            return Routed("unknown")
        account = self._store.by_account_id.get(account_match["account"])
        rest = account_match["rest"]
        if rest == "/vehicles":
            return Routed("vehicles", account)
        commerce = _VIN_IN_COMMERCE.match(rest)
        if commerce:
            return Routed(f"vehicle-{commerce['what']}", account, commerce["vin"])
        if not rest.startswith("/kamereon/"):
            return Routed("unknown", account)
        rest = rest[len("/kamereon") :]
        vin_match = _VIN_IN_KAMEREON.match(rest)
        if not vin_match:
            return Routed("unknown", account)
        vin = vin_match["vin"]
        route = find_route(method, _template(rest, vin), _body(content))
        return Routed(route.name, account, vin, route) if route else Routed("unknown", account, vin)

    def check_headers(
        self, request: httpx.Request, now: datetime
    ) -> tuple[KamereonRefusal | None, str | None]:
        """Gateway checks of §3.3: API key, then a valid unexpired JWT. Returns (error, person id)."""
        if request.headers.get("apikey") != self._api_key:
            return WRONG_API_KEY, None
        if "x-kamereon-authorization" in request.headers:
            return UNAUTHORIZED, None  # the obsolete second token breaks requests (§2.7)
        claims = self._jwts.verify(request.headers.get("x-gigya-id_token", ""), now)
        if claims is None or not isinstance(claims.get("data.personId"), str):
            return UNAUTHORIZED, None
        return None, str(claims["data.personId"])

    def answer(
        self, request: httpx.Request, routed: Routed, person_id: str, content: bytes, now: datetime
    ) -> httpx.Response:
        """Answer an authenticated request."""
        if "country" not in request.url.params:
            return MISSING_PARAM.response()
        if routed.endpoint == "person":
            account = routed.account
            if account is None or account.person_id != person_id:
                return ACCESS_DENIED.response()
            return json_response(200, person_body(account))
        account = routed.account
        if account is None or account.person_id != person_id:
            return ACCESS_DENIED.response()
        if routed.endpoint == "vehicles":
            return json_response(200, vehicles_body(account))
        car = self._store.cars.get(routed.vin or "")
        if car is None or car.account_id != account.account_id:
            return ACCESS_DENIED.response() if routed.endpoint != "unknown" else URL_NOT_FOUND.response()
        car.advance(now)
        if routed.endpoint == "vehicle-details":
            return json_response(200, vehicle_details(car))
        if routed.endpoint == "vehicle-contracts":
            return json_response(200, [])
        if routed.route is None:
            return URL_NOT_FOUND.response()
        return self._vehicle(routed.route, car, request, content, now)

    def _vehicle(
        self, route: Route, car: SimCar, request: httpx.Request, content: bytes, now: datetime
    ) -> httpx.Response:
        if not accepts(car.model_code, route):
            return refusal(car.model_code, route.name, route.feature, is_action=route.is_action).response()
        if car.privacy_mode and route.feature != "car-adapter":
            return PRIVACY_ON.response()
        if not route.is_action:
            query = dict(request.url.params.items())
            if any(name not in query for name in route.query):
                return MISSING_PARAM.response()
            return json_response(200, READS[route.name](car, now, query))
        body = _body(content)
        if body is None:
            return INVALID_BODY_FORMAT.response()
        result = run_action(route.name, car, now, body)
        if isinstance(result, KamereonRefusal):
            return result.response()
        return json_response(200, result)
