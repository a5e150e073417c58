"""Family sharing through the real graph on the Renault simulator: invites, roles, members, logout."""

from __future__ import annotations

from datetime import time, timedelta
from pathlib import Path

import pytest
from sqlalchemy import text

from bot.app.graph import GraphOptions
from bot.domain.actions import ACTIONS, ActionKind
from bot.domain.events import ChargeComplete
from bot.domain.schedule import ChargeSchedule, ScheduleMode
from bot.domain.snapshot import ChargeMode
from bot.domain.vehicle import Right, Role
from bot.features.actions.ports import ActionRequest
from bot.features.linking.ports import LinkResult
from bot.features.polling.jobs import PollerSettings
from bot.features.sharing.events import AccessEnded, AccessEndReason, MemberJoined, MemberLeft, RoleChanged
from bot.features.sharing.logic import (
    INVITE_KEPT_AFTER_EXPIRY,
    INVITE_TTL,
    MAX_MEMBERS,
    MAX_PENDING_INVITES,
    InviteProblem,
)
from bot.features.sharing.ports import InviteRefused, NotAMember
from bot.features.smart_charging.logic.schedule import SmartGoalSetting
from bot.services.errors import InvalidInput, NotLinked, NotPermitted, OwnerCannotLeave, ServiceError
from tests.support.stack import Stack, service_stack

pytestmark = pytest.mark.slow  # measured: most of its tests take over a second

EMAIL, PASSWORD = "owner@example.com", "s3cret-Pass"
OWNER, BOB, CY = 1001, 2002, 3003
VIN = "VF1RCB00012345678"


async def _owned(stack: Stack, model: str = "XCB1VE", *, charging: bool = False) -> int:
    account = stack.sim.add_account(EMAIL, PASSWORD)
    stack.sim.add_vehicle(account, model, vin=VIN, plugged=True, charging=charging, battery_level=50)
    await stack.graph.settings.chat(OWNER, "en")
    linked = await stack.graph.linking.begin(OWNER, "fr_FR", EMAIL, PASSWORD)
    assert isinstance(linked, LinkResult)
    assert linked.active_vehicle_id is not None
    return linked.active_vehicle_id


async def _joined(stack: Stack, chat_id: int, role: Role, language: str = "en", name: str = "Bob") -> None:
    await stack.graph.settings.chat(chat_id, language)
    invite = await stack.graph.sharing.invite(OWNER, role, "Ann")
    await stack.graph.sharing.join(chat_id, invite.token, name, private=True)


def _request(kind: ActionKind) -> ActionRequest:
    if kind is ActionKind.CHARGE_MODE:
        return ActionRequest(kind, charge_mode=ChargeMode.ALWAYS)
    if kind is ActionKind.CHARGE_LIMITS:
        return ActionRequest(kind, min_level=20, target_level=80)
    return ActionRequest(kind)


async def test_an_invite_joins_once_with_its_role_and_the_owner_is_told(tmp_path: Path) -> None:
    async with service_stack(tmp_path) as stack:
        vehicle_id = await _owned(stack)
        await stack.graph.settings.chat(BOB, "fr")
        invite = await stack.graph.sharing.invite(OWNER, Role.DRIVER, "Ann")
        assert invite.token not in repr(invite)
        offer = await stack.graph.sharing.offer(BOB, invite.token, private=True)
        assert (offer.owner_name, offer.role, [v.vin for v in offer.vehicles]) == ("Ann", Role.DRIVER, [VIN])
        joined = await stack.graph.sharing.join(BOB, invite.token, "Bob", private=True)
        assert joined.role is Role.DRIVER
        seen = await stack.graph.linking.active(BOB)
        assert (seen.vehicle_id, seen.role) == (vehicle_id, Role.DRIVER)
        told = [e for c, e in stack.notifier.sent if c == OWNER]
        assert len(told) == 1
        assert isinstance(told[0], MemberJoined)
        assert (told[0].member_name, told[0].role) == ("Bob", Role.DRIVER)
        with pytest.raises(InviteRefused) as again:
            await stack.graph.sharing.join(CY, invite.token, "Cy", private=True)
        assert again.value.problem is InviteProblem.USED


