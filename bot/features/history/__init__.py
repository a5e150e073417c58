"""Charge history: readings and sessions recorded from the poller, their retention, and /history."""
