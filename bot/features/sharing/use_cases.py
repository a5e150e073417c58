"""Family sharing: invites, joining, members and their roles, leaving, and the owner's logout.

The owner holds the MyRenault login; members join with a one-time invite and never see or touch the
credentials. Every membership change is told to the people concerned through the notification outbox.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Sequence

from bot.domain.vehicle import LinkedVehicle, Right, Role, VehicleInfo
from bot.features.linking.ports import LoginPort
from bot.features.sharing.events import (
    AccessEnded,
    AccessEndReason,
    MemberJoined,
    MemberLeft,
    RoleChanged,
    SharingEvent,
)
from bot.features.sharing.logic import (
    INVITE_TTL,
    MEMBER_ROLES,
    TOKEN_BYTES,
    Invite,
    InviteProblem,
    Member,
    is_full,
    is_token,
    join_problem,
    owners,
)
from bot.features.sharing.ports import (
    InviteInvalid,
    InviteLink,
    InviteRefused,
    InviteRepository,
    JoinOffer,
    MemberPlans,
    MemberRepository,
    NotAMember,
    SharingView,
)
from bot.services.errors import InvalidInput, NotLinked, OwnerCannotLeave
from bot.services.outbox_ports import Outbox
from bot.services.ports import AccountRepository, ChatRepository, Clock, VehicleRepository

log = logging.getLogger(__name__)


class SharingService:
    """Use cases of /share, /start <invite>, /leave and /logout."""

    def __init__(
        self,
        linking: LoginPort,
        accounts: AccountRepository,
        vehicles: VehicleRepository,
        chats: ChatRepository,
        invites: InviteRepository,
        members: MemberRepository,
        notifications: Outbox,
        clock: Clock,
        plans: MemberPlans | None = None,
    ) -> None:
        self._plans = plans
        self._linking = linking
        self._accounts = accounts
        self._vehicles = vehicles
        self._chats = chats
        self._invites = invites
        self._members = members
        self._notifications = notifications
        self._clock = clock

    async def overview(self, chat_id: int, vehicle_id: int | None = None) -> SharingView:
        """The members, pending invites and location switch of the account of the (active) car."""
        return await self._view(await self._managed(chat_id, vehicle_id))

    async def invite(
        self, chat_id: int, role: Role, owner_name: str, vehicle_id: int | None = None
    ) -> InviteLink:
        """Create a one-time invite with a role (owner only; at most `MAX_MEMBERS` members)."""
        managed = await self._managed(chat_id, vehicle_id)
        account_id = managed.account_id
        _check_member_role(role)
        if is_full(await self._members.members(account_id)):
            raise InviteRefused(InviteProblem.FULL)
        now = self._clock()
        token = secrets.token_urlsafe(TOKEN_BYTES)
        try:
            stored = await self._invites.create(
                account_id, role, token, now + INVITE_TTL, owner_name=owner_name, now=now
            )
        except InviteInvalid as exc:  # too many invites already waiting
            raise InviteRefused(exc.problem) from None
        log.info("invite created for a %s", role.value)
        return InviteLink(token, stored.ref, role, stored.expires_at)

    async def revoke(self, chat_id: int, ref: str, vehicle_id: int | None = None) -> SharingView:
        """Revoke an invite not yet used (owner only); a used, revoked or unknown one gets `InviteRefused`."""
        managed = await self._managed(chat_id, vehicle_id)
        if not await self._invites.revoke(managed.account_id, ref, self._clock()):
            raise InviteRefused(InviteProblem.UNKNOWN)
        return await self._view(managed)

    async def offer(self, chat_id: int, token: str, *, private: bool) -> JoinOffer:
        """What the invite would join, after every check a join makes; raises `InviteRefused`."""
        invite, members = await self._usable(chat_id, token, private=private)
        return JoinOffer(invite.owner_name, invite.role, await self._cars(invite.account_id, members))

    async def join(self, chat_id: int, token: str, member_name: str, *, private: bool) -> JoinOffer:
        """Use the invite: link the chat with its role and tell the owner who joined."""
        invite, members = await self._usable(chat_id, token, private=private)
        now = self._clock()
        try:
            redeemed = await self._invites.redeem(token, chat_id, member_name, now)
        except InviteInvalid as exc:  # used meanwhile, or the account filled up: the same answers
            raise InviteRefused(exc.problem) from None
        visible = [
            v for v in await self._vehicles.vehicles_for_chat(chat_id) if v.account_id == invite.account_id
        ]
        if visible and await self._chats.active_vehicle(chat_id) is None:
            await self._chats.set_active_vehicle(chat_id, visible[0].vehicle_id)
        joined = MemberJoined(redeemed.account_id, chat_id, member_name, redeemed.role, now)
        await self._tell(owners(members), joined)
        log.info("a chat joined a shared account as %s", redeemed.role.value)
        return JoinOffer(invite.owner_name, redeemed.role, tuple(v.info for v in visible))

    async def set_role(
        self, chat_id: int, member_chat_id: int, role: Role, vehicle_id: int | None = None
    ) -> SharingView:
        """Give a member another role (owner only) and tell them."""
        managed = await self._managed(chat_id, vehicle_id)
        account_id = managed.account_id
        _check_member_role(role)
        if not await self._members.set_role(account_id, member_chat_id, role):
            raise NotAMember()
        await self._tell([member_chat_id], RoleChanged(account_id, member_chat_id, role, self._clock()))
        if Right.COMMAND not in role.rights(location_shared=False):
            await self._withdraw_plans(member_chat_id, account_id)
        return await self._view(managed)

    async def remove(self, chat_id: int, member_chat_id: int, vehicle_id: int | None = None) -> SharingView:
        """Remove a member (owner only) and tell them their access ended."""
        managed = await self._managed(chat_id, vehicle_id)
        account_id = managed.account_id
        if not await self._members.remove(account_id, member_chat_id):
            raise NotAMember()
        ended = AccessEnded(account_id, member_chat_id, AccessEndReason.REMOVED, self._clock())
        await self._tell([member_chat_id], ended)
        await self._withdraw_plans(member_chat_id, account_id)
        return await self._view(managed)

    async def set_location_shared(
        self, chat_id: int, shared: bool, vehicle_id: int | None = None
    ) -> SharingView:
        """Let viewers see where the car is, or stop (owner only)."""
        managed = await self._managed(chat_id, vehicle_id)
        await self._members.set_location_shared(managed.account_id, shared)
        return await self._view(managed)

    async def leave(self, chat_id: int) -> LinkedVehicle:
        """A member leaves the account of their active car; the owner is told. The owner uses /logout."""
        vehicle = await self._linking.active(chat_id)
        if vehicle.role is Role.OWNER:
            raise OwnerCannotLeave()
        await self._leave(chat_id, vehicle.account_id)
        return vehicle

    async def logout(self, chat_id: int) -> None:
        """/logout: an owner deletes the account and its members lose access; a member simply leaves."""
        accounts = await self._accounts.accounts_for_chat(chat_id)
        if not accounts:
            raise NotLinked()
        for account in accounts:
            links = await self._accounts.chats_for_account(account.account_id)
            mine = next((link for link in links if link.chat_id == chat_id), None)
            if mine is not None and mine.role is not Role.OWNER:
                await self._leave(chat_id, account.account_id)
                continue
            now = self._clock()
            for other in await self._accounts.unlink_chat(chat_id, account.account_id):
                if other != chat_id:
                    await self._tell(
                        [other], AccessEnded(account.account_id, other, AccessEndReason.OWNER_LOGOUT, now)
                    )
        await self._chats.set_active_vehicle(chat_id, None)
        await self._linking.forget_pending(chat_id)

    async def _leave(self, chat_id: int, account_id: int) -> None:
        members = await self._members.members(account_id)
        me = next((m for m in members if m.chat_id == chat_id), None)
        if me is None or not await self._members.remove(account_id, chat_id):
            raise NotAMember()
        left = MemberLeft(account_id, chat_id, me.name, self._clock())
        await self._tell(owners(members), left)
        await self._withdraw_plans(chat_id, account_id)

    async def _withdraw_plans(self, member_chat_id: int, account_id: int) -> None:
        """Nothing acts on the account's cars any more in the name of a member without the command."""
        if self._plans is None:
            return
        owner = next(iter(owners(await self._members.members(account_id))), None)
        if owner is None:
            return
        cars = [
            v.vehicle_id for v in await self._vehicles.vehicles_for_chat(owner) if v.account_id == account_id
        ]
        entries = []
        for chat_id, event in await self._plans.withdraw(member_chat_id, cars):
            settings = await self._chats.get(chat_id)
            if settings is not None:
                entries += await self._notifications.enqueue_for_chat(event.vehicle_id, settings, [event])
        await self._notifications.deliver(entries)

    async def _usable(self, chat_id: int, token: str, *, private: bool) -> tuple[Invite, list[Member]]:
        """The invite if `chat_id` may use it now, with the account's members as read for the check."""
        if not is_token(token):
            raise InviteRefused(InviteProblem.MALFORMED)
        if not private:
            raise InviteRefused(InviteProblem.NOT_PRIVATE)
        invite = await self._invites.find(token)
        if invite is None:
            raise InviteRefused(InviteProblem.UNKNOWN)
        members = await self._members.members(invite.account_id)
        problem = join_problem(invite, members, chat_id, self._clock())
        if problem is not None:
            raise InviteRefused(problem)
        return invite, members

    async def _managed(self, chat_id: int, vehicle_id: int | None) -> LinkedVehicle:
        return await self._linking.resolve(chat_id, vehicle_id, Right.MANAGE)

    async def _view(self, managed: LinkedVehicle) -> SharingView:
        account_id = managed.account_id
        members = await self._members.members(account_id)
        return SharingView(
            account_id=account_id,
            vehicle_id=managed.vehicle_id,
            vehicles=await self._cars(account_id, members),
            members=tuple(members),
            invites=tuple(await self._invites.pending(account_id, self._clock())),
            location_shared=await self._members.location_shared(account_id),
        )

    async def _cars(self, account_id: int, members: list[Member]) -> tuple[VehicleInfo, ...]:
        # The owner sees every car of the account; `members` were already read by the caller.
        owner = next(iter(owners(members)), None)
        if owner is None:
            return ()
        return tuple(
            v.info for v in await self._vehicles.vehicles_for_chat(owner) if v.account_id == account_id
        )

    async def _tell(self, chat_ids: Sequence[int], event: SharingEvent) -> None:
        entries = []
        for chat_id in chat_ids:
            settings = await self._chats.get(chat_id)
            if settings is not None:
                entries += await self._notifications.enqueue_for_chat(None, settings, [event])
        await self._notifications.deliver(entries)


def _check_member_role(role: Role) -> None:
    # Invites and role changes give a member's role; owner is never given, only held by the login.
    if role not in MEMBER_ROLES:
        raise InvalidInput(["share.invalid_role"])
