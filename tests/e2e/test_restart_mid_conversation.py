"""A restart in the middle of a login or an edit loses nothing (SQLite, one process): the conversation, the
pending two-factor challenge and the schedule draft are in the database."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import text

from bot.simulator.telegram import EmulatedUser
from tests.e2e.harness import PASSWORD, TFA_EMAIL, login, running_e2e
from tests.features.schedule.test_e2e import _button_starting, _edit_day, _linked, _schedule_message
from tests.support.chat import tap_and_wait, text_of, texts

WAIT = 10.0


def _linked_text(user: EmulatedUser) -> bool:
    return any(t.startswith("Linked!") for t in texts(user))


async def test_a_restart_between_password_and_code_keeps_the_login(tmp_path: Path) -> None:
    async with running_e2e(tmp_path) as e2e:
        e2e.sim.add_vehicle(e2e.sim.add_account(TFA_EMAIL, PASSWORD, two_factor=True), "XBG1VE")
        ann = e2e.emulator.user(1001, "Ann")
        await login(ann, TFA_EMAIL, PASSWORD)
        await ann.wait_until(lambda u: any("Renault sent a code" in t for t in texts(u)), timeout=WAIT)
        async with e2e.db.engine.connect() as conn:
            stored = (await conn.execute(text("SELECT * FROM login_conversations"))).all()
        await e2e.restart()
        await ann.send(e2e.sim.last_two_factor_code(TFA_EMAIL))
        await ann.wait_until(_linked_text, timeout=WAIT)
        async with e2e.db.engine.connect() as conn:
            left = (await conn.execute(text("SELECT COUNT(*) FROM login_conversations"))).scalar()
    assert len(stored) == 1
    assert PASSWORD not in repr(stored)
    assert TFA_EMAIL not in repr(stored)
    assert left == 0  # deleted on success


async def test_a_restart_between_email_and_password_keeps_the_login(tmp_path: Path) -> None:
    async with running_e2e(tmp_path) as e2e:
        e2e.sim.add_vehicle(e2e.sim.add_account(TFA_EMAIL, PASSWORD), "XBG1VE")
        ann = e2e.emulator.user(1001, "Ann")
        await ann.send("/login")
        countries = await ann.next_message()
        await ann.tap(countries, countries.buttons[0].text)
        await ann.wait_until(lambda u: any("MyRenault account." in t for t in texts(u)), timeout=WAIT)
        await ann.send(TFA_EMAIL)
        await ann.wait_until(lambda u: any("password" in t for t in texts(u)), timeout=WAIT)
        async with e2e.db.engine.connect() as conn:
            stored = (await conn.execute(text("SELECT COUNT(*) FROM login_conversations"))).scalar()
        await e2e.restart()
        password = await ann.send(PASSWORD)
        await ann.wait_until(_linked_text, timeout=WAIT)
    assert stored == 1  # the conversation outlived the process in the database
    assert texts(ann)[-1].startswith("Linked!")
    assert password.message_id in {m.message_id for m in ann.deleted_messages}


async def test_a_restart_in_the_middle_of_a_schedule_edit_keeps_the_draft(tmp_path: Path) -> None:
    async with running_e2e(tmp_path) as e2e:
        ann = await _linked(e2e)
        mid = await _schedule_message(ann)
        await tap_and_wait(ann, mid, "✏️ Edit", "Which program")
        await tap_and_wait(ann, mid, "➕ New program", "tap a day")
        await e2e.restart()
        await _edit_day(ann, mid, _button_starting(ann, mid, "Mon "), "01", "01:15", "3 h")
        await e2e.restart()
        await tap_and_wait(ann, mid, "💾 Save", "Saved")
        saved = text_of(ann, mid)
    assert "Monday 01:15 → 04:15 (3 h)" in saved
