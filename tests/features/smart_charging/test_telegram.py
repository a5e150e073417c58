"""/smartcharge presentation: callback payloads, tariff parsing, plan rendering, catalog parity."""

from __future__ import annotations

import re
from datetime import UTC, datetime, time, timedelta
from decimal import Decimal

import pytest

from bot.app.parts import CATALOGS as BOT_CATALOGS
from bot.domain.tariff import TariffKind
from bot.features.smart_charging.catalog import CATALOGS
from bot.features.smart_charging.logic.planner import ChargePlan, Estimate, Interval, PlanNote, WindowPlan
from bot.features.smart_charging.logic.schedule import PlanKind, PlannedCharge
from bot.features.smart_charging.ports import SmartChargePort, SmartPlanView
from bot.features.smart_charging.render import (
    SmartTap,
    decode_tap,
    plan_keyboard,
    ready_keyboard,
    render_plan,
    target_keyboard,
)
from bot.features.smart_charging.telegram import parse_tariff
from bot.features.smart_charging.use_cases.assistant import SmartChargeAssistant
from tests.support.templates import placeholders

START = datetime(2026, 11, 3, 1, 0, tzinfo=UTC)


def test_catalogs_have_the_same_keys_and_placeholders() -> None:
    en = CATALOGS["en"]
    for language in ("fr", "de"):
        assert CATALOGS[language].keys() == en.keys()
        for key, template in en.items():
            assert placeholders(CATALOGS[language][key]) == placeholders(template), (language, key)
    assert all(key.startswith(("smart.", "tariff.")) for key in en)


def test_every_button_payload_round_trips_within_64_bytes() -> None:
    vehicle = 999_999_999_999
    markups = [
        target_keyboard(BOT_CATALOGS.translator("en"), vehicle),
        ready_keyboard(vehicle, 100),
        plan_keyboard(BOT_CATALOGS.translator("en"), vehicle, True),
    ]
    payloads = [b.callback_data for m in markups for row in m.inline_keyboard for b in row]
    assert all(isinstance(p, str) and len(p.encode()) <= 64 for p in payloads)
    assert all(decode_tap(str(p)) is not None for p in payloads)
    assert decode_tap(f"1.sc.{vehicle}.r:100:0830") == SmartTap("r", vehicle, 100, time(8, 30))


@pytest.mark.parametrize(
    "data",
    ["1.sc.1.r:80", "1.sc.1.t", "1.sc.1.t:0", "1.sc.1.r:80:2460", "1.sc.x.ok", "1.st.1.ok", "sc:ok:1", None],
)
def test_malformed_or_forged_payloads_are_ignored(data: str | None) -> None:
    assert decode_tap(data) is None


def test_tariff_commands_are_parsed() -> None:
    octopus = parse_tariff(["octopus", "c"])
    assert octopus is not None
    assert (octopus.kind, octopus.region) == (TariffKind.OCTOPUS, "C")
    fixed = parse_tariff(["fixed", "0,25", "0.15", "22:00", "06:00"])
    assert fixed is not None
    assert (fixed.peak, fixed.off_peak, fixed.off_peak_start) == (Decimal("0.25"), Decimal("0.15"), time(22))
    assert parse_tariff(["fixed", "cheap", "0.15", "22:00", "06:00"]) is None
    assert parse_tariff([]) is None


def _view(notes: frozenset[PlanNote] = frozenset()) -> SmartPlanView:
    window = Interval(START, START + timedelta(hours=3))
    kwh = Decimal("15.0")
    plan = ChargePlan(
        kwh,
        "GBP",
        Estimate(kwh, Decimal("4.50"), Decimal(0)),
        WindowPlan(window, Estimate(kwh, Decimal("1.20"), Decimal(0)), 80.0),
        None,
        notes,
    )
    planned = PlannedCharge(PlanKind.WINDOW, (window,), 80, START + timedelta(hours=6), START)
    return SmartPlanView(7, 1001, plan, planned, "Europe/Paris", 52.0)


def _rendered(language: str, view: SmartPlanView) -> str:
    return render_plan(BOT_CATALOGS.translator(language), view.summary(), view.time_zone)


def test_plan_is_rendered_in_local_time_with_cost_saving_and_notes() -> None:
    rendered = _rendered("en", _view(frozenset({PlanNote.MISSING_PRICES})))

    assert "02:00 – 05:00 (Tue 3 Nov)" in rendered  # 01:00 UTC is 02:00 in Paris in November
    assert "15.0 kWh" in rendered
    assert "1.20 GBP" in rendered
    assert "3.30 GBP" in rendered  # saving against charging now
    assert "From 52% to 80%" in rendered
    assert CATALOGS["en"]["smart.note.missing_prices"] in rendered


def test_a_french_plan_has_french_weekdays_and_percentages() -> None:
    rendered = _rendered("fr", _view(frozenset()))
    assert "(mar. 3 nov.)" in rendered
    assert "De 52\u00a0% à 80\u00a0%." in rendered
    assert "15,0\u202fkWh" in rendered


def test_plan_renders_in_the_chats_language() -> None:
    rendered = _rendered("fr", _view())
    assert "Coût estimé : 1,20 GBP." in rendered
    assert not re.search(r"\{\w+\}", rendered)


def test_the_assistant_is_the_port_the_handlers_call() -> None:
    def as_port(assistant: SmartChargeAssistant) -> SmartChargePort:
        return assistant  # mypy --strict checks the assistant satisfies the port structurally

    assert callable(as_port)
