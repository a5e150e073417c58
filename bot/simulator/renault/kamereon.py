"""The Kamereon half: header checks, commerce endpoints, and vehicle endpoints routed per model."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import httpx

from bot.renault.capabilities import capabilities_for
from bot.renault.endpoints import ENDPOINTS, Endpoint, Method
from bot.simulator.renault.accounts import AccountStore, JwtMinter, SimAccount
from bot.simulator.renault.actions import run_action
from bot.simulator.renault.car import SimCar
from bot.simulator.renault.payloads import READS, person_body, vehicle_details, vehicles_body
from bot.simulator.renault.reasons import refusal
from bot.simulator.renault.wire import (
    ACCESS_DENIED,
    INVALID_BODY_FORMAT,
    MISSING_PARAM,
    PRIVACY_ON,
    UNAUTHORIZED,
    URL_NOT_FOUND,
    WRONG_API_KEY,
    KamereonError,
    json_response,
)

_PERSON = re.compile(r"^/commerce/v1/persons/(?P<person>[^/]+)$")
_ACCOUNT = re.compile(r"^/commerce/v1/accounts/(?P<account>[^/]+)(?P<rest>/.*)$")
_VIN_IN_KAMEREON = re.compile(r"^/(?:kca/car-adapter/v\d/cars|kcm/v1/vehicles|vehicles)/(?P<vin>[^/]+)")
_VIN_IN_COMMERCE = re.compile(r"^/vehicles/(?P<vin>[^/]+)/(?P<what>details|contracts)$")

# Pre-indexed definitions: (method, relative path template) -> candidates, in table order.
_BY_PATH: dict[tuple[str, str], list[Endpoint]] = {}
for _definition in ENDPOINTS.values():
    _BY_PATH.setdefault((_definition.method.value, _definition.path), []).append(_definition)
# cockpit was requested as v2 for years; the backend still answers both (§4.0).
_BY_PATH[("GET", "/kca/car-adapter/v2/cars/{vin}/cockpit")] = [ENDPOINTS["cockpit"]]


@dataclass(frozen=True, slots=True)
class Routed:
    """What a Kamereon request turned out to be (for the request log)."""

    endpoint: str
    account: SimAccount | None = None
    vin: str | None = None


def _template(rest: str, vin: str) -> str:
    return rest.replace(f"/{vin}", "/{vin}", 1)


def _body(content: bytes) -> Any:
    if not content:
        return None
    try:
        return json.loads(content)
    except (ValueError, UnicodeDecodeError):
        return None


def _attributes_match(definition: Endpoint, body: Any) -> bool:
    if not definition.attributes:
        return True
    data = body.get("data") if isinstance(body, dict) else None
    attrs = data.get("attributes") if isinstance(data, dict) else None
    if not isinstance(attrs, dict):
        return False
    return all(attrs.get(name) == value for name, value in definition.attributes)


class KamereonService:
    """Answers Kamereon requests like the real backend, taking per-model behaviour from the client's table."""

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
        definition = self._pick(method, _template(rest, vin), vin, _body(content))
        return Routed(definition.id if definition else "unknown", account, vin)

    def _pick(self, method: str, template: str, vin: str, body: Any) -> Endpoint | None:
        candidates = [d for d in _BY_PATH.get((method, template), []) if _attributes_match(d, body)]
        if not candidates:
            return None
        car = self._store.cars.get(vin)
        if car is not None:
            routes = capabilities_for(car.model_code).routes
            for candidate in candidates:
                if routes.get(candidate.key) is candidate:
                    return candidate  # the variant this model really uses
        return candidates[0]

    def check_headers(self, request: httpx.Request, now: datetime) -> tuple[KamereonError | None, str | None]:
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
        if routed.endpoint not in ENDPOINTS:
            return URL_NOT_FOUND.response()
        return self._vehicle(ENDPOINTS[routed.endpoint], car, request, content, now)

    def _vehicle(
        self, definition: Endpoint, car: SimCar, request: httpx.Request, content: bytes, now: datetime
    ) -> httpx.Response:
        is_action = definition.method is Method.POST
        routes = capabilities_for(car.model_code).routes
        wanted = routes.get(definition.key, definition)
        if wanted is None or wanted.id != definition.id:
            if definition.key == "hvac-stop" and wanted is not None:
                pass  # both stop spellings are accepted; only their effect differs (§6.5 XBG2VE)
            else:
                return refusal(car.model_code, definition.id, definition.key, is_action=is_action).response()
        if car.privacy_mode and definition.key != "car-adapter":
            return PRIVACY_ON.response()
        query = dict(request.url.params.items())
        if not is_action:
            return self._read(definition, car, query, now)
        body = _body(content)
        if body is None:
            return INVALID_BODY_FORMAT.response()
        result = run_action(definition.id, car, now, body)
        if isinstance(result, KamereonError):
            return result.response()
        return json_response(200, result)

    def _read(
        self, definition: Endpoint, car: SimCar, query: dict[str, str], now: datetime
    ) -> httpx.Response:
        if any(name not in query for name in definition.query if name != "type"):
            return MISSING_PARAM.response()
        renderer = READS["ev-settings" if definition.id == "charge-schedule/kcm-settings" else definition.key]
        return json_response(200, renderer(car, now, query))
