"""pytest plugin (entry point ``pytest11``): rule assertions for a host's own tests."""
