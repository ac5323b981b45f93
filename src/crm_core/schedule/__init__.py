"""Working-day calendars, the follow-up standards as data, the planner and SLAs."""
