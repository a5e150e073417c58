"""Polling: the poll-one-vehicle use case, the sweep's unit of work (`batch.PollBatch`) and their ports.

`service.PollingService` reads a car through the gateway (the one place where Renault errors become
service errors), diffs it per chat and leaves its writes to the batch; `batch.PollBatch` holds one sweep's
bulk reads and commits its state saves and outbox rows in one transaction. `ports` is what the package
needs from the stores and the gateway; `readings` and `cadence` are its small pure helpers
(the memory it keeps per vehicle is the domain's `bot.domain.poll_memory.PollMemory`).

Nothing is imported here: `readings` is used by other services that the service module itself imports.
"""
