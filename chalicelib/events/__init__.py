"""Event-driven handlers: the agents' events queue and the scheduled sweeps."""
