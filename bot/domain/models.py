"""Car models by Renault model code, as data: battery size, AC power and the quirks the domain must know.

Codes and behaviour come from the protocol reference (§6.3 model codes, §4.1/§8 charging-status meaning,
§6.4 which models can stop a charge or set limits). `usable_capacity_kwh` is the usable energy of the most
common battery of each model; it feeds the "kWh added" estimate and charge planning, so a close figure is
good enough. One model code covers every battery and motor of the model, so the physical limits that judge
whether a reading is plausible (`bot.domain.plausibility`) take the version that allows the most: the
smallest battery (a point of it is the least energy), the strongest motor and the fastest charger.
An unknown code gets `DEFAULT_TRAITS` (an electric car with no special quirks), never an error.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from enum import Enum
from types import MappingProxyType


class Powertrain(Enum):
    """How the car is propelled; only cars that plug in get charge notifications."""

    BEV = "bev"  # battery electric
    PHEV = "phev"  # plug-in hybrid: charges from the grid
    HEV = "hev"  # full hybrid: no plug
    ICE = "ice"  # combustion only (petrol, diesel, LPG)


@dataclass(frozen=True, slots=True)
class ModelTraits:
    """What the domain needs to know about one car model."""

    code: str
    name: str
    powertrain: Powertrain = Powertrain.BEV
    usable_capacity_kwh: float | None = None
    default_ac_power_kw: float | None = None
    # Zoe 40 and older send chargingStatus -1.0 for "not charging"; on Zoe 50 and later it is a real error.
    charge_error_means_not_charging: bool = False
    supports_charge_limits: bool = False
    can_start_charge: bool = True
    can_stop_charge: bool = False
    # Zoe 40 always reports HVAC "off", even while pre-conditioning, so it cannot confirm it.
    reports_hvac_state: bool = True
    known: bool = True
    # Physical limits of the model's most permissive version (see the module docstring); None: unknown.
    smallest_capacity_kwh: float | None = None
    peak_drive_kw: float | None = None
    fastest_charge_kw: float | None = None

    @property
    def is_electric(self) -> bool:
        """Whether the car plugs in (battery electric or plug-in hybrid) and so has charges to report."""
        return self.powertrain in (Powertrain.BEV, Powertrain.PHEV)


DEFAULT_TRAITS = ModelTraits(
    code="",
    name="Renault",
    usable_capacity_kwh=None,
    default_ac_power_kw=7.4,
    known=False,
)
"""Traits for a model code we do not know: an electric car without special quirks."""

_B, _P, _H, _I = Powertrain.BEV, Powertrain.PHEV, Powertrain.HEV, Powertrain.ICE


def _ev(
    code: str, name: str, kwh: float, ac_kw: float, limits: tuple[float, float, float], **quirks: bool
) -> ModelTraits:
    # limits: (smallest usable battery kWh, strongest motor kW, fastest charging kW, DC where offered)
    smallest, drive, charge = limits
    return ModelTraits(
        code,
        name,
        _B,
        kwh,
        ac_kw,
        smallest_capacity_kwh=smallest,
        peak_drive_kw=drive,
        fastest_charge_kw=charge,
        **quirks,
    )


def _other(code: str, name: str, powertrain: Powertrain, kwh: float | None = None) -> ModelTraits:
    # Hybrids and combustion cars: no charge control; a plug-in hybrid still reports its charges. Their
    # engine also recharges the battery while driving, so no charge limit is set: the generous default holds.
    return ModelTraits(
        code,
        name,
        powertrain,
        kwh,
        3.7 if powertrain is _P else None,
        can_start_charge=False,
        smallest_capacity_kwh=kwh,
    )


_TABLE: tuple[ModelTraits, ...] = (
    _ev(
        "X101VE",
        "Zoe (phase 1)",
        41.0,
        22.0,
        # Phase 1 also came with the 22 kWh battery; its Q motors charged at 43 kW AC.
        (22.0, 80.0, 43.0),
        charge_error_means_not_charging=True,
        reports_hvac_state=False,
        can_stop_charge=True,
    ),
    _ev("X102VE", "Zoe (phase 2)", 52.0, 22.0, (52.0, 100.0, 50.0), can_stop_charge=True),
    _ev("X071VE", "Twingo E-Tech", 21.4, 22.0, (21.4, 60.0, 22.0), can_stop_charge=True),
    _ev("XBG1VE", "Dacia Spring", 25.0, 7.4, (25.0, 48.0, 30.0), can_stop_charge=True),
    _ev("XBG2VE", "Dacia Spring (MY25)", 25.0, 7.4, (24.0, 75.0, 40.0), supports_charge_limits=True),
    _ev("XCB1VE", "Megane E-Tech", 60.0, 22.0, (40.0, 160.0, 130.0), supports_charge_limits=True),
    _ev("XCB1SE", "Scenic E-Tech", 87.0, 11.0, (60.0, 160.0, 150.0), supports_charge_limits=True),
    _ev("R5E1VE", "Renault 5 E-Tech", 52.0, 11.0, (40.0, 110.0, 100.0), supports_charge_limits=True),
    _ev("A5E1AE", "Alpine A290", 52.0, 11.0, (52.0, 160.0, 100.0), supports_charge_limits=True),
    _ev("A4E1VE", "Renault 4 E-Tech", 52.0, 11.0, (40.0, 110.0, 100.0), supports_charge_limits=True),
    _ev("XDD1VE", "Master E-Tech", 87.0, 11.0, (52.0, 105.0, 130.0), supports_charge_limits=True),
    # XJB1SU covers both the petrol and the plug-in Captur II; the fuel-only one reports no battery.
    _other("XJB1SU", "Captur II", _P, 9.8),
    _other("XFB2BI", "Megane IV", _P, 9.8),
    ModelTraits("XFB2BK", "Megane IV Estate E-Tech plug-in", _P, 9.8, 3.7, can_stop_charge=True),
    _other("XHN1CP", "Rafale", _P, 20.0),
    _other("XHN1ML", "Espace VI", _H),
    _other("XHN1SU", "Austral", _H),
    _other("XJA1VP", "Clio V", _H),
    _other("XJA2VP", "Clio V", _H),
    _other("XJB2CP", "Symbioz", _H),
    _other("XJL2TR", "Arkana E-Tech", _H),
    _other("BD11SL", "Dacia Bigster hybrid", _H),
    _other("DU31SU", "Dacia Duster III", _H),
    _other("XJB2SU", "Captur II LPG", _I),
    _other("XJF2BI", "Dacia Sandero III", _I),
    _other("XJD1SU", "Dacia Duster II", _I),
)

MODELS: Mapping[str, ModelTraits] = MappingProxyType({traits.code: traits for traits in _TABLE})
"""Every known model by Renault model code (`vehicleDetails.model.code`)."""


def traits_for(model_code: str | None) -> ModelTraits:
    """The traits of a model code; unknown or missing codes get `DEFAULT_TRAITS` carrying that code."""
    code = (model_code or "").strip().upper()
    known = MODELS.get(code)
    if known is not None:
        return known
    return replace(DEFAULT_TRAITS, code=code)


def energy_added_kwh(traits: ModelTraits, start_level: int, end_level: int) -> float | None:
    """Estimate of the energy stored between two battery levels, from the usable capacity; None if unknown."""
    if traits.usable_capacity_kwh is None or end_level <= start_level:
        return None if traits.usable_capacity_kwh is None else 0.0
    return round(traits.usable_capacity_kwh * (end_level - start_level) / 100, 1)
