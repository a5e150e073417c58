"""Family sharing over the whole stack: the Bot API emulator, the Renault simulator, a real Application."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import parse_qs, urlparse

from sqlalchemy import text

from bot.app.graph import GraphOptions
from bot.domain.actions import ACTIONS, ActionKind
from bot.domain.vehicle import Role
from bot.features.polling.jobs import PollerSettings
from bot.features.sharing.logic import MAX_MEMBERS
from bot.simulator.telegram import EmulatedUser
from bot.simulator.telegram.model import ChatMessage
from tests.e2e.harness import E2E, EMAIL, PASSWORD, login, running_e2e
from tests.support.chat import reply_to, texts

WAIT = 10.0
VIN = "VF1AG000012345678"


async def _owner(e2e: E2E, **state: object) -> EmulatedUser:
    account = e2e.sim.add_account(EMAIL, PASSWORD)
    e2e.sim.add_vehicle(account, "X102VE", vin=VIN, plate="AB-123-CD", **state)
    ann = e2e.emulator.user(1001, "Ann")
    await login(ann, EMAIL, PASSWORD)
    await ann.wait_until(lambda u: any(t.startswith("Linked!") for t in texts(u)), timeout=WAIT)
    return ann


async def _invite(e2e: E2E, ann: EmulatedUser, label: str) -> str:
    """Tap an invite button in /share; the token of the deep link the bot sends."""
    panel = await reply_to(ann, "/share", "👥")
    before = len(ann.bot_messages)
    await ann.tap(panel, label)
    await ann.wait_until(
        lambda u: len(u.bot_messages) > before and "t.me/" in (u.bot_messages[-1].text or "")
    )
    invite = ann.bot_messages[-1]
    (button,) = invite.buttons
    assert button.url is not None
    link = urlparse(button.url)
    assert link.netloc == "t.me"
    assert link.path == f"/{e2e.emulator.bot_username}"
    (token,) = parse_qs(link.query)["start"]
    assert button.url in (invite.text or "")
    return token


async def _join(user: EmulatedUser, token: str, join_label: str = "✅ Join") -> ChatMessage:
    offer = await reply_to(user, f"/start {token}")
    await user.tap(offer, join_label)
    await user.wait_until(lambda u: (u.message(offer.message_id) or offer).text != offer.text, timeout=WAIT)
    joined = user.message(offer.message_id)
    assert joined is not None
    return joined


async def test_invite_join_and_the_owner_is_told(tmp_path: Path) -> None:
    async with running_e2e(tmp_path) as e2e:
        ann = await _owner(e2e, plugged=True)
        token = await _invite(e2e, ann, "➕ Invite a driver")
        bob = e2e.emulator.user(2002, "Bob", "fr")
        offer = await reply_to(bob, f"/start {token}")
        assert offer.text is not None
        assert "Ann" in offer.text
        assert "ZOE · AB-123-CD" in offer.text
        assert "conducteur" in offer.text
        joined = await _join(bob, token, "✅ Rejoindre")
        assert (joined.text or "").startswith("Bienvenue")
        await ann.wait_until(lambda u: "👥 Bob joined your car as a driver." in texts(u), timeout=WAIT)
        card = await reply_to(bob, "/status", "🚗")
        assert "⚡ Démarrer la charge" in [b.text for b in card.buttons]
        panel = await reply_to(ann, "/share", "👥")
    assert "Bob – driver, since" in (panel.text or "")
    raw = (tmp_path / "bot.db").read_bytes()
    assert token.encode() not in raw  # only the hash is stored


async def test_a_viewer_sees_only_what_the_role_allows_and_forged_taps_are_refused(tmp_path: Path) -> None:
    async with running_e2e(tmp_path) as e2e:
        ann = await _owner(e2e, plugged=True)
        token = await _invite(e2e, ann, "➕ Invite a viewer")
        cy = e2e.emulator.user(3003, "Cy")
        await _join(cy, token)
        card = await reply_to(cy, "/status", "🚗")
        assert [b.text for b in card.buttons] == ["🔄 Refresh"]
        refresh = next(b.callback_data for b in card.buttons if b.callback_data)
        assert refresh is not None
        vehicle_id = refresh.split(".")[2]
        e2e.clock.advance(seconds=30)
        before = e2e.sim.log.total
        forged = [f"1.a.{vehicle_id}.{kind.name}" for kind in ACTIONS if kind is not ActionKind.REFRESH]
        forged += [f"1.s.{vehicle_id}.show", f"1.sc.{vehicle_id}.ok", f"1.sh.{vehicle_id}.i:viewer"]
        forged += [f"1.sh.{vehicle_id}.l:1", f"1.sh.{vehicle_id}.y:1001", f"1.pt.{vehicle_id}.21.5"]
        refusals = {
            "Your role on this car does not allow this. Send /status for the buttons you can use.",
            "Only the car's owner can share it. Ask them for an invite.",
            "This car is not yours to control from this chat.",
        }
        for data in forged:
            shown = len(cy.bot_messages)
            tap = cy.tap_data(card, data)
            answer = await tap.answer()

            def told(u: EmulatedUser, answer_text: str | None = answer.text, after: int = shown) -> set[str]:
                return ({answer_text or ""} | set(texts(u)[after:])) & refusals

            await cy.wait_until(lambda u: bool(told(u)), timeout=WAIT)
        assert e2e.sim.log.total == before
        assert e2e.sim.log.count(key="hvac-start") == 0
        where = await reply_to(cy, "/where")
        assert where.location is None
        assert "not yours" in (where.text or "")
        assert (
            await reply_to(cy, "/share")
        ).text == "Only the car's owner can share it. Ask them for an invite."
        panel = await reply_to(ann, "/share", "👥")
        await ann.tap(panel, "📍 Let viewers see the location")
        await ann.wait_until(
            lambda u: "Viewers see where" in ((u.message(panel.message_id) or panel).text or "")
        )
        cy_before = len(cy.bot_messages)
        await cy.send("/where")
        await cy.wait_until(
            lambda u: any(m.location is not None for m in u.bot_messages[cy_before:]), timeout=WAIT
        )


async def test_revoke_leave_remove_and_owner_logout(tmp_path: Path) -> None:
    async with running_e2e(tmp_path) as e2e:
        ann = await _owner(e2e)
        revoked = await _invite(e2e, ann, "➕ Invite a viewer")
        panel = await reply_to(ann, "/share", "👥")
        revoke = next(b.text for b in panel.buttons if b.text.startswith("✖ Revoke"))
        await ann.tap(panel, revoke)
        await ann.wait_until(
            lambda u: "Pending invites" not in ((u.message(panel.message_id) or panel).text or "")
        )
        dan = e2e.emulator.user(4004, "Dan")
        assert (await reply_to(dan, f"/start {revoked}")).text == (
            "The owner revoked this invite. Ask them for a new one."
        )
        await _join(dan, await _invite(e2e, ann, "➕ Invite a viewer"))
        confirm = await reply_to(dan, "/leave", "Stop sharing")
        await dan.tap(confirm, "Yes, leave")
        await ann.wait_until(lambda u: "👥 Dan stopped sharing your car." in texts(u), timeout=WAIT)
        bob = e2e.emulator.user(2002, "Bob", "de")
        await _join(bob, await _invite(e2e, ann, "➕ Invite a driver"), "✅ Beitreten")
        eve = e2e.emulator.user(5005, "Eve")
        await _join(eve, await _invite(e2e, ann, "➕ Invite a viewer"))
        panel = await reply_to(ann, "/share", "👥")
        await ann.tap(panel, "👤 Eve (viewer)")
        await ann.wait_until(
            lambda u: "Eve is a viewer" in ((u.message(panel.message_id) or panel).text or "")
        )
        await ann.tap(panel, "Make driver")
        await eve.wait_until(lambda u: any("made you a driver" in t for t in texts(u)), timeout=WAIT)
        assert "🌡 Precondition now" in [b.text for b in (await reply_to(eve, "/status", "🚗")).buttons]
        await ann.wait_until(lambda u: "Eve – driver" in ((u.message(panel.message_id) or panel).text or ""))
        await ann.tap(panel, "👤 Eve (driver)")
        await ann.wait_until(
            lambda u: "Eve is a driver" in ((u.message(panel.message_id) or panel).text or "")
        )
        await ann.tap(panel, "Make viewer")
        await ann.wait_until(lambda u: "Eve – viewer" in ((u.message(panel.message_id) or panel).text or ""))
        assert [b.text for b in (await reply_to(eve, "/status", "🚗")).buttons] == ["🔄 Refresh"]
        await ann.tap(panel, "👤 Eve (viewer)")
        await ann.wait_until(
            lambda u: "Eve is a viewer" in ((u.message(panel.message_id) or panel).text or "")
        )
        await ann.tap(panel, "Remove")
        await ann.wait_until(lambda u: "Remove Eve?" in ((u.message(panel.message_id) or panel).text or ""))
        await ann.tap(panel, "Yes, remove")
        await eve.wait_until(
            lambda u: any("stopped sharing the car with you" in t for t in texts(u)), timeout=WAIT
        )
        assert (await reply_to(eve, "/status")).text == (
            "No car is linked to this chat yet. Link your MyRenault account with /login."
        )
        await ann.send("/logout")
        await ann.wait_until(lambda u: any("Unlink your MyRenault" in t for t in texts(u)), timeout=WAIT)
        await ann.tap(ann.bot_messages[-1], "Yes, delete everything")
        await bob.wait_until(
            lambda u: any("Der Besitzer hat das Auto getrennt" in t for t in texts(u)), timeout=WAIT
        )
        assert e2e.core is not None
        async with e2e.core.stores.db.read() as session:
            for table in ("accounts", "vehicles", "chat_links", "invites"):
                assert (await session.execute(text(f"SELECT COUNT(*) FROM {table}"))).scalar_one() == 0  # noqa: S608


async def test_bad_invites_get_a_clear_answer(tmp_path: Path) -> None:
    async with running_e2e(tmp_path) as e2e:
        ann = await _owner(e2e)
        token = await _invite(e2e, ann, "➕ Invite a viewer")
        assert (await reply_to(ann, "/start " + "A" * 32)).text == (
            "I do not know this invite. Ask the owner to send a new one."
        )
        own = await reply_to(ann, f"/start {token}")
        assert (own.text or "").startswith("This is your own invite")
        bob = e2e.emulator.user(2002, "Bob")
        assert (await reply_to(bob, "/start not-an-invite")).text == (
            "This invite link is not valid. Ask the owner for a new one."
        )
        group = e2e.emulator.user(6006, "Gus", chat_type="group")
        assert (await reply_to(group, f"/start {token}")).text == (
            "Open the invite in a private chat with me, not in a group."
        )
        await _join(bob, token)
        cy = e2e.emulator.user(3003, "Cy")
        assert (await reply_to(cy, f"/start {token}")).text == (
            "This invite was already used: each invite works once. Ask the owner for a new one."
        )
        again = await _invite(e2e, ann, "➕ Invite a driver")
        assert (
            await reply_to(bob, f"/start {again}")
        ).text == "You already share this car. /status shows it."
        e2e.clock.advance(hours=25)
        assert (await reply_to(cy, f"/start {again}")).text == (
            "This invite has expired (invites last 24 hours). Ask the owner for a new one."
        )


async def test_a_full_account_refuses_new_invites_and_joins(tmp_path: Path) -> None:
    async with running_e2e(tmp_path) as e2e:
        ann = await _owner(e2e)
        token = await _invite(e2e, ann, "➕ Invite a viewer")
        assert e2e.core is not None
        stores = e2e.core.stores
        (account,) = await stores.accounts.accounts_for_chat(1001)
        for chat_id in range(7000, 7000 + MAX_MEMBERS):
            await stores.accounts.link_chat(chat_id, account.account_id, Role.VIEWER)
        full = (
            "This car is already shared with 10 people, the most allowed. One must leave or be removed first."
        )
        assert (await reply_to(e2e.emulator.user(2002, "Bob"), f"/start {token}")).text == full
        panel = await reply_to(ann, "/share", "👥")
        answer = await (await ann.tap(panel, "➕ Invite a viewer")).answer()
        assert (answer.text, answer.show_alert) == (full, True)


async def test_saying_no_to_leave_or_logout_changes_nothing(tmp_path: Path) -> None:
    async with running_e2e(tmp_path) as e2e:
        ann = await _owner(e2e)
        bob = e2e.emulator.user(2002, "Bob")
        await _join(bob, await _invite(e2e, ann, "➕ Invite a viewer"))
        confirm = await reply_to(bob, "/leave", "Stop sharing")
        await bob.tap(confirm, "No, stay")
        await bob.wait_until(
            lambda u: (u.message(confirm.message_id) or confirm).text == "Nothing was changed."
        )
        confirm = await reply_to(ann, "/logout", "Unlink your MyRenault")
        await ann.tap(confirm, "No, keep it")
        await ann.wait_until(
            lambda u: (u.message(confirm.message_id) or confirm).text == "Nothing was changed."
        )
        assert "Bob – viewer" in ((await reply_to(ann, "/share", "👥")).text or "")
        assert "🚗" in ((await reply_to(bob, "/status")).text or "")


async def test_pings_reach_each_member_in_their_language_once_across_a_restart(tmp_path: Path) -> None:
    options = GraphOptions(poller=PollerSettings(tick_seconds=60))
    async with running_e2e(tmp_path, options=options) as e2e:
        ann = await _owner(e2e, plugged=True, charging=True, battery_level=95)
        bob = e2e.emulator.user(2002, "Bob", "fr")
        await _join(bob, await _invite(e2e, ann, "➕ Invite a driver"), "✅ Rejoindre")
        cy = e2e.emulator.user(3003, "Cy", "de")
        await _join(cy, await _invite(e2e, ann, "➕ Invite a viewer"), "✅ Beitreten")
        assert e2e.core is not None
        for step in range(36):
            e2e.clock.advance(minutes=5)
            await e2e.core.poller.tick()
            if step == 12:
                await e2e.restart()
                assert e2e.core is not None
        await cy.wait_until(lambda u: any("Laden abgeschlossen" in t for t in texts(u)), timeout=WAIT)
        await bob.wait_until(lambda u: any("charge terminée" in t for t in texts(u)), timeout=WAIT)
        await ann.wait_until(lambda u: any("charge complete" in t for t in texts(u)), timeout=WAIT)
    assert len([t for t in texts(ann) if "charge complete" in t]) == 1
    assert len([t for t in texts(bob) if "charge terminée" in t]) == 1
    assert len([t for t in texts(cy) if "Laden abgeschlossen" in t]) == 1


async def test_a_member_spends_only_their_share_of_the_one_account_budget(tmp_path: Path) -> None:
    async with running_e2e(tmp_path, options=GraphOptions(max_calls_per_hour=8)) as e2e:
        ann = await _owner(e2e)
        bob = e2e.emulator.user(2002, "Bob")
        await _join(bob, await _invite(e2e, ann, "➕ Invite a driver"))
        card = await reply_to(bob, "/status", "🚗")
        answers = []
        for _ in range(8):
            e2e.clock.advance(seconds=40)
            answers.append(await (await bob.tap(card, "🔄 Refresh")).answer())
        # A sixth of the 8 calls is Bob's (one): then every tap says his share is used up.
        assert "Your share of this car's Renault requests is used up" in (answers[-1].text or "")
        ann_card = await reply_to(ann, "/status", "🚗")
    assert "Renault is limiting requests" not in (ann_card.text or "")
