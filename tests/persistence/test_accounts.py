"""Accounts: linking, credentials, roles, unlinking and deletion, on every engine."""

from __future__ import annotations

import pytest

from bot.domain.vehicle import Role
from bot.persistence.accounts import SqlAccountRepository
from bot.persistence.chats import SqlChatRepository
from bot.persistence.crypto import CredentialCipher, generate_key
from bot.persistence.engine import Database
from bot.persistence.vehicles import SqlVehicleRepository
from bot.services.ports import AccountNotFound, AlreadyLinked, ChatLink, CredentialsUnreadable
from tests.persistence import factories as f


async def test_linking_stores_account_and_vehicles_for_the_owner(
    db: Database, cipher: CredentialCipher
) -> None:
    accounts = SqlAccountRepository(db, cipher)
    account_id, vehicle_ids = await accounts.create_linked(100, "fr_FR", f.EMAIL, f.secrets(), [f.zoe()])

    assert len(vehicle_ids) == 1
    stored = await accounts.get(account_id)
    assert stored is not None
    assert stored.locale == "fr_FR"
    assert not stored.needs_login
    assert f.EMAIL not in stored.masked_email
    assert stored.masked_email.startswith("j***@")
    assert await accounts.chats_for_account(account_id) == [ChatLink(100, Role.OWNER)]
    assert [a.account_id for a in await accounts.accounts_for_chat(100)] == [account_id]
    assert await accounts.credentials(account_id) == f.secrets()
    vehicle = await SqlVehicleRepository(db, cipher).get(vehicle_ids[0])
    assert vehicle is not None
    assert vehicle.kamereon_account_id == f.KAMEREON_ACCOUNT
    assert vehicle.info.vin == f.VIN


async def test_same_renault_account_cannot_be_linked_twice(db: Database, cipher: CredentialCipher) -> None:
    accounts = SqlAccountRepository(db, cipher)
    await accounts.create_linked(100, "fr_FR", f.EMAIL, f.secrets(), [f.zoe()])

    with pytest.raises(AlreadyLinked):
        await accounts.create_linked(200, "fr_FR", f.EMAIL, f.secrets(), [f.zoe()])
    assert await accounts.accounts_for_chat(200) == []


async def test_secrets_never_appear_in_reprs_or_errors(db: Database, cipher: CredentialCipher) -> None:
    accounts = SqlAccountRepository(db, cipher)
    account_id, _ = await accounts.create_linked(100, "fr_FR", f.EMAIL, f.secrets(), [f.zoe()])
    texts = [repr(await accounts.credentials(account_id)), repr(cipher), repr(await accounts.get(account_id))]
    texts.append(str(CredentialsUnreadable(account_id)))
    for text in texts:
        for secret in (f.LOGIN_TOKEN, f.PERSON_ID, f.EMAIL, f.KAMEREON_ACCOUNT, "gmid-abcdef"):
            assert secret not in text


async def test_an_unreadable_row_flags_nothing_and_the_right_key_reads_it_again(db: Database) -> None:
    old, new = generate_key(), generate_key()
    before = SqlAccountRepository(db, CredentialCipher.from_setting(old))
    lost, _ = await before.create_linked(100, "fr_FR", f.EMAIL, f.secrets(), [f.zoe()])
    after = SqlAccountRepository(db, CredentialCipher.from_setting(new))
    kept, _ = await after.create_linked(200, "de_DE", "b@example.org", f.secrets("person-2"), [f.zoe("VIN2")])

    for _ in range(2):
        with pytest.raises(CredentialsUnreadable):
            await after.credentials(lost)
    untouched = await after.get(lost)
    assert untouched is not None
    assert not untouched.needs_login  # a key problem is not a refused login: nobody is told to log in
    assert not untouched.needs_login_told
    assert (await after.credentials(kept)).person_id == "person-2"
    restored = SqlAccountRepository(db, CredentialCipher.from_setting(f"{new},{old}"))
    assert await restored.credentials(lost) == f.secrets()


async def test_new_login_clears_needs_login(db: Database, cipher: CredentialCipher) -> None:
    accounts = SqlAccountRepository(db, cipher)
    account_id, _ = await accounts.create_linked(100, "fr_FR", f.EMAIL, f.secrets(), [f.zoe()])
    await accounts.mark_needs_login(account_id)
    await accounts.update_credentials(account_id, f.secrets(token="st2.new-token-value"))

    stored = await accounts.get(account_id)
    assert stored is not None
    assert not stored.needs_login
    assert (await accounts.credentials(account_id)).login_token == "st2.new-token-value"


async def test_deleting_account_returns_drivers_and_viewers_and_removes_everything(
    db: Database, cipher: CredentialCipher
) -> None:
    accounts, vehicles = SqlAccountRepository(db, cipher), SqlVehicleRepository(db, cipher)
    account_id, (vehicle_id,) = await accounts.create_linked(100, "fr_FR", f.EMAIL, f.secrets(), [f.zoe()])
    await accounts.link_chat(200, account_id, Role.DRIVER)
    await accounts.link_chat(300, account_id, Role.VIEWER)
    await SqlChatRepository(db).set_active_vehicle(200, vehicle_id)

    assert sorted(await accounts.delete_account(account_id)) == [200, 300]
    assert await accounts.get(account_id) is None
    assert await vehicles.get(vehicle_id) is None
    assert await vehicles.vehicles_for_chat(200) == []
    assert await SqlChatRepository(db).active_vehicle(200) is None
    with pytest.raises(AccountNotFound):
        await accounts.credentials(account_id)


async def test_driver_unlinking_keeps_the_account(db: Database, cipher: CredentialCipher) -> None:
    accounts = SqlAccountRepository(db, cipher)
    account_id, _ = await accounts.create_linked(100, "fr_FR", f.EMAIL, f.secrets(), [f.zoe()])
    await accounts.link_chat(200, account_id, Role.DRIVER)

    assert await accounts.unlink_chat(200, account_id) == []
    assert await accounts.chats_for_account(account_id) == [ChatLink(100, Role.OWNER)]


async def test_last_owner_unlinking_deletes_the_account_and_returns_the_others(
    db: Database, cipher: CredentialCipher
) -> None:
    accounts = SqlAccountRepository(db, cipher)
    account_id, _ = await accounts.create_linked(100, "fr_FR", f.EMAIL, f.secrets(), [f.zoe()])
    await accounts.link_chat(300, account_id, Role.VIEWER)

    assert await accounts.unlink_chat(100, account_id) == [300]
    assert await accounts.get(account_id) is None
    # The same Renault account may be linked again afterwards.
    await accounts.create_linked(100, "fr_FR", f.EMAIL, f.secrets(), [f.zoe()])