@pytest.mark.parametrize("role", [Role.DRIVER, Role.VIEWER])
@pytest.mark.parametrize("kind", list(ACTIONS))
async def test_every_action_is_allowed_exactly_by_the_rights_of_the_role(
    tmp_path: Path, role: Role, kind: ActionKind
) -> None:
    async with service_stack(tmp_path) as stack:
        vehicle_id = await _owned(stack)
        await _joined(stack, BOB, role)
        allowed = ACTIONS[kind].right in role.rights(location_shared=False)
        before = stack.sim.log.total
        if allowed:
            outcome: ServiceError | None = None
            try:
                await stack.graph.actions.run(BOB, vehicle_id, _request(kind))
            except ServiceError as error:  # the car may not support it: not a rights question
                outcome = error
            assert not isinstance(outcome, NotPermitted)
        else:
            with pytest.raises(NotPermitted):
                await stack.graph.actions.run(BOB, vehicle_id, _request(kind))
            assert stack.sim.log.total == before  # refused before any Renault call


async def test_viewers_read_but_never_command_and_see_the_location_only_when_shared(tmp_path: Path) -> None:
    async with service_stack(tmp_path) as stack:
        vehicle_id = await _owned(stack)
        await _joined(stack, CY, Role.VIEWER, name="Cy")
        graph = stack.graph
        assert (await graph.status.status(CY)).vehicle.role is Role.VIEWER
        assert (await graph.history.overview(CY)).vehicle.vehicle_id == vehicle_id
        before = stack.sim.log.total
        forbidden = [
            graph.status.location(CY),
            graph.actions.schedule(CY, vehicle_id),
            graph.actions.set_schedule(CY, vehicle_id, ChargeSchedule(ScheduleMode.ALWAYS)),
            graph.smart.set_daily(CY, vehicle_id, True),
            graph.smart.confirm(CY, vehicle_id),
            graph.smart.cancel(CY, vehicle_id),
            graph.smart.plan_for(SmartGoalSetting(CY, vehicle_id, 80, time(7, 30))),
            graph.sharing.overview(CY),
            graph.sharing.invite(CY, Role.VIEWER, "Cy"),
            graph.sharing.set_location_shared(CY, True),
            graph.sharing.remove(CY, OWNER),
        ]
        for call in forbidden:
            with pytest.raises(NotPermitted):
                await call
        assert stack.sim.log.total == before
        await graph.sharing.set_location_shared(OWNER, True)
        assert Right.LOCATE in (await graph.linking.active(CY)).rights
        assert (await graph.status.location(CY)).vehicle.vehicle_id == vehicle_id


async def test_drivers_command_but_cannot_manage_the_sharing(tmp_path: Path) -> None:
    async with service_stack(tmp_path) as stack:
        vehicle_id = await _owned(stack)
        await _joined(stack, BOB, Role.DRIVER)
        await stack.graph.actions.run(BOB, vehicle_id, ActionRequest(ActionKind.PRECONDITION))
        assert stack.sim.log.count(key="hvac-start") == 1
        assert (await stack.graph.status.location(BOB)).vehicle.vehicle_id == vehicle_id
        with pytest.raises(NotPermitted):
            await stack.graph.sharing.invite(BOB, Role.DRIVER, "Bob")
        with pytest.raises(NotPermitted):
            await stack.graph.sharing.set_role(BOB, BOB, Role.DRIVER)


