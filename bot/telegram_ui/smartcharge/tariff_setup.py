"""Setting the electricity tariff with buttons: which kind, Octopus regions by name, fixed rates typed once.

Taps are `1.tf..<step>`: `menu`, `fixed`, `url`, `octopus`, `r:<region letter>`. The two typed steps (the
fixed rates, a price-feed address) are registry states (`tariff.fixed`, `tariff.url`), so anything else
typed or sent there is answered with what is expected. The tariff is stored by the smart-charging use
case, which both /smartcharge and /costs read.
"""

from __future__ import annotations

import re
from datetime import time
from decimal import Decimal, InvalidOperation

from babel.numbers import get_territory_currencies
from telegram import InlineKeyboardMarkup, Update

from bot.domain.smart_schedule import TariffChoice, TariffKind
from bot.services.errors import InvalidInput
from bot.telegram_ui import places
from bot.telegram_ui.callback_data import Callback, Verb
from bot.telegram_ui.context import BotContext, ChatView
from bot.telegram_ui.conversation.names import StateName
from bot.telegram_ui.conversation.stale import answer_stale
from bot.telegram_ui.conversation.where import Spot, forget, remember
from bot.telegram_ui.handlers.common import chat_id_of, edit, reply
from bot.telegram_ui.i18n import Translator
from bot.telegram_ui.keyboards import choice_keyboard

# Octopus Agile's regions (the grid supply point groups), by the letter its API names them.
REGIONS = ("A", "B", "C", "D", "E", "F", "G", "H", "J", "K", "L", "M", "N", "P")
# A price per kWh above this is a typo (a price in cents, a missing decimal point).
MAX_PRICE = Decimal(5)
# Typical peak and off-peak prices per kWh, for the example in the owner's currency.
_EXAMPLES = {
    "EUR": ("0.25", "0.15"),
    "GBP": ("0.28", "0.09"),
    "CHF": ("0.30", "0.20"),
    "NOK": ("2.50", "1.50"),
    "SEK": ("2.50", "1.50"),
    "DKK": ("2.50", "1.50"),
}
_NUMBER = r"(\d+(?:[.,]\d+)?)"
_TIME = r"(\d{1,2})(?:[:hH.](\d{2})|[hH])?"
_FIXED = re.compile(rf"\s*{_NUMBER}\s*[/;\s]\s*{_NUMBER}\s*[,;\s]\s*{_TIME}\s*[-–/\s]\s*{_TIME}\s*")


def _t(step: str) -> Callback:
    return Callback(Verb.TARIFF, None, step)


def setup_button(tr: Translator) -> InlineKeyboardMarkup:
    """The one button that opens the tariff set-up (under 'a tariff is needed')."""
    return choice_keyboard([(tr("tariff.button.setup"), _t("menu"))], width=1)


def currency_of(view: ChatView) -> str:
    """The owner's currency: their time zone's country's (EUR when it names none)."""
    country = places.zone_country(view.settings.time_zone)
    found = get_territory_currencies(country, tender=True) if country else []
    return str(found[0]) if found else "EUR"


def example(tr: Translator, currency: str) -> str:
    """'0,25 0,15 22:00 06:00': peak, off-peak, off-peak start and end, in the owner's way of writing."""
    peak, off_peak = _EXAMPLES.get(currency, _EXAMPLES["EUR"])
    return f"{tr.number(Decimal(peak), 2)} {tr.number(Decimal(off_peak), 2)} 22:00 06:00"


async def tariff_menu(update: Update, context: BotContext, *, in_place: bool = False) -> None:
    """Which kind of tariff: fixed prices, Octopus Agile, or a price feed."""
    view = await context.chat_view(update)
    tr = view.tr
    markup = choice_keyboard(
        [
            (tr("tariff.button.fixed"), _t("fixed")),
            (tr("tariff.button.octopus"), _t("octopus")),
            (tr("tariff.button.url"), _t("url")),
        ],
        width=1,
    )
    query = update.callback_query
    if in_place and query is not None:
        await edit(query, tr("tariff.ask_kind"), markup)
    else:
        await reply(update, tr("tariff.ask_kind"), markup)
    await remember(context, update, StateName.TARIFF_PROVIDER, markup)


