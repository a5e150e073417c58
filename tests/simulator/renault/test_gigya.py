"""Gigya: token calls, error bodies and the e-mail two-factor flow, driven with plain httpx."""

from __future__ import annotations

import base64
import json
from typing import Any

import httpx

from bot.simulator.renault import RenaultSimulator
from tests.simulator.renault.helpers import GIGYA, GIGYA_KEY, client, gigya, gigya_get
from tests.support.clock import FakeClock

EMAIL = "owner@example.com"


def _claims(jwt: str) -> dict[str, Any]:
    payload = jwt.split(".")[1]
    decoded: dict[str, Any] = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    return decoded


async def test_login_returns_login_token_in_session_info() -> None:
    sim = RenaultSimulator(FakeClock())
    sim.add_account(EMAIL, "secret")
    async with client(sim) as http:
        response = await http.post(
            f"{GIGYA}/accounts.login",
            data={
                "ApiKey": "3_VgdkgtIRH3AdHvJm-cjV2ug2EFE0lxt0IJzMC4MFqZjFpn_GYFXVdNZ19L7wZX0N",
                "loginID": EMAIL,
                "password": "secret",
            },
        )
    assert response.headers["content-type"] == "text/javascript"
    body = response.json()
    assert body["errorCode"] == 0
    assert body["sessionInfo"]["cookieValue"].startswith("st2.")


async def test_wrong_password_is_403042_in_an_http_200_body() -> None:
    sim = RenaultSimulator(FakeClock())
    sim.add_account(EMAIL, "secret")
    async with client(sim) as http:
        body = await gigya(http, "accounts.login", loginID=EMAIL, password="nope")
        unknown = await gigya(http, "accounts.login", loginID="x@example.com", password="secret")
    assert body["errorCode"] == 403042
    assert body["statusCode"] == 403
    assert "sessionInfo" not in body
    assert unknown["errorCode"] == 403042


async def test_outdated_gigya_key_is_refused_like_bad_credentials() -> None:
    sim = RenaultSimulator(FakeClock())
    sim.add_account(EMAIL, "secret")
    async with client(sim) as http:
        response = await http.post(
            f"{GIGYA}/accounts.login", data={"ApiKey": "3_old", "loginID": EMAIL, "password": "secret"}
        )
    assert response.json()["errorCode"] == 403042


async def test_account_info_and_jwt_carry_person_and_expiry() -> None:
    clock = FakeClock()
    sim = RenaultSimulator(clock)
    account = sim.add_account(EMAIL, "secret")
    async with client(sim) as http:
        token = (await gigya(http, "accounts.login", loginID=EMAIL, password="secret"))["sessionInfo"][
            "cookieValue"
        ]
        info = await gigya(http, "accounts.getAccountInfo", login_token=token)
        jwt = await gigya(
            http,
            "accounts.getJWT",
            login_token=token,
            fields="data.personId,data.gigyaDataCenter",
            expiration="900",
        )
    assert info["data"]["personId"] == account.person_id
    claims = _claims(jwt["id_token"])
    assert claims["exp"] == int(clock.timestamp()) + 900
    assert claims["data.personId"] == account.person_id


async def test_revoked_login_token_gets_403005_on_get_jwt() -> None:
    sim = RenaultSimulator(FakeClock())
    sim.add_account(EMAIL, "secret")
    async with client(sim) as http:
        token = (await gigya(http, "accounts.login", loginID=EMAIL, password="secret"))["sessionInfo"][
            "cookieValue"
        ]
        assert sim.revoke_login_tokens(EMAIL) == 1
        jwt = await gigya(
            http, "accounts.getJWT", login_token=token, fields="data.personId", expiration="900"
        )
        info = await gigya(http, "accounts.getAccountInfo", login_token=token)
    assert jwt["errorCode"] == 403005
    assert info["errorCode"] == 403005


def _wrong(code: str) -> str:
    return f"{(int(code) + 1) % 1_000_000:06d}"


async def _start_challenge(http: httpx.AsyncClient) -> tuple[str, dict[str, str], str, str]:
    """login(403101) -> bootstrap -> initTFA -> getEmails -> sendVerificationCode."""
    challenge = await gigya(http, "accounts.login", loginID=EMAIL, password="secret")
    assert challenge["errorCode"] == 403101
    reg_token = challenge["regToken"]
    boot = await gigya_get(http, "accounts.webSdkBootstrap")
    assert boot.status_code == 200
    cookies = {"gmid": boot.cookies["gmid"], "ucid": boot.cookies["ucid"]}
    init = await gigya_get(
        http,
        "accounts.tfa.initTFA",
        cookies,
        regToken=reg_token,
        provider="gigyaEmail",
        mode="verify",
        **cookies,
    )
    assertion = init.json()["gigyaAssertion"]
    emails = (await gigya_get(http, "accounts.tfa.email.getEmails", cookies, gigyaAssertion=assertion)).json()
    assert emails["emails"][0]["obfuscated"] == "o***@example.com"
    sent = await gigya_get(
        http,
        "accounts.tfa.email.sendVerificationCode",
        cookies,
        gigyaAssertion=assertion,
        emailID=emails["emails"][0]["id"],
        lang="fr",
    )
    return reg_token, cookies, assertion, sent.json()["phvToken"]


