"""The JWT shared through a TokenStore: another session (process) uses a stored one instead of minting, an
expired or rejected one is replaced, a store that fails costs a mint and nothing else."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable

import httpx
import pytest

from bot.renault.client import RenaultClient
from bot.renault.credentials import RenaultCredentials
from bot.renault.errors import RenaultError
from bot.renault.locales import LocaleOverrides
from bot.renault.tokens import StoredJwt
from tests.renault.fake_backend import GIGYA, KAMEREON, FakeBackend
from tests.support.clock import FakeClock


class MemoryTokenStore:
    """A TokenStore in a dict, shared by the clients of a test as the database is by processes."""

    def __init__(self) -> None:
        self.stored: dict[str, StoredJwt] = {}
        self.loads = 0
        self.failing = False

    async def load(self, account_key: str) -> StoredJwt | None:
        self.loads += 1
        if self.failing:
            raise ConnectionError("database down")
        return self.stored.get(account_key)

    async def save(self, account_key: str, jwt: StoredJwt) -> None:
        if self.failing:
            raise ConnectionError("database down")
        self.stored[account_key] = jwt


@pytest.fixture
def store() -> MemoryTokenStore:
    return MemoryTokenStore()


@pytest.fixture
async def http(backend: FakeBackend) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(transport=httpx.MockTransport(backend)) as client:
        yield client


NewProcess = Callable[[], RenaultClient]


@pytest.fixture
def new_process(http: httpx.AsyncClient, clock: FakeClock, store: MemoryTokenStore) -> NewProcess:
    """Builds a client as a new process does: its own memory, the shared store."""
    overrides = LocaleOverrides(gigya_url=GIGYA, kamereon_url=KAMEREON)
    return lambda: RenaultClient(http, overrides=overrides, clock=clock.timestamp, tokens=store)


async def _read(client: RenaultClient, credentials: RenaultCredentials) -> None:
    await client.account(credentials, "7").vehicle("account-1", "VIN", "X102VE").battery_status()


@pytest.fixture(autouse=True)
def _battery(backend: FakeBackend) -> None:
    backend.answer_battery()


async def test_a_second_process_uses_the_stored_jwt_without_minting(
    new_process: NewProcess,
    backend: FakeBackend,
    clock: FakeClock,
    store: MemoryTokenStore,
    credentials: RenaultCredentials,
) -> None:
    await _read(new_process(), credentials)
    assert backend.count("getJWT") == 1
    assert store.stored["7"].token == backend.issued_jwts[-1]
    clock.advance(600)
    await _read(new_process(), credentials)
    assert backend.count("getJWT") == 1


async def test_the_memory_copy_is_the_fast_path(
    new_process: NewProcess,
    store: MemoryTokenStore,
    credentials: RenaultCredentials,
) -> None:
    client = new_process()
    await _read(client, credentials)
    loads = store.loads
    for _ in range(5):
        await _read(client, credentials)
    assert store.loads == loads


async def test_an_expired_stored_jwt_is_minted_again_and_stored(
    new_process: NewProcess,
    backend: FakeBackend,
    clock: FakeClock,
    store: MemoryTokenStore,
    credentials: RenaultCredentials,
) -> None:
    await _read(new_process(), credentials)
    clock.advance(900 - 59)  # within the 60 s margin: treated as expired
    await _read(new_process(), credentials)
    assert backend.count("getJWT") == 2
    assert store.stored["7"].token == backend.issued_jwts[-1]
    assert store.stored["7"].expires_at > clock.timestamp() + 800


async def test_a_jwt_kamereon_rejected_is_not_taken_back_from_the_store(
    new_process: NewProcess,
    backend: FakeBackend,
    store: MemoryTokenStore,
    credentials: RenaultCredentials,
) -> None:
    await _read(new_process(), credentials)
    rejected = store.stored["7"].token
    backend.revoked_jwts.add(rejected)
    # A new process reads the stored JWT, Kamereon refuses it: the refresh must mint, not reload it.
    await _read(new_process(), credentials)
    assert backend.count("getJWT") == 2
    assert store.stored["7"].token not in (rejected, None)


async def test_a_rejected_jwt_is_not_used_again_after_a_failed_refresh(
    new_process: NewProcess,
    backend: FakeBackend,
    credentials: RenaultCredentials,
) -> None:
    client = new_process()
    await _read(client, credentials)
    backend.revoked_jwts.add(backend.issued_jwts[-1])
    backend.jwt_error = 500001  # the refresh after the 401 fails
    with pytest.raises(RenaultError):
        await _read(client, credentials)
    backend.jwt_error = None
    reads = backend.count("battery-status")
    await _read(client, credentials)  # a fresh JWT first, not the refused one still in memory
    assert backend.count("getJWT") == 3
    assert backend.count("battery-status") == reads + 1  # no request with the refused JWT


async def test_a_failing_store_costs_a_mint_and_nothing_else(
    new_process: NewProcess,
    backend: FakeBackend,
    store: MemoryTokenStore,
    credentials: RenaultCredentials,
) -> None:
    store.failing = True
    await _read(new_process(), credentials)
    assert backend.count("getJWT") == 1


async def test_an_offered_jwt_is_taken_only_while_valid(
    http: httpx.AsyncClient,
    new_process: NewProcess,
    backend: FakeBackend,
    clock: FakeClock,
    store: MemoryTokenStore,
    credentials: RenaultCredentials,
) -> None:
    await _read(new_process(), credentials)
    offered = store.stored["7"]
    overrides = LocaleOverrides(gigya_url=GIGYA, kamereon_url=KAMEREON)
    second = RenaultClient(http, overrides=overrides, clock=clock.timestamp)  # no store: only the offer
    second.account(credentials, "7").offer_jwt(offered)
    await _read(second, credentials)
    assert backend.count("getJWT") == 1
    clock.advance(900 - 59)
    second.account(credentials, "7").offer_jwt(offered)  # inside the 60 s margin: not taken
    await _read(second, credentials)
    assert backend.count("getJWT") == 2
