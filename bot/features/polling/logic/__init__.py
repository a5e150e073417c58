"""Polling's pure rules: how often a car is polled (`intervals`), when its next poll is due (`cadence`), and
a second endpoint's report merged into the battery reading (`readings`)."""
