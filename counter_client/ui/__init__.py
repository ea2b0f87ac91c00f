"""Qt widgets of the counter client: they render CounterSession state and forward input."""
