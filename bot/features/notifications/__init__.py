"""Notifications: the outbox use case (enqueue a chat's pings, deliver them at least once) and its rules."""
