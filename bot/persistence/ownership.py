"""Forgetting by construction: which tables an account owns, and the few that belong to a chat instead.

A table whose rows name an account, a person, a car, credentials or an e-mail reaches `accounts` through
foreign keys that all cascade on delete (directly, or through `vehicles`): deleting the account (logout,
the last owner leaving) deletes those rows in the same transaction, whichever table holds them, without a
list of deletes to keep up to date. Every other table is listed below with why it is the chat's own; a test
(tests/persistence/test_forgetting.py) proves from the migrated schema that every table is one or the
other, so a new table must choose, and another scans every cell after a logout.
"""

from __future__ import annotations

from collections.abc import Mapping

ACCOUNT_TABLE = "accounts"

CHAT_SCOPED: Mapping[str, str] = {
    "chats": "a Telegram chat's own settings (language, zone, units, quiet hours); kept after a logout",
    "login_conversations": "a /login in progress (its e-mail and password encrypted, 10 minutes); "
    "deleted when the login ends and on logout (forget_chat_conversations)",
    "conversation_drafts": "an editor draft of the chat (encrypted, 30 minutes); deleted on logout",
    "action_rates": "when the chat last sent an action to a car (a time, nothing else)",
    "telegram_updates": "the update ids the chat sent, for dedupe and order (and, until one is handled, "
    "the update itself, encrypted)",
    "smart_tariffs": "the chat's electricity tariff source",
    "cost_settings": "the chat's cost settings; its home (encrypted) is deleted once the chat has no "
    "account left (accounts._forget_homes_of_unlinked)",
    "send_pauses": "until when Telegram asked to wait before sending to the chat (or to any chat)",
    "limit_counters": "shared counters: login and code attempts per Telegram user, per e-mail as a keyed "
    "hash (never the e-mail) and for the whole bot, before any account exists; a chat's per-chat limits; "
    "a member's share of an account's call budget (keyed by internal numbers only); purged two days "
    "after the last use",
    "secret_deletions": "the ids of the chat's messages that carried a password or a code, until Telegram "
    "deleted them (a job retries); ids and times only, no content and no account",
    "key_check": "one row for the whole bot: a constant encrypted with CREDENTIALS_KEY at the first start "
    "(bot.persistence.keys.verify_key), naming no chat, account or person",
}
