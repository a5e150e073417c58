"""Account proxy: person -> Kamereon accounts -> vehicles, over one token session."""

from __future__ import annotations

import asyncio
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from bot.renault.credentials import RenaultCredentials
from bot.renault.endpoints import PERSON_PATH, VEHICLES_PATH
from bot.renault.errors import InvalidRequest, NotSupported, UnexpectedResponse, VehicleNotLinked
from bot.renault.history import parse_vehicle_details
from bot.renault.session import Session
from bot.renault.tokens import StoredJwt
from bot.renault.vehicle import RenaultVehicle


@dataclass(frozen=True)
class KamereonAccount:
    """An account of the person (MYRENAULT, MYDACIA, SFDC...)."""

    account_id: str
    account_type: str | None
    status: str | None


@dataclass(frozen=True)
class VehicleDescription:
    """A vehicle linked to an account."""

    account_id: str
    vin: str
    model_code: str
    model_name: str
    brand: str
    plate: str | None


class RenaultAccount:
    """Everything reachable with one set of credentials; vehicle proxies share its session."""

    def __init__(self, session: Session) -> None:
        self._session = session
        self._vehicles: dict[tuple[str, str], RenaultVehicle] = {}

    def __repr__(self) -> str:
        return f"RenaultAccount(account_key={self._session.account_key!r})"

    @property
    def credentials(self) -> RenaultCredentials:
        """Current credentials (person id once known, device ids)."""
        return self._session.credentials

    def offer_jwt(self, jwt: StoredJwt) -> None:
        """A JWT read with the account's credentials, taken when the session has no valid one."""
        self._session.offer_jwt(jwt)

    async def person_id(self) -> str:
        """The Kamereon person id."""
        return await self._session.person_id()

    async def accounts(self) -> list[KamereonAccount]:
        """Accounts of the person (persons/{personId})."""
        person_id = await self.person_id()
        body = await self._session.request("GET", PERSON_PATH.format(personId=person_id), "persons")
        if not isinstance(body, Mapping):
            raise UnexpectedResponse("persons: expected an object")
        return [
            KamereonAccount(str(a["accountId"]), a.get("accountType"), a.get("accountStatus"))
            for a in body.get("accounts") or []
            if isinstance(a, Mapping) and a.get("accountId")
        ]

    async def _account_vehicles(self, account_id: str) -> list[VehicleDescription]:
        try:
            body: Any = await self._session.request(
                "GET", VEHICLES_PATH.format(accountId=account_id), "vehicles"
            )
        except (NotSupported, VehicleNotLinked, InvalidRequest):
            return []  # e.g. an SFDC account: no vehicles to offer
        found = []
        for link in (body.get("vehicleLinks") if isinstance(body, Mapping) else None) or []:
            details = link.get("vehicleDetails") if isinstance(link, Mapping) else None
            if not isinstance(details, Mapping):
                continue  # new purchase or server trouble: no details yet
            d = parse_vehicle_details(details, link.get("brand"))
            found.append(
                VehicleDescription(
                    account_id, d.vin or str(link.get("vin")), d.model_code, d.model_name, d.brand, d.plate
                )
            )
        return found

    async def vehicles(self) -> list[VehicleDescription]:
        """Vehicles of every account that has some; accounts without vehicles are ignored."""
        accounts = await self.accounts()
        per_account = await asyncio.gather(*(self._account_vehicles(a.account_id) for a in accounts))
        return [v for vehicles in per_account for v in vehicles]

    def vehicle(
        self, account_id: str, vin: str, model_code: str, unsupported: Iterable[str] = ()
    ) -> RenaultVehicle:
        """A vehicle proxy; `unsupported` restores endpoints learned unsupported earlier."""
        key = (account_id, vin)
        existing = self._vehicles.get(key)
        if existing is None or existing.model_code != model_code:
            existing = RenaultVehicle(self._session, account_id, vin, model_code, unsupported)
            self._vehicles[key] = existing
        else:
            existing.learn_unsupported(unsupported)
        return existing
