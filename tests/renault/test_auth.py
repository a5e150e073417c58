"""Gigya login, e-mail two-factor and the JWT lifecycle."""

from __future__ import annotations

import asyncio

import pytest

from bot.renault.client import RenaultClient
from bot.renault.credentials import RenaultCredentials
from bot.renault.errors import (
    InvalidCredentials,
    LoginTokenExpired,
    TwoFactorCodeExpired,
    TwoFactorCodeInvalid,
)
from bot.renault.gigya import LoginResult, TwoFactorChallenge
from tests.renault.conftest import RecordingGate
from tests.renault.fake_backend import CODE, EMAIL, LOGIN_TOKEN, PASSWORD, FakeBackend
from tests.support.clock import FakeClock


async def test_login_returns_the_login_token(client: RenaultClient, backend: FakeBackend) -> None:
    result = await client.login("fr_FR", EMAIL, PASSWORD)
    assert isinstance(result, LoginResult)
    assert result.credentials.login_token == LOGIN_TOKEN
    login = backend.requests[0]
    assert login.method == "POST"
    assert b"ApiKey=" in login.content
    assert b"loginID=owner%40example.com" in login.content


async def test_wrong_password_is_invalid_credentials(client: RenaultClient) -> None:
    with pytest.raises(InvalidCredentials):
        await client.login("fr_FR", EMAIL, "wrong")


async def test_two_factor_happy_path_remembers_the_device(
    client: RenaultClient, backend: FakeBackend
) -> None:
    backend.tfa = True
    challenge = await client.login("fr_FR", EMAIL, PASSWORD)
    assert isinstance(challenge, TwoFactorChallenge)
    assert challenge.masked_emails == ["o***@example.com"]
    result = await client.complete_two_factor(challenge, CODE)
    assert result.credentials.login_token == LOGIN_TOKEN
    assert result.credentials.device is not None
    methods = [r.url.path.rsplit("/", 1)[-1] for r in backend.requests]
    assert methods == [
        "accounts.login",
        "accounts.webSdkBootstrap",
        "accounts.tfa.initTFA",
        "accounts.tfa.email.getEmails",
        "accounts.tfa.email.sendVerificationCode",
        "accounts.tfa.email.completeVerification",
        "accounts.tfa.finalizeTFA",
        "accounts.login",
    ]
    assert "gmid=gmid-1" in backend.requests[-1].headers["cookie"]
    # Later logins with the stored device skip the challenge.
    again = await client.login("fr_FR", EMAIL, PASSWORD, result.credentials.device)
    assert isinstance(again, LoginResult)


async def test_wrong_code_then_right_code_uses_the_same_challenge(
    client: RenaultClient, backend: FakeBackend
) -> None:
    backend.tfa = True
    challenge = await client.login("fr_FR", EMAIL, PASSWORD)
    assert isinstance(challenge, TwoFactorChallenge)
    with pytest.raises(TwoFactorCodeInvalid):
        await client.complete_two_factor(challenge, "000000")
    result = await client.complete_two_factor(challenge, CODE)
    assert result.credentials.login_token == LOGIN_TOKEN
    assert backend.count("sendVerificationCode") == 1


async def test_expired_assertion_is_code_expired(client: RenaultClient, backend: FakeBackend) -> None:
    backend.tfa = True
    backend.wrong_code_details = "Invalid jwt"
    challenge = await client.login("fr_FR", EMAIL, PASSWORD)
    assert isinstance(challenge, TwoFactorChallenge)
    with pytest.raises(TwoFactorCodeExpired):
        await client.complete_two_factor(challenge, CODE + "9")


async def test_old_or_used_challenge_is_code_expired(
    client: RenaultClient, backend: FakeBackend, clock: FakeClock
) -> None:
    backend.tfa = True
    challenge = await client.login("fr_FR", EMAIL, PASSWORD)
    assert isinstance(challenge, TwoFactorChallenge)
    await client.complete_two_factor(challenge, CODE)
    with pytest.raises(TwoFactorCodeExpired):
        await client.complete_two_factor(challenge, CODE)
    backend.trusted_gmids.clear()
    fresh = await client.login("fr_FR", EMAIL, PASSWORD)
    assert isinstance(fresh, TwoFactorChallenge)
    clock.advance(3601)
    with pytest.raises(TwoFactorCodeExpired):
        await client.complete_two_factor(fresh, CODE)


async def test_jwt_is_cached_until_sixty_seconds_before_expiry(
    client: RenaultClient, backend: FakeBackend, clock: FakeClock, credentials: RenaultCredentials
) -> None:
    backend.answer_battery()
    car = client.account(credentials, "acc").vehicle("account-1", "VIN", "X102VE")
    await car.battery_status()
    clock.advance(900 - 61)
    await car.battery_status()
    assert backend.count("getJWT") == 1
    clock.advance(2)
    await car.battery_status()
    assert backend.count("getJWT") == 2


async def test_fifty_concurrent_reads_after_expiry_mint_one_jwt(
    client: RenaultClient, backend: FakeBackend, clock: FakeClock, credentials: RenaultCredentials
) -> None:
    backend.answer_battery()
    car = client.account(credentials, "acc").vehicle("account-1", "VIN", "X102VE")
    await car.battery_status()
    clock.advance(1000)
    await asyncio.gather(*(car.battery_status() for _ in range(50)))
    assert backend.count("getJWT") == 2


async def test_rejected_jwt_is_refreshed_once_and_the_call_retried(
    client: RenaultClient, backend: FakeBackend, credentials: RenaultCredentials
) -> None:
    backend.answer_battery()
    car = client.account(credentials, "acc").vehicle("account-1", "VIN", "X102VE")
    await car.battery_status()
    backend.revoked_jwts.add(backend.issued_jwts[-1])
    status = await car.battery_status()
    assert status.battery_level == 50
    assert backend.count("getJWT") == 2


async def test_revoked_login_token_is_credentials_expired(
    client: RenaultClient, backend: FakeBackend, credentials: RenaultCredentials
) -> None:
    backend.answer_battery()
    backend.jwt_error = 403005
    car = client.account(credentials, "acc").vehicle("account-1", "VIN", "X102VE")
    with pytest.raises(LoginTokenExpired):
        await car.battery_status()


async def test_same_key_gives_the_same_account_object(
    client: RenaultClient, credentials: RenaultCredentials
) -> None:
    assert client.account(credentials, "k") is client.account(credentials, "k")


async def test_gate_is_consulted_before_token_and_kamereon_calls(
    client: RenaultClient, backend: FakeBackend, credentials: RenaultCredentials, gate: RecordingGate
) -> None:
    backend.answer_battery()
    await client.account(credentials, "acc").vehicle("account-1", "VIN", "X102VE").battery_status()
    assert gate.calls == [("acc", "gigya/accounts.getJWT"), ("acc", "battery-status")]
