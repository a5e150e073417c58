"""/share (owner), joining with /start <invite>, /leave (member), and every /share button.

The handlers only turn taps into service calls: the services decide who may do what, so a forged tap
gets the same polite refusal as a hidden button would.
"""

from __future__ import annotations

import logging
from types import MappingProxyType
from typing import Final

from telegram import Update

from bot.domain.vehicle import Role
from bot.features.sharing import catalog as sharing_catalog
from bot.features.sharing import render
from bot.features.sharing.events import AccessEnded, MemberJoined, MemberLeft, RoleChanged
from bot.features.sharing.ports import SHARING, InviteRefused, NotAMember, SharingPort
from bot.features.sharing.render import LEAVE_VERB, SHARE_VERB
from bot.services import errors
from bot.telegram_ui.callback_data import Callback
from bot.telegram_ui.context import BotContext, ChatView
from bot.telegram_ui.conversation.names import StateName
from bot.telegram_ui.conversation.stale import answer_stale
from bot.telegram_ui.conversation.states import screen
from bot.telegram_ui.conversation.where import forget, remember
from bot.telegram_ui.error_messages import describe
from bot.telegram_ui.formatting import vehicle_title
from bot.telegram_ui.handlers.common import (
    chat_id_of,
    confirmed,
    edit,
    is_private,
    reply,
    yes_no_keyboard,
)
from bot.telegram_ui.parts import Command, TelegramPart

# The states this part declares, by the names stored with a chat's screen (never change one).
JOIN_CONFIRM: Final = StateName("join.confirm")
LEAVE_CONFIRM: Final = StateName("leave.confirm")
SHARE_MENU: Final = StateName("share.menu")

log = logging.getLogger(__name__)


def _sharing(context: BotContext) -> SharingPort:
    sharing = context.services.features.get(SHARING)
    if sharing is None:
        raise errors.FeatureUnavailable("sharing")
    return sharing


def _first_name(update: Update) -> str:
    user = update.effective_user
    return (user.first_name if user is not None else "")[:64]


async def share_command(update: Update, context: BotContext) -> None:
    """/share: the members, pending invites and location switch of the active car (owner only)."""
    view = await context.chat_view(update)
    try:
        sharing = await _sharing(context).overview(chat_id_of(update))
    except errors.NotPermitted:
        await reply(update, view.tr("share.owner_only"))
        return
    zone, now = view.settings.time_zone, context.now()
    text = render.overview_text(view.tr, sharing, chat_id_of(update), zone, now)
    markup = render.overview_keyboard(view.tr, sharing, zone, now)
    await reply(update, text, markup)
    await remember(context, update, SHARE_MENU, markup)


async def start_with_invite(update: Update, context: BotContext, token: str) -> None:
    """/start <token>: show whose car and which role the invite gives, with Join / No thanks."""
    view = await context.chat_view(update)
    try:
        offer = await _sharing(context).offer(chat_id_of(update), token, private=is_private(update))
    except InviteRefused as refused:
        log.info("invite refused at /start: %s", refused.problem.value)
        await reply(update, view.tr(f"share.problem.{refused.problem.value}"))
        return
    text, markup = render.offer_message(view.tr, offer, token)
    await reply(update, text, markup)
    await remember(context, update, JOIN_CONFIRM, markup)


async def leave_command(update: Update, context: BotContext) -> None:
    """/leave: confirm before a member stops sharing the active car."""
    view = await context.chat_view(update)
    vehicle = await context.services.linking.active(chat_id_of(update))
    if vehicle.role is Role.OWNER:
        await reply(update, view.tr("leave.owner"))
        return
    markup = yes_no_keyboard(LEAVE_VERB, view.tr("leave.button.yes"), view.tr("leave.button.no"))
    await reply(update, view.tr("leave.confirm", car=vehicle_title(view.tr, vehicle.info)), markup)
    await remember(context, update, LEAVE_CONFIRM, markup)


async def leave_tap(update: Update, context: BotContext, payload: Callback) -> None:
    """The /leave confirmation."""
    await forget(context, update)
    tapped = await confirmed(update, context, payload, "leave.kept")
    if tapped is None:
        return
    query, view = tapped
    try:
        left = await _sharing(context).leave(chat_id_of(update))
    except errors.OwnerCannotLeave:
        await edit(query, view.tr("leave.owner"))
        return
    await edit(query, view.tr("leave.done", car=vehicle_title(view.tr, left.info)))


