"""Use cases (link an account, read status, run an action, poll a vehicle, plan a charge) and their ports."""
