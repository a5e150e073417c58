"""A two-factor login whose code reaches another replica (another graph on the same database), bad codes
from the wrong chat or after the expiry, logout forgetting a pending login, the action rate shared."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.domain.actions import ActionKind
from bot.features.actions.ports import ActionRequest
from bot.features.linking.ports import CodeNeeded, LinkResult
from bot.services.conversation_ports import LOGIN_TTL
from bot.services.errors import CodeExpired, CodeRejected, TooManyActions
from tests.support.stack import Stack, service_stack

pytestmark = pytest.mark.slow  # measured: most of its tests take over a second

EMAIL = "tfa@example.com"
PASSWORD = "s3cret-Pass"
CHAT, OTHER_CHAT = 1001, 2002


async def _challenge(stack: Stack, chat_id: int = CHAT) -> CodeNeeded:
    stack.sim.add_vehicle(stack.sim.add_account(EMAIL, PASSWORD, two_factor=True), "XBG1VE")
    pending = await stack.graph.linking.begin(chat_id, "fr_FR", EMAIL, PASSWORD)
    assert isinstance(pending, CodeNeeded)
    return pending


async def test_the_code_completes_the_login_on_another_replica(tmp_path: Path) -> None:
    async with service_stack(tmp_path) as stack:
        pending = await _challenge(stack)
        first = stack.graph
        other = stack.rebuilt()  # a second process on the same database and key
        assert other.linking is not first.linking
        result = await other.linking.submit_code(CHAT, pending, stack.sim.last_two_factor_code(EMAIL))
    assert isinstance(result, LinkResult)
    assert len(result.vehicles) == 1


async def test_a_wrong_code_on_one_replica_then_the_right_one_on_another(tmp_path: Path) -> None:
    async with service_stack(tmp_path) as stack:
        pending = await _challenge(stack)
        with pytest.raises(CodeRejected):
            await stack.graph.linking.submit_code(CHAT, pending, "000000")
        other = stack.rebuilt()
        result = await other.linking.submit_code(CHAT, pending, stack.sim.last_two_factor_code(EMAIL))
    assert isinstance(result, LinkResult)


async def test_a_code_sent_from_another_chat_is_refused_and_the_login_survives(tmp_path: Path) -> None:
    async with service_stack(tmp_path) as stack:
        pending = await _challenge(stack)
        code = stack.sim.last_two_factor_code(EMAIL)
        with pytest.raises(CodeExpired):
            await stack.graph.linking.submit_code(OTHER_CHAT, pending, code)
        assert await stack.graph.linking.vehicles(OTHER_CHAT) == []
        result = await stack.graph.linking.submit_code(CHAT, pending, code)
    assert isinstance(result, LinkResult)


async def test_a_foreign_challenge_id_is_refused(tmp_path: Path) -> None:
    async with service_stack(tmp_path) as stack:
        pending = await _challenge(stack)
        forged = CodeNeeded("not-the-id", pending.masked_emails)
        with pytest.raises(CodeExpired):
            await stack.graph.linking.submit_code(CHAT, forged, stack.sim.last_two_factor_code(EMAIL))
        assert await stack.graph.linking.vehicles(CHAT) == []


async def test_an_expired_challenge_is_refused_and_forgotten(tmp_path: Path) -> None:
    async with service_stack(tmp_path) as stack:
        pending = await _challenge(stack)
        stack.clock.advance(seconds=LOGIN_TTL.total_seconds() + 1)
        with pytest.raises(CodeExpired):
            await stack.graph.linking.submit_code(CHAT, pending, stack.sim.last_two_factor_code(EMAIL))
        assert await stack.graph.stores.logins.challenge(CHAT) is None


async def test_cancel_forgets_the_challenge_everywhere(tmp_path: Path) -> None:
    async with service_stack(tmp_path) as stack:
        pending = await _challenge(stack)
        await stack.graph.linking.cancel(CHAT, pending)
        other = stack.rebuilt()
        with pytest.raises(CodeExpired):
            await other.linking.submit_code(CHAT, pending, stack.sim.last_two_factor_code(EMAIL))


async def test_cancelling_another_challenge_id_keeps_the_login(tmp_path: Path) -> None:
    async with service_stack(tmp_path) as stack:
        pending = await _challenge(stack)
        await stack.graph.linking.cancel(CHAT, CodeNeeded("an-older-login", pending.masked_emails))
        await stack.graph.linking.cancel(OTHER_CHAT, pending)
        result = await stack.graph.linking.submit_code(CHAT, pending, stack.sim.last_two_factor_code(EMAIL))
    assert isinstance(result, LinkResult)


async def test_a_double_tap_split_across_two_replicas_sends_one_action(tmp_path: Path) -> None:
    async with service_stack(tmp_path) as stack:
        account = stack.sim.add_account("owner@example.com", PASSWORD)
        stack.sim.add_vehicle(account, "X102VE")
        linked = await stack.graph.linking.begin(CHAT, "fr_FR", "owner@example.com", PASSWORD)
        assert isinstance(linked, LinkResult)
        vehicle_id = linked.vehicles[0].vehicle_id
        first = stack.graph
        second = stack.rebuilt()
        stack.sim.log.clear()
        await first.actions.run(CHAT, vehicle_id, ActionRequest(ActionKind.PRECONDITION))
        with pytest.raises(TooManyActions):
            await second.actions.run(CHAT, vehicle_id, ActionRequest(ActionKind.PRECONDITION))
    assert stack.sim.log.count("hvac-start") == 1


async def test_logout_forgets_a_pending_login_of_the_chat(tmp_path: Path) -> None:
    async with service_stack(tmp_path) as stack:
        account = stack.sim.add_account("owner@example.com", PASSWORD)
        stack.sim.add_vehicle(account, "X102VE")
        assert isinstance(
            await stack.graph.linking.begin(CHAT, "fr_FR", "owner@example.com", PASSWORD), LinkResult
        )
        stack.sim.add_vehicle(stack.sim.add_account(EMAIL, PASSWORD, two_factor=True), "XBG1VE")
        assert isinstance(await stack.graph.linking.begin(CHAT, "fr_FR", EMAIL, PASSWORD), CodeNeeded)
        await stack.graph.sharing.logout(CHAT)
        assert await stack.graph.stores.logins.challenge(CHAT) is None
