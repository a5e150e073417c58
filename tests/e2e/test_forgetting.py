"""After /logout nothing names the account: every cell of every table (whatever tables exist, found from the
database itself), as stored and Fernet-decrypted, is scanned for the VIN, the Kamereon account id, the
person id, the e-mail, the login tokens and the JWTs, on SQLite and PostgreSQL."""

from __future__ import annotations

import dataclasses
import json
import os
from collections.abc import Iterator
from datetime import time, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlparse

import httpx
from sqlalchemy import Connection, inspect, text

from bot.domain.preferences import QuietHours
from bot.persistence.crypto import CredentialCipher, CredentialDecryptError
from bot.persistence.engine import Database
from bot.simulator.telegram import EmulatedUser
from tests.e2e.harness import E2E, EMAIL, PASSWORD, login, running_e2e
from tests.support.chat import reply_to, texts

PG_URL = os.environ.get("TEST_DATABASE_URL", "")
WAIT = 10.0
VIN = "VF1AG000012345678"


def _cells(connection: Connection) -> Iterator[tuple[str, str, Any]]:
    """(table, column, value) of every cell of every table in the database."""
    for table in inspect(connection).get_table_names():
        result = connection.execute(text(f'SELECT * FROM "{table}"'))  # noqa: S608 - names from the database
        columns = list(result.keys())
        for row in result:
            for column, value in zip(columns, row, strict=True):
                yield table, column, value


def _texts(value: Any, cipher: CredentialCipher) -> Iterator[str]:
    """The value as text, and the plaintext of every Fernet token found in it."""
    if value is None:
        return
    if isinstance(value, bytes):
        value = value.decode("latin-1")
    plain = value if isinstance(value, str) else json.dumps(value, default=str)
    yield plain
    for word in plain.replace('"', " ").split():
        if word.startswith("gAAAAA"):
            try:
                yield cipher.decrypt(word.strip(",:[]{}"))
            except CredentialDecryptError:
                continue


async def _hits(db: Database, cipher: CredentialCipher, secrets: dict[str, str]) -> list[str]:
    async with db.engine.connect() as connection:
        cells = await connection.run_sync(lambda c: list(_cells(c)))
    found: list[str] = []
    for table, column, value in cells:
        for plain in _texts(value, cipher):
            found += [f"{name} in {table}.{column}" for name, secret in secrets.items() if secret in plain]
    return sorted(set(found))


async def _tick(e2e: E2E, minutes: float = 30) -> None:
    assert e2e.core is not None
    e2e.clock.advance(minutes=minutes)
    await e2e.core.poller.tick()


async def _share_with_bob(e2e: E2E, ann: EmulatedUser) -> None:
    panel = await reply_to(ann, "/share", "👥")
    before = len(ann.bot_messages)
    await ann.tap(panel, "➕ Invite a viewer")
    await ann.wait_until(
        lambda u: len(u.bot_messages) > before and "t.me/" in (u.bot_messages[-1].text or "")
    )
    (button,) = ann.bot_messages[-1].buttons
    assert button.url is not None
    (token,) = parse_qs(urlparse(button.url).query)["start"]
    bob = e2e.emulator.user(2002, "Bob")
    offer = await reply_to(bob, f"/start {token}")
    await bob.tap(offer, "✅ Join")  # Ann is told when her quiet hours end: the ping waits in the outbox
    await bob.wait_until(lambda u: (u.message(offer.message_id) or offer).text != offer.text, timeout=WAIT)


async def _use_everything(e2e: E2E, ann: EmulatedUser) -> None:
    """Readings, a charge, pings sent and one still pending, a Refresh, /where, a shared car."""
    assert e2e.core is not None
    await _tick(e2e)
    e2e.sim.plug(VIN)
    await _tick(e2e)
    await ann.wait_until(lambda u: any("plugged in" in t for t in texts(u)), timeout=WAIT)
    chats = e2e.core.stores.chats
    settings = await chats.get(ann.chat_id)
    assert settings is not None
    now = e2e.clock().time()
    quiet = QuietHours(time(now.hour), time((now.hour + 6) % 24))
    await chats.save(dataclasses.replace(settings, quiet_hours=quiet))  # the next ping waits in the outbox
    e2e.sim.unplug(VIN)
    await _tick(e2e, minutes=60)
    card = await reply_to(ann, "/status", "")
    await ann.tap(card, "🔄 Refresh")
    await reply_to(ann, "/where", "")
    await _share_with_bob(e2e, ann)


async def test_after_logout_no_cell_of_any_table_names_the_account(database_url: str, tmp_path: Path) -> None:
    jwts: set[str] = set()

    def seen(request: httpx.Request) -> None:
        token = request.headers.get("x-gigya-id_token")
        if token:
            jwts.add(token)

    async with running_e2e(tmp_path, database_url=database_url, renault_seen=seen) as e2e:
        account = e2e.sim.add_account(EMAIL, PASSWORD)
        e2e.sim.add_vehicle(account, "X102VE", vin=VIN, plate="AB-123-CD", battery_level=50.0)
        ann = e2e.emulator.user(1001, "Ann")
        await login(ann, EMAIL, PASSWORD)
        await ann.wait_until(lambda u: any(t.startswith("Linked!") for t in texts(u)), timeout=WAIT)
        await _use_everything(e2e, ann)
        tokens = [token for token, owner in e2e.sim.store.login_tokens.items() if owner is account]
        secrets = {
            "VIN": VIN,
            "Kamereon account id": account.account_id,
            "person id": account.person_id,
            "e-mail": EMAIL,
            **{f"login token {i}": token for i, token in enumerate(tokens)},
            **{f"JWT {i}": jwt for i, jwt in enumerate(sorted(jwts))},
        }
        assert tokens
        assert jwts
        linked = await _hits(e2e.db, e2e.cipher, secrets)
        await ann.send("/logout")
        await ann.wait_until(lambda u: any("Unlink your MyRenault" in t for t in texts(u)), timeout=WAIT)
        await ann.tap(ann.bot_messages[-1], "Yes, delete everything")
        await ann.wait_until(
            lambda u: any(t.startswith("Done: your account") for t in texts(u)), timeout=WAIT
        )
        await _tick(e2e, minutes=timedelta(hours=7).total_seconds() / 60)  # the jobs run once more
        left = await _hits(e2e.db, e2e.cipher, secrets)
    # The scan sees stored data: linked, the VIN is in the clear and the e-mail only encrypted.
    assert "VIN in vehicles.vin" in linked
    assert "e-mail in accounts.email_enc" in linked
    assert any(hit.startswith("JWT") and hit.endswith("in accounts.jwt_enc") for hit in linked)  # shared JWT
    assert left == []
