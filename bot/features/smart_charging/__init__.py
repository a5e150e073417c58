"""Smart charging: the cheapest charge before a ready-by time, the daily plan, the executor, the tariff."""