async def test_every_bad_invite_gets_its_reason_and_changes_nothing(tmp_path: Path) -> None:
    async with service_stack(tmp_path) as stack:
        await _owned(stack)
        sharing, clock = stack.graph.sharing, stack.clock
        remaining = await sharing.invite(OWNER, Role.VIEWER, "Ann")
        gone = await sharing.invite(OWNER, Role.VIEWER, "Ann")
        await sharing.revoke(OWNER, gone.ref)
        assert [i.ref for i in (await sharing.overview(OWNER)).invites] == [remaining.ref]
        for token, problem in {
            "not-a-token": InviteProblem.MALFORMED,
            "A" * 32: InviteProblem.UNKNOWN,
        }.items():
            with pytest.raises(InviteRefused) as refused:
                await sharing.offer(BOB, token, private=True)
            assert refused.value.problem is problem
        with pytest.raises(InviteRefused) as refused:
            await sharing.join(BOB, gone.token, "Bob", private=True)
        assert refused.value.problem is InviteProblem.REVOKED
        with pytest.raises(InviteRefused) as refused:
            await sharing.join(BOB, remaining.token, "Bob", private=False)
        assert refused.value.problem is InviteProblem.NOT_PRIVATE
        with pytest.raises(InviteRefused) as refused:
            await sharing.offer(OWNER, remaining.token, private=True)
        assert refused.value.problem is InviteProblem.OWN_INVITE
        await _joined(stack, BOB, Role.VIEWER)
        with pytest.raises(InviteRefused) as refused:
            await sharing.join(BOB, remaining.token, "Bob", private=True)
        assert refused.value.problem is InviteProblem.ALREADY_MEMBER
        clock.advance(hours=25)
        with pytest.raises(InviteRefused) as refused:
            await sharing.join(CY, remaining.token, "Cy", private=True)
        assert refused.value.problem is InviteProblem.EXPIRED
        members = (await sharing.overview(OWNER)).members
        assert [(m.chat_id, m.role) for m in members] == [(OWNER, Role.OWNER), (BOB, Role.VIEWER)]


async def test_no_more_than_ten_members(tmp_path: Path) -> None:
    async with service_stack(tmp_path) as stack:
        await _owned(stack)
        spare = await stack.graph.sharing.invite(OWNER, Role.VIEWER, "Ann")
        for n in range(MAX_MEMBERS):
            await _joined(stack, 5000 + n, Role.VIEWER, name=f"M{n}")
        with pytest.raises(InviteRefused) as refused:
            await stack.graph.sharing.invite(OWNER, Role.VIEWER, "Ann")
        assert refused.value.problem is InviteProblem.FULL
        with pytest.raises(InviteRefused) as refused:
            await stack.graph.sharing.join(9999, spare.token, "Late", private=True)
        assert refused.value.problem is InviteProblem.FULL
        assert len((await stack.graph.sharing.overview(OWNER)).members) == MAX_MEMBERS + 1


async def test_no_more_invites_wait_than_the_cap_and_a_revoke_frees_a_place(tmp_path: Path) -> None:
    async with service_stack(tmp_path) as stack:
        await _owned(stack)
        sharing = stack.graph.sharing
        links = [await sharing.invite(OWNER, Role.VIEWER, "Ann") for _ in range(MAX_PENDING_INVITES)]
        with pytest.raises(InviteRefused) as refused:
            await sharing.invite(OWNER, Role.DRIVER, "Ann")
        assert refused.value.problem is InviteProblem.TOO_MANY_PENDING
        assert len((await sharing.overview(OWNER)).invites) == MAX_PENDING_INVITES
        await sharing.revoke(OWNER, links[0].ref)
        await sharing.invite(OWNER, Role.DRIVER, "Ann")


async def test_nobody_is_invited_or_promoted_to_owner(tmp_path: Path) -> None:
    async with service_stack(tmp_path) as stack:
        await _owned(stack)
        await _joined(stack, BOB, Role.VIEWER)
        sharing = stack.graph.sharing
        with pytest.raises(InvalidInput) as invite:
            await sharing.invite(OWNER, Role.OWNER, "Ann")
        with pytest.raises(InvalidInput) as promote:
            await sharing.set_role(OWNER, BOB, Role.OWNER)
        assert invite.value.reasons == promote.value.reasons == ["share.invalid_role"]
        assert (await sharing.overview(OWNER)).invites == ()
        assert (await stack.graph.linking.active(BOB)).role is Role.VIEWER