async def share_tap(update: Update, context: BotContext, payload: Callback) -> None:
    """Every /share button: invite, member menu, role, removal, revoke, location, join or decline."""
    query = update.callback_query
    assert query is not None
    view = await context.chat_view(update)
    verb, _, rest = payload.arg.partition(":")
    if verb in ("j", "n"):
        await _join_tap(update, context, view, verb, rest)
        return
    try:
        await _manage_tap(update, context, view, payload.vehicle_id, verb, rest)
    except errors.NotPermitted:
        await query.answer(view.tr("share.owner_only"), show_alert=True)
    except NotAMember:
        await query.answer(view.tr("share.not_a_member"), show_alert=True)
    except InviteRefused as refused:
        await query.answer(view.tr(f"share.problem.{refused.problem.value}"), show_alert=True)
    except errors.InvalidInput as invalid:
        await query.answer(
            describe(view.tr, invalid, context.now(), view.settings.time_zone), show_alert=True
        )


async def _join_tap(update: Update, context: BotContext, view: ChatView, verb: str, token: str) -> None:
    query = update.callback_query
    assert query is not None
    await query.answer()
    await forget(context, update)
    if verb == "n":
        await edit(query, view.tr("share.declined"))
        return
    try:
        joined = await _sharing(context).join(
            chat_id_of(update), token, _first_name(update), private=is_private(update)
        )
    except InviteRefused as refused:
        log.info("invite refused at join: %s", refused.problem.value)
        await edit(query, view.tr(f"share.problem.{refused.problem.value}"))
        return
    role = render.role_name(view.tr, joined.role)
    await edit(query, view.tr("share.joined", cars=render.cars(view.tr, joined.vehicles), role=role))


async def _manage_tap(
    update: Update, context: BotContext, view: ChatView, vehicle_id: int | None, verb: str, rest: str
) -> None:
    query = update.callback_query
    assert query is not None
    sharing, chat_id = _sharing(context), chat_id_of(update)
    zone, now = view.settings.time_zone, context.now()
    if verb == "i":
        invite = await sharing.invite(chat_id, _role(rest), _first_name(update), vehicle_id)
        await query.answer()
        link = render.invite_link(context.bot.username, invite)
        text, markup = render.invite_message(view.tr, invite, link, zone, now)
        await context.bot.send_message(chat_id, text, reply_markup=markup)
        state = await sharing.overview(chat_id, vehicle_id)
    elif verb in ("m", "x"):
        state = await sharing.overview(chat_id, vehicle_id)
        member = next((m for m in state.members if str(m.chat_id) == rest and m.role is not Role.OWNER), None)
        if member is None:
            raise NotAMember()
        await query.answer()
        if verb == "m":
            text = view.tr(
                "share.member",
                name=render.person(view.tr, member.name),
                role=render.role_name(view.tr, member.role),
                since=render.since(view.tr, member.since, zone),
            )
            markup = render.member_keyboard(view.tr, state, member)
        else:
            text = view.tr("share.remove_confirm", name=render.person(view.tr, member.name))
            markup = render.remove_keyboard(view.tr, state, member)
        await edit(query, text, markup)
        await remember(context, update, SHARE_MENU, markup)
        return
    elif verb == "p":
        member_chat, _, role = rest.partition(":")
        state = await sharing.set_role(chat_id, _chat(member_chat), _role(role), vehicle_id)
        await query.answer()
    elif verb == "y":
        state = await sharing.remove(chat_id, _chat(rest), vehicle_id)
        await query.answer()
    elif verb == "r":
        state = await sharing.revoke(chat_id, rest, vehicle_id)
        await query.answer()
    elif verb == "l":
        state = await sharing.set_location_shared(chat_id, rest == "1", vehicle_id)
        await query.answer()
    elif verb == "b":
        state = await sharing.overview(chat_id, vehicle_id)
        await query.answer()
    else:
        log.info("unknown /share step %r", verb)
        await answer_stale(update, context)
        return
    text = render.overview_text(view.tr, state, chat_id, zone, now)
    markup = render.overview_keyboard(view.tr, state, zone, now)
    await edit(query, text, markup)
    await remember(context, update, SHARE_MENU, markup)


def _role(value: str) -> Role:
    try:
        return Role(value)
    except ValueError:
        raise errors.InvalidInput(["share.invalid_role"]) from None


def _chat(value: str) -> int:
    if not value.lstrip("-").isdigit():
        raise NotAMember()
    return int(value)


PART = TelegramPart(
    name="sharing",
    catalog=sharing_catalog.SHARING_MESSAGES,
    commands=(Command("share", share_command, 130), Command("leave", leave_command, 140)),
    taps=MappingProxyType({SHARE_VERB: share_tap, LEAVE_VERB: leave_tap}),
    states=(
        screen(LEAVE_CONFIRM),
        screen(JOIN_CONFIRM),
        screen(SHARE_MENU),
    ),
    deep_link=start_with_invite,
    pings=MappingProxyType(
        {
            MemberJoined: render.member_joined,
            MemberLeft: render.member_left,
            RoleChanged: render.role_changed,
            AccessEnded: render.access_ended,
        }
    ),
    wired=lambda services: services.features.has(SHARING),
)
"""/share and /leave, their taps and screens, and `/start <invitation>`."""
