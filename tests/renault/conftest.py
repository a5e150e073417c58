"""Shared fixtures: a fake clock, the fake backend and a client wired to it."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest

from bot.renault.client import RenaultClient
from bot.renault.credentials import RenaultCredentials
from bot.renault.locales import LocaleOverrides
from tests.renault.fake_backend import GIGYA, KAMEREON, LOGIN_TOKEN, FakeBackend
from tests.support.clock import FakeClock


class RecordingGate:
    """A RequestGate that records what it was asked."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, str]] = []
        self.quota_hits: list[str] = []

    async def before_request(self, account_key: str, endpoint: str) -> None:
        self.calls.append((account_key, endpoint))

    async def on_quota_exceeded(self, account_key: str) -> None:
        self.quota_hits.append(account_key)


@pytest.fixture
def backend(clock: FakeClock) -> FakeBackend:
    return FakeBackend(clock=clock.timestamp)


@pytest.fixture
def gate() -> RecordingGate:
    return RecordingGate()


@pytest.fixture
async def client(backend: FakeBackend, clock: FakeClock, gate: RecordingGate) -> AsyncIterator[RenaultClient]:
    async with httpx.AsyncClient(transport=httpx.MockTransport(backend)) as http:
        overrides = LocaleOverrides(gigya_url=GIGYA, kamereon_url=KAMEREON)
        yield RenaultClient(http, overrides=overrides, clock=clock.timestamp, gate=gate)


@pytest.fixture
def credentials() -> RenaultCredentials:
    return RenaultCredentials("fr_FR", LOGIN_TOKEN, "person-1", None)
