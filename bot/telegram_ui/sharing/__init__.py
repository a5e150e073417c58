"""Family sharing in Telegram: /share and its buttons, joining with /start <invite>, /leave."""