async def tariff_tap(update: Update, context: BotContext, payload: Callback) -> None:
    """Every `tf` button."""
    query = update.callback_query
    assert query is not None
    if context.services.smart is None:
        await answer_stale(update, context)
        return
    view = await context.chat_view(update)
    tr, step = view.tr, payload.arg
    back = (tr("button.back"), _t("menu"))
    if step == "menu":
        await query.answer()
        await tariff_menu(update, context, in_place=True)
    elif step == "fixed":
        await query.answer()
        markup = choice_keyboard([], back=back)
        currency = currency_of(view)
        await edit(query, tr("tariff.ask_fixed", example=example(tr, currency), currency=currency), markup)
        await remember(context, update, StateName.TARIFF_FIXED, markup)
    elif step == "url":
        await query.answer()
        markup = choice_keyboard([], back=back)
        await edit(query, tr("tariff.ask_url"), markup)
        await remember(context, update, StateName.TARIFF_URL, markup)
    elif step == "octopus":
        await query.answer()
        regions = [(tr(f"tariff.region.{letter}"), _t(f"r:{letter}")) for letter in REGIONS]
        markup = choice_keyboard(regions, width=2, back=back)
        await edit(query, tr("tariff.ask_region"), markup)
        await remember(context, update, StateName.TARIFF_REGION, markup)
    elif step.startswith("r:") and step[2:] in REGIONS:
        await query.answer()
        region = step[2:]
        choice = TariffChoice(TariffKind.OCTOPUS, region=region, currency="GBP")
        saved = tr("tariff.saved_octopus", region=tr(f"tariff.region.{region}"))
        await _store(update, context, view, choice, saved)
    else:
        await answer_stale(update, context)


def parse_fixed(text: str) -> tuple[Decimal, Decimal, time, time] | str:
    """Peak, off-peak, off-peak start and end from one typed line; else the catalog key of what is wrong."""
    match = _FIXED.fullmatch(text)
    if match is None:
        return "tariff.error.fixed_form"
    try:
        peak, off_peak = (Decimal(match.group(i).replace(",", ".")) for i in (1, 2))
        start = time(int(match.group(3)), int(match.group(4) or 0))
        end = time(int(match.group(5)), int(match.group(6) or 0))
    except (InvalidOperation, ValueError):
        return "tariff.error.fixed_time"
    if peak > MAX_PRICE or off_peak > MAX_PRICE:
        return "tariff.error.fixed_price"
    if start == end:
        return "tariff.error.fixed_window"
    return peak, off_peak, start, end


async def typed_fixed(update: Update, context: BotContext, view: ChatView, spot: Spot) -> None:
    """The fixed rates, typed once: stored when they read well, else what is wrong and the example again."""
    message = update.effective_message
    parsed = parse_fixed((message.text or "") if message is not None else "")
    tr, currency = view.tr, currency_of(view)
    if isinstance(parsed, str):
        await reply(update, tr(parsed, example=example(tr, currency), currency=currency), spot.keyboard)
        return
    peak, off_peak, start, end = parsed
    choice = TariffChoice(TariffKind.FIXED, None, None, peak, off_peak, start, end, currency=currency)
    saved = tr(
        "tariff.saved_fixed",
        peak=_money(tr, peak, currency),
        off_peak=_money(tr, off_peak, currency),
        start=f"{start:%H:%M}",
        end=f"{end:%H:%M}",
    )
    await _store(update, context, view, choice, saved)


async def typed_url(update: Update, context: BotContext, view: ChatView, spot: Spot) -> None:
    """A price-feed address: stored when it is an https:// address (the feed itself is read when used)."""
    message = update.effective_message
    url = ((message.text or "") if message is not None else "").strip()
    choice = TariffChoice(TariffKind.URL, url=url, currency=currency_of(view))
    await _store(update, context, view, choice, view.tr("tariff.saved_url"), keyboard_on_error=spot)


def _money(tr: Translator, amount: Decimal, currency: str) -> str:
    return f"{tr.number(amount, 2)} {currency}"


async def _store(
    update: Update,
    context: BotContext,
    view: ChatView,
    choice: TariffChoice,
    saved: str,
    keyboard_on_error: Spot | None = None,
) -> None:
    smart = context.services.smart
    if smart is None:
        return
    try:
        await smart.set_tariff(chat_id_of(update), choice)
    except InvalidInput as error:
        problems = "\n".join(view.tr(reason) for reason in error.reasons)
        await reply(update, problems, keyboard_on_error.keyboard if keyboard_on_error is not None else None)
        return
    await forget(context, update)
    text = f"{saved}\n{view.tr('tariff.next')}"
    if update.callback_query is not None:
        await edit(update.callback_query, text)
    else:
        await reply(update, text)