async def test_role_change_removal_and_leaving_are_told_to_the_right_people(tmp_path: Path) -> None:
    async with service_stack(tmp_path) as stack:
        await _owned(stack)
        await _joined(stack, BOB, Role.VIEWER)
        await _joined(stack, CY, Role.VIEWER, name="Cy")
        sharing, chats = stack.graph.sharing, stack.graph.stores.chats
        await sharing.set_role(OWNER, BOB, Role.DRIVER)
        assert (await stack.graph.linking.active(BOB)).role is Role.DRIVER
        assert await chats.active_vehicle(BOB) is not None
        await sharing.remove(OWNER, BOB)
        assert await chats.active_vehicle(BOB) is None  # the removed car is no longer their active one
        with pytest.raises(NotAMember):
            await sharing.remove(OWNER, BOB)
        with pytest.raises(NotLinked):
            await stack.graph.status.status(BOB)
        with pytest.raises(OwnerCannotLeave):
            await sharing.leave(OWNER)
        assert await chats.active_vehicle(CY) is not None
        await sharing.leave(CY)
        assert await chats.active_vehicle(CY) is None
        sent = [(c, type(e).__name__) for c, e in stack.notifier.sent]
        assert (BOB, RoleChanged.__name__) in sent
        assert (BOB, AccessEnded.__name__) in sent
        assert (OWNER, MemberLeft.__name__) in sent
        assert [c for c, e in stack.notifier.sent if isinstance(e, MemberLeft)] == [OWNER]


async def test_owner_logout_ends_every_members_access_and_leaves_no_row_naming_them(tmp_path: Path) -> None:
    async with service_stack(tmp_path) as stack:
        await _owned(stack)
        await _joined(stack, BOB, Role.DRIVER)
        await _joined(stack, CY, Role.VIEWER, name="Cy")
        await stack.graph.sharing.invite(OWNER, Role.VIEWER, "Ann")
        await stack.graph.sharing.logout(OWNER)
        ended = [(c, e.reason) for c, e in stack.notifier.sent if isinstance(e, AccessEnded)]
        assert sorted(ended) == [(BOB, AccessEndReason.OWNER_LOGOUT), (CY, AccessEndReason.OWNER_LOGOUT)]
        for member in (BOB, CY):
            assert await stack.graph.linking.vehicles(member) == []
        async with stack.db.read() as session:
            for table in ("accounts", "vehicles", "chat_links", "invites"):
                count = (await session.execute(text(f"SELECT COUNT(*) FROM {table}"))).scalar_one()  # noqa: S608
                assert count == 0, table


async def test_a_member_logout_only_leaves(tmp_path: Path) -> None:
    async with service_stack(tmp_path) as stack:
        await _owned(stack)
        await _joined(stack, BOB, Role.DRIVER)
        await stack.graph.sharing.logout(BOB)
        assert [v.vin for v in [x.info for x in await stack.graph.linking.vehicles(OWNER)]] == [VIN]
        assert await stack.graph.linking.vehicles(BOB) == []
        assert [c for c, e in stack.notifier.sent if isinstance(e, MemberLeft)] == [OWNER]


async def test_a_charge_ping_reaches_every_member_once_across_a_restart(tmp_path: Path) -> None:
    options = GraphOptions(poller=PollerSettings(tick_seconds=60))
    async with service_stack(tmp_path, options) as stack:
        await _owned(stack, "X102VE", charging=True)
        await _joined(stack, BOB, Role.DRIVER, "fr")
        await _joined(stack, CY, Role.VIEWER, "de", name="Cy")
        stack.sim.set_level(VIN, 95)

        async def run(minutes: int) -> None:
            for _ in range(minutes // 5):
                stack.clock.advance(minutes=5)
                await stack.graph.poller.tick()

        await run(30)
        stack.rebuilt(options)
        await run(120)
        stack.rebuilt(options)
        await run(60)
        completes = [c for c, e in stack.notifier.sent if isinstance(e, ChargeComplete)]
        assert sorted(completes) == [OWNER, BOB, CY]


async def test_the_housekeeping_purge_the_graph_builds_forgets_long_expired_invites(tmp_path: Path) -> None:
    # The purge is a kernel job; the sharing store hands it the invites' statement through the graph.
    async with service_stack(tmp_path) as stack:
        await _owned(stack)
        old = await stack.graph.sharing.invite(OWNER, Role.VIEWER, "Ann")
        stack.clock.advance((INVITE_TTL + INVITE_KEPT_AFTER_EXPIRY + timedelta(days=1)).total_seconds())
        assert await stack.graph.stores.conversation_purge.purge(stack.clock.now()) >= 1
        assert await stack.graph.stores.invites.find(old.token) is None
