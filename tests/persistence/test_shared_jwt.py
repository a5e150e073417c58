"""The JWT minted by one process serves every other (a restart, another replica, a second worker) through the
database, encrypted; an expired one is minted again; a new login clears it; on SQLite and PostgreSQL."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text

from bot.features.linking.ports import LinkResult
from bot.renault.tokens import StoredJwt
from tests.support.stack import Stack, service_stack
from tests.support.statements import recorded

pytestmark = pytest.mark.slow  # measured: most of its tests take over a second

EMAIL = "owner@example.com"
PASSWORD = "s3cret-Pass"
CHAT = 1001
GET_JWT = "accounts.getJWT"


async def _linked(stack: Stack) -> int:
    account = stack.sim.add_account(EMAIL, PASSWORD)
    stack.sim.add_vehicle(account, "X102VE", battery_level=50.0)
    result = await stack.graph.linking.begin(CHAT, "fr_FR", EMAIL, PASSWORD)
    assert isinstance(result, LinkResult)
    return result.vehicles[0].vehicle_id


async def _stored(stack: Stack) -> tuple[str | None, object]:
    async with stack.db.read() as session:
        row = (await session.execute(text("SELECT jwt_enc, jwt_expires_at FROM accounts"))).one()
    return row[0], row[1]


async def test_a_restarted_process_reads_status_without_minting(tmp_path: Path, database_url: str) -> None:
    async with service_stack(tmp_path, database_url=database_url) as stack:
        await _linked(stack)
        await stack.graph.status.status(CHAT, refresh=True)
        minted = stack.sim.log.count(GET_JWT)
        assert minted >= 1
        stack.clock.advance(minutes=10)
        stack.rebuilt()  # a new process: nothing in memory
        await stack.graph.status.status(CHAT, refresh=True)
        assert stack.sim.log.count(GET_JWT) == minted


async def test_the_stored_jwt_is_ciphertext(tmp_path: Path, database_url: str) -> None:
    async with service_stack(tmp_path, database_url=database_url) as stack:
        await _linked(stack)
        await stack.graph.status.status(CHAT, refresh=True)
        ciphertext, expires_at = await _stored(stack)
        assert ciphertext is not None
        assert expires_at is not None
        jwt = stack.cipher.decrypt(ciphertext)
        assert jwt.count(".") == 2  # a JWT once decrypted...
        assert jwt not in ciphertext
        assert not any(part in ciphertext for part in jwt.split("."))  # ...and none of it in the clear


async def test_an_expired_stored_jwt_is_minted_again(tmp_path: Path, database_url: str) -> None:
    async with service_stack(tmp_path, database_url=database_url) as stack:
        await _linked(stack)
        await stack.graph.status.status(CHAT, refresh=True)
        first, _ = await _stored(stack)
        minted = stack.sim.log.count(GET_JWT)
        stack.clock.advance(minutes=15)
        stack.rebuilt()
        await stack.graph.status.status(CHAT, refresh=True)
        assert stack.sim.log.count(GET_JWT) == minted + 1
        second, _ = await _stored(stack)
        assert second not in (None, first)


async def test_a_poll_batch_brings_the_stored_jwt_in_its_bulk_read(tmp_path: Path, database_url: str) -> None:
    async with service_stack(tmp_path, database_url=database_url) as stack:
        vehicle_id = await _linked(stack)
        await stack.graph.status.status(CHAT, refresh=True)
        minted = stack.sim.log.count(GET_JWT)
        stack.clock.advance(minutes=5)
        polling = stack.rebuilt().polling  # another worker polls the car next
        with recorded(stack.db) as sql:
            async with polling.batch([vehicle_id]) as batch:
                assert (await polling.poll(vehicle_id, batch)).problem is None
        assert stack.sim.log.count(GET_JWT) == minted
        reads = [statement for statement in sql if "jwt_enc" in statement]
        assert len(reads) == 1, reads  # the batch's accounts read, no query of the JWT of its own
        assert "secrets_enc" in reads[0]


async def test_a_new_login_or_a_dead_one_clears_the_stored_jwt(tmp_path: Path, database_url: str) -> None:
    async with service_stack(tmp_path, database_url=database_url) as stack:
        await _linked(stack)
        await stack.graph.status.status(CHAT, refresh=True)
        accounts = stack.graph.stores.accounts
        (account,) = await accounts.accounts_for_chat(CHAT)
        secrets = await accounts.credentials(account.account_id)
        assert (await _stored(stack))[0] is not None
        await accounts.mark_needs_login(account.account_id)  # the login token is dead
        assert await _stored(stack) == (None, None)
        await stack.graph.stores.jwts.save(str(account.account_id), StoredJwt("a.b.c", 2e9))
        assert (await _stored(stack))[0] is not None
        await accounts.update_credentials(account.account_id, secrets)  # a new login mints its own
        assert await _stored(stack) == (None, None)
