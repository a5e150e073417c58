"""Polling's use cases: poll one vehicle (`poll.PollingService`) in a claimed batch (`batch.PollBatch`)."""
