"""Sample values shared by the persistence tests (all invented)."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.domain.events import CredentialsExpired, Plugged
from bot.domain.vehicle import VehicleInfo
from bot.persistence.accounts import SqlAccountRepository
from bot.persistence.crypto import CredentialCipher
from bot.persistence.engine import Database
from bot.services.ports import AccountSecrets, NewVehicle, OutboxPayload

PASSWORD = "Sup3r-Secret-Passw0rd!"
LOGIN_TOKEN = "st2.s.AcbLoginTokenValue1234567890abcdefXYZ.sig"
JWT = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ1c2VyLTEyMyJ9.c2lnbmF0dXJlLXZhbHVl"
EMAIL = "jane.owner@example.org"
PERSON_ID = "person-7f3a9c2e-1111-2222-3333-444455556666"
KAMEREON_ACCOUNT = "kam-acc-9d8c7b6a-5555-6666-7777-888899990000"
VIN = "VF1AG000X64239751"


PINGED_AT = datetime(2026, 11, 2, 8, 0, tzinfo=UTC)


def ping(vehicle_id: int | None = None, level: int = 40) -> OutboxPayload:
    """An outbox payload: the sample Zoe plugged in (naming its VIN) when a vehicle is given, else an
    account's expired login."""
    if vehicle_id is None:
        return OutboxPayload(CredentialsExpired(scope="account:1", since=PINGED_AT))
    return OutboxPayload(Plugged(VIN, PINGED_AT, level), vehicle_id)


def secrets(person_id: str = PERSON_ID, token: str = LOGIN_TOKEN) -> AccountSecrets:
    """Secrets as the login use case would hand them over."""
    return AccountSecrets(
        login_token=token,
        person_id=person_id,
        kamereon_account_ids=(KAMEREON_ACCOUNT,),
        gmid="gmid-abcdef-123456",
        ucid="ucid-fedcba-654321",
    )


def zoe(vin: str = VIN) -> NewVehicle:
    """A Zoe on the sample Kamereon account."""
    return NewVehicle(
        VehicleInfo(vin=vin, model_code="X102VE", model_name="ZOE", plate="AB-123-CD"), KAMEREON_ACCOUNT
    )


async def linked_zoe(db: Database, cipher: CredentialCipher, chat_id: int = 100) -> tuple[int, int]:
    """Store an account with one Zoe linked to `chat_id`; returns (account id, vehicle id)."""
    account_id, (vehicle_id,) = await SqlAccountRepository(db, cipher).create_linked(
        chat_id, "fr_FR", EMAIL, secrets(), [zoe()]
    )
    return account_id, vehicle_id
