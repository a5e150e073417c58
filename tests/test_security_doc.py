"""SECURITY.md exists, covers what the issue asks (threat model, storage, limits, reporting), and every limit
it states is the value the code uses: change a limit and this test names the line to update."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from bot.config import Settings
from bot.domain.feed_url import MAX_URL_LENGTH
from bot.features.actions.use_cases import ACTION_INTERVAL
from bot.features.linking.use_cases.limits import LoginLimits
from bot.features.sharing.logic import (
    INVITE_KEPT_AFTER_EXPIRY,
    INVITE_TTL,
    MAX_MEMBERS,
    MAX_PENDING_INVITES,
    TOKEN_BYTES,
)
from bot.poller.budget import MEMBER_SHARE, MEMBERS_SHARE
from bot.services.chat_limits import ChatLimits
from bot.services.conversation_ports import LATE_SECRET_WINDOW, LOGIN_TTL
from bot.services.secret_messages import FIRST_RETRY, MAX_ATTEMPTS
from bot.tariffs.fetch import FeedPolicy
from bot.telegram_ui.webhook import MAX_BODY_BYTES

ROOT = Path(__file__).resolve().parent.parent
DOC = (ROOT / "SECURITY.md").read_text(encoding="utf-8")


def _limit_row(what: str) -> str:
    """The Limits table's row whose first cell contains `what`."""
    section = DOC[DOC.index("## Limits") :]
    rows = [line for line in section.splitlines() if line.startswith("| ") and what in line.split("|")[1]]
    assert len(rows) == 1, what
    return rows[0]


def _minutes(span: timedelta) -> int:
    return int(span.total_seconds() // 60)


def _hours(span: timedelta) -> int:
    return int(span.total_seconds() // 3600)


def test_the_page_has_the_sections_the_issue_asks_for() -> None:
    for heading in (
        "## Reporting a vulnerability",
        "## Who can reach the bot, and what they can do",
        "## What is stored, and how",
        "## Limits",
    ):
        assert heading in DOC
    for actor in ("a stranger", "the owner", "a driver", "a viewer", "a hostile tariff feed", "the operator"):
        assert f"**{actor}**" in DOC
    assert "never in a public issue" in DOC
    assert "README" in DOC


def test_the_login_limits_are_the_limiters_defaults() -> None:
    limits = LoginLimits()
    personal, everyone = limits.password.user, limits.password.everyone
    assert limits.password.email == personal
    assert limits.code.user == personal
    assert limits.code.email == personal
    assert limits.code.everyone == everyone
    assert personal.window == everyone.window == timedelta(hours=1)

    row = _limit_row("wrong passwords and codes")
    assert f"{personal.cap} attempts an hour each" in row
    assert f"the {personal.cap + 1}th is refused without asking Renault" in row
    assert f"locks for {_minutes(personal.lock)} minutes" in row
    assert f"up to {_hours(personal.max_lock)} hours" in row
    assert "twice as long" in row
    assert personal.memory == timedelta(days=1)
    assert "within a day" in row

    row = _limit_row("logins for the whole bot")
    assert f"{everyone.cap} password attempts and {everyone.cap} code attempts an hour" in row
    assert f"{_minutes(everyone.lock)}-minute lock growing up to {_hours(everyone.max_lock)} hour" in row

    row = _limit_row("after Renault locks an account")
    assert f"{_minutes(limits.renault_lock)} minutes" in row


def test_the_conversation_and_secret_message_figures_are_the_codes() -> None:
    row = _limit_row("a `/login` conversation")
    assert f"{_minutes(LOGIN_TTL)} minutes without an answer" in row
    assert f"{_minutes(LATE_SECRET_WINDOW)} more minutes" in row
    assert f"for {_minutes(LATE_SECRET_WINDOW)} more minutes as a bare step" in DOC
    assert f"at most {_minutes(LOGIN_TTL)} minutes" in DOC  # the pending password's lifetime

    waits = [FIRST_RETRY * 2**n for n in range(MAX_ATTEMPTS - 1)]
    said = [f"{int(w.total_seconds())} s" if w < timedelta(minutes=1) else str(_minutes(w)) for w in waits]
    row = _limit_row("failed delete of a secret message")
    assert f"retried {', '.join(said)} minutes later ({MAX_ATTEMPTS} attempts)" in row
    assert f"({int(FIRST_RETRY.total_seconds())} s, then doubling, {MAX_ATTEMPTS} attempts in" in DOC


def test_the_budget_action_member_and_invite_figures_are_the_codes() -> None:
    default_budget = Settings.model_fields["renault_max_calls_per_hour"].default
    assert f"`RENAULT_MAX_CALLS_PER_HOUR`, {default_budget} by default" in _limit_row("Renault calls")
    assert f"one every {int(ACTION_INTERVAL.total_seconds())} seconds" in _limit_row("car actions per chat")
    row = _limit_row("members and invites")
    assert f"at most {MAX_MEMBERS} members per account" in row
    assert f"valid {_hours(INVITE_TTL)} hours" in row
    assert f"at most {MAX_PENDING_INVITES} invites waiting per account" in row
    assert timedelta(days=7) == INVITE_KEPT_AFTER_EXPIRY
    assert "deleted a week after they expire" in row
    assert f"{TOKEN_BYTES * 8} random bits" in DOC
    retention = Settings.model_fields["history_retention_days"].default
    assert f"`HISTORY_RETENTION_DAYS`, {retention} days by default" in DOC


def test_the_webhook_and_feed_limits_are_the_codes() -> None:
    assert MAX_BODY_BYTES == 1024 * 1024
    assert "| webhook request body | 1 MB" in DOC
    caddyfile = (ROOT / "deploy" / "Caddyfile").read_text()
    assert "max_size 1MB" in caddyfile

    feed = FeedPolicy()
    row = _limit_row("tariff feed fetch")
    assert f"URL at most {MAX_URL_LENGTH} characters" in row
    assert f"at most {feed.max_bytes // (1024 * 1024)} MiB (counted while streaming)" in row
    assert f"{int(feed.deadline_s)} seconds for the whole fetch" in row
    assert f"{int(feed.connect_s)} seconds to connect" in row
    assert f"{int(feed.read_s)} seconds per read" in row
    assert f"at most {feed.max_redirects} redirects" in row
    assert f"{feed.concurrency} fetches at once per process" in row


def test_the_per_chat_limits_and_member_shares_are_the_codes() -> None:
    limits = ChatLimits()
    assert limits.where == limits.refresh
    row = _limit_row("per chat (owner and members alike)")
    reads = 'Refresh and the location (`/where`, 📍, "the car\'s position is home")'
    assert f"{reads}: {limits.refresh.cap} an hour each" in row
    assert f"`/costs`: {limits.costs.cap} an hour" in row
    assert f"`/export`: {limits.export.cap} an hour" in row
    assert {p.window for p in (limits.refresh, limits.costs, limits.export)} == {timedelta(hours=1)}
    default_budget = Settings.model_fields["renault_max_calls_per_hour"].default
    assert ChatLimits.for_budget(default_budget) == limits
    raised = ChatLimits.for_budget(600)
    assert raised.refresh.cap == 600 // 6
    assert "(a sixth of the budget when it is above 60 calls an hour)" in row
    assert ChatLimits.for_budget(6 * limits.refresh.cap + 6).refresh.cap > limits.refresh.cap

    assert (MEMBER_SHARE, MEMBERS_SHARE) == (1 / 6, 1 / 3)
    assert "each member may spend at most a sixth of it and all members together a third" in _limit_row(
        "Renault calls"
    )
