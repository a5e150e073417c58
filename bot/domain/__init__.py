"""Pure domain logic: values, charge phases, events, schedule rules, planner. Standard library only."""
