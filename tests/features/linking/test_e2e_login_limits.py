"""In the chat: the password or code past the cap is refused without asking Renault, the login ends, and
the message says when to try again; Renault's own lock ends the login with its own message."""

from __future__ import annotations

from pathlib import Path

from bot.simulator.telegram import EmulatedUser
from tests.e2e.harness import EMAIL, PASSWORD, TFA_EMAIL, login, running_e2e
from tests.support.chat import texts

WAIT = 10.0


async def _answer(user: EmulatedUser, text: str) -> str:
    before = len(user.bot_messages)
    await user.send(text)
    await user.wait_until(lambda u: len(u.bot_messages) > before, timeout=WAIT)
    # "Checking with Renault..." comes first after a password: the answer is the message after it.
    await user.wait_until(lambda u: "Checking" not in (u.bot_messages[-1].text or ""), timeout=WAIT)
    return user.bot_messages[-1].text or ""


async def test_the_sixth_wrong_password_is_refused_without_renault_and_says_when(tmp_path: Path) -> None:
    async with running_e2e(tmp_path) as e2e:
        e2e.sim.add_vehicle(e2e.sim.add_account(EMAIL, PASSWORD), "X102VE")
        ann = e2e.emulator.user(1001, "Ann")
        await login(ann, EMAIL, "guess-1")
        await ann.wait_until(lambda u: any("refused" in t for t in texts(u)), timeout=WAIT)
        for guess in range(2, 6):
            assert "refused" in await _answer(ann, f"guess-{guess}")
        answer = await _answer(ann, "guess-6")
        assert e2e.sim.log.count("accounts.login") == 5
        assert "Too many login attempts" in answer
        assert "about 15 min" in answer
        # Every password was deleted, the refused one too; and the login is over.
        assert len(ann.deleted_messages) == 6
        assert await e2e.core_login_step(1001) is None


async def test_the_sixth_wrong_code_ends_the_login_without_renault(tmp_path: Path) -> None:
    async with running_e2e(tmp_path) as e2e:
        e2e.sim.add_vehicle(e2e.sim.add_account(TFA_EMAIL, PASSWORD, two_factor=True), "XBG1VE")
        ann = e2e.emulator.user(1001, "Ann")
        await login(ann, TFA_EMAIL, PASSWORD)
        await ann.wait_until(lambda u: any("Renault sent a code" in t for t in texts(u)), timeout=WAIT)
        for guess in range(5):
            assert "not right" in await _answer(ann, f"00000{guess}")
        answer = await _answer(ann, e2e.sim.last_two_factor_code(TFA_EMAIL))
        assert e2e.sim.log.count("accounts.tfa.email.completeVerification") == 5
        assert "Too many wrong codes" in answer
        assert "about 15 min" in answer
        assert await e2e.core_login_step(1001) is None


async def test_renaults_lock_ends_the_login_with_its_own_message(tmp_path: Path) -> None:
    async with running_e2e(tmp_path) as e2e:
        e2e.sim.gigya.lockout_after = 1
        e2e.sim.add_vehicle(e2e.sim.add_account(EMAIL, PASSWORD), "X102VE")
        ann = e2e.emulator.user(1001, "Ann")
        await login(ann, EMAIL, "guess-1")
        await ann.wait_until(lambda u: any("refused" in t for t in texts(u)), timeout=WAIT)
        answer = await _answer(ann, PASSWORD)
        assert "temporarily locked this MyRenault account" in answer
        assert await e2e.core_login_step(1001) is None
