"""Login and code attempts are capped per user, per target e-mail and for the bot, with a growing lock,
before Renault is asked; Renault's own lock and captcha end the login and stop the bot knocking."""

from __future__ import annotations

import dataclasses
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlmodel import col

from bot.app.graph import GraphOptions
from bot.domain.attempts import AttemptPolicy
from bot.features.linking.ports import CodeNeeded, LinkResult
from bot.features.linking.use_cases.limits import LoginLimits, ScopeLimits
from bot.persistence.crypto import CredentialCipher, generate_key
from bot.persistence.tables import LimitCounterRow
from bot.services.errors import (
    CodeRejected,
    LoginLocked,
    LoginNeedsCaptcha,
    LoginRejected,
    TooManyAttempts,
)
from tests.support.stack import Stack, service_stack

pytestmark = pytest.mark.slow  # measured: most of its tests take over a second

EMAIL = "owner@example.com"
PASSWORD = "s3cret-Pass"
CHAT = 1001
LOGIN = "accounts.login"
CHECK_CODE = "accounts.tfa.email.completeVerification"


def _gigya_logins(stack: Stack) -> int:
    return stack.sim.log.count(LOGIN)


async def _wrong(stack: Stack, chat: int = CHAT, email: str = EMAIL) -> None:
    with pytest.raises(LoginRejected):
        await stack.graph.linking.begin(chat, "fr_FR", email, "wrong-guess")


async def test_the_sixth_wrong_password_in_an_hour_makes_no_gigya_call_and_says_when(tmp_path: Path) -> None:
    async with service_stack(tmp_path) as stack:
        stack.sim.add_account(EMAIL, PASSWORD)
        for _ in range(5):
            await _wrong(stack)
            stack.clock.advance(minutes=1)
        assert _gigya_logins(stack) == 5
        with pytest.raises(TooManyAttempts) as refused:
            await stack.graph.linking.begin(CHAT, "fr_FR", EMAIL, "sixth-guess")
        assert _gigya_logins(stack) == 5
        assert refused.value.kind == "password"
        assert refused.value.retry_at == stack.clock() + timedelta(minutes=15)
        # Even the right password waits for the lock: nothing reaches Gigya before it ends.
        with pytest.raises(TooManyAttempts):
            await stack.graph.linking.begin(CHAT, "fr_FR", EMAIL, PASSWORD)
        assert _gigya_logins(stack) == 5


async def test_each_new_lock_lasts_longer(tmp_path: Path) -> None:
    async with service_stack(tmp_path) as stack:
        stack.sim.add_account(EMAIL, PASSWORD)
        waits = []
        for _ in range(2):
            for _ in range(5):
                await _wrong(stack)
            with pytest.raises(TooManyAttempts) as refused:
                await _wrong(stack)
            waits.append(refused.value.retry_at - stack.clock())
            stack.clock.set(refused.value.retry_at)
        assert waits == [timedelta(minutes=15), timedelta(minutes=30)]
        assert _gigya_logins(stack) == 10


async def test_guesses_at_one_email_from_many_users_are_capped_by_the_email(tmp_path: Path) -> None:
    async with service_stack(tmp_path) as stack:
        stack.sim.add_account(EMAIL, PASSWORD)
        for chat in range(2001, 2006):
            # The e-mail is one counter however it is written.
            await _wrong(stack, chat, EMAIL.upper() if chat % 2 else f" {EMAIL}")
        with pytest.raises(TooManyAttempts) as refused:
            await _wrong(stack, 2006)
        assert refused.value.scope == "email"
        assert _gigya_logins(stack) == 5
        # Another e-mail from a fresh user is not held up by it.
        await _wrong(stack, 2007, "someone@example.com")


async def test_the_whole_bot_has_a_cap_too(tmp_path: Path) -> None:
    tight = AttemptPolicy(
        cap=3, window=timedelta(hours=1), lock=timedelta(minutes=5), max_lock=timedelta(hours=1)
    )
    defaults = LoginLimits()
    limits = dataclasses.replace(defaults, password=dataclasses.replace(defaults.password, everyone=tight))
    async with service_stack(tmp_path, GraphOptions(login_limits=limits)) as stack:
        for chat in range(3):
            await _wrong(stack, 3000 + chat, f"user{chat}@example.com")
        with pytest.raises(TooManyAttempts) as refused:
            await _wrong(stack, 3010, "user9@example.com")
        assert refused.value.scope == "all"
        assert refused.value.retry_at == stack.clock() + timedelta(minutes=5)
        assert _gigya_logins(stack) == 3


