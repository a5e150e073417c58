"""A chat linked through the real login against the Renault simulator (one account, one car)."""

from __future__ import annotations

from typing import Any

from bot.features.linking.ports import LinkResult
from tests.support.stack import Stack


async def link_one_car(
    stack: Stack, chat_id: int, email: str, password: str, model: str = "X102VE", **car: Any
) -> LinkResult:
    """Add an account with one car of `model` to the simulator and log the chat in to it."""
    account = stack.sim.add_account(email, password)
    stack.sim.add_vehicle(account, model, **car)
    result = await stack.graph.linking.begin(chat_id, "fr_FR", email, password)
    assert isinstance(result, LinkResult)
    return result
