"""A wrong CREDENTIALS_KEY stops the start before anything reads a secret: nothing marked, nothing sent; the
right key starts as before, and the metrics count values no key reads.

(Each start here has its own Renault simulator, so a restarted bot's stored login is not asked to Renault.)"""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa

from bot.app.run import open_bot
from bot.config import Settings
from bot.features.linking.ports import LinkResult
from bot.persistence.crypto import CredentialCipher, KeyMismatch, generate_key
from bot.persistence.tables import AccountRow, NotificationLogRow
from bot.services.errors import SecretsUnreadable
from bot.simulator.demo import DEMO_EMAIL, DEMO_PASSWORD

CHAT = 5


async def test_a_wrong_key_stops_the_start_with_nothing_marked_or_sent(tmp_path: Path) -> None:
    settings = Settings(
        _env_file=None, database_url=f"sqlite:///{tmp_path / 'bot.db'}", renault_backend="simulator"
    )
    right = CredentialCipher.from_setting(generate_key())
    async with open_bot(settings, right, "1:token") as opened:
        assert isinstance(
            await opened.graph.linking.begin(CHAT, "fr_FR", DEMO_EMAIL, DEMO_PASSWORD), LinkResult
        )

    with pytest.raises(KeyMismatch, match="CREDENTIALS_KEY does not match this database"):
        async with open_bot(settings, CredentialCipher.from_setting(generate_key()), "1:token"):
            pytest.fail("the bot started with a wrong key")

    async with open_bot(settings, right, "1:token") as opened:
        async with opened.db.read() as session:
            flagged = await session.scalar(sa.select(AccountRow.needs_login))  # type: ignore[call-overload]
            pings = await session.scalar(sa.select(sa.func.count()).select_from(NotificationLogRow))
        assert flagged is False
        assert pings == 0
        assert opened.metrics.unreadable_secrets.value() == 0
        # A row under a key since removed (the check itself still reads): counted, refused, left as it is.
        async with opened.db.write() as session:
            await session.execute(
                sa.update(AccountRow).values(
                    secrets_enc=CredentialCipher.from_setting(generate_key()).encrypt("{}")
                )
            )
        with pytest.raises(SecretsUnreadable):
            await opened.graph.status.status(CHAT, refresh=True)
        assert opened.metrics.unreadable_secrets.value() >= 1
