"""Records, value objects, rule checks and ports: the pure core's vocabulary."""
