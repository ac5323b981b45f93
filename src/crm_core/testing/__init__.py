"""Contract suites and rule assertions that hosts run in their own test suites."""
