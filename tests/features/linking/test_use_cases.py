"""Logging in and linking through the real client against the Renault simulator: with and without the
e-mailed code, a wrong password or code, a challenge from another chat or too late, logging in again."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.features.linking.ports import CodeNeeded, LinkResult
from bot.services.errors import CodeExpired, CodeRejected, LoginRejected, NotLinked
from tests.support.linking import link_one_car
from tests.support.stack import service_stack

pytestmark = pytest.mark.slow  # measured: most of its tests take over a second

EMAIL = "owner@example.com"
PASSWORD = "s3cret-Pass"
CHAT = 1001


async def test_login_without_two_factor_links_and_selects_the_car(tmp_path: Path) -> None:
    async with service_stack(tmp_path) as stack:
        result = await link_one_car(stack, CHAT, EMAIL, PASSWORD, plate="AB-123-CD")
        assert len(result.vehicles) == 1
        assert result.active_vehicle_id == result.vehicles[0].vehicle_id
        assert result.vehicles[0].info.plate == "AB-123-CD"
        active = await stack.graph.linking.active(CHAT)
        assert active.vehicle_id == result.active_vehicle_id
        assert active.capabilities.supports("battery-status")


async def test_wrong_password_is_rejected_and_nothing_is_stored(tmp_path: Path) -> None:
    async with service_stack(tmp_path) as stack:
        stack.sim.add_account(EMAIL, PASSWORD)
        with pytest.raises(LoginRejected):
            await stack.graph.linking.begin(CHAT, "fr_FR", EMAIL, "wrong")
        with pytest.raises(NotLinked):
            await stack.graph.linking.active(CHAT)


async def test_two_factor_wrong_code_then_right_code_links(tmp_path: Path) -> None:
    async with service_stack(tmp_path) as stack:
        account = stack.sim.add_account(EMAIL, PASSWORD, two_factor=True)
        stack.sim.add_vehicle(account, "R5E1VE")
        pending = await stack.graph.linking.begin(CHAT, "fr_FR", EMAIL, PASSWORD)
        assert isinstance(pending, CodeNeeded)
        with pytest.raises(CodeRejected):
            await stack.graph.linking.submit_code(CHAT, pending, "000000")
        code = stack.sim.last_two_factor_code(EMAIL)
        result = await stack.graph.linking.submit_code(CHAT, pending, code)
        assert result.vehicles[0].info.model_code == "R5E1VE"


async def test_a_challenge_is_not_usable_from_another_chat_or_after_expiry(tmp_path: Path) -> None:
    async with service_stack(tmp_path) as stack:
        stack.sim.add_account(EMAIL, PASSWORD, two_factor=True)
        pending = await stack.graph.linking.begin(CHAT, "fr_FR", EMAIL, PASSWORD)
        assert isinstance(pending, CodeNeeded)
        code = stack.sim.last_two_factor_code(EMAIL)
        with pytest.raises(CodeExpired):
            await stack.graph.linking.submit_code(CHAT + 1, pending, code)
        stack.clock.advance(minutes=11)
        with pytest.raises(CodeExpired):
            await stack.graph.linking.submit_code(CHAT, pending, code)


async def test_logging_in_again_to_the_linked_account_refreshes_it_without_an_error(tmp_path: Path) -> None:
    async with service_stack(tmp_path) as stack:
        first = await link_one_car(stack, CHAT, EMAIL, PASSWORD)
        again = await stack.graph.linking.begin(CHAT, "fr_FR", EMAIL, PASSWORD)
        assert isinstance(again, LinkResult)
        assert again.account_id == first.account_id
        assert [v.vehicle_id for v in again.vehicles] == [v.vehicle_id for v in first.vehicles]
