"""The use cases of charging costs: pricing each charge session, the figures and export, the price look-up."""
