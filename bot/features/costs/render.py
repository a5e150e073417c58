"""Texts of the cost screens: /costs, a session's cost in /history, Home & costs, the monthly ping."""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime
from decimal import Decimal

from bot.domain.pricing import EnergyMethod
from bot.features.costs.events import MonthlyCostSummary
from bot.features.costs.logic import CostSettings, MonthFigures, SessionCost
from bot.features.costs.ports import CostsView
from bot.telegram_ui.formatting import KWH
from bot.telegram_ui.i18n import Translator
from bot.telegram_ui.i18n.locales import decimal


def money(tr: Translator, amount: Decimal, currency: str | None, places: int = 2) -> str:
    """'12.34 EUR' with the language's decimal separator (prices per kWh take 3 places: 0.163)."""
    return tr("costs.money", amount=decimal(tr.locale, amount, places), currency=currency or "").strip()


def month_name(tr: Translator, month: date) -> str:
    """'Nov 2026' in the chat's language."""
    return tr.when(datetime(month.year, month.month, 1), "month")


def month_line(tr: Translator, label: str, figures: MonthFigures) -> str:
    """One month (or the year) on one line."""
    if figures.sessions == 0:
        return tr("costs.month_empty", month=label)
    price = figures.price_per_kwh
    per_km = figures.cost_per_100_km
    saving = figures.saving
    priced = figures.priced_sessions > 0
    return tr(
        "costs.month",
        month=label,
        sessions=tr.plural("costs.sessions", figures.sessions, count=figures.sessions),
        kwh=tr.unit(float(figures.grid_kwh), KWH, 1),
        cost=money(tr, figures.cost, figures.currency) if priced else tr("costs.summary_no_cost"),
        price="" if price is None else tr("costs.price", price=money(tr, price, figures.currency, 3)),
        per_km="" if per_km is None else tr("costs.per_km", cost=money(tr, per_km, figures.currency)),
        saving=_saving(tr, saving, figures.currency) if priced and saving != 0 else "",
    )


def _saving(tr: Translator, saving: Decimal, currency: str | None) -> str:
    if saving >= 0:
        return tr("costs.saving", saving=money(tr, saving, currency))
    return tr("costs.extra_cost", saving=money(tr, -saving, currency))


def render_costs(tr: Translator, view: CostsView, settings: CostSettings, costs: list[SessionCost]) -> str:
    """The /costs message: this month, the last 12 months month by month, their total, notes."""
    lines = [tr("costs.title"), "", month_line(tr, tr("costs.this_month"), view.this_month), ""]
    lines += [month_line(tr, month_name(tr, m.month), m) for m in reversed(view.months) if m.sessions]
    lines += ["", month_line(tr, tr("costs.last_12"), view.year)]
    reasons = Counter(c.reason for c in costs if c.reason is not None)
    if reasons:
        named = ", ".join(f"{tr(f'costs.reason.{r.value}')} ({n})" for r, n in reasons.items())
        lines.append(tr("costs.unpriced_count", count=sum(reasons.values()), reasons=named))
    if any(c.gaps for c in costs):
        lines.append(tr("costs.gaps"))
    energy = tr(f"costs.energy.{_energy_source(costs)}")
    lines += ["", tr("costs.footer", loss=tr.percent(float(settings.loss * 100)), energy=energy)]
    return "\n".join(lines)


def _energy_source(costs: list[SessionCost]) -> str:
    """Where the kWh shown come from: 'reported' (the car's counter), 'levels', or 'mixed'."""
    methods = {c.method for c in costs if c.method is not None}
    if methods == {EnergyMethod.REPORTED}:
        return "reported"
    return "mixed" if EnergyMethod.REPORTED in methods else "levels"


def session_cost(tr: Translator, cost: SessionCost | None) -> str:
    """A session's cost for /history: '3.12 EUR', '≈3.12 EUR' with a nearest price, or why not."""
    if cost is None:
        return ""
    if cost.cost is None:
        return tr(f"costs.reason.{cost.reason.value}") if cost.reason is not None else ""
    key = "costs.session_approx" if cost.gaps else "costs.session"
    return tr(key, cost=money(tr, cost.cost, cost.currency))


def settings_text(tr: Translator, settings: CostSettings) -> str:
    """The Home & costs screen."""
    home = settings.home
    return tr(
        "costs.settings",
        home=tr("costs.home_none") if home is None else tr("costs.home_set", radius=home.radius_m),
        loss=tr.percent(float(settings.loss * 100)),
        monthly=tr("costs.on" if settings.monthly_summary else "costs.off"),
    )


def render_summary(tr: Translator, event: MonthlyCostSummary) -> str:
    """The monthly summary ping."""
    priced = event.cost is not None
    cost = money(tr, Decimal(event.cost), event.currency) if event.cost is not None else ""
    price = event.price_per_kwh
    saving = Decimal(event.saving) if event.saving is not None else Decimal(0)
    return tr(
        "costs.summary",
        month=month_name(tr, event.month),
        sessions=tr.plural("costs.sessions", event.sessions, count=event.sessions),
        kwh=tr.unit(float(Decimal(event.grid_kwh)), KWH, 1),
        cost=cost if priced else tr("costs.summary_no_cost"),
        price="" if price is None else tr("costs.price", price=money(tr, Decimal(price), event.currency, 3)),
        saving=_saving(tr, saving, event.currency) if priced and saving != 0 else "",
        unpriced="" if not event.unpriced else tr("costs.summary_unpriced", count=event.unpriced),
    )
