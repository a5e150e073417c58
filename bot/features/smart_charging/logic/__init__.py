"""Smart charging as pure logic: the planner, the plan as the car is told it, its summary, the power."""
