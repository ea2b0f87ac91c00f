"""Events: the per-hall event log (seq), the hub that pushes commits to subscribers,
PostgreSQL LISTEN, and the hall websocket WS /ws/halls/{hall}.

May import: the layers below it in docs/architecture.md (checked by lint-imports): core,
catalog, auth, devices, ops.
"""
