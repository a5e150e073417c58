"""Polling's use cases: poll one vehicle (`poll.PollingService`: read, `verdict.judge`, pings, keep) in a
claimed batch (`batch.PollBatch`); tell an account's chats that its login is needed (`login_notice`)."""