async def test_two_factor_flow_then_remembered_device_logs_in_without_challenge() -> None:
    sim = RenaultSimulator(FakeClock(), seed=1)
    sim.add_account(EMAIL, "secret", two_factor=True)
    async with client(sim) as http:
        reg_token, cookies, assertion, phv = await _start_challenge(http)
        wrong = await gigya_get(
            http,
            "accounts.tfa.email.completeVerification",
            cookies,
            gigyaAssertion=assertion,
            phvToken=phv,
            code=_wrong(sim.last_two_factor_code(EMAIL)),
        )
        right = await gigya_get(
            http,
            "accounts.tfa.email.completeVerification",
            cookies,
            gigyaAssertion=assertion,
            phvToken=phv,
            code=sim.last_two_factor_code(EMAIL),
        )
        final = await gigya_get(
            http,
            "accounts.tfa.finalizeTFA",
            cookies,
            gigyaAssertion=assertion,
            providerAssertion=right.json()["providerAssertion"],
            regToken=reg_token,
            tempDevice="false",
        )
        http.cookies.clear()
        replay = await http.post(
            f"{GIGYA}/accounts.login",
            data={
                "ApiKey": GIGYA_KEY,
                "loginID": EMAIL,
                "password": "secret",
            },
            headers={"cookie": f"gmid={cookies['gmid']}; ucid={cookies['ucid']}"},
        )
        later = await http.post(
            f"{GIGYA}/accounts.login",
            data={
                "ApiKey": GIGYA_KEY,
                "loginID": EMAIL,
                "password": "secret",
            },
            headers={"cookie": f"gmid={cookies['gmid']}; ucid={cookies['ucid']}"},
        )
        http.cookies.clear()
        other_device = await gigya(http, "accounts.login", loginID=EMAIL, password="secret")
    assert wrong.status_code == 200
    assert wrong.json()["errorCode"] == 400006
    assert wrong.json()["errorDetails"] == "Wrong verification code"
    assert right.json()["errorCode"] == 0
    assert final.json()["errorCode"] == 0
    assert replay.json()["errorCode"] == 0
    assert replay.json()["sessionInfo"]["cookieValue"]
    assert later.json()["errorCode"] == 0
    assert other_device["errorCode"] == 403101


async def test_expired_assertion_answers_400006_invalid_jwt() -> None:
    clock = FakeClock()
    sim = RenaultSimulator(clock)
    sim.add_account(EMAIL, "secret", two_factor=True)
    async with client(sim) as http:
        _reg, cookies, assertion, phv = await _start_challenge(http)
        clock.advance(minutes=6)
        late = await gigya_get(
            http,
            "accounts.tfa.email.completeVerification",
            cookies,
            gigyaAssertion=assertion,
            phvToken=phv,
            code=sim.last_two_factor_code(EMAIL),
        )
    assert late.json()["errorCode"] == 400006
    assert late.json()["errorDetails"] == "Invalid jwt"


async def test_a_new_code_supersedes_the_previous_one() -> None:
    sim = RenaultSimulator(FakeClock())
    sim.add_account(EMAIL, "secret", two_factor=True)
    async with client(sim) as http:
        _reg, cookies, assertion, old_phv = await _start_challenge(http)
        old_code = sim.last_two_factor_code(EMAIL)
        emails = (
            await gigya_get(http, "accounts.tfa.email.getEmails", cookies, gigyaAssertion=assertion)
        ).json()
        await gigya_get(
            http,
            "accounts.tfa.email.sendVerificationCode",
            cookies,
            gigyaAssertion=assertion,
            emailID=emails["emails"][0]["id"],
        )
        stale = await gigya_get(
            http,
            "accounts.tfa.email.completeVerification",
            cookies,
            gigyaAssertion=assertion,
            phvToken=old_phv,
            code=old_code,
        )
    assert stale.json()["errorCode"] == 400006


async def test_temporary_device_is_trusted_for_the_replay_only() -> None:
    sim = RenaultSimulator(FakeClock())
    sim.add_account(EMAIL, "secret", two_factor=True)
    async with client(sim) as http:
        reg_token, cookies, assertion, phv = await _start_challenge(http)
        done = await gigya_get(
            http,
            "accounts.tfa.email.completeVerification",
            cookies,
            gigyaAssertion=assertion,
            phvToken=phv,
            code=sim.last_two_factor_code(EMAIL),
        )
        await gigya_get(
            http,
            "accounts.tfa.finalizeTFA",
            cookies,
            gigyaAssertion=assertion,
            providerAssertion=done.json()["providerAssertion"],
            regToken=reg_token,
            tempDevice="true",
        )
        http.cookies.clear()
        http.cookies.update(cookies)
        first = await gigya(http, "accounts.login", loginID=EMAIL, password="secret")
        second = await gigya(http, "accounts.login", loginID=EMAIL, password="secret")
    assert first["errorCode"] == 0
    assert second["errorCode"] == 403101


async def test_no_code_until_one_was_sent() -> None:
    sim = RenaultSimulator(FakeClock())
    sim.add_account(EMAIL, "secret", two_factor=True)
    try:
        sim.last_two_factor_code(EMAIL)
    except LookupError:
        raised = True
    else:
        raised = False
    assert raised


def test_account_repr_hides_password_and_codes() -> None:
    sim = RenaultSimulator(FakeClock())
    account = sim.add_account(EMAIL, "hunter2-secret", two_factor=True)
    account.last_code = "123456"
    assert "hunter2-secret" not in repr(account)
    assert "123456" not in repr(account)
    assert EMAIL not in repr(account)
