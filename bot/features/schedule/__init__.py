"""Charge schedules: the car's own timetable, shown and edited in the chat (the actions use case writes)."""
