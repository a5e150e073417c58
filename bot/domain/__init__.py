"""Pure domain logic: values, charge phases, events, schedule rules, tariffs. Standard library only."""
