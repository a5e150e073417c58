"""Chat settings: the /settings screens (language, zone, units, pings, quiet hours; the kernel reads them)."""
