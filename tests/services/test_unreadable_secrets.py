"""A stored secret no configured key reads is a key problem, not a refused login: nothing is flagged, stored
or sent, the user is told it is not their doing, and putting the right key back recovers with no flag left."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa

from bot.domain.vehicle import Role
from bot.features.linking.ports import LinkResult
from bot.persistence.crypto import CredentialCipher, generate_key
from bot.persistence.tables import NotificationLogRow, VehicleRow
from bot.services.errors import SecretsUnreadable
from tests.support.stack import Stack, service_stack

EMAIL = "owner@example.com"
PASSWORD = "s3cret-Pass"
OWNER, DRIVER = 1001, 1002


async def _linked(stack: Stack) -> tuple[int, int]:
    account = stack.sim.add_account(EMAIL, PASSWORD)
    stack.sim.add_vehicle(account, "X102VE")
    result = await stack.graph.linking.begin(OWNER, "fr_FR", EMAIL, PASSWORD)
    assert isinstance(result, LinkResult)
    vehicle_id = result.vehicles[0].vehicle_id
    invite = await stack.graph.sharing.invite(OWNER, Role.DRIVER, "Ann")
    await stack.graph.sharing.join(DRIVER, invite.token, "Dana", private=True)
    await stack.graph.polling.poll(vehicle_id)  # a first reading, so the state row exists
    return result.account_id, vehicle_id


async def _rows(stack: Stack) -> tuple[int, list[tuple[object, ...]]]:
    """The outbox size and what the poller knows of the car (its lease and next poll time aside)."""
    known = sa.text(
        "SELECT snapshot, phase, memory, health, health_at, read_at, car_reported_at FROM vehicle_states"
    )
    async with stack.db.read() as session:
        pings = await session.scalar(sa.select(sa.func.count()).select_from(NotificationLogRow))
        states = (await session.execute(known)).all()
    return int(pings or 0), [tuple(row) for row in states]


async def _set_vehicle_secret(stack: Stack, token: str) -> None:
    async with stack.db.write() as session:
        await session.execute(sa.update(VehicleRow).values(kamereon_account_enc=token))


@pytest.mark.parametrize("only_the_account", [True, False], ids=["account row", "every row"])
async def test_unreadable_secrets_flag_nothing_tell_nobody_and_the_right_key_recovers(
    tmp_path: Path, only_the_account: bool
) -> None:
    async with service_stack(tmp_path) as stack:
        account_id, vehicle_id = await _linked(stack)
        right = stack.cipher
        wrong = CredentialCipher.from_setting(generate_key())
        async with stack.db.read() as session:
            kept = str(await session.scalar(sa.select(VehicleRow.kamereon_account_enc)))  # type: ignore[call-overload]
        if only_the_account:
            # The vehicle row is readable with the new key (a rotation stopped half way): the login is not.
            await _set_vehicle_secret(stack, wrong.encrypt(right.decrypt(kept)))
        pings_before, states_before = await _rows(stack)
        sent_before = len(stack.notifier.sent)
        stack.cipher = wrong
        graph = stack.rebuilt()

        for _ in range(4):  # over hours: no outage notice, no "log in again" either
            stack.clock.advance(hours=2)
            outcome = await graph.polling.poll(vehicle_id)
            assert outcome.problem == "unreadable"
            assert outcome.requests == 0
            await graph.poller.tick()
        with pytest.raises(SecretsUnreadable):
            await graph.status.status(OWNER, refresh=True)

        assert len(stack.notifier.sent) == sent_before
        assert await _rows(stack) == (pings_before, states_before)
        account = await graph.stores.accounts.get(account_id)
        assert account is not None
        assert not account.needs_login
        assert not account.needs_login_told

        stack.cipher = right
        graph = stack.rebuilt()
        await _set_vehicle_secret(stack, kept)
        view = await graph.status.status(OWNER, refresh=True)
        assert view.snapshot.battery_level is not None
        assert (await graph.polling.poll(vehicle_id)).problem is None
