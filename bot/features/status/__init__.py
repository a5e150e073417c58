"""The car's status: the /status card read from the one stored state, its Refresh, and /where."""
