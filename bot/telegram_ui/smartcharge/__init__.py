"""/smartcharge and /smarttariff: the target and ready-by buttons, the plan with Confirm / Cancel.

Split by concern: `taps` (the buttons' payloads in the versioned codec), `tariff_input` (the /smarttariff
forms), `keyboards`, `render` (texts, also used by the notifier for the daily plan ping) and `handlers`.
"""
