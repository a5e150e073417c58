"""Tell an account's chats once that its MyRenault login is needed: the owners how to log in again, the
members that the owner must."""

from __future__ import annotations

import dataclasses

from bot.domain.events import CredentialsExpired
from bot.domain.vehicle import Role
from bot.features.polling.ports import PollNotifications, PollVehicles
from bot.services.ports import AccountFlags, Clock, Subscriber


class LoginNotice:
    """The needs-login notice of an account, reserved and delivered at once, told once per lost login."""

    def __init__(
        self, accounts: AccountFlags, vehicles: PollVehicles, notifications: PollNotifications, clock: Clock
    ) -> None:
        self._accounts = accounts
        self._vehicles = vehicles
        self._notify = notifications
        self._clock = clock

    async def tell(self, account_id: int) -> None:
        """Tell the account's chats, unless they were told since the login was lost."""
        account = await self._accounts.get(account_id)
        if account is None or account.needs_login_told:
            return
        now = self._clock()
        event = CredentialsExpired(scope=f"account:{account_id}", since=now)
        subscribers = await self._account_subscribers(account_id)
        owners = [s for s in subscribers if s.role is Role.OWNER]
        members = [s for s in subscribers if s.role is not Role.OWNER]
        member_event = dataclasses.replace(event, for_member=True)
        notices = [(s, [event]) for s in owners] + [(s, [member_event]) for s in members]
        entries = await self._notify.enqueue_each(None, notices, account_id=account_id)
        # Told once: the flag is set after the reservation, so a crash in between tells (at most) again.
        await self._accounts.mark_needs_login_told(account_id)
        await self._notify.deliver(entries)

    async def _account_subscribers(self, account_id: int) -> list[Subscriber]:
        found: dict[int, Subscriber] = {}
        for vehicle_id in await self._vehicle_ids_of(account_id):
            for sub in await self._vehicles.chats_for_vehicle(vehicle_id):
                found.setdefault(sub.settings.chat_id, sub)
        return list(found.values())

    async def _vehicle_ids_of(self, account_id: int) -> list[int]:
        ids: set[int] = set()
        for link in await self._accounts.chats_for_account(account_id):
            for linked in await self._vehicles.vehicles_for_chat(link.chat_id):
                if linked.account_id == account_id:
                    ids.add(linked.vehicle_id)
        return sorted(ids)
