"""A /login stopped mid-way on a real database (the password step, its 2FA challenge, a draft), and a dump
of every stored value, for the tests that look for secrets in the rows and on disk."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from sqlalchemy import text

from bot.features.linking.ports import PendingChallenge
from bot.features.linking.store import SqlLoginStore
from bot.persistence.conversations import SqlDraftStore
from bot.persistence.crypto import CredentialCipher
from bot.persistence.engine import Database
from bot.persistence.tables import metadata
from bot.renault.gigya import ChallengeState
from bot.services.conversation_ports import LOGIN_TTL, LoginDraft, LoginStep
from tests.support.clock import FakeClock

CHAT = 4242
PASSWORD = "Pa55-word-in-flight!"
EMAIL = "mid.login@example.org"
REG_TOKEN = "st2.regToken.abcdef0123456789"
ASSERTION = "eyJ.gigyaAssertion.xyz0123456789"
PHV_TOKEN = "phvToken-9876543210-abcdef"
GMID = "gmid-cookie-0011223344"
UCID = "ucid-cookie-5566778899"
SECRETS = (PASSWORD, EMAIL, REG_TOKEN, ASSERTION, PHV_TOKEN, GMID, UCID)
DRAFT_SECRET = "draft-text-the-user-typed-7788"


def challenge_state() -> ChallengeState:
    """The pending challenge of the login, every secret in it."""
    return ChallengeState(
        locale="fr_FR",
        email=EMAIL,
        password=PASSWORD,
        reg_token=REG_TOKEN,
        assertion=ASSERTION,
        phv_token=PHV_TOKEN,
        gmid=GMID,
        ucid=UCID,
        created_at=1_700_000_000.0,
        masked_emails=("m***@e***.org",),
    )


async def mid_login(db: Database, cipher: CredentialCipher, clock: FakeClock) -> SqlLoginStore:
    """Store a login waiting for its code, with its challenge, and a schedule draft of the chat."""
    store = SqlLoginStore(db, cipher)
    expires = clock() + LOGIN_TTL
    await store.save(LoginDraft(CHAT, LoginStep.PASSWORD, "fr_FR", expires, email=EMAIL))
    await store.put_challenge(PendingChallenge(CHAT, "cid-1", challenge_state(), expires))
    draft = await store.load(CHAT)
    assert draft is not None
    await store.save(replace(draft, step=LoginStep.CODE, challenge_id="cid-1"))
    await SqlDraftStore(db, cipher).save_draft(CHAT, "schedule", DRAFT_SECRET, clock() + LOGIN_TTL)
    return store


async def raw_rows(db: Database) -> str:
    """Every value of every table as the database returns it, as text (what a dump would show)."""
    parts: list[str] = []
    async with db.engine.connect() as conn:
        for name in metadata.tables:
            rows = await conn.execute(text(f'SELECT * FROM "{name}"'))  # noqa: S608 - our own table names
            parts.extend(repr(tuple(row)) for row in rows)
    return "\n".join(parts)


def disk_bytes(db: Database) -> bytes:
    """The SQLite database file and its WAL as bytes (nothing for PostgreSQL)."""
    path = db.target.sqlite_path
    if path is None:
        return b""
    return b"".join(p.read_bytes() for p in (path, Path(f"{path}-wal")) if p.exists())
