"""Simulated MyRenault backend (Gigya + Kamereon): real wire format, car physics, fault injection."""

from __future__ import annotations

from bot.simulator.renault.accounts import GIGYA_API_KEYS, KAMEREON_API_KEY, SimAccount
from bot.simulator.renault.car import SimCar, SimChargeSession
from bot.simulator.renault.faults import FaultRule, RenaultFault, RequestLog, RequestRecord
from bot.simulator.renault.simulator import RenaultSimulator

__all__ = [
    "GIGYA_API_KEYS",
    "KAMEREON_API_KEY",
    "FaultRule",
    "RenaultFault",
    "RenaultSimulator",
    "RequestLog",
    "RequestRecord",
    "SimAccount",
    "SimCar",
    "SimChargeSession",
]
