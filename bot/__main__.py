"""Command line entry point: `python -m bot [run|demo|worker|migrate|keygen|rotate-key]`."""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Sequence

from bot.app import run
from bot.config import ConfigError, Settings, load_settings
from bot.logging_config import configure_logging
from bot.persistence.crypto import CredentialCipher, CredentialKeyError, generate_key
from bot.persistence.engine import Database, DatabaseUrlError
from bot.persistence.keys import RotationReport, rotate_keys, verify_key
from bot.persistence.migrations import upgrade_to_head
from bot.services.ports import StorageUnavailable

DESCRIPTION = "Telegram bot for MyRenault EV owners."
# The exit code when the database cannot be opened or written at start (2 is a configuration error).
STORAGE_EXIT_CODE = 3
# The exit code of a `rotate-key` that left values no configured key reads (they stay on their old key).
ROTATION_INCOMPLETE_EXIT_CODE = 4
COMMANDS = {
    "run": "run the bot with long polling; without TELEGRAM_BOT_TOKEN, the offline demo",
    "demo": "offline demo: simulated car and Telegram, chat in this terminal",
    "worker": "run only the poller (more polling capacity on one PostgreSQL database)",
    "migrate": "upgrade the database to the newest schema",
    "keygen": "print a new CREDENTIALS_KEY",
    "rotate-key": "re-encrypt every stored secret with the first key of CREDENTIALS_KEY",
}


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bot", description=DESCRIPTION)
    sub = parser.add_subparsers(dest="command", metavar="command")
    for name, text in COMMANDS.items():
        sub.add_parser(name, help=text, description=text)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line interface; returns the process exit code."""
    args = _parser().parse_args(argv)
    command = args.command or "run"
    if command == "keygen":
        print(generate_key())
        return 0
    try:
        settings = load_settings()
        configure_logging(settings.log_level, settings.log_format, settings.secret_values())
        return _dispatch(command, settings)
    except (ConfigError, CredentialKeyError, DatabaseUrlError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except StorageUnavailable as exc:
        # A read-only or missing folder, a full disk, a server that is down: one line, no traceback.
        print(
            f"error: {exc}; check DATABASE_URL, that its folder exists and the bot may write there, "
            "and that the database server is up",
            file=sys.stderr,
        )
        return STORAGE_EXIT_CODE
    except KeyboardInterrupt:
        return 130


def _dispatch(command: str, settings: Settings) -> int:
    if command == "run" and settings.telegram_bot_token is None:
        print("No TELEGRAM_BOT_TOKEN set: starting the offline demo (simulated car, terminal chat).")
        command = "demo"
    if command == "demo":
        asyncio.run(run.demo(settings))
        return 0
    if command == "migrate":
        asyncio.run(upgrade_to_head(settings.database_url))
        print("database is at the newest schema")
        return 0
    cipher = CredentialCipher.from_setting(run.plain(settings.credentials_key))
    if command == "rotate-key":
        report = asyncio.run(_rotate(settings, cipher))
        print(f"re-encrypted {report.rotated} row(s) with the first key")
        if report.complete:
            return 0
        for name, count in sorted(report.unreadable.items()):
            print(
                f"error: {count} value(s) in {name} cannot be decrypted with any configured key",
                file=sys.stderr,
            )
        print(
            "error: those values stay on a key no longer given; put that key after the first one "
            "in CREDENTIALS_KEY and run rotate-key again (or log the affected accounts in again)",
            file=sys.stderr,
        )
        return ROTATION_INCOMPLETE_EXIT_CODE
    if command == "worker":
        if settings.telegram_bot_token is None:
            print("error: TELEGRAM_BOT_TOKEN is needed by the worker to send notifications", file=sys.stderr)
            return 2
        asyncio.run(run.worker(settings, cipher))
        return 0
    asyncio.run(run.serve(settings, cipher))
    return 0


async def _rotate(settings: Settings, cipher: CredentialCipher) -> RotationReport:
    await upgrade_to_head(settings.database_url)
    db = Database.from_url(settings.database_url)
    try:
        await verify_key(db, cipher)  # a wrong key is refused before anything is rewritten
        return await rotate_keys(db, cipher)
    finally:
        await db.dispose()


if __name__ == "__main__":
    raise SystemExit(main())
