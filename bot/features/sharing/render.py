"""The texts and keyboards of /share, of an invite, of a join offer and of /leave."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Final

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.domain.vehicle import Role, VehicleInfo
from bot.features.sharing.events import AccessEnded, AccessEndReason, MemberJoined, MemberLeft, RoleChanged
from bot.features.sharing.logic import MEMBER_ROLES, Member
from bot.features.sharing.ports import InviteLink, JoinOffer, SharingView
from bot.telegram_ui import formatting as fmt
from bot.telegram_ui.callback_data import Callback, Verb
from bot.telegram_ui.formatting import vehicle_title
from bot.telegram_ui.i18n import Translator
from bot.telegram_ui.keyboards import button
from bot.telegram_ui.ping_text import Renderer

# The verbs this part answers (their codes are on buttons already sent: never change one).
# a /share step (arg: 'i:driver', 'r:<ref>', 'm:<chat>', 'p:<chat>:viewer', 'j:<token>')
SHARE_VERB: Final = Verb("sh", "SHARE")
# confirm or cancel /leave (arg: 'yes' | 'no')
LEAVE_VERB: Final = Verb("lv", "LEAVE")


def role_name(tr: Translator, role: Role) -> str:
    """'driver', 'conducteur', 'Fahrer'."""
    return tr(f"role.{role.value}")


def person(tr: Translator, name: str) -> str:
    """Someone's first name, or 'someone' when Telegram gave us none."""
    return name or tr("share.someone")


def cars(tr: Translator, vehicles: Sequence[VehicleInfo]) -> str:
    """The cars of an account on one line."""
    return ", ".join(vehicle_title(tr, info) for info in vehicles)


def since(tr: Translator, moment: datetime | None, zone: str) -> str:
    """The day someone joined, in their reader's zone and language."""
    return "?" if moment is None else tr.when(moment.astimezone(fmt.zone(zone)), "date")


def member_name(tr: Translator, member: Member, me: int) -> str:
    """How /share names a member: their first name, 'you' for the reader."""
    if member.chat_id == me:
        return tr("share.you")
    return person(tr, member.name)


def overview_text(tr: Translator, view: SharingView, me: int, zone: str, now: datetime) -> str:
    """The /share message: members, pending invites, the location switch."""
    lines = [tr("share.title", cars=cars(tr, view.vehicles)), "", tr("share.members")]
    for member in view.members:
        name, role = member_name(tr, member, me), role_name(tr, member.role)
        if member.role is Role.OWNER:
            lines.append(tr("share.member_line_owner", name=name, role=role))
        else:
            lines.append(tr("share.member_line", name=name, role=role, since=since(tr, member.since, zone)))
    if all(member.role is Role.OWNER for member in view.members):
        lines += ["", tr("share.no_members")]
    if view.invites:
        lines += ["", tr("share.invites")]
        for invite in view.invites:
            until = fmt.local_datetime(tr, invite.expires_at, zone, now)
            lines.append(tr("share.invite_line", role=role_name(tr, invite.role), until=until))
    lines += ["", tr("share.location_shared" if view.location_shared else "share.location_hidden")]
    return "\n".join(lines)


def _tap(view: SharingView, arg: str) -> Callback:
    return Callback(SHARE_VERB, view.vehicle_id, arg)


def overview_keyboard(tr: Translator, view: SharingView, zone: str, now: datetime) -> InlineKeyboardMarkup:
    """Invite buttons, one button per member and per pending invite, the location switch."""
    keyboard = [
        [
            button(tr("share.button.invite_driver"), _tap(view, "i:driver")),
            button(tr("share.button.invite_viewer"), _tap(view, "i:viewer")),
        ]
    ]
    for member in view.members:
        if member.role is not Role.OWNER:
            label = tr(
                "share.button.member",
                name=person(tr, member.name),
                role=role_name(tr, member.role),
            )
            keyboard.append([button(label, _tap(view, f"m:{member.chat_id}"))])
    for invite in view.invites:
        until = fmt.local_datetime(tr, invite.expires_at, zone, now)
        label = tr("share.button.revoke", role=role_name(tr, invite.role), until=until)
        keyboard.append([button(label, _tap(view, f"r:{invite.ref}"))])
    switch = "share.button.hide_location" if view.location_shared else "share.button.show_location"
    keyboard.append([button(tr(switch), _tap(view, "l:0" if view.location_shared else "l:1"))])
    return InlineKeyboardMarkup(keyboard)


def member_keyboard(tr: Translator, view: SharingView, member: Member) -> InlineKeyboardMarkup:
    """Change the member's role, remove them, or go back."""
    others = [role for role in MEMBER_ROLES if role is not member.role]
    row = [
        button(tr(f"share.button.make_{role.value}"), _tap(view, f"p:{member.chat_id}:{role.value}"))
        for role in others
    ]
    return InlineKeyboardMarkup(
        [
            row,
            [button(tr("share.button.remove"), _tap(view, f"x:{member.chat_id}"))],
            [button(tr("share.button.back"), _tap(view, "b"))],
        ]
    )


def remove_keyboard(tr: Translator, view: SharingView, member: Member) -> InlineKeyboardMarkup:
    """Confirm a removal, or go back."""
    return InlineKeyboardMarkup(
        [
            [
                button(tr("share.button.remove_yes"), _tap(view, f"y:{member.chat_id}")),
                button(tr("share.button.back"), _tap(view, "b")),
            ]
        ]
    )


def invite_link(bot_username: str, invite: InviteLink) -> str:
    """The Telegram deep link that opens the bot with `/start <token>`."""
    return f"https://t.me/{bot_username}?start={invite.token}"


def invite_message(
    tr: Translator, invite: InviteLink, link: str, zone: str, now: datetime
) -> tuple[str, InlineKeyboardMarkup]:
    """The message to forward: the link in text and as a button."""
    until = fmt.local_datetime(tr, invite.expires_at, zone, now)
    text = tr("share.invite_created", role=role_name(tr, invite.role), until=until, link=link)
    return text, InlineKeyboardMarkup([[InlineKeyboardButton(tr("share.button.open_invite"), url=link)]])


def offer_message(tr: Translator, offer: JoinOffer, token: str) -> tuple[str, InlineKeyboardMarkup]:
    """The join confirmation: whose car, which role, what it allows."""
    text = tr(
        "share.join_offer",
        owner=person(tr, offer.owner_name),
        cars=cars(tr, offer.vehicles),
        role=role_name(tr, offer.role),
        what=tr(f"share.what.{offer.role.value}"),
    )
    markup = InlineKeyboardMarkup(
        [
            [
                button(tr("share.button.join"), Callback(SHARE_VERB, None, f"j:{token}")),
                button(tr("share.button.decline"), Callback(SHARE_VERB, None, "n")),
            ]
        ]
    )
    return text, markup


def member_joined(e: MemberJoined, r: Renderer) -> str:
    """The owner's ping: who joined, with which role."""
    return r.tr("event.member_joined", name=person(r.tr, e.member_name), role=role_name(r.tr, e.role))


def member_left(e: MemberLeft, r: Renderer) -> str:
    """The owner's ping: who left."""
    return r.tr("event.member_left", name=person(r.tr, e.member_name))


def role_changed(e: RoleChanged, r: Renderer) -> str:
    """The member's ping: their new role."""
    return r.tr("event.role_changed", role=role_name(r.tr, e.role))


def access_ended(e: AccessEnded, r: Renderer) -> str:
    """The member's ping: removed by the owner, or the owner logged out."""
    removed = e.reason is AccessEndReason.REMOVED
    return r.tr("event.access_removed" if removed else "event.access_owner_logout")
