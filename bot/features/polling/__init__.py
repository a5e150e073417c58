"""Polling: the poller's tick (`jobs`), the poll-one-vehicle use case and the sweep's unit of work
(`use_cases`), their ports and their pure rules (`logic`: the intervals and the cadence).

`use_cases.poll.PollingService` reads a car through the gateway (the one place where Renault errors become
service errors), diffs it per chat and leaves its writes to the batch; `use_cases.batch.PollBatch` holds one
sweep's bulk reads and commits its state saves and outbox rows in one transaction. The memory it keeps per
vehicle is the domain's `bot.domain.poll_memory.PollMemory`.
"""
