"""The cost screens: /costs, /export, the away-price step, Home & costs in /settings, the monthly ping."""
