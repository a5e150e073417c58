"""The /history texts (own catalog: same keys and placeholders in every language) and the PNG chart."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, datetime, timedelta

import pytest

from bot.domain.history import BatteryReading
from bot.domain.pricing import EnergyMethod
from bot.domain.vehicle import LinkedVehicle, Role, VehicleInfo
from bot.features.history.catalog import HISTORY_MESSAGES
from bot.features.history.logic import SessionSummary
from bot.features.history.ports import HistoryView
from bot.features.history.render import HistoryText, battery_chart, chart_labels, render_history
from tests.support.templates import placeholders

T0 = datetime(2026, 11, 2, 18, 0, tzinfo=UTC)
VEHICLE = LinkedVehicle(1, 10, VehicleInfo("VF1VIN", "X102VE", "Zoe", plate="AB-123-CD"), Role.OWNER)


@pytest.mark.parametrize("language", ["fr", "de"])
def test_history_catalog_has_the_english_keys_and_placeholders(language: str) -> None:
    english, other = HISTORY_MESSAGES["en"], HISTORY_MESSAGES[language]
    assert set(other) == set(english)
    assert {k: placeholders(v) for k, v in other.items()} == {k: placeholders(v) for k, v in english.items()}


def _view(*sessions: SessionSummary) -> HistoryView:
    return HistoryView(VEHICLE, sessions, (), T0 - timedelta(days=7), T0)


def test_sessions_are_listed_in_the_chat_language_and_time_zone() -> None:
    session = SessionSummary(T0, T0 + timedelta(hours=3, minutes=5), 20, 80, 31.2)
    text = render_history(HistoryText("fr"), _view(session), "Europe/Paris")
    assert text.splitlines()[0] == "Charges récentes - AB-123-CD"
    # CLDR's French: "2 nov., 19:00", a no-break space before %, a narrow one before units.
    assert "2 nov., 19:00 → 22:05 · 20\u00a0% → 80\u00a0% · 31,2\u202fkWh · 3 h 05 · 10,1\u202fkW" in text


def test_a_running_charge_and_unknown_values_are_shown_as_such() -> None:
    text = render_history(HistoryText("en"), _view(SessionSummary(T0, None, None, None, None)), "UTC")
    assert "18:00 → charging · ? → ? · ? · ? · ?" in text


def test_no_sessions_says_so() -> None:
    assert "No charge recorded yet for AB-123-CD" in render_history(HistoryText("xx"), _view(), "UTC")


def test_chart_is_a_png_with_or_without_data() -> None:
    readings = [
        BatteryReading(1, T0 - timedelta(hours=h), 80 - h, charging=h < 3) for h in range(0, 7 * 24, 2)
    ]
    sessions = [SessionSummary(T0 - timedelta(hours=3), None, 60, 80, None)]
    labels = chart_labels(HistoryText("de"))
    png = battery_chart(readings, sessions, T0 - timedelta(days=7), T0, "Europe/Berlin", labels)
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    assert len(png) > 5000
    empty = battery_chart([], [], T0 - timedelta(days=7), T0, "UTC", labels)
    assert empty.startswith(b"\x89PNG")


def test_starting_the_bot_does_not_load_matplotlib_until_a_chart_is_drawn() -> None:
    # A `worker` process never draws a chart; matplotlib would cost it ~60 MB and 0.7 s of start-up.
    probe = (
        "import sys, bot.app.run; print('matplotlib' in sys.modules)\n"
        "from bot.features.history.render import battery_chart\n"
        "print('matplotlib' in sys.modules)\n"
    )
    done = subprocess.run(  # noqa: S603 - our own interpreter and arguments
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=60
    )
    assert done.stdout.split() == ["False", "False"]


def test_a_session_measured_by_the_cars_counter_says_so() -> None:
    reported = _view(SessionSummary(T0, T0 + timedelta(hours=3), 20, 80, 31.0, EnergyMethod.REPORTED))
    estimated = _view(SessionSummary(T0, T0 + timedelta(hours=3), 20, 80, 31.2, EnergyMethod.LEVELS))
    assert "· 31,0\u202fkWh (déclarés par la voiture) ·" in render_history(HistoryText("fr"), reported, "UTC")
    assert "· 31.0 kWh (reported by the car) ·" in render_history(HistoryText("en"), reported, "UTC")
    text = render_history(HistoryText("en"), estimated, "UTC")
    assert "· 31.2 kWh · 3 h 00" in text
    assert "reported" not in text
