"""Polling's pure rules: how often a car is polled (`intervals`) and when its next poll is due (`cadence`)."""
