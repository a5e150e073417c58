"""When a vehicle's next poll is due: counted from when this poll was due, not from when it ran.

Counting from the poll's own start time adds the tick's lateness to every interval: a vehicle due every 5 s,
polled a fraction of a second after a 5 s tick, was due again just after the next tick and waited for the
one after, so it was polled every 10 s. Counting from the due time keeps the interval on average exact,
whatever the tick's lateness. A poll that ran very late (the bot was down or overloaded) starts afresh from
now, so the vehicle is not polled twice in quick succession to catch up.
"""

from __future__ import annotations

from datetime import datetime, timedelta


def next_due(due: datetime | None, now: datetime, delay: timedelta) -> datetime:
    """The next poll time after a poll at `now` that was due at `due`, `delay` apart."""
    if due is None or due > now or now - due >= delay / 2:
        return now + delay
    return due + delay
