"""The smart-charging and history modules plug into the front-end: their buttons, commands and help."""

from __future__ import annotations

from bot.domain.tariff import TariffChoice, TariffKind
from bot.features.smart_charging.logic.schedule import PlannedCharge, SmartGoalSetting
from bot.features.smart_charging.ports import SmartPlanView
from tests.telegram_ui.fakes import forge_tap, running_bot, zoe


class FakeSmart:
    """Only what the target step needs; every other use case is out of these tests' scope."""

    def __init__(self) -> None:
        self.asked: list[int] = []

    async def active_vehicle(self, chat_id: int) -> int:
        self.asked.append(chat_id)
        return 7

    async def plan_for(self, goal: SmartGoalSetting) -> SmartPlanView:
        raise NotImplementedError

    async def set_tariff(self, chat_id: int, choice: TariffChoice) -> None:
        raise NotImplementedError

    async def tariff(self, chat_id: int) -> TariffChoice | None:
        return TariffChoice(TariffKind.OCTOPUS, region="C", currency="GBP")  # set: /smartcharge goes on

    async def set_daily(self, chat_id: int, vehicle_id: int, daily: bool) -> SmartGoalSetting:
        raise NotImplementedError

    async def daily_plans(self) -> list[SmartPlanView]:
        return []

    async def confirm(self, chat_id: int, vehicle_id: int) -> PlannedCharge:
        raise NotImplementedError

    async def cancel(self, chat_id: int, vehicle_id: int) -> bool:
        raise NotImplementedError

    async def run_due(self) -> list[int]:
        return []


async def test_smart_charging_buttons_reach_their_own_handler() -> None:
    smart = FakeSmart()
    async with running_bot(smart=smart) as s:
        s.linking.links[1001] = [zoe()]
        ann = s.emu.user(1001, "Ann")
        await ann.send("/smartcharge")
        question = await ann.next_message()
        await ann.tap(question, "80%")
        await ann.wait_until(
            lambda u: (
                (m := u.message(question.message_id)) is not None
                and (m.text or "").startswith("Ready by when")
            ),
            timeout=5,
        )
        shown = ann.message(question.message_id)
    assert shown is not None
    assert [b.text for b in shown.buttons] == ["06:30", "07:30", "08:30"]
    assert smart.asked == [1001]


async def test_a_tap_nobody_claims_still_gets_a_polite_answer() -> None:
    async with running_bot() as s:
        s.linking.links[1001] = [zoe()]
        ann = s.emu.user(1001, "Ann")
        await ann.send("/status")
        card = await ann.next_message()
        await forge_tap(s, 1001, card.message_id, "garbage-from-an-old-client")
        await ann.wait_until(lambda _: bool(s.emu.calls("answerCallbackQuery")), timeout=5)
        answers = s.emu.calls("answerCallbackQuery")
    assert answers[0].params["text"] == "This button is no longer valid. Send /status for a fresh one."


async def test_help_names_the_feature_commands_in_every_language() -> None:
    async with running_bot() as s:
        for user_id, language in ((1, "en"), (2, "fr"), (3, "de")):
            user = s.emu.user(user_id, "U", language_code=language)
            await user.send("/help")
            text = (await user.next_message()).text or ""
            assert all(f"/{name}" in text for name in ("smartcharge", "smarttariff", "history"))


async def test_the_published_menus_hold_the_wired_features_commands_only() -> None:
    # Smart charging is wired here, history is not: a menu must not offer a command nobody answers.
    async with running_bot(smart=FakeSmart()) as s:
        ann = s.emu.user(1001, "Ann")
        await ann.send("/help")
        await ann.next_message()
        menus = {lang: {c.command for c in s.emu.commands(language_code=lang)} for lang in ("en", "fr", "de")}
    for published in menus.values():
        assert {"smartcharge", "smarttariff", "status", "help"} <= published
        assert "history" not in published
