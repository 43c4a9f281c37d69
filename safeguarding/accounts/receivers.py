"""Signal receivers are kept to wiring only; the work is in services."""
