"""The command line: keygen, migrate, rotate-key, and clear refusals for missing or malformed settings."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.fernet import Fernet

from bot.__main__ import ROTATION_INCOMPLETE_EXIT_CODE, STORAGE_EXIT_CODE, main
from bot.persistence.accounts import SqlAccountRepository
from bot.persistence.crypto import CredentialCipher
from bot.persistence.engine import Database
from tests.persistence import factories as f

pytestmark = pytest.mark.slow  # measured: most of its tests take over a second


def _env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, **values: str) -> None:
    monkeypatch.chdir(tmp_path)  # no stray .env, and ./data lands in the temporary folder
    for name in ("TELEGRAM_BOT_TOKEN", "CREDENTIALS_KEY", "DATABASE_URL"):
        monkeypatch.delenv(name, raising=False)
    for name, value in values.items():
        monkeypatch.setenv(name, value)


def test_keygen_prints_a_usable_fernet_key(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["keygen"]) == 0
    key = capsys.readouterr().out.strip()
    Fernet(key.encode())  # raises when malformed


def test_help_lists_every_command() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "bot", "--help"], capture_output=True, text=True, check=False, timeout=60
    )
    assert result.returncode == 0
    for command in ("run", "demo", "worker", "migrate", "keygen", "rotate-key"):
        assert command in result.stdout


def test_migrate_creates_the_sqlite_database_and_its_folder(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _env(monkeypatch, tmp_path)
    assert main(["migrate"]) == 0
    assert (tmp_path / "data" / "bot.db").exists()
    assert "newest schema" in capsys.readouterr().out


def test_worker_without_a_key_refuses_to_start_and_says_how_to_fix_it(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _env(monkeypatch, tmp_path, TELEGRAM_BOT_TOKEN="123456:" + "A" * 35)
    assert main(["worker"]) == 2
    assert "python -m bot keygen" in capsys.readouterr().err


def test_malformed_key_is_named_but_never_echoed(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _env(monkeypatch, tmp_path, CREDENTIALS_KEY="not-a-real-key-value")
    assert main(["rotate-key"]) == 2
    err = capsys.readouterr().err
    assert "CREDENTIALS_KEY" in err
    assert "not-a-real-key-value" not in err


def test_unsupported_database_url_stops_with_a_clear_message(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _env(monkeypatch, tmp_path, DATABASE_URL="mysql://root:pw@localhost/db")
    assert main(["migrate"]) == 2
    err = capsys.readouterr().err
    assert "DATABASE_URL" in err
    assert "pw" not in err


def test_rotate_key_reports_rows_and_is_idempotent(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _env(monkeypatch, tmp_path, CREDENTIALS_KEY=Fernet.generate_key().decode())
    assert main(["rotate-key"]) == 0
    assert "re-encrypted 0 row(s)" in capsys.readouterr().out


def _start(tmp_path: Path, database_url: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {key: value for key, value in os.environ.items() if key in ("PATH", "HOME", "LANG", "PYTHONPATH")}
    env |= {
        "DATABASE_URL": database_url,
        "TELEGRAM_BOT_TOKEN": "123456:" + "A" * 35,
        "CREDENTIALS_KEY": Fernet.generate_key().decode(),
    }
    return subprocess.run(  # noqa: S603 - our own CLI, arguments from the test
        [sys.executable, "-m", "bot", *args],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )


@pytest.mark.parametrize("command", [[], ["migrate"], ["worker"]])
def test_a_database_folder_nobody_may_write_stops_the_start_with_one_clear_line(
    tmp_path: Path, command: list[str]
) -> None:
    # /proc/self exists and takes no new file, even from root: a read-only folder on every Linux.
    result = _start(tmp_path, "sqlite:////proc/self/bot.db", *command)
    assert result.returncode == STORAGE_EXIT_CODE
    assert "Traceback" not in result.stderr
    (line,) = result.stderr.strip().splitlines()
    assert line.startswith("error: the database at /proc/self/bot.db cannot be opened or written")
    assert "folder" in line


def test_a_database_folder_that_cannot_be_made_stops_the_start_with_one_clear_line(tmp_path: Path) -> None:
    (tmp_path / "not-a-folder").write_text("a file where the folder should be")
    result = _start(tmp_path, f"sqlite:///{tmp_path}/not-a-folder/data/bot.db")
    assert result.returncode == STORAGE_EXIT_CODE
    assert "Traceback" not in result.stderr
    (line,) = result.stderr.strip().splitlines()
    assert f"the database folder {tmp_path}/not-a-folder/data cannot be created" in line


def _linked_account(tmp_path: Path, key: str) -> None:
    """A database at ./data/bot.db with one linked account written under `key`."""

    async def link() -> None:
        db = Database.from_url(f"sqlite:///{tmp_path / 'data' / 'bot.db'}")
        try:
            await SqlAccountRepository(db, CredentialCipher.from_setting(key)).create_linked(
                100, "fr_FR", f.EMAIL, f.secrets(), [f.zoe()]
            )
        finally:
            await db.dispose()

    asyncio.run(link())


def test_rotate_key_with_a_wrong_key_refuses_and_changes_nothing(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    right, wrong = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    _env(monkeypatch, tmp_path, CREDENTIALS_KEY=right)
    assert main(["migrate"]) == 0
    _linked_account(tmp_path, right)
    assert main(["rotate-key"]) == 0  # the right key: the check is stored
    capsys.readouterr()

    monkeypatch.setenv("CREDENTIALS_KEY", wrong)
    assert main(["rotate-key"]) == 2
    err = capsys.readouterr().err
    assert "CREDENTIALS_KEY does not match this database" in err
    assert wrong not in err
    monkeypatch.setenv("CREDENTIALS_KEY", f"{wrong},{right}")  # as a new first key: rotation works
    assert main(["rotate-key"]) == 0


def test_rotate_key_reports_values_no_key_reads_and_exits_non_zero(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    lost, kept = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    _env(monkeypatch, tmp_path, CREDENTIALS_KEY=kept)
    assert main(["rotate-key"]) == 0  # first start under the kept key
    _linked_account(tmp_path, lost)  # a row under a key since removed
    capsys.readouterr()

    assert main(["rotate-key"]) == ROTATION_INCOMPLETE_EXIT_CODE
    err = capsys.readouterr().err
    assert "1 value(s) in accounts.secrets_enc cannot be decrypted" in err
    assert "vehicles.kamereon_account_enc" in err
