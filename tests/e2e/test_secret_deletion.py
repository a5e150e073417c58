"""A password or 2FA code never stays in the chat unnoticed: a failed deleteMessage (timeout, network error,
Telegram's 5xx or flood control) is retried from the database, across a restart, and when it cannot be
done the sender is asked, in their language, to delete it; a password sent just after its login expired is
deleted too. The real Application against the Telegram emulator (which injects the failures)."""

from __future__ import annotations

from pathlib import Path

from bot.services.conversation_ports import LATE_SECRET_WINDOW, LOGIN_TTL
from bot.services.secret_messages import MAX_ATTEMPTS, Erasure
from bot.simulator.telegram import BotApiError, EmulatedUser
from bot.telegram_ui.handlers.common import TelegramEraser
from tests.e2e.harness import E2E, EMAIL, PASSWORD, login, running_e2e
from tests.support.chat import texts

WAIT = 10.0
ANN = 1001


def _failing_deletes(e2e: E2E, error: BotApiError, times: int) -> None:
    e2e.emulator.inject_error(error, method="deleteMessage", chat_id=ANN, times=times)


def _deleted_ids(user: EmulatedUser) -> list[int]:
    return [m.message_id for m in user.deleted_messages]


async def _retry(e2e: E2E) -> None:
    assert e2e.core is not None
    assert e2e.app is not None
    await e2e.core.secrets.retry_due(TelegramEraser(e2e.app.bot))


async def _linked_with_password_left(e2e: E2E, ann: EmulatedUser) -> None:
    e2e.sim.add_vehicle(e2e.sim.add_account(EMAIL, PASSWORD), "X102VE")
    await login(ann, EMAIL, PASSWORD)
    await ann.wait_until(lambda u: any(t.startswith("Linked!") for t in texts(u)), timeout=WAIT)


async def test_a_password_whose_delete_failed_is_deleted_by_the_retry_after_a_restart(tmp_path: Path) -> None:
    async with running_e2e(tmp_path) as e2e:
        ann = e2e.emulator.user(ANN, "Ann")
        _failing_deletes(e2e, BotApiError(502, "Bad Gateway"), times=1)
        await _linked_with_password_left(e2e, ann)
        assert len(ann.deleted_messages) == 0
        left = [m for m in ann.history if m.text == PASSWORD]
        assert len(left) == 1

        await e2e.restart()  # the retry is a row in the database, not a task of the process that failed
        await _retry(e2e)  # not due yet: nothing is tried
        assert len(ann.deleted_messages) == 0
        e2e.clock.advance(seconds=31)
        await _retry(e2e)

        assert _deleted_ids(ann) == [left[0].message_id]
        assert not any("could not delete" in t for t in texts(ann))


async def test_flood_control_on_the_delete_is_retried_too(tmp_path: Path) -> None:
    async with running_e2e(tmp_path) as e2e:
        ann = e2e.emulator.user(ANN, "Ann")
        _failing_deletes(e2e, BotApiError(429, "Too Many Requests: retry after 1", retry_after=1), times=1)
        await _linked_with_password_left(e2e, ann)
        e2e.clock.advance(seconds=31)
        await _retry(e2e)
        assert len(ann.deleted_messages) == 1


async def test_a_delete_telegram_refuses_asks_the_sender_in_their_language(tmp_path: Path) -> None:
    async with running_e2e(tmp_path) as e2e:
        anne = e2e.emulator.user(ANN, "Anne", language_code="fr")
        _failing_deletes(e2e, BotApiError(400, "Bad Request: message can't be deleted"), times=1)
        e2e.sim.add_vehicle(e2e.sim.add_account(EMAIL, PASSWORD), "X102VE")
        await anne.send("/login")
        countries = await anne.next_message()
        await anne.tap(countries, countries.buttons[0].text)
        await anne.wait_until(lambda u: any("MyRenault" in t for t in texts(u)), timeout=WAIT)
        await anne.send(EMAIL)
        await anne.wait_until(lambda u: any("mot de passe" in t for t in texts(u)), timeout=WAIT)
        await anne.send(PASSWORD)

        await anne.wait_until(lambda u: any("Je n'ai pas pu supprimer" in t for t in texts(u)), timeout=WAIT)
        assert anne.deleted_messages == ()
        await _retry(e2e)  # nothing left to retry: asked once
        assert sum("Je n'ai pas pu supprimer" in t for t in texts(anne)) == 1


async def test_deletes_that_keep_failing_end_with_the_sender_asked(tmp_path: Path) -> None:
    async with running_e2e(tmp_path) as e2e:
        ann = e2e.emulator.user(ANN, "Ann")
        _failing_deletes(e2e, BotApiError(502, "Bad Gateway"), times=MAX_ATTEMPTS)
        await _linked_with_password_left(e2e, ann)
        for _ in range(MAX_ATTEMPTS):
            e2e.clock.advance(minutes=10)
            await _retry(e2e)

        await ann.wait_until(
            lambda u: any("could not delete the message" in t for t in texts(u)), timeout=WAIT
        )
        assert ann.deleted_messages == ()
        assert len(e2e.emulator.calls("deleteMessage")) == MAX_ATTEMPTS


async def test_a_password_sent_just_after_its_login_expired_is_still_deleted(tmp_path: Path) -> None:
    async with running_e2e(tmp_path) as e2e:
        assert e2e.core is not None
        e2e.sim.add_vehicle(e2e.sim.add_account(EMAIL, PASSWORD), "X102VE")
        ann = e2e.emulator.user(ANN, "Ann")
        await login(ann, EMAIL, PASSWORD)  # up to the password question
        e2e.clock.advance(seconds=LOGIN_TTL.total_seconds() + 60)
        await e2e.core.stores.conversation_purge.purge(e2e.clock())  # the job ran: the e-mail is wiped

        await ann.send(PASSWORD)

        await ann.wait_until(lambda u: any("I deleted your message" in t for t in texts(u)), timeout=WAIT)
        assert [m.text for m in ann.deleted_messages] == [PASSWORD]
        assert e2e.sim.log.count(key="gigya-login") == 0  # the late password was never used


async def test_after_the_late_window_a_message_is_an_ordinary_message_again(tmp_path: Path) -> None:
    async with running_e2e(tmp_path) as e2e:
        assert e2e.core is not None
        ann = e2e.emulator.user(ANN, "Ann")
        await login(ann, EMAIL, PASSWORD)
        e2e.clock.advance(seconds=(LOGIN_TTL + LATE_SECRET_WINDOW).total_seconds() + 60)
        await e2e.core.stores.conversation_purge.purge(e2e.clock())
        before = len(ann.bot_messages)

        await ann.send("hello")

        await ann.wait_until(lambda u: len(u.bot_messages) > before, timeout=WAIT)
        assert ann.deleted_messages == ()
        assert await e2e.core_login_step(ANN) is None


def test_the_erasure_outcomes_are_the_three_the_service_knows() -> None:
    assert {e.value for e in Erasure} == {"gone", "retry", "refused"}
