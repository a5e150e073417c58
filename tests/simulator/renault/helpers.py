"""Plain-httpx helpers that speak to the simulator like a client would (no bot.renault client needed)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import httpx

from bot.simulator.renault import GIGYA_API_KEYS, KAMEREON_API_KEY, RenaultSimulator

GIGYA_KEY = sorted(GIGYA_API_KEYS)[0]
GIGYA = "http://sim/gigya"
KAMEREON = "http://sim/kamereon"


def client(sim: RenaultSimulator) -> httpx.AsyncClient:
    """An httpx client wired to the simulator in-process."""
    return httpx.AsyncClient(transport=sim.transport())


async def gigya(http: httpx.AsyncClient, method: str, **fields: str) -> dict[str, Any]:
    """POST a Gigya token call and return the parsed body."""
    response = await http.post(f"{GIGYA}/{method}", data={"ApiKey": GIGYA_KEY, **fields})
    assert response.status_code == 200
    body: dict[str, Any] = response.json()
    return body


async def gigya_get(
    http: httpx.AsyncClient, method: str, cookies: dict[str, str] | None = None, **params: str
) -> httpx.Response:
    """GET a Gigya two-factor call."""
    headers = {"cookie": "; ".join(f"{k}={v}" for k, v in (cookies or {}).items())} if cookies else {}
    return await http.get(f"{GIGYA}/{method}", params={"APIKey": GIGYA_KEY, **params}, headers=headers)


@dataclass
class Session:
    """A logged-in plain-httpx session: JWT and ids."""

    http: httpx.AsyncClient
    jwt: str
    person_id: str
    account_id: str

    def headers(self) -> dict[str, str]:
        """Kamereon headers of §3.3."""
        return {
            "apikey": KAMEREON_API_KEY,
            "x-gigya-id_token": self.jwt,
            "content-type": "application/vnd.api+json",
        }

    async def get(self, path: str, **params: str) -> httpx.Response:
        """GET a path below /commerce/v1/accounts/{accountId}/kamereon."""
        url = f"{KAMEREON}/commerce/v1/accounts/{self.account_id}/kamereon{path}"
        return await self.http.get(url, params={"country": "FR", **params}, headers=self.headers())

    async def post(self, path: str, body: Any) -> httpx.Response:
        """POST a JSON body below the account's kamereon root."""
        url = f"{KAMEREON}/commerce/v1/accounts/{self.account_id}/kamereon{path}"
        return await self.http.post(url, params={"country": "FR"}, json=body, headers=self.headers())


async def login(http: httpx.AsyncClient, email: str, password: str) -> Session:
    """Login, account info, JWT, person -> first MYRENAULT account."""
    token = (await gigya(http, "accounts.login", loginID=email, password=password))["sessionInfo"][
        "cookieValue"
    ]
    person_id = (await gigya(http, "accounts.getAccountInfo", login_token=token))["data"]["personId"]
    jwt = (
        await gigya(
            http,
            "accounts.getJWT",
            login_token=token,
            fields="data.personId,data.gigyaDataCenter",
            expiration="900",
        )
    )["id_token"]
    session = Session(http, jwt, person_id, "")
    person = await http.get(
        f"{KAMEREON}/commerce/v1/persons/{person_id}", params={"country": "FR"}, headers=session.headers()
    )
    account_id = next(a["accountId"] for a in person.json()["accounts"] if a["accountType"] == "MYRENAULT")
    session.account_id = account_id
    return session
