"""Key rotation: re-encrypt every stored secret with the first CREDENTIALS_KEY key."""

from __future__ import annotations

from sqlalchemy import select

from bot.persistence.crypto import CredentialCipher, CredentialDecryptError
from bot.persistence.engine import Database
from bot.persistence.tables import AccountRow, CostSettingsRow, VehicleRow


def _rotated(cipher: CredentialCipher, token: str) -> str | None:
    """The value re-encrypted with the first key, or None when it is current or unreadable."""
    if cipher.is_current(token):
        return None
    try:
        return cipher.rotate(token)
    except CredentialDecryptError:
        # Unreadable rows stay as they are; reading them flags the account as needing a new login.
        return None


async def rotate_keys(db: Database, cipher: CredentialCipher) -> int:
    """Re-encrypt every secret with the first key in one transaction; returns how many rows changed."""
    changed = 0
    async with db.write() as session:
        for account in await session.scalars(select(AccountRow).with_for_update()):
            email, secrets = _rotated(cipher, account.email_enc), _rotated(cipher, account.secrets_enc)
            if email is not None:
                account.email_enc = email
            if secrets is not None:
                account.secrets_enc = secrets
            changed += email is not None or secrets is not None
        for vehicle in await session.scalars(select(VehicleRow).with_for_update()):
            kamereon = _rotated(cipher, vehicle.kamereon_account_enc)
            if kamereon is not None:
                vehicle.kamereon_account_enc = kamereon
                changed += 1
        for costs in await session.scalars(select(CostSettingsRow).with_for_update()):
            home = None if costs.home_enc is None else _rotated(cipher, costs.home_enc)
            if home is not None:
                costs.home_enc = home
                changed += 1
    return changed
