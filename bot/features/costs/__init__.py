"""Charging costs: priced charge sessions, /costs, /export, the monthly summary, Home & costs."""
