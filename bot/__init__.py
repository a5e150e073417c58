"""A Telegram bot for MyRenault owners."""
