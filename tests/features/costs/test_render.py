"""The /costs footer says where the kWh came from: the car's counter, the battery levels, or both."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest

from bot.app.parts import CATALOGS
from bot.domain.pricing import EnergyMethod
from bot.features.costs.logic import CostSettings, MonthFigures, Place, SessionCost
from bot.features.costs.ports import CostsView
from bot.features.costs.render import render_costs

START = datetime(2026, 11, 18, 22, 0, tzinfo=UTC)
MONTH = MonthFigures(date(2026, 11, 1), 1, 1, Decimal("23.1"), Decimal("2.31"), "EUR", Decimal(0))
VIEW = CostsView(MONTH, (MONTH,), "UTC")


def _cost(method: EnergyMethod | None, hours: int = 0) -> SessionCost:
    start = START + timedelta(hours=hours)
    return SessionCost(100, 1, start, start + timedelta(hours=1), Place.HOME, method=method)


@pytest.mark.parametrize(
    ("methods", "language", "says"),
    [
        ([EnergyMethod.LEVELS], "en", "energy from the battery level × capacity."),
        ([EnergyMethod.REPORTED], "en", "energy reported by the car."),
        (
            [EnergyMethod.REPORTED, EnergyMethod.LEVELS],
            "en",
            "energy reported by the car, else from the battery",
        ),
        ([None], "en", "energy from the battery level × capacity."),
        ([EnergyMethod.REPORTED], "fr", "énergie déclarée par la voiture."),
        ([EnergyMethod.LEVELS], "fr", "énergie = niveau de batterie × capacité."),
        ([EnergyMethod.REPORTED], "de", "Energie vom Auto gemeldet."),
        ([EnergyMethod.LEVELS], "de", "Energie = Akkustand × Kapazität."),
    ],
)
def test_the_footer_names_the_energy_source(
    methods: list[EnergyMethod | None], language: str, says: str
) -> None:
    costs = [_cost(m, i) for i, m in enumerate(methods)]
    assert says in render_costs(CATALOGS.translator(language), VIEW, CostSettings(100), costs)
