"""The charge power a plan assumes: learned from past sessions, else the model's, else the owner's. Pure."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import Enum
from statistics import median


class PowerSource(Enum):
    """Where the charge power used for planning came from."""

    LEARNED = "learned"
    MODEL_DEFAULT = "model_default"
    USER_SETTING = "user_setting"


@dataclass(frozen=True, slots=True)
class ChargePower:
    """The power to plan with, and why we believe it."""

    kw: float
    source: PowerSource


def choose_charge_power(
    learned_kw: float | None, model_default_kw: float | None, user_kw: float | None
) -> ChargePower | None:
    """The learned power, else the model's default, else the user's setting; None when none is known."""
    for kw, source in (
        (learned_kw, PowerSource.LEARNED),
        (model_default_kw, PowerSource.MODEL_DEFAULT),
        (user_kw, PowerSource.USER_SETTING),
    ):
        if kw is not None and kw > 0:
            return ChargePower(kw, source)
    return None


def learned_power_kw(sessions: Iterable[tuple[float, float]], min_minutes: float = 15) -> float | None:
    """The median power of past sessions given as (kWh added, minutes); short or empty ones are ignored."""
    powers = [kwh / (minutes / 60) for kwh, minutes in sessions if minutes >= min_minutes and kwh > 0]
    return median(powers) if powers else None