async def test_the_right_password_is_not_counted_as_a_guess(tmp_path: Path) -> None:
    async with service_stack(tmp_path) as stack:
        account = stack.sim.add_account(EMAIL, PASSWORD)
        stack.sim.add_vehicle(account, "X102VE")
        for _ in range(8):
            assert isinstance(await stack.graph.linking.begin(CHAT, "fr_FR", EMAIL, PASSWORD), LinkResult)
        for _ in range(5):
            await _wrong(stack)


async def test_counters_are_shared_by_every_replica(tmp_path: Path) -> None:
    async with service_stack(tmp_path) as stack:
        stack.sim.add_account(EMAIL, PASSWORD)
        first = stack.graph
        for _ in range(3):
            await _wrong(stack)
        stack.rebuilt()  # another process on the same database
        for _ in range(2):
            await _wrong(stack)
        stack.graph = first
        with pytest.raises(TooManyAttempts):
            await _wrong(stack)
        assert _gigya_logins(stack) == 5


async def test_the_database_holds_only_a_keyed_hash_of_the_email(tmp_path: Path) -> None:
    async with service_stack(tmp_path) as stack:
        await _wrong(stack)
        async with stack.db.read() as session:
            keys = list(await session.scalars(select(col(LimitCounterRow.key))))
        assert len(keys) == 3
        assert not any("example" in key or "owner" in key for key in keys)
        hashed = next(key for key in keys if ":email:" in key).rsplit(":", 1)[1]
        assert hashed == stack.cipher.keyed_digest("login-attempts", EMAIL)
        # Keyed: another CREDENTIALS_KEY gives another hash, so the hash cannot be looked up without the key.
        other = CredentialCipher.from_setting(generate_key())
        assert other.keyed_digest("login-attempts", EMAIL) != hashed
        raw = stack.db_path.read_bytes()
        assert EMAIL.encode() not in raw


async def test_the_sixth_wrong_code_makes_no_gigya_call(tmp_path: Path) -> None:
    async with service_stack(tmp_path) as stack:
        account = stack.sim.add_account(EMAIL, PASSWORD, two_factor=True)
        stack.sim.add_vehicle(account, "R5E1VE")
        pending = await stack.graph.linking.begin(CHAT, "fr_FR", EMAIL, PASSWORD)
        assert isinstance(pending, CodeNeeded)
        for guess in range(5):
            with pytest.raises(CodeRejected):
                await stack.graph.linking.submit_code(CHAT, pending, f"00000{guess}")
        assert stack.sim.log.count(CHECK_CODE) == 5
        with pytest.raises(TooManyAttempts) as refused:
            await stack.graph.linking.submit_code(CHAT, pending, stack.sim.last_two_factor_code(EMAIL))
        assert refused.value.kind == "code"
        assert refused.value.retry_at == stack.clock() + timedelta(minutes=15)
        assert stack.sim.log.count(CHECK_CODE) == 5


async def test_renaults_lock_ends_the_login_and_the_bot_stops_trying_that_email(tmp_path: Path) -> None:
    async with service_stack(tmp_path) as stack:
        stack.sim.gigya.lockout_after = 3
        stack.sim.add_account(EMAIL, PASSWORD)
        for _ in range(3):
            await _wrong(stack)
        with pytest.raises(LoginLocked):
            await stack.graph.linking.begin(CHAT, "fr_FR", EMAIL, PASSWORD)
        assert _gigya_logins(stack) == 4
        # Another user, right password or not: the bot does not knock on a locked account.
        with pytest.raises(TooManyAttempts) as refused:
            await stack.graph.linking.begin(4242, "fr_FR", EMAIL, PASSWORD)
        assert refused.value.scope == "email"
        assert refused.value.retry_at == stack.clock() + timedelta(minutes=30)
        assert _gigya_logins(stack) == 4


async def test_a_captcha_demand_ends_the_login_and_pauses_that_email(tmp_path: Path) -> None:
    async with service_stack(tmp_path) as stack:
        stack.sim.add_account(EMAIL, PASSWORD)
        stack.sim.require_captcha(EMAIL)
        with pytest.raises(LoginNeedsCaptcha):
            await stack.graph.linking.begin(CHAT, "fr_FR", EMAIL, PASSWORD)
        with pytest.raises(TooManyAttempts):
            await stack.graph.linking.begin(CHAT, "fr_FR", EMAIL, PASSWORD)
        assert _gigya_logins(stack) == 1


def test_the_default_limits_are_the_documented_ones() -> None:
    limits = LoginLimits()
    personal = AttemptPolicy(5, timedelta(hours=1), timedelta(minutes=15), timedelta(hours=24))
    everyone = AttemptPolicy(100, timedelta(hours=1), timedelta(minutes=5), timedelta(hours=1))
    assert limits.password == limits.code == ScopeLimits(personal, personal, everyone)
    assert limits.renault_lock == timedelta(minutes=30)
