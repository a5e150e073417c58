"""The simulated MyRenault account behind the demo and `RENAULT_BACKEND=simulator`: who to log in as."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from bot.simulator.renault import RenaultSimulator

DEMO_EMAIL = "demo@example.com"
DEMO_PASSWORD = "demo-password"  # noqa: S105 - a published demo credential of the simulator, not a secret


def simulated_renault(clock: Callable[[], datetime]) -> RenaultSimulator:
    """A simulator with the demo account: a Zoe charging at home and a Renault 5 parked with 35 %."""
    sim = RenaultSimulator(clock)
    account = sim.add_account(DEMO_EMAIL, DEMO_PASSWORD, locale="fr_FR")
    sim.add_vehicle(
        account,
        "X102VE",
        plate="ZO-550-EV",
        battery_level=48.0,
        plugged=True,
        charging=True,
        charge_power_kw=7.0,
    )
    sim.add_vehicle(account, "R5E1VE", plate="R5-123-EV", battery_level=35.0)
    return sim


def demo_credentials_text() -> str:
    """What to type at /login in the demo."""
    return f"Demo MyRenault account: e-mail {DEMO_EMAIL}  password {DEMO_PASSWORD}"
